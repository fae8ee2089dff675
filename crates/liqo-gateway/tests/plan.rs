//! Routes and NAT planned from a Configuration: readiness, pairing of spec and status, the
//! nftables script (checked by `nft -c`) and the `ip` invocations.

use std::io::Write as _;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};

use liqo_api::fixtures;
use liqo_api::networking::{ClusterConfig, ClusterConfigCidr, Configuration};
use liqo_gateway::plan::{
    FWMARK, Plan, PlanError, ROUTE_TABLE, Remap, is_ready, plan_configuration, render_rule,
};

const TUNNEL: &str = "liqo-tunnel";
const PEER: Ipv4Addr = Ipv4Addr::new(169, 254, 18, 2);

fn cidrs(pod: &[&str], external: &[&str]) -> Option<ClusterConfig> {
    let list = |l: &[&str]| Some(l.iter().map(|s| s.to_string()).collect());
    Some(ClusterConfig {
        cidr: Some(ClusterConfigCidr {
            pod: list(pod),
            external: list(external),
        }),
    })
}

/// The worked example: the peer's pods are 10.243.0.0/16 like ours, seen here as 10.71.0.0/16.
fn overlapping() -> Configuration {
    let mut cfg = fixtures::configuration();
    cfg.metadata.generation = Some(2);
    cfg.spec.remote = cidrs(&["10.243.0.0/16"], &["10.70.0.0/16"]);
    cfg.status.as_mut().unwrap().remote = cidrs(&["10.71.0.0/16"], &["10.68.0.0/16"]);
    cfg
}

fn remap(s: &str) -> Remap {
    s.parse().unwrap()
}

#[test]
fn a_ready_configuration_pairs_spec_and_status_by_index() {
    let plan = plan_configuration(&overlapping()).unwrap().unwrap();
    assert_eq!(
        plan.remaps,
        vec![
            remap("10.243.0.0/16=10.71.0.0/16"),
            remap("10.70.0.0/16=10.68.0.0/16")
        ]
    );
}

#[test]
fn sources_the_peer_cannot_route_back_leave_as_the_first_external_address() {
    let mut cfg = overlapping();
    cfg.spec.local = cidrs(&["10.243.0.0/16"], &["10.70.0.0/16"]);
    let plan = plan_configuration(&cfg).unwrap().unwrap();
    let unknown = plan.unknown_source.clone().unwrap();
    assert_eq!(unknown.to, "10.70.0.0".parse::<Ipv4Addr>().unwrap());
    let nft = plan.render_nft(TUNNEL);
    let rule = "oifname \"liqo-tunnel\" ip saddr != { 10.243.0.0/16, 10.70.0.0/16, 169.254.0.0/16 } snat to 10.70.0.0";
    assert!(nft.contains(rule), "missing {rule:?} in\n{nft}");
    cfg.spec.local = None;
    let plan = plan_configuration(&cfg).unwrap().unwrap();
    assert_eq!(plan.unknown_source, None, "no local CIDRs known yet");
}

#[test]
fn a_configuration_is_not_applied_before_its_condition_is_current() {
    let mut cfg = overlapping();
    cfg.metadata.generation = Some(3);
    assert!(!is_ready(&cfg), "condition observed generation 2 of 3");
    assert_eq!(plan_configuration(&cfg).unwrap(), None);

    let mut cfg = overlapping();
    cfg.status.as_mut().unwrap().conditions.as_mut().unwrap()[0].status = "False".into();
    assert_eq!(plan_configuration(&cfg).unwrap(), None);

    let mut cfg = overlapping();
    cfg.status = None;
    assert_eq!(plan_configuration(&cfg).unwrap(), None);
}

#[test]
fn misaligned_or_malformed_cidrs_are_errors() {
    let mut cfg = overlapping();
    cfg.status.as_mut().unwrap().remote = cidrs(&[], &["10.68.0.0/16"]);
    assert!(matches!(
        plan_configuration(&cfg),
        Err(PlanError::Misaligned {
            kind: "pod",
            spec: 1,
            status: 0
        })
    ));
    let mut cfg = overlapping();
    cfg.status.as_mut().unwrap().remote = cidrs(&["10.71.0.0/24"], &["10.68.0.0/16"]);
    assert!(matches!(
        plan_configuration(&cfg),
        Err(PlanError::PrefixLength { .. })
    ));
    let mut cfg = overlapping();
    cfg.spec.remote = cidrs(&["10.243.0.0/33"], &["10.70.0.0/16"]);
    assert!(matches!(plan_configuration(&cfg), Err(PlanError::Cidr(_))));
}

