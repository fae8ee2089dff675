//! `liqoctl unpeer` on one pair of real clusters on a test network, peered by the real
//! `liqoctl peer`: the default transcript, `--wait` (everything gone on both sides when it
//! returns), `--dry-run` (lists, changes nothing), a second unpeer (nothing to do), zero residue
//! with `--delete-namespaces`, a bidirectional peering unpeered one way (the reverse keeps
//! working) then the other, and `--force` with the provider's API server frozen.
//!
//! The cases run in sequence in one test: each starts from the clusters as they were before
//! any peering, which the previous case proves.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with tests/cli_flows.rs, which uses the rest
mod flows;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{stderr, stdout};
use flows::{NetPair, assert_diff, ok, run, snapshots, tenant_ns};
use k8s_openapi::api::core::v1::Node;
use kube::Api;
use kube::api::{Patch, PatchParams};
use liqo_api::networking::{Connection, GatewayClient};
use liqo_kube::offloading::node::is_ready;

const CONSUMER: &str = "up-c";
const PROVIDER: &str = "up-p";
const C_ID: &str = "up-c-id";
const P_ID: &str = "up-p-id";
/// A finalizer no controller removes, in Liqo's domain (as a stuck Liqo controller's).
const HOLD: &str = "hold.liqo.io/test";

type Snapshots = (BTreeSet<String>, BTreeSet<String>);

