//! Configuration controller (networking.md §5.1): fills `spec.local` once, keeps one owned
//! Network per remote CIDR (deleting orphans first and waiting for them), mirrors the granted
//! CIDRs index-aligned into `status.remote` and sets the `NetworkCIDRsConfigured` condition.

use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, ObjectMeta, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::condition::configuration as cond;
use liqo_api::consts::{field_manager, label};
use liqo_api::ipam::{Network, NetworkSpec};
use liqo_api::networking::{ClusterConfig, ClusterConfigCidr, Configuration, ConfigurationStatus};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use serde_json::json;
use tracing::instrument;

use crate::context::{Context, Retry};

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::CONFIGURATION;

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The local Networks are not granted yet.
    #[error("local {0} Network has no status.cidr yet")]
    LocalNotReady(&'static str),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        match self {
            Self::Reconcile(e) => e.is_transient(),
            // The IPAM grants them by itself.
            Self::LocalNotReady(_) => true,
        }
    }
}

/// The name of the Network of a remote CIDR: `<cfg>-<type>-<cidr with "/" and "." as "-">`.
pub fn network_name(cfg: &str, cidr_type: &str, cidr: &str) -> String {
    format!("{cfg}-{cidr_type}-{}", cidr.replace(['/', '.'], "-"))
}

/// The status for `spec_pod`/`spec_external` given the granted values (index-aligned, `""`
/// while not granted); the condition keeps `previous`'s transition time when its status holds.
pub fn compute_status(
    granted_pod: Vec<String>,
    granted_external: Vec<String>,
    spec: &ClusterConfigCidr,
    generation: Option<i64>,
    previous: Option<&ConfigurationStatus>,
    now: Timestamp,
) -> ConfigurationStatus {
    let want_pod = spec.pod.as_ref().map_or(0, Vec::len);
    let want_ext = spec.external.as_ref().map_or(0, Vec::len);
    let configured = granted_pod.len() == want_pod
        && granted_external.len() == want_ext
        && granted_pod
            .iter()
            .chain(&granted_external)
            .all(|c| !c.is_empty());
    let (status, reason, message) = if configured {
        (
            "True",
            cond::REASON_NETWORK_CIDRS_CONFIGURED,
            cond::MESSAGE_NETWORK_CIDRS_CONFIGURED,
        )
    } else {
        (
            "False",
            cond::REASON_WAITING_FOR_NETWORKS,
            cond::MESSAGE_WAITING_FOR_NETWORKS,
        )
    };
    let since = previous
        .and_then(|p| p.conditions.as_ref())
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.type_ == cond::TYPE_NETWORK_CIDRS_CONFIGURED)
        })
        .filter(|c| c.status == status)
        .map(|c| c.last_transition_time.clone())
        .unwrap_or(Time(now));
    ConfigurationStatus {
        remote: Some(ClusterConfig {
            cidr: Some(ClusterConfigCidr {
                pod: Some(granted_pod),
                external: Some(granted_external),
            }),
        }),
        conditions: Some(vec![Condition {
            type_: cond::TYPE_NETWORK_CIDRS_CONFIGURED.into(),
            status: status.into(),
            reason: reason.into(),
            message: message.into(),
            observed_generation: generation,
            last_transition_time: since,
        }]),
    }
}

#[instrument(skip_all, fields(name = %cfg.name_any(), ns = cfg.namespace()))]
async fn reconcile(cfg: Arc<Configuration>, ctx: Arc<Context>) -> Result<Action, Error> {
    if cfg.metadata.deletion_timestamp.is_some() {
        // The Networks are controller-owned: garbage collection removes them.
        return Ok(Action::await_change());
    }
    let Some(peer) = cfg.labels().get(label::REMOTE_CLUSTER_ID).cloned() else {
        let note = format!("Configuration lacks the {} label", label::REMOTE_CLUSTER_ID);
        ctx.event(&*cfg, EventType::Warning, "MissingRemoteClusterID", note)
            .await;
        return Ok(Action::await_change());
    };
    if cfg.spec.local.is_none() {
        fill_local(&ctx, &cfg).await?;
        ctx.event(
            &*cfg,
            EventType::Normal,
            "Processing",
            "Processing configuration".into(),
        )
        .await;
        return Ok(Action::await_change());
    }
    let remote = cfg
        .spec
        .remote
        .as_ref()
        .and_then(|r| r.cidr.clone())
        .unwrap_or_default();
    let pod = remote.pod.clone().unwrap_or_default();
    let external = remote.external.clone().unwrap_or_default();
    let granted_pod = ensure_networks(&ctx, &cfg, &peer, label::CIDR_TYPE_POD, &pod).await?;
    // Upstream acquires the pod CIDRs before the external ones and the remap depends on that
    // order (networking.md §5.2): the external Networks are made once the pod ones are granted
    // (their status change re-triggers this reconcile, Networks being owned).
    let granted_external = if granted_pod.iter().all(|c| !c.is_empty()) {
        ensure_networks(&ctx, &cfg, &peer, label::CIDR_TYPE_EXTERNAL, &external).await?
    } else {
        vec![String::new(); external.len()]
    };
    let status = compute_status(
        granted_pod,
        granted_external,
        &remote,
        cfg.metadata.generation,
        cfg.status.as_ref(),
        Timestamp::now(),
    );
    write_status(&ctx, &cfg, &peer, &status).await?;
    Ok(Action::await_change())
}

