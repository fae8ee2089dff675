//! The handshake steps the CLI drives on each cluster: server-side apply of the exchanged
//! objects and watch-based waits for the controllers' answers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, Tenant};
use liqo_api::consts::{label, name};

use crate::wait::{self, WaitError};

/// A failed step.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// An API call failed.
    #[error("failed to {0}")]
    Api(String, #[source] kube::Error),
    /// A controller did not answer in time.
    #[error(transparent)]
    Wait(#[from] WaitError),
    /// The cluster key is missing.
    #[error("Secret {0}/{1} has no privateKey: reinstall Liqo with `liqoctl install`")]
    MissingKey(String, &'static str),
}

fn secret(
    name: &str,
    namespace: &str,
    labels: [(&str, &str); 2],
    data: Option<(&str, &[u8])>,
) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        },
        data: data
            .map(|(k, v)| BTreeMap::from([(k.to_string(), k8s_openapi::ByteString(v.to_vec()))])),
        ..Default::default()
    }
}

async fn apply<K>(api: Api<K>, object: &K, field_manager: &str, what: &str) -> Result<K, StepError>
where
    K: kube::Resource + Clone + serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    api.patch(
        &object.name_any(),
        &PatchParams::apply(field_manager),
        &Patch::Apply(object),
    )
    .await
    .map_err(|e| StepError::Api(format!("apply {what}"), e))
}

/// Server-side apply of `object`, and whether it was created by it (it was absent just
/// before). Two concurrent runs may both see it absent and both say so: the journal of each
/// then lists it, which errs on the side of telling.
///
/// # Errors
/// [`StepError::Api`] naming `what`.
pub async fn apply_created<K>(
    api: Api<K>,
    object: &K,
    field_manager: &str,
    what: &str,
) -> Result<(K, bool), StepError>
where
    K: kube::Resource + Clone + serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let existed = api
        .get_opt(&object.name_any())
        .await
        .map_err(|e| StepError::Api(format!("read {what}"), e))?
        .is_some();
    let applied = apply(api, object, field_manager, what).await?;
    Ok((applied, !existed))
}

/// Watches `name` until `done` holds, as [`wait::object`] does, after one read: when that
/// read already satisfies `done` no watch starts, and when the time runs out before the watch
/// has listed anything (a very short timeout) the last state is what the read saw, not
/// "absent" for an object this run has just written.
///
/// # Errors
/// [`StepError::Api`] when the read fails; [`StepError::Wait`] with the last state seen.
pub async fn await_object<K>(
    api: Api<K>,
    name: &str,
    what: &str,
    timeout: Duration,
    done: impl Fn(Option<&K>) -> bool,
    describe: impl Fn(Option<&K>) -> String,
) -> Result<Option<K>, StepError>
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    let read = api
        .get_opt(name)
        .await
        .map_err(|e| StepError::Api(format!("read {} {name}", K::kind(&())), e))?;
    if done(read.as_ref()) {
        return Ok(read);
    }
    // wait::object asks `done` only once its watch has listed the object.
    let listed = AtomicBool::new(false);
    let watched = |o: Option<&K>| {
        listed.store(true, Ordering::Relaxed);
        done(o)
    };
    let last = |o: Option<&K>| {
        if listed.load(Ordering::Relaxed) {
            describe(o)
        } else {
            describe(read.as_ref())
        }
    };
    Ok(wait::object(api, name, what, timeout, watched, last).await?)
}

fn data(secret: Option<&Secret>, key: &str) -> Option<Vec<u8>> {
    secret?
        .data
        .as_ref()?
        .get(key)
        .map(|v| v.0.clone())
        .filter(|v| !v.is_empty())
}

/// The empty nonce Secret for `consumer_id` in its tenant namespace (pure).
pub fn render_nonce_secret(namespace: &str, consumer_id: &str) -> Secret {
    let mut object = secret(
        name::NONCE_SECRET,
        namespace,
        [
            (label::NONCE, label::TRUE),
            (label::REMOTE_CLUSTER_ID, consumer_id),
        ],
        None,
    );
    object.metadata.namespace = Some(namespace.into());
    object
}

/// Provider: the empty nonce Secret for `consumer_id` the nonce creator fills; whether this
/// call created it.
///
/// # Errors
/// [`StepError::Api`].
pub async fn ensure_nonce_secret(
    client: &Client,
    namespace: &str,
    consumer_id: &str,
    field_manager: &str,
) -> Result<bool, StepError> {
    let object = render_nonce_secret(namespace, consumer_id);
    let api = Api::namespaced(client.clone(), namespace);
    let (_, created) = apply_created(api, &object, field_manager, "the nonce Secret").await?;
    Ok(created)
}

