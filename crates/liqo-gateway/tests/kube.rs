//! The gateway under Kubernetes: two real test clusters (with a test network: each node is a
//! network namespace on a shared bridge), upstream's CRDs, and one `liqo-gateway` per cluster
//! started by hand in the node's namespace the way the node agent runs a gateway pod.
//! PublicKeys configure the tunnel, each gateway creates its Connection and drives it to
//! Connected, a Configuration installs routes and NAT, and losing the peer turns the
//! Connection to Error until the peer is back.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Gateway, Keys, keys};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::api::{ObjectMeta, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::label::REMOTE_CLUSTER_ID;
use liqo_api::networking::{
    ClusterConfig, ClusterConfigCidr, Configuration, ConfigurationSpec, Connection,
    ConnectionStatusValue, ConnectionType, Endpoint, EndpointStatus, GatewayClient,
    GatewayClientSpec, GatewayServer, GatewayServerSpec, Protocol, PublicKey, PublicKeySpec,
};
use liqo_testenv::{Cluster, Env};
use nix::sys::signal::Signal;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(90);
const SERVER_ID: &str = "gw-server-id";
const CLIENT_ID: &str = "gw-client-id";
const GATEWAY_NAME: &str = "peer-gateway";
const TEST_MANAGER: &str = "liqo-gateway-test";

fn tenant(peer: &str) -> String {
    format!("liqo-tenant-{peer}")
}

