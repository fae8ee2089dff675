//! Which providers a NamespaceOffloading selects (§7 step 2): the remote name, the
//! scheduling label, and the cluster selector matched against each virtual node's labels.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{NodeSelector, NodeSelectorRequirement};
use liqo_api::consts::label;
use liqo_api::offloading::{
    NamespaceMappingStrategy, NamespaceOffloadingSpec, PodOffloadingStrategy, VirtualNode,
};

/// The remote namespace name of `ns` (§2.4): same name, `<ns>-<local cluster id>` or the
/// name chosen in the spec.
pub fn remote_namespace_name(
    ns: &str,
    local_cluster: &str,
    spec: &NamespaceOffloadingSpec,
) -> String {
    match spec.namespace_mapping_strategy.as_ref() {
        Some(NamespaceMappingStrategy::EnforceSameName) => ns.to_owned(),
        Some(NamespaceMappingStrategy::SelectedName) => spec
            .remote_namespace_name
            .clone()
            .unwrap_or_else(|| ns.to_owned()),
        _ => format!("{ns}-{local_cluster}"),
    }
}

/// Whether the namespace gets `liqo.io/scheduling-enabled=true` (its pods may go remote).
pub fn scheduling_enabled(spec: &NamespaceOffloadingSpec) -> bool {
    !matches!(
        spec.pod_offloading_strategy,
        Some(PodOffloadingStrategy::Local)
    )
}

/// The labels the cluster selector is matched against (§7 step 2): those of the virtual
/// node's Node when it exists, else what the Node would carry.
///
/// Upstream quirk 11 fixed: `storage.liqo.io/available` is `true` when the provider offers
/// storage classes, as on the Node the virtual kubelet registers.
pub fn virtual_node_labels(
    vn: &VirtualNode,
    node_labels: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    if let Some(labels) = node_labels {
        return labels.clone();
    }
    let mut labels = vn.spec.labels.clone().unwrap_or_default();
    if let Some(cluster) = cluster_of(vn) {
        labels.insert(label::REMOTE_CLUSTER_ID.to_owned(), cluster);
    }
    let storage = vn
        .spec
        .storage_classes
        .as_ref()
        .is_some_and(|s| !s.is_empty());
    let value = if storage { label::TRUE } else { label::FALSE };
    labels.insert(label::STORAGE_AVAILABLE.to_owned(), value.to_owned());
    labels
}

/// The provider of a virtual node: `spec.clusterID`, else its `liqo.io/remote-cluster-id`.
pub fn cluster_of(vn: &VirtualNode) -> Option<String> {
    vn.spec
        .cluster_id
        .clone()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let labels = vn.metadata.labels.as_ref()?;
            labels.get(label::REMOTE_CLUSTER_ID).cloned()
        })
}

/// Whether `labels` satisfy the cluster selector: no selector or no terms selects every
/// virtual node; otherwise any term whose expressions all hold (a term without expressions
/// selects nothing, as in Kubernetes). `matchFields` are not label-based and never match.
pub fn selector_matches(
    selector: Option<&NodeSelector>,
    labels: &BTreeMap<String, String>,
) -> bool {
    let Some(selector) = selector.filter(|s| !s.node_selector_terms.is_empty()) else {
        return true;
    };
    selector.node_selector_terms.iter().any(|term| {
        let expressions = term.match_expressions.as_deref().unwrap_or_default();
        let fields = term.match_fields.as_deref().unwrap_or_default();
        !expressions.is_empty()
            && fields.is_empty()
            && expressions.iter().all(|r| requirement_holds(r, labels))
    })
}

fn requirement_holds(req: &NodeSelectorRequirement, labels: &BTreeMap<String, String>) -> bool {
    let value = labels.get(&req.key);
    let values = req.values.as_deref().unwrap_or_default();
    let number = |v: &str| v.parse::<i64>().ok();
    let compare = |cmp: fn(i64, i64) -> bool| match (value.and_then(|v| number(v)), values) {
        (Some(have), [bound]) => number(bound).is_some_and(|b| cmp(have, b)),
        _ => false,
    };
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => compare(|a, b| a > b),
        "Lt" => compare(|a, b| a < b),
        _ => false,
    }
}

