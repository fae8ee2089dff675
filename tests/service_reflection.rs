//! Service and EndpointSlice reflection on two real peered clusters (spec offloading.md §6.1
//! step 5): a Service in a mapped namespace, selecting a Deployment bound to the virtual node,
//! becomes on the provider a selectorless ClusterIP Service with its own clusterIP and the same
//! ports, a ShadowEndpointSlice and the EndpointSlice made from it, whose addresses are the
//! provider pods' IPs (each answering the demo JSON there). Deleting the Service on the
//! consumer removes all three. Teardown leaves nothing on either cluster.
//!
//! A pod of the provider reaches each endpoint at its pod IP and the pods through the
//! reflected Service's clusterIP (testenv's node agent forwards clusterIPs as kube-proxy does).

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "common/peer_pair.rs"]
#[allow(dead_code)]
mod peer_pair;
#[path = "common/pods.rs"]
#[allow(dead_code)]
mod pods;

use std::collections::BTreeSet;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::runtime::watcher;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::label;
use liqo_api::offloading::{MappingPhase, NamespaceMap, ShadowEndpointSlice, ShadowPod};
use peer_pair::{Pair, Spec};
use pods::{ClientPod, running, until_forwarded, until_list};
use serde_json::json;

const SPEC: Spec = Spec {
    c: "sr-c",
    p: "sr-p",
    c_id: "sr-c-id",
    p_id: "sr-p-id",
};
const NS: &str = "shop";
const SERVICE_NAME: &str = "kubernetes.io/service-name";

fn pod_ips(pods: &[Arc<Pod>]) -> BTreeSet<String> {
    pods.iter()
        .filter_map(|p| p.status.as_ref()?.pod_ip.clone())
        .collect()
}

/// The ready addresses of endpoints (of a slice or a template).
fn ready_addresses<'a>(
    endpoints: impl IntoIterator<Item = &'a k8s_openapi::api::discovery::v1::Endpoint>,
) -> BTreeSet<String> {
    endpoints
        .into_iter()
        .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
        .flat_map(|e| e.addresses.clone())
        .collect()
}

fn shadow_addresses(s: &ShadowEndpointSlice) -> BTreeSet<String> {
    let t = s.spec.template.as_ref();
    ready_addresses(t.and_then(|t| t.endpoints.as_ref()).into_iter().flatten())
}

fn slice_addresses(s: &EndpointSlice) -> BTreeSet<String> {
    ready_addresses(s.endpoints.iter().flatten())
}

/// The demo workload, bound to virtual nodes.
fn deployment() -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "nodeSelector": {label::TYPE: label::TYPE_VIRTUAL_NODE},
                    "tolerations": [{"key": "virtual-node.liqo.io/not-allowed",
                        "operator": "Exists", "effect": "NoExecute"}],
                    "terminationGracePeriodSeconds": 2,
                    "containers": [pods::demo_container()],
                },
            },
        },
    }))
    .unwrap()
}

/// A NodePort Service selecting the workload (reflected as a ClusterIP one).
fn service() -> Service {
    serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS, "labels": {"tier": "front"}},
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "sessionAffinity": "ClientIP",
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    }))
    .unwrap()
}

