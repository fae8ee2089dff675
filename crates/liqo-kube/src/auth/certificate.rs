//! Client certificates for consumers, issued by the provider's Kubernetes CA through the CSR
//! API and cached per CSR in the tenant namespace.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::certificates::v1::{
    CertificateSigningRequest, CertificateSigningRequestSpec,
};
use k8s_openapi::api::core::v1::Secret;
use kube::api::{ObjectMeta, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{label, name};
use serde_json::json;

use crate::wait::{self, WaitError};

/// How long the signer may take (upstream waits 30 s too).
pub const SIGNING_TIMEOUT: Duration = Duration::from_secs(30);

/// Why no certificate was issued.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// The cached CSR differs from the one presented and the caller did not vouch for the new
    /// one ([`Reuse::Strict`]).
    #[error("the stored and the provided CSR do not match")]
    CsrMismatch,
    /// An API call failed.
    #[error("failed to {0}")]
    Api(&'static str, #[source] kube::Error),
    /// The signer did not issue in time.
    #[error(transparent)]
    Wait(#[from] WaitError),
}

/// How [`ensure`] uses the certificate cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// The cached certificate of exactly this CSR; a cache of another CSR is an error
    /// (upstream's rule for every caller).
    Strict,
    /// As `Strict`, but a cache of another CSR is replaced by a certificate for this one: the
    /// caller has verified this CSR against the requester's current key (the same consumer
    /// sending other CSR bytes, e.g. after switching between this CLI and upstream's, which
    /// upstream refuses forever).
    ReplaceStale,
    /// Always a new certificate (renewal).
    Renew,
}

/// Where [`ensure`]'s certificate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issued {
    /// The cache, for this exact CSR.
    Cached,
    /// Newly issued: no usable cache, or a renewal.
    New,
    /// Newly issued in place of a cached certificate of another CSR ([`Reuse::ReplaceStale`]).
    ReplacedStale,
}

/// The certificate for `csr_pem`, from the cache Secret `cache_name` in `namespace` or newly
/// issued (CSR created, approved as the controller, signed by the cluster's signer), as
/// `reuse` says.
///
/// # Errors
/// [`CertificateError`] naming the failed step.
pub async fn ensure(
    client: &Client,
    namespace: &str,
    cache_name: &str,
    consumer_id: &str,
    csr_pem: &[u8],
    field_manager: &str,
    reuse: Reuse,
) -> Result<(Vec<u8>, Issued), CertificateError> {
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let cached = secrets
        .get_opt(cache_name)
        .await
        .map_err(|e| CertificateError::Api("read the certificate cache", e))?;
    let mut issued = Issued::New;
    // A renewal skips the cache: the same CSR gets a fresh certificate.
    if let Some(data) = cached
        .and_then(|s| s.data)
        .filter(|_| reuse != Reuse::Renew)
    {
        match (
            data.get(name::CERTIFICATE_CACHE_CSR_KEY),
            data.get(name::CERTIFICATE_CACHE_CERTIFICATE_KEY),
        ) {
            (Some(csr), Some(cert)) if csr.0 == csr_pem && !cert.0.is_empty() => {
                return Ok((cert.0.clone(), Issued::Cached));
            }
            (Some(csr), Some(_)) if csr.0 != csr_pem => match reuse {
                Reuse::ReplaceStale => issued = Issued::ReplacedStale,
                _ => return Err(CertificateError::CsrMismatch),
            },
            _ => {}
        }
    }
    let certificate = issue(client, csr_pem).await?;
    store(
        &secrets,
        cache_name,
        consumer_id,
        csr_pem,
        &certificate,
        field_manager,
    )
    .await?;
    Ok((certificate, issued))
}

