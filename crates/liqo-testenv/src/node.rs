//! The node agent: registers the cluster's worker Node and keeps it Ready the way a kubelet
//! does, with a Lease renewed in `kube-node-lease` and a Ready condition in the Node status.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::{
    DaemonEndpoint, Node, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeStatus,
    NodeSystemInfo,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, OwnerReference, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client, Resource};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::net::NodeNetwork;

/// Field manager of everything the node agent writes.
pub const FIELD_MANAGER: &str = "liqo-testenv-node-agent";
/// Namespace of node heartbeat leases.
const LEASE_NAMESPACE: &str = "kube-node-lease";
/// How long a lease stays valid without renewal (the kubelet's default).
const LEASE_DURATION_SECONDS: i32 = 40;
/// How often the lease is renewed (a quarter of its duration, as the kubelet does).
const LEASE_RENEW_INTERVAL: Duration = Duration::from_secs(10);
/// How often the Ready condition's heartbeat is refreshed even without change.
const STATUS_REPORT_INTERVAL: Duration = Duration::from_secs(60);

/// Worker capacity the Node advertises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeCapacity {
    /// CPU cores, a Kubernetes quantity (`4`).
    pub cpu: String,
    /// Memory, a Kubernetes quantity (`8Gi`).
    pub memory: String,
    /// Pod slots.
    pub pods: u32,
}

impl Default for NodeCapacity {
    fn default() -> Self {
        Self {
            cpu: "4".into(),
            memory: "8Gi".into(),
            pods: 110,
        }
    }
}

/// What the agent manages.
#[derive(Debug, Clone)]
pub struct NodeAgentConfig {
    /// The cluster, for messages.
    pub cluster: String,
    /// Name of the Node object.
    pub node_name: String,
    /// Advertised capacity.
    pub capacity: NodeCapacity,
    /// Runs the pods bound to the node, when set.
    pub pods: Option<crate::pods::PodsConfig>,
    /// The node's place on the test network, when the environment has one: the Node's
    /// InternalIP, where gateway pods run, and the agent acts as the cloud LoadBalancer
    /// controller and kube-proxy's NodePort forwarding.
    pub network: Option<NodeNetwork>,
    /// The kubelet API's port, once [`run`] serves it (reported in the Node's status).
    pub kubelet_port: Option<u16>,
}

