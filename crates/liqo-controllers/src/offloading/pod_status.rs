//! Pod status controller (`pod_status`, spec offloading.md §5.5, consumer): while a virtual Node
//! is not Ready (or is gone), the offloaded pods bound to it (`liqo.io/shadowPod=true`) carry
//! `liqo.io/remote-unavailable=true` and read Ready=False and ContainersReady=False; the label
//! goes when the Node is Ready again (the virtual kubelet's status reflection then restores the
//! pod's conditions from the provider; it keeps them False while the label is there).
//!
//! The primary kind is the shadow pod, so a deleted Node is handled like any other state: its
//! pods find it absent. Nodes are read from a store fed by one watch, whose readiness changes
//! and deletions re-check every shadow pod.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, future};
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use serde_json::{Value, json};
use tracing::instrument;

use crate::context::Context;
use liqo_kube::reconcile::{ReconcileError, ResultExt};

/// Controller name (metrics, logs).
pub const NAME: &str = "pod-status-controller";
const FIELD_MANAGER: &str = "liqo.io/pod-status-controller";
const RESYNC: Duration = Duration::from_secs(300);
/// Reason of the conditions set False, the same the virtual kubelet uses while the label is on.
const REASON_REMOTE_UNAVAILABLE: &str = "RemoteUnavailable";
const MESSAGE_REMOTE_UNAVAILABLE: &str = "the provider cluster is not reachable";
/// The pod conditions that must not read True while the provider is unreachable.
const READINESS: [&str; 2] = ["Ready", "ContainersReady"];

/// Whether the Node's Ready condition is `True`; an absent Node is not Ready.
pub fn node_ready(node: Option<&Node>) -> bool {
    node.and_then(|n| n.status.as_ref()?.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True")
}

/// Whether a pod on `node` should carry `liqo.io/remote-unavailable=true`.
pub fn remote_unavailable(node: Option<&Node>) -> bool {
    !node_ready(node)
}

/// What one shadow pod needs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Add (`Some(true)`) or remove (`Some(false)`) `liqo.io/remote-unavailable`.
    pub label: Option<bool>,
    /// Readiness conditions to set False.
    pub not_ready: Vec<&'static str>,
}

impl Plan {
    /// Whether nothing is to be written.
    pub fn is_noop(&self) -> bool {
        self.label.is_none() && self.not_ready.is_empty()
    }
}

/// The plan for `pod` bound to the virtual Node `node` (`None`: the Node is gone).
///
/// Only conditions the pod has are set False: a pod without them does not read Ready anyway.
pub fn plan(pod: &Pod, node: Option<&Node>) -> Plan {
    let unavailable = remote_unavailable(node);
    let labelled = pod
        .labels()
        .get(label::REMOTE_UNAVAILABLE)
        .map(String::as_str)
        == Some(label::TRUE);
    let label = (labelled != unavailable).then_some(unavailable);
    let not_ready = if unavailable {
        let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
        READINESS
            .into_iter()
            .filter(|t| {
                conditions
                    .into_iter()
                    .flatten()
                    .any(|c| c.type_ == *t && c.status != "False")
            })
            .collect()
    } else {
        Vec::new()
    };
    Plan { label, not_ready }
}

/// The pods/status strategic-merge patch setting `types` False (conditions merge by type, so
/// the rest of the status stays the virtual kubelet's).
pub fn not_ready_patch(types: &[&str], now: &Time) -> Value {
    let conditions: Vec<Value> = types
        .iter()
        .map(|t| {
            json!({
                "type": t, "status": "False", "lastTransitionTime": now,
                "reason": REASON_REMOTE_UNAVAILABLE, "message": MESSAGE_REMOTE_UNAVAILABLE,
            })
        })
        .collect();
    json!({"status": {"conditions": conditions}})
}