/// Upstream's CRDs for the kinds the gateway reads and writes.
async fn install_upstream_crds(client: &Client) {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/liqo-crds"
    ));
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    for plural in [
        "connections",
        "publickeies",
        "configurations",
        "gatewayservers",
        "gatewayclients",
    ] {
        let path = dir.join(format!("networking.liqo.io_{plural}.yaml"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let crd: CustomResourceDefinition = serde_norway::from_str(&text).unwrap();
        let name = crd.name_any();
        api.patch(
            &name,
            &PatchParams::apply(TEST_MANAGER).force(),
            &Patch::Apply(&crd),
        )
        .await
        .unwrap();
        liqo_kube::install::await_crd_established(client, &name, WAIT)
            .await
            .unwrap();
    }
}

/// A kubeconfig like the admin one, but with the API server as reached from the node's
/// namespace.
fn node_kubeconfig(cluster: &Cluster, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(cluster.kubeconfig()).unwrap();
    let node_server = cluster.node_server().expect("the env has a network");
    assert!(
        text.contains(cluster.server()),
        "kubeconfig names the server"
    );
    let path = dir.join(format!("{}.kubeconfig", cluster.name()));
    std::fs::write(&path, text.replace(cluster.server(), &node_server)).unwrap();
    path
}

fn keys_dir(dir: &Path, name: &str, k: &Keys) -> PathBuf {
    let d = dir.join(format!("{name}-keys"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(&k.private, d.join("privateKey")).unwrap();
    std::fs::write(d.join("publicKey"), k.public).unwrap();
    d
}

async fn create<K>(api: &Api<K>, object: &K) -> K
where
    K: kube::Resource + Clone + serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    api.create(&PostParams::default(), object).await.unwrap()
}

fn meta(name: &str, namespace: &str, peer: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(namespace.into()),
        labels: Some([(REMOTE_CLUSTER_ID.to_string(), peer.to_string())].into()),
        ..Default::default()
    }
}

/// Waits (by watch) until the Connection `gw-<name>` satisfies `done`.
async fn connection_until(
    client: &Client,
    namespace: &str,
    what: &str,
    done: impl Fn(&Connection) -> bool,
) -> Connection {
    let api: Api<Connection> = Api::namespaced(client.clone(), namespace);
    let name = format!("gw-{GATEWAY_NAME}");
    liqo_kube::wait::object(
        api,
        &name,
        what,
        WAIT,
        |c| c.is_some_and(&done),
        |c| format!("{:?}", c.map(|c| &c.status)),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .expect("the Connection exists")
}

/// Waits (by watch) for an Event on the Connection `gw-<name>` with `reason`; returns its note.
async fn connection_event(client: &Client, namespace: &str, reason: &str) -> String {
    use k8s_openapi::api::events::v1::Event;
    let name = format!("gw-{GATEWAY_NAME}");
    let about = |e: &Event| {
        e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name.as_str())
            && e.reason.as_deref() == Some(reason)
    };
    let events = liqo_kube::wait::list(
        Api::<Event>::namespaced(client.clone(), namespace),
        "",
        &format!("a {reason} Event on the Connection"),
        WAIT,
        |events| Ok(events.iter().any(about)),
        |events| format!("{} Events", events.len()),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let event = events.into_iter().find(about).expect("the wait found it");
    assert_eq!(event.reporting_controller.as_deref(), Some("liqo-gateway"));
    event.note.unwrap_or_default()
}

fn value(c: &Connection) -> Option<ConnectionStatusValue> {
    c.status.as_ref().and_then(|s| s.value.clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn gateways_under_kubernetes_connect_report_and_apply_the_configuration() {
    let env = Env::builder()
        .network(true)
        .cluster_config(liqo_testenv::ClusterConfig::new("gws").pod_cidr("10.243.0.0/16"))
        .cluster_config(liqo_testenv::ClusterConfig::new("gwc").pod_cidr("10.244.0.0/16"))
        .start_blocking()
        .expect("test clusters start");
    let (s, c) = (env.cluster("gws"), env.cluster("gwc"));
    let (sc, cc) = (s.client(), c.client());
    let dir = tempfile::tempdir().unwrap();
    let (server_keys, client_keys) = (keys(dir.path(), "server"), keys(dir.path(), "client"));

    // Each cluster: upstream CRDs, the peer's tenant namespace, the gateway object (whose UID
    // the gateway gets) and the peer's PublicKey.
    let mut uids = Vec::new();
    for (client, peer, peer_keys) in [
        (&sc, CLIENT_ID, &client_keys),
        (&cc, SERVER_ID, &server_keys),
    ] {
        install_upstream_crds(client).await;
        let ns = tenant(peer);
        let namespace = Namespace {
            metadata: ObjectMeta {
                name: Some(ns.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        create(&Api::all(client.clone()), &namespace).await;
        let uid = if peer == CLIENT_ID {
            let gw = GatewayServer {
                metadata: meta(GATEWAY_NAME, &ns, peer),
                spec: GatewayServerSpec {
                    mtu: Some(1340),
                    endpoint: Some(Endpoint {
                        port: Some(51840),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                status: None,
            };
            create(&Api::namespaced(client.clone(), &ns), &gw)
                .await
                .uid()
        } else {
            let gw = GatewayClient {
                metadata: meta(GATEWAY_NAME, &ns, peer),
                spec: GatewayClientSpec {
                    mtu: Some(1340),
                    endpoint: Some(EndpointStatus {
                        addresses: Some(vec![s.node_ip().unwrap().to_string()]),
                        port: Some(51840),
                        protocol: Some(Protocol::Udp),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                status: None,
            };
            create(&Api::namespaced(client.clone(), &ns), &gw)
                .await
                .uid()
        };
        uids.push(uid.expect("a created object has a UID"));
        let owner = if peer == CLIENT_ID {
            CLIENT_ID
        } else {
            SERVER_ID
        };
        let key = PublicKey {
            metadata: meta(owner, &ns, peer),
            spec: PublicKeySpec {
                public_key: Some(ByteString(peer_keys.public.to_vec())),
            },
        };
        create(&Api::namespaced(client.clone(), &ns), &key).await;
    }

    let common = |peer: &str, uid: &str, mode: &str, keys: &Path| {
        vec![
            format!("--name={GATEWAY_NAME}"),
            format!("--namespace={}", tenant(peer)),
            format!("--remote-cluster-id={peer}"),
            format!("--gateway-uid={uid}"),
            format!("--mode={mode}"),
            "--node-name=node".into(),
            "--pod-name=gw-pod".into(),
            "--mtu=1340".into(),
            format!("--keys-dir={}", keys.display()),
            // Upstream template flags, accepted and ignored.
            "--container-name=gateway".into(),
            "--concurrent-containers-names=wireguard,geneve".into(),
            "--leader-election=false".into(),
            "--health-probe-bind-address=:8083".into(),
        ]
    };
    let s_kubeconfig = node_kubeconfig(s, dir.path());
    let c_kubeconfig = node_kubeconfig(c, dir.path());
    let mut server_args = common(
        CLIENT_ID,
        &uids[0],
        "server",
        &keys_dir(dir.path(), "s", &server_keys),
    );
    server_args.push("--listen-port=51840".into());
    let start_server = |log: &str| {
        Gateway::start(
            s.node_netns().unwrap(),
            dir.path().join(log),
            &server_args,
            &[("KUBECONFIG", s_kubeconfig.to_str().unwrap())],
        )
    };
    let mut server = start_server("server.log");
    let mut client_args = common(
        SERVER_ID,
        &uids[1],
        "client",
        &keys_dir(dir.path(), "c", &client_keys),
    );
    client_args.push(format!("--endpoint-address={}", s.node_ip().unwrap()));
    client_args.push("--endpoint-port=51840".into());
    let client = Gateway::start(
        c.node_netns().unwrap(),
        dir.path().join("client.log"),
        &client_args,
        &[("KUBECONFIG", c_kubeconfig.to_str().unwrap())],
    );

    // Each gateway owns a Connection with upstream's shape, and measures the round trip.
    for (cluster, peer, uid, kind, wg_kind, type_) in [
        (
            &sc,
            CLIENT_ID,
            &uids[0],
            "GatewayServer",
            "WgGatewayServer",
            ConnectionType::Server,
        ),
        (
            &cc,
            SERVER_ID,
            &uids[1],
            "GatewayClient",
            "WgGatewayClient",
            ConnectionType::Client,
        ),
    ] {
        let conn = connection_until(cluster, &tenant(peer), "Connected", |c| {
            value(c) == Some(ConnectionStatusValue::Connected)
        })
        .await;
        assert_eq!(
            conn.labels().get(REMOTE_CLUSTER_ID).map(String::as_str),
            Some(peer)
        );
        let owner = &conn.owner_references()[0];
        assert_eq!(
            (
                owner.kind.as_str(),
                owner.name.as_str(),
                owner.uid.as_str(),
                owner.controller
            ),
            (kind, GATEWAY_NAME, uid.as_str(), None)
        );
        assert_eq!(conn.spec.type_, type_);
        let note = connection_event(cluster, &tenant(peer), "Connected").await;
        assert!(note.ends_with("ago; the peer answers PINGs"), "{note}");
        let gw_ref = &conn.spec.gateway_ref;
        assert_eq!(gw_ref.kind.as_deref(), Some(wg_kind));
        assert_eq!(
            gw_ref.uid.as_deref(),
            Some(uid.as_str()),
            "upstream quirk: the gateway's UID"
        );
        assert_eq!(
            gw_ref.api_version.as_deref(),
            Some("networking.liqo.io/v1beta1")
        );
        let latency = conn.status.as_ref().unwrap().latency.clone().unwrap();
        let text = latency.value.unwrap();
        let digits = text.trim_end_matches("ms").trim_end_matches("μs");
        assert!(
            digits != text && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
            "latency {text:?}"
        );
        assert!(latency.timestamp.is_some());
    }

    // The kubelet's probes are answered on the template's address.
    for node in [s.node_ip().unwrap(), c.node_ip().unwrap()] {
        let mut stream = std::net::TcpStream::connect((node, 8083)).unwrap();
        std::io::Write::write_all(&mut stream, b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    }

    // A ready Configuration in the client cluster: the server's pods, remapped.
    let conf_api: Api<Configuration> = Api::namespaced(cc.clone(), &tenant(SERVER_ID));
    let cidrs = |pod: &str, ext: &str| {
        Some(ClusterConfig {
            cidr: Some(ClusterConfigCidr {
                pod: Some(vec![pod.into()]),
                external: Some(vec![ext.into()]),
            }),
        })
    };
    let conf = create(
        &conf_api,
        &Configuration {
            metadata: meta(SERVER_ID, &tenant(SERVER_ID), SERVER_ID),
            spec: ConfigurationSpec {
                local: cidrs("10.244.0.0/16", "10.70.0.0/16"),
                remote: cidrs("10.243.0.0/16", "10.70.0.0/16"),
            },
            status: None,
        },
    )
    .await;
    let status = json!({
        "apiVersion": "networking.liqo.io/v1beta1", "kind": "Configuration",
        "status": {
            "remote": {"cidr": {"pod": ["10.71.0.0/16"], "external": ["10.68.0.0/16"]}},
            "conditions": [serde_json::to_value(Condition {
                type_: "NetworkCIDRsConfigured".into(),
                status: "True".into(),
                observed_generation: conf.metadata.generation,
                last_transition_time: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                    k8s_openapi::jiff::Timestamp::now()),
                reason: "NetworkCIDRsConfigured".into(),
                message: "All network CIDRs are configured".into(),
            }).unwrap()],
        },
    });
    conf_api
        .patch_status(
            &conf.name_any(),
            &PatchParams::apply(TEST_MANAGER),
            &Patch::Apply(status),
        )
        .await
        .unwrap();
    let netns = c.node_netns().unwrap();
    common::wait_until(WAIT, "routes and NAT in the client's node", || {
        let routes = common::output(netns, "ip", &["route", "show", "table", "1818"]);
        let nft = common::output(netns, "nft", &["list", "table", "ip", "liqo-gateway"]);
        routes.contains("10.243.0.0/16 via 169.254.18.1 dev liqo-tunnel")
            && routes.contains("10.70.0.0/16 via 169.254.18.1 dev liqo-tunnel")
            && nft.contains("dnat ip prefix to ip daddr map { 10.71.0.0/16 : 10.243.0.0/16 }")
            && nft.contains("snat ip prefix to ip saddr map { 10.70.0.0/16 : 10.68.0.0/16 }")
    });

    // The server goes away: the client's Connection turns to Error, then back to Connected.
    assert!(server.stop(Signal::SIGTERM).success(), "{}", server.log());
    connection_until(&cc, &tenant(SERVER_ID), "Error", |c| {
        value(c) == Some(ConnectionStatusValue::Error)
    })
    .await;
    // The cause, which the status has no room for, is in an Event.
    let note = connection_event(&cc, &tenant(SERVER_ID), "ConnectionError").await;
    assert!(
        note.starts_with("WireGuard handshake with ")
            && note.ends_with("but PINGs to the peer's gateway on UDP port 12345 get no PONG"),
        "{note}"
    );
    let server = start_server("server-2.log");
    connection_until(&cc, &tenant(SERVER_ID), "Connected again", |c| {
        value(c) == Some(ConnectionStatusValue::Connected)
    })
    .await;
    drop((server, client));
}
