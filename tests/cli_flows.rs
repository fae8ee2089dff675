//! liqoctl flows no other test runs, each ending in a
//! before/after snapshot diff of both clusters: authenticate through an HTTP CONNECT proxy and
//! with non-default Liqo namespaces, the out-of-band handshake undone by unauthenticate, the
//! single-cluster commands with nothing to find, and (on a test network, as tests/network.rs)
//! the gateway Service types, `--disable-sharing-keys`, namespaces given by flag and `network
//! reset` confirmed on a real terminal. The authentication flows run on clusters of their
//! own (the single-cluster case first, on the proxy test's consumer); the network cases two
//! by two on a shared pair.

mod common;
#[path = "common/installs.rs"]
mod installs;

#[path = "common/flows.rs"]
#[allow(dead_code)] // its env constructors install one cluster at a time; ours use installs.rs
mod flows;

use common::{kubeconfig, remote_kubeconfig, snapshot, stderr, stdout};
use flows::{
    ConnectProxy, NetPair, assert_pair_diff, authenticated, connected, first_line, gateways,
    identity_kubeconfig, kubectl_apply, names, ok, run, snapshots, tenant_ns, unauthenticated,
    within,
};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{ListParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::{Api, ResourceExt};
use liqo_api::authentication::{Renew, Tenant};
use liqo_api::consts::field_manager;
use liqo_api::core::ForeignCluster;
use liqo_api::networking::{
    Configuration, Connection, GatewayClient, GatewayServer, PublicKey, ServiceType,
};

/// [`flows::installed`], installing on the clusters at once.
async fn installed(clusters: &[(&'static str, &'static str)]) -> liqo_testenv::Env {
    let clusters = clusters.to_vec();
    tokio::task::spawn_blocking(move || installs::installed_env(&clusters, &[]))
        .await
        .expect("env thread")
}

/// [`NetPair::start`], installing on both clusters at once.
async fn net_pair(local: &'static str, remote: &'static str) -> NetPair {
    let env = tokio::task::spawn_blocking(move || {
        installs::installed_network_env(&[
            (local, &format!("{local}-id"), "10.243.0.0/16"),
            (remote, &format!("{remote}-id"), "10.244.0.0/16"),
        ])
    })
    .await
    .expect("env thread");
    NetPair { env, local, remote }
}

// The single-cluster case runs first on the proxy test's consumer, while that cluster is as
// installed (a cluster of its own would cost a start and an install); the tenant namespace it
// leaves is for a cluster ID the proxy test never uses, and is in that test's `before`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_to_find_then_authenticate_with_proxy_url() {
    let (c_id, p_id) = ("px-consumer-id", "px-provider-id");
    let env = installed(&[("px-consumer", c_id), ("px-provider", p_id)]).await;
    get_nonce_and_delete_peering_user_with_nothing_to_find_change_nothing(&env, "px-consumer")
        .await;
    authenticate_with_proxy_url_makes_the_consumer_reach_the_provider_through_it(&env, c_id, p_id)
        .await;
}

