//! IP mappings (networking.md §8): each IP object of this cluster with a granted alias
//! (`status.ip`, in the external CIDR) makes the local address behind it (`spec.ip`, e.g. the
//! API-server proxy's ClusterIP) reachable from the peer at that alias, pure.
//!
//! Upstream DNATs the alias in a FirewallConfiguration; here both directions are stateless
//! rewrites in the gateway's table instead, with the same effect on the wire: the alias is
//! rewritten before connection tracking, so the connection is tracked to the local address
//! and a Service's own DNAT (kube-proxy's, or the test node agent's) still applies in the
//! same network namespace, where a second stateful DNAT would be skipped; replies get the
//! alias back after every NAT, just before they enter the tunnel. Each rule counts what it
//! rewrote (`nft list table ip liqo-gateway`), which shows the traffic that used an alias.

use std::net::Ipv4Addr;

use liqo_api::ipam::IP;

/// One alias and the local address it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IpMapping {
    /// `status.ip`: the address the peer uses.
    pub alias: Ipv4Addr,
    /// `spec.ip`: where packets to the alias go.
    pub local: Ipv4Addr,
}

/// The mapping of `ip`, once the IPAM granted it an alias that differs from its address.
pub fn mapping_of(ip: &IP) -> Option<IpMapping> {
    let local: Ipv4Addr = ip.spec.ip.parse().ok()?;
    let alias: Ipv4Addr = ip.status.as_ref()?.ip.as_deref()?.parse().ok()?;
    (alias != local).then_some(IpMapping { alias, local })
}

/// The two chains (name, hook, rules) of `mappings` for the table of `plan`.
pub fn chains(
    mappings: &[IpMapping],
    tunnel: &str,
) -> [(&'static str, &'static str, Vec<String>); 2] {
    [
        (
            "ip-mapping-in",
            // Before conntrack (raw is -300, conntrack -200).
            "type filter hook prerouting priority raw",
            mappings
                .iter()
                .map(|m| {
                    format!(
                        "iifname \"{tunnel}\" ip daddr {} counter ip daddr set {}",
                        m.alias, m.local
                    )
                })
                .collect(),
        ),
        (
            "ip-mapping-out",
            // After every NAT (srcnat is 100), which restores the local address on replies.
            "type filter hook postrouting priority 300",
            mappings
                .iter()
                .map(|m| {
                    format!(
                        "oifname \"{tunnel}\" ip saddr {} counter ip saddr set {}",
                        m.local, m.alias
                    )
                })
                .collect(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use liqo_api::ipam::{IpSpec, IpStatus};

    use super::*;

    fn ip(local: &str, alias: Option<&str>) -> IP {
        let mut ip = IP::new(
            "api-server-proxy",
            IpSpec {
                ip: local.into(),
                ..IpSpec::default()
            },
        );
        ip.status = alias.map(|a| IpStatus {
            ip: Some(a.into()),
            cidr: Some("10.70.0.0/16".into()),
        });
        ip
    }

    #[test]
    fn only_granted_distinct_aliases_map() {
        assert_eq!(
            mapping_of(&ip("10.96.12.34", Some("10.70.0.1"))),
            Some(IpMapping {
                alias: "10.70.0.1".parse().unwrap(),
                local: "10.96.12.34".parse().unwrap()
            })
        );
        assert_eq!(
            mapping_of(&ip("10.96.12.34", None)),
            None,
            "not granted yet"
        );
        assert_eq!(
            mapping_of(&ip("10.70.0.1", Some("10.70.0.1"))),
            None,
            "same address"
        );
        assert_eq!(
            mapping_of(&ip("fd00::1", Some("10.70.0.1"))),
            None,
            "not IPv4"
        );
    }

    #[test]
    fn packets_from_the_tunnel_reach_the_local_address_and_replies_leave_as_the_alias() {
        let m = mapping_of(&ip("10.96.12.34", Some("10.70.0.1"))).unwrap();
        let [(_, in_hook, inbound), (_, out_hook, outbound)] = chains(&[m], "liqo-tunnel");
        assert!(in_hook.contains("prerouting priority raw"));
        assert_eq!(
            inbound,
            ["iifname \"liqo-tunnel\" ip daddr 10.70.0.1 counter ip daddr set 10.96.12.34"]
        );
        assert!(out_hook.contains("postrouting priority 300"));
        assert_eq!(
            outbound,
            ["oifname \"liqo-tunnel\" ip saddr 10.96.12.34 counter ip saddr set 10.70.0.1"]
        );
    }
}
