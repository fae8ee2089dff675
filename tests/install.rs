//! `liqoctl install`, `version` and `uninstall` on real test clusters.

mod common;
#[path = "common/versions.rs"]
mod versions;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use common::{kubeconfig, liqoctl, snapshot, stderr, stdout};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{ListParams, PostParams};
use kube::{Api, ResourceExt};
use liqo_testenv::Env;

static ENV: LazyLock<Env> = LazyLock::new(|| {
    Env::builder()
        .cluster("inst-a")
        .cluster("inst-b")
        .cluster("inst-c")
        .cluster("inst-d")
        .cluster("inst-e")
        .start_blocking()
        .expect("clusters start")
});

/// The names of the CRDs install renders: every kind `liqo_api` defines.
fn rendered_crds() -> BTreeSet<String> {
    let crds: Vec<String> = liqo_api::crd::all()
        .iter()
        .map(ResourceExt::name_any)
        .collect();
    let names: BTreeSet<String> = crds.iter().cloned().collect();
    assert_eq!(names.len(), crds.len(), "a CRD rendered twice: {crds:?}");
    names
}

/// The names of the `*.liqo.io` CRDs served by the cluster.
async fn liqo_crds_in(client: &kube::Client) -> BTreeSet<String> {
    Api::<CustomResourceDefinition>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|c| c.spec.group.ends_with(".liqo.io"))
        .map(ResourceExt::name_any)
        .collect()
}

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
        "INFO: All Set! You can now peer this cluster with another one: `liqoctl peer --remote-kubeconfig <provider kubeconfig>` (see liqoctl peer --help)",
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
    // Exactly the rendered CRDs, none more, none fewer.
    assert_eq!(liqo_crds_in(&a).await, rendered_crds());
    let cm = Api::<ConfigMap>::namespaced(a.clone(), "liqo")
        .get("liqo-clusterid-configmap")
        .await
        .unwrap();
    assert_eq!(cm.data.unwrap()["CLUSTER_ID"], "alpha-one");
    let read_keys = || async {
        Api::<Secret>::namespaced(a.clone(), "liqo")
            .get("authentication-keys")
            .await
            .unwrap()
            .data
            .unwrap()
    };
    let keys = read_keys().await;
    assert!(
        String::from_utf8_lossy(&keys["privateKey"].0).starts_with("-----BEGIN PRIVATE KEY-----")
    );
    assert!(
        String::from_utf8_lossy(&keys["publicKey"].0).starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert!(!stderr(&out).contains("BEGIN"), "keys are never printed");

    // Idempotent: a second run writes nothing, anywhere in the cluster (every object keeps
    // its resourceVersion), and the keys stay.
    let first = versions::versions(&a).await;
    let out = liqoctl(&[&kc("inst-a"), "install", "--timeout=2m"]);
    assert!(
        out.status.success(),
        "second install failed: {}",
        stderr(&out)
    );
    let changes = versions::changes(&first, &versions::versions(&a).await);
    assert!(
        changes.is_empty(),
        "a re-install wrote:\n{}",
        changes.join("\n")
    );
    assert_eq!(read_keys().await, keys, "the keys are never rotated");
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

/// A ForeignCluster named and identified `id`.
fn foreign_cluster(id: &str) -> liqo_api::core::ForeignCluster {
    let mut fc = liqo_api::fixtures::foreign_cluster();
    fc.metadata = kube::api::ObjectMeta {
        name: Some(id.into()),
        ..Default::default()
    };
    fc.spec.cluster_id = id.into();
    fc.status = None;
    fc
}

#[tokio::test]
async fn uninstall_refuses_while_peerings_exist_unless_forced() {
    let c = ENV.cluster("inst-c").client();
    let out = liqoctl(&[&kc("inst-c"), "install", "--timeout=2m"]);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    Api::<liqo_api::core::ForeignCluster>::all(c.clone())
        .create(&PostParams::default(), &foreign_cluster("peer-one"))
        .await
        .unwrap();
    // The peering is active through a module's object: a VirtualNode for peer-one. It is named
    // like the cluster's real Node, which the VirtualNode controller refuses to act on (no
    // finalizer, no virtual kubelet), so once both controllers have had their say the cluster
    // stays still while we compare.
    let ns = liqo_kube::tenant_namespace::ensure(&c, "peer-one", "install-test")
        .await
        .unwrap()
        .name_any();
    let mut vn = liqo_api::fixtures::virtual_node();
    vn.metadata.name = Some(ENV.cluster("inst-c").config().node_name());
    vn.metadata.namespace = Some(ns.clone());
    vn.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert("liqo.io/remote-cluster-id".into(), "peer-one".into());
    vn.status = None;
    Api::<liqo_api::offloading::VirtualNode>::namespaced(c.clone(), &ns)
        .create(&PostParams::default(), &vn)
        .await
        .unwrap();

    settled(&c, &ns, &ENV.cluster("inst-c").config().node_name()).await;

    let before = versions::versions(&c).await;
    let out = liqoctl(&[&kc("inst-c"), "uninstall", "--skip-confirm"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.lines().any(|l| l.starts_with(
            "ERRO: active peerings with cluster(s) peer-one (offloading): remove them first"
        )) && err.contains("liqoctl unauthenticate"),
        "{err}"
    );
    let changes = versions::changes(&before, &versions::versions(&c).await);
    assert!(
        changes.is_empty(),
        "a refused uninstall wrote:\n{}",
        changes.join("\n")
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
        stderr(&out).lines().any(|l| l
            == "WARN: Active peerings with peer-one (offloading) left behind because of --force"),
        "{}",
        stderr(&out)
    );
    assert!(
        Api::<Namespace>::all(c.clone())
            .get_opt("liqo")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        liqo_crds_in(&c).await.is_empty(),
        "--purge removes the CRDs"
    );
}

/// Waits until the VirtualNode controller has refused `name` (its `VirtualKubelet` condition
/// is written) and the ForeignCluster controller counts peer-one's offloading module.
async fn settled(c: &kube::Client, ns: &str, name: &str) {
    use kube::runtime::wait::await_condition;
    use liqo_api::core::ForeignCluster;
    use liqo_api::offloading::VirtualNode;
    let wait = std::time::Duration::from_secs(60);
    let refused = |vn: Option<&VirtualNode>| {
        vn.and_then(|vn| vn.status.as_ref()?.conditions.as_ref())
            .is_some_and(|c| !c.is_empty())
    };
    let vns = Api::<VirtualNode>::namespaced(c.clone(), ns);
    tokio::time::timeout(wait, await_condition(vns, name, refused))
        .await
        .expect("the VirtualNode controller answers within 60 s")
        .unwrap();
    let counted = |fc: Option<&ForeignCluster>| {
        fc.and_then(|fc| fc.status.as_ref()?.modules.as_ref())
            .is_some_and(|m| m.offloading.enabled)
    };
    let fcs = Api::<ForeignCluster>::all(c.clone());
    tokio::time::timeout(wait, await_condition(fcs, "peer-one", counted))
        .await
        .expect("the ForeignCluster controller counts the offloading module within 60 s")
        .unwrap();
}

#[tokio::test]
async fn uninstall_without_purge_keeps_the_crds_and_tenant_namespaces_only() {
    let e = ENV.cluster("inst-e").client();
    let before = snapshot(&e).await;
    let out = liqoctl(&[&kc("inst-e"), "install", "--timeout=2m"]);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    // A tenant namespace (kept), and a ForeignCluster with no module enabled: no peering,
    // so uninstall removes it.
    let tenant = liqo_kube::tenant_namespace::ensure(&e, "idle-one", "install-test")
        .await
        .unwrap()
        .name_any();
    let fcs = Api::<liqo_api::core::ForeignCluster>::all(e.clone());
    fcs.create(&PostParams::default(), &foreign_cluster("idle-one"))
        .await
        .unwrap();

    let out = liqoctl(&[&kc("inst-e"), "uninstall", "--skip-confirm", "--timeout=2m"]);
    assert!(out.status.success(), "uninstall failed: {}", stderr(&out));
    let err = stderr(&out);
    for line in [
        "INFO: Pre-uninstall checks passed",
        "INFO: Liqo uninstalled",
    ] {
        assert!(
            err.lines().any(|l| l == line),
            "missing {line:?} in:\n{err}"
        );
    }
    assert!(!err.contains("purged"), "{err}");

    // Kept: the CRDs (with them any Liqo object left) and the tenant namespaces. Gone: the
    // Liqo namespace and all in it, the cluster-wide RBAC, the idle ForeignCluster. Unlike
    // upstream's Helm uninstall, the Liqo namespace goes too: install created it.
    let after = snapshot(&e).await;
    let added: BTreeSet<String> = after.difference(&before).cloned().collect();
    let removed: Vec<&String> = before.difference(&after).collect();
    let mut expected: BTreeSet<String> = rendered_crds()
        .iter()
        .map(|name| format!("apiextensions.k8s.io/CustomResourceDefinition /{name}"))
        .collect();
    // The API server registers an APIService per group/version the kept CRDs serve.
    expected.extend(liqo_api::crd::all().iter().flat_map(|crd| {
        crd.spec
            .versions
            .iter()
            .map(|v| {
                format!(
                    "apiregistration.k8s.io/APIService /{}.{}",
                    v.name, crd.spec.group
                )
            })
            .collect::<Vec<_>>()
    }));
    expected.extend([
        format!("/Namespace /{tenant}"),
        format!("/ServiceAccount {tenant}/default"),
        format!("/ConfigMap {tenant}/kube-root-ca.crt"),
    ]);
    let unexpected: Vec<&String> = added.difference(&expected).collect();
    let missing: Vec<&String> = expected.difference(&added).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty() && removed.is_empty(),
        "after uninstall without --purge: left {unexpected:#?}, not kept {missing:#?}, removed {removed:#?}"
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
    let crds: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "CustomResourceDefinition")
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    let printed: BTreeSet<String> = crds.iter().map(ToString::to_string).collect();
    assert_eq!(crds.len(), printed.len(), "a CRD printed twice: {crds:?}");
    assert_eq!(printed, rendered_crds(), "the dry run prints every CRD");
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
        (vec!["install", "--timeout=-1m"], "it must be positive"),
        (
            vec!["install", "--default-node-resources=cpu=lots"],
            "invalid --default-node-resources",
        ),
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
