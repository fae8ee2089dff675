//! `liqoctl delete virtualnode <name>` (spec offloading.md §8.3). Upstream quirk 4: upstream
//! looks the VirtualNode up in `-n` (default: the kubeconfig's namespace, never the tenant
//! namespace); here `--remote-cluster-id` selects the tenant namespace, `-n` is still accepted.

use std::time::Duration;

use anyhow::Context as _;
use kube::Api;
use kube::api::DeleteParams;
use liqo_api::offloading::VirtualNode;

use super::resource_slice::pick_namespace;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;
use crate::flows::offload::tenant_namespace_of;

/// Delete a VirtualNode (consumer side): the controller drains and removes its Node and
/// virtual kubelet.
#[derive(Debug, clap::Args)]
pub struct DeleteVirtualNodeArgs {
    /// The VirtualNode's name.
    name: String,
    /// The provider's cluster ID (whose tenant namespace holds the VirtualNode).
    #[arg(long)]
    remote_cluster_id: Option<String>,
    /// The VirtualNode's namespace, instead of --remote-cluster-id.
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// Wait until the VirtualNode is gone (its Node drained and deleted).
    #[arg(long)]
    wait: bool,
    /// Bound on the wait.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl DeleteVirtualNodeArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            name,
            remote_cluster_id,
            namespace,
            wait,
            timeout,
        } = self;
        // Refused before contacting the cluster when neither is given.
        if remote_cluster_id.is_none() {
            pick_namespace(None, namespace.as_deref())?;
        }
        let client = ctx.local().await?.client;
        let tenant_ns = match &remote_cluster_id {
            Some(id) => Some(tenant_namespace_of(&client, id).await?),
            None => None,
        };
        let ns = pick_namespace(tenant_ns.as_deref(), namespace.as_deref())?;
        let api: Api<VirtualNode> = Api::namespaced(client, &ns);
        let spinner = ctx.printer.spinner("Deleting virtual node");
        match api.delete(&name, &DeleteParams::background()).await {
            Ok(_) => spinner.success("Virtual node deleted"),
            Err(kube::Error::Api(s)) if s.code == 404 => {
                spinner.success("Virtual node already absent");
                return Ok(ExitStatus::Success);
            }
            Err(e) => return Err(anyhow::Error::new(e).context("unable to delete virtual node")),
        }
        if !wait {
            return Ok(ExitStatus::Success);
        }
        let spinner = ctx
            .printer
            .spinner("Waiting for virtual node to be deleted");
        liqo_kube::wait::object(
            api,
            &name,
            &format!("VirtualNode {ns}/{name} to be deleted"),
            timeout,
            |v| v.is_none(),
            |v: Option<&VirtualNode>| match v {
                None => "gone".into(),
                Some(v) => format!(
                    "still present, finalizers {:?}",
                    v.metadata.finalizers.clone().unwrap_or_default()
                ),
            },
        )
        .await
        .context("Failed waiting for virtual node to be deleted")?;
        spinner.success("Ensured virtual node absence");
        Ok(ExitStatus::Success)
    }
}