/// Builds the Node object the agent registers (pure).
pub fn render_node(cfg: &NodeAgentConfig) -> Node {
    let resources: BTreeMap<String, Quantity> = [
        ("cpu", cfg.capacity.cpu.clone()),
        ("memory", cfg.capacity.memory.clone()),
        ("pods", cfg.capacity.pods.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Quantity(v)))
    .collect();
    let labels = [
        ("kubernetes.io/hostname", cfg.node_name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("node-role.kubernetes.io/worker", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Node {
        metadata: ObjectMeta {
            name: Some(cfg.node_name.clone()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: None,
        status: Some(NodeStatus {
            capacity: Some(resources.clone()),
            allocatable: Some(resources),
            ..Default::default()
        }),
    }
}

/// The status the agent reports: Ready, no pressure, heartbeat `now` (pure).
pub fn render_node_status(cfg: &NodeAgentConfig, now: Timestamp) -> NodeStatus {
    let condition = |type_: &str, status: &str, reason: &str, message: &str| NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
    };
    let node = render_node(cfg);
    let base = node.status.expect("invariant: render_node sets a status");
    NodeStatus {
        conditions: Some(vec![
            condition(
                "Ready",
                "True",
                "KubeletReady",
                "liqo-testenv node agent is posting ready status",
            ),
            condition(
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "no memory pressure",
            ),
            condition(
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "no disk pressure",
            ),
            condition(
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "no PID pressure",
            ),
        ]),
        addresses: Some(vec![
            NodeAddress {
                type_: "InternalIP".into(),
                address: cfg
                    .network
                    .as_ref()
                    .map_or_else(|| "127.0.0.1".to_string(), |n| n.node_ip.to_string()),
            },
            NodeAddress {
                type_: "Hostname".into(),
                address: cfg.node_name.clone(),
            },
        ]),
        // The API server then proxies `kubectl exec`'s WebSocket as is (no SPDY translation).
        declared_features: cfg
            .kubelet_port
            .map(|_| vec![liqo_kubelet_api::WEBSOCKET_FEATURE.to_string()]),
        daemon_endpoints: cfg.kubelet_port.map(|port| NodeDaemonEndpoints {
            kubelet_endpoint: Some(DaemonEndpoint {
                port: i32::from(port),
            }),
        }),
        node_info: Some(NodeSystemInfo {
            architecture: "amd64".into(),
            operating_system: "linux".into(),
            kubelet_version: "liqo-testenv".into(),
            kube_proxy_version: String::new(),
            container_runtime_version: "liqo-testenv://process".into(),
            ..Default::default()
        }),
        ..base
    }
}

/// The agent: registers the Node, then renews its Lease and refreshes its status until
/// `shutdown` resolves.
///
/// # Errors
/// When the Node cannot be registered; later heartbeat failures are logged and retried on the
/// next tick, as a kubelet does.
pub async fn run(
    client: Client,
    cfg: NodeAgentConfig,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), Error> {
    use futures::FutureExt;
    let mut cfg = cfg;
    // Before registering: the Node says where its kubelet API is from its first status on.
    let kubelet = match &cfg.pods {
        Some(pods) => Some(crate::kubelet::start(&client, pods, cfg.network.as_ref()).await?),
        None => None,
    };
    cfg.kubelet_port = kubelet.as_ref().map(|k| k.port);
    let node = register(&client, &cfg).await?;
    let shutdown = shutdown.shared();
    let pods = match cfg.pods.clone() {
        Some(pods) => crate::pods::run(client.clone(), pods, shutdown.clone()).left_future(),
        None => std::future::ready(()).right_future(),
    };
    let sandboxes = cfg
        .pods
        .as_ref()
        .map(|p| p.sandboxes.clone())
        .unwrap_or_default();
    let (services, cluster_ips, host_routes) = match cfg.network.clone() {
        Some(net) => (
            crate::services::run(
                client.clone(),
                cfg.cluster.clone(),
                net.clone(),
                shutdown.clone(),
            )
            .left_future(),
            crate::services::run_cluster_ips(
                client.clone(),
                cfg.cluster.clone(),
                net.clone(),
                sandboxes,
                shutdown.clone(),
            )
            .left_future(),
            crate::net::host_routes::run(
                client.clone(),
                cfg.cluster.clone(),
                net,
                shutdown.clone(),
            )
            .left_future(),
        ),
        None => (
            std::future::ready(()).right_future(),
            std::future::ready(()).right_future(),
            std::future::ready(()).right_future(),
        ),
    };
    let heartbeat = heartbeat(&client, &cfg, &node, shutdown);
    tokio::join!(pods, services, cluster_ips, host_routes, heartbeat);
    if let Some(kubelet) = kubelet {
        kubelet.task.abort();
    }
    Ok(())
}

async fn heartbeat(
    client: &Client,
    cfg: &NodeAgentConfig,
    node: &Node,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut lease_tick = tokio::time::interval(LEASE_RENEW_INTERVAL);
    let mut status_tick = tokio::time::interval(STATUS_REPORT_INTERVAL);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = lease_tick.tick() => {
                if let Err(e) = renew_lease(client, node).await {
                    tracing::warn!(node = %cfg.node_name, error = %e, "lease renewal failed");
                }
            }
            _ = status_tick.tick() => {
                if let Err(e) = report_status(client, cfg).await {
                    tracing::warn!(node = %cfg.node_name, error = %e, "node status update failed");
                }
            }
        }
    }
}

/// Creates or updates the Node and reports it Ready.
///
/// # Errors
/// [`Error::Kube`] when the API server refuses.
pub async fn register(client: &Client, cfg: &NodeAgentConfig) -> Result<Node, Error> {
    let nodes: Api<Node> = Api::all(client.clone());
    let mut node = render_node(cfg);
    node.status = None;
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let applied = nodes
        .patch(&cfg.node_name, &params, &Patch::Apply(&node))
        .await
        .map_err(|source| kube_err(cfg, "register node", source))?;
    report_status(client, cfg).await?;
    Ok(applied)
}

async fn report_status(client: &Client, cfg: &NodeAgentConfig) -> Result<(), Error> {
    let nodes: Api<Node> = Api::all(client.clone());
    let patch = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Node",
        "status": render_node_status(cfg, Timestamp::now()),
    });
    let params = PatchParams::apply(FIELD_MANAGER).force();
    nodes
        .patch_status(&cfg.node_name, &params, &Patch::Apply(&patch))
        .await
        .map_err(|source| kube_err(cfg, "report node status", source))?;
    Ok(())
}