/// Whether a watch event of the virtual Nodes may change some pod's plan: a Node's readiness
/// changed, a Node went, or the watch (re)listed. `seen` is the last readiness per Node.
pub fn node_event_matters(seen: &mut HashMap<String, bool>, event: &watcher::Event<Node>) -> bool {
    match event {
        watcher::Event::Apply(node) => {
            let ready = node_ready(Some(node));
            seen.insert(node.name_any(), ready) != Some(ready)
        }
        watcher::Event::Delete(node) => {
            seen.remove(&node.name_any());
            true
        }
        watcher::Event::Init => {
            seen.clear();
            false
        }
        watcher::Event::InitApply(node) => {
            seen.insert(node.name_any(), node_ready(Some(node)));
            false
        }
        // A Node deleted while the watch was down shows only as a missing one.
        watcher::Event::InitDone => true,
    }
}

/// What the reconciler needs besides the pod.
struct State {
    ctx: Arc<Context>,
    /// The virtual Nodes, as the watch last saw them.
    nodes: Store<Node>,
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let virtual_nodes =
        watcher::Config::default().labels(&format!("{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE));
    let shadow =
        watcher::Config::default().labels(&format!("{}={}", label::SHADOW_POD, label::TRUE));
    let (nodes, writer) = reflector::store();
    // The store is written before the event comes out, so the pods re-checked read it fresh.
    let mut seen = HashMap::new();
    let node_changes = reflector::reflector(
        writer,
        watcher(Api::<Node>::all(client.clone()), virtual_nodes),
    )
    .default_backoff()
    .filter_map(move |event| {
        future::ready(match event {
            Ok(event) => node_event_matters(&mut seen, &event).then_some(()),
            Err(e) => {
                tracing::warn!(controller = NAME, error = %e, "virtual Node watch failed");
                None
            }
        })
    });
    let state = Arc::new(State {
        ctx: ctx.clone(),
        nodes,
    });
    let controller =
        Controller::new(Api::<Pod>::all(client), shadow).reconcile_all_on(node_changes);
    ctx.drive(NAME, controller.run(reconcile, error_policy, state))
        .await;
}

fn error_policy(pod: Arc<Pod>, error: &ReconcileError, state: Arc<State>) -> Action {
    state.ctx.retry(NAME, &*pod, error)
}

#[instrument(skip_all, fields(name = %pod.name_any(), ns = pod.namespace()))]
async fn reconcile(pod: Arc<Pod>, state: Arc<State>) -> Result<Action, ReconcileError> {
    // 1. Not bound yet: nothing to report.
    let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
        return Ok(Action::await_change());
    };
    // 2. The Node, or its absence (not a virtual node → not this controller's pod).
    let Some(node) = virtual_node(&state, &node_name).await? else {
        return Ok(Action::await_change());
    };
    // 3. Label first: once it is on, the virtual kubelet no longer writes Ready back to True.
    let plan = plan(&pod, node.as_deref());
    if plan.is_noop() {
        return Ok(Action::requeue(RESYNC));
    }
    match write(&state.ctx, &pod, &node_name, &plan).await {
        // Deleted meanwhile: nothing left to report on.
        Err(e) if e.status_code() == Some(404) => Ok(Action::await_change()),
        result => result.map(|()| Action::requeue(RESYNC)),
    }
}

async fn write(ctx: &Context, pod: &Pod, node: &str, plan: &Plan) -> Result<(), ReconcileError> {
    let api: Api<Pod> = Api::namespaced(ctx.client.clone(), &pod.namespace().unwrap_or_default());
    if let Some(unavailable) = plan.label {
        set_label(&api, pod, unavailable).await?;
        report(ctx, pod, node, unavailable).await;
    }
    // 4. Then the conditions.
    if !plan.not_ready.is_empty() {
        mark_not_ready(&api, pod, &plan.not_ready).await?;
    }
    Ok(())
}

/// `Some(node)` for a virtual Node (`Some(None)` when it is gone), `None` for a Node that is
/// not a virtual one. A Node missing from the store is read once: it may be newer than the
/// store, or not labelled as a virtual node at all.
async fn virtual_node(
    state: &State,
    name: &str,
) -> Result<Option<Option<Arc<Node>>>, ReconcileError> {
    // Before the first list the store would call every Node gone.
    if state.nodes.wait_until_ready().await.is_err() {
        return Err(ReconcileError::Waiting(
            "the virtual Node watch ended".into(),
        ));
    }
    if let Some(node) = state.nodes.get(&ObjectRef::new(name)) {
        return Ok(Some(Some(node)));
    }
    let nodes: Api<Node> = Api::all(state.ctx.client.clone());
    let node = nodes.get_opt(name).await.api(format!("read Node {name}"))?;
    Ok(match node {
        None => Some(None),
        Some(n) if is_virtual(&n) => Some(Some(Arc::new(n))),
        Some(_) => None,
    })
}

fn is_virtual(node: &Node) -> bool {
    node.labels().get(label::TYPE).map(String::as_str) == Some(label::TYPE_VIRTUAL_NODE)
}

/// Adds or removes the label. A merge patch on the one key: the removal must work whoever set
/// it, and the pod's other labels belong to others.
async fn set_label(api: &Api<Pod>, pod: &Pod, unavailable: bool) -> Result<(), ReconcileError> {
    let value = if unavailable {
        json!(label::TRUE)
    } else {
        Value::Null
    };
    let patch = json!({"metadata": {"labels": {label::REMOTE_UNAVAILABLE: value}}});
    let name = pod.name_any();
    api.patch(&name, &params(), &Patch::Merge(&patch))
        .await
        .api(format!(
            "label Pod {}/{name}",
            pod.namespace().unwrap_or_default()
        ))
        .map(|_| ())
}

async fn mark_not_ready(api: &Api<Pod>, pod: &Pod, types: &[&str]) -> Result<(), ReconcileError> {
    let patch = not_ready_patch(types, &Time(Timestamp::now()));
    let name = pod.name_any();
    api.patch_status(&name, &params(), &Patch::Strategic(&patch))
        .await
        .api(format!(
            "mark Pod {}/{name} not Ready",
            pod.namespace().unwrap_or_default()
        ))
        .map(|_| ())
}

fn params() -> PatchParams {
    PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    }
}

