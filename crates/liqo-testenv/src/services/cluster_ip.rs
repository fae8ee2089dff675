//! ClusterIP forwarding, as kube-proxy does it: every Service port with a clusterIP becomes an
//! nftables DNAT from `clusterIP:port` to its ready endpoints (chosen at random per
//! connection), in the `output` hook of every pod sandbox and of the node's namespace. The
//! translation happens where the connection starts, so a packet leaves the pod already
//! addressed to a pod IP: hairpin connections (a pod reaching itself through its Service) need
//! no masquerade, and the gateway's CIDR remapping in the node's namespace still applies to
//! endpoints behind the tunnel (a second destination NAT in one namespace would be skipped).
//! The node's namespace also translates in `prerouting`, for connections that arrive from
//! the tunnel addressed to a ClusterIP (see [`Hooks::Node`]).
//! Each Service whose forwarding changes gets an `EndpointsForwarded` Event.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ObjectReference, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::events::v1::Event as EventV1;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::Timestamp;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource, ResourceExt};

use crate::net::{NodeNetwork, Sandboxes};

/// The nftables table (family `ip`) holding the ClusterIP rules.
pub const CLUSTER_IP_TABLE: &str = "liqo-testenv-services";
/// Event reason once a Service's clusterIP forwards to a new set of endpoints.
pub const REASON_ENDPOINTS: &str = "EndpointsForwarded";
/// Label naming an EndpointSlice's Service.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// One Service port and where its connections go.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClusterIpRule {
    /// `namespace/name` of the Service, as the rule's comment.
    pub service: String,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// The Service's clusterIP.
    pub cluster_ip: Ipv4Addr,
    /// The Service port.
    pub port: u16,
    /// Ready endpoints: pod address and target port.
    pub endpoints: Vec<(Ipv4Addr, u16)>,
}

/// The forwarding of `svc`'s ports to the ready endpoints of `slices` (those of any Service;
/// only `svc`'s count). Headless Services, ports without ready endpoints and loopback
/// endpoints (unreachable from a pod) give no rule (pure).
pub fn cluster_ip_rules(svc: &Service, slices: &[&EndpointSlice]) -> Vec<ClusterIpRule> {
    let Some(cluster_ip) = svc
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .and_then(|ip| ip.parse::<Ipv4Addr>().ok())
    else {
        return Vec::new();
    };
    let (ns, name) = (svc.namespace().unwrap_or_default(), svc.name_any());
    let own: Vec<&EndpointSlice> = slices
        .iter()
        .copied()
        .filter(|s| {
            s.namespace().as_deref() == Some(ns.as_str())
                && s.labels().get(SERVICE_NAME_LABEL) == Some(&name)
                && s.address_type == "IPv4"
        })
        .collect();
    let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
    ports
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let protocol = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            let wanted = p.name.clone().unwrap_or_default();
            let mut endpoints: Vec<(Ipv4Addr, u16)> = own
                .iter()
                .flat_map(|slice| slice_endpoints(slice, &wanted, &protocol))
                .collect();
            endpoints.sort();
            endpoints.dedup();
            let port = u16::try_from(p.port).ok()?;
            (!endpoints.is_empty()).then(|| ClusterIpRule {
                service: format!("{ns}/{name}"),
                protocol: protocol.to_ascii_lowercase(),
                cluster_ip,
                port,
                endpoints,
            })
        })
        .collect()
}

/// The ready addresses of `slice` with the target port of its port `name`/`protocol`.
fn slice_endpoints(slice: &EndpointSlice, name: &str, protocol: &str) -> Vec<(Ipv4Addr, u16)> {
    let target = slice.ports.iter().flatten().find(|p| {
        p.name.as_deref().unwrap_or_default() == name
            && p.protocol.as_deref().unwrap_or("TCP") == protocol
    });
    let Some(port) = target.and_then(|p| u16::try_from(p.port?).ok()) else {
        return Vec::new();
    };
    slice
        .endpoints
        .iter()
        .flatten()
        .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) != Some(false))
        .flat_map(|e| e.addresses.iter())
        .filter_map(|a| a.parse::<Ipv4Addr>().ok())
        .filter(|ip| !ip.is_loopback())
        .map(|ip| (ip, port))
        .collect()
}