#[test]
fn remapped_pairs_get_prefix_dnat_out_and_snat_in() {
    let plan = Plan {
        remaps: vec![remap("10.243.0.0/16=10.71.0.0/16")],
        ..Plan::default()
    };
    let nft = plan.render_nft(TUNNEL);
    let mark = format!("meta mark set meta mark | {FWMARK:#x}");
    for line in [
        format!("iifname != \"liqo-tunnel\" ip daddr 10.71.0.0/16 {mark}"),
        format!("ip daddr 10.71.0.0/16 {mark}"),
        "iifname != \"liqo-tunnel\" ip daddr 10.71.0.0/16 dnat ip prefix to ip daddr map { 10.71.0.0/16 : 10.243.0.0/16 }".to_string(),
        "iifname \"liqo-tunnel\" ip saddr 10.243.0.0/16 snat ip prefix to ip saddr map { 10.243.0.0/16 : 10.71.0.0/16 }".to_string(),
    ] {
        assert!(nft.contains(&line), "missing {line:?} in\n{nft}");
    }
    assert!(nft.contains("type nat hook prerouting priority dstnat"));
    assert!(nft.contains("type nat hook postrouting priority srcnat"));
    assert!(
        nft.starts_with("table ip liqo-gateway {}\ndelete table ip liqo-gateway\n"),
        "replaced atomically: {nft}"
    );
}

#[test]
fn unmapped_networks_are_routed_without_nat() {
    let plan = Plan {
        remaps: vec![remap("10.200.0.0/16")],
        ..Plan::default()
    };
    let nft = plan.render_nft(TUNNEL);
    assert!(!nft.contains("dnat") && !nft.contains("snat"), "{nft}");
    assert!(
        nft.contains("ip daddr 10.200.0.0/16 meta mark set"),
        "{nft}"
    );
    assert_eq!(
        plan.render_routes(TUNNEL, PEER),
        vec![
            "route replace 10.200.0.0/16 via 169.254.18.2 dev liqo-tunnel onlink table 1818"
                .split(' ')
                .map(String::from)
                .collect::<Vec<_>>()
        ]
    );
}

#[test]
fn routes_go_to_the_real_cidrs_through_a_marked_table() {
    let plan = plan_configuration(&overlapping()).unwrap().unwrap();
    let routes: Vec<String> = plan
        .render_routes(TUNNEL, PEER)
        .iter()
        .map(|r| r.join(" "))
        .collect();
    assert_eq!(
        routes,
        [
            "route replace 10.243.0.0/16 via 169.254.18.2 dev liqo-tunnel onlink table 1818",
            "route replace 10.70.0.0/16 via 169.254.18.2 dev liqo-tunnel onlink table 1818",
        ]
    );
    assert_eq!(
        render_rule().join(" "),
        format!("rule add pref 1800 fwmark {FWMARK:#x}/{FWMARK:#x} lookup {ROUTE_TABLE}")
    );
}

#[test]
fn cidrs_are_normalised_and_remaps_parse_from_flags() {
    assert_eq!(remap("10.243.7.9/16").real.to_string(), "10.243.0.0/16");
    assert_eq!(remap("10.1.2.3").real.to_string(), "10.1.2.3/32");
    assert!("10.0.0.0/16=10.1.0.0/24".parse::<Remap>().is_err());
    assert!("10.0.0.0/16=bogus".parse::<Remap>().is_err());
}

#[test]
fn the_rendered_script_is_valid_nftables() {
    let plan = Plan {
        remaps: vec![
            remap("10.243.0.0/16=10.71.0.0/16"),
            remap("10.70.0.0/16=10.68.0.0/16"),
            remap("192.168.7.0/24"),
        ],
        unknown_source: Some(liqo_gateway::plan::UnknownSource {
            known: vec![
                "10.243.0.0/16".parse().unwrap(),
                "10.70.0.0/16".parse().unwrap(),
            ],
            to: "10.70.0.0".parse().unwrap(),
        }),
        // The stateless rewrites of an IP alias (the API-server proxy's) are valid too.
        ip_mappings: vec![liqo_gateway::ip_mapping::IpMapping {
            alias: "10.70.0.1".parse().unwrap(),
            local: "10.96.12.34".parse().unwrap(),
        }],
    };
    let mut child = Command::new("nft")
        .args(["-c", "-f", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nft is installed (make deps)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(plan.render_nft(TUNNEL).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "nft -c rejected the script: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
