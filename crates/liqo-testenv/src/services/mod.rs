//! What a cloud and kube-proxy give a real node, for a node on the test network: a
//! LoadBalancer controller that hands every LoadBalancer Service the node's address as its
//! ingress, and NodePort forwarding as an nftables DNAT table in the node's namespace
//! (`nodePort/proto` → `<node ip>:<targetPort>`), rewritten whenever a Service changes.
//! Each step is published as an Event on the Service (`EnsuredLoadBalancer`, as the cloud
//! service controller does, and `NodePortsForwarded`), so tests and humans can await it.
//! ClusterIPs are forwarded too (`cluster_ip`).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ObjectReference, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Patch, PatchParams};
use kube::runtime::WatchStreamExt;
use kube::runtime::events::{self, EventType, Recorder, Reporter};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Resource, ResourceExt};

use crate::net::NodeNetwork;

mod cluster_ip;

pub(crate) use cluster_ip::run as run_cluster_ips;
pub use cluster_ip::{
    CLUSTER_IP_TABLE, ClusterIpRule, Hooks, REASON_ENDPOINTS, cluster_ip_rules,
    render_cluster_ip_table,
};

/// Field manager of the LoadBalancer status the agent writes.
pub const FIELD_MANAGER: &str = "liqo-testenv-lb";
/// The nftables table (family `ip`) holding the NodePort rules, in the node's namespace.
pub const NAT_TABLE: &str = "liqo-testenv";
/// nftables priority of destination NAT.
const DSTNAT_PRIORITY: i32 = -100;
/// Event reason once a LoadBalancer Service has the node's address as ingress.
pub const REASON_LOAD_BALANCER: &str = "EnsuredLoadBalancer";
/// Event reason once a Service's node ports are forwarded in the node's namespace.
pub const REASON_NODE_PORTS: &str = "NodePortsForwarded";

/// A Service's reference (for its Events) and its node ports.
type Forwarded = BTreeMap<String, (ObjectReference, Vec<NodePortRule>)>;

/// One forwarded node port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NodePortRule {
    /// `namespace/name` of the Service, as the rule's comment.
    pub service: String,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// The port open on the node.
    pub node_port: u16,
    /// Where it goes, on the node's address (the gateway pods run in the node's namespace).
    pub target_port: u16,
}

/// The node ports of `svc` (NodePort, or LoadBalancer with allocated node ports). Ports with
/// a named `targetPort` are skipped: resolving names needs the backing pods (pure).
pub fn node_port_rules(svc: &Service) -> Vec<NodePortRule> {
    let Some(spec) = &svc.spec else {
        return Vec::new();
    };
    if !matches!(spec.type_.as_deref(), Some("NodePort" | "LoadBalancer")) {
        return Vec::new();
    }
    let service = format!("{}/{}", svc.namespace().unwrap_or_default(), svc.name_any());
    spec.ports
        .iter()
        .flatten()
        .filter_map(|p| {
            let node_port = u16::try_from(p.node_port?).ok()?;
            let target_port = match &p.target_port {
                None => u16::try_from(p.port).ok()?,
                Some(IntOrString::Int(port)) => u16::try_from(*port).ok()?,
                Some(IntOrString::String(name)) => {
                    tracing::warn!(%service, port = %name, "named targetPort is not forwarded");
                    return None;
                }
            };
            Some(NodePortRule {
                service: service.clone(),
                protocol: p.protocol.as_deref().unwrap_or("TCP").to_ascii_lowercase(),
                node_port,
                target_port,
            })
        })
        .collect()
}

/// The `nft -f` script that replaces the table with `rules` (removes it when there are none).
pub fn render_nat_table(node_ip: Ipv4Addr, rules: &[NodePortRule]) -> String {
    // Declaring the table first makes the delete succeed whether or not it exists.
    let mut script = format!("table ip {NAT_TABLE}\ndelete table ip {NAT_TABLE}\n");
    if rules.is_empty() {
        return script;
    }
    let lines: String = rules
        .iter()
        .map(|r| {
            format!(
                "\t\tip daddr {node_ip} {proto} dport {np} dnat to {node_ip}:{tp} comment \"{svc}\"\n",
                proto = r.protocol,
                np = r.node_port,
                tp = r.target_port,
                svc = r.service,
            )
        })
        .collect();
    script.push_str(&format!("table ip {NAT_TABLE} {{\n"));
    // Prerouting for packets from the WAN and the pods, output for the node's own processes.
    for (chain, hook) in [("prerouting", "prerouting"), ("output", "output")] {
        script.push_str(&format!(
            "\tchain {chain} {{\n\t\ttype nat hook {hook} priority {DSTNAT_PRIORITY}; policy accept;\n{lines}\t}}\n"
        ));
    }
    script.push_str("}\n");
    script
}

