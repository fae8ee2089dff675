//! The status of a NamespaceOffloading (§7 step 3) from what the NamespaceMaps say: conditions
//! per map, the overall phase, and whether a teardown is complete.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use liqo_api::consts::label;
use liqo_api::offloading::{
    ConditionStatus, MappingPhase, NamespaceMap, NamespaceOffloadingStatus, OffloadingPhase,
    RemoteNamespaceCondition, RemoteNamespaceConditionType,
};

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
    use k8s_openapi::jiff::{SignedDuration, Timestamp};
    use liqo_api::offloading::{NamespaceMapSpec, NamespaceMapStatus, RemoteNamespaceStatus};

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
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
    fn the_phase_follows_the_selected_clusters() {
        use Remote::*;
        assert_eq!(phase(true, &[Ready]), OffloadingPhase::Terminating);
        assert_eq!(phase(false, &[]), OffloadingPhase::NoClusterSelected);
        assert_eq!(phase(false, &[Ready, Ready]), OffloadingPhase::Ready);
        assert_eq!(phase(false, &[Ready, Pending]), OffloadingPhase::InProgress);
        assert_eq!(phase(false, &[Ready, Failed]), OffloadingPhase::SomeFailed);
        assert_eq!(phase(false, &[Failed, Failed]), OffloadingPhase::AllFailed);
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
