//! ResourceSlice CSRs (authentication.md §5.3): made by the consumer with its cluster key,
//! checked by the provider against the consumer's Tenant. Pure.

use liqo_api::authentication::{AuthzPolicy, Tenant};

use super::csr;
use super::tenant::{HandshakeError, ReceivedCsr};
use crate::crypto::ClusterKey;

/// The CSR of slice `resource_slice` of consumer `consumer_id`: `O=<consumer id>`,
/// `CN=<slice>-<first 12 hex of sha256(consumer id)>`, signed with the cluster key,
/// byte-identical to upstream's.
///
/// # Errors
/// [`HandshakeError::Key`] when the key cannot sign a CSR.
pub fn render_csr(
    resource_slice: &str,
    consumer_id: &str,
    private_key_pem: &str,
) -> Result<String, HandshakeError> {
    let key = ClusterKey::from_pem(private_key_pem).map_err(HandshakeError::Key)?;
    csr::render_pem(
        &key,
        &csr::resource_slice_subject(resource_slice, consumer_id),
    )
    .map_err(HandshakeError::Key)
}

/// The provider's check of a slice's CSR: one PEM block, self-signature valid, subject as
/// [`csr::resource_slice_subject`], and (unless the Tenant tolerates no handshake, whose
/// key nobody exchanged) the key of the Tenant.
///
/// # Errors
/// [`HandshakeError::Csr`] naming the mismatch, [`HandshakeError::Key`] for an unusable Tenant key.
pub fn check_csr(
    csr_pem: &[u8],
    resource_slice: &str,
    consumer_id: &str,
    tenant: &Tenant,
) -> Result<(), HandshakeError> {
    let bad = |why: String| Err(HandshakeError::Csr(why));
    let received = ReceivedCsr::parse(&String::from_utf8_lossy(csr_pem))?;
    let expected = csr::resource_slice_subject(resource_slice, consumer_id);
    if received.common_name.as_deref() != Some(expected.common_name.as_str()) {
        return bad(format!("common name is not {:?}", expected.common_name));
    }
    if received.organization.as_deref() != Some(consumer_id) {
        return bad(format!(
            "organization is not the consumer cluster ID {consumer_id:?}"
        ));
    }
    if tenant.spec.authz_policy.unwrap_or_default() == AuthzPolicy::TolerateNoHandshake {
        return Ok(());
    }
    let key = tenant
        .spec
        .public_key
        .as_ref()
        .map(|k| k.0.as_slice())
        .unwrap_or_default();
    received.check_key(key)
}

#[cfg(test)]
mod tests {
    use k8s_openapi::ByteString;
    use liqo_api::authentication::TenantSpec;

    use super::*;
    use crate::crypto;

    fn key() -> String {
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
            .unwrap()
            .serialize_pem()
    }

    fn tenant(private_pem: &str, policy: AuthzPolicy) -> Tenant {
        let public = crypto::public_key_pem(private_pem).unwrap();
        Tenant::new(
            "cool-firefly",
            TenantSpec {
                cluster_id: Some("cool-firefly".into()),
                authz_policy: Some(policy),
                public_key: Some(ByteString(public.into_bytes())),
                ..Default::default()
            },
        )
    }

    #[test]
    fn a_consumers_csr_passes_and_is_deterministic() {
        let key = key();
        let csr = render_csr("damp-feather", "cool-firefly", &key).unwrap();
        let t = tenant(&key, AuthzPolicy::KeysExchange);
        check_csr(csr.as_bytes(), "damp-feather", "cool-firefly", &t).unwrap();
        assert_eq!(
            csr,
            render_csr("damp-feather", "cool-firefly", &key).unwrap()
        );
    }

    #[test]
    fn other_key_subject_slice_or_garbage_are_refused() {
        let (key, other) = (key(), key());
        let t = tenant(&key, AuthzPolicy::KeysExchange);
        let foreign = render_csr("damp-feather", "cool-firefly", &other).unwrap();
        let err = check_csr(foreign.as_bytes(), "damp-feather", "cool-firefly", &t).unwrap_err();
        assert!(
            err.to_string().contains("not the Tenant's public key"),
            "{err}"
        );
        // Without a handshake only the subject is checked.
        let tolerant = tenant(&key, AuthzPolicy::TolerateNoHandshake);
        check_csr(
            foreign.as_bytes(),
            "damp-feather",
            "cool-firefly",
            &tolerant,
        )
        .unwrap();

        let renamed = render_csr("other-slice", "cool-firefly", &key).unwrap();
        let err = check_csr(renamed.as_bytes(), "damp-feather", "cool-firefly", &t).unwrap_err();
        assert!(err.to_string().contains("common name"), "{err}");
        let other_consumer = render_csr("damp-feather", "someone-else", &key).unwrap();
        assert!(
            check_csr(
                other_consumer.as_bytes(),
                "damp-feather",
                "cool-firefly",
                &t
            )
            .is_err()
        );

        assert!(check_csr(b"garbage", "damp-feather", "cool-firefly", &t).is_err());
        let trailing = format!(
            "{}junk",
            render_csr("damp-feather", "cool-firefly", &key).unwrap()
        );
        assert!(check_csr(trailing.as_bytes(), "damp-feather", "cool-firefly", &t).is_err());
    }
}