/// Whether `svc` is a LoadBalancer whose ingress is not exactly the node's address (pure).
pub fn needs_ingress(svc: &Service, node_ip: Ipv4Addr) -> bool {
    let spec = svc.spec.as_ref();
    let is_lb = spec.and_then(|s| s.type_.as_deref()) == Some("LoadBalancer");
    // A Service asking for another LoadBalancer implementation is not the default one's.
    let other_class = spec.and_then(|s| s.load_balancer_class.as_ref()).is_some();
    let ips: Vec<Option<&str>> = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .map(|ingress| ingress.iter().map(|i| i.ip.as_deref()).collect())
        .unwrap_or_default();
    let wanted = node_ip.to_string();
    is_lb && !other_class && ips != [Some(wanted.as_str())]
}

/// Watches every Service until `shutdown`, keeping ingresses and the NAT table current.
pub(crate) async fn run(
    client: Client,
    cluster: String,
    net: NodeNetwork,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let api: Api<Service> = Api::all(client.clone());
    let mut events = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let recorder = Recorder::new(
        client.clone(),
        Reporter {
            controller: FIELD_MANAGER.into(),
            instance: Some(net.netns.clone()),
        },
    );
    let mut rules = Forwarded::new();
    // Rules seen during a (re)list, swapped in when it completes.
    let mut relist: Option<Forwarded> = None;
    let mut applied: Option<String> = None;
    let mut forwarded = Forwarded::new();
    tokio::pin!(shutdown);
    loop {
        let event = tokio::select! {
            () = &mut shutdown => break,
            event = events.next() => event,
        };
        match event {
            Some(Ok(Event::Init)) => relist = Some(BTreeMap::new()),
            Some(Ok(Event::InitApply(svc))) => {
                ensure_ingress(&client, &recorder, &cluster, &svc, net.node_ip).await;
                relist
                    .get_or_insert_with(BTreeMap::new)
                    .insert(key(&svc), (svc.object_ref(&()), node_port_rules(&svc)));
            }
            Some(Ok(Event::InitDone)) => rules = relist.take().unwrap_or_default(),
            Some(Ok(Event::Apply(svc))) => {
                ensure_ingress(&client, &recorder, &cluster, &svc, net.node_ip).await;
                rules.insert(key(&svc), (svc.object_ref(&()), node_port_rules(&svc)));
            }
            Some(Ok(Event::Delete(svc))) => {
                rules.remove(&key(&svc));
            }
            Some(Err(e)) => {
                tracing::debug!(%cluster, error = %e, "service watch error, retrying");
                continue;
            }
            None => break,
        }
        if relist.is_none() {
            let all: Vec<NodePortRule> = rules.values().flat_map(|(_, r)| r).cloned().collect();
            let script = render_nat_table(net.node_ip, &all);
            if applied.as_ref() == Some(&script) {
                continue;
            }
            match crate::net::apply_nft(&net.netns, &script).await {
                Ok(()) => {
                    applied = Some(script);
                    report_forwarded(&recorder, &cluster, net.node_ip, &rules, &forwarded).await;
                    forwarded.clone_from(&rules);
                }
                Err(e) => tracing::warn!(%cluster, error = %e, "NodePort rules not applied"),
            }
        }
    }
}

/// Publishes `NodePortsForwarded` on each Service whose node ports just changed.
async fn report_forwarded(
    recorder: &Recorder,
    cluster: &str,
    node_ip: Ipv4Addr,
    now: &Forwarded,
    before: &Forwarded,
) {
    for (service, (reference, rules)) in now {
        if rules.is_empty() || before.get(service).map(|(_, r)| r) == Some(rules) {
            continue;
        }
        let ports: Vec<String> = rules
            .iter()
            .map(|r| {
                format!(
                    "{}/{} -> {node_ip}:{}",
                    r.node_port, r.protocol, r.target_port
                )
            })
            .collect();
        tracing::info!(%cluster, %service, ports = %ports.join(", "), "node ports forwarded");
        let event = events::Event {
            type_: EventType::Normal,
            reason: REASON_NODE_PORTS.into(),
            note: Some(format!("forwarding {}", ports.join(", "))),
            action: "ForwardNodePorts".into(),
            secondary: None,
        };
        if let Err(e) = recorder.publish(&event, reference).await {
            tracing::debug!(%cluster, %service, error = %e, "event not published");
        }
    }
}

fn key(svc: &Service) -> String {
    format!("{}/{}", svc.namespace().unwrap_or_default(), svc.name_any())
}

