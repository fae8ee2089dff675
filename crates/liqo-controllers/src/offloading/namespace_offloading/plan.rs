//! The pure decisions of the NamespaceOffloading controller: the remote name, which virtual
//! nodes the cluster selector picks, and the status (§7 step 3) from what the NamespaceMaps say.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{NodeSelector, NodeSelectorRequirement};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use liqo_api::consts::label;
use liqo_api::offloading::{
    ConditionStatus, MappingPhase, NamespaceMap, NamespaceMappingStrategy, NamespaceOffloadingSpec,
    NamespaceOffloadingStatus, OffloadingPhase, PodOffloadingStrategy, RemoteNamespaceCondition,
    RemoteNamespaceConditionType, VirtualNode,
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

/// The provider of a consumer NamespaceMap (`liqo.io/remote-cluster-id`).
pub fn map_cluster(map: &NamespaceMap) -> Option<&str> {
    map.metadata
        .labels
        .as_ref()?
        .get(label::REMOTE_CLUSTER_ID)
        .map(String::as_str)
}

/// What the provider reported for `ns` in `map` (its reflected `status.currentMapping`).
pub fn current_phase(map: &NamespaceMap, ns: &str) -> Option<MappingPhase> {
    let current = map.status.as_ref()?.current_mapping.as_ref()?;
    current
        .get(ns)
        .map(|c| c.phase.unwrap_or(MappingPhase::Terminating))
}

/// Per selected cluster: whether its remote namespace is ready, or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remote {
    /// Accepted by the provider.
    Ready,
    /// Creation failed (CreationLoopBackOff).
    Failed,
    /// Not there yet.
    Pending,
}

/// The overall phase (§7 step 3) from the state of every selected cluster.
pub fn phase(terminating: bool, remotes: &[Remote]) -> OffloadingPhase {
    if terminating {
        return OffloadingPhase::Terminating;
    }
    if remotes.is_empty() {
        return OffloadingPhase::NoClusterSelected;
    }
    let failed = remotes.iter().filter(|r| **r == Remote::Failed).count();
    if failed == remotes.len() {
        OffloadingPhase::AllFailed
    } else if failed > 0 {
        OffloadingPhase::SomeFailed
    } else if remotes.iter().all(|r| *r == Remote::Ready) {
        OffloadingPhase::Ready
    } else {
        OffloadingPhase::InProgress
    }
}

/// Everything the status is computed from.
#[derive(Debug)]
pub struct Observed<'a> {
    /// The offloaded namespace.
    pub ns: &'a str,
    /// Its remote name.
    pub remote_name: String,
    /// The object is being deleted.
    pub terminating: bool,
    /// The NamespaceOffloading's generation.
    pub generation: Option<i64>,
    /// The clusters whose NamespaceMap should hold the entry (empty while terminating).
    pub selected: &'a BTreeSet<String>,
    /// The consumer's NamespaceMaps.
    pub maps: &'a [NamespaceMap],
    /// The status written before (only its transition times are reused).
    pub previous: Option<&'a NamespaceOffloadingStatus>,
    /// Now, for new transitions.
    pub now: Time,
}

/// The status of §7 step 3. Conditions per NamespaceMap: `OffloadingRequired` always, `Ready`
/// when the cluster is selected or the provider still reports the namespace. A selected
/// cluster without a NamespaceMap yet counts as in progress.
pub fn status(o: &Observed<'_>) -> NamespaceOffloadingStatus {
    let mut conditions = BTreeMap::new();
    let mut remotes = Vec::new();
    let mut mapped = BTreeSet::new();
    for map in o.maps {
        let name = map.metadata.name.clone().unwrap_or_default();
        let cluster = map_cluster(map).unwrap_or_default();
        let required = o.selected.contains(cluster);
        mapped.insert(cluster.to_owned());
        let current = current_phase(map, o.ns);
        if required {
            remotes.push(match current {
                Some(MappingPhase::Accepted) => Remote::Ready,
                Some(MappingPhase::CreationLoopBackOff) => Remote::Failed,
                _ => Remote::Pending,
            });
        }
        let mut list = vec![required_condition(required)];
        if required || current.is_some() {
            list.push(ready_condition(current));
        }
        let before = o
            .previous
            .and_then(|p| p.remote_namespaces_conditions.as_ref())
            .and_then(|c| c.get(&name));
        conditions.insert(name, keep_transition_times(list, before, &o.now));
    }
    remotes.extend(o.selected.difference(&mapped).map(|_| Remote::Pending));
    NamespaceOffloadingStatus {
        remote_namespace_name: Some(o.remote_name.clone()),
        offloading_phase: Some(phase(o.terminating, &remotes)),
        remote_namespaces_conditions: (!conditions.is_empty()).then_some(conditions),
        observed_generation: o.generation,
    }
}

