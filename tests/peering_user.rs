//! A peering user: the provider's administrator hands a consumer a restricted kubeconfig that
//! is enough for `liqoctl authenticate`, and can take it back.

mod common;
#[path = "common/installs.rs"]
mod installs;

use std::sync::LazyLock;

use common::{can, kubeconfig, liqoctl, stderr, stdout};
use kube::Client;
use liqo_testenv::Env;

static ENV: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(
        &[
            ("pu-consumer", "pu-consumer-id"),
            ("pu-provider", "pu-provider-id"),
        ],
        &[],
    )
});

#[tokio::test]
async fn a_peering_user_can_authenticate_and_loses_access_when_deleted() {
    let provider = kubeconfig(ENV.cluster("pu-provider").kubeconfig());
    let out = liqoctl(&[
        &provider,
        "generate",
        "peering-user",
        "--consumer-cluster-id=pu-consumer-id",
        "--tls-compatibility-mode=maybe",
    ]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&out).contains("invalid value 'maybe'"),
        "{}",
        stderr(&out)
    );
    let out = liqoctl(&[
        &provider,
        "generate",
        "peering-user",
        "--consumer-cluster-id=pu-consumer-id",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("WARN: Please take note of this kubeconfig as it is not stored."),
        "{err}"
    );
    assert!(err.contains("INFO: User generated successfully"), "{err}");
    assert!(!err.contains("PRIVATE KEY"), "the key goes to stdout only");
    let user_kubeconfig =
        std::env::temp_dir().join(format!("peering-user-{}.yaml", std::process::id()));
    std::fs::write(&user_kubeconfig, stdout(&out)).unwrap();

    let out = liqoctl(&[
        &kubeconfig(ENV.cluster("pu-consumer").kubeconfig()),
        "authenticate",
        &format!("--remote-kubeconfig={}", user_kubeconfig.display()),
    ]);
    assert!(
        out.status.success(),
        "authenticate as the peering user failed: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).ends_with("INFO: (local) Identity status is filled\n"),
        "{}",
        stderr(&out)
    );

    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(&user_kubeconfig).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(config.default_namespace, "liqo-tenant-pu-consumer-id");
    let user = Client::try_from(config).unwrap();
    assert!(
        can(
            &user,
            "create",
            "authentication.liqo.io",
            "tenants",
            "liqo-tenant-pu-consumer-id"
        )
        .await
    );
    assert!(
        !common::can(&user, "get", "", "secrets", "liqo").await,
        "no Secrets in the Liqo namespace"
    );
    assert!(
        !can(
            &user,
            "create",
            "authentication.liqo.io",
            "tenants",
            "default"
        )
        .await
    );

    let out = liqoctl(&[
        &provider,
        "generate",
        "peering-user",
        "--consumer-cluster-id=pu-consumer-id",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    let out = liqoctl(&[
        &provider,
        "delete",
        "peering-user",
        "--consumer-cluster-id=pu-consumer-id",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "INFO: Peering user for cluster with ID \"pu-consumer-id\" deleted successfully"
    ));
    assert!(
        !can(
            &user,
            "create",
            "authentication.liqo.io",
            "tenants",
            "liqo-tenant-pu-consumer-id"
        )
        .await,
        "access revoked"
    );
}

/// The private key of a kubeconfig's (first) user, as PEM.
fn client_key(kubeconfig: &str) -> String {
    use base64::Engine;
    let parsed: serde_norway::Value = serde_norway::from_str(kubeconfig).unwrap();
    let data = parsed["users"][0]["user"]["client-key-data"]
        .as_str()
        .unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn an_rsa_peering_user_gets_an_rsa_key_and_a_working_certificate() {
    let provider = kubeconfig(ENV.cluster("pu-provider").kubeconfig());
    let out = liqoctl(&[
        &provider,
        "generate",
        "peering-user",
        "--consumer-cluster-id=pu-rsa-consumer-id",
        "--tls-compatibility-mode=true",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let key = liqo_kube::crypto::ClusterKey::from_pem(&client_key(&text)).unwrap();
    assert_eq!(key.rsa_modulus_bits(), Some(2048), "an RSA-2048 key");
    // The API server accepts its certificate: the user may do what a peering user may.
    let user = common::client_from_kubeconfig(&text).await;
    assert!(
        can(
            &user,
            "create",
            "authentication.liqo.io",
            "tenants",
            "liqo-tenant-pu-rsa-consumer-id"
        )
        .await
    );
    assert!(!can(&user, "get", "", "secrets", "liqo").await);
    let out = liqoctl(&[
        &provider,
        "delete",
        "peering-user",
        "--consumer-cluster-id=pu-rsa-consumer-id",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}