async fn ensure_ingress(
    client: &Client,
    recorder: &Recorder,
    cluster: &str,
    svc: &Service,
    node_ip: Ipv4Addr,
) {
    if !needs_ingress(svc, node_ip) {
        return;
    }
    let api: Api<Service> = Api::namespaced(client.clone(), &svc.namespace().unwrap_or_default());
    let patch = serde_json::json!({
        "status": {"loadBalancer": {"ingress": [{"ip": node_ip.to_string()}]}}
    });
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    match api
        .patch_status(&svc.name_any(), &params, &Patch::Merge(&patch))
        .await
    {
        Ok(_) => {
            tracing::info!(%cluster, service = %key(svc), ip = %node_ip, "load balancer ingress set");
            let event = events::Event {
                type_: EventType::Normal,
                reason: REASON_LOAD_BALANCER.into(),
                note: Some(format!("ingress {node_ip} (the node's address)")),
                action: "EnsureLoadBalancer".into(),
                secondary: None,
            };
            if let Err(e) = recorder.publish(&event, &svc.object_ref(&())).await {
                tracing::debug!(%cluster, service = %key(svc), error = %e, "event not published");
            }
        }
        Err(e) => {
            tracing::warn!(%cluster, service = %key(svc), error = %e, "load balancer ingress not set");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(value: serde_json::Value) -> Service {
        serde_json::from_value(value).unwrap()
    }

    fn node_ip() -> Ipv4Addr {
        Ipv4Addr::new(172, 31, 9, 2)
    }

    #[test]
    fn node_ports_forward_to_the_target_port_or_the_port() {
        let svc = service(serde_json::json!({
            "metadata": {"name": "gw", "namespace": "t"},
            "spec": {"type": "LoadBalancer", "ports": [
                {"port": 51840, "targetPort": 51841, "nodePort": 30001, "protocol": "UDP"},
                {"port": 80, "nodePort": 30002},
                {"port": 81, "targetPort": "http", "nodePort": 30003},
                {"port": 82}
            ]}
        }));
        let rules = node_port_rules(&svc);
        assert_eq!(
            rules,
            vec![
                NodePortRule {
                    service: "t/gw".into(),
                    protocol: "udp".into(),
                    node_port: 30001,
                    target_port: 51841
                },
                NodePortRule {
                    service: "t/gw".into(),
                    protocol: "tcp".into(),
                    node_port: 30002,
                    target_port: 80
                },
            ]
        );
        let cluster_ip = service(serde_json::json!({
            "metadata": {"name": "c", "namespace": "t"},
            "spec": {"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 30009}]}
        }));
        assert!(node_port_rules(&cluster_ip).is_empty());
    }

    #[test]
    fn the_table_is_replaced_whole_and_removed_when_empty() {
        let rules = [NodePortRule {
            service: "t/gw".into(),
            protocol: "udp".into(),
            node_port: 30001,
            target_port: 51840,
        }];
        let script = render_nat_table(node_ip(), &rules);
        assert!(script.starts_with("table ip liqo-testenv\ndelete table ip liqo-testenv\n"));
        let rule = "ip daddr 172.31.9.2 udp dport 30001 dnat to 172.31.9.2:51840 comment \"t/gw\"";
        assert_eq!(script.matches(rule).count(), 2, "{script}");
        assert!(script.contains("type nat hook prerouting priority -100"));
        assert!(script.contains("type nat hook output priority -100"));
        assert_eq!(
            render_nat_table(node_ip(), &[]),
            "table ip liqo-testenv\ndelete table ip liqo-testenv\n"
        );
    }

    #[test]
    fn only_default_class_load_balancers_without_the_node_ingress_need_one() {
        let lb = |status: serde_json::Value, class: Option<&str>| {
            service(serde_json::json!({
                "metadata": {"name": "gw", "namespace": "t"},
                "spec": {"type": "LoadBalancer", "loadBalancerClass": class},
                "status": status
            }))
        };
        assert!(needs_ingress(&lb(serde_json::json!({}), None), node_ip()));
        let done = serde_json::json!({"loadBalancer": {"ingress": [{"ip": "172.31.9.2", "ipMode": "VIP"}]}});
        assert!(!needs_ingress(&lb(done, None), node_ip()));
        let other = serde_json::json!({"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}});
        assert!(needs_ingress(&lb(other, None), node_ip()));
        assert!(!needs_ingress(
            &lb(serde_json::json!({}), Some("x.io/lb")),
            node_ip()
        ));
        let node_port = service(serde_json::json!({"spec": {"type": "NodePort"}}));
        assert!(!needs_ingress(&node_port, node_ip()));
    }
}