/// Provider: waits for the nonce creator and returns the nonce.
///
/// # Errors
/// [`StepError::Wait`] naming the Secret.
pub async fn await_nonce(
    client: &Client,
    namespace: &str,
    timeout: Duration,
) -> Result<Vec<u8>, StepError> {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let what = format!(
        "the nonce creator to fill Secret {namespace}/{}",
        name::NONCE_SECRET
    );
    let describe = |s: Option<&Secret>| match s {
        Some(_) => "Secret present, data.nonce still empty".into(),
        None => "Secret absent".into(),
    };
    let done = |s: Option<&Secret>| data(s, name::NONCE_KEY).is_some();
    let secret = await_object(api, name::NONCE_SECRET, &what, timeout, done, describe).await?;
    Ok(data(secret.as_ref(), name::NONCE_KEY).unwrap_or_default())
}

/// Consumer: the signed-nonce Secret holding the provider's nonce, for the nonce signer;
/// whether this call created it.
///
/// # Errors
/// [`StepError::Api`].
pub async fn ensure_signed_nonce_secret(
    client: &Client,
    namespace: &str,
    provider_id: &str,
    nonce: &[u8],
    field_manager: &str,
) -> Result<bool, StepError> {
    let labels = [
        (label::SIGNED_NONCE, label::TRUE),
        (label::REMOTE_CLUSTER_ID, provider_id),
    ];
    let object = secret(
        name::SIGNED_NONCE_SECRET,
        namespace,
        labels,
        Some((name::NONCE_KEY, nonce)),
    );
    let api = Api::namespaced(client.clone(), namespace);
    let (_, created) =
        apply_created(api, &object, field_manager, "the signed-nonce Secret").await?;
    Ok(created)
}

