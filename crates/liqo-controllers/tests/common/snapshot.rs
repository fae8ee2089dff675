//! Before/after snapshots of a whole test cluster (`liqo_testenv::snapshot`), to prove what a
//! test wrote and that it left no residue.
//!
//! Included with `#[path = "common/snapshot.rs"] mod snapshot;` by the tests that use it.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Duration;

use kube::{Api, Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;

/// Bound on the waits for the garbage collector.
const WAIT: Duration = Duration::from_secs(90);

/// Every object but Leases and Events, `group/Kind ns/name` → version
/// ([`liqo_testenv::snapshot::versions`]).
pub async fn snapshot(client: &Client) -> BTreeMap<String, String> {
    liqo_testenv::snapshot::versions(client).await
}

/// Names added and removed from `before` to `after`.
pub fn diff(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> (Vec<String>, Vec<String>) {
    let added = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .cloned()
        .collect();
    let removed = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    (added, removed)
}

/// What Kubernetes itself puts in a new namespace `ns`, with the namespace.
fn namespace_itself(ns: &str) -> Vec<String> {
    vec![
        format!("/ConfigMap {ns}/kube-root-ca.crt"),
        format!("/Namespace /{ns}"),
        format!("/ServiceAccount {ns}/default"),
    ]
}

/// The only objects added since `before` are the namespace `ns` and what Kubernetes puts in
/// it, and nothing was removed: the test left no residue. Call it once every child is gone.
pub async fn assert_no_residue(client: &Client, before: &BTreeMap<String, String>, ns: &str) {
    let (added, removed) = diff(before, &snapshot(client).await);
    let expected = namespace_itself(ns);
    assert!(
        added == expected && removed.is_empty(),
        "residue: added {added:#?} (expected only {expected:?}), removed {removed:#?}"
    );
}

/// Waits (by watch) until namespace `ns` holds no `K`: what the garbage collector removes in
/// its own time after the objects the test awaits.
pub async fn until_none<K>(client: &Client, ns: &str)
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static,
{
    let what = format!("no {} left in {ns}", K::kind(&()));
    let names = |objects: &[K]| {
        objects
            .iter()
            .map(ResourceExt::name_any)
            .collect::<Vec<_>>()
            .join(", ")
    };
    liqo_kube::wait::list(
        Api::<K>::namespaced(client.clone(), ns),
        "",
        &what,
        WAIT,
        |objects| Ok(objects.is_empty()),
        names,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}
