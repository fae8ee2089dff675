//! The authentication side of a ForeignCluster: the peer's Tenant (it consumes from this
//! cluster) and its control-plane Identity (it provides to this cluster).

use kube::api::ListParams;
use kube::{Api, Client};
use liqo_api::authentication::{Identity, IdentityType, Tenant};
use liqo_api::consts::label;
use liqo_kube::foreign_cluster::Observed;
use liqo_kube::reconcile::{ReconcileError, ResultExt};

/// Reads the Tenant and the control-plane Identity of `peer`.
///
/// # Errors
/// When a list fails.
pub async fn observe(client: &Client, peer: &str) -> Result<Observed, ReconcileError> {
    let selector = ListParams::default().labels(&format!("{}={peer}", label::REMOTE_CLUSTER_ID));
    let tenants = Api::<Tenant>::all(client.clone())
        .list(&selector)
        .await
        .api("list Tenants")?;
    let identities = Api::<Identity>::all(client.clone())
        .list(&selector)
        .await
        .api("list Identities")?;
    Ok(Observed {
        tenant: tenants.items.into_iter().next(),
        identity: identities
            .items
            .into_iter()
            .find(|i| i.spec.type_ == Some(IdentityType::ControlPlane)),
    })
}
