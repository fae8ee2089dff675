//! What the matrix's cases point at: kubeconfig files (broken on purpose), a powerless token,
//! squatted namespaces.

use std::path::PathBuf;
use std::time::Duration;

use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, ServiceAccount};
use kube::api::PostParams;
use kube::runtime::wait::await_condition;
use kube::{Api, Client};

use super::ENV;

/// `--kubeconfig=<cluster's kubeconfig>`.
pub fn kc(cluster: &str) -> String {
    crate::common::kubeconfig(ENV.cluster(cluster).kubeconfig())
}

/// `--remote-kubeconfig=<cluster's kubeconfig>`.
pub fn rkc(cluster: &str) -> String {
    crate::common::remote_kubeconfig(ENV.cluster(cluster).kubeconfig())
}

/// The cluster's kubeconfig path.
pub fn path(cluster: &str) -> String {
    ENV.cluster(cluster).kubeconfig().display().to_string()
}

/// The cluster's API server URL, as liqoctl prints it.
pub fn server(cluster: &str) -> String {
    ENV.cluster(cluster)
        .server()
        .trim_end_matches('/')
        .to_string()
}

/// `--<name>=<value>`.
pub fn flag(name: &str, value: &str) -> String {
    format!("--{name}={value}")
}

/// The kubeconfig files of the cases.
pub struct Fixtures {
    pub missing: String,
    pub dir: String,
    pub empty: String,
    pub not_yaml: String,
    pub configmap: String,
    pub closed: String,
    pub other_ca: String,
    pub foreign_cert: String,
    pub bad_token: String,
    pub nobody: String,
    pub alias: String,
}

impl Fixtures {
    /// Writes every file under `f`; `nobody_token` authenticates on alpha with no rights.
    pub fn write(f: &Files, nobody_token: &str) -> Self {
        let alpha = kubeconfig_text("alpha");
        let beta = kubeconfig_text("beta");
        let alpha_ca = field(&alpha, "certificate-authority-data");
        let missing = f.path("missing.yaml");
        let dir = f.dir.display().to_string();
        let empty = f.write("empty.yaml", "\n");
        let not_yaml = f.write("not-yaml.yaml", "this: is: not: a kubeconfig");
        let configmap = f.write(
            "configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        );
        let closed = f.write(
            "closed.yaml",
            &alpha.replace(&field(&alpha, "server"), "https://127.0.0.1:1"),
        );
        let other_ca = f.write(
            "other-ca.yaml",
            &alpha.replace(&alpha_ca, &field(&beta, "certificate-authority-data")),
        );
        // beta's admin certificate, which alpha's CA did not sign.
        let foreign_cert = f.write(
            "foreign-cert.yaml",
            &alpha
                .replace(
                    &field(&alpha, "client-certificate-data"),
                    &field(&beta, "client-certificate-data"),
                )
                .replace(
                    &field(&alpha, "client-key-data"),
                    &field(&beta, "client-key-data"),
                ),
        );
        let bad_token = f.write(
            "bad-token.yaml",
            &token_kubeconfig(&server("alpha"), &alpha_ca, "stranger", "not-a-token"),
        );
        let nobody = f.write(
            "nobody.yaml",
            &token_kubeconfig(&server("alpha"), &alpha_ca, "nobody", nobody_token),
        );
        // alpha again, through another address: only the cluster IDs can tell.
        let alias = f.write(
            "alias.yaml",
            &alpha.replace("https://127.0.0.1:", "https://localhost:"),
        );
        Self {
            missing,
            dir,
            empty,
            not_yaml,
            configmap,
            closed,
            other_ca,
            foreign_cert,
            bad_token,
            nobody,
            alias,
        }
    }
}

/// The files the cases point at, in a directory removed at the end.
pub struct Files {
    pub dir: PathBuf,
}

impl Files {
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        std::fs::write(self.dir.join(name), text).expect("fixture written");
        self.path(name)
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn kubeconfig_text(cluster: &str) -> String {
    std::fs::read_to_string(ENV.cluster(cluster).kubeconfig()).expect("kubeconfig readable")
}

/// The value of `key: value` in a testenv kubeconfig (one cluster, one user).
fn field(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("{key} in kubeconfig"))
        .to_string()
}

/// A token kubeconfig for `server` trusting `ca_data`.
fn token_kubeconfig(server: &str, ca_data: &str, user: &str, token: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: {server}
    certificate-authority-data: {ca_data}
users:
- name: {user}
  user:
    token: {token}
contexts:
- name: c
  context:
    cluster: c
    user: {user}
current-context: c
"
    )
}

/// A ServiceAccount on alpha bound to no role: its token authenticates and may do nothing.
pub async fn powerless_token(client: &Client) -> String {
    let sa: ServiceAccount = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "nobody", "namespace": "default"}
    }))
    .expect("service account");
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), "default");
    match api.create(&PostParams::default(), &sa).await {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 409 => {}
        Err(e) => panic!("creating ServiceAccount nobody: {e}"),
    }
    let request: TokenRequest = serde_json::from_value(serde_json::json!({
        "spec": {"audiences": [], "expirationSeconds": 3600}
    }))
    .expect("token request");
    api.create_token_request("nobody", &PostParams::default(), &request)
        .await
        .expect("token issued")
        .status
        .expect("token status")
        .token
        .expect("token")
}

/// A namespace with the tenant namespace's name, created before the snapshots.
pub async fn squat(client: &Client, name: &str, labels: serde_json::Value) {
    let ns: Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": name, "labels": labels}}))
            .expect("namespace");
    match Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
    {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 409 => {}
        Err(e) => panic!("creating namespace {name}: {e}"),
    }
    // Kubernetes fills a new namespace with its CA ConfigMap and default ServiceAccount: wait
    // for both, or they would show up as a change made by the next case.
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), name);
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), name);
    let filled = async {
        await_condition(cms, "kube-root-ca.crt", |o: Option<&ConfigMap>| o.is_some()).await?;
        await_condition(sas, "default", |o: Option<&ServiceAccount>| o.is_some()).await
    };
    tokio::time::timeout(Duration::from_secs(60), filled)
        .await
        .expect("namespace filled within 60s")
        .expect("watching the namespace");
}
