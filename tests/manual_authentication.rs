//! The out-of-band authentication procedure of docs/authentication.md: each administrator runs
//! liqoctl on their own cluster only, and the two exchange a nonce and two manifests.

#[path = "common/auth_state.rs"]
mod auth_state;
mod common;
#[path = "common/installs.rs"]
mod installs;

use std::process::Command;
use std::sync::LazyLock;

use common::{kubeconfig, liqoctl, stderr, stdout};
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::core::v1::Secret;
use kube::api::PostParams;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::Identity;
use liqo_testenv::{Binaries, Env};

static ENV: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(
        &[
            ("oob-consumer", "oob-consumer-id"),
            ("oob-provider", "oob-provider-id"),
        ],
        &[],
    )
});

/// `kubectl apply -f -` with `manifest` on `cluster`, as an administrator would.
fn kubectl_apply(cluster: &str, manifest: &str) {
    use std::io::Write;
    let kubectl = Binaries::locate(&Binaries::default_dir()).unwrap().kubectl;
    let mut child = Command::new(kubectl)
        .arg(kubeconfig(ENV.cluster(cluster).kubeconfig()))
        .args(["apply", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .output_piped();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifest.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "kubectl apply failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

trait OutputPiped {
    fn output_piped(&mut self) -> std::process::Child;
}

impl OutputPiped for Command {
    fn output_piped(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}

#[tokio::test]
async fn the_manual_procedure_reaches_the_same_end_state_as_authenticate() {
    let (p, c) = (
        kubeconfig(ENV.cluster("oob-provider").kubeconfig()),
        kubeconfig(ENV.cluster("oob-consumer").kubeconfig()),
    );

    // 0. Provider: what `create nonce` would apply, applying nothing.
    let out = liqoctl(&[
        &p,
        "create",
        "nonce",
        "--remote-cluster-id=oob-consumer-id",
        "-o",
        "yaml",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifests = stdout(&out);
    assert!(
        manifests.contains("kind: Namespace") && manifests.contains("kind: Secret"),
        "{manifests}"
    );
    assert!(
        manifests.contains("name: liqo-tenant-oob-consumer-id")
            && manifests.contains("liqo.io/nonce")
    );
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> =
        Api::all(ENV.cluster("oob-provider").client());
    assert!(
        namespaces
            .get_opt("liqo-tenant-oob-consumer-id")
            .await
            .unwrap()
            .is_none(),
        "-o applies nothing"
    );

    // 1. Provider: a nonce for the consumer.
    let out = liqoctl(&[&p, "create", "nonce", "--remote-cluster-id=oob-consumer-id"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("INFO: Nonce generated successfully"));
    let out = liqoctl(&[&p, "get", "nonce", "--remote-cluster-id=oob-consumer-id"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nonce = stdout(&out);
    assert_eq!(nonce.len(), 88, "printed without a newline");

    // 2. Consumer: the Tenant, signed by its nonce signer.
    let out = liqoctl(&[
        &c,
        "generate",
        "tenant",
        "--remote-cluster-id=oob-provider-id",
        &format!("--nonce={nonce}"),
        "--remote-tenant-namespace=liqo-tenant-oob-consumer-id",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tenant_yaml = stdout(&out);
    assert!(tenant_yaml.contains("kind: Tenant") && !tenant_yaml.contains("PRIVATE KEY"));

    // 3. Provider: apply it; the Identity comes back.
    kubectl_apply("oob-provider", &tenant_yaml);
    let tenants: Api<liqo_api::authentication::Tenant> = Api::namespaced(
        ENV.cluster("oob-provider").client(),
        "liqo-tenant-oob-consumer-id",
    );
    let authenticated = |t: Option<&liqo_api::authentication::Tenant>| {
        t.and_then(|t| t.status.as_ref()?.auth_params.as_ref())
            .is_some()
    };
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        kube::runtime::wait::await_condition(tenants, "oob-consumer-id", authenticated),
    )
    .await
    .expect("the tenant controller authenticates the Tenant")
    .unwrap();
    let out = liqoctl(&[
        &p,
        "generate",
        "identity",
        "--remote-cluster-id=oob-consumer-id",
        "--remote-tenant-namespace=liqo-tenant-oob-provider-id",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let identity_yaml = stdout(&out);
    assert!(
        identity_yaml.contains("kind: Identity")
            && identity_yaml.contains("controlplane-oob-provider-id")
    );

    // 4. Consumer: apply it; its identity controller writes a kubeconfig that works on the provider.
    kubectl_apply("oob-consumer", &identity_yaml);
    let consumer = ENV.cluster("oob-consumer").client();
    let identities: Api<Identity> =
        Api::namespaced(consumer.clone(), "liqo-tenant-oob-provider-id");
    let filled = |i: Option<&Identity>| {
        i.and_then(|i| i.status.as_ref()?.kubeconfig_secret_ref.as_ref())
            .is_some()
    };
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        kube::runtime::wait::await_condition(identities, "controlplane-oob-provider-id", filled),
    )
    .await
    .expect("the identity controller writes the kubeconfig")
    .unwrap();
    let secret = Api::<Secret>::namespaced(consumer.clone(), "liqo-tenant-oob-provider-id")
        .get("kubeconfig-controlplane-oob-provider-id")
        .await
        .unwrap();
    assert_eq!(secret.labels()["liqo.io/identity-type"], "ControlPlane");
    assert_eq!(
        secret.annotations()["liqo.io/remote-tenant-namespace"],
        "liqo-tenant-oob-consumer-id"
    );
    let text = String::from_utf8(secret.data.unwrap()["kubeconfig"].0.clone()).unwrap();
    let as_consumer = common::client_from_kubeconfig(&text).await;
    assert_same_end_state_as_authenticate(&consumer, &as_consumer).await;
}

/// What `tests/authenticate.rs` checks after `liqoctl authenticate`: the identity is user
/// `oob-consumer-id` in group `liqo.io` with exactly the spec's RBAC, and each side has a
/// ForeignCluster for the other with the role the handshake gives it.
async fn assert_same_end_state_as_authenticate(consumer: &Client, as_consumer: &Client) {
    let provider = ENV.cluster("oob-provider").client();
    let review: SelfSubjectReview = serde_json::from_value(serde_json::json!({})).unwrap();
    let me = Api::<SelfSubjectReview>::all(as_consumer.clone())
        .create(&PostParams::default(), &review)
        .await
        .expect("the identity reaches the provider");
    let user = me.status.unwrap().user_info.unwrap();
    assert_eq!(user.username.as_deref(), Some("oob-consumer-id"));
    assert!(user.groups.unwrap().contains(&"liqo.io".to_string()));

    let tenant_ns = "liqo-tenant-oob-consumer-id";
    auth_state::assert_consumer_rbac(&provider, as_consumer, tenant_ns).await;
    auth_state::assert_foreign_clusters(
        (consumer, "oob-consumer-id"),
        (&provider, "oob-provider-id"),
        tenant_ns,
    )
    .await;
}
