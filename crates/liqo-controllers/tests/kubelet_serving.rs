//! The kubelet-serving CSR approver on one real test cluster, run in-process alone as the
//! controller manager's ServiceAccount with the installation's RBAC (so the `approve` right on
//! the `kubernetes.io/kubelet-serving` signer is proven too). The test plays a virtual kubelet:
//! a VirtualNode in a tenant namespace, its ServiceAccount bound to the virtual kubelets'
//! ClusterRole, and CSRs created with that ServiceAccount's token. Scenarios:
//! - a CSR by an administrator (not a tenant ServiceAccount) is left untouched;
//! - the virtual kubelet's CSR for its Node is approved and kube-controller-manager issues the
//!   certificate;
//! - its CSR for a Node of no VirtualNode is denied with the failed check and a Warning Event;
//! - its CSR naming an address that is not its pod's is denied.

#[path = "common/events.rs"]
mod events;
#[path = "common/in_process.rs"]
mod in_process;
#[path = "common/until.rs"]
mod until;

use std::path::Path;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::certificates::v1::{
    CertificateSigningRequest, CertificateSigningRequestSpec,
};
use k8s_openapi::api::core::v1::{Namespace, Pod, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::PostParams;
use kube::config::{AuthInfo, KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::name;
use liqo_api::offloading::VirtualNode;
use liqo_controllers::context::{Context, Metrics};
use liqo_controllers::offloading::kubelet_serving::{self, REASON_DENIED, SIGNER};
use liqo_kube::install::{self, InstallParams};
use rcgen::{CertificateParams, DnType, KeyPair, SanType};
use serde_json::json;

const CLUSTER: &str = "kubelet-serving";
const LIQO: &str = "liqo";
const TN: &str = "liqo-tenant-ks-provider";
const VN: &str = "ks-provider";
const WAIT: Duration = Duration::from_secs(60);
const USAGES: [&str; 2] = ["digital signature", "server auth"];

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> K {
    until::object(api, name, what, WAIT, done)
        .await
        .unwrap_or_else(|| panic!("{name} is gone"))
}

/// The installation's Liqo namespace, ServiceAccount and RBAC (nothing that runs).
async fn apply_rbac(client: &Client) {
    let params = InstallParams {
        namespace: LIQO.into(),
        cluster_id: CLUSTER.into(),
        pod_cidrs: vec!["10.243.0.0/16".into()],
        service_cidr: "10.96.0.0/12".into(),
        external_cidr: "10.70.0.0/16".into(),
        internal_cidr: "10.80.0.0/16".into(),
        image: install::default_image(env!("CARGO_PKG_VERSION")),
        keys: None,
        api_server_url: None,
        tls_compatibility_mode: false,
    };
    let wanted = [
        "Namespace",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
    ];
    for m in install::render(&params).unwrap() {
        if wanted.contains(&m.resource.kind.as_str()) {
            m.apply(client, "test").await.unwrap();
        }
    }
}

/// A client of the cluster whose credentials `auth` edits (the admin's to start with).
async fn client_with(kubeconfig: &Path, auth: impl FnOnce(&mut AuthInfo)) -> Client {
    let kubeconfig = Kubeconfig::read_from(kubeconfig).unwrap();
    let mut config =
        kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .unwrap();
    auth(&mut config.auth_info);
    Client::try_from(config).unwrap()
}

/// The tenant namespace, the VirtualNode and its virtual kubelet's ServiceAccount, bound as the
/// VirtualNode controller binds it; returns a client with that ServiceAccount's token.
async fn virtual_kubelet(admin: &Client, kubeconfig: &Path) -> Client {
    let binding: ClusterRoleBinding = serde_json::from_value(json!({
        "metadata": {"name": format!("liqo-node-{VN}")},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
            "name": name::VIRTUAL_KUBELET_LOCAL_CLUSTER_ROLE},
        "subjects": [{"kind": "ServiceAccount", "name": VN, "namespace": TN}],
    }))
    .unwrap();
    let pp = PostParams::default();
    Api::<ClusterRoleBinding>::all(admin.clone())
        .create(&pp, &binding)
        .await
        .unwrap();
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": TN}})).unwrap();
    Api::<Namespace>::all(admin.clone())
        .create(&pp, &ns)
        .await
        .unwrap();
    let vn: VirtualNode = serde_json::from_value(json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "VirtualNode",
        "metadata": {"name": VN, "namespace": TN},
        "spec": {"clusterID": VN, "kubeconfigSecretRef": {"name": "kc"}},
    }))
    .unwrap();
    Api::<VirtualNode>::namespaced(admin.clone(), TN)
        .create(&pp, &vn)
        .await
        .unwrap();
    let sas: Api<ServiceAccount> = Api::namespaced(admin.clone(), TN);
    let sa: ServiceAccount = serde_json::from_value(json!({"metadata": {"name": VN}})).unwrap();
    sas.create(&pp, &sa).await.unwrap();
    let request: TokenRequest = serde_json::from_value(json!({"spec": {"audiences": []}})).unwrap();
    let token = sas
        .create_token_request(VN, &pp, &request)
        .await
        .unwrap()
        .status
        .and_then(|s| s.token)
        .expect("a token issued");
    // The token alone: not the admin's client certificate beside it.
    client_with(kubeconfig, |auth| {
        *auth = AuthInfo {
            token: Some(token.into()),
            ..AuthInfo::default()
        }
    })
    .await
}