async fn authenticate_with_proxy_url_makes_the_consumer_reach_the_provider_through_it(
    env: &liqo_testenv::Env,
    c_id: &str,
    p_id: &str,
) {
    let (consumer, provider) = (
        env.cluster("px-consumer").client(),
        env.cluster("px-provider").client(),
    );
    let before = snapshots(&consumer, &provider).await;
    let target = env
        .cluster("px-provider")
        .server()
        .trim_start_matches("https://")
        .to_string();
    let proxy = ConnectProxy::start(&target).await;

    let out = run(&[
        &kubeconfig(env.cluster("px-consumer").kubeconfig()),
        "authenticate",
        &remote_kubeconfig(env.cluster("px-provider").kubeconfig()),
        &format!("--proxy-url={}", proxy.url),
    ])
    .await;
    ok("authenticate --proxy-url", &out);

    // The URL travels Tenant → Identity → kubeconfig and ForeignCluster.
    let tenant = Api::<Tenant>::namespaced(provider.clone(), &tenant_ns(c_id))
        .get(c_id)
        .await
        .unwrap();
    assert_eq!(tenant.spec.proxy_url.as_deref(), Some(proxy.url.as_str()));
    let text = identity_kubeconfig(&consumer, p_id).await;
    let parsed = kube::config::Kubeconfig::from_yaml(&text).unwrap();
    let cluster = parsed.clusters[0].cluster.clone().unwrap();
    assert_eq!(cluster.proxy_url.as_deref(), Some(proxy.url.as_str()));
    assert_eq!(
        cluster.server.as_deref(),
        Some(env.cluster("px-provider").server())
    );
    let fcs: Api<ForeignCluster> = Api::all(consumer.clone());
    let url = proxy.url.clone();
    within(
        "the provider's ForeignCluster to show the proxy",
        await_condition(fcs, p_id, move |fc: Option<&ForeignCluster>| {
            fc.and_then(|f| f.status.as_ref()?.foreign_proxy_url.clone())
                .is_some_and(|u| u == url)
        }),
    )
    .await
    .unwrap();

    // The CRD replicator writes the consumer's Renew into the provider through that kubeconfig,
    // so through the proxy (a client ignoring proxy-url would dial the API server directly and
    // open no tunnel).
    let renews: Api<Renew> = Api::namespaced(provider.clone(), &tenant_ns(c_id));
    let by_renewer = |r: Option<&Renew>| {
        r.is_some_and(|r| {
            r.managed_fields()
                .iter()
                .any(|m| m.manager.as_deref() == Some(field_manager::CRD_REPLICATOR))
        })
    };
    let made = tokio::time::timeout(
        flows::WAIT,
        await_condition(renews, &format!("controlplane-{p_id}"), by_renewer),
    )
    .await;
    assert!(
        made.is_ok_and(|r| r.is_ok()),
        "no Renew from the consumer's replicator; its log:\n{}",
        flows::pod_log_lines(env.cluster("px-consumer"), "crdreplicator")
    );
    assert!(proxy.tunnels() > 0, "no tunnel through the proxy");
    assert_eq!(proxy.refused(), Vec::<String>::new(), "requests refused");

    flows::await_settled(&consumer, &provider, c_id, p_id).await;
    let after = snapshots(&consumer, &provider).await;
    assert_pair_diff(&before, &after, authenticated(c_id, p_id), c_id, p_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticate_and_unauthenticate_work_with_liqo_in_other_namespaces() {
    let (c_id, p_id) = ("ns-consumer-id", "ns-provider-id");
    let env = tokio::task::spawn_blocking(move || {
        installs::installed_env_with_namespaces(&[
            ("ns-consumer", c_id, "liqo-c"),
            ("ns-provider", p_id, "liqo-p"),
        ])
    })
    .await
    .expect("env thread");
    let (consumer, provider) = (
        env.cluster("ns-consumer").client(),
        env.cluster("ns-provider").client(),
    );
    let before = snapshots(&consumer, &provider).await;
    let (kc, remote) = (
        kubeconfig(env.cluster("ns-consumer").kubeconfig()),
        remote_kubeconfig(env.cluster("ns-provider").kubeconfig()),
    );

    // Without the flags, Liqo is looked for in `liqo`, and nothing is written.
    let out = run(&[&kc, "authenticate", &remote]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        first_line(&err).starts_with("ERRO: Liqo is not installed in the local cluster")
            && first_line(&err).contains("namespace \"liqo\""),
        "{err}"
    );
    assert_eq!(
        snapshots(&consumer, &provider).await,
        before,
        "nothing written"
    );

    let flags = ["--namespace=liqo-c", "--remote-namespace=liqo-p"];
    let out = run(&[&kc, "authenticate", &remote, flags[0], flags[1]]).await;
    ok("authenticate -n liqo-c --remote-namespace liqo-p", &out);
    let text = identity_kubeconfig(&consumer, p_id).await;
    let as_consumer = common::client_from_kubeconfig(&text).await;
    assert!(
        common::can(
            &as_consumer,
            "create",
            "authentication.liqo.io",
            "resourceslices",
            &tenant_ns(c_id)
        )
        .await,
        "the identity works in the provider"
    );
    flows::await_settled(&consumer, &provider, c_id, p_id).await;
    let after = snapshots(&consumer, &provider).await;
    assert_pair_diff(&before, &after, authenticated(c_id, p_id), c_id, p_id);

    let out = run(&[&kc, "unauthenticate", &remote, flags[0], flags[1]]).await;
    ok("unauthenticate -n liqo-c --remote-namespace liqo-p", &out);
    let after = snapshots(&consumer, &provider).await;
    assert_pair_diff(&before, &after, unauthenticated(c_id, p_id), c_id, p_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_band_authentication_undone_by_unauthenticate_leaves_only_known_residue() {
    let (c_id, p_id) = ("oob-c-id", "oob-p-id");
    let env = installed(&[("oob-c", c_id), ("oob-p", p_id)]).await;
    let (consumer, provider) = (env.cluster("oob-c").client(), env.cluster("oob-p").client());
    let (c, p) = (
        kubeconfig(env.cluster("oob-c").kubeconfig()),
        kubeconfig(env.cluster("oob-p").kubeconfig()),
    );
    let before = snapshots(&consumer, &provider).await;

    // docs/authentication.md, "Out of band", each command on one cluster only.
    let consumer_flag = format!("--remote-cluster-id={c_id}");
    let out = run(&[&p, "create", "nonce", &consumer_flag]).await;
    ok("create nonce", &out);
    let out = run(&[&p, "get", "nonce", &consumer_flag]).await;
    ok("get nonce", &out);
    let nonce = stdout(&out);
    let out = run(&[
        &c,
        "generate",
        "tenant",
        &format!("--remote-cluster-id={p_id}"),
        &format!("--nonce={nonce}"),
        &format!("--remote-tenant-namespace={}", tenant_ns(c_id)),
    ])
    .await;
    ok("generate tenant", &out);
    kubectl_apply(&env, "oob-p", &stdout(&out));
    let tenants: Api<Tenant> = Api::namespaced(provider.clone(), &tenant_ns(c_id));
    within(
        "the tenant controller to accept the Tenant",
        await_condition(tenants, c_id, |t: Option<&Tenant>| {
            t.and_then(|t| t.status.as_ref()?.auth_params.as_ref())
                .is_some()
        }),
    )
    .await
    .unwrap();
    let out = run(&[
        &p,
        "generate",
        "identity",
        &consumer_flag,
        &format!("--remote-tenant-namespace={}", tenant_ns(p_id)),
    ])
    .await;
    ok("generate identity", &out);
    kubectl_apply(&env, "oob-c", &stdout(&out));
    let text = identity_kubeconfig(&consumer, p_id).await;
    common::client_from_kubeconfig(&text)
        .await
        .apiserver_version()
        .await
        .expect("the identity reaches the provider");
    flows::await_settled(&consumer, &provider, c_id, p_id).await;
    let authenticated_state = snapshots(&consumer, &provider).await;
    assert_pair_diff(
        &before,
        &authenticated_state,
        authenticated(c_id, p_id),
        c_id,
        p_id,
    );

    // unauthenticate, with both kubeconfigs, undoes the out-of-band handshake.
    let out = run(&[
        &c,
        "unauthenticate",
        &remote_kubeconfig(env.cluster("oob-p").kubeconfig()),
    ])
    .await;
    ok("unauthenticate", &out);
    let after = snapshots(&consumer, &provider).await;
    assert_pair_diff(&before, &after, unauthenticated(c_id, p_id), c_id, p_id);
}

async fn get_nonce_and_delete_peering_user_with_nothing_to_find_change_nothing(
    env: &liqo_testenv::Env,
    cluster: &str,
) {
    let client = env.cluster(cluster).client();
    // A tenant namespace with no nonce in it, as `generate peering-user` or a failed
    // authentication leave one.
    liqo_kube::tenant_namespace::ensure(&client, "half-id", field_manager::LIQOCTL)
        .await
        .unwrap();
    let before = snapshot(&client).await;
    let kc = kubeconfig(env.cluster(cluster).kubeconfig());

    let out = run(&[&kc, "get", "nonce", "--remote-cluster-id=nobody-id"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        first_line(&stderr(&out)),
        "ERRO: unable to retrieve tenant namespace: none for cluster nobody-id; run `liqoctl create nonce` first"
    );
    let out = run(&[&kc, "get", "nonce", "--remote-cluster-id=half-id"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        first_line(&stderr(&out)),
        "ERRO: unable to retrieve nonce: none yet for cluster half-id; run `liqoctl create nonce` first"
    );

    // Deleting what is not there succeeds (a re-run of a delete converges) and says so.
    for id in ["nobody-id", "half-id"] {
        let out = run(&[
            &kc,
            "delete",
            "peering-user",
            &format!("--consumer-cluster-id={id}"),
        ])
        .await;
        ok("delete peering-user", &out);
        assert_eq!(stdout(&out), "");
        assert_eq!(
            first_line(&stderr(&out)),
            format!("INFO: No peering user for cluster with ID \"{id}\": nothing to delete")
        );
    }
    assert_eq!(
        snapshot(&client).await,
        before,
        "nothing written or deleted"
    );
}

// The network cases share a pair per test (a pair's start and two installs cost more than a
// case): each case ends by resetting the pair to its own `before`, so the next one starts
// from a disconnected pair. Tenant namespaces a reset leaves are in the next case's `before`.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_namespace_flags_then_nodeport_server_with_reset_on_a_terminal() {
    let pair = net_pair("np-a", "np-b").await;
    // First: it checks that no tenant namespace exists, and its reset leaves none.
    network_commands_put_their_objects_in_the_namespaces_given_by_flag(&pair).await;
    nodeport_server_connects_and_reset_on_a_terminal_deletes_only_on_yes(&pair).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_clusterip_server_then_disable_sharing_keys() {
    let pair = net_pair("cip-a", "cip-b").await;
    clusterip_server_connects_through_the_client_address_flag(&pair).await;
    disable_sharing_keys_sets_up_both_gateways_and_exchanges_no_public_key(&pair).await;
}

async fn nodeport_server_connects_and_reset_on_a_terminal_deletes_only_on_yes(pair: &NetPair) {
    let (l, r) = pair.clients();
    let before = snapshots(&l, &r).await;
    let (l_ns, r_ns) = (tenant_ns(&pair.remote_id()), tenant_ns(&pair.local_id()));

    let out = pair
        .network(
            "connect",
            &[
                "--gw-server-service-type=NodePort",
                "--wait",
                "--timeout=150s",
            ],
        )
        .await;
    ok("connect --gw-server-service-type NodePort", &out);
    let (svc, server, client) = gateways(pair, &l_ns, &r_ns).await;
    let spec = svc.spec.unwrap();
    assert_eq!(spec.type_.as_deref(), Some("NodePort"));
    let port = &spec.ports.unwrap()[0];
    let node_port = port.node_port.expect("a node port is allocated");
    assert_eq!(port.port, 51840);
    let endpoint = server.spec.endpoint.unwrap();
    assert_eq!(endpoint.service_type, Some(ServiceType::NodePort));
    // The client dials the server's node on the node port.
    let published = server.status.unwrap().endpoint.unwrap();
    assert_eq!(published.addresses, Some(vec![pair.server_node_ip()]));
    assert_eq!(published.port, Some(node_port));
    let dialled = client.spec.endpoint.unwrap();
    assert_eq!(dialled.addresses, Some(vec![pair.server_node_ip()]));
    assert_eq!(dialled.port, Some(node_port));
    for (c, ns) in [(&l, &l_ns), (&r, &r_ns)] {
        let conns: Api<Connection> = Api::namespaced(c.clone(), ns);
        let list = conns.list(&ListParams::default()).await.unwrap().items;
        assert!(list.len() == 1 && connected(&list[0]), "{list:?}");
    }

    // On a terminal, reset asks first: "n" declines with exit 1 and deletes nothing.
    let connected_state = snapshots(&l, &r).await;
    let args = [
        kubeconfig(pair.env.cluster(pair.local).kubeconfig()),
        "network".into(),
        "reset".into(),
        remote_kubeconfig(pair.env.cluster(pair.remote).kubeconfig()),
        "--wait".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, text) = flows::liqoctl_on_tty(&args, "n\n").await;
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("reset is a potentially destructive command.")
            && text.contains("Are you sure you want to continue? [y/N]")
            && !text.contains("Deleting"),
        "{text}"
    );
    assert_eq!(
        snapshots(&l, &r).await,
        connected_state,
        "a declined reset deletes nothing"
    );

    // "y" goes ahead, and --wait returns once everything is gone.
    let (code, text) = flows::liqoctl_on_tty(&args, "y\n").await;
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Are you sure you want to continue? [y/N]")
            && text.contains("Network configuration correctly deleted"),
        "{text}"
    );
    pair.assert_back_to(&before, true).await;
}

async fn clusterip_server_connects_through_the_client_address_flag(pair: &NetPair) {
    let (l, r) = pair.clients();
    let before = snapshots(&l, &r).await;
    let (l_ns, r_ns) = (tenant_ns(&pair.remote_id()), tenant_ns(&pair.local_id()));

    // A ClusterIP is not reachable from another cluster: the client dials the node instead.
    let address = format!("--gw-client-address={}", pair.server_node_ip());
    let out = pair
        .network(
            "connect",
            &[
                "--gw-server-service-type=ClusterIP",
                &address,
                "--wait",
                "--timeout=150s",
            ],
        )
        .await;
    ok("connect --gw-server-service-type ClusterIP", &out);
    let (svc, server, client) = gateways(pair, &l_ns, &r_ns).await;
    let spec = svc.spec.unwrap();
    assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
    let port = &spec.ports.unwrap()[0];
    assert_eq!((port.port, port.node_port), (51840, None));
    assert_eq!(
        server.spec.endpoint.unwrap().service_type,
        Some(ServiceType::ClusterIP)
    );
    let published = server.status.unwrap().endpoint.unwrap();
    assert_eq!(
        published.addresses, spec.cluster_ips,
        "the ClusterIP is published"
    );
    assert_eq!(published.port, Some(51840));
    let dialled = client.spec.endpoint.unwrap();
    assert_eq!(dialled.addresses, Some(vec![pair.server_node_ip()]));
    assert_eq!(dialled.port, Some(51840));
    for (c, ns) in [(&l, &l_ns), (&r, &r_ns)] {
        let conns: Api<Connection> = Api::namespaced(c.clone(), ns);
        let list = conns.list(&ListParams::default()).await.unwrap().items;
        assert!(list.len() == 1 && connected(&list[0]), "{list:?}");
    }
    pair.reset_to(&before, &[]).await;
}

async fn disable_sharing_keys_sets_up_both_gateways_and_exchanges_no_public_key(pair: &NetPair) {
    let (l, r) = pair.clients();
    let before = snapshots(&l, &r).await;
    let (l_ns, r_ns) = (tenant_ns(&pair.remote_id()), tenant_ns(&pair.local_id()));

    let out = pair.network("connect", &["--disable-sharing-keys"]).await;
    ok("connect --disable-sharing-keys", &out);
    let err = stderr(&out);
    assert!(
        err.ends_with(&format!(
            "INFO: (local) Gateway pod gw-{} is ready\n",
            pair.remote_id()
        )) && !err.contains("ublic key"),
        "the command stops once the client runs:\n{err}"
    );
    // Both gateways have their keys (where connect would read them) and are running.
    let server_keys = Api::<GatewayServer>::namespaced(r.clone(), &r_ns);
    within(
        "the server's keys",
        await_condition(
            server_keys,
            &pair.local_id(),
            |g: Option<&GatewayServer>| {
                g.and_then(|g| g.status.as_ref()?.secret_ref.as_ref())
                    .is_some()
            },
        ),
    )
    .await
    .unwrap();
    let client_keys = Api::<GatewayClient>::namespaced(l.clone(), &l_ns);
    within(
        "the client's keys",
        await_condition(
            client_keys,
            &pair.remote_id(),
            |g: Option<&GatewayClient>| {
                g.and_then(|g| g.status.as_ref()?.secret_ref.as_ref())
                    .is_some()
            },
        ),
    )
    .await
    .unwrap();
    for (c, ns) in [(&l, &l_ns), (&r, &r_ns)] {
        assert_eq!(
            names::<PublicKey>(c, ns).await,
            Vec::<String>::new(),
            "PublicKeys in {ns}"
        );
        // Without the peer's key a gateway has no tunnel to report on.
        assert_eq!(
            names::<Connection>(c, ns).await,
            Vec::<String>::new(),
            "Connections in {ns}"
        );
    }
    pair.reset_to(&before, &[]).await;
}

async fn network_commands_put_their_objects_in_the_namespaces_given_by_flag(pair: &NetPair) {
    let (l, r) = pair.clients();
    for (c, ns) in [(&l, "net-local"), (&r, "net-remote")] {
        let namespace: Namespace =
            serde_json::from_value(serde_json::json!({"metadata": {"name": ns}})).unwrap();
        Api::<Namespace>::all(c.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .unwrap();
    }
    let before = snapshots(&l, &r).await;
    let flags = ["--namespace=net-local", "--remote-namespace=net-remote"];

    let out = pair
        .network("connect", &[flags[0], flags[1], "--wait", "--timeout=150s"])
        .await;
    ok("connect -n net-local --remote-namespace net-remote", &out);
    let (svc, _, _) = gateways(pair, "net-local", "net-remote").await;
    assert_eq!(svc.spec.unwrap().type_.as_deref(), Some("LoadBalancer"));
    let (l_id, r_id) = (pair.local_id(), pair.remote_id());
    for (c, ns, peer) in [(&l, "net-local", &r_id), (&r, "net-remote", &l_id)] {
        assert_eq!(
            names::<Configuration>(c, ns).await,
            std::slice::from_ref(peer)
        );
        assert_eq!(names::<PublicKey>(c, ns).await, std::slice::from_ref(peer));
        let conns: Api<Connection> = Api::namespaced(c.clone(), ns);
        let list = conns.list(&ListParams::default()).await.unwrap().items;
        assert!(list.len() == 1 && connected(&list[0]), "{list:?}");
    }
    // No tenant namespace was made for them.
    for (c, peer) in [(&l, &r_id), (&r, &l_id)] {
        let found = liqo_kube::tenant_namespace::lookup(c, peer).await.unwrap();
        assert!(
            found.is_none(),
            "tenant namespace {:?}",
            found.map(|n| n.name_any())
        );
    }

    // disconnect and reset take the same flags and find the objects there.
    let out = pair
        .network(
            "disconnect",
            &[flags[0], flags[1], "--skip-confirm", "--wait"],
        )
        .await;
    ok("disconnect -n … --remote-namespace …", &out);
    assert!(
        stderr(&out).contains("INFO: (local) Gateway client correctly deleted")
            && stderr(&out).contains("INFO: (remote) Gateway server correctly deleted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        names::<GatewayClient>(&l, "net-local").await,
        Vec::<String>::new()
    );
    assert_eq!(
        names::<GatewayServer>(&r, "net-remote").await,
        Vec::<String>::new()
    );
    assert_eq!(
        names::<Configuration>(&l, "net-local").await,
        std::slice::from_ref(&r_id)
    );
    pair.reset_to(&before, &flags).await;
}
