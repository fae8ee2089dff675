//! Two-cluster commands: both clusters reached, Liqo found on each, and never the same cluster
//! twice. The local cluster is the consumer, the remote one the provider.

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::Api;
use liqo_api::consts::name;

use crate::cli::RemoteClusterArgs;
use crate::ctx::{ClusterHandle, Ctx};
use crate::printer::{Printer, Scope};

/// The two clusters of a peering command.
#[derive(Debug)]
pub struct Peers {
    /// The consumer (`--kubeconfig`).
    pub local: ClusterHandle,
    /// The provider (`--remote-kubeconfig`).
    pub remote: ClusterHandle,
    /// The consumer's cluster ID.
    pub local_id: String,
    /// The provider's cluster ID.
    pub remote_id: String,
    /// Lines about the consumer.
    pub local_printer: Printer,
    /// Lines about the provider.
    pub remote_printer: Printer,
}

impl Peers {
    /// Connects to both clusters and checks they are two distinct Liqo installations.
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
        let local_id = cluster_id(&local, namespace, "local").await?;
        let remote_id = cluster_id(&remote, remote_namespace, "remote").await?;
        if local_id == remote_id {
            bail!(
                "local and remote clusters must be different: both have cluster ID {local_id:?} (the same cluster through two contexts?)"
            );
        }
        Ok(Self {
            local,
            remote,
            local_id,
            remote_id,
            local_printer: ctx.printer.scoped(Scope::Local),
            remote_printer: ctx.printer.scoped(Scope::Remote),
        })
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
