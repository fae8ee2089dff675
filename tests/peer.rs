//! `liqoctl peer` end to end on one pair of clusters on a test network: the canonical
//! transcript and end state (cli.md §7.1), a re-run that writes nothing, the reverse peering,
//! and each flag that changes what is made. The cases share the pair (tests/common/peer_pair.rs),
//! one at a time, each undone with `unpeer`.

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with tests/cli_flows.rs, which uses the rest
mod flows;
#[path = "common/peer_pair.rs"]
mod peer_pair;

use std::collections::BTreeMap;
use std::process::Output;
use std::time::Instant;

use common::kubeconfig;

use flows::{ConnectProxy, ok, tenant_ns};
use k8s_openapi::api::core::v1::Node;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, ResourceSlice, Tenant};
use liqo_api::consts::annotation;
use liqo_api::core::{ForeignCluster, RoleType};
use liqo_api::networking::{Configuration, Connection, GatewayClient, GatewayServer};
use liqo_api::offloading::VirtualNode;
use peer_pair::{Pair, Spec, env};

/// The whole non-TTY stderr of a default `peer` on fresh clusters, gateways named after the
/// peer IDs (cli.md §7.1 with the spinner start lines and scopes our printer keeps).
fn default_transcript() -> String {
    DEFAULT_TRANSCRIPT.replace("<C>", C_ID).replace("<P>", P_ID)
}

/// The last wait peer adds (unless --wait-virtual-node=false): the consumer's ForeignCluster
/// reports the modules Healthy.
fn healthy_lines() -> String {
    format!(
        "INFO: (local) Waiting for the peering to be reported healthy\n\
         INFO: (local) Peering with cluster {P_ID} is healthy\n"
    )
}

/// The reverse peering (provider → consumer) on an existing tunnel: phase A stops after the
/// network checks (peering.md §2.2 A7), saying so, then B and C as usual.
fn reverse_transcript() -> String {
    let (network, rest) = DEFAULT_TRANSCRIPT
        .split_once("INFO: (remote) Setting up gateway server\n")
        .expect("the transcript sets up a gateway server");
    let (_, rest) = rest
        .split_once("INFO: (remote) Connection is established\n")
        .expect("the transcript establishes the Connection");
    format!(
        "{network}INFO: (local) Gateways already exist in the reverse direction (cluster {P_ID} hosts the server): nothing to do\n{rest}"
    )
    .replace("<C>", P_ID)
    .replace("<P>", C_ID)
}

/// `name → capacity` of the Node, which must equal its allocatable.
fn capacity(node: &Node) -> BTreeMap<String, String> {
    let status = node.status.clone().unwrap_or_default();
    let map = |m: Option<
        BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >|
     -> BTreeMap<String, String> {
        m.unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect()
    };
    let capacity = map(status.capacity);
    assert_eq!(capacity, map(status.allocatable), "capacity = allocatable");
    capacity
}

async fn foreign_cluster(client: &Client, peer: &str) -> ForeignCluster {
    Api::<ForeignCluster>::all(client.clone())
        .get(peer)
        .await
        .unwrap_or_else(|e| panic!("ForeignCluster {peer}: {e}"))
}

fn role(fc: &ForeignCluster) -> RoleType {
    fc.status.as_ref().map(|s| s.role).unwrap_or_default()
}

