//! Network controller with the IPAM in process (networking.md §5.2): every Network gets its
//! `status.cidr` granted exactly once (remapped when it conflicts), and released when it is
//! deleted. At start the allocator is rebuilt from every Network that already has a
//! `status.cidr`, before any new one is reconciled, so remappings are stable across restarts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kube::api::ListParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::consts::{annotation, field_manager, finalizer, label};
use liqo_api::ipam::{IP, Network};
use liqo_kube::ipam::{Cidr, Ipam, IpamError, NetworkRequest};
use liqo_kube::reconcile::{self, ReconcileError};
use serde_json::json;
use tracing::instrument;

use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::NETWORK;
/// How often the start-up listing is tried again.
const RESTORE_RETRY: Duration = Duration::from_secs(5);
/// A refused acquisition waits for other Networks to be released.
pub(super) const RETRY_UNAVAILABLE: Duration = Duration::from_secs(30);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The IPAM refused the Network.
    #[error("failed to acquire network {0}")]
    Acquire(String, #[source] IpamError),
}

/// The allocator and what it granted to each Network (by UID): a grant is made once and
/// released once, whatever the reconciles in between.
#[derive(Debug, Default)]
pub struct IpamState {
    pub(super) ipam: Ipam,
    granted: HashMap<String, Cidr>,
    /// What each IP object (by UID) was granted: its network and alias.
    pub(super) ip_granted: HashMap<String, (Cidr, std::net::Ipv4Addr)>,
}

impl IpamState {
    /// Rebuilds the state from Networks that already have a `status.cidr`. Conflicts (which
    /// only a foreign writer can cause) are logged and skipped.
    pub fn restore(networks: &[Network]) -> Self {
        let mut state = Self::default();
        for net in networks {
            let Some(granted) = status_cidr(net) else {
                continue;
            };
            let Ok(cidr) = granted.parse::<Cidr>() else {
                tracing::warn!(name = %net.name_any(), granted, "ignoring a non-IPv4 granted CIDR");
                continue;
            };
            let (immutable, exclusive) = flags(net);
            let pre = net.spec.pre_allocated.unwrap_or(0);
            match state
                .ipam
                .restore_network(cidr, exclusive || !immutable, pre)
            {
                Ok(()) => {
                    state.granted.insert(net.uid().unwrap_or_default(), cidr);
                }
                Err(e) => {
                    tracing::warn!(name = %net.name_any(), error = %e, "network not restored")
                }
            }
        }
        state
    }

    /// The CIDR granted to `net`, acquiring it on the first call.
    ///
    /// # Errors
    /// [`IpamError`] when the IPAM refuses the request.
    pub fn acquire(&mut self, net: &Network) -> Result<Cidr, IpamError> {
        let uid = net.uid().unwrap_or_default();
        if let Some(cidr) = self.granted.get(&uid) {
            return Ok(*cidr);
        }
        let (immutable, exclusive) = flags(net);
        let cidr = self.ipam.acquire_network(NetworkRequest {
            cidr: net.spec.cidr.parse()?,
            immutable,
            exclusive,
            pre_allocated: net.spec.pre_allocated.unwrap_or(0),
        })?;
        self.granted.insert(uid, cidr);
        Ok(cidr)
    }

    /// Releases what `net` was granted, once; returns the released CIDR.
    pub fn release(&mut self, net: &Network) -> Option<Cidr> {
        let cidr = self.granted.remove(&net.uid().unwrap_or_default())?;
        self.ipam.release_network(cidr);
        Some(cidr)
    }
}

/// (immutable, exclusive) from the Network's labels.
fn flags(net: &Network) -> (bool, bool) {
    let is_true = |key: &str| net.labels().get(key).is_some_and(|v| v == label::TRUE);
    (
        is_true(label::IPAM_NETWORK_NOT_REMAPPED),
        !is_true(label::IPAM_NETWORK_SHARED),
    )
}

fn status_cidr(net: &Network) -> Option<&str> {
    net.status
        .as_ref()
        .and_then(|s| s.cidr.as_deref())
        .filter(|c| !c.is_empty())
}

/// Whether `object` (a Network or an IP) was installed with Liqo: it gets no IPAM finalizer.
pub(super) fn is_preinstalled(object: &impl ResourceExt) -> bool {
    object
        .annotations()
        .get(annotation::PREINSTALLED)
        .is_some_and(|v| v == label::TRUE)
}

/// What the reconciler needs besides the shared context.
#[derive(Debug)]
pub struct NetworkContext {
    pub(super) ctx: Arc<Context>,
    state: Mutex<IpamState>,
}

