//! Where a pod runs on the network of its node.

use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;

use super::address;
use crate::net::{NodeNetwork, Sandbox, Sandboxes};

/// A pod's place on the network and, once it is up, its address.
#[derive(Debug)]
pub(crate) struct PodNet {
    placement: Placement,
    sandbox: Option<Sandbox>,
    /// The pod IP (empty until [`PodNet::up`]).
    pub ip: String,
}

impl PodNet {
    pub(crate) fn new(pod: &Pod, network: Option<&NodeNetwork>) -> Self {
        Self {
            placement: placement(pod, network),
            sandbox: None,
            ip: String::new(),
        }
    }

    /// The node's address as the pod's host.
    pub(crate) fn host_ip(&self) -> String {
        match &self.placement {
            Placement::Host => "127.0.0.1".to_string(),
            Placement::Node(net) | Placement::Sandbox(net) => net.node_ip.to_string(),
        }
    }

    /// The network namespace its processes run in (`None`: the host's).
    pub(crate) fn netns(&self) -> Option<&str> {
        match (&self.placement, &self.sandbox) {
            (Placement::Node(net), _) => Some(&net.netns),
            (Placement::Sandbox(_), Some(sandbox)) => Some(&sandbox.netns),
            _ => None,
        }
    }

    /// The API server URL `server` as the pod reaches it (behind the node: at the host's
    /// address on the WAN).
    pub(crate) fn server(&self, server: &str) -> String {
        match &self.placement {
            Placement::Node(net) | Placement::Sandbox(net) => {
                crate::net::server_at(server, net.host_ip)
            }
            Placement::Host => server.to_string(),
        }
    }

    /// Gives the pod its address: one on the host's `lo`, the node's, or a sandbox's.
    pub(crate) async fn up(&mut self, uid: &str, sandboxes: &Sandboxes) -> Result<(), String> {
        match &self.placement {
            Placement::Host => {
                let ip = address::pod_ip(uid);
                address::add(&ip).await?;
                self.ip = ip;
            }
            Placement::Node(net) => self.ip = net.node_ip.to_string(),
            Placement::Sandbox(net) => {
                let sandbox = sandboxes.create(net, uid).await?;
                self.ip = sandbox.ip.to_string();
                self.sandbox = Some(sandbox);
            }
        }
        Ok(())
    }

    /// Takes back what [`PodNet::up`] gave.
    pub(crate) async fn down(&mut self, sandboxes: &Sandboxes) {
        match (&self.placement, self.sandbox.take()) {
            (Placement::Host, _) if !self.ip.is_empty() => address::remove(&self.ip).await,
            (Placement::Sandbox(_), Some(sandbox)) => sandboxes.remove(&sandbox).await,
            _ => {}
        }
    }
}

/// Where a pod's processes are on the network.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Placement {
    /// The host's namespace, on an address of its own on `lo`.
    Host,
    /// The node's namespace, with the node's address (gateway pods).
    Node(NodeNetwork),
    /// A sandbox of its own behind the node, on the pod CIDR.
    Sandbox(NodeNetwork),
}

/// Where `pod` runs (pure). Without a test network, every pod shares the host's. On one,
/// gateway pods run in the node's namespace (they own its WAN address), ordinary pods in a
/// sandbox on the pod CIDR, and two kinds stay on the host: `hostNetwork` pods, and the pods
/// of Liqo's own namespaces (`liqo`, `liqo-*`: the controller manager, virtual kubelets),
/// whose webhooks and kubelet APIs the API server, a host process, must dial — the host cannot
/// route to pod CIDRs, which two clusters may share. The API-server proxy of the Liqo
/// namespace is the exception: nothing on the host dials it, and peers reach it through the
/// tunnel, which ends in the node's namespace, so it has a sandbox as any pod.
fn placement(pod: &Pod, network: Option<&NodeNetwork>) -> Placement {
    let Some(net) = network else {
        return Placement::Host;
    };
    let gateway = pod.labels().get(super::COMPONENT_LABEL).map(String::as_str)
        == Some(super::GATEWAY_COMPONENT);
    let host_network = pod.spec.as_ref().and_then(|s| s.host_network) == Some(true);
    let ns = pod.namespace().unwrap_or_default();
    let proxy =
        pod.labels().get(super::APP_NAME_LABEL).map(String::as_str) == Some(super::PROXY_APP);
    let liqo_own = !proxy
        && (ns == super::LIQO_NAMESPACE || ns.starts_with(&format!("{}-", super::LIQO_NAMESPACE)));
    if gateway {
        Placement::Node(net.clone())
    } else if host_network || liqo_own {
        Placement::Host
    } else {
        Placement::Sandbox(net.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> NodeNetwork {
        NodeNetwork {
            node_ip: "172.31.9.2".parse().unwrap(),
            netns: "lt-x-a".into(),
            host_ip: "172.31.9.1".parse().unwrap(),
            pod_cidr: "10.244.0.0/16".parse().unwrap(),
        }
    }

    fn pod(ns: &str, labels: serde_json::Value, spec: serde_json::Value) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p", "namespace": ns, "labels": labels},
            "spec": spec
        }))
        .unwrap()
    }

    #[test]
    fn gateways_run_on_the_node_liqo_and_host_network_pods_on_the_host_others_in_sandboxes() {
        let gw = serde_json::json!({"networking.liqo.io/component": "gateway"});
        let fabric = serde_json::json!({"networking.liqo.io/component": "fabric"});
        let none = serde_json::json!({});
        let spec = serde_json::json!({"containers": []});
        let n = net();
        let at = |p: &Pod| placement(p, Some(&n));
        assert_eq!(
            at(&pod("net-local", gw.clone(), spec.clone())),
            Placement::Node(net())
        );
        assert_eq!(
            at(&pod("demo", fabric, spec.clone())),
            Placement::Sandbox(net())
        );
        assert_eq!(
            at(&pod("demo", none.clone(), spec.clone())),
            Placement::Sandbox(net())
        );
        assert_eq!(
            at(&pod("liqo", none.clone(), spec.clone())),
            Placement::Host
        );
        assert_eq!(
            at(&pod("liqo-tenant-x", none.clone(), spec.clone())),
            Placement::Host
        );
        assert_eq!(
            at(&pod("liqorice", none.clone(), spec.clone())),
            Placement::Sandbox(net())
        );
        let proxy = serde_json::json!({"app.kubernetes.io/name": "proxy"});
        assert_eq!(
            at(&pod("liqo", proxy, spec.clone())),
            Placement::Sandbox(net()),
            "the API-server proxy is reached through the tunnel"
        );
        let host = serde_json::json!({"containers": [], "hostNetwork": true});
        assert_eq!(at(&pod("demo", none.clone(), host)), Placement::Host);
        assert_eq!(
            placement(&pod("demo", gw, spec), None),
            Placement::Host,
            "no network"
        );
    }
}
