//! `liqoctl generate identity`: the provider prints the control-plane Identity of a consumer
//! whose Tenant it has authenticated.

use anyhow::{Context as _, bail};
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use liqo_api::authentication::Tenant;
use liqo_api::consts::{label, name};
use liqo_kube::auth::identity::render_controlplane_identity;

use super::{Format, print_object};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Print the control-plane Identity to apply in a consumer cluster.
#[derive(Debug, clap::Args)]
pub struct GenerateIdentityArgs {
    /// The consumer's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
    /// The consumer's tenant namespace for this cluster (set on the printed Identity if given).
    #[arg(long, default_value = "")]
    remote_tenant_namespace: String,
    /// The Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    liqo_namespace: String,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    output: Format,
}

impl GenerateIdentityArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            remote_cluster_id,
            remote_tenant_namespace,
            liqo_namespace,
            output,
        } = self;
        let client = ctx.local().await?.client;
        let local_id = liqo_kube::install::observe_cluster_id(&client, &liqo_namespace)
            .await?
            .with_context(|| format!("Liqo is not installed in this cluster (namespace {liqo_namespace}): run `liqoctl install`"))?;
        let selector = format!("{}={remote_cluster_id}", label::REMOTE_CLUSTER_ID);
        let tenants = Api::<Tenant>::all(client)
            .list(&ListParams::default().labels(&selector))
            .await?;
        let Some(tenant) = tenants.items.into_iter().next() else {
            bail!(
                "no Tenant for cluster {remote_cluster_id}: apply the one from `liqoctl generate tenant` first"
            );
        };
        let status = tenant.status.clone().unwrap_or_default();
        let (Some(ns), Some(params)) = (status.tenant_namespace, status.auth_params) else {
            bail!(
                "tenant {} does not have the required status fields (not authenticated yet: see its Events)",
                tenant.name_any()
            );
        };
        let mut identity =
            render_controlplane_identity(&local_id, &remote_tenant_namespace, &ns, params);
        if remote_tenant_namespace.is_empty() {
            identity.metadata.namespace = None;
        }
        print_object(ctx, &identity, output)?;
        Ok(ExitStatus::Success)
    }
}