impl NetworkContext {
    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, IpamState> {
        // A panic while holding the lock cannot leave the allocator half-updated: every
        // mutation is a single call.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[instrument(skip_all, fields(name = %net.name_any(), ns = net.namespace()))]
async fn reconcile(net: Arc<Network>, nctx: Arc<NetworkContext>) -> Result<Action, Error> {
    let ctx = &nctx.ctx;
    let has_finalizer = net
        .finalizers()
        .iter()
        .any(|f| f == finalizer::NETWORK_IPAM);
    if net.metadata.deletion_timestamp.is_some() {
        let released = nctx.state().release(&net);
        if let Some(cidr) = released {
            tracing::info!(%cidr, "network released");
        }
        reconcile::remove_finalizer(&ctx.client, &*net, finalizer::NETWORK_IPAM).await?;
        return Ok(Action::await_change());
    }
    if !has_finalizer && !is_preinstalled(&*net) {
        reconcile::add_finalizer(&ctx.client, &*net, finalizer::NETWORK_IPAM).await?;
        return Ok(Action::await_change());
    }
    if status_cidr(&net).is_some() {
        return Ok(Action::await_change());
    }
    let acquired = nctx.state().acquire(&net);
    let cidr = match acquired {
        Ok(cidr) => cidr,
        Err(e) => {
            let note = format!("CIDR {} not acquired: {e}", net.spec.cidr);
            ctx.event(&*net, EventType::Warning, "AcquisitionFailed", note)
                .await;
            return Err(Error::Acquire(net.spec.cidr.clone(), e));
        }
    };
    let status = json!({"cidr": cidr.to_string()});
    reconcile::apply_status(&ctx.client, &*net, &status, FIELD_MANAGER).await?;
    tracing::info!(desired = %net.spec.cidr, %cidr, "network acquired");
    let note = format!("CIDR {} acquired as {cidr}", net.spec.cidr);
    ctx.event(&*net, EventType::Normal, "NetworkAcquired", note)
        .await;
    Ok(Action::await_change())
}

fn error_policy(net: Arc<Network>, error: &Error, nctx: Arc<NetworkContext>) -> Action {
    match error {
        // A release elsewhere frees room, and nothing watched tells this Network: look again
        // on a fixed period rather than the slow backoff of refusals.
        Error::Acquire(..) => nctx.ctx.retry_after("network", error, RETRY_UNAVAILABLE),
        Error::Reconcile(e) => nctx.ctx.retry("network", &*net, e),
    }
}

/// Restores the IPAM from the cluster's Networks and IPs, then runs the Network and IP
/// controllers (one allocator) until their streams end.
pub async fn run(ctx: Arc<Context>) {
    let api: Api<Network> = Api::all(ctx.client.clone());
    let networks = list_until_done(&api, "Networks").await;
    let ips = list_until_done(&Api::<IP>::all(ctx.client.clone()), "IPs").await;
    let mut state = IpamState::restore(&networks);
    state.restore_ips(&ips);
    tracing::info!(
        networks = state.granted.len(),
        ips = state.ip_granted.len(),
        "IPAM restored"
    );
    let nctx = Arc::new(NetworkContext {
        ctx: ctx.clone(),
        state: Mutex::new(state),
    });
    let controller =
        Controller::new(api, watcher::Config::default()).run(reconcile, error_policy, nctx.clone());
    tokio::join!(
        ctx.drive("network", controller),
        super::ip::run(nctx),
        super::ip::keep_proxy_ip(ctx.clone()),
    );
}

/// Every object of `api`: until the state is rebuilt nothing may be granted, so a failed
/// listing is retried.
async fn list_until_done<K>(api: &Api<K>, what: &str) -> Vec<K>
where
    K: kube::Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned,
{
    loop {
        match api.list(&ListParams::default()).await {
            Ok(list) => return list.items,
            Err(e) => {
                tracing::warn!(error = %e, "failed to list {what} to restore the IPAM, retrying");
                tokio::time::sleep(RESTORE_RETRY).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use liqo_api::ipam::{NetworkSpec, NetworkStatus};

    use super::*;

    fn net(uid: &str, cidr: &str, labels: &[&str], status: Option<&str>) -> Network {
        let mut n = Network::new(
            uid,
            NetworkSpec {
                cidr: cidr.into(),
                pre_allocated: None,
            },
        );
        n.metadata.uid = Some(uid.into());
        n.metadata.labels = Some(
            labels
                .iter()
                .map(|l| (l.to_string(), "true".to_string()))
                .collect(),
        );
        n.status = status.map(|c| NetworkStatus {
            cidr: Some(c.into()),
        });
        n
    }

    const LOCAL: [&str; 2] = [label::IPAM_NETWORK_NOT_REMAPPED, label::IPAM_NETWORK_SHARED];

    #[test]
    fn grants_once_releases_once_and_restores_remaps() {
        let local = net("pod", "10.243.0.0/16", &LOCAL, Some("10.243.0.0/16"));
        let ext = net(
            "ext",
            "10.70.0.0/16",
            &[label::IPAM_NETWORK_NOT_REMAPPED],
            Some("10.70.0.0/16"),
        );
        let mut state = IpamState::restore(&[local.clone(), ext.clone()]);
        let remote = net("remote", "10.243.0.0/16", &[], None);
        let first = state.acquire(&remote).unwrap();
        assert_eq!(first.to_string(), "10.71.0.0/16");
        assert_eq!(state.acquire(&remote).unwrap(), first, "not acquired twice");

        // A restart: the remap is restored and a new conflicting Network gets another one.
        let mut granted = remote.clone();
        granted.status = Some(NetworkStatus {
            cidr: Some(first.to_string()),
        });
        let mut restarted = IpamState::restore(&[granted.clone(), local, ext]);
        let other = net("other", "10.243.0.0/16", &[], None);
        let second = restarted.acquire(&other).unwrap();
        assert_ne!(second, first);

        assert_eq!(restarted.release(&granted), Some(first));
        assert_eq!(restarted.release(&granted), None, "released once");
        assert!(!restarted.ipam.is_acquired(first));
    }

    #[test]
    fn immutable_conflicts_are_refused() {
        let mut state = IpamState::default();
        let a = net(
            "a",
            "10.70.0.0/16",
            &[label::IPAM_NETWORK_NOT_REMAPPED],
            None,
        );
        let b = net(
            "b",
            "10.70.0.0/16",
            &[label::IPAM_NETWORK_NOT_REMAPPED],
            None,
        );
        state.acquire(&a).unwrap();
        assert!(state.acquire(&b).is_err());
        let bad = net("c", "fd00::/64", &[], None);
        assert!(matches!(
            state.acquire(&bad),
            Err(IpamError::InvalidCidr(_))
        ));
    }
}
