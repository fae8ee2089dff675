//! `liqoctl install`, `version` and `uninstall` on real test clusters.

mod common;

use std::sync::LazyLock;

use common::{kubeconfig, liqoctl, snapshot, stderr, stdout};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret};
use kube::api::{ListParams, PostParams};
use kube::{Api, ResourceExt};
use liqo_testenv::Env;

static ENV: LazyLock<Env> = LazyLock::new(|| {
    Env::builder()
        .cluster("inst-a")
        .cluster("inst-b")
        .cluster("inst-c")
        .cluster("inst-d")
        .start_blocking()
        .expect("clusters start")
});

fn kc(cluster: &str) -> String {
    kubeconfig(ENV.cluster(cluster).kubeconfig())
}

async fn controller_manager_pod(client: &kube::Client) -> Pod {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "liqo");
    let list = pods
        .list(&ListParams::default().labels("app.kubernetes.io/name=controller-manager"))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 1, "one controller-manager pod");
    list.items.into_iter().next().unwrap()
}

/// `GET http://<pod IP>:8081/healthz` straight at the process the node agent started.
async fn healthz(pod_ip: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect((pod_ip, 8081))
        .await
        .expect("the controller manager listens");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

async fn resource_versions(client: &kube::Client) -> Vec<(String, String)> {
    let ns = "liqo";
    let mut out = Vec::new();
    for cm in Api::<ConfigMap>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap()
    {
        out.push((cm.name_any(), cm.resource_version().unwrap()));
    }
    for s in Api::<Secret>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap()
    {
        out.push((s.name_any(), s.resource_version().unwrap()));
    }
    let d = Api::<Deployment>::namespaced(client.clone(), ns)
        .get("liqo-controller-manager")
        .await
        .unwrap();
    out.push((d.name_any(), d.metadata.generation.unwrap().to_string()));
    out
}

#[tokio::test]
async fn install_runs_the_control_plane_is_idempotent_and_uninstall_leaves_no_residue() {
    let (a, b) = (
        ENV.cluster("inst-a").client(),
        ENV.cluster("inst-b").client(),
    );
    let before = snapshot(&a).await;

    let out = liqoctl(&[
        &kc("inst-a"),
        "install",
        "--cluster-id=alpha-one",
        "--timeout=2m",
    ]);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    let err = stderr(&out);
    for line in [
        "INFO: Installer initialized (cluster ID alpha-one)",
        "INFO: Liqo installed",
        "INFO: All Set! You can now proceed establishing a peering (liqoctl peer --help for more information)",
    ] {
        assert!(
            err.lines().any(|l| l == line),
            "missing {line:?} in:\n{err}"
        );
    }
    assert!(stdout(&out).is_empty(), "install prints no data");
    let out = liqoctl(&[&kc("inst-b"), "install", "--timeout=2m"]);
    assert!(
        out.status.success(),
        "install on b failed: {}",
        stderr(&out)
    );

    // The control plane really runs: a Ready pod whose process answers on its pod IP.
    for client in [&a, &b] {
        let pod = controller_manager_pod(client).await;
        let status = pod.status.unwrap();
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert!(status.container_statuses.unwrap()[0].ready);
        let response = healthz(&status.pod_ip.unwrap()).await;
        assert!(
            response.starts_with("HTTP/1.1 200") && response.ends_with("ok"),
            "{response}"
        );
    }
    let cm = Api::<ConfigMap>::namespaced(a.clone(), "liqo")
        .get("liqo-clusterid-configmap")
        .await
        .unwrap();
    assert_eq!(cm.data.unwrap()["CLUSTER_ID"], "alpha-one");
    let keys = Api::<Secret>::namespaced(a.clone(), "liqo")
        .get("authentication-keys")
        .await
        .unwrap()
        .data
        .unwrap();
    assert!(
        String::from_utf8_lossy(&keys["privateKey"].0).starts_with("-----BEGIN PRIVATE KEY-----")
    );
    assert!(
        String::from_utf8_lossy(&keys["publicKey"].0).starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert!(!stderr(&out).contains("BEGIN"), "keys are never printed");

    // Idempotent: a second run rewrites nothing (same resourceVersions, same keys).
    let first = resource_versions(&a).await;
    let out = liqoctl(&[&kc("inst-a"), "install", "--timeout=2m"]);
    assert!(
        out.status.success(),
        "second install failed: {}",
        stderr(&out)
    );
    assert_eq!(resource_versions(&a).await, first);
    // The cluster ID is immutable.
    let out = liqoctl(&[&kc("inst-a"), "install", "--cluster-id=other-id"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot change"), "{}", stderr(&out));

    // version reports both clusters.
    let remote = format!(
        "--remote-kubeconfig={}",
        ENV.cluster("inst-b").kubeconfig().display()
    );
    let out = liqoctl(&[&kc("inst-a"), "version", &remote]);
    assert!(out.status.success(), "{}", stderr(&out));
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        stdout(&out),
        format!(
            "Client version: {version}\nServer version: {version}\nRemote server version: {version}\n"
        )
    );

    let out = liqoctl(&[
        &kc("inst-a"),
        "uninstall",
        "--purge",
        "--skip-confirm",
        "--timeout=2m",
    ]);
    assert!(out.status.success(), "uninstall failed: {}", stderr(&out));
    assert!(
        stderr(&out).lines().any(|l| l == "INFO: Liqo uninstalled"),
        "{}",
        stderr(&out)
    );
    let after = snapshot(&a).await;
    let added: Vec<_> = after.difference(&before).collect();
    let removed: Vec<_> = before.difference(&after).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "residue after uninstall: added {added:?}, removed {removed:?}"
    );

    // Without a control plane, version says Unknown and fails.
    let out = liqoctl(&[&kc("inst-a"), "version"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with("Server version: Unknown\n"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn uninstall_refuses_while_peerings_exist_unless_forced() {
    let c = ENV.cluster("inst-c").client();
    let out = liqoctl(&[&kc("inst-c"), "install", "--timeout=2m"]);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    let mut fc = liqo_api::fixtures::foreign_cluster();
    fc.metadata = kube::api::ObjectMeta {
        name: Some("peer-one".into()),
        ..Default::default()
    };
    Api::<liqo_api::core::ForeignCluster>::all(c.clone())
        .create(&PostParams::default(), &fc)
        .await
        .unwrap();

    let out = liqoctl(&[&kc("inst-c"), "uninstall", "--skip-confirm"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("active peerings with cluster(s) peer-one") && err.contains("liqoctl unpeer"),
        "{err}"
    );
    assert!(
        Api::<Namespace>::all(c.clone())
            .get_opt("liqo")
            .await
            .unwrap()
            .is_some(),
        "nothing removed"
    );

    let out = liqoctl(&[
        &kc("inst-c"),
        "uninstall",
        "--skip-confirm",
        "--force",
        "--purge",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("WARN: Active peerings with peer-one left behind because of --force")
    );
    assert!(
        Api::<Namespace>::all(c)
            .get_opt("liqo")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn dry_run_prints_every_manifest_and_bad_input_changes_nothing() {
    let d = ENV.cluster("inst-d").client();
    let before = snapshot(&d).await;

    let out = liqoctl(&[
        &kc("inst-d"),
        "install",
        "--dry-run",
        "-o",
        "yaml",
        "--cluster-id=dry-one",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let docs: Vec<serde_json::Value> = text
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_norway::from_str(d).expect("each document is YAML"))
        .collect();
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"Namespace"));
    assert_eq!(kinds.last(), Some(&"Deployment"));
    assert!(
        kinds
            .iter()
            .filter(|k| **k == "CustomResourceDefinition")
            .count()
            >= 18,
        "{kinds:?}"
    );
    for kind in [
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "WgGatewayServerTemplate",
        "WgGatewayClientTemplate",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert!(
        !text.contains("BEGIN PRIVATE KEY"),
        "no key material in a dry run"
    );
    let out = liqoctl(&[&kc("inst-d"), "install", "--dry-run", "-o", "json"]);
    assert!(out.status.success() && stdout(&out).trim_start().starts_with('{'));

    for (args, message) in [
        (
            vec!["install", "--cluster-id=Not_A_Label"],
            "invalid --cluster-id",
        ),
        (vec!["install", "--pod-cidr=10.0.0.0/33"], "invalid CIDR"),
        (vec!["install", "--timeout=0s"], "greater than zero"),
        (vec!["install", "--timeout=-1m"], "positive duration"),
    ] {
        let mut full = vec![kc("inst-d")];
        full.extend(args.iter().map(ToString::to_string));
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let out = liqoctl(&full);
        assert_ne!(out.status.code(), Some(0), "{args:?} must fail");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    let out = liqoctl(&["--kubeconfig=/nonexistent/kubeconfig", "install"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/nonexistent/kubeconfig"),
        "{}",
        stderr(&out)
    );

    assert_eq!(
        snapshot(&d).await,
        before,
        "dry runs and refused input leave the cluster unchanged"
    );
}

#[test]
fn version_client_needs_no_cluster() {
    let out = liqoctl(&["version", "--client"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        format!("Client version: {}\n", env!("CARGO_PKG_VERSION"))
    );
}
