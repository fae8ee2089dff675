//! name → version of every object in a cluster, to prove that a re-run writes nothing; and
//! what a teardown left behind.
//!
//! Included with `#[path = "common/versions.rs"] mod versions;` by the tests that use it.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeSet;

#[allow(unused_imports)] // each test binary uses a different subset
pub use liqo_testenv::snapshot::{changes, versions};

/// What a teardown left: objects of `after` not in `before` (both `common::snapshot`s), and
/// objects of `before` missing from `after`. Exempt are only the namespaces in `kept` (kept on
/// purpose, like tenant namespaces) and what Kubernetes itself puts in each of them: the
/// `default` ServiceAccount (serviceaccount controller) and the `kube-root-ca.crt` ConfigMap
/// (root-CA publisher).
pub fn residue(
    before: &BTreeSet<String>,
    after: &BTreeSet<String>,
    kept: &[&str],
) -> (Vec<String>, Vec<String>) {
    let by_kubernetes = |entry: &str| {
        kept.iter().any(|ns| {
            entry == format!("/Namespace /{ns}")
                || entry == format!("/ServiceAccount {ns}/default")
                || entry == format!("/ConfigMap {ns}/kube-root-ca.crt")
        })
    };
    let left = after
        .difference(before)
        .filter(|e| !by_kubernetes(e))
        .cloned()
        .collect();
    let removed = before.difference(after).cloned().collect();
    (left, removed)
}

/// [`versions`] of a consumer and a provider.
pub type PairVersions = (
    std::collections::BTreeMap<String, String>,
    std::collections::BTreeMap<String, String>,
);

/// Both clusters' [`versions`].
pub async fn pair(c: &kube::Client, p: &kube::Client) -> PairVersions {
    (versions(c).await, versions(p).await)
}

/// [`changes`] on both clusters, each line prefixed with `consumer:` or `provider:`.
pub fn pair_changes(before: &PairVersions, after: &PairVersions) -> Vec<String> {
    let consumer = changes(&before.0, &after.0);
    let provider = changes(&before.1, &after.1);
    consumer
        .into_iter()
        .map(|c| format!("consumer: {c}"))
        .chain(provider.into_iter().map(|c| format!("provider: {c}")))
        .collect()
}