fn error_policy(cfg: Arc<Configuration>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry("configuration", &*cfg, error)
}

/// Writes the status (unless unchanged) and reports a change of readiness as an Event.
async fn write_status(
    ctx: &Context,
    cfg: &Configuration,
    peer: &str,
    status: &ConfigurationStatus,
) -> Result<(), Error> {
    if !reconcile::apply_status(&ctx.client, cfg, status, FIELD_MANAGER).await? {
        return Ok(());
    }
    let configured = status
        .conditions
        .as_ref()
        .and_then(|cs| cs.first())
        .is_some_and(|c| c.status == "True");
    let was = cfg
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.first())
        .map(|c| c.status == "True");
    if was != Some(configured) {
        let (reason, note) = if configured {
            ("ConfigurationRemapped", "Configuration remapped")
        } else {
            (
                cond::REASON_WAITING_FOR_NETWORKS,
                cond::MESSAGE_WAITING_FOR_NETWORKS,
            )
        };
        tracing::info!(peer, configured, "configuration status updated");
        ctx.event(cfg, EventType::Normal, reason, note.into()).await;
    }
    Ok(())
}

/// Sets `spec.local` from the local pod-cidr and external-cidr Networks' granted CIDRs.
async fn fill_local(ctx: &Context, cfg: &Configuration) -> Result<(), Error> {
    let pod = local_cidrs(ctx, label::IPAM_NETWORK_TYPE_POD_CIDR).await?;
    let external = local_cidrs(ctx, label::IPAM_NETWORK_TYPE_EXTERNAL_CIDR).await?;
    let local = ClusterConfig {
        cidr: Some(ClusterConfigCidr {
            pod: Some(pod),
            external: Some(external.into_iter().take(1).collect()),
        }),
    };
    let patch = json!({
        "apiVersion": "networking.liqo.io/v1beta1",
        "kind": "Configuration",
        "metadata": {"name": cfg.name_any(), "namespace": cfg.namespace()},
        "spec": {"local": local},
    });
    Api::<Configuration>::namespaced(ctx.client.clone(), &cfg.namespace().unwrap_or_default())
        .patch(
            &cfg.name_any(),
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&patch),
        )
        .await
        .api("set the Configuration's local CIDRs")?;
    Ok(())
}

async fn local_cidrs(ctx: &Context, network_type: &'static str) -> Result<Vec<String>, Error> {
    let selector = format!("{}={network_type}", label::IPAM_NETWORK_TYPE);
    let mut networks = Api::<Network>::all(ctx.client.clone())
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the local Networks")?
        .items;
    networks.sort_by_key(|n| (n.namespace(), n.name_any()));
    let granted: Option<Vec<String>> = networks
        .iter()
        .map(|n| n.status.as_ref()?.cidr.clone().filter(|c| !c.is_empty()))
        .collect();
    match granted {
        Some(cidrs) if !cidrs.is_empty() => Ok(cidrs),
        _ => Err(Error::LocalNotReady(network_type)),
    }
}

