//! Two installed clusters authenticated as `liqoctl authenticate` does (same steps from
//! `liqo_kube::auth`), and what the ResourceSlice tests share: hand-made replicas, watch-based
//! waits on slices.

use std::fmt::Debug;
use std::time::Duration;

use kube::api::{Patch, PatchParams};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::authentication::ResourceSlice;
use liqo_kube::auth::{identity, steps, tenant};
use liqo_kube::tenant_namespace;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Bound on each wait.
pub const WAIT: Duration = Duration::from_secs(60);
/// Field manager of what the test writes (playing the user, the CLI and the replicator).
pub const TEST_MANAGER: &str = "resource-slice-test";

/// Runs the authentication handshake of `consumer` (`c_id`) with `provider` (`p_id`): nonce,
/// signed nonce, Tenant, control-plane Identity; returns (consumer's, provider's) tenant
/// namespaces.
pub async fn authenticate(
    consumer: &Client,
    provider: &Client,
    c_id: &str,
    p_id: &str,
    liqo_ns: &str,
) -> (String, String) {
    let tnp = tenant_namespace::ensure(provider, c_id, TEST_MANAGER)
        .await
        .unwrap()
        .name_any();
    let tnc = tenant_namespace::ensure(consumer, p_id, TEST_MANAGER)
        .await
        .unwrap()
        .name_any();
    steps::ensure_nonce_secret(provider, &tnp, c_id, TEST_MANAGER)
        .await
        .unwrap_or_else(|e| panic!("nonce Secret: {e}"));
    let nonce = steps::await_nonce(provider, &tnp, WAIT)
        .await
        .unwrap_or_else(|e| panic!("nonce: {e}"));
    steps::ensure_signed_nonce_secret(consumer, &tnc, p_id, &nonce, TEST_MANAGER)
        .await
        .unwrap_or_else(|e| panic!("signed-nonce Secret: {e}"));
    let signature = steps::await_signature(consumer, &tnc, &nonce, WAIT)
        .await
        .unwrap_or_else(|e| panic!("signature: {e}"));
    let keys = steps::read_private_key(consumer, liqo_ns)
        .await
        .unwrap_or_else(|e| panic!("consumer key: {e}"));
    let tenant = tenant::render_tenant(c_id, &tnp, &keys, &signature, None).unwrap();
    steps::apply_tenant(provider, &tenant, TEST_MANAGER)
        .await
        .unwrap_or_else(|e| panic!("Tenant: {e}"));
    let tenant = steps::await_tenant_status(provider, &tnp, c_id, WAIT)
        .await
        .unwrap_or_else(|e| panic!("Tenant status: {e}"));
    let status = tenant.status.unwrap();
    let identity = identity::render_controlplane_identity(
        p_id,
        &tnc,
        status.tenant_namespace.as_deref().unwrap(),
        status.auth_params.unwrap(),
    );
    steps::apply_identity(consumer, &identity, TEST_MANAGER)
        .await
        .unwrap_or_else(|e| panic!("Identity: {e}"));
    steps::await_identity_status(consumer, &tnc, &identity.name_any(), WAIT)
        .await
        .unwrap_or_else(|e| panic!("Identity status: {e}"));
    (tnc, tnp)
}

/// Waits (by watch) until `done` holds for `name`; returns it. Panics with the last state.
pub async fn until<K>(api: &Api<K>, name: &str, what: &str, done: impl Fn(&K) -> bool) -> K
where
    K: Resource + Clone + DeserializeOwned + Serialize + Debug + Send + Sync + 'static,
{
    let describe = |o: Option<&K>| {
        o.map_or("absent".into(), |o| {
            serde_json::to_string(o).unwrap_or_default()
        })
    };
    liqo_kube::wait::object(
        api.clone(),
        name,
        what,
        WAIT,
        |o| o.is_some_and(&done),
        describe,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .expect("the wait ends on a present object")
}

/// Server-side applies `object` (JSON) as the test.
pub async fn apply_json<K>(api: &Api<K>, name: &str, object: serde_json::Value) -> K
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    api.patch(
        name,
        &PatchParams::apply(TEST_MANAGER).force(),
        &Patch::Apply(&object),
    )
    .await
    .unwrap_or_else(|e| panic!("apply {name}: {e}"))
}

/// Copies the provider's answer (the replica's status) onto the consumer's slice, as the CRD
/// replicator does.
pub async fn copy_status_back(origin: &Api<ResourceSlice>, replica: &ResourceSlice) {
    let body = serde_json::json!({
        "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
        "status": replica.status,
    });
    origin
        .patch_status(
            &replica.name_any(),
            &PatchParams::apply(TEST_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap_or_else(|e| panic!("copy the status of {}: {e}", replica.name_any()));
}