/// Where a ClusterIP table goes: the hooks its rules are attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hooks {
    /// A pod sandbox: connections it starts (`output`).
    Sandbox,
    /// The node's namespace: also connections arriving from elsewhere (`prerouting`), as
    /// kube-proxy translates them on a real node. The gateway, in the node's namespace here,
    /// delivers packets from the tunnel addressed to a ClusterIP (the API-server proxy's, via
    /// its IP alias); pods' own connections are already translated in their sandbox.
    Node,
}

/// The `nft -f` script that replaces the ClusterIP table with `rules` (pure).
pub fn render_cluster_ip_table(rules: &[ClusterIpRule], hooks: Hooks) -> String {
    let mut script = format!("table ip {CLUSTER_IP_TABLE}\ndelete table ip {CLUSTER_IP_TABLE}\n");
    if rules.is_empty() {
        return script;
    }
    let dnats: Vec<String> = rules.iter().map(dnat).collect();
    let mut chains = vec![("output", "type nat hook output priority -100")];
    if hooks == Hooks::Node {
        chains.push(("prerouting", "type nat hook prerouting priority -100"));
    }
    script.push_str(&format!("table ip {CLUSTER_IP_TABLE} {{\n"));
    for (name, hook) in chains {
        script.push_str(&format!("\tchain {name} {{\n\t\t{hook}; policy accept;\n"));
        for rule in &dnats {
            script.push_str(&format!("\t\t{rule}\n"));
        }
        script.push_str("\t}\n");
    }
    script.push_str("}\n");
    script
}

/// The DNAT of one Service port to its endpoints.
fn dnat(r: &ClusterIpRule) -> String {
    let to = match r.endpoints.as_slice() {
        [(ip, port)] => format!("{ip}:{port}"),
        many => {
            let entries: Vec<String> = many
                .iter()
                .enumerate()
                .map(|(i, (ip, port))| format!("{i} : {ip} . {port}"))
                .collect();
            format!(
                "numgen random mod {} map {{ {} }}",
                many.len(),
                entries.join(", ")
            )
        }
    };
    format!(
        "ip daddr {} {} dport {} dnat to {to} comment \"{}\"",
        r.cluster_ip, r.protocol, r.port, r.service
    )
}

/// Keeps the ClusterIP rules of the node and its sandboxes current until `shutdown`.
pub(crate) async fn run(
    client: Client,
    cluster: String,
    net: NodeNetwork,
    sandboxes: Sandboxes,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let (services, services_writer) = reflector::store::<Service>();
    let (slices, slices_writer) = reflector::store::<EndpointSlice>();
    let config = watcher::Config::default;
    let service_events = reflector::reflector(
        services_writer,
        watcher::watcher(Api::<Service>::all(client.clone()), config()).default_backoff(),
    )
    .map(|_| ());
    let slice_events = reflector::reflector(
        slices_writer,
        watcher::watcher(Api::<EndpointSlice>::all(client.clone()), config()).default_backoff(),
    )
    .map(|_| ());
    let mut changes = futures::stream::select(service_events, slice_events).boxed();
    let mut applied: Option<String> = None;
    let mut forwarded = BTreeMap::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            change = changes.next() => if change.is_none() { break },
        }
        // A burst of changes (a Deployment scaling) is one rewrite.
        while let Some(Some(())) = futures::FutureExt::now_or_never(changes.next()) {}
        // Until both lists are complete, a rewrite would drop rules that exist.
        if !listed(&services) || !listed(&slices) {
            continue;
        }
        let now = current_rules(&services, &slices);
        let all: Vec<ClusterIpRule> = now.values().flat_map(|(_, r)| r).cloned().collect();
        let script = render_cluster_ip_table(&all, Hooks::Sandbox);
        if applied.as_ref() == Some(&script) {
            continue;
        }
        let node_script = render_cluster_ip_table(&all, Hooks::Node);
        let node = crate::net::apply_nft(&net.netns, &node_script).await;
        let pods = sandboxes.set_rules(script.clone()).await;
        match node.and(pods) {
            Ok(()) => {
                applied = Some(script);
                report(&client, &net.netns, &now, &forwarded).await;
                forwarded = now;
            }
            Err(e) => tracing::warn!(%cluster, error = %e, "ClusterIP rules not applied"),
        }
    }
}