/// The clusters selected for the namespace: those with at least one matching virtual node.
pub fn selected_clusters<'a>(
    spec: &NamespaceOffloadingSpec,
    nodes: impl IntoIterator<Item = (&'a VirtualNode, Option<&'a BTreeMap<String, String>>)>,
) -> BTreeSet<String> {
    nodes
        .into_iter()
        .filter(|(vn, node)| {
            selector_matches(
                spec.cluster_selector.as_ref(),
                &virtual_node_labels(vn, *node),
            )
        })
        .filter_map(|(vn, _)| cluster_of(vn))
        .collect()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::NodeSelectorTerm;
    use liqo_api::common::StorageType;
    use liqo_api::offloading::VirtualNodeSpec;

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn req(key: &str, op: &str, values: &[&str]) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: Some(values.iter().map(|v| (*v).to_owned()).collect()),
        }
    }

    fn selector(terms: Vec<Vec<NodeSelectorRequirement>>) -> NodeSelector {
        NodeSelector {
            node_selector_terms: terms
                .into_iter()
                .map(|e| NodeSelectorTerm {
                    match_expressions: Some(e),
                    match_fields: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_three_naming_strategies() {
        let spec = |s, n: Option<&str>| NamespaceOffloadingSpec {
            namespace_mapping_strategy: Some(s),
            remote_namespace_name: n.map(str::to_owned),
            ..NamespaceOffloadingSpec::default()
        };
        let same = spec(NamespaceMappingStrategy::EnforceSameName, None);
        assert_eq!(remote_namespace_name("demo", "c", &same), "demo");
        let default = spec(NamespaceMappingStrategy::DefaultName, None);
        assert_eq!(remote_namespace_name("demo", "c", &default), "demo-c");
        let chosen = spec(NamespaceMappingStrategy::SelectedName, Some("x"));
        assert_eq!(remote_namespace_name("demo", "c", &chosen), "x");
        let unset = NamespaceOffloadingSpec::default();
        assert_eq!(remote_namespace_name("demo", "c", &unset), "demo-c");
    }

    #[test]
    fn only_local_pods_leave_scheduling_disabled() {
        let spec = |s| NamespaceOffloadingSpec {
            pod_offloading_strategy: s,
            ..NamespaceOffloadingSpec::default()
        };
        assert!(scheduling_enabled(&spec(None)));
        assert!(scheduling_enabled(&spec(Some(
            PodOffloadingStrategy::Remote
        ))));
        assert!(scheduling_enabled(&spec(Some(
            PodOffloadingStrategy::LocalAndRemote
        ))));
        assert!(!scheduling_enabled(&spec(Some(
            PodOffloadingStrategy::Local
        ))));
    }

    #[test]
    fn selector_operators_and_terms() {
        let l = labels(&[("region", "eu"), ("tier", "b"), ("cpu", "8")]);
        assert!(selector_matches(None, &l));
        assert!(selector_matches(Some(&selector(vec![])), &l));
        let s = |terms| selector_matches(Some(&selector(terms)), &l);
        assert!(s(vec![vec![
            req("region", "In", &["eu"]),
            req("tier", "In", &["a", "b"])
        ]]));
        assert!(!s(vec![vec![
            req("region", "In", &["eu"]),
            req("tier", "In", &["a"])
        ]]));
        // Terms are ORed.
        assert!(s(vec![
            vec![req("region", "In", &["us"])],
            vec![req("tier", "Exists", &[])]
        ]));
        assert!(s(vec![vec![
            req("zone", "NotIn", &["x"]),
            req("zone", "DoesNotExist", &[])
        ]]));
        assert!(!s(vec![vec![req("region", "NotIn", &["eu"])]]));
        assert!(s(vec![vec![
            req("cpu", "Gt", &["4"]),
            req("cpu", "Lt", &["16"])
        ]]));
        assert!(!s(vec![vec![req("cpu", "Gt", &["8"])]]));
        assert!(!s(vec![vec![req("region", "Gt", &["1"])]]));
        assert!(!s(vec![vec![req("region", "Like", &["eu"])]]));
        // An empty term matches nothing (Kubernetes semantics).
        assert!(!s(vec![vec![]]));
    }

    #[test]
    fn without_a_node_the_spec_labels_and_storage_are_matched() {
        let mut vn = VirtualNode::new(
            "vn",
            VirtualNodeSpec {
                cluster_id: Some("p1".into()),
                labels: Some(labels(&[("region", "eu")])),
                ..VirtualNodeSpec::default()
            },
        );
        let l = virtual_node_labels(&vn, None);
        assert_eq!(l["region"], "eu");
        assert_eq!(l[label::REMOTE_CLUSTER_ID], "p1");
        assert_eq!(l[label::STORAGE_AVAILABLE], "false");
        vn.spec.storage_classes = Some(vec![StorageType::default()]);
        assert_eq!(
            virtual_node_labels(&vn, None)[label::STORAGE_AVAILABLE],
            "true"
        );
        // The Node's labels win entirely when it exists.
        let node = labels(&[("region", "us")]);
        assert_eq!(virtual_node_labels(&vn, Some(&node)), node);
    }

    #[test]
    fn a_cluster_is_selected_when_any_of_its_virtual_nodes_matches() {
        let vn = |name: &str, cluster: &str, region: &str| {
            VirtualNode::new(
                name,
                VirtualNodeSpec {
                    cluster_id: Some(cluster.into()),
                    labels: Some(labels(&[("region", region)])),
                    ..VirtualNodeSpec::default()
                },
            )
        };
        let nodes = [
            vn("a", "p1", "us"),
            vn("b", "p1", "eu"),
            vn("c", "p2", "us"),
        ];
        let spec = NamespaceOffloadingSpec {
            cluster_selector: Some(selector(vec![vec![req("region", "In", &["eu"])]])),
            ..NamespaceOffloadingSpec::default()
        };
        let picked = selected_clusters(&spec, nodes.iter().map(|v| (v, None)));
        assert_eq!(picked, BTreeSet::from(["p1".to_owned()]));
        let all = selected_clusters(
            &NamespaceOffloadingSpec::default(),
            nodes.iter().map(|v| (v, None)),
        );
        assert_eq!(all.len(), 2);
    }
}
