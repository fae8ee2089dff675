//! Command-line compatibility: the flags the controller renders, upstream's extra flags
//! accepted and ignored, Go durations and booleans, the standalone mode, probe addresses,
//! and the client's endpoint rules.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use liqo_gateway::args::{Args, Mode};
use liqo_gateway::endpoint::{FAST_INTERVAL, choose, next_interval, static_endpoint};
use liqo_gateway::probe::{parse_bind_address, respond};

fn parse(flags: &[&str]) -> Args {
    Args::try_parse_from(std::iter::once("liqo-gateway").chain(flags.iter().copied()))
        .unwrap_or_else(|e| panic!("{flags:?}: {e}"))
}

#[test]
fn the_controller_rendered_command_parses_with_upstream_defaults() {
    let args = parse(&[
        "--name=gw-peer",
        "--namespace=liqo-tenant-peer",
        "--remote-cluster-id=peer",
        "--gateway-uid=1234-5678",
        "--mode=client",
        "--node-name=node-1",
        "--pod-name=gw-peer-abc",
        "--mtu=1340",
        "--endpoint-address=gw.example.org",
        "--endpoint-port=51840",
    ]);
    assert_eq!(args.mode, Mode::Client);
    assert_eq!(args.endpoint_address.as_deref(), Some("gw.example.org"));
    assert!(args.missing().is_empty());
    assert!(!args.standalone());
    assert_eq!(
        args.private_key_path().to_str(),
        Some("/etc/wireguard/keys/privateKey")
    );
    assert!(args.ping_enabled);
    assert_eq!(args.ping_interval, Duration::from_secs(2));
    assert_eq!(args.ping_loss_threshold, 5);
    assert_eq!(args.ping_update_status_interval, Duration::from_secs(10));
    assert_eq!(args.dns_check_interval, Duration::from_secs(300));
    assert_eq!(args.listen_port, 51840);
}

#[test]
fn upstream_only_flags_are_accepted_and_ignored() {
    let args = parse(&[
        "--name=gw",
        "--namespace=ns",
        "--remote-cluster-id=peer",
        "--gateway-uid=uid",
        "--mode=server",
        "--container-name=gateway",
        "--concurrent-containers-names=wireguard,geneve",
        "--health-probe-bind-address=:8083",
        "--ping-enabled=true",
        "--ping-loss-threshold=7",
        "--ping-interval=1500ms",
        "--ping-update-status-interval=1m30s",
        "--leader-election=false",
        "--enable-nft-monitor",
        "--enable-route-monitor",
        "--enable-multipath-hash-policy=false",
        "--metrics-address=:8082",
        "--implementation=userspace",
        "--preserve-client-endpoint=true",
        "--disable-kernel-version-check",
        "--listen-ports=51841,51842",
    ]);
    assert_eq!(args.listen_port, 51841, "the first of --listen-ports");
    assert_eq!(args.ping_loss_threshold, 7);
    assert_eq!(args.ping_interval, Duration::from_millis(1500));
    assert_eq!(args.ping_update_status_interval, Duration::from_secs(90));
    assert!(args.disable_kernel_version_check);
    assert_eq!(args.health_probe_bind_address, ":8083");
}

#[test]
fn missing_flags_are_named_and_standalone_needs_no_kubernetes_flags() {
    let args = parse(&["--mode=client"]);
    assert_eq!(
        args.missing(),
        [
            "--endpoint-address",
            "--name",
            "--namespace",
            "--remote-cluster-id",
            "--gateway-uid"
        ]
    );
    let standalone = parse(&[
        "--mode=server",
        "--peer-public-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "--private-key-file=/tmp/key",
        "--route=10.243.0.0/16=10.71.0.0/16",
        "--route=10.70.0.0/16",
        "--ping-enabled=false",
    ]);
    assert!(standalone.standalone() && standalone.missing().is_empty());
    assert_eq!(standalone.routes.len(), 2);
    assert!(!standalone.ping_enabled);
    assert_eq!(standalone.private_key_path().to_str(), Some("/tmp/key"));
    assert!(Args::try_parse_from(["liqo-gateway", "--mode=relay"]).is_err());
    assert!(
        Args::try_parse_from(["liqo-gateway", "--mode=server", "--route=10.0.0.0/8=bad"]).is_err()
    );
}

#[test]
fn probes_answer_healthz_and_readyz() {
    assert_eq!(parse_bind_address(":8083"), "0.0.0.0:8083".parse().ok());
    assert_eq!(
        parse_bind_address("127.0.0.1:9"),
        "127.0.0.1:9".parse().ok()
    );
    assert_eq!(parse_bind_address(""), None);
    assert_eq!(parse_bind_address("0"), None);
    assert!(respond("GET /healthz HTTP/1.1").starts_with("HTTP/1.1 200 OK"));
    assert!(respond("GET /readyz HTTP/1.1").ends_with("\r\n\r\nok"));
    assert!(respond("GET /metrics HTTP/1.1").starts_with("HTTP/1.1 404"));
}

#[test]
fn a_resolved_endpoint_is_kept_while_still_resolved() {
    let a: SocketAddr = "192.0.2.10:51840".parse().unwrap();
    let b: SocketAddr = "192.0.2.11:51840".parse().unwrap();
    let v6: SocketAddr = "[2001:db8::1]:51840".parse().unwrap();
    assert_eq!(choose(None, &[v6, a, b]), Some(a), "first IPv4");
    assert_eq!(choose(Some(b), &[a, b]), Some(b), "current kept");
    assert_eq!(choose(Some(b), &[a]), Some(a), "moved");
    assert_eq!(choose(Some(b), &[]), Some(b), "nothing resolved: keep");
    assert_eq!(
        static_endpoint("10.0.0.1", 51840),
        Some("10.0.0.1:51840".parse().unwrap())
    );
    assert_eq!(static_endpoint("gw.example.org", 51840), None);
}

#[test]
fn dns_is_rechecked_every_5s_for_10_minutes_then_at_the_check_interval() {
    let check = Duration::from_secs(300);
    assert_eq!(next_interval(Duration::ZERO, check), FAST_INTERVAL);
    assert_eq!(
        next_interval(Duration::from_secs(599), check),
        FAST_INTERVAL
    );
    assert_eq!(next_interval(Duration::from_secs(600), check), check);
}
