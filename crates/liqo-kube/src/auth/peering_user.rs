//! Peering users (provider side, authentication.md §9.4): a restricted user a consumer's
//! operator can pass as `--remote-kubeconfig`. Pure rendering.

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use liqo_api::consts::{label, name};
use rcgen::{CertificateParams, DnType, KeyPair};
use ring::rand::{SecureRandom, SystemRandom};

/// `liqo-peer-user-<consumer id>`: the CSR name and the label value on everything of the user.
pub fn user_name(consumer_id: &str) -> String {
    format!("{}{consumer_id}", name::PEERING_USER_PREFIX)
}

/// A fresh Ed25519 key and a CSR for `CN=liqo-peer-user-<id>-<32 hex>, O=liqo.io`:
/// (key PEM, CSR PEM, CN).
///
/// # Errors
/// When the random source or rcgen fail.
pub fn render_csr(consumer_id: &str) -> Result<(String, String, String), String> {
    let mut suffix = [0u8; 16];
    SystemRandom::new()
        .fill(&mut suffix)
        .map_err(|_| "random source failed".to_string())?;
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let common_name = format!("{}-{hex}", user_name(consumer_id));
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).map_err(|e| e.to_string())?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(DnType::OrganizationName, name::LIQO_ORGANIZATION);
    params
        .distinguished_name
        .push(DnType::CommonName, common_name.clone());
    let csr = params
        .serialize_request(&key)
        .and_then(|c| c.pem())
        .map_err(|e| e.to_string())?;
    Ok((key.serialize_pem(), csr, common_name))
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
        let (_, csr, cn) = render_csr("cool-firefly").unwrap();
        assert!(
            cn.starts_with("liqo-peer-user-cool-firefly-")
                && cn.len() == "liqo-peer-user-cool-firefly-".len() + 32
        );
        assert!(csr.contains("CERTIFICATE REQUEST"));
        assert_ne!(render_csr("cool-firefly").unwrap().2, cn);
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
}
