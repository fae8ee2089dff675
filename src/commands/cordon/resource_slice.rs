//! Provider-side `cordon|uncordon resourceslice <rs> --remote-cluster-id <consumer>` (spec
//! offloading.md §8.8): the annotation `liqo.io/cordon=true` on the consumer's slice replica
//! makes its Quota `cordoned`, so no new pods are admitted; the `Resources` condition stays.

use std::time::Duration;

use anyhow::{Context as _, bail};
use kube::api::{Patch, PatchParams};
use kube::{Api, ResourceExt};
use liqo_api::authentication::ResourceSlice;
use liqo_api::consts::{annotation, field_manager, label};

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;
use crate::flows::offload::tenant_namespace_of;

/// Arguments of `cordon|uncordon resourceslice`.
#[derive(Debug, clap::Args)]
pub struct SliceCordonArgs {
    /// The ResourceSlice's name (as the consumer named it).
    name: String,
    /// The consumer's cluster ID (whose tenant namespace holds the slice).
    #[arg(long)]
    remote_cluster_id: String,
    /// Bound on the whole command.
    #[arg(long, default_value = "120s", value_parser = parse_timeout)]
    timeout: Duration,
}

impl SliceCordonArgs {
    /// Sets (`cordon`) or removes the cordon annotation.
    pub async fn run(self, ctx: &Ctx, cordon: bool) -> anyhow::Result<ExitStatus> {
        let word = if cordon { "cordon" } else { "uncordon" };
        if !crate::confirm::destructive(ctx, &format!("{word} resourceslice"))? {
            return Ok(ExitStatus::Failure);
        }
        let Self {
            name,
            remote_cluster_id,
            timeout,
        } = self;
        let client = ctx.local().await?.client;
        let work = async {
            let ns = tenant_namespace_of(&client, &remote_cluster_id).await?;
            let api: Api<ResourceSlice> = Api::namespaced(client.clone(), &ns);
            let Some(slice) = api
                .get_opt(&name)
                .await
                .context("cannot read the ResourceSlice")?
            else {
                bail!("ResourceSlice {name:?} not found in namespace {ns:?}");
            };
            // The consumer's own copy is overwritten by nobody but the consumer; the provider
            // acts on the replica.
            if slice.labels().get(label::REPLICATED).map(String::as_str) != Some(label::TRUE) {
                bail!(
                    "ResourceSlice {ns}/{name} is not a replica from cluster {remote_cluster_id:?}: run {word} resourceslice on the provider cluster"
                );
            }
            let present = slice
                .annotations()
                .get(annotation::CORDON)
                .map(String::as_str)
                == Some(label::TRUE);
            if present == cordon {
                return Ok(false);
            }
            let value = cordon.then_some(label::TRUE);
            let patch =
                serde_json::json!({"metadata": {"annotations": {annotation::CORDON: value}}});
            let params = PatchParams {
                field_manager: Some(field_manager::LIQOCTL.into()),
                ..PatchParams::default()
            };
            api.patch(&name, &params, &Patch::Merge(&patch))
                .await
                .context("cannot update the ResourceSlice")?;
            Ok(true)
        };
        let changed = match tokio::time::timeout(timeout, work).await {
            Ok(r) => r.with_context(|| format!("Unable to {word} ResourceSlice {name:?}"))?,
            Err(_) => bail!(
                "Unable to {word} ResourceSlice {name:?}: timed out after {}",
                liqo_kube::duration::approx(timeout)
            ),
        };
        let done = if cordon { "cordoned" } else { "uncordoned" };
        if changed {
            ctx.printer
                .success(format_args!("ResourceSlice {name:?} {done}"));
        } else {
            ctx.printer
                .success(format_args!("ResourceSlice {name:?} already {done}"));
        }
        Ok(ExitStatus::Success)
    }
}
