//! A peering user: the provider's administrator hands a consumer a restricted kubeconfig that
//! is enough for `liqoctl authenticate`, and can take it back.

mod common;

use std::sync::LazyLock;

use common::{can, kubeconfig, liqoctl, stderr, stdout};
use kube::Client;
use liqo_testenv::Env;

static ENV: LazyLock<Env> = LazyLock::new(|| {
    common::installed_env(
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
    for (mode, message) in [
        ("true", "RSA peering users are not supported"),
        ("maybe", "invalid value 'maybe'"),
    ] {
        let flag = format!("--tls-compatibility-mode={mode}");
        let out = liqoctl(&[
            &provider,
            "generate",
            "peering-user",
            "--consumer-cluster-id=pu-consumer-id",
            &flag,
        ]);
        assert_ne!(out.status.code(), Some(0));
        assert!(stderr(&out).contains(message), "{mode}: {}", stderr(&out));
    }
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
    assert!(stderr(&out).ends_with("INFO: Identity status is filled\n"));

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
