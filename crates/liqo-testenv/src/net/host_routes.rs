//! What Liqo's fabric gives the network of a real node's own processes: a route to a peer's
//! API-server proxy, at the address this cluster reaches it (in the peer's remapped external
//! CIDR), via the gateway. Liqo's own pods (controller manager, virtual kubelets) run on the
//! host here (see `pods::placement`), so for every Identity of the cluster with a proxy URL
//! (the consumer side of an in-band peering) the host routes the proxy's address to the
//! node's WAN address, where the gateway takes the packets into the tunnel (with the first
//! address of the external CIDR as their source, which the peer routes back).
//!
//! The host has one routing table for every cluster: two consumers whose proxy URLs name the
//! same address (a bidirectional in-band peering with equal CIDRs) share one route, and the
//! last to write it wins, so one direction at a time can be in-band here. The routes go when
//! their Identity does, or with the node's WAN link when the environment is removed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use futures::StreamExt;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, ResourceExt};

use super::NodeNetwork;

/// The address of an Identity's proxy (`spec.authParams.proxyURL`, `http://<ip>:<port>`),
/// pure.
pub fn proxy_address(identity: &DynamicObject) -> Option<Ipv4Addr> {
    let url = identity.data["spec"]["authParams"]["proxyURL"].as_str()?;
    let authority = url.split_once("://")?.1.split('/').next()?;
    authority
        .rsplit_once(':')
        .map_or(authority, |(h, _)| h)
        .parse()
        .ok()
}

/// Keeps the host's routes to the proxies of the cluster's Identities until `shutdown`.
pub(crate) async fn run(
    client: Client,
    cluster: String,
    net: NodeNetwork,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let gvk = GroupVersionKind::gvk("authentication.liqo.io", "v1beta1", "Identity");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "identities");
    let api: Api<DynamicObject> = Api::all_with(client, &ar);
    // Without Liqo's CRDs the watch fails and retries with backoff: no routes meanwhile.
    let mut events = watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let (mut known, mut listing) = (BTreeMap::new(), BTreeMap::new());
    let mut routed: BTreeSet<Ipv4Addr> = BTreeSet::new();
    let via = net.node_ip.to_string();
    let key = |o: &DynamicObject| format!("{}/{}", o.namespace().unwrap_or_default(), o.name_any());
    tokio::pin!(shutdown);
    loop {
        let event = tokio::select! {
            () = &mut shutdown => break,
            event = events.next() => match event {
                Some(Ok(e)) => e,
                Some(Err(_)) => continue,
                None => break,
            },
        };
        match event {
            watcher::Event::Apply(o) => {
                known.insert(key(&o), proxy_address(&o));
            }
            watcher::Event::Delete(o) => {
                known.remove(&key(&o));
            }
            watcher::Event::Init => listing.clear(),
            watcher::Event::InitApply(o) => {
                listing.insert(key(&o), proxy_address(&o));
            }
            watcher::Event::InitDone => known = std::mem::take(&mut listing),
        }
        let now: BTreeSet<Ipv4Addr> = known.values().flatten().copied().collect();
        for ip in now.difference(&routed) {
            let to = format!("{ip}/32");
            match super::ip::run_ip(&["route", "replace", &to, "via", &via], None) {
                Ok(_) => {
                    tracing::info!(%cluster, %to, %via, "host route to a peer's API-server proxy")
                }
                Err(e) => tracing::warn!(%cluster, %to, error = %e, "host route not added"),
            }
        }
        for ip in routed.difference(&now) {
            let _ = super::ip::run_ip(&["route", "del", &format!("{ip}/32"), "via", &via], None);
        }
        routed = now;
    }
    for ip in &routed {
        let _ = super::ip::run_ip(&["route", "del", &format!("{ip}/32"), "via", &via], None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(spec: serde_json::Value) -> DynamicObject {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "authentication.liqo.io/v1beta1", "kind": "Identity",
            "metadata": {"name": "controlplane-p", "namespace": "liqo-tenant-p"},
            "spec": spec
        }))
        .unwrap()
    }

    #[test]
    fn only_an_identity_with_a_proxy_url_gets_a_route() {
        let proxied =
            identity(serde_json::json!({"authParams": {"proxyURL": "http://10.68.0.1:8118"}}));
        assert_eq!(proxy_address(&proxied), Some(Ipv4Addr::new(10, 68, 0, 1)));
        let direct = identity(serde_json::json!({"authParams": {"apiServer": "https://x:6443"}}));
        assert_eq!(proxy_address(&direct), None);
        let named =
            identity(serde_json::json!({"authParams": {"proxyURL": "http://proxy.example:3128"}}));
        assert_eq!(proxy_address(&named), None, "a name is not routed");
    }
}
