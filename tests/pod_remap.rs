//! The pod path when both clusters have the same pod CIDR (spec offloading.md §7 step 10,
//! networking.md's CIDR remapping): the offloaded pods read on the consumer with addresses of
//! the provider's remapped pod CIDR (not their provider address, which is inside the
//! consumer's own CIDR), and a consumer pod reaches each of them there, through the tunnel,
//! and through a consumer Service selecting them.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "common/pods.rs"]
#[allow(dead_code)]
mod pods;

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::PostParams;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_api::networking::Configuration;
use liqo_testenv::Env;
use pods::{ClientPod, pod_summary, running, until_forwarded, until_list};
use serde_json::json;

/// The same pod CIDR on both sides.
const CIDR: &str = "10.244.0.0/16";
const C: (&str, &str) = ("rm-c", "rm-c-id");
const P: (&str, &str) = ("rm-p", "rm-p-id");
const NS: &str = "same";

fn env() -> Env {
    common::installed_network_env(&[(C.0, C.1, CIDR), (P.0, P.1, CIDR)])
}

/// liqoctl on the consumer, with the provider as remote when `remote` is set.
async fn liqoctl(env: &Env, args: &[&str], remote: bool) -> std::process::Output {
    flows::liqoctl_on(env, C.0, args, remote.then_some(P.0)).await
}

fn web_pod(name: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": NS, "labels": {"app": "web"}},
        "spec": {
            "terminationGracePeriodSeconds": 2,
            "containers": [pods::demo_container()]
        }
    }))
    .unwrap()
}

fn pod_ip(p: &Pod) -> Ipv4Addr {
    p.status
        .as_ref()
        .and_then(|s| s.pod_ip.as_ref())
        .and_then(|ip| ip.parse().ok())
        .unwrap_or_else(|| panic!("{} has no pod IP", p.name_any()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offloaded_pods_are_reached_at_remapped_addresses_when_pod_cidrs_are_equal() {
    let env = tokio::task::spawn_blocking(env).await.unwrap();
    let (c, p) = (env.cluster(C.0).client(), env.cluster(P.0).client());
    flows::ok(
        "peer",
        &liqoctl(&env, &["peer", "--timeout=120s"], true).await,
    );
    let pp = PostParams::default();
    flows::offload_new_namespace(&env, C.0, NS, "Remote").await;
    let local_pods: Api<Pod> = Api::namespaced(c.clone(), NS);
    for name in ["web-1", "web-2"] {
        local_pods.create(&pp, &web_pod(name)).await.unwrap();
    }
    let app = watcher::Config::default().labels("app=web");
    let local = until_list(
        local_pods,
        app.clone(),
        "2 offloaded pods Running on the consumer",
        pod_summary,
        |ps| ps.len() == 2 && ps.iter().all(|p| running(p)),
    )
    .await;
    let origin = format!("{}={}", label::OFFLOADING_ORIGIN, C.1);
    let remote = until_list(
        Api::<Pod>::all(p.clone()),
        watcher::Config::default().labels(&origin),
        "2 provider pods Running",
        pod_summary,
        |ps| ps.len() == 2 && ps.iter().all(|p| running(p)),
    )
    .await;
    let remote_ips: BTreeMap<String, Ipv4Addr> =
        remote.iter().map(|p| (p.name_any(), pod_ip(p))).collect();

    // The consumer sees the provider's pods in the remapped CIDR of its Configuration.
    let config = Api::<Configuration>::namespaced(c.clone(), &flows::tenant_ns(P.1))
        .get(P.1)
        .await
        .unwrap();
    let remapped = config
        .status
        .unwrap()
        .remote
        .unwrap()
        .cidr
        .unwrap()
        .pod
        .unwrap()[0]
        .clone();
    assert_ne!(remapped, CIDR, "an equal pod CIDR is remapped");
    let kc = env.cluster(C.0).kubeconfig().to_path_buf();
    let client = ClientPod::start(c.clone(), &kc, "client").await;
    for pod in &local {
        let name = pod.name_any();
        let real = remote_ips[&name];
        assert_eq!(
            pod_ip(pod),
            common::on_network(&remapped, real),
            "{name}: the provider's address {real} on the remapped CIDR {remapped}"
        );
        let answer = client.get(&format!("http://{}:8080/", pod_ip(pod))).await;
        assert!(
            answer.contains(&format!("\"pod\":\"{name}\"")) && answer.contains(&real.to_string()),
            "{name} at its remapped address: {answer}"
        );
    }

    // A consumer Service selecting them forwards to the remapped addresses: both answer.
    let svc: Service = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
    }))
    .unwrap();
    let svc = Api::<Service>::namespaced(c.clone(), NS)
        .create(&pp, &svc)
        .await
        .unwrap();
    let endpoints: Vec<String> = local
        .iter()
        .map(|p| format!("{}:8080", pod_ip(p)))
        .collect();
    until_forwarded(c.clone(), NS, "web", &endpoints).await;
    let cluster_ip = svc.spec.and_then(|s| s.cluster_ip).unwrap();
    let mut answered = BTreeSet::new();
    for _ in 0..10 {
        let answer = client.get(&format!("http://{cluster_ip}:80/")).await;
        let by = ["web-1", "web-2"]
            .into_iter()
            .find(|n| answer.contains(&format!("\"pod\":\"{n}\"")));
        answered.insert(by.unwrap_or_else(|| panic!("not a web pod: {answer}")));
    }
    assert_eq!(answered.len(), 2, "both through the Service: {answered:?}");
    drop(env);
}
