//! `liqoctl delete resourceslice <name> --remote-cluster-id <provider>` (spec offloading.md
//! §8.4, not provided upstream): deletes the consumer's slice; with `--wait`, until it is gone,
//! which the CRD replicator's finalizer delays until the provider's replica is deleted.

use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use kube::api::{ApiResource, DeleteParams};
use liqo_api::authentication::{Identity, ResourceSlice};
use liqo_api::offloading::VirtualNode;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;
use crate::flows::offload::tenant_namespace_of;

/// Delete a ResourceSlice (consumer side); its Identity and, when the controller made it, its
/// VirtualNode go with it.
#[derive(Debug, clap::Args)]
pub struct DeleteResourceSliceArgs {
    /// The ResourceSlice's name.
    name: String,
    /// The provider's cluster ID (whose tenant namespace holds the slice).
    #[arg(long)]
    remote_cluster_id: String,
    /// Wait until the slice and what it brought are gone: its VirtualNode and Node, its Identity,
    /// and the provider's replica.
    #[arg(long)]
    wait: bool,
    /// Bound on the wait.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl DeleteResourceSliceArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            name,
            remote_cluster_id,
            wait,
            timeout,
        } = self;
        let client = ctx.local().await?.client;
        let ns = tenant_namespace_of(&client, &remote_cluster_id).await?;
        let api: Api<ResourceSlice> = Api::namespaced(client.clone(), &ns);
        let spinner = ctx.printer.spinner("Deleting ResourceSlice");
        // Foreground, so that the slice stands until its dependents are gone and a --wait can
        // follow them from it.
        let params = if wait {
            DeleteParams::foreground()
        } else {
            DeleteParams::background()
        };
        match api.delete(&name, &params).await {
            Ok(_) => spinner.success("ResourceSlice deleted"),
            Err(kube::Error::Api(s)) if s.code == 404 => {
                spinner.success("ResourceSlice already absent");
                return Ok(ExitStatus::Success);
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context("Unable to delete ResourceSlice"));
            }
        }
        if !wait {
            return Ok(ExitStatus::Success);
        }
        let spinner = ctx
            .printer
            .spinner("Waiting for ResourceSlice to be deleted");
        let dependents = [
            ApiResource::erase::<VirtualNode>(&()),
            ApiResource::erase::<Identity>(&()),
            ApiResource::erase::<Secret>(&()),
        ];
        liqo_kube::wait::deleted_with_dependents::<ResourceSlice>(
            &client,
            &ns,
            &name,
            &dependents,
            Some(timeout),
        )
        .await
        .context("Failed waiting for ResourceSlice to be deleted")?;
        spinner.success("Ensured ResourceSlice absence");
        Ok(ExitStatus::Success)
    }
}

/// The namespace of a `delete virtualnode`: the tenant namespace of `--remote-cluster-id`, or
/// `-n` (upstream's only way, quirk 4); both must agree.
pub fn pick_namespace(tenant_ns: Option<&str>, namespace: Option<&str>) -> anyhow::Result<String> {
    match (tenant_ns, namespace) {
        (Some(t), Some(n)) if t != n => bail!(
            "-n {n} is not the tenant namespace of --remote-cluster-id ({t}): give one of them"
        ),
        (Some(t), _) => Ok(t.to_string()),
        (None, Some(n)) => Ok(n.to_string()),
        (None, None) => bail!(
            "give --remote-cluster-id (the provider whose tenant namespace holds the VirtualNode) or -n <namespace>"
        ),
    }
}
