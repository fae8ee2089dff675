//! Nothing half-made: `authenticate` and `network connect` check both clusters before writing
//! to either, and a failure after writes names what this run created and the commands that
//! undo it (which, run as printed, do undo it).

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/installs.rs"]
mod installs;

use std::sync::LazyLock;

use common::{kubeconfig, liqoctl, remote_kubeconfig, snapshot, stderr};
use converge::{first_error, journal_lines, run_shell, scale_controller_manager, undo_commands};
use k8s_openapi::api::core::v1::{Namespace, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};
use liqo_api::authentication::Identity;
use liqo_api::networking::Configuration;
use liqo_testenv::Env;

/// consumer/provider for the refusals, consumer2/frozen (a provider whose controller manager
/// is stopped) for the failures after writes, badkey/keyprovider for a broken cluster key.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(
        &[
            ("consumer", "consumer-id"),
            ("provider", "provider-id"),
            ("consumer2", "consumer2-id"),
            ("frozen", "frozen-id"),
            ("badkey", "badkey-id"),
            ("keyprovider", "keyprovider-id"),
        ],
        &[],
    )
});

fn kc(cluster: &str) -> String {
    kubeconfig(ENV.cluster(cluster).kubeconfig())
}

fn remote(cluster: &str) -> String {
    remote_kubeconfig(ENV.cluster(cluster).kubeconfig())
}

async fn create_namespace(client: &Client, name: &str, labels: &[(&str, &str)]) {
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        },
        ..Default::default()
    };
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
        .expect("namespace created");
}

async fn set_labels(client: &Client, name: &str, labels: serde_json::Value) {
    Api::<Namespace>::all(client.clone())
        .patch(
            name,
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"metadata": {"labels": labels}})),
        )
        .await
        .expect("namespace labelled");
}

/// Runs `args`, asserts exit 1 and that neither cluster changed; the first error line.
async fn refused(args: &[&str], a: &Client, b: &Client) -> String {
    let before = (snapshot(a).await, snapshot(b).await);
    let out = liqoctl(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    assert_eq!(
        (snapshot(a).await, snapshot(b).await),
        before,
        "{args:?} wrote to a cluster: {}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("left them in place"),
        "{}",
        stderr(&out)
    );
    stderr(&out)
}

#[tokio::test]
async fn foreign_or_duplicate_tenant_namespaces_are_refused_on_both_sides_before_any_write() {
    let (c, p) = (
        ENV.cluster("consumer").client(),
        ENV.cluster("provider").client(),
    );
    // The consumer's tenant name is taken by an unlabelled namespace, the provider's by one
    // labelled for another cluster.
    create_namespace(&c, "liqo-tenant-provider-id", &[]).await;
    create_namespace(
        &p,
        "liqo-tenant-consumer-id",
        &[
            ("liqo.io/remote-cluster-id", "someone-else"),
            ("liqo.io/tenant-namespace", "true"),
        ],
    )
    .await;
    let local_line = "local cluster: namespace liqo-tenant-provider-id exists but is not the tenant namespace of cluster provider-id: label liqo.io/remote-cluster-id is missing (expected \"provider-id\"), label liqo.io/tenant-namespace is missing (expected \"true\")";
    let remote_line = "remote cluster: namespace liqo-tenant-consumer-id exists but is not the tenant namespace of cluster consumer-id: label liqo.io/remote-cluster-id is \"someone-else\" (expected \"consumer-id\")";
    let auth = [kc("consumer"), "authenticate".into(), remote("provider")];
    let connect = [
        kc("consumer"),
        "network".into(),
        "connect".into(),
        remote("provider"),
    ];
    for args in [&auth[..], &connect[..]] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = refused(&args, &c, &p).await;
        assert_eq!(first_error(&err), format!("ERRO: {local_line}"), "{err}");
        assert!(err.contains(remote_line), "both sides are named: {err}");
    }

    // Consumer fixed: the provider's namespace alone is refused, and the consumer is still
    // untouched (upstream would have written there first).
    set_labels(
        &c,
        "liqo-tenant-provider-id",
        serde_json::json!({"liqo.io/remote-cluster-id": "provider-id", "liqo.io/tenant-namespace": "true"}),
    )
    .await;
    let args: Vec<&str> = auth.iter().map(String::as_str).collect();
    let err = refused(&args, &c, &p).await;
    assert_eq!(first_error(&err), format!("ERRO: {remote_line}"), "{err}");

    // Two labelled candidates: both are named.
    set_labels(
        &p,
        "liqo-tenant-consumer-id",
        serde_json::json!({"liqo.io/remote-cluster-id": "consumer-id"}),
    )
    .await;
    create_namespace(
        &p,
        "second-tenant",
        &[
            ("liqo.io/remote-cluster-id", "consumer-id"),
            ("liqo.io/tenant-namespace", "true"),
        ],
    )
    .await;
    for args in [&auth[..], &connect[..]] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = refused(&args, &c, &p).await;
        assert!(
            first_error(&err).starts_with(
                "ERRO: remote cluster: multiple tenant namespaces found for clusterid consumer-id: liqo-tenant-consumer-id, second-tenant"
            ) || first_error(&err).starts_with(
                "ERRO: remote cluster: multiple tenant namespaces found for clusterid consumer-id: second-tenant, liqo-tenant-consumer-id"
            ),
            "{err}"
        );
    }

    // Once the namespaces are right, authenticate adopts them.
    set_labels(
        &p,
        "second-tenant",
        serde_json::json!({"liqo.io/remote-cluster-id": null, "liqo.io/tenant-namespace": null}),
    )
    .await;
    let out = liqoctl(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    Api::<Identity>::namespaced(c, "liqo-tenant-provider-id")
        .get("controlplane-provider-id")
        .await
        .expect("the Identity is in the pre-created namespace");
}

