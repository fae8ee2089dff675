//! `liqoctl generate tenant`: the consumer signs a provider's nonce (through its nonce signer)
//! and prints the Tenant the provider's administrator applies.

use std::time::Duration;

use anyhow::{Context as _, bail};
use kube::ResourceExt;
use liqo_api::consts::{field_manager, name};
use liqo_kube::auth::steps;
use liqo_kube::auth::tenant::render_tenant;
use liqo_kube::tenant_namespace;

use super::{Format, print_object};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;

/// Sign a provider's nonce and print the Tenant to apply in the provider cluster.
#[derive(Debug, clap::Args)]
pub struct GenerateTenantArgs {
    /// The provider's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
    /// The provider's tenant namespace for this cluster (set on the printed Tenant if given).
    #[arg(long, default_value = "")]
    remote_tenant_namespace: String,
    /// The nonce from `liqoctl get nonce` on the provider.
    #[arg(long)]
    nonce: String,
    /// Proxy URL to reach the provider's API server through.
    #[arg(long)]
    proxy_url: Option<String>,
    /// The Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    liqo_namespace: String,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    output: Format,
    /// Bound on the wait for the nonce signer.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl GenerateTenantArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            remote_cluster_id,
            remote_tenant_namespace,
            nonce,
            proxy_url,
            liqo_namespace,
            output,
            timeout,
        } = self;
        if nonce.is_empty() {
            bail!(
                "--nonce is empty: pass the output of `liqoctl get nonce --remote-cluster-id <this cluster's ID>` run on the provider"
            );
        }
        let client = ctx.local().await?.client;
        let local_id = liqo_kube::install::observe_cluster_id(&client, &liqo_namespace)
            .await?
            .with_context(|| format!("Liqo is not installed in this cluster (namespace {liqo_namespace}): run `liqoctl install`"))?;
        let ns = tenant_namespace::ensure(&client, &remote_cluster_id, field_manager::LIQOCTL)
            .await?
            .name_any();
        steps::ensure_signed_nonce_secret(
            &client,
            &ns,
            &remote_cluster_id,
            nonce.as_bytes(),
            field_manager::LIQOCTL,
        )
        .await?;
        let signature = steps::await_signature(&client, &ns, nonce.as_bytes(), timeout).await?;
        let key = steps::read_private_key(&client, &liqo_namespace).await?;
        let mut tenant = render_tenant(
            &local_id,
            &remote_tenant_namespace,
            &key,
            &signature,
            proxy_url.as_deref(),
        )
        .context("Unable to generate tenant")?;
        if remote_tenant_namespace.is_empty() {
            tenant.metadata.namespace = None;
        }
        print_object(ctx, &tenant, output)?;
        Ok(ExitStatus::Success)
    }
}
