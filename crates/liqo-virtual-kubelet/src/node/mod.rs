//! The Node of the VirtualNode (spec offloading.md §6.2–§6.3): registered once, its metadata
//! kept in step with the VirtualNode, its status pushed on every change and at least every
//! 60 s, and its Lease renewed — both only while the provider answers the ping, so the
//! node-lifecycle controller marks the Node NotReady during a provider outage.

pub mod conditions;
pub mod lease;
pub mod ping;
pub mod registration;

use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::core::v1::{Node, NodeCondition, NodeStatus};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::condition::virtual_node::TYPE_NETWORK_UNAVAILABLE;
use liqo_api::consts::label;
use liqo_api::core::ForeignCluster;
use liqo_api::offloading::VirtualNode;
use serde_json::json;
use tokio::sync::watch;

use self::conditions::Readiness;
use self::registration::{NodeParams, Owned};
use crate::remote::Remote;

/// The status is pushed at least this often while the provider answers (upstream's 60 s).
const STATUS_REFRESH: Duration = Duration::from_secs(60);
/// Retry delay after a failed write.
const RETRY: Duration = Duration::from_secs(2);

/// How the Node is kept.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// What the Node is built from.
    pub params: NodeParams,
    /// `--node-check-network`.
    pub check_network: bool,
    /// Namespace and name of the VirtualNode.
    pub virtual_node: (String, String),
    /// `--node-ping-interval` (0 disables the ping).
    pub ping_interval: Duration,
    /// `--node-ping-timeout`.
    pub ping_timeout: Duration,
    /// `--node-lease-duration`.
    pub lease_duration: Duration,
}

/// What the loop knows.
#[derive(Debug, Default)]
struct State {
    vn: Option<VirtualNode>,
    fc: Option<ForeignCluster>,
    /// The peer's networking module; assumed enabled until a ForeignCluster status says.
    networking_enabled: Option<bool>,
    node: Option<Node>,
    /// The Node watch has listed once: `node == None` then means "absent".
    node_listed: bool,
    /// What this process applied to the Node's metadata (the three-way merge's base).
    applied: Owned,
    /// When the status was last pushed.
    pushed: Option<tokio::time::Instant>,
}

/// Keeps the Node until an unrecoverable error (the caller exits, the Deployment restarts it).
///
/// # Errors
/// When a watch stream ends (the client is gone).
pub async fn run(local: Client, remote: Remote, cfg: NodeConfig) -> anyhow::Result<()> {
    let name = cfg.params.name.clone();
    let (vn_ns, vn_name) = cfg.virtual_node.clone();
    let mut vns = watch_named(
        Api::<VirtualNode>::namespaced(local.clone(), &vn_ns),
        &vn_name,
    );
    let fc_config = watcher::Config::default().labels(&format!(
        "{}={}",
        label::REMOTE_CLUSTER_ID,
        cfg.params.foreign_cluster_id
    ));
    let mut fcs = watcher::watcher(Api::<ForeignCluster>::all(local.clone()), fc_config)
        .default_backoff()
        .boxed();
    let mut nodes = watch_named(Api::<Node>::all(local.clone()), &name);

    let (fc_tx, fc_rx) = watch::channel(None);
    let (ping_tx, mut ping_rx) = watch::channel(false);
    let (uid_tx, uid_rx) = watch::channel(None);
    let _ping = Abort(tokio::spawn(ping::run(
        remote,
        fc_rx,
        cfg.ping_interval,
        cfg.ping_timeout,
        ping_tx,
    )));
    let _lease = Abort(tokio::spawn(lease::run(
        local.clone(),
        name.clone(),
        cfg.lease_duration,
        ping_rx.clone(),
        uid_rx,
    )));

    let mut state = State::default();
    let mut refresh = tokio::time::interval(STATUS_REFRESH);
    let mut retry: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            event = vns.next() => match event.ok_or_else(|| anyhow::anyhow!("the VirtualNode watch ended"))? {
                Ok(Event::Apply(vn) | Event::InitApply(vn)) => state.vn = Some(vn),
                Ok(Event::Delete(_)) => state.vn = None,
                Ok(_) => {}
                Err(e) => tracing::debug!(error = %e, "VirtualNode watch error, retrying"),
            },
            event = fcs.next() => match event.ok_or_else(|| anyhow::anyhow!("the ForeignCluster watch ended"))? {
                Ok(Event::Apply(fc) | Event::InitApply(fc)) => {
                    if let Some(enabled) = conditions::networking_enabled(&fc) {
                        state.networking_enabled = Some(enabled);
                    }
                    state.fc = Some(fc);
                    fc_tx.send_replace(state.fc.clone());
                }
                Ok(Event::Delete(_)) => {
                    state.fc = None;
                    fc_tx.send_replace(None);
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(error = %e, "ForeignCluster watch error, retrying"),
            },
            event = nodes.next() => match event.ok_or_else(|| anyhow::anyhow!("the Node watch ended"))? {
                Ok(Event::Apply(node) | Event::InitApply(node)) => state.node = Some(node),
                Ok(Event::Delete(_)) => state.node = None,
                Ok(Event::Init) => state.node = None,
                Ok(Event::InitDone) => state.node_listed = true,
                Err(e) => tracing::debug!(error = %e, "Node watch error, retrying"),
            },
            changed = ping_rx.changed() => {
                changed?;
                // Back from an outage: push at once, whatever the node-lifecycle controller wrote.
                if *ping_rx.borrow() {
                    state.pushed = None;
                }
            }
            _ = refresh.tick() => state.pushed = None,
            () = sleep_until(retry) => retry = None,
        }
        let ping_ok = *ping_rx.borrow();
        if let Err(e) = sync(&local, &cfg, &mut state, ping_ok).await {
            tracing::warn!(node = %name, error = format!("{e:#}"), "failed to update the Node");
            retry = Some(tokio::time::Instant::now() + RETRY);
        }
        // The heartbeat Lease is owned by the Node: it starts (or follows a re-created Node)
        // as soon as the uid is known.
        let uid = state.node.as_ref().and_then(|n| n.uid());
        uid_tx.send_if_modified(|v| std::mem::replace(v, uid.clone()) != uid);
    }
}