#[tokio::test]
async fn a_failure_after_writes_names_the_step_its_last_state_what_it_created_and_the_undo() {
    let (c, p) = (
        ENV.cluster("consumer2").client(),
        ENV.cluster("frozen").client(),
    );
    // The provider never generates a nonce: every authenticate stops at that wait.
    scale_controller_manager(&p, 0).await;
    let before = (snapshot(&c).await, snapshot(&p).await);

    // 1 ms: the wait ends before its watch lists anything; the last state is what this run
    // saw of the Secret it just wrote, not "absent".
    let auth = |timeout: &str| {
        liqoctl(&[
            &kc("consumer2"),
            "authenticate",
            &remote("frozen"),
            &format!("--timeout={timeout}"),
        ])
    };
    let out = auth("1ms");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let first = first_error(&err);
    assert!(
        first.contains(
            "waiting for the nonce creator to fill Secret liqo-tenant-consumer2-id/liqo-nonce; last state: Secret present, data.nonce still empty"
        ),
        "{err}"
    );
    assert!(!err.contains("Secret absent"), "{err}");
    assert_eq!(
        journal_lines(&err),
        [
            "(local) Namespace liqo-tenant-frozen-id",
            "(remote) Namespace liqo-tenant-consumer2-id",
            "(remote) Secret liqo-tenant-consumer2-id/liqo-nonce",
        ],
        "{err}"
    );
    let auth_undo = undo_commands(&err);
    assert_eq!(auth_undo.len(), 3, "{err}");
    assert!(auth_undo[0].contains(" unauthenticate "), "{auth_undo:?}");
    // The journal tells the truth: what it lists exists.
    Api::<Secret>::namespaced(p.clone(), "liqo-tenant-consumer2-id")
        .get("liqo-nonce")
        .await
        .expect("the listed nonce Secret exists");

    // A re-run that creates nothing lists nothing.
    let out = auth("2s");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        first_error(&err).contains("timed out after 2s waiting for the nonce creator"),
        "{err}"
    );
    assert!(journal_lines(&err).is_empty(), "{err}");

    // network connect stops at the provider's Configuration, after writing one on each side.
    let out = liqoctl(&[
        &kc("consumer2"),
        "network",
        "connect",
        &remote("frozen"),
        "--timeout=20s",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ERRO: (remote) Failed waiting for configuration to be applied: timed out after ")
            && err.contains(" waiting for Configuration liqo-tenant-consumer2-id/consumer2-id to be NetworkCIDRsConfigured; last state: no NetworkCIDRsConfigured condition yet"),
        "{err}"
    );
    assert_eq!(
        journal_lines(&err),
        [
            "(local) Configuration liqo-tenant-frozen-id/frozen-id",
            "(remote) Configuration liqo-tenant-consumer2-id/consumer2-id",
        ],
        "{err}"
    );
    let connect_undo = undo_commands(&err);
    assert_eq!(connect_undo.len(), 1, "{err}");
    assert!(
        connect_undo[0].contains(" network reset ") && connect_undo[0].contains("--skip-confirm"),
        "{connect_undo:?}"
    );
    Api::<Configuration>::namespaced(c.clone(), "liqo-tenant-frozen-id")
        .get("frozen-id")
        .await
        .expect("the listed Configuration exists");

    // The printed commands, run as printed, leave both clusters as they were.
    run_shell(&connect_undo);
    run_shell(&auth_undo);
    assert_eq!((snapshot(&c).await, snapshot(&p).await), before);
    scale_controller_manager(&p, 1).await;
}

/// A consumer whose stored `publicKey` is not its `privateKey`'s half is refused before the
/// nonce exchange writes anything (it used to fail at "Tenant correctly generated").
#[tokio::test]
async fn a_mismatched_cluster_key_pair_is_refused_before_any_write() {
    let (c, p) = (
        ENV.cluster("badkey").client(),
        ENV.cluster("keyprovider").client(),
    );
    let other = liqo_kube::install::generate_keys().expect("a key pair");
    Api::<Secret>::namespaced(c.clone(), "liqo")
        .patch(
            "authentication-keys",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"stringData": {"publicKey": other.public_pem}})),
        )
        .await
        .expect("publicKey replaced");
    let (consumer, provider) = (kc("badkey"), remote("keyprovider"));
    let err = refused(&[&consumer, "authenticate", &provider], &c, &p).await;
    assert_eq!(
        first_error(&err),
        "ERRO: the consumer's cluster key (Secret liqo/authentication-keys) is unusable: publicKey of Secret authentication-keys is not the public half of its privateKey: restore the pair (or delete publicKey to derive it)",
        "{err}"
    );
}
