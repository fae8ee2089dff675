//! `liqoctl authenticate` between two real clusters with Liqo installed by `liqoctl install`.

#[path = "common/auth_state.rs"]
mod auth_state;
mod common;
#[path = "common/installs.rs"]
mod installs;
#[path = "common/versions.rs"]
mod versions;

use std::io::Write;
use std::sync::LazyLock;

use common::{kubeconfig, liqoctl, remote_kubeconfig, stderr, stdout};
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{ListParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, Tenant};
use liqo_testenv::Env;

/// consumer and provider installed; `bare` has no Liqo.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(
        &[
            ("consumer", "consumer-id"),
            ("provider", "provider-id"),
            ("frozen", "frozen-id"),
        ],
        &["bare"],
    )
});

fn kc(cluster: &str) -> String {
    kubeconfig(ENV.cluster(cluster).kubeconfig())
}

fn remote(cluster: &str) -> String {
    remote_kubeconfig(ENV.cluster(cluster).kubeconfig())
}

const TRANSCRIPT: &str = "INFO: (local) Tenant namespace correctly ensured
INFO: (remote) Tenant namespace correctly ensured
INFO: (remote) Nonce secret ensured
INFO: (remote) Nonce generated successfully
INFO: (remote) Nonce retrieved
INFO: (local) Signed nonce secret ensured
INFO: (local) Nonce is signed
INFO: (local) Signed nonce retrieved
INFO: (local) Tenant correctly generated
INFO: (remote) Tenant correctly applied on provider cluster
INFO: (remote) Tenant status is filled
INFO: (remote) Identity correctly generated
INFO: (local) Identity correctly applied on consumer cluster
INFO: (local) Identity status is filled
";