/// Runs a pod of the project image as the virtual kubelet's ServiceAccount; its IP once it runs.
async fn vk_pod(admin: &Client) -> String {
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "vk", "namespace": TN},
        "spec": {"serviceAccountName": VN, "terminationGracePeriodSeconds": 1,
            "containers": [{"name": "vk", "image": "ghcr.io/liqoctl-rs/liqo:test",
                "command": ["/usr/local/bin/liqo-demo"]}]},
    }))
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(admin.clone(), TN);
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let running = until(&pods, "vk", "the virtual kubelet pod to run", |p| {
        p.and_then(|p| p.status.as_ref()?.pod_ip.as_ref()).is_some()
    })
    .await;
    running.status.unwrap().pod_ip.unwrap()
}

/// Creates CSR `name` for node `node` (CN `system:node:<node>`, O `system:nodes`, IP SAN `ip`).
async fn create_csr(
    client: &Client,
    name: &str,
    node: &str,
    ip: &str,
) -> CertificateSigningRequest {
    let mut params = CertificateParams::default();
    let cn = format!("system:node:{node}");
    params.distinguished_name.push(DnType::CommonName, cn);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "system:nodes");
    params.subject_alt_names = vec![SanType::IpAddress(ip.parse().unwrap())];
    let key = KeyPair::generate().unwrap();
    let pem = params.serialize_request(&key).unwrap().pem().unwrap();
    let mut csr = CertificateSigningRequest {
        spec: CertificateSigningRequestSpec {
            request: ByteString(pem.into_bytes()),
            signer_name: SIGNER.into(),
            usages: Some(USAGES.map(String::from).to_vec()),
            ..Default::default()
        },
        ..Default::default()
    };
    csr.metadata.name = Some(name.into());
    Api::<CertificateSigningRequest>::all(client.clone())
        .create(&PostParams::default(), &csr)
        .await
        .unwrap()
}

/// The (type, reason, message) of each condition.
fn conditions(csr: &CertificateSigningRequest) -> Vec<(String, String, String)> {
    let conditions = csr.status.as_ref().and_then(|s| s.conditions.clone());
    conditions
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let reason = c.reason.unwrap_or_default();
            (c.type_, reason, c.message.unwrap_or_default())
        })
        .collect()
}

