//! `liqoctl create nonce`: the provider's nonce for one consumer, in its tenant namespace.

use std::time::Duration;

use anyhow::Context as _;
use kube::ResourceExt;
use liqo_api::consts::{field_manager, name};
use liqo_kube::auth::steps;
use liqo_kube::tenant_namespace;

use crate::cli::parse_timeout;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Create the nonce a consumer signs to authenticate with this (provider) cluster.
#[derive(Debug, clap::Args)]
pub struct CreateNonceArgs {
    /// The consumer's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
    /// The Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    liqo_namespace: String,
    /// Bound on the wait for the nonce creator.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl CreateNonceArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            remote_cluster_id,
            liqo_namespace: _,
            timeout,
        } = self;
        let client = ctx.local().await?.client;
        let ns = tenant_namespace::ensure(&client, &remote_cluster_id, field_manager::LIQOCTL)
            .await
            .context("unable to create tenant namespace")?
            .name_any();
        let spinner = ctx.printer.spinner("Creating nonce");
        steps::ensure_nonce_secret(&client, &ns, &remote_cluster_id, field_manager::LIQOCTL)
            .await
            .context("Unable to create nonce secret")?;
        spinner.success("Nonce created");
        let spinner = ctx.printer.spinner("Waiting for nonce to be generated");
        let nonce = steps::await_nonce(&client, &ns, timeout)
            .await
            .context("Failed waiting for nonce to be generated")?;
        spinner.success("Nonce generated successfully");
        ctx.printer.success(format_args!(
            "Nonce retrieved: {}",
            String::from_utf8_lossy(&nonce)
        ));
        Ok(ExitStatus::Success)
    }
}
