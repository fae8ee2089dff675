//! The networking controllers on a real installed cluster (the controller manager runs as a
//! pod through the test node agent): remapping of Configurations through Networks and the
//! in-process IPAM, release on delete, stability across a controller restart, and gateway
//! templates rendered down to Deployments, Services, keys, ServiceAccounts and bindings.

#[path = "common/install.rs"]
mod install;
#[path = "common/snapshot.rs"]
mod snapshot;
#[path = "common/until.rs"]
mod until;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::LazyLock;
use std::time::Duration;

use install::LIQO;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Pod, Secret, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::{DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::core::{ConditionStatusType, ConditionType, ForeignCluster, ForeignClusterSpec};
use liqo_api::ipam::Network;
use liqo_api::networking::{
    ClusterConfig, ClusterConfigCidr, Configuration, ConfigurationSpec, Endpoint, EndpointStatus,
    GatewayClient, GatewayClientSpec, GatewayServer, GatewayServerSpec, ServiceType,
    WgGatewayClient, WgGatewayServer,
};
use liqo_testenv::Env;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use snapshot::{assert_no_residue, diff, snapshot, until_none};

const WAIT: Duration = Duration::from_secs(90);

/// The cluster the gateway tests share; they take [`SERIAL`] so that each one's before/after
/// snapshot sees only its own writes. The IPAM test, which restarts the controller manager,
/// has a cluster of its own.
static ENV: LazyLock<Env> = LazyLock::new(|| install::start_installed("net", "net-local"));

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn client() -> Client {
    ENV.cluster("net").client()
}

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(&api, name, what, WAIT, done).await
}

async fn until_gone<K>(api: Api<K>, name: &str)
where
    K: Resource + Clone + DeserializeOwned + Serialize + Debug + Send + Sync + 'static,
{
    until(api, name, &format!("{name} to be deleted"), |o| o.is_none()).await;
}

async fn namespace(client: &Client, name: &str) {
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    match Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
    {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 409 => {}
        Err(e) => panic!("namespace {name}: {e}"),
    }
}

fn labelled(name: &str, ns: &str, peer: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(ns.into()),
        labels: Some([("liqo.io/remote-cluster-id".to_string(), peer.to_string())].into()),
        ..Default::default()
    }
}

fn remote(pod: &[&str], external: &str) -> ConfigurationSpec {
    ConfigurationSpec {
        local: None,
        remote: Some(ClusterConfig {
            cidr: Some(ClusterConfigCidr {
                pod: Some(pod.iter().map(ToString::to_string).collect()),
                external: Some(vec![external.into()]),
            }),
        }),
    }
}

fn configured(c: Option<&Configuration>) -> bool {
    c.is_some_and(Configuration::is_configured)
}

/// Creates the Configuration `peer` in its own namespace and waits until it is configured.
async fn configure(client: &Client, peer: &str, pod: &[&str], external: &str) -> Configuration {
    let ns = format!("liqo-tenant-{peer}");
    namespace(client, &ns).await;
    let api: Api<Configuration> = Api::namespaced(client.clone(), &ns);
    let cfg = Configuration {
        metadata: labelled(peer, &ns, peer),
        spec: remote(pod, external),
        status: None,
    };
    api.create(&PostParams::default(), &cfg).await.unwrap();
    until(
        api,
        peer,
        &format!("Configuration {peer} to be configured"),
        configured,
    )
    .await
    .unwrap()
}