/// The subject CN of an issued certificate (PEM).
fn issued_cn(pem: &[u8]) -> String {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem).unwrap();
    let cert = pem.parse_x509().unwrap();
    let cn = cert.subject().iter_common_name().next().unwrap();
    cn.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn virtual_kubelet_serving_csrs_are_approved_or_denied() {
    let (env, admin, _) = in_process::start(CLUSTER, CLUSTER, true).await;
    let kubeconfig = env.cluster(CLUSTER).kubeconfig().to_path_buf();
    apply_rbac(&admin).await;
    let vk = virtual_kubelet(&admin, &kubeconfig).await;
    // The controller runs with the controller manager's rights, not the admin's.
    let manager_user = format!(
        "system:serviceaccount:{LIQO}:{}",
        install::CONTROLLER_MANAGER
    );
    let manager = client_with(&kubeconfig, |auth| auth.impersonate = Some(manager_user)).await;
    let mut registry = prometheus_client::registry::Registry::default();
    let metrics = Metrics::register(&mut registry);
    let ctx = Context::new(
        manager,
        CLUSTER.into(),
        LIQO.into(),
        metrics,
        None,
        Default::default(),
    );
    let csrs: Api<CertificateSigningRequest> = Api::all(admin.clone());

    // The virtual kubelet's pod: a real process running as its ServiceAccount, whose address
    // is the one SAN its CSR may name.
    let vk_ip = vk_pod(&admin).await;

    // --- The admin's CSR first: still untouched once the later ones are decided. ---
    let by_admin = create_csr(&admin, "by-admin", VN, &vk_ip).await;
    tokio::spawn(kubelet_serving::run(ctx));

    // --- The virtual kubelet's CSR for its own Node: approved, then issued. ---
    let valid = create_csr(&vk, "vk-serving", VN, &vk_ip).await;
    let requester = valid.spec.username.clone().unwrap_or_default();
    assert_eq!(requester, format!("system:serviceaccount:{TN}:{VN}"));
    let issued = until(&csrs, "vk-serving", "approved and issued", |c| {
        c.and_then(|c| c.status.as_ref()?.certificate.as_ref())
            .is_some_and(|cert| !cert.0.is_empty())
    })
    .await;
    let approved = conditions(&issued);
    assert!(
        approved
            .iter()
            .any(|(t, r, _)| t == "Approved" && r == "LiqoVirtualKubeletServing"),
        "{approved:?}"
    );
    let certificate = issued.status.unwrap().certificate.unwrap();
    assert_eq!(issued_cn(&certificate.0), format!("system:node:{VN}"));

    // --- A Node of no VirtualNode: denied, naming the check, with a Warning Event. ---
    let stranger = create_csr(&vk, "vk-stranger", "elsewhere", &vk_ip).await;
    let denied = until(&csrs, "vk-stranger", "denied", |c| {
        c.is_some_and(|c| conditions(c).iter().any(|(t, ..)| t == "Denied"))
    })
    .await;
    let expected = format!("CN system:node:elsewhere matches no VirtualNode in {TN}");
    assert_eq!(
        conditions(&denied),
        [("Denied".into(), REASON_DENIED.into(), expected.clone())]
    );
    let uid = stranger.uid().unwrap();
    let note = events::await_event(&admin, "default", &uid, ("Warning", REASON_DENIED), 1, WAIT)
        .await
        .unwrap();
    assert!(note.contains(&expected), "{note}");

    // --- Its own Node, but an address that is not its pod's (the API server's): denied. ---
    create_csr(&vk, "vk-foreign-ip", VN, "10.96.0.1").await;
    let denied = until(&csrs, "vk-foreign-ip", "denied", |c| {
        c.is_some_and(|c| conditions(c).iter().any(|(t, ..)| t == "Denied"))
    })
    .await;
    let why = &conditions(&denied)[0].2;
    assert!(
        why.starts_with(&format!(
            "IP SAN 10.96.0.1 is not an address of a pod of ServiceAccount {TN}/{VN}"
        )),
        "{why}"
    );

    // The admin's CSR was there before all three, and is still undecided.
    let untouched = csrs.get(&by_admin.name_any()).await.unwrap();
    assert_eq!(conditions(&untouched), []);
}
