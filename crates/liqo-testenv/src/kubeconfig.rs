//! Kubeconfig files for the admin and the control-plane components.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::pki::KeyCert;

/// Renders a kubeconfig with one cluster, user and context, all named `name`, credentials
/// embedded so the file is self-contained.
pub(crate) fn render(name: &str, server: &str, ca_pem: &str, user: &KeyCert) -> String {
    let b64 = |s: &str| STANDARD.encode(s.as_bytes());
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {name}
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: {name}
  user:
    client-certificate-data: {cert}
    client-key-data: {key}
contexts:
- name: {name}
  context:
    cluster: {name}
    user: {name}
current-context: {name}
",
        ca = b64(ca_pem),
        cert = b64(&user.cert_pem),
        key = b64(&user.key_pem),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_kubeconfig_parses_with_kube() {
        let user = KeyCert {
            cert_pem: "C".into(),
            key_pem: "K".into(),
        };
        let text = render("alpha", "https://127.0.0.1:6443", "CA", &user);
        let parsed = kube::config::Kubeconfig::from_yaml(&text).unwrap();
        assert_eq!(parsed.current_context.as_deref(), Some("alpha"));
        let cluster = parsed.clusters[0].cluster.as_ref().unwrap();
        assert_eq!(cluster.server.as_deref(), Some("https://127.0.0.1:6443"));
    }
}