/// liqoctl with `from`'s kubeconfig and `to`'s as the remote one.
async fn liqoctl(pair: &NetPair, from: &str, to: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec![common::kubeconfig(pair.env.cluster(from).kubeconfig())];
    all.extend(args.iter().map(|a| (*a).to_string()));
    if !to.is_empty() {
        all.push(common::remote_kubeconfig(pair.env.cluster(to).kubeconfig()));
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    run(&all).await
}

async fn peer(pair: &NetPair, from: &str, to: &str) {
    let out = liqoctl(pair, from, to, &["peer", "--timeout=90s"]).await;
    ok(&format!("peer {from} → {to}"), &out);
}

async fn unpeer(pair: &NetPair, from: &str, to: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["unpeer", "--timeout=90s"];
    args.extend(extra);
    liqoctl(pair, from, to, &args).await
}

/// Both clusters exactly as `before`: the snapshots compare every object of every listable
/// resource by name. Only Events are left out (testenv's snapshot): the API server writes
/// them for every change and expires them on its own. Leases, kube-system objects, CSRs,
/// ForeignClusters, certificate caches, Networks and IPs are all compared.
async fn assert_as_before(pair: &NetPair, before: &Snapshots, case: &str) {
    let (c, p) = pair.clients();
    let after = snapshots(&c, &p).await;
    assert_diff(&format!("{case}: consumer"), &before.0, &after.0, &[], &[]);
    assert_diff(&format!("{case}: provider"), &before.1, &after.1, &[], &[]);
}

/// The transcript of a default unpeer of a unidirectional peering, in order.
fn default_transcript(provider: &str, consumer: &str) -> Vec<String> {
    let lines = [
        "(local) Deleting resourceslices",
        "(local) All resourceslices deleted",
        "(local) Waiting for resource slices to be deleted",
        "(local) Ensured resourceslices absence",
        "(local) Deleting virtualnodes",
        // The slice's own virtual node went with the slice (awaited above).
        "(local) No virtualnodes found",
        "(local) Waiting for virtual nodes to be deleted",
        "(local) Ensured virtualnodes absence",
        "(local) Checking for leftover ResourceSlices",
        "(local) No leftover resourceslices on consumer cluster",
        "(local) Deleting identity control plane",
        "(local) Identity control plane correctly deleted",
        "(remote) Deleting tenant",
        "(remote) Tenant correctly deleted",
        "(local) Deleting gateway client",
        "(local) Gateway client correctly deleted",
        "(remote) Deleting gateway client",
        "(remote) Gateway client already deleted",
        "(local) Deleting gateway server",
        "(local) Gateway server already deleted",
        "(remote) Deleting gateway server",
        "(remote) Gateway server correctly deleted",
        "(local) Deleting network configuration",
        "(local) Network configuration correctly deleted",
        "(remote) Deleting network configuration",
        "(remote) Network configuration correctly deleted",
        "(local) Deleting foreign cluster",
    ];
    let mut out: Vec<String> = lines.iter().map(|l| format!("INFO: {l}")).collect();
    out.push(format!("INFO: (local) ForeignCluster {provider} deleted"));
    out.push("INFO: (remote) Deleting foreign cluster".into());
    out.push(format!("INFO: (remote) ForeignCluster {consumer} deleted"));
    out
}

#[tokio::test]
async fn unpeer_undoes_peer_on_both_clusters() {
    let pair = NetPair::start(CONSUMER, PROVIDER).await;
    let (c, p) = pair.clients();
    let before = snapshots(&c, &p).await;

    dry_run_changes_nothing(&pair).await;
    default_unpeer_waits_and_keeps_only_the_tenant_namespaces(&pair, &before).await;
    bidirectional_unpeer_keeps_the_reverse_peering(&pair, &before).await;
    force_unpeer_with_the_provider_frozen(&pair, &before).await;
}

async fn dry_run_changes_nothing(pair: &NetPair) {
    peer(pair, CONSUMER, PROVIDER).await;
    let (c, p) = pair.clients();
    flows::await_settled(&c, &p, C_ID, P_ID).await;
    let peered = snapshots(&c, &p).await;
    let out = unpeer(
        pair,
        CONSUMER,
        PROVIDER,
        &["--dry-run", "--delete-namespaces"],
    )
    .await;
    ok("unpeer --dry-run", &out);
    let listed: Vec<String> = stdout(&out).lines().map(String::from).collect();
    let (c_ns, p_ns) = (tenant_ns(P_ID), tenant_ns(C_ID));
    for line in [
        format!("(local) ResourceSlice {c_ns}/{P_ID}"),
        format!("(local) VirtualNode {c_ns}/{P_ID}"),
        format!("(local) Node {P_ID}"),
        format!("(local) Identity {c_ns}/controlplane-{P_ID}"),
        format!("(local) GatewayClient {c_ns}/{P_ID}"),
        format!("(local) Namespace {c_ns}"),
        format!("(local) ForeignCluster {P_ID}"),
        format!("(remote) ResourceSlice {p_ns}/{P_ID}"),
        format!("(remote) Tenant {p_ns}/{C_ID}"),
        format!("(remote) GatewayServer {p_ns}/{C_ID}"),
        format!("(remote) Namespace {p_ns}"),
        format!("(remote) ForeignCluster {C_ID}"),
    ] {
        assert!(listed.contains(&line), "{line:?} not listed:\n{listed:#?}");
    }
    assert!(
        listed
            .iter()
            .all(|l| l.starts_with("(local) ") || l.starts_with("(remote) ")),
        "{listed:#?}"
    );
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_as_before(pair, &peered, "after --dry-run").await;
}

async fn default_unpeer_waits_and_keeps_only_the_tenant_namespaces(
    pair: &NetPair,
    before: &Snapshots,
) {
    let out = unpeer(pair, CONSUMER, PROVIDER, &[]).await;
    ok("unpeer", &out);
    let lines: Vec<String> = stderr(&out).lines().map(String::from).collect();
    assert_eq!(lines, default_transcript(P_ID, C_ID));
    // --wait: everything is gone on both sides when it returns, but the tenant namespaces.
    let (c, p) = pair.clients();
    let after = snapshots(&c, &p).await;
    assert_diff("consumer", &before.0, &after.0, &[], &[&tenant_ns(P_ID)]);
    assert_diff("provider", &before.1, &after.1, &[], &[&tenant_ns(C_ID)]);

    // Again: nothing to do, nothing changed.
    let out = unpeer(pair, CONSUMER, PROVIDER, &[]).await;
    ok("second unpeer", &out);
    assert_eq!(
        stderr(&out),
        format!(
            "INFO: (global) Cluster {P_ID} is not peered with this cluster: nothing to unpeer\n"
        )
    );
    assert_eq!(
        snapshots(&c, &p).await,
        after,
        "a second unpeer changed something"
    );

    // The namespaces on request: zero residue.
    let out = unpeer(pair, CONSUMER, PROVIDER, &["--delete-namespaces"]).await;
    ok("unpeer --delete-namespaces", &out);
    assert!(
        stderr(&out).contains("INFO: (remote) Ensured tenant namespace absence"),
        "{}",
        stderr(&out)
    );
    assert_as_before(pair, before, "after unpeer --delete-namespaces").await;
}

async fn bidirectional_unpeer_keeps_the_reverse_peering(pair: &NetPair, before: &Snapshots) {
    peer(pair, CONSUMER, PROVIDER).await;
    peer(pair, PROVIDER, CONSUMER).await;
    let out = unpeer(pair, CONSUMER, PROVIDER, &["--delete-namespaces"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "ERRO: cannot delete the tenant namespace when a bidirectional is enabled, please remove the --delete-namespaces flag\n"
    );
    let out = unpeer(pair, CONSUMER, PROVIDER, &[]).await;
    ok("unpeer one way", &out);
    let err = stderr(&out);
    assert!(
        err.ends_with(&format!(
            "INFO: (global) Network and ForeignClusters kept: cluster {P_ID} still consumes from this cluster\n"
        )),
        "{err}"
    );
    assert!(!err.contains("Deleting gateway"), "{err}");
    // The reverse peering still works: its tunnel is up on both sides, its node Ready.
    let (c, p) = pair.clients();
    for (client, ns, name) in [(&c, tenant_ns(P_ID), P_ID), (&p, tenant_ns(C_ID), C_ID)] {
        let connection: Connection = flows::get(client, &ns, &format!("gw-{name}")).await;
        assert!(connection.is_connected(), "{connection:?}");
    }
    let node = Api::<Node>::all(p.clone()).get(C_ID).await.unwrap();
    assert!(
        is_ready(&node),
        "the reverse virtual node is Ready: {node:?}"
    );
    assert!(
        Api::<Node>::all(c.clone())
            .get_opt(P_ID)
            .await
            .unwrap()
            .is_none(),
        "the unpeered direction's node is gone"
    );

    // The other way, with its namespaces: zero residue.
    let out = unpeer(pair, PROVIDER, CONSUMER, &["--delete-namespaces"]).await;
    ok("unpeer the other way", &out);
    assert_as_before(pair, before, "after unpeering both ways").await;
}

async fn force_unpeer_with_the_provider_frozen(pair: &NetPair, before: &Snapshots) {
    peer(pair, CONSUMER, PROVIDER).await;
    let force = ["--force", &format!("--remote-cluster-id={P_ID}")];
    // No terminal to confirm on: refused, nothing changed.
    let (c, p) = pair.clients();
    let peered = snapshots(&c, &p).await;
    let out = liqoctl(pair, CONSUMER, "", &[&["unpeer"], &force[..]].concat()).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "force unpeer might leave the remote cluster in an inconsistent state and it is a potentially destructive command."
        ),
        "{}",
        stderr(&out)
    );
    assert_as_before(pair, &peered, "after a declined force unpeer").await;

    // A Liqo controller that never lets go (its finalizer stays): force removes it after the
    // controllers' share of --timeout instead of hanging.
    let held = serde_json::json!({"metadata": {"finalizers": [HOLD]}});
    Api::<GatewayClient>::namespaced(c.clone(), &tenant_ns(P_ID))
        .patch(P_ID, &PatchParams::default(), &Patch::Merge(&held))
        .await
        .unwrap();
    let provider = pair.env.cluster(PROVIDER);
    provider.pause_apiserver().unwrap();
    let timeout = Duration::from_secs(30);
    let started = Instant::now();
    let out = liqoctl(
        pair,
        CONSUMER,
        "",
        &[
            &[
                "unpeer",
                "--skip-confirm",
                "--delete-namespaces",
                "--timeout=30s",
            ],
            &force[..],
        ]
        .concat(),
    )
    .await;
    let took = started.elapsed();
    provider.resume_apiserver().unwrap();

    ok("unpeer --force", &out);
    assert!(took < timeout + Duration::from_secs(5), "took {took:?}");
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "INFO: (local) Marking ForeignCluster {P_ID} permanently unreachable\n"
        )),
        "{err}"
    );
    assert!(
        err.ends_with(&format!("INFO: (local) ForeignCluster {P_ID} deleted\n")),
        "{err}"
    );
    assert!(
        err.contains("WARN: (local) Still present after half of --timeout: ")
            && err.contains("INFO: (local) Liqo finalizers removed from "),
        "{err}"
    );
    let after = common::snapshot(&c).await;
    assert_diff("consumer after --force", &before.0, &after, &[], &[]);
}
