//! A provider outage seen from the consumer's offloaded pods, on two real peered clusters
//! (spec offloading.md §7, the pod-status controller). First, a pod bound to the virtual node
//! with requests beyond the slice is refused by the provider's Quota and says so. Then, with
//! the provider's API server frozen,
//! the virtual node turns NotReady and the offloaded pod is labelled
//! `liqo.io/remote-unavailable` with Ready False; once it is back, the pod is Ready again and
//! unlabelled. Frozen once more, for good: `unpeer --force` deletes the offloaded pod with grace
//! 0 (no eviction can reach a dead provider) and the virtual node goes.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "common/pods.rs"]
#[allow(dead_code)]
mod pods;

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::events::v1::Event;
use kube::api::{ListParams, PostParams};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_testenv::{ClusterConfig, Env};
use pods::{pod_summary, running, until_list};
use serde_json::json;

const C: (&str, &str, &str) = ("og-c", "og-c-id", "10.243.0.0/16");
const P: (&str, &str, &str) = ("og-p", "og-p-id", "10.244.0.0/16");
const NS: &str = "outage";
/// The consumer's node-lifecycle grace: the outage shows in seconds, not Kubernetes' 50 s;
/// above the virtual kubelet's 10 s Lease renewal so a healthy node never flaps.
const GRACE: Duration = Duration::from_secs(20);

fn env() -> Env {
    let env = Env::builder()
        .network(true)
        .cluster_config(
            ClusterConfig::new(C.0)
                .pod_cidr(C.2)
                .node_monitor_grace_period(GRACE),
        )
        .cluster_config(ClusterConfig::new(P.0).pod_cidr(P.2))
        .start_blocking()
        .expect("test clusters start");
    let flags = |(_, id, cidr): (&str, &str, &str)| {
        vec![format!("--cluster-id={id}"), format!("--pod-cidr={cidr}")]
    };
    // The provider enforces its Quotas (the default, as upstream's, is None).
    let mut provider = flags(P);
    provider.push("--default-limits-enforcement=Soft".into());
    common::install_all(&env, vec![(C.0, flags(C)), (P.0, provider)]);
    env
}

/// liqoctl on the consumer, with the provider as remote when `remote` is set.
async fn liqoctl(env: &Env, args: &[&str], remote: bool) -> std::process::Output {
    flows::liqoctl_on(env, C.0, args, remote.then_some(P.0)).await
}

fn deployment() -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "terminationGracePeriodSeconds": 2,
                    "containers": [{
                        "name": "demo", "image": "ghcr.io/liqoctl-rs/liqo:test",
                        "command": ["/usr/local/bin/liqo-demo"],
                        "env": [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
                        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 1},
                    }],
                },
            },
        },
    }))
    .unwrap()
}

fn virtual_nodes_selector() -> String {
    format!("{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE)
}

fn unavailable(p: &Pod) -> bool {
    let labelled = p
        .labels()
        .get(label::REMOTE_UNAVAILABLE)
        .map(String::as_str)
        == Some("true");
    let not_ready = p
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "False"));
    labelled && not_ready
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offloaded_pods_follow_a_provider_outage_and_force_unpeer_removes_them() {
    let env = tokio::task::spawn_blocking(env).await.unwrap();
    let c = env.cluster(C.0).client();
    flows::ok(
        "peer",
        &liqoctl(&env, &["peer", "--timeout=120s"], true).await,
    );
    flows::offload_new_namespace(&env, C.0, NS, "Remote").await;
    Api::<Deployment>::namespaced(c.clone(), NS)
        .create(&PostParams::default(), &deployment())
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.clone(), NS);
    let app = watcher::Config::default().labels("app=web");
    let ready = until_list(
        pods.clone(),
        app.clone(),
        "the offloaded pod Ready",
        pod_summary,
        |ps| ps.len() == 1 && running(&ps[0]),
    )
    .await;
    let offloaded = ready[0].uid().unwrap();

    // 0. Requests beyond the slice, bound straight to the virtual node (the consumer's
    // scheduler would keep such a pod Pending): the provider's Quota refuses its ShadowPod and
    // the consumer pod says why.
    let virtual_node = Api::<Node>::all(c.clone())
        .list(&ListParams::default().labels(&virtual_nodes_selector()))
        .await
        .unwrap()
        .items[0]
        .name_any();
    let greedy: Pod = serde_json::from_value(json!({
        "metadata": {"name": "greedy", "namespace": NS},
        "spec": {"nodeName": virtual_node, "containers": [{"name": "demo",
            "image": "ghcr.io/liqoctl-rs/liqo:test", "command": ["/usr/local/bin/liqo-demo"],
            "resources": {"requests": {"cpu": "1000"}}}]},
    }))
    .unwrap();
    pods.create(&PostParams::default(), &greedy).await.unwrap();
    until_list(
        Api::<Event>::namespaced(c.clone(), NS),
        watcher::Config::default(),
        "a Warning OffloadingRefused (quota exceeded) on the greedy pod",
        |e| {
            format!(
                "{:?} {:?} {:?}",
                e.regarding.as_ref().and_then(|r| r.name.clone()),
                e.reason,
                e.note
            )
        },
        |events| {
            events.iter().any(|e| {
                e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some("greedy")
                    && e.reason.as_deref() == Some("OffloadingRefused")
                    && e.note
                        .as_deref()
                        .is_some_and(|n| n.contains("quota exceeded"))
            })
        },
    )
    .await;
    pods.delete("greedy", &Default::default()).await.unwrap();

    // 1. The provider's API server frozen: NotReady virtual node, pod labelled and not Ready.
    let provider = env.cluster(P.0);
    provider.pause_apiserver().unwrap();
    until_list(
        pods.clone(),
        app.clone(),
        "the pod remote-unavailable and not Ready",
        pod_summary,
        |ps| {
            ps.iter()
                .any(|p| p.uid().as_deref() == Some(&offloaded) && unavailable(p))
        },
    )
    .await;

    // 2. Back: Ready again, the label gone, the same pod (nothing was rescheduled).
    provider.resume_apiserver().unwrap();
    until_list(
        pods.clone(),
        app.clone(),
        "the pod Ready again",
        pod_summary,
        |ps| {
            ps.len() == 1
                && ps[0].uid().as_deref() == Some(&offloaded)
                && running(&ps[0])
                && !ps[0].labels().contains_key(label::REMOTE_UNAVAILABLE)
        },
    )
    .await;

    // 3. Gone for good: force unpeer deletes the offloaded pod (grace 0) and the virtual node.
    provider.pause_apiserver().unwrap();
    let force = [
        "unpeer",
        "--force",
        "--skip-confirm",
        &format!("--remote-cluster-id={}", P.1),
        "--timeout=60s",
    ];
    let out = liqoctl(&env, &force, false).await;
    provider.resume_apiserver().unwrap();
    flows::ok("unpeer --force", &out);
    until_list(
        pods.clone(),
        app,
        "the offloaded pod deleted",
        pod_summary,
        |ps| ps.iter().all(|p| p.uid().as_deref() != Some(&offloaded)),
    )
    .await;
    let virtual_nodes = Api::<Node>::all(c.clone())
        .list(&ListParams::default().labels(&virtual_nodes_selector()))
        .await
        .unwrap();
    assert!(
        virtual_nodes.items.is_empty(),
        "virtual nodes left: {:?}",
        virtual_nodes
            .items
            .iter()
            .map(|n| n.name_any())
            .collect::<Vec<_>>()
    );
}