/// Whether `store` has had its first complete list.
fn listed<K>(store: &Store<K>) -> bool
where
    K: kube::Resource + Clone + 'static,
    K::DynamicType: Eq + std::hash::Hash + Clone,
{
    futures::FutureExt::now_or_never(store.wait_until_ready()).is_some_and(|r| r.is_ok())
}

/// Each Service's reference and rules, from the stores.
fn current_rules(
    services: &Store<Service>,
    slices: &Store<EndpointSlice>,
) -> BTreeMap<String, (ObjectReference, Vec<ClusterIpRule>)> {
    let slices = slices.state();
    let slices: Vec<&EndpointSlice> = slices.iter().map(AsRef::as_ref).collect();
    services
        .state()
        .iter()
        .map(|svc| {
            let key = format!("{}/{}", svc.namespace().unwrap_or_default(), svc.name_any());
            (key, (svc.object_ref(&()), cluster_ip_rules(svc, &slices)))
        })
        .filter(|(_, (_, rules))| !rules.is_empty())
        .collect()
}

/// Publishes `EndpointsForwarded` on each Service whose forwarding just changed: one Event per
/// endpoint set, named after it (a Recorder would fold later sets into the first Event's
/// series and keep its note, and the note is what a reader needs).
async fn report(
    client: &Client,
    instance: &str,
    now: &BTreeMap<String, (ObjectReference, Vec<ClusterIpRule>)>,
    before: &BTreeMap<String, (ObjectReference, Vec<ClusterIpRule>)>,
) {
    for (service, (reference, rules)) in now {
        if before.get(service).map(|(_, r)| r) == Some(rules) {
            continue;
        }
        let ports: Vec<String> = rules
            .iter()
            .map(|r| {
                let to: Vec<String> = r
                    .endpoints
                    .iter()
                    .map(|(ip, p)| format!("{ip}:{p}"))
                    .collect();
                format!(
                    "{}:{}/{} -> {}",
                    r.cluster_ip,
                    r.port,
                    r.protocol,
                    to.join(" ")
                )
            })
            .collect();
        let note = format!("forwarding {}", ports.join(", "));
        tracing::info!(%service, %note, "cluster IP forwarded");
        if let Err(e) = publish(client, instance, reference, note).await {
            tracing::debug!(%service, error = %e, "event not published");
        }
    }
}

