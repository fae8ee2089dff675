//! `liqoctl create nonce`: the provider's nonce for one consumer, in its tenant namespace.

use std::time::Duration;

use anyhow::Context as _;
use kube::ResourceExt;
use liqo_api::consts::{field_manager, name};
use liqo_kube::auth::steps;
use liqo_kube::tenant_namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;

/// Create the nonce a consumer signs to authenticate with this (provider) cluster.
#[derive(Debug, clap::Args)]
pub struct CreateNonceArgs {
    /// The consumer's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
    /// The Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    liqo_namespace: String,
    /// Print the tenant Namespace and nonce Secret that would be applied, and apply nothing.
    #[arg(short = 'o', long, value_enum)]
    output: Option<crate::commands::generate::Format>,
    /// Bound on the wait for the nonce creator.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl CreateNonceArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            remote_cluster_id,
            liqo_namespace: _,
            output,
            timeout,
        } = self;
        let client = ctx.local().await?.client;
        if let Some(format) = output {
            // The existing tenant namespace if any, else the one that would be created.
            let ns = match tenant_namespace::lookup(&client, &remote_cluster_id).await? {
                Some(ns) => ns,
                None => tenant_namespace::render(&remote_cluster_id),
            };
            let secret = steps::render_nonce_secret(&ns.name_any(), &remote_cluster_id);
            crate::commands::generate::print_object(ctx, &ns, format)?;
            if matches!(format, crate::commands::generate::Format::Yaml) {
                ctx.printer.data("---\n");
            }
            crate::commands::generate::print_object(ctx, &secret, format)?;
            return Ok(ExitStatus::Success);
        }
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
