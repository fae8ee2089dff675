//! The one two-cluster type: both clusters reached, Liqo found on each, never the same cluster
//! twice, each side with its client, ID, peer's ID and scoped printer. The local cluster is the
//! consumer, the remote one the provider.

use std::fmt::Display;
use std::future::Future;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::{Api, Client};
use liqo_api::consts::name;

use crate::ctx::{ClusterHandle, Ctx};
use crate::exit::Reported;
use crate::flags::RemoteClusterArgs;
use crate::interrupt;
use crate::printer::{Printer, Scope};

/// One cluster of a two-cluster command, as every flow sees it.
pub struct Side {
    /// Client.
    pub client: Client,
    /// The resolved configuration (server URL), for messages.
    pub config: kube::Config,
    /// Which cluster this is: what its lines are prefixed with.
    pub scope: Scope,
    /// Lines about this cluster.
    pub printer: Printer,
    /// The namespace Liqo is installed in, on this cluster.
    pub liqo_namespace: String,
    /// This cluster's ID.
    pub id: String,
    /// The other cluster's ID.
    pub peer: String,
}

impl Side {
    /// `local` or `remote`, for messages.
    pub fn label(&self) -> &'static str {
        if self.scope == Scope::Remote {
            "remote"
        } else {
            "local"
        }
    }

    /// Runs one step on this cluster: a spinner with `start` (also what an interruption
    /// names), then `ok` (which may depend on the result) or `<fail>: <cause>`. A failure is
    /// reported here, so the error returned prints nothing more.
    pub async fn step<T, E>(
        &self,
        start: impl Into<String>,
        fail: impl Display,
        ok: impl FnOnce(&T) -> String,
        work: impl Future<Output = Result<T, E>>,
    ) -> anyhow::Result<T>
    where
        E: Into<anyhow::Error>,
    {
        let start = start.into();
        // A held flow's steps are not printed yet: an interruption names the visible one.
        if !self.printer.holding() {
            interrupt::step(self.scope, &start);
        }
        let spinner = self.printer.spinner(start);
        match work.await {
            Ok(value) => {
                spinner.success(ok(&value));
                Ok(value)
            }
            Err(e) => {
                let e: anyhow::Error = e.into();
                let message = format!("{fail}: {}", crate::exit::one_line(&e));
                spinner.fail(&message);
                Err(Reported(message).into())
            }
        }
    }
}

impl std::fmt::Debug for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Side")
            .field("server", &self.config.cluster_url)
            .field("id", &self.id)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// The two clusters of a two-cluster command: the local one (`--kubeconfig`, the consumer of
/// a peering) and the remote one (`--remote-kubeconfig`, the provider).
#[derive(Debug)]
pub struct Peers {
    /// The consumer.
    pub local: Side,
    /// The provider.
    pub remote: Side,
}

impl Peers {
    /// Connects to both clusters and checks they are two distinct Liqo installations, with
    /// Liqo in `namespace` (local) and `remote_namespace`.
    ///
    /// # Errors
    /// A missing remote flag, an unreachable cluster, Liqo missing on a side, or the same
    /// cluster on both sides — each named, before anything is written.
    pub async fn connect(
        ctx: &Ctx,
        remote: &RemoteClusterArgs,
        namespace: &str,
        remote_namespace: &str,
    ) -> anyhow::Result<Self> {
        if !remote.is_set() {
            bail!(
                "the remote cluster is not set: pass --remote-kubeconfig (and --remote-context if needed)"
            );
        }
        let local = ctx.local().await?;
        let remote = ctx.remote(remote).await?;
        if liqo_kube::client::same_endpoint(&local.config, &remote.config) {
            bail!(
                "local and remote clusters must be different: the local and remote kubeconfigs both reach {}",
                local.server()
            );
        }
        // Both read at once; when both fail, the local cause is the one told.
        let (local_id, remote_id) = tokio::join!(
            cluster_id(&local, namespace, "local"),
            cluster_id(&remote, remote_namespace, "remote"),
        );
        let (local_id, remote_id) = (local_id?, remote_id?);
        if local_id == remote_id {
            bail!(
                "local and remote clusters must be different: both have cluster ID {local_id:?} (the same cluster through two contexts?)"
            );
        }
        let side = |cluster: ClusterHandle, scope, ns: &str, id: &str, peer: &str| Side {
            client: cluster.client,
            config: cluster.config,
            scope,
            printer: ctx.printer.scoped(scope),
            liqo_namespace: ns.to_string(),
            id: id.to_string(),
            peer: peer.to_string(),
        };
        Ok(Self {
            local: side(local, Scope::Local, namespace, &local_id, &remote_id),
            remote: side(
                remote,
                Scope::Remote,
                remote_namespace,
                &remote_id,
                &local_id,
            ),
        })
    }

    /// The same clusters, their lines printed through `printer` (e.g. a held one).
    pub fn with_printer(&self, printer: &Printer) -> Self {
        let side = |s: &Side| Side {
            client: s.client.clone(),
            config: s.config.clone(),
            scope: s.scope,
            printer: printer.scoped(s.scope),
            liqo_namespace: s.liqo_namespace.clone(),
            id: s.id.clone(),
            peer: s.peer.clone(),
        };
        Self {
            local: side(&self.local),
            remote: side(&self.remote),
        }
    }

    /// Lines about both clusters.
    pub fn global_printer(&self) -> Printer {
        self.local.printer.scoped(Scope::Global)
    }
}

/// The cluster ID Liqo's install wrote in `namespace`; a missing namespace and a namespace
/// without Liqo are told apart, since they call for different fixes.
async fn cluster_id(
    cluster: &ClusterHandle,
    namespace: &str,
    side: &str,
) -> anyhow::Result<String> {
    let server = cluster.server();
    let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), namespace);
    let cm = api
        .get_opt(name::CLUSTER_ID_CONFIGMAP)
        .await
        .with_context(|| {
            format!(
                "cannot read the {side} cluster ID (ConfigMap {namespace}/{}) at {server}",
                name::CLUSTER_ID_CONFIGMAP
            )
        })?;
    if let Some(id) = cm.and_then(|cm| cm.data?.get(name::CLUSTER_ID_KEY).cloned()) {
        return Ok(id);
    }
    // A user allowed to read ConfigMaps but not Namespaces gets the combined message.
    let namespace_exists = Api::<Namespace>::all(cluster.client.clone())
        .get_opt(namespace)
        .await
        .ok()
        .map(|ns| ns.is_some());
    match namespace_exists {
        Some(false) => bail!(
            "Liqo is not installed in the {side} cluster ({server}): namespace {namespace:?} does not exist; run `liqoctl install` there first, or pass the namespace Liqo is installed in"
        ),
        Some(true) => bail!(
            "Liqo is not installed in the {side} cluster ({server}) in namespace {namespace:?}: the namespace exists but has no ConfigMap {}; run `liqoctl install` there first",
            name::CLUSTER_ID_CONFIGMAP
        ),
        None => bail!(
            "Liqo is not installed in the {side} cluster ({server}) in namespace {namespace:?} (or the namespace does not exist): run `liqoctl install` there first"
        ),
    }
}