async fn renew_lease(client: &Client, node: &Node) -> Result<(), kube::Error> {
    let name = node.metadata.name.clone().unwrap_or_default();
    let leases: Api<Lease> = Api::namespaced(client.clone(), LEASE_NAMESPACE);
    let owner = OwnerReference {
        api_version: "v1".into(),
        kind: "Node".into(),
        name: name.clone(),
        uid: node.meta().uid.clone().unwrap_or_default(),
        ..Default::default()
    };
    let lease = Lease {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(LEASE_NAMESPACE.into()),
            owner_references: Some(vec![owner]),
            ..Default::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(name.clone()),
            lease_duration_seconds: Some(LEASE_DURATION_SECONDS),
            renew_time: Some(MicroTime(Timestamp::now())),
            ..Default::default()
        }),
    };
    let mut value = serde_json::to_value(&lease).expect("invariant: a Lease serializes");
    value["apiVersion"] = "coordination.k8s.io/v1".into();
    value["kind"] = "Lease".into();
    leases
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&value),
        )
        .await?;
    Ok(())
}

fn kube_err(cfg: &NodeAgentConfig, action: &str, source: kube::Error) -> Error {
    Error::Kube {
        cluster: cfg.cluster.clone(),
        action: format!("failed to {action} {}", cfg.node_name),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_status_is_ready_with_the_configured_capacity() {
        let cfg = NodeAgentConfig {
            cluster: "a".into(),
            node_name: "a-worker".into(),
            capacity: NodeCapacity {
                cpu: "2".into(),
                memory: "1Gi".into(),
                pods: 10,
            },
            pods: None,
            network: None,
            kubelet_port: None,
        };
        let status = render_node_status(&cfg, Timestamp::UNIX_EPOCH);
        let ready = status
            .conditions
            .unwrap()
            .into_iter()
            .find(|c| c.type_ == "Ready")
            .unwrap();
        assert_eq!(ready.status, "True");
        let alloc = status.allocatable.unwrap();
        assert_eq!(alloc["cpu"].0, "2");
        assert_eq!(alloc["memory"].0, "1Gi");
        assert_eq!(alloc["pods"].0, "10");
        let internal = |status: NodeStatus| {
            status
                .addresses
                .unwrap()
                .into_iter()
                .find(|a| a.type_ == "InternalIP")
                .unwrap()
                .address
        };
        assert_eq!(internal(status_of(&cfg)), "127.0.0.1");
        let networked = NodeAgentConfig {
            network: Some(NodeNetwork {
                node_ip: "172.31.9.2".parse().unwrap(),
                netns: "lt-x-a".into(),
                host_ip: "172.31.9.1".parse().unwrap(),
                pod_cidr: "10.244.0.0/16".parse().unwrap(),
            }),
            ..cfg
        };
        assert_eq!(internal(status_of(&networked)), "172.31.9.2");
    }

    fn status_of(cfg: &NodeAgentConfig) -> NodeStatus {
        render_node_status(cfg, Timestamp::UNIX_EPOCH)
    }
}
