//! `authentication.liqo.io`: nonces, Tenants, Identities, certificate renewal.

pub mod identity;
pub mod nonce_creator;
pub mod nonce_signer;
pub mod renew_local;
pub mod resource_slice;
mod secret_data;
pub mod tenant;
mod tenant_secret;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use liqo_api::authentication::AuthParams;
use liqo_kube::reconcile::{ReconcileError, ResultExt};

use crate::context::Context;

/// What a consumer needs to reach this cluster with `cert` (a Tenant's or a ResourceSlice's
/// status): the cluster CA, the certificate, the API server address and the consumer's proxy.
pub(crate) async fn auth_params(
    ctx: &Context,
    cert: Vec<u8>,
    proxy_url: Option<String>,
) -> Result<AuthParams, ReconcileError> {
    // Every namespace holds the cluster CA in kube-root-ca.crt.
    let ca = Api::<ConfigMap>::namespaced(ctx.client.clone(), &ctx.liqo_namespace)
        .get("kube-root-ca.crt")
        .await
        .api("read the cluster CA")?
        .data
        .and_then(|d| d.get("ca.crt").cloned())
        .unwrap_or_default();
    Ok(AuthParams {
        ca: Some(ByteString(ca.into_bytes())),
        signed_crt: Some(ByteString(cert)),
        api_server: ctx.api_server.clone(),
        proxy_url,
        aws_config: None,
    })
}
