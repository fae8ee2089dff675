//! Tenants: what the consumer sends (public key, control-plane CSR, nonce signature) and the
//! provider's checks of it. Pure.

use k8s_openapi::ByteString;
use kube::api::ObjectMeta;
use liqo_api::authentication::{AuthzPolicy, Tenant, TenantCondition, TenantSpec};
use liqo_api::consts::{label, name};
use rcgen::{
    CertificateParams, CertificateSigningRequestParams, DnType, DnValue, KeyPair, PublicKeyData,
};

use crate::crypto::{self, CryptoError};

/// Why a Tenant is refused or cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HandshakeError {
    /// The signature does not verify against the nonce with the Tenant's key.
    #[error("signature verification failed for Tenant {0:?}")]
    Signature(String),
    /// The key cannot be used.
    #[error("invalid key: {0}")]
    Key(CryptoError),
    /// The CSR is malformed or does not match the Tenant.
    #[error("invalid CSR: {0}")]
    Csr(String),
}

/// The CSR of the consumer's control-plane identity: `O=liqo.io, CN=<consumer id>`, signed
/// with the cluster key (deterministic for Ed25519, so re-sending hits the provider's cache).
///
/// # Errors
/// [`HandshakeError::Key`] when the key cannot sign a CSR.
pub fn render_controlplane_csr(
    consumer_id: &str,
    private_key_pem: &str,
) -> Result<String, HandshakeError> {
    let key = KeyPair::from_pem(private_key_pem)
        .map_err(|_| HandshakeError::Key(CryptoError::Key("private")))?;
    let mut params = CertificateParams::new(Vec::<String>::new())
        .map_err(|e| HandshakeError::Csr(e.to_string()))?;
    // Go's pkix.Name order: O before CN.
    params
        .distinguished_name
        .push(DnType::OrganizationName, name::LIQO_ORGANIZATION);
    params
        .distinguished_name
        .push(DnType::CommonName, consumer_id);
    let csr = params
        .serialize_request(&key)
        .map_err(|e| HandshakeError::Csr(e.to_string()))?;
    csr.pem().map_err(|e| HandshakeError::Csr(e.to_string()))
}

/// The Tenant the consumer `consumer_id` applies in the provider's tenant namespace:
/// `signature` is the provider's nonce signed with the cluster key (by the nonce signer).
///
/// # Errors
/// [`HandshakeError::Key`] when the cluster key is unusable.
pub fn render_tenant(
    consumer_id: &str,
    tenant_namespace: &str,
    private_key_pem: &str,
    signature: &[u8],
    proxy_url: Option<&str>,
) -> Result<Tenant, HandshakeError> {
    let public_key = crypto::public_key_pem(private_key_pem).map_err(HandshakeError::Key)?;
    let csr = render_controlplane_csr(consumer_id, private_key_pem)?;
    let mut tenant = Tenant::new(
        consumer_id,
        TenantSpec {
            cluster_id: Some(consumer_id.into()),
            authz_policy: Some(AuthzPolicy::KeysExchange),
            public_key: Some(ByteString(public_key.into_bytes())),
            csr: Some(ByteString(csr.into_bytes())),
            signature: Some(ByteString(signature.to_vec())),
            proxy_url: proxy_url.filter(|u| !u.is_empty()).map(Into::into),
            tenant_condition: Some(TenantCondition::Active),
        },
    );
    tenant.metadata = ObjectMeta {
        name: Some(consumer_id.into()),
        namespace: Some(tenant_namespace.into()),
        labels: Some(
            [(
                label::REMOTE_CLUSTER_ID.to_string(),
                consumer_id.to_string(),
            )]
            .into(),
        ),
        ..Default::default()
    };
    Ok(tenant)
}

/// The provider's check of a Tenant against the nonce it issued: the signature over the nonce
/// verifies with the Tenant's key, and the CSR names the consumer and carries that same key.
///
/// # Errors
/// [`HandshakeError`] saying which part failed.
pub fn verify_tenant(tenant: &Tenant, nonce: &[u8]) -> Result<(), HandshakeError> {
    let name = tenant.metadata.name.clone().unwrap_or_default();
    let spec = &tenant.spec;
    let public_key = spec
        .public_key
        .as_ref()
        .map(|k| k.0.as_slice())
        .unwrap_or_default();
    let signature = spec
        .signature
        .as_ref()
        .map(|s| s.0.as_slice())
        .unwrap_or_default();
    match crypto::verify(public_key, nonce, signature) {
        Ok(()) => {}
        Err(CryptoError::BadSignature) => return Err(HandshakeError::Signature(name)),
        Err(e) => return Err(HandshakeError::Key(e)),
    }
    let csr = spec
        .csr
        .as_ref()
        .map(|c| String::from_utf8_lossy(&c.0).into_owned())
        .unwrap_or_default();
    let consumer = spec.cluster_id.clone().unwrap_or_default();
    check_controlplane_csr(&csr, &consumer, public_key)
}

