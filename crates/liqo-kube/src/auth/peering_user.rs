//! Peering users (provider side, authentication.md §9.4): a restricted user a consumer's
//! operator can pass as `--remote-kubeconfig`. Pure rendering.

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use liqo_api::consts::{label, name};
use ring::rand::{SecureRandom, SystemRandom};

use super::csr;
use crate::crypto::{self, ClusterKey, CryptoError};

/// `liqo-peer-user-<consumer id>`: the CSR name and the label value on everything of the user.
pub fn user_name(consumer_id: &str) -> String {
    format!("{}{consumer_id}", name::PEERING_USER_PREFIX)
}

/// The key type of a peering user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// Ed25519 (upstream's default).
    Ed25519,
    /// RSA-2048 (`--tls-compatibility-mode`, for API servers or clients without Ed25519).
    Rsa2048,
}

/// A fresh key and a CSR for `CN=liqo-peer-user-<id>-<32 hex>, O=liqo.io`, encoded as
/// upstream's: (key PEM, CSR PEM, CN).
///
/// # Errors
/// When the random source fails or the key cannot be made.
pub fn render_csr(
    consumer_id: &str,
    key_type: KeyType,
) -> Result<(String, String, String), CryptoError> {
    let mut suffix = [0u8; 16];
    SystemRandom::new()
        .fill(&mut suffix)
        .map_err(|_| CryptoError::Random)?;
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let common_name = format!("{}-{hex}", user_name(consumer_id));
    let key_pem = match key_type {
        KeyType::Ed25519 => rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
            .map_err(|_| CryptoError::Key("generated Ed25519"))?
            .serialize_pem(),
        KeyType::Rsa2048 => crypto::generate_rsa_2048()?,
    };
    let key = ClusterKey::from_pem(&key_pem)?;
    let subject = csr::Subject {
        organization: name::LIQO_ORGANIZATION.into(),
        common_name: common_name.clone(),
    };
    let csr = csr::render_pem(&key, &subject)?;
    Ok((key_pem, csr, common_name))
}

/// The two RoleBindings of a peering user: read the Liqo namespace, write its tenant namespace.
pub fn render_bindings(
    consumer_id: &str,
    common_name: &str,
    liqo_ns: &str,
    tenant_ns: &str,
    liqo_role: &str,
    tenant_role: &str,
) -> [RoleBinding; 2] {
    let user = user_name(consumer_id);
    let binding = |name: String, namespace: &str, kind: &str, role: &str| RoleBinding {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.into()),
            labels: Some(BTreeMap::from([(
                label::PEERING_USER_NAME.to_string(),
                user.clone(),
            )])),
            ..Default::default()
        },
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: kind.into(),
            name: role.into(),
        },
        subjects: Some(vec![Subject {
            kind: "User".into(),
            name: common_name.into(),
            api_group: Some("rbac.authorization.k8s.io".into()),
            ..Default::default()
        }]),
    };
    [
        binding(format!("{user}-liqo-ns-reader"), liqo_ns, "Role", liqo_role),
        binding(
            format!("{user}-tenant-ns-writer"),
            tenant_ns,
            "ClusterRole",
            tenant_role,
        ),
    ]
}

/// The peering user's kubeconfig: cluster `<consumer id>`, user `<consumer id>-user`, context
/// `default-context` defaulting to the tenant namespace.
pub fn render_kubeconfig(
    consumer_id: &str,
    server: &str,
    ca_pem: &str,
    cert_pem: &[u8],
    key_pem: &str,
    tenant_ns: &str,
) -> String {
    crate::kubeconfig::render(&crate::kubeconfig::KubeconfigParts {
        cluster: consumer_id,
        server,
        ca_pem: ca_pem.as_bytes(),
        proxy_url: None,
        user: &format!("{consumer_id}-user"),
        cert_pem,
        key_pem: key_pem.as_bytes(),
        namespace: Some(tenant_ns),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peering_users_get_random_common_names_and_named_bindings() {
        let (_, csr, cn) = render_csr("cool-firefly", KeyType::Ed25519).unwrap();
        assert!(
            cn.starts_with("liqo-peer-user-cool-firefly-")
                && cn.len() == "liqo-peer-user-cool-firefly-".len() + 32
        );
        let parsed = rcgen::CertificateSigningRequestParams::from_pem(&csr).unwrap();
        let dn = &parsed.params.distinguished_name;
        assert_eq!(
            dn.get(&rcgen::DnType::CommonName),
            Some(&rcgen::DnValue::PrintableString(
                cn.as_str().try_into().unwrap()
            ))
        );
        assert_ne!(render_csr("cool-firefly", KeyType::Ed25519).unwrap().2, cn);
        let [reader, writer] = render_bindings(
            "cool-firefly",
            &cn,
            "liqo",
            "liqo-tenant-cool-firefly",
            "r",
            "c",
        );
        assert_eq!(
            reader.metadata.name.as_deref(),
            Some("liqo-peer-user-cool-firefly-liqo-ns-reader")
        );
        assert_eq!(writer.role_ref.kind, "ClusterRole");
        let text = render_kubeconfig(
            "cool-firefly",
            "https://x:6443",
            "CA",
            b"CRT",
            "KEY",
            "liqo-tenant-cool-firefly",
        );
        let parsed = kube::config::Kubeconfig::from_yaml(&text).unwrap();
        assert_eq!(parsed.auth_infos[0].name, "cool-firefly-user");
    }

    #[test]
    fn rsa_peering_users_get_an_rsa_2048_key_and_a_matching_csr() {
        let (key, csr, _) = render_csr("cool-firefly", KeyType::Rsa2048).unwrap();
        let der = crypto::pem_decode(&key, "PRIVATE KEY").unwrap();
        let rsa = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
        assert_eq!(rsa.public().modulus_len() * 8, 2048);
        let parsed = rcgen::CertificateSigningRequestParams::from_pem(&csr).unwrap();
        let public = crypto::public_key_pem(&key).unwrap();
        let raw = crypto::public_key_raw(public.as_bytes()).unwrap();
        use rcgen::PublicKeyData;
        assert_eq!(parsed.public_key.der_bytes(), raw.as_slice());
    }
}