/// One Event per transition, on the pod (what its owner looks at).
async fn report(ctx: &Context, pod: &Pod, node: &str, unavailable: bool) {
    let (type_, reason, note) = if unavailable {
        let note = format!("virtual node {node} is not ready: the provider cluster is unavailable");
        (EventType::Warning, REASON_REMOTE_UNAVAILABLE, note)
    } else {
        let note = format!("virtual node {node} is ready again");
        (EventType::Normal, "RemoteAvailable", note)
    };
    ctx.event(pod, type_, reason, note).await;
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{NodeCondition, NodeStatus, PodCondition, PodStatus};

    use super::*;

    fn node(name: &str, ready: Option<&str>) -> Node {
        let conditions = ready.map(|s| {
            vec![NodeCondition {
                type_: "Ready".into(),
                status: s.into(),
                ..Default::default()
            }]
        });
        let mut node = Node {
            status: Some(NodeStatus {
                conditions,
                ..Default::default()
            }),
            ..Default::default()
        };
        node.metadata.name = Some(name.into());
        node
    }

    fn pod(labelled: bool, conditions: &[(&str, &str)]) -> Pod {
        let mut pod = Pod::default();
        if labelled {
            pod.labels_mut()
                .insert(label::REMOTE_UNAVAILABLE.into(), label::TRUE.into());
        }
        let conditions = conditions
            .iter()
            .map(|(t, s)| PodCondition {
                type_: (*t).into(),
                status: (*s).into(),
                ..Default::default()
            })
            .collect();
        pod.status = Some(PodStatus {
            conditions: Some(conditions),
            ..Default::default()
        });
        pod
    }

    const READY: &[(&str, &str)] = &[
        ("PodScheduled", "True"),
        ("Ready", "True"),
        ("ContainersReady", "True"),
    ];

    #[test]
    fn unavailable_unless_ready_is_true() {
        assert!(!remote_unavailable(Some(&node("n", Some("True")))));
        assert!(remote_unavailable(Some(&node("n", Some("False")))));
        assert!(remote_unavailable(Some(&node("n", Some("Unknown")))));
        assert!(remote_unavailable(Some(&node("n", None))));
        assert!(remote_unavailable(None));
    }

    #[test]
    fn node_not_ready_labels_and_unreadies_the_pod() {
        let plan = plan(&pod(false, READY), Some(&node("n", Some("False"))));
        assert_eq!(plan.label, Some(true));
        assert_eq!(plan.not_ready, ["Ready", "ContainersReady"]);
    }

    #[test]
    fn gone_node_counts_as_unavailable() {
        let plan = plan(&pod(false, READY), None);
        assert_eq!(plan.label, Some(true));
        assert_eq!(plan.not_ready.len(), 2);
    }

    #[test]
    fn marked_pod_is_left_alone_until_something_reads_ready_again() {
        let done = pod(true, &[("Ready", "False"), ("ContainersReady", "False")]);
        assert!(plan(&done, Some(&node("n", Some("False")))).is_noop());
        let rewritten = pod(true, &[("Ready", "True"), ("ContainersReady", "False")]);
        let plan = plan(&rewritten, Some(&node("n", Some("False"))));
        assert_eq!(plan.label, None);
        assert_eq!(plan.not_ready, ["Ready"]);
    }

    #[test]
    fn only_existing_conditions_are_set_false() {
        let plan = plan(&pod(false, &[]), None);
        assert_eq!(plan.label, Some(true));
        assert!(plan.not_ready.is_empty());
    }

    #[test]
    fn ready_node_removes_the_label_and_leaves_the_status() {
        let plan = plan(
            &pod(true, &[("Ready", "False")]),
            Some(&node("n", Some("True"))),
        );
        assert_eq!(
            plan,
            Plan {
                label: Some(false),
                not_ready: vec![]
            }
        );
        assert!(super::plan(&pod(false, READY), Some(&node("n", Some("True")))).is_noop());
    }

    #[test]
    fn patch_sets_each_type_false_with_the_reason() {
        let now = Time(Timestamp::UNIX_EPOCH);
        let patch = not_ready_patch(&["Ready", "ContainersReady"], &now);
        let conditions = patch["status"]["conditions"].as_array().unwrap();
        assert_eq!(conditions.len(), 2);
        assert_eq!(conditions[1]["type"], "ContainersReady");
        assert_eq!(conditions[0]["status"], "False");
        assert_eq!(conditions[0]["reason"], REASON_REMOTE_UNAVAILABLE);
        assert_eq!(conditions[0]["lastTransitionTime"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn only_readiness_changes_and_deletions_matter() {
        use watcher::Event;
        let mut seen = HashMap::new();
        assert!(!node_event_matters(&mut seen, &Event::Init));
        assert!(!node_event_matters(
            &mut seen,
            &Event::InitApply(node("a", Some("True")))
        ));
        assert!(node_event_matters(&mut seen, &Event::InitDone));
        // A heartbeat (same readiness) does not re-check the pods.
        assert!(!node_event_matters(
            &mut seen,
            &Event::Apply(node("a", Some("True")))
        ));
        assert!(node_event_matters(
            &mut seen,
            &Event::Apply(node("a", Some("False")))
        ));
        assert!(node_event_matters(
            &mut seen,
            &Event::Apply(node("b", Some("True")))
        ));
        assert!(node_event_matters(
            &mut seen,
            &Event::Delete(node("a", Some("False")))
        ));
        assert!(!seen.contains_key("a"));
    }
}
