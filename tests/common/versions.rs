//! name → version of every object in a cluster, to prove that a re-run writes nothing; and
//! what a teardown left behind.
//!
//! Included with `#[path = "common/versions.rs"] mod versions;` by the tests that use it.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::{BTreeMap, BTreeSet};

use kube::api::{DynamicObject, ListParams};
use kube::discovery::{Discovery, verbs};
use kube::{Api, Client, ResourceExt};

/// Kinds whose objects change by themselves, so their versions prove nothing about a command:
/// Leases are renewed every few seconds by their holders, Events record rather than state.
const EXCLUDED: &[&str] = &["Lease", "Event"];

/// Kinds whose status is refreshed by their owner's process on a timer (a gateway rewrites its
/// Connection's latency; the node agent heartbeats its Node): compared by `generation`, which
/// only a spec or metadata write moves.
const BY_GENERATION: &[&str] = &["Connection", "Node"];

/// `group/Kind ns/name` → `rv <resourceVersion>` (or `gen <generation>` for [`BY_GENERATION`]
/// kinds) of every object of every listable resource but the [`EXCLUDED`] kinds.
pub async fn versions(client: &Client) -> BTreeMap<String, String> {
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    let mut out = BTreeMap::new();
    for group in discovery.groups() {
        for (ar, caps) in group.recommended_resources() {
            if !caps.supports_operation(verbs::LIST) || EXCLUDED.contains(&ar.kind.as_str()) {
                continue;
            }
            let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
            let list = match api.list(&ListParams::default()).await {
                Ok(list) => list,
                Err(kube::Error::Api(e)) if e.code == 404 || e.code == 405 => continue,
                Err(e) => panic!("listing {}: {e}", ar.plural),
            };
            for obj in list.items {
                let version = if BY_GENERATION.contains(&ar.kind.as_str()) {
                    format!("gen {}", obj.metadata.generation.unwrap_or_default())
                } else {
                    format!("rv {}", obj.resource_version().unwrap_or_default())
                };
                let key = format!(
                    "{}/{} {}/{}",
                    ar.group,
                    ar.kind,
                    obj.namespace().unwrap_or_default(),
                    obj.name_any()
                );
                out.insert(key, version);
            }
        }
    }
    out
}

/// What differs between two [`versions`] maps: added, removed and changed keys, one per line.
pub fn changes(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|k| match (before.get(k), after.get(k)) {
            (Some(b), Some(a)) if a == b => None,
            (Some(b), Some(a)) => Some(format!("changed {k}: {b} → {a}")),
            (None, Some(_)) => Some(format!("added {k}")),
            (Some(_), None) => Some(format!("removed {k}")),
            (None, None) => None,
        })
        .collect()
}

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
