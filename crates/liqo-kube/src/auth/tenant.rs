//! Tenants: what the consumer sends (public key, control-plane CSR, nonce signature) and the
//! provider's checks of it. Pure.

use k8s_openapi::ByteString;
use kube::api::ObjectMeta;
use liqo_api::authentication::{AuthzPolicy, Tenant, TenantCondition, TenantSpec};
use liqo_api::consts::{label, name};
use rcgen::{CertificateSigningRequestParams, DnType, DnValue, PublicKeyData};

use super::csr;
use crate::crypto::{self, ClusterKey, ClusterKeys, CryptoError};

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
/// with the cluster key, byte-identical to upstream's (deterministic for Ed25519 and RSA
/// PKCS#1 v1.5, so re-sending hits the provider's cache whichever CLI sent it first).
///
/// # Errors
/// [`HandshakeError::Key`] when the key cannot sign a CSR.
pub fn render_controlplane_csr(
    consumer_id: &str,
    private_key_pem: &str,
) -> Result<String, HandshakeError> {
    let key = ClusterKey::from_pem(private_key_pem).map_err(HandshakeError::Key)?;
    csr::render_pem(&key, &csr::controlplane_subject(consumer_id)).map_err(HandshakeError::Key)
}

/// The Tenant the consumer `consumer_id` applies in the provider's tenant namespace:
/// `signature` is the provider's nonce signed with the cluster key (by the nonce signer); the
/// public key is the one `authentication-keys` stores (see [`ClusterKeys::public_key_pem`]).
///
/// # Errors
/// [`HandshakeError::Key`] when the cluster key pair is unusable.
pub fn render_tenant(
    consumer_id: &str,
    tenant_namespace: &str,
    keys: &ClusterKeys,
    signature: &[u8],
    proxy_url: Option<&str>,
) -> Result<Tenant, HandshakeError> {
    let public_key = keys.public_key_pem().map_err(HandshakeError::Key)?;
    let csr = render_controlplane_csr(consumer_id, &keys.private_pem)?;
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

/// Whether the Tenant's status carries a certificate for the key in its spec: false while the
/// tenant controller has not answered this Tenant yet, e.g. when a re-applied Tenant with a new
/// key still shows the certificate issued for the old one (upstream's CLI takes that stale
/// status and builds an Identity whose key and certificate do not match).
pub fn status_certifies_spec_key(tenant: &Tenant) -> bool {
    let Some(cert) = tenant
        .status
        .as_ref()
        .and_then(|s| s.auth_params.as_ref()?.signed_crt.as_ref())
    else {
        return false;
    };
    let spec_key = tenant
        .spec
        .public_key
        .as_ref()
        .and_then(|k| crypto::public_key_raw(&k.0).ok());
    let Some(spec_key) = spec_key else {
        // A Tenant without a key (TolerateNoHandshake) has nothing to match.
        return true;
    };
    certificate_key(&cert.0).is_some_and(|key| key == spec_key)
}

/// The raw public key bits of the first certificate in a PEM text.
fn certificate_key(pem: &[u8]) -> Option<Vec<u8>> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem).ok()?;
    let cert = pem.parse_x509().ok()?;
    Some(cert.public_key().subject_public_key.data.to_vec())
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
    let csr = ReceivedCsr::parse(csr_pem)?;
    if csr.common_name.as_deref() != Some(consumer_id) {
        return bad(&format!(
            "common name is not the consumer cluster ID {consumer_id:?}"
        ));
    }
    if csr.organization.as_deref() != Some(name::LIQO_ORGANIZATION) {
        return bad(&format!(
            "organization is not {:?}",
            name::LIQO_ORGANIZATION
        ));
    }
    csr.check_key(tenant_public_key)
}

/// A CSR the provider received, past the checks every CSR gets (control-plane and
/// ResourceSlice alike): one PEM block with nothing after it, and a valid self-signature.
/// The caller checks the subject, then (usually) [`ReceivedCsr::check_key`].
pub(super) struct ReceivedCsr {
    pub(super) common_name: Option<String>,
    pub(super) organization: Option<String>,
    /// The requested key, as `SubjectPublicKeyInfo.subjectPublicKey` bytes.
    public_key: Vec<u8>,
}

impl ReceivedCsr {
    /// # Errors
    /// [`HandshakeError::Csr`] naming what is wrong with the PEM or the signature.
    pub(super) fn parse(csr_pem: &str) -> Result<Self, HandshakeError> {
        let bad = |why: &str| Err(HandshakeError::Csr(why.into()));
        let end = "-----END CERTIFICATE REQUEST-----";
        match csr_pem.find(end) {
            Some(at) if csr_pem[at + end.len()..].trim().is_empty() => {}
            Some(_) => return bad("trailing data after the PEM block"),
            None => return bad("not a PEM CERTIFICATE REQUEST"),
        }
        // Parsing also verifies the CSR's self-signature.
        let parsed = CertificateSigningRequestParams::from_pem(csr_pem)
            .map_err(|e| HandshakeError::Csr(e.to_string()))?;
        let dn = &parsed.params.distinguished_name;
        Ok(Self {
            common_name: dn_text(dn.get(&DnType::CommonName)),
            organization: dn_text(dn.get(&DnType::OrganizationName)),
            public_key: parsed.public_key.der_bytes().to_vec(),
        })
    }

