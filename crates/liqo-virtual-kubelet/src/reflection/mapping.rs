//! What reflection works from: the namespaces the provider accepted (NamespaceMap status,
//! spec offloading.md §7 step 5) and how a provider pod IP reads from the consumer (§7 step 10).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use liqo_api::offloading::{MappingPhase, NamespaceMap};
use liqo_kube::ipam::Cidr;

/// Local namespace → remote namespace, for the entries the provider `Accepted`.
pub type Mappings = BTreeMap<String, String>;

/// The accepted entries of the provider's NamespaceMaps (usually one).
pub fn accepted<'a>(maps: impl IntoIterator<Item = &'a NamespaceMap>) -> Mappings {
    maps.into_iter()
        .filter(|m| m.metadata.deletion_timestamp.is_none())
        .filter_map(|m| m.status.as_ref()?.current_mapping.as_ref())
        .flatten()
        .filter(|(_, st)| st.phase == Some(MappingPhase::Accepted))
        .filter_map(|(local, st)| Some((local.clone(), st.remote_namespace.clone()?)))
        .collect()
}

/// The local namespace of remote namespace `remote`, if it is mapped.
pub fn local_of<'a>(mappings: &'a Mappings, remote: &str) -> Option<&'a str> {
    mappings
        .iter()
        .find(|(_, r)| r.as_str() == remote)
        .map(|(l, _)| l.as_str())
}

/// Rewrites provider pod IPs into the consumer's view: an address in a remote pod CIDR moves
/// to the same offset in its remapped CIDR (the clusters' pod CIDRs overlap); others stay.
#[derive(Debug, Clone, Default)]
pub struct IpTranslation {
    pairs: Vec<(Cidr, Cidr)>,
}

impl IpTranslation {
    /// From `--remote-pod-cidr` and `--remote-pod-cidr-remap` (pairs by position; an
    /// unparsable or missing remap leaves that CIDR untranslated).
    pub fn new(remote: &[String], remapped: &[String]) -> Self {
        let pairs = remote
            .iter()
            .zip(remapped)
            .filter_map(|(r, m)| Some((r.parse().ok()?, m.parse().ok()?)))
            .filter(|(r, m): &(Cidr, Cidr)| r != m && r.prefix_len() == m.prefix_len())
            .collect();
        Self { pairs }
    }

    /// `ip` as the consumer reaches it (non-IPv4 text is returned as is).
    pub fn translate(&self, ip: &str) -> String {
        let Ok(addr) = ip.parse::<Ipv4Addr>() else {
            return ip.to_owned();
        };
        for (remote, remapped) in &self.pairs {
            if remote.contains_ip(addr) {
                // Inside the prefix, the host part is what differs from the network address.
                let host = u32::from(addr) ^ u32::from(remote.addr());
                return Ipv4Addr::from(u32::from(remapped.addr()) | host).to_string();
            }
        }
        ip.to_owned()
    }

    /// The inverse of [`IpTranslation::translate`]: a consumer-view address of a provider pod
    /// back to the provider's own (an address in a remapped CIDR moves to the same offset in
    /// its remote CIDR; others, and non-IPv4 text, are returned as is).
    pub fn untranslate(&self, ip: &str) -> String {
        let Ok(addr) = ip.parse::<Ipv4Addr>() else {
            return ip.to_owned();
        };
        for (remote, remapped) in &self.pairs {
            if remapped.contains_ip(addr) {
                let host = u32::from(addr) ^ u32::from(remapped.addr());
                return Ipv4Addr::from(u32::from(remote.addr()) | host).to_string();
            }
        }
        ip.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liqo_api::offloading::{NamespaceMapSpec, NamespaceMapStatus, RemoteNamespaceStatus};

    fn map(entries: &[(&str, &str, MappingPhase)]) -> NamespaceMap {
        let mut m = NamespaceMap::new("p", NamespaceMapSpec::default());
        m.status = Some(NamespaceMapStatus {
            current_mapping: Some(
                entries
                    .iter()
                    .map(|(l, r, phase)| {
                        let st = RemoteNamespaceStatus {
                            remote_namespace: Some((*r).into()),
                            phase: Some(*phase),
                        };
                        ((*l).to_owned(), st)
                    })
                    .collect(),
            ),
        });
        m
    }

    #[test]
    fn only_accepted_entries_are_reflected() {
        let m = map(&[
            ("a", "a-c", MappingPhase::Accepted),
            ("b", "b-c", MappingPhase::CreationLoopBackOff),
            ("d", "d-c", MappingPhase::Terminating),
        ]);
        let got = accepted([&m]);
        assert_eq!(got, Mappings::from([("a".into(), "a-c".into())]));
        assert_eq!(local_of(&got, "a-c"), Some("a"));
        assert_eq!(local_of(&got, "b-c"), None);
    }

    #[test]
    fn a_deleting_map_reflects_nothing() {
        let mut m = map(&[("a", "a-c", MappingPhase::Accepted)]);
        m.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
        ));
        assert!(accepted([&m]).is_empty());
    }

    #[test]
    fn remapped_pod_ips_keep_their_offset() {
        let t = IpTranslation::new(&["10.244.0.0/16".into()], &["10.71.0.0/16".into()]);
        assert_eq!(t.translate("10.244.3.7"), "10.71.3.7");
        assert_eq!(t.translate("192.168.1.1"), "192.168.1.1");
        assert_eq!(t.translate("fd00::1"), "fd00::1");
    }

    #[test]
    fn no_remap_or_an_equal_one_translates_nothing() {
        let same = IpTranslation::new(&["10.244.0.0/16".into()], &["10.244.0.0/16".into()]);
        assert_eq!(same.translate("10.244.3.7"), "10.244.3.7");
        let none = IpTranslation::new(&["10.244.0.0/16".into()], &[]);
        assert_eq!(none.translate("10.244.3.7"), "10.244.3.7");
        assert_eq!(same.untranslate("10.244.3.7"), "10.244.3.7");
        assert_eq!(none.untranslate("10.244.3.7"), "10.244.3.7");
    }

    #[test]
    fn untranslate_inverts_translate() {
        let t = IpTranslation::new(&["10.244.0.0/16".into()], &["10.71.0.0/16".into()]);
        assert_eq!(t.untranslate("10.71.3.7"), "10.244.3.7");
        for ip in ["10.244.0.1", "10.244.255.254", "192.168.1.1"] {
            assert_eq!(t.untranslate(&t.translate(ip)), ip);
        }
        // Outside the remapped CIDR (a consumer-local address) or not IPv4: unchanged.
        assert_eq!(t.untranslate("10.243.0.5"), "10.243.0.5");
        assert_eq!(t.untranslate("fd00::1"), "fd00::1");
    }
}