fn remapped(cfg: &Configuration) -> (Vec<String>, Vec<String>) {
    let cidr = cfg.status.clone().unwrap().remote.unwrap().cidr.unwrap();
    (cidr.pod.unwrap(), cidr.external.unwrap())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn configurations_are_remapped_released_and_stable_across_restarts() {
    // Its own cluster: it restarts the controller manager, which the other tests rely on.
    let env = install::start_installed("ipam", "ipam-local");
    let client = env.cluster("ipam").client();
    // The preinstalled Networks are granted as they are, without the IPAM finalizer.
    let local: Api<Network> = Api::namespaced(client.clone(), LIQO);
    for (name, cidr) in [
        ("pod-cidr", "10.243.0.0/16"),
        ("external-cidr", "10.70.0.0/16"),
    ] {
        let granted =
            |n: Option<&Network>| n.and_then(|n| n.status.as_ref()?.cidr.clone()).is_some();
        let net = until(local.clone(), name, "preinstalled Network granted", granted)
            .await
            .unwrap();
        assert_eq!(net.status.as_ref().unwrap().cidr.as_deref(), Some(cidr));
        assert!(net.finalizers().is_empty(), "{name}");
    }

    // A peer whose CIDRs equal ours is remapped as in the spec's worked example.
    let a = configure(&client, "peer-a", &["10.243.0.0/16"], "10.70.0.0/16").await;
    assert_eq!(
        remapped(&a),
        (strings(&["10.71.0.0/16"]), strings(&["10.68.0.0/16"]))
    );
    let local_cidrs = a.spec.local.clone().unwrap().cidr.unwrap();
    assert_eq!(local_cidrs.pod.unwrap(), ["10.243.0.0/16"]);
    assert_eq!(local_cidrs.external.unwrap(), ["10.70.0.0/16"]);
    let condition = &a.status.as_ref().unwrap().conditions.as_ref().unwrap()[0];
    assert_eq!(
        (condition.reason.as_str(), condition.message.as_str()),
        ("NetworkCIDRsConfigured", "All network CIDRs are configured")
    );
    let nets: Api<Network> = Api::namespaced(client.clone(), "liqo-tenant-peer-a");
    let pod_net = nets.get("peer-a-pod-10-243-0-0-16").await.unwrap();
    assert_eq!(pod_net.finalizers(), ["network.ipam.liqo.io/finalizer"]);
    assert_eq!(pod_net.labels()["configuration.liqo.io/cidr-type"], "pod");
    assert_eq!(pod_net.owner_references()[0].uid, a.uid().unwrap());
    assert!(nets.get("peer-a-external-10-70-0-0-16").await.is_ok());

    // A peer that conflicts with nothing keeps its CIDRs; changing them replaces the Network.
    let b = configure(&client, "peer-b", &["10.200.0.0/16"], "10.201.0.0/16").await;
    assert_eq!(
        remapped(&b),
        (strings(&["10.200.0.0/16"]), strings(&["10.201.0.0/16"]))
    );
    let api_b: Api<Configuration> = Api::namespaced(client.clone(), "liqo-tenant-peer-b");
    let patch = json!({"spec": {"remote": {"cidr": {"pod": ["10.202.0.0/16"], "external": ["10.201.0.0/16"]}}}});
    let patched = api_b
        .patch("peer-b", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    let generation = patched.metadata.generation;
    let moved = until(api_b, "peer-b", "peer-b reconfigured", |c| {
        configured(c) && c.unwrap().metadata.generation == generation
    })
    .await
    .unwrap();
    assert_eq!(remapped(&moved).0, ["10.202.0.0/16"]);
    let nets_b: Api<Network> = Api::namespaced(client.clone(), "liqo-tenant-peer-b");
    until_gone(nets_b.clone(), "peer-b-pod-10-200-0-0-16").await;

    // Deleting a Configuration releases its CIDRs: the next conflicting peer gets them again.
    let api_a: Api<Configuration> = Api::namespaced(client.clone(), "liqo-tenant-peer-a");
    api_a
        .delete("peer-a", &DeleteParams::background())
        .await
        .unwrap();
    until_gone(nets.clone(), "peer-a-pod-10-243-0-0-16").await;
    until_gone(nets, "peer-a-external-10-70-0-0-16").await;
    let c = configure(&client, "peer-c", &["10.243.0.0/16"], "10.70.0.0/16").await;
    assert_eq!(
        remapped(&c),
        (strings(&["10.71.0.0/16"]), strings(&["10.68.0.0/16"]))
    );

    // A restarted controller manager restores the IPAM before granting anything new, and
    // rewrites none of the granted objects.
    let ipam_objects = |snap: BTreeMap<String, String>| -> BTreeMap<String, String> {
        snap.into_iter()
            .filter(|(k, _)| k.starts_with("ipam.liqo.io/") || k.starts_with("networking.liqo.io/"))
            .collect()
    };
    let granted = ipam_objects(snapshot(&client).await);
    let pods: Api<Pod> = Api::namespaced(client.clone(), LIQO);
    let selector = ListParams::default().labels("app.kubernetes.io/name=controller-manager");
    let old = pods.list(&selector).await.unwrap().items;
    for pod in &old {
        pods.delete(&pod.name_any(), &DeleteParams::default())
            .await
            .unwrap();
    }
    for pod in &old {
        until_gone(pods.clone(), &pod.name_any()).await;
    }
    liqo_kube::install::await_deployment_available(
        &client,
        LIQO,
        liqo_kube::install::CONTROLLER_MANAGER,
        WAIT,
    )
    .await
    .unwrap();
    let d = configure(&client, "peer-d", &["10.243.0.0/16"], "10.70.0.0/16").await;
    let after = ipam_objects(snapshot(&client).await);
    let rewritten: Vec<&String> = granted
        .iter()
        .filter(|(k, rv)| after.get(*k) != Some(rv))
        .map(|(k, _)| k)
        .collect();
    assert!(
        rewritten.is_empty(),
        "the restart rewrote or removed: {rewritten:?}"
    );
    let (pod_d, ext_d) = remapped(&d);
    assert_ne!(
        pod_d,
        remapped(&c).0,
        "peer-c's remap was restored, so not granted again"
    );
    assert_ne!(ext_d, remapped(&c).1);
    for cidr in pod_d.iter().chain(&ext_d) {
        assert!(cidr.starts_with("10.") && cidr.ends_with("/16"), "{cidr}");
    }
}

fn template_ref(kind: &str, name: &str) -> k8s_openapi::api::core::v1::ObjectReference {
    k8s_openapi::api::core::v1::ObjectReference {
        api_version: Some("networking.liqo.io/v1beta1".into()),
        kind: Some(kind.into()),
        name: Some(name.into()),
        namespace: Some(LIQO.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_gateway_server_renders_its_wireguard_children_and_deleting_it_cascades() {
    let _serial = SERIAL.lock().await;
    let client = client();
    let (peer, ns) = ("peer-g", "liqo-tenant-peer-g");
    let before = snapshot(&client).await;
    namespace(&client, ns).await;
    let fcs: Api<ForeignCluster> = Api::all(client.clone());
    let fc = ForeignCluster {
        metadata: ObjectMeta {
            name: Some(peer.into()),
            ..Default::default()
        },
        spec: ForeignClusterSpec {
            cluster_id: peer.into(),
        },
        status: None,
    };
    fcs.create(&PostParams::default(), &fc).await.unwrap();
    let servers: Api<GatewayServer> = Api::namespaced(client.clone(), ns);
    let server = GatewayServer {
        metadata: labelled(peer, ns, peer),
        spec: GatewayServerSpec {
            mtu: Some(1340),
            endpoint: Some(Endpoint {
                port: Some(51840),
                service_type: Some(ServiceType::ClusterIP),
                ..Default::default()
            }),
            server_template_ref: Some(template_ref("WgGatewayServerTemplate", "wireguard-server")),
            ..Default::default()
        },
        status: None,
    };
    let server = servers
        .create(&PostParams::default(), &server)
        .await
        .unwrap();
    let ready = |s: Option<&GatewayServer>| {
        let status = s.and_then(|s| s.status.as_ref());
        let addresses = status
            .and_then(|s| s.endpoint.as_ref()?.addresses.clone())
            .unwrap_or_default();
        !addresses.is_empty() && status.and_then(|s| s.secret_ref.as_ref()).is_some()
    };
    let server_now = until(
        servers.clone(),
        peer,
        "GatewayServer endpoint and keys",
        ready,
    )
    .await
    .unwrap();
    let status = server_now.status.unwrap();

    // The rendered child, controlled by the gateway, with the binding finalizer.
    let wg = Api::<WgGatewayServer>::namespaced(client.clone(), ns)
        .get(peer)
        .await
        .unwrap();
    let owner = &wg.owner_references()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.uid.as_str(), owner.controller),
        ("GatewayServer", server.uid().unwrap().as_str(), Some(true))
    );
    assert_eq!(wg.finalizers(), ["networking.liqo.io/clusterrolebinding"]);
    assert_eq!(status.server_ref.unwrap().uid, wg.uid());

    // The Service and the ClusterIP endpoint.
    let service = Api::<Service>::namespaced(client.clone(), ns)
        .get("gw-peer-g")
        .await
        .unwrap();
    let spec = service.spec.unwrap();
    assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
    let port = &spec.ports.unwrap()[0];
    assert_eq!((port.port, port.protocol.as_deref()), (51840, Some("UDP")));
    assert_eq!(spec.selector.unwrap()["networking.liqo.io/active"], "true");
    assert_eq!(
        status.endpoint.unwrap(),
        EndpointStatus {
            addresses: spec.cluster_ips,
            port: Some(51840),
            ports: None,
            protocol: Some(liqo_api::networking::Protocol::Udp),
        }
    );

    // The keys: raw 32-byte Curve25519 pair, labelled, owned (not controlled) by the gateway.
    let secret_name = status.secret_ref.unwrap().name.unwrap();
    assert_eq!(secret_name, "gw-peer-g");
    let secret = Api::<Secret>::namespaced(client.clone(), ns)
        .get(&secret_name)
        .await
        .unwrap();
    let data = secret.data.clone().unwrap();
    let (private, public) = (&data["privateKey"].0, &data["publicKey"].0);
    assert_eq!((private.len(), public.len()), (32, 32));
    let private: [u8; 32] = private.as_slice().try_into().unwrap();
    let derived =
        boringtun::x25519::PublicKey::from(&boringtun::x25519::StaticSecret::from(private));
    assert_eq!(derived.as_bytes().as_slice(), public.as_slice());
    assert_eq!(
        secret.labels()["networking.liqo.io/gateway-resource"],
        "true"
    );
    assert_eq!(secret.labels()["liqo.io/remote-cluster-id"], peer);
    let secret_owner = &secret.owner_references()[0];
    assert_eq!(
        (secret_owner.kind.as_str(), secret_owner.controller),
        ("GatewayServer", None)
    );

    // The Deployment mounts the keys; the pods run as the bound ServiceAccount.
    let deployment = Api::<Deployment>::namespaced(client.clone(), ns)
        .get("gw-peer-g")
        .await
        .unwrap();
    assert_eq!(deployment.owner_references()[0].uid, wg.uid().unwrap());
    let pod = deployment.spec.unwrap().template.spec.unwrap();
    let volume = pod
        .volumes
        .unwrap()
        .into_iter()
        .find(|v| v.name == "wireguard-config")
        .unwrap();
    assert_eq!(
        volume.secret.unwrap().secret_name.as_deref(),
        Some("gw-peer-g")
    );
    assert_eq!(pod.service_account_name.as_deref(), Some(peer));
    let args = pod.containers[0].args.clone().unwrap();
    assert!(
        args.contains(&format!("--gateway-uid={}", server.uid().unwrap())),
        "{args:?}"
    );
    assert!(
        args.contains(&"--listen-port=51840".to_string()),
        "{args:?}"
    );
    let sa = Api::<ServiceAccount>::namespaced(client.clone(), ns)
        .get(peer)
        .await
        .unwrap();
    assert_eq!(sa.owner_references()[0].uid, wg.uid().unwrap());
    let crbs: Api<ClusterRoleBinding> = Api::all(client.clone());
    let crb_name = "liqo-gateway-liqo-tenant-peer-g-peer-g";
    let crb = crbs.get(crb_name).await.unwrap();
    assert_eq!(crb.role_ref.name, "liqo-gateway");
    assert_eq!(crb.subjects.unwrap()[0].name, peer);

    // The peer's ForeignCluster reports the gateway in its networking module.
    let networked = |f: Option<&ForeignCluster>| {
        let module = f
            .and_then(|f| f.status.as_ref()?.modules.clone())
            .map(|m| m.networking);
        let has = |t: ConditionType, s: Option<ConditionStatusType>| {
            module
                .iter()
                .flat_map(|m| m.conditions.iter().flatten())
                .any(|c| c.type_ == t && s.is_none_or(|s| c.status == s))
        };
        module.as_ref().is_some_and(|m| m.enabled)
            && has(
                ConditionType::NetworkGatewayPresence,
                Some(ConditionStatusType::Ready),
            )
            && has(ConditionType::NetworkGatewayServerStatus, None)
            && has(
                ConditionType::NetworkConfigurationStatus,
                Some(ConditionStatusType::NotReady),
            )
            && has(
                ConditionType::NetworkConnectionStatus,
                Some(ConditionStatusType::NotReady),
            )
    };
    until(
        fcs.clone(),
        peer,
        "ForeignCluster networking module",
        networked,
    )
    .await;

    // Deleting the GatewayServer takes everything with it; the finalizer removes the binding.
    servers
        .delete(peer, &DeleteParams::background())
        .await
        .unwrap();
    until_gone(Api::<WgGatewayServer>::namespaced(client.clone(), ns), peer).await;
    until_gone(crbs, crb_name).await;
    until_gone(
        Api::<Deployment>::namespaced(client.clone(), ns),
        "gw-peer-g",
    )
    .await;
    until_gone(Api::<Service>::namespaced(client.clone(), ns), "gw-peer-g").await;
    until_gone(Api::<Secret>::namespaced(client.clone(), ns), "gw-peer-g").await;
    until_gone(Api::<ServiceAccount>::namespaced(client.clone(), ns), peer).await;
    let off = |f: Option<&ForeignCluster>| {
        f.and_then(|f| f.status.as_ref()?.modules.clone())
            .is_some_and(|m| !m.networking.enabled)
    };
    until(
        fcs.clone(),
        peer,
        "ForeignCluster networking module off",
        off,
    )
    .await;
    fcs.delete(peer, &DeleteParams::default()).await.unwrap();
    until_gone(fcs, peer).await;
    until_none::<k8s_openapi::api::apps::v1::ReplicaSet>(&client, ns).await;
    until_none::<Pod>(&client, ns).await;
    assert_no_residue(&client, &before, ns).await;
}

#[tokio::test]
async fn a_gateway_client_dials_the_first_address_with_its_own_keys() {
    let _serial = SERIAL.lock().await;
    let client = client();
    let (peer, ns) = ("peer-h", "liqo-tenant-peer-h");
    let before = snapshot(&client).await;
    namespace(&client, ns).await;
    let clients: Api<GatewayClient> = Api::namespaced(client.clone(), ns);
    let gateway = GatewayClient {
        metadata: labelled(peer, ns, peer),
        spec: GatewayClientSpec {
            mtu: Some(1340),
            endpoint: Some(EndpointStatus {
                // The first is neither the lowest nor the highest, as text or as a number.
                addresses: Some(strings(&["192.0.2.20", "172.31.0.9", "198.51.100.1"])),
                port: Some(51840),
                protocol: Some(liqo_api::networking::Protocol::Udp),
                ..Default::default()
            }),
            client_template_ref: Some(template_ref("WgGatewayClientTemplate", "wireguard-client")),
            ..Default::default()
        },
        status: None,
    };
    clients
        .create(&PostParams::default(), &gateway)
        .await
        .unwrap();
    let keyed = |g: Option<&GatewayClient>| {
        g.and_then(|g| g.status.as_ref()?.secret_ref.as_ref())
            .is_some()
    };
    let now = until(clients.clone(), peer, "GatewayClient keys", keyed)
        .await
        .unwrap();
    assert_eq!(
        now.status.unwrap().client_ref.unwrap().kind.as_deref(),
        Some("WgGatewayClient")
    );
    let wg = Api::<WgGatewayClient>::namespaced(client.clone(), ns)
        .get(peer)
        .await
        .unwrap();
    assert_eq!(
        wg.status.unwrap().secret_ref.unwrap().name.as_deref(),
        Some("gw-peer-h")
    );
    let deployment = Api::<Deployment>::namespaced(client.clone(), ns)
        .get("gw-peer-h")
        .await
        .unwrap();
    let args = deployment.spec.unwrap().template.spec.unwrap().containers[0]
        .args
        .clone()
        .unwrap();
    let endpoints: Vec<&String> = args
        .iter()
        .filter(|a| a.starts_with("--endpoint-address"))
        .collect();
    assert_eq!(endpoints, ["--endpoint-address=192.0.2.20"], "{args:?}");
    assert!(args.contains(&"--mode=client".to_string()), "{args:?}");
    let (added, _) = diff(&before, &snapshot(&client).await);
    let services: Vec<&String> = added
        .iter()
        .filter(|k| k.starts_with("/Service ") || k.contains("EndpointSlice "))
        .collect();
    assert!(services.is_empty(), "a client has no Service: {services:?}");
    clients
        .delete(peer, &DeleteParams::background())
        .await
        .unwrap();
    until_gone(Api::<WgGatewayClient>::namespaced(client.clone(), ns), peer).await;
    until_gone(
        Api::<ClusterRoleBinding>::all(client.clone()),
        "liqo-gateway-liqo-tenant-peer-h-peer-h",
    )
    .await;
    until_gone(
        Api::<Deployment>::namespaced(client.clone(), ns),
        "gw-peer-h",
    )
    .await;
    until_none::<k8s_openapi::api::apps::v1::ReplicaSet>(&client, ns).await;
    until_none::<Pod>(&client, ns).await;
    assert_no_residue(&client, &before, ns).await;
}
