//! The replica of an origin object, as pure functions of the origin: its labels (offloading.md
//! §1 #3), its creation body, and whether its spec or the origin's status is behind.

use std::collections::BTreeMap;

use liqo_api::consts::label;
use liqo_kube::reconcile::ReconcileError;
use serde_json::{Value, json};

use super::Replicated;

/// The labels of the replica of an object labelled `origin`, made by cluster `local_id`: marked
/// replicated from here, pointing back at this cluster, without the origin's ownership.
pub fn replica_labels(
    origin: &BTreeMap<String, String>,
    local_id: &str,
) -> BTreeMap<String, String> {
    let mut labels = origin.clone();
    labels.remove(label::OWNERSHIP);
    labels.insert(label::REPLICATION.into(), label::FALSE.into());
    labels.insert(label::REPLICATED.into(), label::TRUE.into());
    labels.insert(label::ORIGIN_ID.into(), local_id.into());
    // `liqo.io/remoteID` stays: it names the provider, which is where the replica lives.
    labels.insert(label::REMOTE_CLUSTER_ID.into(), local_id.into());
    labels
}

/// The selector of the replicas made by cluster `local_id` (in the remote tenant namespace).
pub fn replicas_selector(local_id: &str) -> String {
    format!(
        "{}={},{}={local_id}",
        label::REPLICATED,
        label::TRUE,
        label::ORIGIN_ID
    )
}

/// The selector of the objects to replicate (any peer; the reconcile checks which).
pub fn origins_selector() -> String {
    format!(
        "{}={},{}",
        label::REPLICATION,
        label::TRUE,
        label::REMOTE_ID
    )
}

/// A part (`spec`, `status`) of `object` as JSON (`Null` when absent).
pub fn part<K: Replicated>(object: &K, key: &str) -> Value {
    serde_json::to_value(object)
        .ok()
        .and_then(|mut v| v.get_mut(key).map(Value::take))
        .unwrap_or(Value::Null)
}

/// The replica of `origin` to create in `remote_ns`: same name, mutated labels, the origin's
/// annotations (copied only now: the provider may annotate its copy) and spec.
///
/// # Errors
/// [`ReconcileError::Invalid`] when the result does not parse as the kind (cannot happen for
/// an object read from the API).
pub fn replica<K: Replicated>(
    origin: &K,
    remote_ns: &str,
    local_id: &str,
) -> Result<K, ReconcileError> {
    let meta = origin.meta();
    let labels = replica_labels(meta.labels.as_ref().unwrap_or(&BTreeMap::new()), local_id);
    let mut metadata = json!({
        "name": meta.name,
        "namespace": remote_ns,
        "labels": labels,
    });
    if let Some(annotations) = meta.annotations.as_ref().filter(|a| !a.is_empty()) {
        metadata["annotations"] = json!(annotations);
    }
    let mut body = json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "metadata": metadata,
    });
    let spec = part(origin, "spec");
    if !spec.is_null() {
        body["spec"] = spec;
    }
    serde_json::from_value(body).map_err(|e| {
        ReconcileError::Invalid(format!(
            "the replica of {} does not parse: {e}",
            K::kind(&())
        ))
    })
}

#[cfg(test)]
mod tests {
    use liqo_api::authentication::{ResourceSlice, ResourceSliceSpec};
    use liqo_api::offloading::{NamespaceMap, NamespaceMapSpec};

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn replica_labels_point_back_at_the_origin_cluster() {
        let origin = labels(&[
            ("liqo.io/replication", "true"),
            ("liqo.io/remoteID", "prov"),
            ("liqo.io/remote-cluster-id", "prov"),
            ("liqo.io/ownership", "shared"),
            ("app", "x"),
        ]);
        assert_eq!(
            replica_labels(&origin, "cons"),
            labels(&[
                ("liqo.io/replication", "false"),
                ("liqo.io/replicated", "true"),
                ("liqo.io/originID", "cons"),
                ("liqo.io/remoteID", "prov"),
                ("liqo.io/remote-cluster-id", "cons"),
                ("app", "x"),
            ])
        );
        assert_eq!(
            replicas_selector("cons"),
            "liqo.io/replicated=true,liqo.io/originID=cons"
        );
        assert_eq!(
            origins_selector(),
            "liqo.io/replication=true,liqo.io/remoteID"
        );
    }

    #[test]
    fn the_replica_has_the_origins_name_spec_and_annotations_but_nothing_of_its_state() {
        let mut origin = ResourceSlice::new(
            "rs",
            ResourceSliceSpec {
                class: Some("test".into()),
                ..Default::default()
            },
        );
        origin.metadata.namespace = Some("liqo-tenant-prov".into());
        origin.metadata.labels = Some(labels(&[("liqo.io/remoteID", "prov")]));
        origin.metadata.annotations = Some(labels(&[("liqo.io/create-virtual-node", "true")]));
        origin.metadata.resource_version = Some("42".into());
        origin.metadata.uid = Some("u".into());
        origin.metadata.finalizers = Some(vec!["crdreplicator.liqo.io/resource".into()]);
        origin.status = Some(Default::default());
        let replica = replica(&origin, "liqo-tenant-cons", "cons").unwrap();
        assert_eq!(replica.metadata.name.as_deref(), Some("rs"));
        assert_eq!(
            replica.metadata.namespace.as_deref(),
            Some("liqo-tenant-cons")
        );
        assert_eq!(replica.metadata.annotations, origin.metadata.annotations);
        assert_eq!(replica.spec, origin.spec);
        assert_eq!(replica.status, None);
        assert_eq!(replica.metadata.resource_version, None);
        assert_eq!(replica.metadata.uid, None);
        assert_eq!(replica.metadata.finalizers, None);
        assert_eq!(replica.metadata.labels.unwrap()["liqo.io/originID"], "cons");
    }

    #[test]
    fn parts_are_json_and_null_when_absent() {
        let map = NamespaceMap::new(
            "prov",
            NamespaceMapSpec {
                desired_mapping: Some(labels(&[("a", "a-cons")])),
            },
        );
        assert_eq!(
            part(&map, "spec"),
            json!({"desiredMapping": {"a": "a-cons"}})
        );
        assert_eq!(part(&map, "status"), Value::Null);
    }
}
