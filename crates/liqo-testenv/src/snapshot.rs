//! Whole-cluster snapshots for tests: every object of every listable resource, by
//! `group/Kind ns/name`, to prove what a command wrote, that a re-run wrote nothing, and that a
//! teardown left no residue.

use std::collections::{BTreeMap, BTreeSet};

use kube::api::{ApiResource, DynamicObject, ListParams};
use kube::discovery::{Discovery, verbs};
use kube::{Api, Client, ResourceExt};

/// Kinds whose objects change by themselves, so their versions prove nothing about a command:
/// Leases are renewed every few seconds by their holders, Events record rather than state.
const CHANGING: &[&str] = &["Lease", "Event"];

/// Kinds whose status is refreshed by their owner's process on a timer (a gateway rewrites its
/// Connection's latency; the node agent heartbeats its Node): compared by `generation`, which
/// only a spec or metadata write moves.
const BY_GENERATION: &[&str] = &["Connection", "Node"];

/// `group/Kind ns/name` of every object but Events (a record of what happened, not state).
///
/// # Panics
/// When discovery or a list fails: this is test support.
pub async fn names(client: &Client) -> BTreeSet<String> {
    collect(client, &["Event"], |_, _| String::new())
        .await
        .into_keys()
        .collect()
}

/// `group/Kind ns/name` → `rv <resourceVersion>` (or `gen <generation>` for the kinds whose
/// status a process refreshes on a timer) of every object but Leases and Events.
///
/// # Panics
/// When discovery or a list fails: this is test support.
pub async fn versions(client: &Client) -> BTreeMap<String, String> {
    collect(client, CHANGING, |ar, obj| {
        if BY_GENERATION.contains(&ar.kind.as_str()) {
            format!("gen {}", obj.metadata.generation.unwrap_or_default())
        } else {
            format!("rv {}", obj.resource_version().unwrap_or_default())
        }
    })
    .await
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

async fn collect(
    client: &Client,
    skip: &[&str],
    value: impl Fn(&ApiResource, &DynamicObject) -> String,
) -> BTreeMap<String, String> {
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    let mut out = BTreeMap::new();
    for group in discovery.groups() {
        for (ar, caps) in group.recommended_resources() {
            if !caps.supports_operation(verbs::LIST) || skip.contains(&ar.kind.as_str()) {
                continue;
            }
            let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
            let list = match api.list(&ListParams::default()).await {
                Ok(list) => list,
                // Aggregated or removed resources discovery still lists.
                Err(kube::Error::Api(e)) if e.code == 404 || e.code == 405 => continue,
                Err(e) => panic!("listing {}: {e}", ar.plural),
            };
            for obj in list.items {
                let key = format!(
                    "{}/{} {}/{}",
                    ar.group,
                    ar.kind,
                    obj.namespace().unwrap_or_default(),
                    obj.name_any()
                );
                out.insert(key, value(&ar, &obj));
            }
        }
    }
    out
}
