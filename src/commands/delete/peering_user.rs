//! `liqoctl delete peering-user`: removes a peering user's bindings and CSR, so its
//! certificate no longer grants anything.

use anyhow::Context as _;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{DeleteParams, ListParams};
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_kube::auth::peering_user;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Remove the peering user of a consumer cluster.
#[derive(Debug, clap::Args)]
pub struct DeletePeeringUserArgs {
    /// The consumer's cluster ID.
    #[arg(long)]
    consumer_cluster_id: String,
}

impl DeletePeeringUserArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            consumer_cluster_id: consumer,
        } = self;
        let client = ctx.local().await?.client;
        let selector = ListParams::default().labels(&format!(
            "{}={}",
            label::PEERING_USER_NAME,
            peering_user::user_name(&consumer)
        ));
        let bindings = Api::<RoleBinding>::all(client.clone())
            .list(&selector)
            .await
            .context("unable to delete peering user")?;
        let mut deleted = 0;
        for binding in bindings.items {
            let api: Api<RoleBinding> =
                Api::namespaced(client.clone(), &binding.namespace().unwrap_or_default());
            api.delete(&binding.name_any(), &DeleteParams::default())
                .await
                .context("unable to delete peering user")?;
            deleted += 1;
        }
        let csrs: Api<CertificateSigningRequest> = Api::all(client);
        for csr in csrs
            .list(&selector)
            .await
            .context("unable to delete peering user")?
            .items
        {
            csrs.delete(&csr.name_any(), &DeleteParams::default())
                .await
                .context("unable to delete peering user")?;
            deleted += 1;
        }
        // Upstream says "deleted successfully" even when there was nothing to delete.
        if deleted == 0 {
            ctx.printer.info(format_args!(
                "No peering user for cluster with ID {consumer:?}: nothing to delete"
            ));
            return Ok(ExitStatus::Success);
        }
        ctx.printer.success(format_args!(
            "Peering user for cluster with ID {consumer:?} deleted successfully"
        ));
        Ok(ExitStatus::Success)
    }
}
