//! The consumer's pod webhook (offloading.md §7 step 6): pods of namespaces with scheduling
//! enabled tolerate the virtual-node taint, and are kept on virtual nodes (`Remote`) or
//! spread over the selected virtual nodes and the local ones (`LocalAndRemote` with a
//! cluster selector), merged into the pod's own required node affinity.

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    Toleration,
};
use liqo_api::consts::{label, name};
use liqo_api::offloading::PodOffloadingStrategy;
use serde_json::{Value, json};

use super::caches::Caches;
use super::review::{AdmissionRequest, AdmissionResponse, add};

/// The runtime class of pods the virtual kubelet already handles.
const LIQO_RUNTIME_CLASS: &str = "liqo";

/// Answers one pod admission request.
pub async fn review(caches: &Caches, request: &AdmissionRequest) -> AdmissionResponse {
    let pod: Pod = match request.object.clone().map(serde_json::from_value) {
        Some(Ok(pod)) => pod,
        _ => return AdmissionResponse::deny(&request.uid, 400, "the request carries no Pod"),
    };
    let namespace = request.namespace.clone().unwrap_or_default();
    let offloading = match caches.offloading(&namespace).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(%namespace, error = %e, "failed to read the NamespaceOffloading");
            return AdmissionResponse::deny(
                &request.uid,
                500,
                &format!("failed to read NamespaceOffloading {namespace}/offloading"),
            );
        }
    };
    let placement = offloading.map(|o| Placement {
        strategy: o.spec.pod_offloading_strategy.unwrap_or_default(),
        cluster_selector: o.spec.cluster_selector,
    });
    AdmissionResponse::patch(&request.uid, &mutate(&pod, placement.as_ref()))
}

/// Where the namespace's pods may run (its NamespaceOffloading's spec).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placement {
    /// `podOffloadingStrategy`.
    pub strategy: PodOffloadingStrategy,
    /// `clusterSelector`.
    pub cluster_selector: Option<NodeSelector>,
}

/// The JSONPatch of `pod`: its tolerations and required node affinity, rewritten whole.
pub fn mutate(pod: &Pod, placement: Option<&Placement>) -> Vec<Value> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    if spec.runtime_class_name.as_deref() == Some(LIQO_RUNTIME_CLASS) {
        return Vec::new();
    }
    let mut ops = Vec::new();
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    let toleration = virtual_node_toleration();
    if !tolerations.contains(&toleration) {
        tolerations.push(toleration);
        ops.push(add("/spec/tolerations", json!(tolerations)));
    }
    let terms = placement.and_then(placement_terms);
    if let Some(terms) = terms {
        let affinity = with_required_terms(spec.affinity.clone().unwrap_or_default(), &terms);
        if spec.affinity.as_ref() != Some(&affinity) {
            ops.push(add("/spec/affinity", json!(affinity)));
        }
    }
    ops
}

/// `virtual-node.liqo.io/not-allowed` `Exists` `NoExecute`.
fn virtual_node_toleration() -> Toleration {
    Toleration {
        key: Some(name::VIRTUAL_NODE_TAINT_KEY.into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        ..Default::default()
    }
}

fn virtual_node_requirement(operator: &str) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: label::TYPE.into(),
        operator: operator.into(),
        values: Some(vec![label::TYPE_VIRTUAL_NODE.into()]),
    }
}

/// The terms (ORed) the strategy demands, if any.
fn placement_terms(placement: &Placement) -> Option<Vec<NodeSelectorTerm>> {
    let only_virtual = NodeSelectorTerm {
        match_expressions: Some(vec![virtual_node_requirement("In")]),
        ..Default::default()
    };
    let selector_terms = placement
        .cluster_selector
        .as_ref()
        .map(|s| s.node_selector_terms.clone())
        .filter(|t| !t.is_empty());
    match (placement.strategy, selector_terms) {
        (PodOffloadingStrategy::Remote, _) => Some(vec![only_virtual]),
        (PodOffloadingStrategy::LocalAndRemote, Some(mut terms)) => {
            terms.push(NodeSelectorTerm {
                match_expressions: Some(vec![virtual_node_requirement("NotIn")]),
                ..Default::default()
            });
            Some(terms)
        }
        _ => None,
    }
}

/// `affinity` whose required node terms also satisfy one of `terms`: every existing term is
/// ANDed with every new one (terms are ORed), or the new terms alone when there were none.
/// Already implied (each existing term holds one of `terms`: the webhook ran before) →
/// unchanged.
fn with_required_terms(mut affinity: Affinity, terms: &[NodeSelectorTerm]) -> Affinity {
    let node = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    let required = node
        .required_during_scheduling_ignored_during_execution
        .get_or_insert_with(|| NodeSelector {
            node_selector_terms: Vec::new(),
        });
    let existing = std::mem::take(&mut required.node_selector_terms);
    required.node_selector_terms = if existing.is_empty() {
        terms.to_vec()
    } else if existing
        .iter()
        .all(|e| terms.iter().any(|t| contains(e, t)))
    {
        existing
    } else {
        existing
            .iter()
            .flat_map(|e| terms.iter().map(move |t| and(e, t)))
            .collect()
    };
    affinity
}

/// Whether `term` already holds every requirement of `extra`.
fn contains(term: &NodeSelectorTerm, extra: &NodeSelectorTerm) -> bool {
    let has = |mine: &Option<Vec<NodeSelectorRequirement>>,
               theirs: &Option<Vec<NodeSelectorRequirement>>| {
        theirs
            .iter()
            .flatten()
            .all(|r| mine.iter().flatten().any(|m| m == r))
    };
    has(&term.match_expressions, &extra.match_expressions)
        && has(&term.match_fields, &extra.match_fields)
}