/// Consumer: waits until the nonce signer has signed exactly `nonce`; returns the signature.
///
/// # Errors
/// [`StepError::Wait`] naming the Secret.
pub async fn await_signature(
    client: &Client,
    namespace: &str,
    nonce: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, StepError> {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let what = format!(
        "the nonce signer to fill Secret {namespace}/{}",
        name::SIGNED_NONCE_SECRET
    );
    let done = |s: Option<&Secret>| {
        data(s, name::NONCE_KEY).as_deref() == Some(nonce)
            && data(s, name::SIGNED_NONCE_KEY).is_some()
    };
    let describe = |s: Option<&Secret>| match s {
        None => "Secret absent".into(),
        Some(s) if data(Some(s), name::NONCE_KEY).as_deref() != Some(nonce) => {
            "Secret present, data.nonce not the provider's nonce yet".into()
        }
        Some(_) => "Secret present, data.signedNonce still empty".into(),
    };
    let secret = await_object(
        api,
        name::SIGNED_NONCE_SECRET,
        &what,
        timeout,
        done,
        describe,
    )
    .await?;
    Ok(data(secret.as_ref(), name::SIGNED_NONCE_KEY).unwrap_or_default())
}

/// Consumer: this cluster's key pair, read from `authentication-keys`: `privateKey`, and
/// `publicKey` when present (upstream sends the stored public key; see
/// [`crate::crypto::ClusterKeys::public_key_pem`]). Never printed.
///
/// # Errors
/// [`StepError`] when the Secret or the private key is missing.
pub async fn read_private_key(
    client: &Client,
    liqo_namespace: &str,
) -> Result<crate::crypto::ClusterKeys, StepError> {
    let api: Api<Secret> = Api::namespaced(client.clone(), liqo_namespace);
    let secret = api
        .get_opt(name::AUTHENTICATION_KEYS_SECRET)
        .await
        .map_err(|e| StepError::Api("read the cluster key".into(), e))?;
    let key = data(secret.as_ref(), name::PRIVATE_KEY_KEY).ok_or_else(|| {
        StepError::MissingKey(liqo_namespace.into(), name::AUTHENTICATION_KEYS_SECRET)
    })?;
    let public = data(secret.as_ref(), name::PUBLIC_KEY_KEY);
    Ok(crate::crypto::ClusterKeys {
        private_pem: String::from_utf8_lossy(&key).into_owned(),
        public_pem: public.map(|k| String::from_utf8_lossy(&k).into_owned()),
    })
}

/// Provider: applies the Tenant, forcing ownership of its fields: upstream's CLI writes the
/// whole Tenant with create-or-update (manager `liqoctl`, operation Update), and the CLI is the
/// Tenant's author either way, so a field last written by another client is taken over rather
/// than refused with a 409 conflict.
///
/// # Errors
/// [`StepError::Api`].
pub async fn apply_tenant(
    client: &Client,
    tenant: &Tenant,
    field_manager: &str,
) -> Result<(), StepError> {
    let api: Api<Tenant> = Api::namespaced(client.clone(), &tenant.namespace().unwrap_or_default());
    api.patch(
        &tenant.name_any(),
        &PatchParams::apply(field_manager).force(),
        &Patch::Apply(tenant),
    )
    .await
    .map_err(|e| StepError::Api("apply the Tenant".into(), e))?;
    Ok(())
}

/// Provider: waits for the tenant controller to fill the Tenant status with a certificate for
/// the key in the Tenant's spec (a status left from an earlier key is not an answer).
///
/// # Errors
/// [`StepError::Wait`] naming the empty status fields and the latest Event about the Tenant
/// (the tenant controller explains refusals there, e.g. `InvalidCSR`, `AuthParamsFailed`).
pub async fn await_tenant_status(
    client: &Client,
    namespace: &str,
    tenant: &str,
    timeout: Duration,
) -> Result<Tenant, StepError> {
    let api: Api<Tenant> = Api::namespaced(client.clone(), namespace);
    // The status must answer the current spec: a re-run that adds or changes the proxy URL
    // (`--in-band` over an earlier direct run) would otherwise read the previous run's status
    // and hand the Identity the old path.
    let proxy_current = |t: &Tenant| {
        let forged = t.status.as_ref().and_then(|s| s.auth_params.as_ref());
        forged.is_some_and(|p| p.proxy_url == t.spec.proxy_url)
    };
    let done = |t: Option<&Tenant>| {
        t.is_some_and(|t| {
            t.status
                .as_ref()
                .is_some_and(|s| s.tenant_namespace.is_some())
                && crate::auth::tenant::status_certifies_spec_key(t)
                && proxy_current(t)
        })
    };
    let describe = |t: Option<&Tenant>| match t {
        None => "Tenant absent".into(),
        Some(t) => match &t.status {
            None => "status empty".into(),
            Some(s) if s.auth_params.is_none() => {
                "status.authParams empty (certificate not issued yet)".into()
            }
            Some(s) if s.tenant_namespace.is_none() => "status.tenantNamespace empty".into(),
            Some(_) if !proxy_current(t) => {
                "status.authParams.proxyURL differs from spec.proxyURL (not re-forged yet)".into()
            }
            Some(_) => {
                "status.authParams.signedCRT does not certify spec.publicKey (not re-issued yet)"
                    .into()
            }
        },
    };
    let what = format!("the tenant controller to fill Tenant {namespace}/{tenant}");
    match wait::object(api, tenant, &what, timeout, done, describe).await {
        Ok(found) => Ok(found.expect("invariant: the wait ends on a present Tenant")),
        // The controller explains refusals in Events: the latest one says why.
        Err(e) => Err(e
            .with_last_event(client, namespace, "Tenant", tenant)
            .await
            .into()),
    }
}

/// Consumer: applies the Identity; whether this call created it.
///
/// # Errors
/// [`StepError::Api`].
pub async fn apply_identity(
    client: &Client,
    identity: &Identity,
    field_manager: &str,
) -> Result<bool, StepError> {
    let api: Api<Identity> =
        Api::namespaced(client.clone(), &identity.namespace().unwrap_or_default());
    let (_, created) = apply_created(api, identity, field_manager, "the Identity").await?;
    Ok(created)
}

/// Consumer: waits for the identity controller to write the kubeconfig Secret.
///
/// # Errors
/// [`StepError::Wait`].
pub async fn await_identity_status(
    client: &Client,
    namespace: &str,
    identity: &str,
    timeout: Duration,
) -> Result<(), StepError> {
    let api: Api<Identity> = Api::namespaced(client.clone(), namespace);
    let done = |i: Option<&Identity>| {
        i.and_then(|i| i.status.as_ref()?.kubeconfig_secret_ref.as_ref())
            .is_some()
    };
    let describe = |i: Option<&Identity>| match i {
        Some(_) => "Identity present, status.kubeconfigSecretRef empty".to_string(),
        None => "Identity absent".to_string(),
    };
    let what = format!(
        "the identity controller to write the kubeconfig of Identity {namespace}/{identity}"
    );
    await_object(api, identity, &what, timeout, done, describe).await?;
    Ok(())
}