/// Asserts the end state of a default peering consumer `c` → provider `p`: both Connections
/// Connected, Tenant and Identity, the slice accepted with the virtual node annotation, its
/// VirtualNode, the Node Ready with the slice's resources, and both ForeignClusters with
/// their role and the two versions. Returns the slice.
async fn assert_peered(c: &Client, p: &Client, c_id: &str, p_id: &str) -> ResourceSlice {
    for (client, peer) in [(c, p_id), (p, c_id)] {
        let conns = flows::names::<Connection>(client, &tenant_ns(peer)).await;
        assert_eq!(conns.len(), 1, "one Connection for {peer}: {conns:?}");
        let conn: Connection = flows::get(client, &tenant_ns(peer), &conns[0]).await;
        assert!(
            conn.is_connected(),
            "Connection for {peer}: {:?}",
            conn.status
        );
    }
    let _: Tenant = flows::get(p, &tenant_ns(c_id), c_id).await;
    let _: Identity = flows::get(c, &tenant_ns(p_id), &format!("controlplane-{p_id}")).await;
    let slice: ResourceSlice = flows::get(c, &tenant_ns(p_id), p_id).await;
    assert!(slice.is_accepted(), "slice accepted: {:?}", slice.status);
    assert_eq!(
        slice
            .annotations()
            .get(annotation::CREATE_VIRTUAL_NODE)
            .map(String::as_str),
        Some("true")
    );
    let _: VirtualNode = flows::get(c, &tenant_ns(p_id), p_id).await;
    let node = Api::<Node>::all(c.clone()).get(p_id).await.unwrap();
    assert!(
        liqo_kube::offloading::node::is_ready(&node),
        "Node {p_id} Ready"
    );
    let granted: BTreeMap<String, String> = slice
        .status
        .as_ref()
        .and_then(|s| s.resources.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    assert_eq!(
        capacity(&node),
        granted,
        "the Node has the slice's resources"
    );
    slice
}

/// Both ForeignClusters with `roles` (consumer's view of p, provider's view of c) and the
/// versions peer recorded.
async fn assert_roles(pair: &Pair, roles: (RoleType, RoleType)) {
    let (c, p) = pair.clients();
    let mut versions = Vec::new();
    for (client, peer, want) in [(&c, P_ID, roles.0), (&p, C_ID, roles.1)] {
        let fc = foreign_cluster(client, peer).await;
        assert_eq!(role(&fc), want, "role of {peer}: {:?}", fc.status);
        let a = fc.annotations();
        let local = a.get(annotation::LOCAL_LIQO_VERSION).cloned();
        let peer_v = a.get(annotation::PEER_LIQO_VERSION).cloned();
        assert!(
            local.is_some() && peer_v.is_some(),
            "versions on {peer}: {a:?}"
        );
        versions.push((local, peer_v));
    }
    // Each side's own version is the other's peer version.
    assert_eq!(versions[0].0, versions[1].1);
    assert_eq!(versions[0].1, versions[1].0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_peer_prints_the_canonical_transcript_reaches_a_ready_node_and_rerun_writes_nothing()
 {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();

    let started = Instant::now();
    let out = pair.peer(&[]).await;
    let first = started.elapsed();
    ok("peer", &out);
    assert_eq!(common::stdout(&out), "", "peer prints no data");
    assert_eq!(common::stderr(&out), default_transcript());
    assert_peered(&c, &p, C_ID, P_ID).await;
    assert_roles(&pair, (RoleType::Provider, RoleType::Consumer)).await;

    let before = pair.versions().await;
    let started = Instant::now();
    let again = pair.peer(&[]).await;
    let rerun = started.elapsed();
    ok("peer again", &again);
    assert_eq!(
        common::stderr(&again),
        default_transcript(),
        "a re-run walks the same steps"
    );
    pair.assert_unchanged(&before, &pair.versions().await);
    #[allow(clippy::print_stderr)] // measured, not asserted (STYLE §6): read with --nocapture
    {
        eprintln!("peer timings: first run {first:?}, re-run {rerun:?}");
    }
    pair.undo_and_check().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverse_peer_reuses_the_tunnel_and_makes_both_sides_consumer_and_provider() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    ok("peer", &pair.peer(&[]).await);
    let gateways = |client: &Client, ns: String| {
        let client = client.clone();
        async move {
            let s = flows::names::<GatewayServer>(&client, &ns).await;
            let k = flows::names::<GatewayClient>(&client, &ns).await;
            (s, k)
        }
    };
    let before = (
        gateways(&c, tenant_ns(P_ID)).await,
        gateways(&p, tenant_ns(C_ID)).await,
    );

    let out = pair.peer_reverse(&[]).await;
    ok("reverse peer", &out);
    assert_eq!(common::stderr(&out), reverse_transcript());
    let after = (
        gateways(&c, tenant_ns(P_ID)).await,
        gateways(&p, tenant_ns(C_ID)).await,
    );
    assert_eq!(before, after, "the one tunnel serves both directions");
    assert_peered(&c, &p, C_ID, P_ID).await;
    assert_peered(&p, &c, P_ID, C_ID).await;
    assert_roles(
        &pair,
        (RoleType::ConsumerAndProvider, RoleType::ConsumerAndProvider),
    )
    .await;
    // Either direction again changes nothing.
    let before = pair.versions().await;
    ok("peer again", &pair.peer(&[]).await);
    ok("reverse peer again", &pair.peer_reverse(&[]).await);
    pair.assert_unchanged(&before, &pair.versions().await);
    pair.undo_reverse().await;
    pair.undo_and_check().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networking_disabled_makes_no_configuration_and_still_peers() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    let out = pair.peer(&["--networking-disabled"]).await;
    ok("peer --networking-disabled", &out);
    let text = common::stderr(&out);
    assert!(
        text.starts_with("INFO: (local) Tenant namespace correctly ensured\n"),
        "no network line:\n{text}"
    );
    for (client, peer) in [(&c, P_ID), (&p, C_ID)] {
        let ns = tenant_ns(peer);
        assert!(flows::names::<Configuration>(client, &ns).await.is_empty());
        assert!(flows::names::<GatewayServer>(client, &ns).await.is_empty());
        assert!(flows::names::<GatewayClient>(client, &ns).await.is_empty());
    }
    let slice: ResourceSlice = flows::get(&c, &tenant_ns(P_ID), P_ID).await;
    assert!(slice.is_accepted(), "slice accepted out of band");
    let node = Api::<Node>::all(c.clone()).get(P_ID).await.unwrap();
    assert!(liqo_kube::offloading::node::is_ready(&node));
    pair.undo_and_check().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slice_and_virtual_node_flags_stop_where_they_say() {
    let pair = Pair::lock(&SPEC).await;
    let (c, _) = pair.clients();
    let ns = tenant_ns(P_ID);

    let out = pair.peer(&["--create-resource-slice=false"]).await;
    ok("peer --create-resource-slice=false", &out);
    assert!(common::stderr(&out).ends_with(&format!(
        "INFO: (local) Identity status is filled\n{}",
        healthy_lines()
    )));
    assert!(flows::names::<ResourceSlice>(&c, &ns).await.is_empty());

    let out = pair.peer(&["--create-virtual-node=false"]).await;
    ok("peer --create-virtual-node=false", &out);
    assert!(common::stderr(&out).ends_with(&format!(
        "INFO: (local) ResourceSlice resources: Accepted\n{}",
        healthy_lines()
    )));
    let slice: ResourceSlice = flows::get(&c, &ns, P_ID).await;
    assert!(slice.is_accepted());
    assert!(
        !slice
            .annotations()
            .contains_key(annotation::CREATE_VIRTUAL_NODE),
        "no virtual-node annotation: {:?}",
        slice.annotations()
    );
    assert!(flows::names::<VirtualNode>(&c, &ns).await.is_empty());
    pair.undo_and_check().await;

    let out = pair.peer(&["--wait-virtual-node=false"]).await;
    ok("peer --wait-virtual-node=false", &out);
    assert!(common::stderr(&out).ends_with("INFO: (local) ResourceSlice resources: Accepted\n"));
    let slice: ResourceSlice = flows::get(&c, &ns, P_ID).await;
    assert_eq!(
        slice
            .annotations()
            .get(annotation::CREATE_VIRTUAL_NODE)
            .map(String::as_str),
        Some("true")
    );
    // Not awaited by peer, the virtual node still comes.
    pair.await_ready_node(P_ID).await;
    pair.undo_and_check().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_server_on_the_consumer_swaps_the_gateway_roles() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    let out = pair.peer(&["--gw-server-service-location=Consumer"]).await;
    ok("peer --gw-server-service-location=Consumer", &out);
    let text = common::stderr(&out);
    assert!(
        text.contains("INFO: (local) Gateway server correctly set up\n"),
        "{text}"
    );
    assert!(
        text.contains("INFO: (remote) Gateway client correctly set up\n"),
        "{text}"
    );
    assert_eq!(
        flows::names::<GatewayServer>(&c, &tenant_ns(P_ID)).await,
        vec![P_ID.to_string()]
    );
    assert_eq!(
        flows::names::<GatewayClient>(&p, &tenant_ns(C_ID)).await,
        vec![C_ID.to_string()]
    );
    assert!(
        flows::names::<GatewayServer>(&p, &tenant_ns(C_ID))
            .await
            .is_empty()
    );
    assert_peered(&c, &p, C_ID, P_ID).await;
    let before = pair.versions().await;
    ok(
        "peer --gw-server-service-location=Consumer again",
        &pair.peer(&["--gw-server-service-location=Consumer"]).await,
    );
    pair.assert_unchanged(&before, &pair.versions().await);
    pair.undo_and_check().await;
}

/// peering.md §2.4: other gateway service flags recreate the GatewayServer, and the peering
/// comes back (the old server's keys Secret, named like the new one's, must be gone first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_gateway_service_flags_recreate_the_server_and_peer_again() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    ok("peer", &pair.peer(&[]).await);
    let out = pair.peer(&["--gw-server-service-type=NodePort"]).await;
    ok("peer --gw-server-service-type=NodePort", &out);
    assert!(
        common::stderr(&out).contains("INFO: (remote) Deleted existing gateway server\n"),
        "{}",
        common::stderr(&out)
    );
    let svc: k8s_openapi::api::core::v1::Service =
        flows::get(&p, &tenant_ns(C_ID), &format!("gw-{C_ID}")).await;
    assert_eq!(svc.spec.and_then(|s| s.type_).as_deref(), Some("NodePort"));
    assert_peered(&c, &p, C_ID, P_ID).await;
    pair.undo_and_check().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_url_reaches_the_tenant_and_the_identity() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    let target = pair.server(P).trim_start_matches("https://").to_string();
    let proxy = ConnectProxy::start(&target).await;
    let out = pair.peer(&[&format!("--proxy-url={}", proxy.url)]).await;
    ok("peer --proxy-url", &out);
    // authentication.md §3.2/§6: Tenant.spec.proxyURL → Identity.spec.authParams.proxyURL.
    let tenant: Tenant = flows::get(&p, &tenant_ns(C_ID), C_ID).await;
    assert_eq!(tenant.spec.proxy_url.as_deref(), Some(proxy.url.as_str()));
    let identity: Identity =
        flows::get(&c, &tenant_ns(P_ID), &format!("controlplane-{P_ID}")).await;
    let params = identity.spec.auth_params.clone().unwrap_or_default();
    assert_eq!(params.proxy_url.as_deref(), Some(proxy.url.as_str()));
    assert_peered(&c, &p, C_ID, P_ID).await;
    assert!(
        proxy.tunnels() > 0,
        "the consumer reached the provider through the proxy"
    );
    assert!(proxy.refused().is_empty(), "{:?}", proxy.refused());
    pair.undo_and_check().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requested_resources_become_the_node_capacity() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    let out = pair.peer(RESOURCES).await;
    ok("peer with resources", &out);
    let slice = assert_peered(&c, &p, C_ID, P_ID).await;
    let node = Api::<Node>::all(c.clone()).get(P_ID).await.unwrap();
    let capacity = capacity(&node);
    for (k, v) in [
        ("cpu", "1"),
        ("memory", "2Gi"),
        ("pods", "20"),
        ("nvidia.com/gpu", "2"),
    ] {
        assert_eq!(
            capacity.get(k).map(String::as_str),
            Some(v),
            "{k}: {slice:?}"
        );
    }

    // The same flags again write nothing; other quantities reach the Node (the slice's spec
    // is replaced, the provider grants again).
    let before = pair.versions().await;
    ok("peer with resources again", &pair.peer(RESOURCES).await);
    pair.assert_unchanged(&before, &pair.versions().await);
    ok(
        "peer with more cpu",
        &pair.peer(&["--cpu=2", "--memory=2Gi", "--pods=20"]).await,
    );
    let nodes: Api<Node> = Api::all(c.clone());
    let two_cpus = |n: Option<&Node>| {
        n.and_then(|n| n.status.as_ref()?.capacity.as_ref()?.get("cpu").cloned())
            .is_some_and(|q| q.0 == "2")
    };
    flows::within(
        "the Node to show 2 CPUs",
        kube::runtime::wait::await_condition(nodes, P_ID, two_cpus),
    )
    .await
    .unwrap();
    pair.undo_and_check().await;
}

const RESOURCES: &[&str] = &[
    "--cpu=1",
    "--memory=2Gi",
    "--pods=20",
    "--resource=nvidia.com/gpu=2",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_quantity_is_refused_before_any_cluster_is_contacted() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    let before = (converge::state(&c).await, converge::state(&p).await);
    for (flag, bad) in [
        ("--cpu", "--cpu=lots"),
        ("--memory", "--memory=2GB!"),
        ("--pods", "--pods=-3x"),
        ("--resource", "--resource=nvidia.com/gpu=x"),
    ] {
        // An unreachable remote proves no cluster is contacted.
        let out = pair
            .peer_with_remote("--remote-kubeconfig=/nonexistent/kubeconfig", &[bad])
            .await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "{bad}: {}",
            common::stderr(&out)
        );
        let text = common::stderr(&out);
        let first = flows::first_line(&text);
        assert!(
            first.contains(flag),
            "{bad}: first line names {flag}: {text}"
        );
        assert!(
            !text.contains("Connecting"),
            "{bad}: no cluster contacted: {text}"
        );
    }
    let after = (converge::state(&c).await, converge::state(&p).await);
    assert_eq!(before, after, "nothing written");
}

const C: &str = "peer-c";
const P: &str = "peer-p";
const C_ID: &str = "peer-c-id";
const P_ID: &str = "peer-p-id";
static SPEC: Spec = Spec {
    c: C,
    p: P,
    c_id: C_ID,
    p_id: P_ID,
};

/// The non-TTY stderr of a default `peer`: cli.md §7.1 with the spinner start lines (printed
/// off a TTY too) and the scopes; `<C>`/`<P>` are the cluster IDs.
const DEFAULT_TRANSCRIPT: &str = include_str!("peer/default_transcript.txt");

/// What only this file's cases do with the pair.
impl Pair {
    /// `peer` from the consumer with another `--remote-kubeconfig` flag.
    async fn peer_with_remote(&self, remote: &str, extra: &[&str]) -> Output {
        let local = kubeconfig(env().cluster(C).kubeconfig());
        let mut args = vec![local.as_str(), "peer", remote];
        args.extend(extra);
        flows::run(&args).await
    }

    async fn await_ready_node(&self, name: &str) {
        let nodes: Api<Node> = Api::all(env().cluster(C).client());
        let ready = |n: Option<&Node>| n.is_some_and(liqo_kube::offloading::node::is_ready);
        flows::within(
            &format!("Node {name} Ready"),
            kube::runtime::wait::await_condition(nodes, name, ready),
        )
        .await
        .unwrap();
    }
}
