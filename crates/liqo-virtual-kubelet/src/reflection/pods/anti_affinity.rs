//! Anti-affinity presets of offloaded pods (spec offloading.md §7 step 7): the consumer's own
//! pod anti-affinity speaks of its nodes, so the remote pod gets none unless the pod asks, with
//! annotation `liqo.io/anti-affinity-preset`, for its constraints as they are (`propagate`) or
//! for spreading the pods that share its labels over the provider's nodes (`soft`: preferred,
//! `hard`: required), optionally only the label keys `liqo.io/anti-affinity-labels` names.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodAffinityTerm, PodAntiAffinity, WeightedPodAffinityTerm};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::ResourceExt;
use liqo_api::consts::{annotation, label};

/// Spread over nodes.
const TOPOLOGY_KEY: &str = "kubernetes.io/hostname";

/// The remote pod's anti-affinity for local pod `pod` (pure): `None` without a preset, with
/// an unknown one, or when no label is left to match (an empty selector would match every pod).
pub fn remote_anti_affinity(pod: &Pod) -> Option<PodAntiAffinity> {
    let preset = pod.annotations().get(annotation::ANTI_AFFINITY_PRESET)?;
    match preset.as_str() {
        "propagate" => pod
            .spec
            .as_ref()?
            .affinity
            .as_ref()?
            .pod_anti_affinity
            .clone(),
        "soft" | "hard" => {
            let term = PodAffinityTerm {
                label_selector: Some(LabelSelector {
                    match_labels: Some(matched_labels(pod)).filter(|l| !l.is_empty()),
                    ..LabelSelector::default()
                })
                .filter(|s| s.match_labels.is_some()),
                topology_key: TOPOLOGY_KEY.into(),
                ..PodAffinityTerm::default()
            };
            term.label_selector.as_ref()?;
            Some(if preset == "soft" {
                PodAntiAffinity {
                    preferred_during_scheduling_ignored_during_execution: Some(vec![
                        WeightedPodAffinityTerm {
                            pod_affinity_term: term,
                            weight: 100,
                        },
                    ]),
                    ..PodAntiAffinity::default()
                }
            } else {
                PodAntiAffinity {
                    required_during_scheduling_ignored_during_execution: Some(vec![term]),
                    ..PodAntiAffinity::default()
                }
            })
        }
        _ => None,
    }
}

/// The pod's labels the preset matches on: the keys named, else all but Liqo's own markers.
fn matched_labels(pod: &Pod) -> BTreeMap<String, String> {
    let keys: Option<Vec<&str>> =
        pod.annotations()
            .get(annotation::ANTI_AFFINITY_LABELS)
            .map(|keys| {
                keys.split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .collect()
            });
    pod.labels()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), label::SHADOW_POD | label::REMOTE_UNAVAILABLE))
        .filter(|(k, _)| keys.as_ref().is_none_or(|keys| keys.contains(&k.as_str())))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(annotations: serde_json::Value) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "web-1", "labels": {"app": "web", "tier": "front", "liqo.io/shadowPod": "true"},
                "annotations": annotations},
            "spec": {"containers": [], "affinity": {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "zone",
                    "labelSelector": {"matchLabels": {"app": "web"}}}]}}},
        }))
        .unwrap()
    }

    fn selector(term: &PodAffinityTerm) -> BTreeMap<String, String> {
        term.label_selector.clone().unwrap().match_labels.unwrap()
    }

    #[test]
    fn without_a_preset_the_remote_pod_has_no_anti_affinity() {
        assert_eq!(remote_anti_affinity(&pod(json!({}))), None);
        assert_eq!(
            remote_anti_affinity(&pod(json!({"liqo.io/anti-affinity-preset": "spread"}))),
            None
        );
    }

    #[test]
    fn propagate_keeps_the_pods_own_constraints() {
        let anti = remote_anti_affinity(&pod(json!({"liqo.io/anti-affinity-preset": "propagate"})))
            .unwrap();
        let term = &anti
            .required_during_scheduling_ignored_during_execution
            .unwrap()[0];
        assert_eq!(term.topology_key, "zone");
    }

    #[test]
    fn soft_and_hard_spread_the_pods_sharing_the_labels_over_nodes() {
        let soft =
            remote_anti_affinity(&pod(json!({"liqo.io/anti-affinity-preset": "soft"}))).unwrap();
        let term = &soft
            .preferred_during_scheduling_ignored_during_execution
            .unwrap()[0]
            .pod_affinity_term;
        assert_eq!(term.topology_key, "kubernetes.io/hostname");
        let all: BTreeMap<String, String> = [("app", "web"), ("tier", "front")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
        assert_eq!(selector(term), all, "Liqo's own marker is not matched on");
        let hard = remote_anti_affinity(&pod(json!({
            "liqo.io/anti-affinity-preset": "hard", "liqo.io/anti-affinity-labels": "app, missing"})))
        .unwrap();
        let term = &hard
            .required_during_scheduling_ignored_during_execution
            .unwrap()[0];
        assert_eq!(
            selector(term),
            [("app".to_string(), "web".to_string())].into()
        );
        let nothing = pod(
            json!({"liqo.io/anti-affinity-preset": "hard", "liqo.io/anti-affinity-labels": "missing"}),
        );
        assert_eq!(
            remote_anti_affinity(&nothing),
            None,
            "never an empty, match-all selector"
        );
    }
}