/// One pass: register the Node if absent, merge the metadata, push the status when it
/// changed or is due (only while the provider answers).
async fn sync(
    local: &Client,
    cfg: &NodeConfig,
    state: &mut State,
    ping_ok: bool,
) -> anyhow::Result<()> {
    let (Some(vn), true) = (state.vn.clone(), state.node_listed) else {
        return Ok(());
    };
    let api: Api<Node> = Api::all(local.clone());
    let desired = registration::owned(&cfg.params, &vn);
    if state.node.is_none() {
        let node = registration::new_node(&cfg.params, &vn, conditions::initial(cfg.check_network));
        match api.create(&PostParams::default(), &node).await {
            Ok(created) => {
                tracing::info!(node = %cfg.params.name, "Node registered");
                state.node = Some(created);
                state.applied = desired.clone();
                state.pushed = None;
            }
            // Registered meanwhile (a previous replica): the watch brings it.
            Err(kube::Error::Api(e)) if e.code == 409 => return Ok(()),
            Err(e) => return Err(api_err("create", &cfg.params.name, &e)),
        }
    }
    let Some(node) = state.node.clone() else {
        return Ok(());
    };
    if node.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    // The metadata patch carries the resourceVersion it was computed from (taints are
    // replaced whole): a conflict means a newer Node is on its way (the watch, or the status
    // patch's answer), and the patch is computed again on it. The status does not depend on
    // it and is pushed meanwhile.
    if let Some(patch) = registration::metadata_patch(&node, &state.applied, &desired) {
        let patched = api
            .patch(
                &cfg.params.name,
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await;
        match patched {
            Ok(updated) => {
                state.node = Some(updated);
                state.applied = desired;
            }
            Err(kube::Error::Api(e)) if e.code == 409 => {
                tracing::debug!(node = %cfg.params.name, "Node changed meanwhile; metadata patched again on the next version");
            }
            Err(e) => return Err(api_err("update the metadata of", &cfg.params.name, &e)),
        }
    }
    if !ping_ok {
        return Ok(());
    }
    let node = state.node.clone().unwrap_or(node);
    let current = node.status.clone().unwrap_or_default();
    let readiness = Readiness {
        resources_ready: conditions::resources_ready(&registration::resources(&vn)),
        network: conditions::network_state(
            cfg.check_network,
            state.networking_enabled.unwrap_or(true),
            state.fc.as_ref(),
        ),
    };
    let previous = current.conditions.clone().unwrap_or_default();
    let conds = conditions::compute(readiness, &previous, Timestamp::now());
    let status = registration::status(&cfg.params, &vn, conds);
    if state.pushed.is_some() && !differs(&current, &status) {
        return Ok(());
    }
    let updated = api
        .patch_status(
            &cfg.params.name,
            &PatchParams::default(),
            &Patch::Strategic(status_patch(
                &status,
                &previous,
                readiness.network.is_none(),
            )),
        )
        .await
        .map_err(|e| api_err("update the status of", &cfg.params.name, &e))?;
    if !conditions::same_statuses(&previous, status.conditions.as_deref().unwrap_or_default()) {
        tracing::info!(node = %cfg.params.name, ready = readiness.ready(), "Node status changed");
    }
    state.node = Some(updated);
    state.pushed = Some(tokio::time::Instant::now());
    Ok(())
}

/// Whether the pushed parts of `current` differ from `desired` (heartbeats aside).
fn differs(current: &NodeStatus, desired: &NodeStatus) -> bool {
    let covers = |cur: &Option<std::collections::BTreeMap<String, _>>,
                  want: &Option<std::collections::BTreeMap<String, _>>| {
        let cur = cur.clone().unwrap_or_default();
        want.iter().flatten().all(|(k, v)| cur.get(k) == Some(v))
    };
    let info = |s: &NodeStatus| {
        s.node_info
            .as_ref()
            .map(|i| (i.kubelet_version.clone(), i.architecture.clone()))
    };
    let no_conditions: &[NodeCondition] = &[];
    !covers(&current.capacity, &desired.capacity)
        || !covers(&current.allocatable, &desired.allocatable)
        || current.addresses != desired.addresses
        || info(current) != info(desired)
        || current.images != desired.images
        || !conditions::same_statuses(
            current.conditions.as_deref().unwrap_or(no_conditions),
            desired.conditions.as_deref().unwrap_or(no_conditions),
        )
}

/// A strategic-merge patch of the status: conditions merge by type (a removed network
/// condition is deleted), capacity keys are added or overwritten, never removed (upstream).
fn status_patch(
    status: &NodeStatus,
    previous: &[NodeCondition],
    drop_network: bool,
) -> serde_json::Value {
    let mut value = json!({ "status": status });
    if drop_network
        && previous.iter().any(|c| c.type_ == TYPE_NETWORK_UNAVAILABLE)
        && let Some(list) = value["status"]["conditions"].as_array_mut()
    {
        list.push(json!({"type": TYPE_NETWORK_UNAVAILABLE, "$patch": "delete"}));
    }
    value
}

fn api_err(action: &str, node: &str, e: &kube::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "failed to {action} Node {node}: {}",
        liqo_kube::api_error::render(e)
    )
}