async fn publish(
    client: &Client,
    instance: &str,
    reference: &ObjectReference,
    note: String,
) -> Result<(), kube::Error> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&note, &mut hasher);
    let name = format!(
        "{}.{:016x}",
        reference.name.as_deref().unwrap_or_default(),
        std::hash::Hasher::finish(&hasher)
    );
    let ns = reference.namespace.clone().unwrap_or_default();
    let event = EventV1 {
        metadata: kube::api::ObjectMeta {
            name: Some(name),
            namespace: Some(ns.clone()),
            ..Default::default()
        },
        event_time: Some(MicroTime(Timestamp::now())),
        reporting_controller: Some(super::FIELD_MANAGER.into()),
        reporting_instance: Some(instance.into()),
        action: Some("ForwardClusterIP".into()),
        reason: Some(REASON_ENDPOINTS.into()),
        type_: Some("Normal".into()),
        regarding: Some(reference.clone()),
        note: Some(note),
        ..Default::default()
    };
    match Api::<EventV1>::namespaced(client.clone(), &ns)
        .create(&kube::api::PostParams::default(), &event)
        .await
    {
        // The same set again (forwarding went back to it): its Event says so already.
        Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
        other => other.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(value: serde_json::Value) -> EndpointSlice {
        serde_json::from_value(value).unwrap()
    }

    fn web() -> Service {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "demo"},
            "spec": {"clusterIP": "10.96.0.20", "ports": [
                {"name": "http", "port": 80, "targetPort": "http"},
                {"name": "dns", "port": 53, "protocol": "UDP"}
            ]}
        }))
        .unwrap()
    }

    #[test]
    fn ports_forward_to_the_ready_endpoints_of_their_own_slices() {
        let own = slice(serde_json::json!({
            "metadata": {"name": "web-a", "namespace": "demo", "labels": {SERVICE_NAME_LABEL: "web"}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [
                {"addresses": ["10.244.128.9"], "conditions": {"ready": true}},
                {"addresses": ["10.244.128.3"]},
                {"addresses": ["10.244.128.4"], "conditions": {"ready": false}},
                {"addresses": ["127.0.0.1"]}
            ]
        }));
        let other_ns = slice(serde_json::json!({
            "metadata": {"name": "web-b", "namespace": "shop", "labels": {SERVICE_NAME_LABEL: "web"}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080}],
            "endpoints": [{"addresses": ["10.244.128.7"]}]
        }));
        let rules = cluster_ip_rules(&web(), &[&own, &other_ns]);
        assert_eq!(
            rules,
            [ClusterIpRule {
                service: "demo/web".into(),
                protocol: "tcp".into(),
                cluster_ip: "10.96.0.20".parse().unwrap(),
                port: 80,
                endpoints: vec![
                    ("10.244.128.3".parse().unwrap(), 8080),
                    ("10.244.128.9".parse().unwrap(), 8080)
                ],
            }],
            "the UDP port has no endpoints: no rule"
        );
        let mut headless = web();
        headless.spec.as_mut().unwrap().cluster_ip = Some("None".into());
        assert!(cluster_ip_rules(&headless, &[&own]).is_empty());
    }

    #[test]
    fn one_endpoint_is_a_plain_dnat_several_a_random_choice() {
        let rule = |endpoints: Vec<(Ipv4Addr, u16)>| ClusterIpRule {
            service: "demo/web".into(),
            protocol: "tcp".into(),
            cluster_ip: "10.96.0.20".parse().unwrap(),
            port: 80,
            endpoints,
        };
        let a: Ipv4Addr = "10.244.128.3".parse().unwrap();
        let b: Ipv4Addr = "10.243.0.5".parse().unwrap();
        let one = render_cluster_ip_table(&[rule(vec![(a, 8080)])], Hooks::Sandbox);
        assert!(one.starts_with(
            "table ip liqo-testenv-services\ndelete table ip liqo-testenv-services\n"
        ));
        assert!(one.contains("type nat hook output priority -100"));
        assert!(
            !one.contains("prerouting"),
            "pods translate what they start"
        );
        let node = render_cluster_ip_table(&[rule(vec![(a, 8080)])], Hooks::Node);
        assert!(
            node.contains("type nat hook prerouting priority -100"),
            "{node}"
        );
        assert_eq!(
            node.matches("dnat to 10.244.128.3:8080").count(),
            2,
            "{node}"
        );
        assert!(one.contains(
            "ip daddr 10.96.0.20 tcp dport 80 dnat to 10.244.128.3:8080 comment \"demo/web\""
        ));
        let two = render_cluster_ip_table(&[rule(vec![(a, 8080), (b, 8081)])], Hooks::Sandbox);
        assert!(
            two.contains(
                "dnat to numgen random mod 2 map { 0 : 10.244.128.3 . 8080, 1 : 10.243.0.5 . 8081 }"
            ),
            "{two}"
        );
        assert_eq!(
            render_cluster_ip_table(&[], Hooks::Node),
            "table ip liqo-testenv-services\ndelete table ip liqo-testenv-services\n"
        );
    }
}
