//! Pod sandboxes: what a CNI plugin gives an ordinary pod on a node of the test network — its
//! own network namespace, a veth onto the node's pod bridge, an address of the cluster's pod
//! CIDR and a default route via the bridge. Pod-to-pod traffic between clusters therefore
//! leaves through the node and its gateway's tunnel, as on a real cluster.
//!
//! Addresses come from the upper half of the pod CIDR (test pods count up from `.10` of the
//! lower half), first at a place hashed from the pod's uid so a pod keeps its address when
//! the agent restarts. The node agent also keeps every sandbox's Service rules current (see
//! `services`): [`Sandboxes::set_rules`] replaces them everywhere, and a new sandbox gets the
//! current ones before its containers start.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::net::Ipv4Addr;
use std::sync::Arc;

use super::ip::plug_into_bridge;
use super::{Ipv4Cidr, NodeNetwork, POD_BRIDGE, run_ip};

/// One pod's network namespace and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// Its namespace, `<node netns>.p<hash of the uid>` (removed with the environment).
    pub netns: String,
    /// Its address in the pod CIDR: the pod's `status.podIP`.
    pub ip: Ipv4Addr,
}

/// The sandboxes of one node agent, and the nftables script every one of them carries.
#[derive(Debug, Clone, Default)]
pub struct Sandboxes {
    inner: Arc<tokio::sync::Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    live: BTreeMap<String, Ipv4Addr>,
    rules: Option<String>,
}

impl Sandboxes {
    /// Creates the sandbox of pod `uid` behind `node` (replacing one a previous agent left),
    /// with the current Service rules in it.
    ///
    /// # Errors
    /// The pod CIDR is full, or `ip`/`nft` fail (their message).
    pub(crate) async fn create(&self, node: &NodeNetwork, uid: &str) -> Result<Sandbox, String> {
        let mut inner = self.inner.lock().await;
        let hash = uid_hash(uid);
        let netns = format!("{}.p{hash:016x}", node.netns);
        let ip = pick_address(node.pod_cidr, hash, |ip| {
            inner
                .live
                .iter()
                .any(|(ns, used)| *used == ip && *ns != netns)
        })
        .ok_or_else(|| format!("pod CIDR {} has no address left", node.pod_cidr))?;
        let (node_ns, name, cidr) = (node.netns.clone(), netns.clone(), node.pod_cidr);
        let made = blocking(move || plumb(&node_ns, &name, hash, ip, cidr)).await;
        let ruled = match (&made, &inner.rules) {
            (Ok(()), Some(rules)) => super::apply_nft(&netns, rules).await,
            _ => Ok(()),
        };
        // Half-made, it goes: the pod reports the failure, nothing stays behind.
        if let Err(e) = made.and(ruled) {
            let name = netns.clone();
            let _ = blocking(move || delete_netns(&name)).await;
            return Err(e);
        }
        inner.live.insert(netns.clone(), ip);
        Ok(Sandbox { netns, ip })
    }

    /// Removes `sandbox` (its veth goes with it); already gone is fine.
    pub(crate) async fn remove(&self, sandbox: &Sandbox) {
        let mut inner = self.inner.lock().await;
        inner.live.remove(&sandbox.netns);
        let netns = sandbox.netns.clone();
        if let Err(e) = blocking(move || delete_netns(&netns)).await {
            tracing::debug!(netns = %sandbox.netns, error = %e, "pod sandbox not removed");
        }
    }

    /// Makes `script` (an `nft -f` script that replaces its own table) the rules of every
    /// sandbox, now and from now on. Sandboxes that refuse it are named in the error; the
    /// others have it.
    ///
    /// # Errors
    /// `nft`'s complaints, one per sandbox that refused.
    pub(crate) async fn set_rules(&self, script: String) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        let mut failures = Vec::new();
        for netns in inner.live.keys() {
            if let Err(e) = super::apply_nft(netns, &script).await {
                failures.push(e);
            }
        }
        inner.rules = Some(script);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    }
}

async fn blocking(
    f: impl FnOnce() -> Result<(), crate::Error> + Send + 'static,
) -> Result<(), String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

/// The namespace, the veth onto the pod bridge, the address and the route.
fn plumb(
    node_netns: &str,
    netns: &str,
    hash: u64,
    ip: Ipv4Addr,
    cidr: Ipv4Cidr,
) -> Result<(), crate::Error> {
    let gateway = cidr
        .host(1)
        .ok_or_else(|| crate::Error::State(format!("pod CIDR {cidr} has no gateway address")))?;
    // A sandbox left by an agent that died goes first (its processes died with the agent).
    let _ = delete_netns(netns);
    let veth = format!("pv{:08x}", hash as u32);
    plug_into_bridge(
        node_netns,
        POD_BRIDGE,
        &veth,
        netns,
        (ip, cidr.prefix()),
        gateway,
    )
}

fn delete_netns(netns: &str) -> Result<(), crate::Error> {
    if std::path::Path::new(super::NETNS_DIR).join(netns).exists() {
        run_ip(&["netns", "del", netns], None)?;
    }
    Ok(())
}

fn uid_hash(uid: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    uid.hash(&mut hasher);
    hasher.finish()
}

/// The first address of the upper half of `cidr`, from the place `hash` picks on, that
/// `taken` does not refuse (pure).
fn pick_address(cidr: Ipv4Cidr, hash: u64, taken: impl Fn(Ipv4Addr) -> bool) -> Option<Ipv4Addr> {
    let size = 1u64 << (32 - u32::from(cidr.prefix()));
    let half = size / 2;
    // The upper half without its last address (the broadcast).
    let room = half.checked_sub(1).filter(|r| *r > 0)?;
    (0..room)
        .map(|k| half + (hash.wrapping_add(k)) % room)
        .filter_map(|n| cidr.host(u32::try_from(n).ok()?))
        .find(|ip| !taken(*ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_in_the_upper_half_stable_and_skip_taken_ones() {
        let cidr: Ipv4Cidr = "10.244.0.0/16".parse().unwrap();
        let a = pick_address(cidr, 42, |_| false).unwrap();
        assert_eq!(a, pick_address(cidr, 42, |_| false).unwrap());
        assert!(a.octets()[2] >= 128, "{a}");
        let b = pick_address(cidr, 42, |ip| ip == a).unwrap();
        assert_ne!(a, b);
        assert_eq!(u32::from(b), u32::from(a) + 1);
    }

    #[test]
    fn a_small_cidr_fills_up_and_never_hands_out_the_broadcast() {
        let cidr: Ipv4Cidr = "10.0.0.0/29".parse().unwrap();
        let all: Vec<Ipv4Addr> = (0..10)
            .filter_map(|h| pick_address(cidr, h, |_| false))
            .collect();
        assert!(
            all.iter().all(|ip| (4..=6).contains(&ip.octets()[3])),
            "{all:?}"
        );
        assert_eq!(pick_address(cidr, 0, |_| true), None);
        let single: Ipv4Cidr = "10.0.0.0/31".parse().unwrap();
        assert_eq!(pick_address(single, 0, |_| false), None);
    }
}