fn watch_named<K>(
    api: Api<K>,
    name: &str,
) -> std::pin::Pin<Box<dyn Stream<Item = Result<Event<K>, watcher::Error>> + Send>>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    watcher::watcher(api, config).default_backoff().boxed()
}

async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Aborts the task when dropped.
#[derive(Debug)]
struct Abort(tokio::task::JoinHandle<()>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    use super::*;

    fn status(cpu: &str, ready: &str, heartbeat: i64) -> NodeStatus {
        let t = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            Timestamp::from_second(heartbeat).unwrap(),
        );
        NodeStatus {
            capacity: Some([("cpu".to_string(), Quantity(cpu.into()))].into()),
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: ready.into(),
                last_heartbeat_time: Some(t),
                ..Default::default()
            }]),
            ..Default::default()
        }
    }

    #[test]
    fn only_real_changes_need_a_push() {
        assert!(!differs(&status("4", "True", 1), &status("4", "True", 2)));
        assert!(differs(&status("4", "True", 1), &status("8", "True", 1)));
        assert!(differs(&status("4", "Unknown", 1), &status("4", "True", 1)));
        // A capacity key the Node has beyond the quota is no reason to push (never removed).
        let mut extra = status("4", "True", 1);
        extra
            .capacity
            .as_mut()
            .unwrap()
            .insert("gpu".into(), Quantity("1".into()));
        assert!(!differs(&extra, &status("4", "True", 1)));
    }

    #[test]
    fn an_unmanaged_network_condition_is_deleted_from_the_node() {
        let network = NodeCondition {
            type_: TYPE_NETWORK_UNAVAILABLE.into(),
            status: "False".into(),
            ..Default::default()
        };
        let patch = status_patch(&status("4", "True", 1), &[network], true);
        let conditions = patch["status"]["conditions"].as_array().unwrap();
        assert_eq!(
            conditions.last().unwrap(),
            &json!({"type": "NetworkUnavailable", "$patch": "delete"})
        );
        let patch = status_patch(&status("4", "True", 1), &[], true);
        assert_eq!(patch["status"]["conditions"].as_array().unwrap().len(), 1);
    }
}