#[tokio::test]
async fn authenticate_gives_the_consumer_a_working_identity_and_is_idempotent() {
    let (consumer, provider) = (
        ENV.cluster("consumer").client(),
        ENV.cluster("provider").client(),
    );
    let out = liqoctl(&[&kc("consumer"), "authenticate", &remote("provider")]);
    assert!(
        out.status.success(),
        "authenticate failed: {}",
        stderr(&out)
    );
    assert_eq!(stderr(&out), TRANSCRIPT);
    assert!(stdout(&out).is_empty());

    // The kubeconfig Secret works against the provider as the consumer, in its tenant namespace.
    let secret = Api::<Secret>::namespaced(consumer.clone(), "liqo-tenant-provider-id")
        .get("kubeconfig-controlplane-provider-id")
        .await
        .unwrap();
    assert_eq!(secret.labels()["liqo.io/identity-type"], "ControlPlane");
    assert_eq!(
        secret.annotations()["liqo.io/remote-tenant-namespace"],
        "liqo-tenant-consumer-id"
    );
    let text = String::from_utf8(secret.data.unwrap()["kubeconfig"].0.clone()).unwrap();
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::from_yaml(&text).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(config.default_namespace, "liqo-tenant-consumer-id");
    let as_consumer = Client::try_from(config).unwrap();
    let review: SelfSubjectReview = serde_json::from_value(serde_json::json!({})).unwrap();
    let me = Api::<SelfSubjectReview>::all(as_consumer.clone())
        .create(&PostParams::default(), &review)
        .await
        .unwrap();
    assert_eq!(
        me.status.unwrap().user_info.unwrap().username.as_deref(),
        Some("consumer-id")
    );
    let forbidden = Api::<Secret>::default_namespaced(as_consumer)
        .list(&ListParams::default())
        .await;
    assert!(
        matches!(forbidden, Err(kube::Error::Api(ref e)) if e.code == 403),
        "{forbidden:?}"
    );

    // `get kubeconfig` prints the same kubeconfig (secrets only ever go to stdout on request).
    let out = liqoctl(&[
        &kc("consumer"),
        "get",
        "kubeconfig",
        "controlplane-provider-id",
        "--remote-cluster-id=provider-id",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{text}\n"));

    let consumer_client = common::client_from_kubeconfig(&text).await;
    auth_state::assert_consumer_rbac(&provider, &consumer_client, "liqo-tenant-consumer-id").await;
    let fc = auth_state::assert_foreign_clusters(
        (&consumer, "consumer-id"),
        (&provider, "provider-id"),
        "liqo-tenant-consumer-id",
    )
    .await;
    assert_eq!(
        fc.status.unwrap().api_server_url.as_deref(),
        Some(ENV.cluster("provider").server())
    );

    // Running it again changes nothing and asks for no new certificate.
    // Every object of both clusters keeps its resourceVersion.
    let before = (
        versions::versions(&consumer).await,
        versions::versions(&provider).await,
    );
    let csrs = Api::<CertificateSigningRequest>::all(provider.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .len();
    let out = liqoctl(&[&kc("consumer"), "auth", &remote("provider")]);
    assert!(
        out.status.success(),
        "second authenticate failed: {}",
        stderr(&out)
    );
    let mut changes = versions::changes(&before.0, &versions::versions(&consumer).await);
    changes.extend(versions::changes(
        &before.1,
        &versions::versions(&provider).await,
    ));
    assert!(
        changes.is_empty(),
        "a re-run wrote:\n{}",
        changes.join("\n")
    );
    let after = Api::<CertificateSigningRequest>::all(provider.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(after, csrs, "no new certificate on a re-run");

    // unauthenticate removes what authenticate made, and waits for the Tenant's finalizer.
    let out = liqoctl(&[&kc("consumer"), "unauthenticate", &remote("provider")]);
    assert!(
        out.status.success(),
        "unauthenticate failed: {}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out),
        "INFO: (local) Checking for leftover ResourceSlices\n\
         INFO: (local) No leftover resourceslices on consumer cluster\n\
         INFO: (local) Deleting identity control plane\n\
         INFO: (local) Identity control plane correctly deleted\n\
         INFO: (remote) Deleting tenant\n\
         INFO: (remote) Tenant correctly deleted\n"
    );
    let identities = Api::<Identity>::namespaced(consumer.clone(), "liqo-tenant-provider-id");
    assert!(
        identities
            .get_opt("controlplane-provider-id")
            .await
            .unwrap()
            .is_none()
    );
    let tenants = Api::<Tenant>::namespaced(provider.clone(), "liqo-tenant-consumer-id");
    assert!(
        tenants.get_opt("consumer-id").await.unwrap().is_none(),
        "--wait waited for the finalizer"
    );
    let crbs = Api::<k8s_openapi::api::rbac::v1::ClusterRoleBinding>::all(provider.clone());
    assert!(
        crbs.get_opt("liqo-binding-liqo-virtual-kubelet-remote-clusterwide-consumer-id")
            .await
            .unwrap()
            .is_none()
    );
    let out = liqoctl(&[&kc("consumer"), "unauth", &remote("provider")]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("INFO: (local) Identity control plane already deleted")
            && stderr(&out).contains("INFO: (remote) Tenant already deleted"),
        "{}",
        stderr(&out)
    );

    // A later authentication starts from a fresh nonce and works again.
    let out = liqoctl(&[&kc("consumer"), "authenticate", &remote("provider")]);
    assert!(
        out.status.success(),
        "re-authenticate failed: {}",
        stderr(&out)
    );

    // Renewal reaches the consumer: the provider re-issues (forced here by a certificate it
    // cannot parse), mirrors it into the consumer's Renew, and the consumer's local renewer
    // adopts it into the Identity, whose kubeconfig then carries the new certificate.
    let renews: Api<liqo_api::authentication::Renew> =
        Api::namespaced(provider.clone(), "liqo-tenant-consumer-id");
    let mirrored = |r: Option<&liqo_api::authentication::Renew>| {
        r.and_then(|r| r.status.as_ref()?.auth_params.as_ref())
            .is_some()
    };
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        await_condition(renews, "controlplane-provider-id", mirrored),
    )
    .await
    .expect("the consumer's Renew exists in the provider with the current certificate")
    .unwrap();
    let secrets: Api<Secret> = Api::namespaced(consumer.clone(), "liqo-tenant-provider-id");
    let old_kubeconfig = secrets
        .get("kubeconfig-controlplane-provider-id")
        .await
        .unwrap()
        .data
        .unwrap()["kubeconfig"]
        .0
        .clone();
    let garbage = serde_json::json!({"status": {"authParams": {"signedCRT": "Z2FyYmFnZQ=="}}});
    Api::<Tenant>::namespaced(provider.clone(), "liqo-tenant-consumer-id")
        .patch_status(
            "consumer-id",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&garbage),
        )
        .await
        .unwrap();
    let renewed = |s: Option<&Secret>| {
        s.and_then(|s| s.data.as_ref()?.get("kubeconfig"))
            .is_some_and(|k| k.0 != old_kubeconfig && !k.0.is_empty())
    };
    let secret = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        await_condition(secrets, "kubeconfig-controlplane-provider-id", renewed),
    )
    .await
    .expect("the renewed certificate reaches the consumer's kubeconfig")
    .unwrap()
    .unwrap();
    let text = String::from_utf8(secret.data.unwrap()["kubeconfig"].0.clone()).unwrap();
    let renewed_client = common::client_from_kubeconfig(&text).await;
    assert!(
        common::can(
            &renewed_client,
            "create",
            "authentication.liqo.io",
            "resourceslices",
            "liqo-tenant-consumer-id"
        )
        .await
    );

    // No key, token, certificate or kubeconfig in any controller log.
    for cluster in ["consumer", "provider"] {
        let pods_dir = ENV.cluster(cluster).dir().join("pods");
        for pod in std::fs::read_dir(&pods_dir).unwrap().flatten() {
            for file in std::fs::read_dir(pod.path())
                .unwrap()
                .flatten()
                .filter(|f| f.path().extension().is_some_and(|e| e == "log"))
            {
                let log = std::fs::read_to_string(file.path()).unwrap();
                for secret in [
                    "PRIVATE KEY",
                    "BEGIN CERTIFICATE",
                    "client-key-data",
                    "token:",
                ] {
                    assert!(
                        !log.contains(secret),
                        "{secret} in {}",
                        file.path().display()
                    );
                }
                assert!(!log.is_empty(), "{} is empty", file.path().display());
            }
        }
    }
}

#[tokio::test]
async fn bad_input_fails_clearly_and_creates_nothing() {
    let bare = ENV.cluster("bare").client();
    let malformed = tempfile_with("malformed", "this: is: not: a kubeconfig");
    // The consumer again, through another address: only the cluster IDs can tell.
    let consumer_text = std::fs::read_to_string(ENV.cluster("consumer").kubeconfig()).unwrap();
    let alias = tempfile_with(
        "alias",
        &consumer_text.replace("https://127.0.0.1:", "https://localhost:"),
    );
    let unreachable = tempfile_with(
        "unreachable",
        &consumer_text.replace(ENV.cluster("consumer").server(), "https://127.0.0.1:1"),
    );
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![kc("consumer"), "authenticate".into(), remote("consumer")],
            "local and remote clusters must be different",
        ),
        (
            vec![kc("consumer"), "authenticate".into(), remote("bare")],
            "Liqo is not installed in the remote cluster",
        ),
        (
            vec![kc("bare"), "authenticate".into(), remote("provider")],
            "Liqo is not installed in the local cluster",
        ),
        (
            vec![kc("consumer"), "authenticate".into()],
            "--remote-kubeconfig",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                remote("provider"),
                "--remote-context=nope".into(),
            ],
            "nope",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                format!("--remote-kubeconfig={}", malformed.display()),
            ],
            "is not a kubeconfig: invalid YAML",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                remote("provider"),
                "--timeout=0s".into(),
            ],
            "greater than zero",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                remote("provider"),
                "--in-band".into(),
            ],
            "no IP found, make sure the Liqo Networking module is enabled and working",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                format!("--remote-kubeconfig={}", alias.display()),
            ],
            "both have cluster ID \"consumer-id\"",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                format!("--remote-kubeconfig={}", unreachable.display()),
            ],
            "cannot reach the remote cluster at https://127.0.0.1:1",
        ),
        (
            vec![
                kc("consumer"),
                "authenticate".into(),
                remote("provider"),
                "--timeout=-3s".into(),
            ],
            "it must be positive",
        ),
    ];
    // Every case runs; the failures are reported together.
    let mut failures = Vec::new();
    for (args, message) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = liqoctl(&args);
        let err = stderr(&out);
        // One failure line, naming the cause.
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("ERRO: ")).collect();
        if out.status.code() != Some(1) && out.status.code() != Some(2) {
            failures.push(format!(
                "{args:?}: exit {:?}, not 1 or 2",
                out.status.code()
            ));
        }
        let named = match errors.as_slice() {
            [line] => line.contains(message),
            // clap's usage errors (exit 2) have their own format.
            [] => out.status.code() == Some(2) && err.contains(message),
            _ => false,
        };
        if !named {
            failures.push(format!(
                "{args:?}: expected one ERRO line with {message:?} in:\n{err}"
            ));
        }
        assert!(!err.contains("PRIVATE KEY"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let tenant_namespaces = Api::<Namespace>::all(bare)
        .list(&ListParams::default().labels("liqo.io/tenant-namespace"))
        .await
        .unwrap();
    assert!(
        tenant_namespaces.items.is_empty(),
        "nothing created on refused input"
    );
}

/// A file of this test run, removed when dropped (also when the test fails).
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn display(&self) -> std::path::Display<'_> {
        self.0.display()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn tempfile_with(name: &str, text: &str) -> TempFile {
    let path = std::env::temp_dir().join(format!("liqoctl-{name}-{}.yaml", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    TempFile(path)
}

#[tokio::test]
async fn a_timeout_names_the_awaited_condition_and_the_last_state() {
    // A provider whose control plane is stopped never generates the nonce.
    let frozen = ENV.cluster("frozen").client();
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> = Api::namespaced(frozen, "liqo");
    let scale = serde_json::json!({"spec": {"replicas": 0}});
    deployments
        .patch(
            "liqo-controller-manager",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&scale),
        )
        .await
        .unwrap();
    // Scaling is asynchronous: wait (by watch) until the controller manager's pod is gone, or
    // a still-running nonce creator could answer within the 3 s.
    let pods: Api<k8s_openapi::api::core::v1::Pod> =
        Api::namespaced(ENV.cluster("frozen").client(), "liqo");
    liqo_kube::wait::list(
        pods,
        "app.kubernetes.io/name=controller-manager",
        "the frozen controller manager's pod to be gone",
        std::time::Duration::from_secs(60),
        |pods| Ok(pods.is_empty()),
        |pods| {
            pods.iter()
                .map(ResourceExt::name_any)
                .collect::<Vec<_>>()
                .join(", ")
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let out = liqoctl(&[
        &kc("consumer"),
        "authenticate",
        &remote("frozen"),
        "--timeout=3s",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.lines().any(|l| l == "ERRO: (remote) Failed waiting for nonce to be generated: timed out after 3s waiting for the nonce creator to fill Secret liqo-tenant-consumer-id/liqo-nonce; last state: Secret present, data.nonce still empty"),
        "{err}"
    );
}
