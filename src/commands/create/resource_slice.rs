//! `liqoctl create resourceslice <name>` (spec offloading.md §8.1): the consumer asks a provider
//! for a slice of its resources and waits until the provider authenticates it.

use std::time::Duration;

use liqo_kube::offloading::resource_slice::SliceRequest;

use crate::commands::generate::{Format, print_object};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{RemoteClusterArgs, parse_timeout};
use crate::flows::offload;
use crate::journal;
use crate::printer::Scope;

/// Ask a provider cluster for a slice of its resources (consumer side).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  liqoctl create resourceslice my-slice --remote-cluster-id provider-id --cpu 4 --memory 8Gi
  liqoctl create resourceslice gpus --remote-cluster-id provider-id --resource nvidia.com/gpu=2")]
pub struct CreateResourceSliceArgs {
    /// The ResourceSlice's name; the virtual node made for it takes the same name.
    name: String,
    /// The provider's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
    /// The slice class: only the built-in `default` is served.
    #[arg(long, default_value = liqo_api::consts::name::DEFAULT_RESOURCE_SLICE_CLASS)]
    class: String,
    /// CPU requested (e.g. 4, 500m); the provider's default when unset.
    #[arg(long, allow_hyphen_values = true)]
    cpu: Option<String>,
    /// Memory requested (e.g. 8Gi); the provider's default when unset.
    #[arg(long, allow_hyphen_values = true)]
    memory: Option<String>,
    /// Pods requested (a whole number); the provider's default when unset.
    #[arg(long, allow_hyphen_values = true)]
    pods: Option<String>,
    /// Other resources, as name=quantity; repeat the flag or separate with commas (e.g.
    /// --resource nvidia.com/gpu=1,ephemeral-storage=20Gi).
    #[arg(long = "resource", value_delimiter = ',', allow_hyphen_values = true)]
    resources: Vec<String>,
    /// Do not make a virtual node for the slice once it is accepted.
    #[arg(long)]
    no_virtual_node: bool,
    /// Print the ResourceSlice that would be applied, and apply nothing.
    #[arg(short = 'o', long, value_enum)]
    output: Option<Format>,
    /// Bound on the wait for the provider to authenticate the slice.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl CreateResourceSliceArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let request = SliceRequest {
            name: self.name.clone(),
            remote_cluster_id: self.remote_cluster_id.clone(),
            class: self.class.clone(),
            cpu: self.cpu.clone(),
            memory: self.memory.clone(),
            pods: self.pods.clone(),
            resources: self.resources.clone(),
            create_virtual_node: !self.no_virtual_node,
        };
        // Flags first: a bad quantity is refused before the cluster is contacted.
        liqo_kube::offloading::resource_slice::build(&request, "")?;
        let client = ctx.local().await?.client;
        let slice = offload::plan_slice(&client, &request).await?;
        if let Some(format) = self.output {
            print_object(ctx, &slice, format)?;
            return Ok(ExitStatus::Success);
        }
        journal::begin(journal::Undo::new(
            &ctx.global.local,
            &RemoteClusterArgs::default(),
            &["delete", "resourceslice", &self.name],
            &[format!("--remote-cluster-id={}", self.remote_cluster_id)],
        ));
        offload::create_slice(&client, &ctx.printer, Scope::Local, &slice, self.timeout).await?;
        Ok(ExitStatus::Success)
    }
}