/// Writes the cache Secret: the CSR and the certificate issued for it.
async fn store(
    secrets: &Api<Secret>,
    cache_name: &str,
    consumer_id: &str,
    csr_pem: &[u8],
    certificate: &[u8],
    field_manager: &str,
) -> Result<(), CertificateError> {
    let cache = Secret {
        metadata: ObjectMeta {
            name: Some(cache_name.into()),
            labels: Some(BTreeMap::from([(
                label::REMOTE_CLUSTER_ID.to_string(),
                consumer_id.to_string(),
            )])),
            ..Default::default()
        },
        data: Some(BTreeMap::from([
            (
                name::CERTIFICATE_CACHE_CSR_KEY.to_string(),
                ByteString(csr_pem.to_vec()),
            ),
            (
                name::CERTIFICATE_CACHE_CERTIFICATE_KEY.to_string(),
                ByteString(certificate.to_vec()),
            ),
        ])),
        ..Default::default()
    };
    secrets
        .patch(
            cache_name,
            &PatchParams::apply(field_manager).force(),
            &Patch::Apply(&cache),
        )
        .await
        .map_err(|e| CertificateError::Api("store the certificate cache", e))?;
    Ok(())
}

async fn issue(client: &Client, csr_pem: &[u8]) -> Result<Vec<u8>, CertificateError> {
    let metadata = ObjectMeta {
        generate_name: Some(name::CSR_GENERATE_NAME.into()),
        labels: Some(BTreeMap::from([(
            label::REMOTE_TENANT_CSR.to_string(),
            label::TRUE.to_string(),
        )])),
        ..Default::default()
    };
    issue_with(
        client,
        csr_pem,
        metadata,
        "This CSR was approved by Liqo Identity Manager",
    )
    .await
}

/// Submits `csr_pem` as a client-certificate CSR with `metadata`, approves it with `message`
/// and waits for the cluster's signer.
///
/// # Errors
/// [`CertificateError`] naming the failed step (409 when a CSR of that name exists).
pub async fn issue_with(
    client: &Client,
    csr_pem: &[u8],
    metadata: ObjectMeta,
    message: &str,
) -> Result<Vec<u8>, CertificateError> {
    let csrs: Api<CertificateSigningRequest> = Api::all(client.clone());
    let request = CertificateSigningRequest {
        metadata,
        spec: CertificateSigningRequestSpec {
            request: ByteString(csr_pem.to_vec()),
            signer_name: name::CSR_SIGNER.into(),
            usages: Some(
                ["digital signature", "key encipherment", "client auth"]
                    .map(String::from)
                    .to_vec(),
            ),
            ..Default::default()
        },
        status: None,
    };
    let created = csrs
        .create(&PostParams::default(), &request)
        .await
        .map_err(|e| CertificateError::Api("create the CSR", e))?;
    let csr_name = created.name_any();
    let approval = json!({"status": {"conditions": [{
        "type": "Approved", "status": "True", "reason": "IdentityManagerApproval",
        "message": message,
    }]}});
    csrs.patch_approval(&csr_name, &PatchParams::default(), &Patch::Merge(&approval))
        .await
        .map_err(|e| CertificateError::Api("approve the CSR", e))?;
    let issued = |c: Option<&CertificateSigningRequest>| {
        c.and_then(|c| c.status.as_ref()?.certificate.as_ref())
            .is_some_and(|c| !c.0.is_empty())
    };
    let describe = |c: Option<&CertificateSigningRequest>| match c
        .and_then(|c| c.status.as_ref()?.conditions.clone())
    {
        Some(cs) => cs
            .iter()
            .map(|c| format!("{}={}", c.type_, c.status))
            .collect::<Vec<_>>()
            .join(", "),
        None => "no conditions".into(),
    };
    let what = format!("CSR {csr_name} to be signed");
    let signed = wait::object(csrs, &csr_name, &what, SIGNING_TIMEOUT, issued, describe).await?;
    Ok(signed
        .and_then(|c| c.status?.certificate)
        .map(|c| c.0)
        .unwrap_or_default())
}
