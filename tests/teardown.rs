//! Teardown on real clusters: `network disconnect|reset --wait` wait for every dependent, a
//! gateway writes no Connection for an owner being deleted, `unauthenticate` removes the
//! certificate cache and the CSRs it made, `uninstall` removes the ForeignClusters left with no
//! module; and the network commands' bad input, on clusters no other test touches.

mod common;
#[path = "common/installs.rs"]
mod installs;
#[path = "common/versions.rs"]
mod versions;

use std::collections::BTreeSet;
use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, remote_kubeconfig, snapshot, stderr};
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_api::core::ForeignCluster;
use liqo_api::networking::{Connection, GatewayClient, PublicKey};
use liqo_testenv::Env;

const WAIT: Duration = Duration::from_secs(90);
/// A finalizer of this test's, holding a GatewayClient in deletion.
const HOLD: &str = "test.liqo.io/hold";

/// One pair on a test network (consumer and client gateway `ta`, provider and server `tb`).
static NET: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_network_env(&[
        ("ta", "ta-id", "10.243.0.0/16"),
        ("tb", "tb-id", "10.244.0.0/16"),
    ])
});

/// A pair only the bad-input test uses: it must find both clusters as they were.
static BAD: LazyLock<Env> =
    LazyLock::new(|| installs::installed_env(&[("bad-a", "bad-a-id"), ("bad-b", "bad-b-id")], &[]));

fn kc(env: &Env, cluster: &str) -> String {
    kubeconfig(env.cluster(cluster).kubeconfig())
}

fn remote(env: &Env, cluster: &str) -> String {
    remote_kubeconfig(env.cluster(cluster).kubeconfig())
}

fn tenant(id: &str) -> String {
    format!("liqo-tenant-{id}")
}

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

/// Whether a log of the `ta` gateway pods for `tb-id` holds `line`.
fn gateway_logged(line: &str) -> bool {
    let pods = NET.cluster("ta").dir().join("pods");
    let prefix = format!("{}_gw-tb-id-", tenant("tb-id"));
    std::fs::read_dir(pods)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|d| d.file_name().to_string_lossy().starts_with(&prefix))
        .any(|d| {
            std::fs::read_to_string(d.path().join("gateway.log")).is_ok_and(|l| l.contains(line))
        })
}

