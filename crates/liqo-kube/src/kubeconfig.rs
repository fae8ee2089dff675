//! Client-certificate kubeconfigs liqo hands out (identities, peering users). Pure.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use liqo_api::consts::name;

/// What a single-cluster, single-user kubeconfig holds; the context is `default-context`.
#[derive(Debug, Clone, Copy)]
pub struct KubeconfigParts<'a> {
    /// Cluster entry name.
    pub cluster: &'a str,
    /// API server URL.
    pub server: &'a str,
    /// CA bundle, PEM.
    pub ca_pem: &'a [u8],
    /// Optional proxy URL.
    pub proxy_url: Option<&'a str>,
    /// User entry name.
    pub user: &'a str,
    /// Client certificate, PEM.
    pub cert_pem: &'a [u8],
    /// Client key, PEM.
    pub key_pem: &'a [u8],
    /// Default namespace of the context.
    pub namespace: Option<&'a str>,
}

/// The kubeconfig text.
pub fn render(parts: &KubeconfigParts<'_>) -> String {
    let KubeconfigParts {
        cluster,
        server,
        ca_pem,
        proxy_url,
        user,
        cert_pem,
        key_pem,
        namespace,
    } = *parts;
    let proxy = proxy_url
        .map(|p| format!("\n    proxy-url: {p}"))
        .unwrap_or_default();
    let namespace = namespace
        .map(|ns| format!("\n    namespace: {ns}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {cluster}
  cluster:
    server: {server}
    certificate-authority-data: {ca}{proxy}
users:
- name: {user}
  user:
    client-certificate-data: {cert}
    client-key-data: {key}
contexts:
- name: {context}
  context:
    cluster: {cluster}
    user: {user}{namespace}
current-context: {context}
",
        ca = STANDARD.encode(ca_pem),
        cert = STANDARD.encode(cert_pem),
        key = STANDARD.encode(key_pem),
        context = name::KUBECONFIG_CONTEXT,
    )
}