/// Whether the teardown is complete: no NamespaceMap reports the namespace any more.
pub fn released(maps: &[NamespaceMap], ns: &str) -> bool {
    maps.iter().all(|m| current_phase(m, ns).is_none())
}

fn condition(
    type_: RemoteNamespaceConditionType,
    status: ConditionStatus,
    reason: &str,
    message: &str,
) -> RemoteNamespaceCondition {
    RemoteNamespaceCondition {
        type_,
        status,
        last_transition_time: None,
        reason: Some(reason.to_owned()),
        message: Some(message.to_owned()),
    }
}

fn required_condition(required: bool) -> RemoteNamespaceCondition {
    use RemoteNamespaceConditionType::OffloadingRequired;
    if required {
        let msg = "The remote cluster has been selected through the ClusterSelector field";
        condition(
            OffloadingRequired,
            ConditionStatus::True,
            "ClusterSelected",
            msg,
        )
    } else {
        let msg = "The remote cluster has not been selected through the ClusterSelector field";
        condition(
            OffloadingRequired,
            ConditionStatus::False,
            "ClusterNotSelected",
            msg,
        )
    }
}

fn ready_condition(current: Option<MappingPhase>) -> RemoteNamespaceCondition {
    use RemoteNamespaceConditionType::Ready;
    let (status, reason, msg) = match current {
        Some(MappingPhase::Accepted) => (
            ConditionStatus::True,
            "NamespaceCreated",
            "Namespace correctly offloaded to the remote cluster",
        ),
        Some(MappingPhase::CreationLoopBackOff) => (
            ConditionStatus::False,
            "CreationLoopBackOff",
            "Some problems occurred during remote namespace creation",
        ),
        Some(MappingPhase::Terminating) => (
            ConditionStatus::False,
            "Terminating",
            "The remote namespace is being deleted",
        ),
        None => (
            ConditionStatus::False,
            "Creating",
            "The remote namespace is being created",
        ),
    };
    condition(Ready, status, reason, msg)
}