/// Writes (or, with `None`, drops) [`NS`]'s entry in the provider's NamespaceMap, as the
/// NamespaceOffloading controller would; returns the map's namespace and name.
async fn set_mapping(c: &Client, remote: Option<&str>) -> (String, String) {
    let lp = ListParams::default().labels(&format!("{}={}", label::REMOTE_CLUSTER_ID, SPEC.p_id));
    let map = Api::<NamespaceMap>::all(c.clone())
        .list(&lp)
        .await
        .unwrap()
        .items
        .pop()
        .expect("the provider's NamespaceMap");
    let (ns, name) = (map.namespace().unwrap(), map.name_any());
    let desired = remote.map_or(json!({}), |r| json!({NS: r}));
    let body = json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "NamespaceMap",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"desiredMapping": desired},
    });
    Api::<NamespaceMap>::namespaced(c.clone(), &ns)
        .patch(
            &name,
            &PatchParams::apply("service-reflection-test").force(),
            &Patch::Apply(&body),
        )
        .await
        .unwrap();
    (ns, name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_and_its_endpoints_are_reflected_to_the_provider() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    flows::ok("peer", &pair.peer(&[]).await);
    let remote_ns = format!("{NS}-{}", SPEC.c_id);

    // 1. The namespace, mapped and accepted.
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": NS}})).unwrap();
    let _ = Api::<Namespace>::all(c.clone())
        .create(&PostParams::default(), &ns)
        .await;
    let (map_ns, map_name) = set_mapping(&c, Some(&remote_ns)).await;
    let accepted = |m: Option<&NamespaceMap>| {
        m.and_then(|m| {
            m.status
                .as_ref()?
                .current_mapping
                .as_ref()?
                .get(NS)
                .cloned()
        })
        .is_some_and(|st| st.phase == Some(MappingPhase::Accepted))
    };
    flows::within(
        "the NamespaceMap entry Accepted",
        await_condition(
            Api::<NamespaceMap>::namespaced(c.clone(), &map_ns),
            &map_name,
            accepted,
        ),
    )
    .await
    .unwrap();

    // 2. The workload offloaded, and a Service selecting it.
    let pp = PostParams::default();
    Api::<Deployment>::namespaced(c.clone(), NS)
        .create(&pp, &deployment())
        .await
        .unwrap();
    let local_service = Api::<Service>::namespaced(c.clone(), NS)
        .create(&pp, &service())
        .await
        .unwrap();
    let app = watcher::Config::default().labels("app=web");
    let remote_pods = until_list(
        Api::<Pod>::namespaced(p.clone(), &remote_ns),
        app.clone(),
        "2 provider pods ready",
        |p| {
            format!(
                "{} {:?}",
                p.name_any(),
                p.status.as_ref().map(|s| &s.pod_ip)
            )
        },
        |ps| ps.len() == 2 && ps.iter().all(|p| running(p)),
    )
    .await;
    let ips = pod_ips(&remote_pods);
    assert_eq!(ips.len(), 2, "{ips:?}");

    // 3. The provider's Service: no selector, its own clusterIP, the same ports.
    let by_name =
        |name: &'static str| watcher::Config::default().fields(&format!("metadata.name={name}"));
    let remote_services: Api<Service> = Api::namespaced(p.clone(), &remote_ns);
    let remote_service = until_list(
        remote_services.clone(),
        by_name("web"),
        "Service web reflected",
        |s| format!("{:?}", s.spec),
        |ss| !ss.is_empty(),
    )
    .await
    .remove(0);
    assert_eq!(
        remote_service.labels()[label::MANAGED_BY],
        label::MANAGED_BY_REFLECTION
    );
    assert_eq!(remote_service.labels()["tier"], "front");
    let (rs, ls) = (
        remote_service.spec.clone().unwrap(),
        local_service.spec.clone().unwrap(),
    );
    assert_eq!(rs.selector, None);
    assert_eq!(rs.type_.as_deref(), Some("ClusterIP"));
    assert_eq!(rs.session_affinity.as_deref(), Some("ClientIP"));
    let cluster_ip = rs
        .cluster_ip
        .clone()
        .expect("the provider assigned a clusterIP");
    assert!(
        cluster_ip.parse::<std::net::IpAddr>().is_ok(),
        "{cluster_ip}"
    );
    let (rp, lp) = (&rs.ports.unwrap()[0], &ls.ports.unwrap()[0]);
    assert_eq!(
        (&rp.name, rp.port, &rp.target_port, &rp.protocol),
        (&lp.name, lp.port, &lp.target_port, &lp.protocol)
    );
    assert!(lp.node_port.is_some());
    assert_eq!(rp.node_port, None);

    // 4. The ShadowEndpointSlice and the EndpointSlice: the provider pods' IPs.
    let of_web = watcher::Config::default().labels(&format!("{SERVICE_NAME}=web"));
    let shadows = until_list(
        Api::<ShadowEndpointSlice>::namespaced(p.clone(), &remote_ns),
        of_web.clone(),
        "the ShadowEndpointSlice with both provider pods' IPs",
        |s| format!("{} {:?}", s.name_any(), s.spec.template),
        |ss| ss.len() == 1 && shadow_addresses(&ss[0]) == ips,
    )
    .await;
    assert_eq!(
        shadows[0].labels()[label::MANAGED_BY],
        label::MANAGED_BY_REFLECTION
    );
    let local_slices = Api::<EndpointSlice>::namespaced(c.clone(), NS)
        .list(&ListParams::default().labels(&format!("{SERVICE_NAME}=web")))
        .await
        .unwrap();
    let local_names: Vec<String> = local_slices.items.iter().map(|s| s.name_any()).collect();
    assert_eq!(
        local_names,
        [shadows[0].name_any()],
        "named after the consumer's slice"
    );
    let slices = until_list(
        Api::<EndpointSlice>::namespaced(p.clone(), &remote_ns),
        of_web.clone(),
        "the provider EndpointSlice with both pods' IPs",
        |s| format!("{} {:?} {:?}", s.name_any(), s.labels(), s.endpoints),
        |ss| ss.len() == 1 && slice_addresses(&ss[0]) == ips,
    )
    .await;
    let slice = &slices[0];
    assert_eq!(
        slice.labels()["endpointslice.kubernetes.io/managed-by"],
        "shadowendpointslice-controller.liqo.io"
    );
    assert_eq!(slice.owner_references()[0].kind, "ShadowEndpointSlice");
    assert_eq!(slice.ports.as_ref().unwrap()[0].port, Some(8080));
    let kc = peer_pair::env().cluster(SPEC.p).kubeconfig().to_path_buf();
    let client = ClientPod::start(p.clone(), &kc, "client").await;
    for ip in &ips {
        let answer = client.get(&format!("http://{ip}:8080/")).await;
        for part in [
            format!("\"namespace\":\"{remote_ns}\""),
            format!("\"podIP\":\"{ip}\""),
        ] {
            assert!(answer.contains(&part), "missing {part} in {answer}");
        }
    }

    let endpoints: Vec<String> = ips.iter().map(|ip| format!("{ip}:8080")).collect();
    until_forwarded(p.clone(), &remote_ns, "web", &endpoints).await;
    let answer = client.get(&format!("http://{cluster_ip}:80/")).await;
    assert!(
        answer.contains(&format!("\"namespace\":\"{remote_ns}\"")),
        "the reflected Service's clusterIP reaches a provider pod: {answer}"
    );
    client.remove(p.clone()).await;

    // 5. The Service deleted on the consumer: its copy, shadow and slice go on the provider.
    Api::<Service>::namespaced(c.clone(), NS)
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    until_list(
        remote_services,
        by_name("web"),
        "Service web gone on the provider",
        |s| s.name_any(),
        <[_]>::is_empty,
    )
    .await;
    until_list(
        Api::<ShadowEndpointSlice>::namespaced(p.clone(), &remote_ns),
        of_web.clone(),
        "the ShadowEndpointSlice gone",
        |s| s.name_any(),
        <[_]>::is_empty,
    )
    .await;
    until_list(
        Api::<EndpointSlice>::namespaced(p.clone(), &remote_ns),
        of_web,
        "the provider EndpointSlice gone",
        |s| s.name_any(),
        <[_]>::is_empty,
    )
    .await;

    // 6. Teardown: the workload, the mapping and its twin, the namespace, the peering.
    Api::<Deployment>::namespaced(c.clone(), NS)
        .delete("web", &DeleteParams::foreground())
        .await
        .unwrap();
    until_list(
        Api::<ShadowPod>::namespaced(p.clone(), &remote_ns),
        watcher::Config::default(),
        "no ShadowPod left",
        |s| s.name_any(),
        <[_]>::is_empty,
    )
    .await;
    set_mapping(&c, None).await;
    let gone = |n: Option<&Namespace>| n.is_none();
    flows::within(
        "the twin namespace deleted on the provider",
        await_condition(Api::<Namespace>::all(p.clone()), &remote_ns, gone),
    )
    .await
    .unwrap();
    Api::<Namespace>::all(c.clone())
        .delete(NS, &DeleteParams::default())
        .await
        .unwrap();
    flows::within(
        "the namespace deleted on the consumer",
        await_condition(Api::<Namespace>::all(c.clone()), NS, gone),
    )
    .await
    .unwrap();
    pair.undo_and_check().await;
}