/// The control-plane CSR checks (authentication.md §5.3).
///
/// # Errors
/// [`HandshakeError::Csr`] naming the mismatch.
pub fn check_controlplane_csr(
    csr_pem: &str,
    consumer_id: &str,
    tenant_public_key: &[u8],
) -> Result<(), HandshakeError> {
    let bad = |why: &str| Err(HandshakeError::Csr(why.into()));
    let end = "-----END CERTIFICATE REQUEST-----";
    match csr_pem.find(end) {
        Some(at) if csr_pem[at + end.len()..].trim().is_empty() => {}
        Some(_) => return bad("trailing data after the PEM block"),
        None => return bad("not a PEM CERTIFICATE REQUEST"),
    }
    let parsed = CertificateSigningRequestParams::from_pem(csr_pem)
        .map_err(|e| HandshakeError::Csr(e.to_string()))?;
    let dn = &parsed.params.distinguished_name;
    if dn_text(dn.get(&DnType::CommonName)).as_deref() != Some(consumer_id) {
        return bad(&format!(
            "common name is not the consumer cluster ID {consumer_id:?}"
        ));
    }
    if dn_text(dn.get(&DnType::OrganizationName)).as_deref() != Some(name::LIQO_ORGANIZATION) {
        return bad(&format!(
            "organization is not {:?}",
            name::LIQO_ORGANIZATION
        ));
    }
    let tenant_key = crypto::public_key_raw(tenant_public_key).map_err(HandshakeError::Key)?;
    if parsed.public_key.der_bytes() != tenant_key.as_slice() {
        return bad("the CSR key is not the Tenant's public key");
    }
    Ok(())
}

fn dn_text(value: Option<&DnValue>) -> Option<String> {
    match value? {
        DnValue::Utf8String(s) => Some(s.clone()),
        DnValue::PrintableString(s) => Some(s.as_str().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        KeyPair::generate_for(&rcgen::PKCS_ED25519)
            .unwrap()
            .serialize_pem()
    }

    #[test]
    fn a_tenant_built_by_the_consumer_passes_the_providers_checks() {
        let key = key();
        let nonce = crypto::generate_nonce().unwrap();
        let signature = crypto::sign(&key, nonce.as_bytes()).unwrap();
        let tenant = render_tenant(
            "cool-firefly",
            "liqo-tenant-cool-firefly",
            &key,
            &signature,
            None,
        )
        .unwrap();
        assert_eq!(tenant.metadata.name.as_deref(), Some("cool-firefly"));
        verify_tenant(&tenant, nonce.as_bytes()).unwrap();
        // Deterministic: the same inputs give the same CSR (the provider caches certificates on it).
        let again = render_tenant("cool-firefly", "ns", &key, &signature, None).unwrap();
        assert_eq!(tenant.spec.csr, again.spec.csr);
    }

    #[test]
    fn wrong_key_other_nonce_and_foreign_csr_are_refused() {
        let (key, other) = (key(), key());
        let nonce = crypto::generate_nonce().unwrap();
        let signature = crypto::sign(&key, nonce.as_bytes()).unwrap();
        let tenant = render_tenant("cool-firefly", "ns", &key, &signature, None).unwrap();
        assert_eq!(
            verify_tenant(&tenant, b"another nonce"),
            Err(HandshakeError::Signature("cool-firefly".into()))
        );

        let mut forged = tenant.clone();
        forged.spec.signature = Some(ByteString(crypto::sign(&other, nonce.as_bytes()).unwrap()));
        assert!(matches!(
            verify_tenant(&forged, nonce.as_bytes()),
            Err(HandshakeError::Signature(_))
        ));

        let mut stolen_csr = tenant.clone();
        let csr = render_controlplane_csr("cool-firefly", &other).unwrap();
        stolen_csr.spec.csr = Some(ByteString(csr.into_bytes()));
        let err = verify_tenant(&stolen_csr, nonce.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("not the Tenant's public key"),
            "{err}"
        );

        let mut renamed = tenant;
        renamed.spec.csr = Some(ByteString(
            render_controlplane_csr("someone-else", &key)
                .unwrap()
                .into_bytes(),
        ));
        let err = verify_tenant(&renamed, nonce.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("common name"), "{err}");
    }
}