/// Keeps the previous `lastTransitionTime` of conditions whose status, reason and message did
/// not change; `now` for the others.
fn keep_transition_times(
    list: Vec<RemoteNamespaceCondition>,
    before: Option<&Vec<RemoteNamespaceCondition>>,
    now: &Time,
) -> Vec<RemoteNamespaceCondition> {
    list.into_iter()
        .map(|mut c| {
            let same = before.into_iter().flatten().find(|b| {
                b.type_ == c.type_
                    && b.status == c.status
                    && b.reason == c.reason
                    && b.message == c.message
            });
            c.last_transition_time = Some(
                same.and_then(|b| b.last_transition_time.clone())
                    .unwrap_or_else(|| now.clone()),
            );
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::NodeSelectorTerm;
    use k8s_openapi::jiff::{SignedDuration, Timestamp};
    use liqo_api::common::StorageType;
    use liqo_api::offloading::{
        NamespaceMapSpec, NamespaceMapStatus, RemoteNamespaceStatus, VirtualNodeSpec,
    };

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

    fn map(cluster: &str, current: &[(&str, MappingPhase)]) -> NamespaceMap {
        let mut m = NamespaceMap::new(cluster, NamespaceMapSpec::default());
        m.metadata.labels = Some(labels(&[(label::REMOTE_CLUSTER_ID, cluster)]));
        m.status = Some(NamespaceMapStatus {
            current_mapping: Some(
                current
                    .iter()
                    .map(|(ns, p)| {
                        let s = RemoteNamespaceStatus {
                            remote_namespace: Some(format!("{ns}-x")),
                            phase: Some(*p),
                        };
                        ((*ns).to_owned(), s)
                    })
                    .collect(),
            ),
        });
        m
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
    fn the_phase_follows_the_selected_clusters() {
        use Remote::*;
        assert_eq!(phase(true, &[Ready]), OffloadingPhase::Terminating);
        assert_eq!(phase(false, &[]), OffloadingPhase::NoClusterSelected);
        assert_eq!(phase(false, &[Ready, Ready]), OffloadingPhase::Ready);
        assert_eq!(phase(false, &[Ready, Pending]), OffloadingPhase::InProgress);
        assert_eq!(phase(false, &[Ready, Failed]), OffloadingPhase::SomeFailed);
        assert_eq!(phase(false, &[Failed, Failed]), OffloadingPhase::AllFailed);
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

    fn observed<'a>(
        selected: &'a BTreeSet<String>,
        maps: &'a [NamespaceMap],
        previous: Option<&'a NamespaceOffloadingStatus>,
    ) -> Observed<'a> {
        Observed {
            ns: "demo",
            remote_name: "demo-c".into(),
            terminating: false,
            generation: Some(3),
            selected,
            maps,
            previous,
            now: Time(Timestamp::now()),
        }
    }

    fn reasons(s: &NamespaceOffloadingStatus, map: &str) -> Vec<String> {
        s.remote_namespaces_conditions.as_ref().unwrap()[map]
            .iter()
            .map(|c| c.reason.clone().unwrap())
            .collect()
    }

    #[test]
    fn status_reports_each_namespace_map() {
        let maps = [
            map("p1", &[("demo", MappingPhase::Accepted)]),
            map("p2", &[("demo", MappingPhase::CreationLoopBackOff)]),
            map("p3", &[]),
        ];
        let selected = BTreeSet::from(["p1".to_owned(), "p2".to_owned()]);
        let s = status(&observed(&selected, &maps, None));
        assert_eq!(s.offloading_phase, Some(OffloadingPhase::SomeFailed));
        assert_eq!(s.remote_namespace_name.as_deref(), Some("demo-c"));
        assert_eq!(s.observed_generation, Some(3));
        assert_eq!(reasons(&s, "p1"), ["ClusterSelected", "NamespaceCreated"]);
        assert_eq!(
            reasons(&s, "p2"),
            ["ClusterSelected", "CreationLoopBackOff"]
        );
        assert_eq!(reasons(&s, "p3"), ["ClusterNotSelected"]);

        let only_p3 = BTreeSet::from(["p3".to_owned()]);
        let s = status(&observed(&only_p3, &maps, None));
        assert_eq!(s.offloading_phase, Some(OffloadingPhase::InProgress));
        assert_eq!(reasons(&s, "p3"), ["ClusterSelected", "Creating"]);
        // Not selected but still reported by the provider: shown as it is.
        assert_eq!(
            reasons(&s, "p1"),
            ["ClusterNotSelected", "NamespaceCreated"]
        );

        let none = BTreeSet::new();
        let s = status(&observed(&none, &maps[2..], None));
        assert_eq!(s.offloading_phase, Some(OffloadingPhase::NoClusterSelected));
        // A selected cluster whose NamespaceMap is not there yet is in progress.
        let missing = BTreeSet::from(["p9".to_owned()]);
        let s = status(&observed(&missing, &[], None));
        assert_eq!(s.offloading_phase, Some(OffloadingPhase::InProgress));
        assert_eq!(s.remote_namespaces_conditions, None);
    }

    #[test]
    fn unchanged_conditions_keep_their_transition_time() {
        let maps = [map("p1", &[])];
        let selected = BTreeSet::from(["p1".to_owned()]);
        let first = status(&observed(&selected, &maps, None));
        let mut later = observed(&selected, &maps, Some(&first));
        later.now = Time(
            later
                .now
                .0
                .checked_add(SignedDuration::from_secs(60))
                .unwrap(),
        );
        assert_eq!(status(&later), first);
        let accepted = [map("p1", &[("demo", MappingPhase::Accepted)])];
        later.maps = &accepted;
        let changed = status(&later);
        let conds = &changed.remote_namespaces_conditions.as_ref().unwrap()["p1"];
        assert_eq!(
            conds[0].last_transition_time,
            first.remote_namespaces_conditions.as_ref().unwrap()["p1"][0].last_transition_time
        );
        assert_eq!(conds[1].last_transition_time, Some(later.now.clone()));
    }

    #[test]
    fn released_once_no_map_reports_the_namespace() {
        assert!(released(
            &[map("p1", &[("other", MappingPhase::Accepted)])],
            "demo"
        ));
        assert!(!released(
            &[map("p1", &[("demo", MappingPhase::Terminating)])],
            "demo"
        ));
        assert!(released(&[], "demo"));
    }
}