/// Sets (`Some`) or clears the finalizers of the GatewayClient `tb-id` in `ta`.
async fn set_finalizers(api: &Api<GatewayClient>, finalizers: Option<Vec<&str>>) {
    let patch = serde_json::json!({"metadata": {"finalizers": finalizers}});
    api.patch("tb-id", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("finalizers patched");
}

/// The first `ERRO:` line of `out`.
fn first_error(out: &std::process::Output) -> String {
    stderr(out)
        .lines()
        .find(|l| l.starts_with("ERRO:"))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teardown_waits_for_every_dependent_and_leaves_only_what_uninstall_removes() {
    let (ta, tb) = (NET.cluster("ta").client(), NET.cluster("tb").client());
    let before = (snapshot(&ta).await, snapshot(&tb).await);
    let out = liqoctl(&[&kc(&NET, "ta"), "authenticate", &remote(&NET, "tb")]);
    assert!(out.status.success(), "authenticate: {}", stderr(&out));
    let csrs: Api<CertificateSigningRequest> = Api::all(tb.clone());
    let ours = ListParams::default().labels(&format!("{}=true", label::REMOTE_TENANT_CSR));
    let issued: Vec<String> = csrs
        .list(&ours)
        .await
        .unwrap()
        .iter()
        .map(ResourceExt::name_any)
        .collect();
    assert_eq!(issued.len(), 1, "one CSR issued the certificate");
    let out = liqoctl(&[
        &kc(&NET, "ta"),
        "network",
        "connect",
        &remote(&NET, "tb"),
        "--wait",
    ]);
    assert!(out.status.success(), "connect: {}", stderr(&out));

    // The GatewayClient is being deleted (held by a finalizer, its dependents untouched): its
    // live gateway, told to re-ensure its Connection by a PublicKey event, writes none.
    let ns = tenant("tb-id");
    let gateways: Api<GatewayClient> = Api::namespaced(ta.clone(), &ns);
    set_finalizers(&gateways, Some(vec![HOLD])).await;
    gateways
        .delete("tb-id", &DeleteParams::background())
        .await
        .unwrap();
    let connections: Api<Connection> = Api::namespaced(ta.clone(), &ns);
    connections
        .delete("gw-tb-id", &DeleteParams::default())
        .await
        .unwrap();
    let keys: Api<PublicKey> = Api::namespaced(ta.clone(), &ns);
    let key = keys.list(&Default::default()).await.unwrap().items[0].name_any();
    let touch = serde_json::json!({"metadata": {"labels": {"test.liqo.io/touched": "1"}}});
    keys.patch(&key, &PatchParams::default(), &Patch::Merge(&touch))
        .await
        .unwrap();
    // A process's log has no watch API: read it until the line shows, bounded.
    within("the gateway to skip its Connection", async {
        while !gateway_logged("Connection not written") {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(
        connections.get_opt("gw-tb-id").await.unwrap().is_none(),
        "the gateway re-created the Connection of a deleting owner"
    );

    // disconnect --wait cannot return while the GatewayClient stands: it times out naming it
    // and what holds it.
    let out = liqoctl(&[
        &kc(&NET, "ta"),
        "network",
        "disconnect",
        &remote(&NET, "tb"),
        "--skip-confirm",
        "--wait",
        "--timeout=5s",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let error = first_error(&out);
    assert!(
        error.starts_with(
            "ERRO: (local) An error occurred while deleting gateway client: timed out"
        ) && error.contains("GatewayClient tb-id to be deleted")
            && error.contains(HOLD),
        "{}",
        stderr(&out)
    );
    set_finalizers(&gateways, None).await;

    // unauthenticate removes the certificate cache and the CSR that filled it.
    let out = liqoctl(&[&kc(&NET, "ta"), "unauthenticate", &remote(&NET, "tb")]);
    assert!(out.status.success(), "unauthenticate: {}", stderr(&out));
    let caches = Api::<Secret>::namespaced(tb.clone(), &tenant("ta-id"));
    assert!(
        caches
            .get_opt(liqo_api::consts::name::REMOTE_CERTIFICATE_SECRET)
            .await
            .unwrap()
            .is_none(),
        "certificate cache deleted"
    );
    for csr in &issued {
        assert!(
            csrs.get_opt(csr).await.unwrap().is_none(),
            "CSR {csr} deleted"
        );
    }

    // reset --wait: at once, nothing is left but the tenant namespaces (with what Kubernetes
    // puts in every namespace) and the ForeignClusters, now with no module enabled.
    let out = liqoctl(&[
        &kc(&NET, "ta"),
        "network",
        "reset",
        &remote(&NET, "tb"),
        "--skip-confirm",
        "--wait",
    ]);
    assert!(out.status.success(), "reset: {}", stderr(&out));
    for (client, before, peer) in [(&ta, &before.0, "tb-id"), (&tb, &before.1, "ta-id")] {
        let after = snapshot(client).await;
        let (left, removed) = versions::residue(before, &after, &[&tenant(peer)]);
        let expected = vec![format!("core.liqo.io/ForeignCluster /{peer}")];
        assert_eq!(left, expected, "left behind");
        assert!(removed.is_empty(), "removed: {removed:?}");
    }

    // uninstall counts them as no peering and removes them.
    for (cluster, peer) in [("ta", "tb-id"), ("tb", "ta-id")] {
        let out = liqoctl(&[&kc(&NET, cluster), "uninstall", "--skip-confirm"]);
        assert!(
            out.status.success(),
            "uninstall {cluster}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("INFO: Pre-uninstall checks passed"),
            "{}",
            stderr(&out)
        );
        let fcs: Api<ForeignCluster> = Api::all(NET.cluster(cluster).client());
        assert!(fcs.get_opt(peer).await.unwrap().is_none(), "{peer} removed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_bad_input_fails_clearly_and_writes_nothing() {
    let (a, b) = (BAD.cluster("bad-a").client(), BAD.cluster("bad-b").client());
    let snapshots = || async { (snapshot(&a).await, snapshot(&b).await) };
    let before = snapshots().await;
    let (kc_a, remote_b) = (kc(&BAD, "bad-a"), remote(&BAD, "bad-b"));
    let missing = format!(
        "--remote-kubeconfig={}",
        BAD.cluster("bad-b").dir().join("missing").display()
    );
    // (arguments, the start of the first error line, a line stderr also holds)
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["network", "connect"],
            "ERRO: the remote cluster is not set: pass --remote-kubeconfig",
            "",
        ),
        (
            vec!["network", "connect", &missing],
            "ERRO: cannot read --remote-kubeconfig ",
            "no such file",
        ),
        // A template that does not exist: refused before any Configuration is written.
        (
            vec![
                "network",
                "connect",
                &remote_b,
                "--gw-server-template-name=missing",
            ],
            "ERRO: (remote) An error occurred while checking gateway server template \"missing/liqo\"",
            "",
        ),
        // Destructive commands without a terminal to confirm on.
        (
            vec!["network", "disconnect", &remote_b],
            "ERRO: no terminal to confirm on: pass --skip-confirm",
            "WARN: disconnect is a potentially destructive command.",
        ),
        (
            vec!["network", "reset", &remote_b, "--wait"],
            "ERRO: no terminal to confirm on: pass --skip-confirm",
            "WARN: reset is a potentially destructive command.",
        ),
    ];
    for (args, first, also) in cases {
        let mut argv = vec![kc_a.as_str()];
        argv.extend(&args);
        let out = liqoctl(&argv);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let error = first_error(&out);
        assert!(
            error.starts_with(first) && stderr(&out).contains(also),
            "{args:?}: expected {first:?} first and {also:?} in:\n{}",
            stderr(&out)
        );
    }
    let after = snapshots().await;
    let diff = |b: &BTreeSet<String>, a: &BTreeSet<String>| {
        (
            a.difference(b).cloned().collect::<Vec<_>>(),
            b.difference(a).cloned().collect::<Vec<_>>(),
        )
    };
    assert_eq!(diff(&before.0, &after.0), (vec![], vec![]), "bad-a changed");
    assert_eq!(diff(&before.1, &after.1), (vec![], vec![]), "bad-b changed");
}