    /// # Errors
    /// [`HandshakeError::Key`] for an unusable Tenant key, [`HandshakeError::Csr`] when the CSR
    /// requests another key.
    pub(super) fn check_key(&self, tenant_public_key: &[u8]) -> Result<(), HandshakeError> {
        let tenant_key = crypto::public_key_raw(tenant_public_key).map_err(HandshakeError::Key)?;
        if self.public_key != tenant_key.as_slice() {
            return Err(HandshakeError::Csr(
                "the CSR key is not the Tenant's public key".into(),
            ));
        }
        Ok(())
    }
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
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
            .unwrap()
            .serialize_pem()
    }

    fn keys(private_pem: &str) -> ClusterKeys {
        ClusterKeys {
            private_pem: private_pem.into(),
            public_pem: None,
        }
    }

    #[test]
    fn a_tenant_built_by_the_consumer_passes_the_providers_checks() {
        let key = key();
        let nonce = crypto::generate_nonce().unwrap();
        let signature = crypto::sign(&key, nonce.as_bytes()).unwrap();
        let tenant = render_tenant(
            "cool-firefly",
            "liqo-tenant-cool-firefly",
            &keys(&key),
            &signature,
            None,
        )
        .unwrap();
        assert_eq!(tenant.metadata.name.as_deref(), Some("cool-firefly"));
        verify_tenant(&tenant, nonce.as_bytes()).unwrap();
        // Deterministic: the same inputs give the same CSR (the provider caches certificates on it).
        let again = render_tenant("cool-firefly", "ns", &keys(&key), &signature, None).unwrap();
        assert_eq!(tenant.spec.csr, again.spec.csr);
    }

    #[test]
    fn wrong_key_other_nonce_and_foreign_csr_are_refused() {
        let (key, other) = (key(), key());
        let nonce = crypto::generate_nonce().unwrap();
        let signature = crypto::sign(&key, nonce.as_bytes()).unwrap();
        let tenant = render_tenant("cool-firefly", "ns", &keys(&key), &signature, None).unwrap();
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

    /// A throwaway RSA-2048 key (see crypto.rs).
    const RSA_TEST_KEY: &str = include_str!("../testdata/rsa-test-key.pem");
    const RSA_TEST_PUB: &str = include_str!("../testdata/rsa-test-key.pub.pem");

    #[test]
    fn an_rsa_tenant_carries_the_stored_public_key_and_passes_the_checks() {
        let nonce = crypto::generate_nonce().unwrap();
        let signature = crypto::sign(RSA_TEST_KEY, nonce.as_bytes()).unwrap();
        let keys = ClusterKeys {
            private_pem: RSA_TEST_KEY.into(),
            public_pem: Some(RSA_TEST_PUB.into()),
        };
        let tenant = render_tenant("cool-firefly", "ns", &keys, &signature, None).unwrap();
        assert_eq!(
            tenant.spec.public_key.as_ref().unwrap().0,
            RSA_TEST_PUB.as_bytes()
        );
        verify_tenant(&tenant, nonce.as_bytes()).unwrap();
    }

    /// The CSR this project sent before it matched Go (rcgen: CN first, UTF8String): a
    /// provider still accepts it, since consumers of older releases send it.
    #[test]
    fn the_older_cn_first_utf8_encoding_is_still_accepted() {
        let key = key();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::OrganizationName, name::LIQO_ORGANIZATION);
        params
            .distinguished_name
            .push(DnType::CommonName, "cool-firefly");
        let old = params
            .serialize_request(&rcgen::KeyPair::from_pem(&key).unwrap())
            .unwrap()
            .pem()
            .unwrap();
        assert_ne!(old, render_controlplane_csr("cool-firefly", &key).unwrap());
        let public = crypto::public_key_pem(&key).unwrap();
        check_controlplane_csr(&old, "cool-firefly", public.as_bytes()).unwrap();
    }

    #[test]
    fn a_csr_whose_self_signature_is_broken_is_refused() {
        let key = key();
        let pem = render_controlplane_csr("cool-firefly", &key).unwrap();
        let mut der = crypto::pem_decode(&pem, "CERTIFICATE REQUEST").unwrap();
        let last = der.len() - 1;
        der[last] ^= 1;
        let broken = crypto::pem_encode(&der, "CERTIFICATE REQUEST");
        let public = crypto::public_key_pem(&key).unwrap();
        let err = check_controlplane_csr(&broken, "cool-firefly", public.as_bytes()).unwrap_err();
        assert!(matches!(err, HandshakeError::Csr(_)), "{err}");
    }

    #[test]
    fn a_status_certifies_the_spec_key_only_with_a_certificate_for_that_key() {
        let (key, other) = (key(), key());
        let cert_for = |pem: &str| {
            let params = rcgen::CertificateParams::new(vec!["cool-firefly".to_string()]).unwrap();
            params
                .self_signed(&rcgen::KeyPair::from_pem(pem).unwrap())
                .unwrap()
                .pem()
        };
        let signature = crypto::sign(&key, b"nonce").unwrap();
        let mut tenant =
            render_tenant("cool-firefly", "ns", &keys(&key), &signature, None).unwrap();
        assert!(!status_certifies_spec_key(&tenant), "no status");
        let with_cert = |cert: &[u8]| liqo_api::authentication::TenantStatus {
            auth_params: Some(liqo_api::authentication::AuthParams {
                signed_crt: Some(ByteString(cert.to_vec())),
                ..Default::default()
            }),
            tenant_namespace: Some("ns".into()),
        };
        tenant.status = Some(with_cert(cert_for(&key).as_bytes()));
        assert!(status_certifies_spec_key(&tenant));
        tenant.status = Some(with_cert(cert_for(&other).as_bytes()));
        assert!(
            !status_certifies_spec_key(&tenant),
            "a certificate of the old key"
        );
        tenant.status = Some(with_cert(b"garbage"));
        assert!(!status_certifies_spec_key(&tenant));
    }
}
