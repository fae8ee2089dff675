//! IP controller (networking.md §8): every IP object gets an alias in the cluster's external
//! CIDR (`status.ip`, with `status.cidr`), granted once by the same in-process IPAM as the
//! Networks and released on deletion; the gateways map each alias to the IP's local address.
//! Also keeps the preinstalled `api-server-proxy` IP in line with the proxy Service's
//! ClusterIP, for the in-band peering.

use std::net::Ipv4Addr;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Service;
use kube::api::{DeleteParams, ListParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use liqo_api::consts::{annotation, field_manager, finalizer, label, name};
use liqo_api::ipam::{IP, IpSpec, IpStatus, Network};
use liqo_kube::ipam::{Cidr, IpamError};
use liqo_kube::reconcile::{self, ReconcileError};
use tracing::instrument;

use super::network::{IpamState, NetworkContext, RETRY_UNAVAILABLE, is_preinstalled};
use crate::context::Context;

/// Field manager of this controller.
pub const FIELD_MANAGER: &str = field_manager::IP;

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The IPAM has no address left (or the status names one it cannot grant).
    #[error("failed to acquire an IP for {0}")]
    Acquire(String, #[source] IpamError),
}

impl IpamState {
    /// Records the aliases IPs already have. Conflicts (only a foreign writer can cause them)
    /// are logged and skipped.
    pub fn restore_ips(&mut self, ips: &[IP]) {
        for ip in ips {
            let Some((cidr, alias)) = granted(ip) else {
                continue;
            };
            match self.ipam.acquire_ip(cidr, Some(alias)) {
                Ok(_) => {
                    self.ip_granted
                        .insert(ip.uid().unwrap_or_default(), (cidr, alias));
                }
                Err(e) => tracing::warn!(name = %ip.name_any(), error = %e, "IP not restored"),
            }
        }
    }

    /// The alias of `ip` in `network`, acquiring the lowest free one on the first call.
    ///
    /// # Errors
    /// [`IpamError`] when the network is full.
    pub fn acquire_ip(&mut self, ip: &IP, network: Cidr) -> Result<Ipv4Addr, IpamError> {
        let uid = ip.uid().unwrap_or_default();
        if let Some((_, alias)) = self.ip_granted.get(&uid) {
            return Ok(*alias);
        }
        let alias = self.ipam.acquire_ip(network, None)?;
        self.ip_granted.insert(uid, (network, alias));
        Ok(alias)
    }

    /// Releases the alias of `ip`, once; returns it.
    pub fn release_ip(&mut self, ip: &IP) -> Option<Ipv4Addr> {
        let (network, alias) = self.ip_granted.remove(&ip.uid().unwrap_or_default())?;
        self.ipam.release_ip(network, alias);
        Some(alias)
    }
}

/// The network and alias already in `ip`'s status.
fn granted(ip: &IP) -> Option<(Cidr, Ipv4Addr)> {
    let status = ip.status.as_ref()?;
    Some((
        status.cidr.as_deref()?.parse().ok()?,
        status.ip.as_deref()?.parse().ok()?,
    ))
}

#[instrument(skip_all, fields(name = %ip.name_any(), ns = ip.namespace()))]
async fn reconcile(ip: Arc<IP>, nctx: Arc<NetworkContext>) -> Result<Action, Error> {
    let ctx = &nctx.ctx;
    if ip.metadata.deletion_timestamp.is_some() {
        if let Some(alias) = nctx.state().release_ip(&ip) {
            tracing::info!(%alias, "IP released");
        }
        reconcile::remove_finalizer(&ctx.client, &*ip, finalizer::IP_IPAM).await?;
        return Ok(Action::await_change());
    }
    if !reconcile::has_finalizer(&*ip, finalizer::IP_IPAM) && !is_preinstalled(&*ip) {
        reconcile::add_finalizer(&ctx.client, &*ip, finalizer::IP_IPAM).await?;
        return Ok(Action::await_change());
    }
    if granted(&ip).is_some() {
        return Ok(Action::await_change());
    }
    // The external CIDR's grant triggers every IP again (see `run`).
    let Some(network) = network_of(ctx, &ip).await? else {
        tracing::info!("waiting for the IPAM to grant the network of this IP");
        return Ok(Action::await_change());
    };
    let acquired = nctx.state().acquire_ip(&ip, network);
    let alias = match acquired {
        Ok(alias) => alias,
        Err(e) => {
            let note = format!("no IP for {} in {network}: {e}", ip.spec.ip);
            ctx.event(&*ip, EventType::Warning, "AcquisitionFailed", note)
                .await;
            return Err(Error::Acquire(ip.name_any(), e));
        }
    };
    let status = IpStatus {
        ip: Some(alias.to_string()),
        cidr: Some(network.to_string()),
    };
    reconcile::apply_status(&ctx.client, &*ip, &status, FIELD_MANAGER).await?;
    tracing::info!(local = %ip.spec.ip, %alias, "IP acquired");
    let note = format!("{} is reachable from peers at {alias}", ip.spec.ip);
    ctx.event(&*ip, EventType::Normal, "IPAcquired", note).await;
    Ok(Action::await_change())
}

/// The granted CIDR of the IP's Network: `spec.networkRef`, else the external CIDR; `None`
/// while it has no grant.
async fn network_of(ctx: &Context, ip: &IP) -> Result<Option<Cidr>, ReconcileError> {
    let granted = |net: &Network| {
        net.status
            .as_ref()
            .and_then(|s| s.cidr.as_deref())
            .and_then(|c| c.parse::<Cidr>().ok())
    };
    if let Some(reference) = &ip.spec.network_ref {
        let ns = reference
            .namespace
            .clone()
            .or_else(|| ip.namespace())
            .unwrap_or_default();
        let name = reference.name.clone().unwrap_or_default();
        let net = Api::<Network>::namespaced(ctx.client.clone(), &ns)
            .get_opt(&name)
            .await
            .map_err(|e| ReconcileError::api(format!("get Network {ns}/{name}"), e))?;
        return Ok(net.as_ref().and_then(granted));
    }
    let external = Api::<Network>::all(ctx.client.clone())
        .list(&ListParams::default().labels(&external_cidr_selector()))
        .await
        .map_err(|e| ReconcileError::api("list the external-CIDR Networks", e))?;
    Ok(external.items.iter().find_map(granted))
}

fn external_cidr_selector() -> String {
    format!(
        "{}={}",
        label::IPAM_NETWORK_TYPE,
        label::IPAM_NETWORK_TYPE_EXTERNAL_CIDR
    )
}

fn error_policy(ip: Arc<IP>, error: &Error, nctx: Arc<NetworkContext>) -> Action {
    match error {
        // As for Networks: a release elsewhere frees room, and nothing watched says so.
        Error::Acquire(..) => nctx.ctx.retry_after("ip", error, RETRY_UNAVAILABLE),
        Error::Reconcile(e) => nctx.ctx.retry("ip", &*ip, e),
    }
}

/// Runs the IP controller; a change of the external-CIDR Network reconciles every IP (those
/// that waited for its grant).
pub(super) async fn run(nctx: Arc<NetworkContext>) {
    let ctx = nctx.ctx.clone();
    let networks = Api::<Network>::all(ctx.client.clone());
    let grants = watcher(
        networks,
        watcher::Config::default().labels(&external_cidr_selector()),
    )
    .default_backoff()
    .touched_objects()
    .filter_map(|n| async move { n.ok().map(|_| ()) });
    let controller = Controller::new(
        Api::<IP>::all(ctx.client.clone()),
        watcher::Config::default(),
    )
    .reconcile_all_on(grants)
    .run(reconcile, error_policy, nctx);
    ctx.drive("ip", controller).await;
}

/// The `api-server-proxy` IP as it should be for `service` (the proxy's Service): its
/// ClusterIP, preinstalled (no finalizer), labelled as the proxy's.
pub fn proxy_ip(namespace: &str, cluster_ip: &str) -> IP {
    let mut ip = IP::new(
        name::API_SERVER_PROXY_IP,
        IpSpec {
            ip: cluster_ip.to_owned(),
            ..IpSpec::default()
        },
    );
    ip.metadata.namespace = Some(namespace.to_owned());
    ip.metadata.labels = Some(
        [(
            label::IPAM_IP_TYPE.to_owned(),
            label::IPAM_IP_TYPE_API_SERVER_PROXY.to_owned(),
        )]
        .into(),
    );
    ip.metadata.annotations =
        Some([(annotation::PREINSTALLED.to_owned(), label::TRUE.to_owned())].into());
    ip
}

async fn reconcile_proxy_service(
    svc: Arc<Service>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    let Some(cluster_ip) = svc
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .filter(|ip| ip.parse::<Ipv4Addr>().is_ok())
    else {
        return Ok(Action::await_change());
    };
    let ns = svc.namespace().unwrap_or_default();
    let api = Api::<IP>::namespaced(ctx.client.clone(), &ns);
    let current = api
        .get_opt(name::API_SERVER_PROXY_IP)
        .await
        .map_err(|e| ReconcileError::api("get IP api-server-proxy", e))?;
    // spec.ip is immutable: a re-created Service (new ClusterIP) needs a new IP object.
    if let Some(current) = current.filter(|c| c.spec.ip != cluster_ip) {
        tracing::info!(old = %current.spec.ip, new = cluster_ip, "the proxy's ClusterIP changed, replacing its IP");
        api.delete(name::API_SERVER_PROXY_IP, &DeleteParams::default())
            .await
            .map_err(|e| ReconcileError::api("delete IP api-server-proxy", e))?;
    }
    reconcile::apply(&ctx.client, &proxy_ip(&ns, cluster_ip), FIELD_MANAGER).await?;
    Ok(Action::await_change())
}

/// Keeps the `api-server-proxy` IP in line with the `liqo-proxy` Service of the Liqo
/// namespace (none without the Service: an installation without the proxy).
pub(super) async fn keep_proxy_ip(ctx: Arc<Context>) {
    let services = Api::<Service>::namespaced(ctx.client.clone(), &ctx.liqo_namespace);
    let only_proxy =
        watcher::Config::default().fields(&format!("metadata.name={}", name::API_SERVER_PROXY));
    let controller = Controller::new(services, only_proxy).run(
        reconcile_proxy_service,
        |svc, e, ctx| ctx.retry("api-server-proxy", &*svc, e),
        ctx.clone(),
    );
    ctx.drive("api-server-proxy", controller).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(uid: &str, status: Option<(&str, &str)>) -> IP {
        let mut ip = proxy_ip("liqo", "10.96.12.34");
        ip.metadata.uid = Some(uid.into());
        ip.status = status.map(|(alias, cidr)| IpStatus {
            ip: Some(alias.into()),
            cidr: Some(cidr.into()),
        });
        ip
    }

    #[test]
    fn aliases_are_granted_once_released_once_and_survive_a_restart() {
        let ext: Cidr = "10.70.0.0/16".parse().unwrap();
        let mut state = IpamState::default();
        let a = ip("a", None);
        let first = state.acquire_ip(&a, ext).unwrap();
        assert_eq!(state.acquire_ip(&a, ext).unwrap(), first, "granted once");
        let second = state.acquire_ip(&ip("b", None), ext).unwrap();
        assert_ne!(first, second);

        // A restart: the granted alias is taken again, so a new IP gets another one.
        let mut restarted = IpamState::default();
        restarted.restore_ips(&[ip("a", Some((&first.to_string(), "10.70.0.0/16")))]);
        let other = restarted.acquire_ip(&ip("c", None), ext).unwrap();
        assert_ne!(other, first);
        assert_eq!(restarted.release_ip(&ip("a", None)), Some(first));
        assert_eq!(restarted.release_ip(&ip("a", None)), None, "released once");
    }

    #[test]
    fn the_proxy_ip_is_preinstalled_and_labelled() {
        let ip = proxy_ip("liqo", "10.96.12.34");
        assert_eq!(ip.name_any(), "api-server-proxy");
        assert!(is_preinstalled(&ip));
        assert_eq!(ip.labels()[label::IPAM_IP_TYPE], "api-server-proxy");
        assert_eq!(ip.spec.ip, "10.96.12.34");
    }
}