/// Keeps one owned Network per CIDR of `cidr_type`; returns their granted CIDRs index-aligned
/// with `desired` (`""` while not granted, or while orphans are still going away).
async fn ensure_networks(
    ctx: &Context,
    cfg: &Configuration,
    peer: &str,
    cidr_type: &'static str,
    desired: &[String],
) -> Result<Vec<String>, Error> {
    let ns = cfg.namespace().unwrap_or_default();
    let name = cfg.name_any();
    let uid = cfg.uid().unwrap_or_default();
    let api: Api<Network> = Api::namespaced(ctx.client.clone(), &ns);
    let selector = format!(
        "{}={peer},{}={cidr_type}",
        label::REMOTE_CLUSTER_ID,
        label::CIDR_TYPE
    );
    let owned: Vec<Network> = api
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the Configuration's Networks")?
        .items
        .into_iter()
        .filter(|n| n.owner_references().iter().any(|o| o.uid == uid))
        .collect();
    let mut waiting = false;
    for net in &owned {
        let wanted = desired.contains(&net.spec.cidr)
            && net.name_any() == network_name(&name, cidr_type, &net.spec.cidr);
        if net.metadata.deletion_timestamp.is_some() {
            waiting = true;
        } else if !wanted {
            waiting = true;
            match api
                .delete(&net.name_any(), &DeleteParams::background())
                .await
            {
                Ok(_) => tracing::info!(network = %net.name_any(), "orphan network deleted"),
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(e) => return Err(ReconcileError::api("delete an orphan Network", e).into()),
            }
        }
    }
    if waiting {
        // Re-acquiring before the orphans are released could overlap them.
        return Ok(vec![String::new(); desired.len()]);
    }
    let owner = cfg
        .controller_owner_ref(&())
        .expect("invariant: a Configuration from the API has a name and uid");
    let mut granted = Vec::with_capacity(desired.len());
    for cidr in desired {
        let net_name = network_name(&name, cidr_type, cidr);
        let existing = owned.iter().find(|n| n.name_any() == net_name);
        if existing.is_none() {
            let mut net = Network::new(
                &net_name,
                NetworkSpec {
                    cidr: cidr.clone(),
                    pre_allocated: None,
                },
            );
            net.metadata = ObjectMeta {
                name: Some(net_name.clone()),
                namespace: Some(ns.clone()),
                labels: Some(
                    [
                        (label::REMOTE_CLUSTER_ID.to_string(), peer.to_string()),
                        (label::CIDR_TYPE.to_string(), cidr_type.to_string()),
                    ]
                    .into(),
                ),
                owner_references: Some(vec![owner.clone()]),
                ..Default::default()
            };
            reconcile::apply(&ctx.client, &net, FIELD_MANAGER).await?;
            tracing::info!(network = %net_name, cidr, "network created");
        }
        granted.push(
            existing
                .and_then(|n| n.status.as_ref()?.cidr.clone())
                .unwrap_or_default(),
        );
    }
    Ok(granted)
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let configurations: Api<Configuration> = Api::all(ctx.client.clone());
    let networks: Api<Network> = Api::all(ctx.client.clone());
    let controller = Controller::new(configurations, watcher::Config::default())
        .owns(
            networks,
            watcher::Config::default().labels(label::CIDR_TYPE),
        )
        .run(reconcile, error_policy, ctx.clone());
    ctx.drive("configuration", controller).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pod: &[&str], external: &[&str]) -> ClusterConfigCidr {
        let strings = |v: &[&str]| Some(v.iter().map(ToString::to_string).collect());
        ClusterConfigCidr {
            pod: strings(pod),
            external: strings(external),
        }
    }

    #[test]
    fn network_names_follow_upstream() {
        assert_eq!(
            network_name("peer", "pod", "10.243.0.0/16"),
            "peer-pod-10-243-0-0-16"
        );
        assert_eq!(
            network_name("peer", "external", "10.70.0.0/16"),
            "peer-external-10-70-0-0-16"
        );
    }

    #[test]
    fn condition_is_true_only_when_every_entry_is_granted() {
        let s = spec(&["10.243.0.0/16", "10.244.0.0/16"], &["10.70.0.0/16"]);
        let now = Timestamp::now();
        let partial = compute_status(
            vec!["10.71.0.0/16".into(), String::new()],
            vec!["10.68.0.0/16".into()],
            &s,
            Some(2),
            None,
            now,
        );
        let c = &partial.conditions.as_ref().unwrap()[0];
        assert_eq!(
            (c.status.as_str(), c.reason.as_str(), c.message.as_str()),
            (
                "False",
                "WaitingForNetworks",
                "Waiting for all networks to be ready"
            )
        );
        let full = compute_status(
            vec!["10.71.0.0/16".into(), "10.244.0.0/16".into()],
            vec!["10.68.0.0/16".into()],
            &s,
            Some(2),
            Some(&partial),
            now,
        );
        let c = &full.conditions.as_ref().unwrap()[0];
        assert_eq!(
            (c.status.as_str(), c.reason.as_str(), c.message.as_str()),
            (
                "True",
                "NetworkCIDRsConfigured",
                "All network CIDRs are configured"
            )
        );
        assert_eq!(c.observed_generation, Some(2));
        let mut cfg = Configuration::new("peer", Default::default());
        cfg.metadata.generation = Some(2);
        cfg.status = Some(full.clone());
        assert!(cfg.is_configured());
        cfg.metadata.generation = Some(3);
        assert!(!cfg.is_configured(), "stale observedGeneration");
        // Same inputs later: equal status, so nothing is written.
        let later = compute_status(
            vec!["10.71.0.0/16".into(), "10.244.0.0/16".into()],
            vec!["10.68.0.0/16".into()],
            &s,
            Some(2),
            Some(&full),
            Timestamp::now(),
        );
        assert_eq!(later, full);
    }

    #[test]
    fn missing_entries_keep_the_condition_false() {
        let s = spec(&["10.243.0.0/16"], &["10.70.0.0/16"]);
        let status = compute_status(vec![], vec![], &s, Some(1), None, Timestamp::now());
        assert_eq!(status.conditions.unwrap()[0].status, "False");
    }
}