/// The term requiring both `a` and `b`.
fn and(a: &NodeSelectorTerm, b: &NodeSelectorTerm) -> NodeSelectorTerm {
    let join = |x: &Option<Vec<NodeSelectorRequirement>>,
                y: &Option<Vec<NodeSelectorRequirement>>| {
        let mut all: Vec<NodeSelectorRequirement> = x.iter().flatten().cloned().collect();
        for r in y.iter().flatten() {
            if !all.contains(r) {
                all.push(r.clone());
            }
        }
        (!all.is_empty()).then_some(all)
    };
    NodeSelectorTerm {
        match_expressions: join(&a.match_expressions, &b.match_expressions),
        match_fields: join(&a.match_fields, &b.match_fields),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(spec: Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": spec})).unwrap()
    }

    fn selector(terms: Value) -> Option<NodeSelector> {
        Some(serde_json::from_value(json!({"nodeSelectorTerms": terms})).unwrap())
    }

    fn placement(strategy: PodOffloadingStrategy, terms: Option<Value>) -> Placement {
        Placement {
            strategy,
            cluster_selector: terms.and_then(selector),
        }
    }

    fn op<'a>(ops: &'a [Value], path: &str) -> Option<&'a Value> {
        ops.iter().find(|o| o["path"] == path).map(|o| &o["value"])
    }

    fn required(ops: &[Value]) -> Value {
        op(ops, "/spec/affinity").unwrap()["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            .clone()
    }

    const TOLERATION: &str = "virtual-node.liqo.io/not-allowed";

    #[test]
    fn every_pod_tolerates_the_virtual_node_taint_once() {
        let ops = mutate(&pod(json!({"containers": []})), None);
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert_eq!(
            op(&ops, "/spec/tolerations").unwrap(),
            &json!([{"key": TOLERATION, "operator": "Exists", "effect": "NoExecute"}])
        );
        let tolerating = pod(json!({"containers": [], "tolerations": [
            {"key": "other", "operator": "Exists"},
            {"key": TOLERATION, "operator": "Exists", "effect": "NoExecute"}]}));
        assert!(mutate(&tolerating, None).is_empty());
        let default = placement(PodOffloadingStrategy::LocalAndRemote, None);
        assert!(mutate(&tolerating, Some(&default)).is_empty());
    }

    #[test]
    fn liqo_runtime_class_pods_are_left_alone() {
        let p = pod(json!({"containers": [], "runtimeClassName": "liqo"}));
        let remote = placement(PodOffloadingStrategy::Remote, None);
        assert!(mutate(&p, Some(&remote)).is_empty());
    }

    #[test]
    fn remote_adds_the_virtual_node_term_to_each_existing_term() {
        let remote = placement(PodOffloadingStrategy::Remote, None);
        let ops = mutate(&pod(json!({"containers": []})), Some(&remote));
        assert_eq!(
            required(&ops),
            json!([{"matchExpressions": [
                {"key": "liqo.io/type", "operator": "In", "values": ["virtual-node"]}]}])
        );
        let own = pod(json!({"containers": [], "affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]},
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]}]},
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 1, "preference": {"matchExpressions": [
                    {"key": "ssd", "operator": "Exists"}]}}]}}}));
        let ops = mutate(&own, Some(&remote));
        let vn = json!({"key": "liqo.io/type", "operator": "In", "values": ["virtual-node"]});
        assert_eq!(
            required(&ops),
            json!([
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}, vn]},
                {"matchExpressions": [vn],
                 "matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]}])
        );
        let preferred = &op(&ops, "/spec/affinity").unwrap()["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"];
        assert_eq!(preferred[0]["weight"], 1);
        // Reinvoked on its own output: nothing more to do.
        let mut again: Pod = own.clone();
        again.spec.as_mut().unwrap().affinity =
            Some(serde_json::from_value(op(&ops, "/spec/affinity").unwrap().clone()).unwrap());
        again.spec.as_mut().unwrap().tolerations = Some(vec![virtual_node_toleration()]);
        assert!(mutate(&again, Some(&remote)).is_empty());
    }

    #[test]
    fn local_and_remote_with_a_selector_allows_the_selected_or_local_nodes() {
        let terms = json!([{"matchExpressions": [
            {"key": "liqo.io/provider", "operator": "In", "values": ["kind"]}]}]);
        let both = placement(PodOffloadingStrategy::LocalAndRemote, Some(terms));
        let ops = mutate(&pod(json!({"containers": []})), Some(&both));
        assert_eq!(
            required(&ops),
            json!([
                {"matchExpressions": [{"key": "liqo.io/provider", "operator": "In", "values": ["kind"]}]},
                {"matchExpressions": [{"key": "liqo.io/type", "operator": "NotIn", "values": ["virtual-node"]}]}])
        );
        let empty = placement(PodOffloadingStrategy::LocalAndRemote, Some(json!([])));
        let ops = mutate(&pod(json!({"containers": []})), Some(&empty));
        assert!(op(&ops, "/spec/affinity").is_none());
        let local = placement(PodOffloadingStrategy::Local, None);
        assert!(
            op(
                &mutate(&pod(json!({"containers": []})), Some(&local)),
                "/spec/affinity"
            )
            .is_none()
        );
    }
}
