//! The node heartbeat: Lease `kube-node-lease/<node>`, renewed every quarter of its term while
//! the provider answers the ping, so a provider outage lets it expire.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, OwnerReference};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client};
use liqo_api::consts::field_manager;
use tokio::sync::watch;

/// Namespace of node heartbeat Leases.
pub const NAMESPACE: &str = "kube-node-lease";

/// The Lease of Node `node` (uid `node_uid`): held by the node, owned by it (deleted with it).
pub fn lease(node: &str, node_uid: &str, duration: Duration, now: Timestamp) -> Lease {
    Lease {
        metadata: ObjectMeta {
            name: Some(node.into()),
            namespace: Some(NAMESPACE.into()),
            owner_references: Some(vec![OwnerReference {
                api_version: "v1".into(),
                kind: "Node".into(),
                name: node.into(),
                uid: node_uid.into(),
                ..Default::default()
            }]),
            ..Default::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(node.into()),
            lease_duration_seconds: Some(i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)),
            renew_time: Some(MicroTime(now)),
            ..Default::default()
        }),
    }
}

/// How often the Lease is renewed: a quarter of its term (10 s for upstream's 40 s).
pub fn renew_period(duration: Duration) -> Duration {
    (duration / 4).max(Duration::from_secs(1))
}

/// Renews the Lease until the task is aborted: on every period and whenever the ping recovers,
/// once the Node exists (`node_uid`), never while the ping fails (`ping_ok`).
pub async fn run(
    client: Client,
    node: String,
    duration: Duration,
    mut ping_ok: watch::Receiver<bool>,
    mut node_uid: watch::Receiver<Option<String>>,
) {
    let api: Api<Lease> = Api::namespaced(client, NAMESPACE);
    let mut tick = tokio::time::interval(renew_period(duration));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            changed = ping_ok.changed() => if changed.is_err() { return },
            changed = node_uid.changed() => if changed.is_err() { return },
        }
        let uid = node_uid.borrow().clone();
        let (Some(uid), true) = (uid, *ping_ok.borrow()) else {
            continue;
        };
        let body = lease(&node, &uid, duration, Timestamp::now());
        let params = PatchParams::apply(field_manager::VIRTUAL_KUBELET).force();
        if let Err(e) = api.patch(&node, &params, &Patch::Apply(&body)).await {
            tracing::warn!(node = %node, error = %liqo_kube::api_error::render(&e), "failed to renew the node Lease");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_is_held_and_owned_by_its_node() {
        let now = Timestamp::from_second(1000).unwrap();
        let l = lease("vn1", "uid-1", Duration::from_secs(40), now);
        assert_eq!(l.metadata.namespace.as_deref(), Some("kube-node-lease"));
        let owner = &l.metadata.owner_references.unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str(), owner.uid.as_str()),
            ("Node", "vn1", "uid-1")
        );
        let spec = l.spec.unwrap();
        assert_eq!(spec.holder_identity.as_deref(), Some("vn1"));
        assert_eq!(spec.lease_duration_seconds, Some(40));
        assert_eq!(spec.renew_time, Some(MicroTime(now)));
        assert_eq!(
            renew_period(Duration::from_secs(40)),
            Duration::from_secs(10)
        );
    }
}
