//! Demo pods on a testenv cluster with a network, as on a real cluster's pod network: each pod
//! in a sandbox of its own with an address of the pod CIDR (readiness probed there), reached
//! from another pod at its pod IP and through a Service's clusterIP (forwarded to both
//! endpoints, also back to the calling pod itself), reaching the host's API server through
//! the node, and no sandbox left once the pods are gone. `liqo-demo get` is the client, run
//! in the pods with the real `kubectl exec`.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event, Pod, Service};
use kube::api::{DeleteParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, ResourceExt};
use liqo_testenv::services::REASON_ENDPOINTS;
use liqo_testenv::{Binaries, Env};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);
const NS: &str = "default";

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

fn demo_pod(name: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"app": if name == "client" { "client" } else { "web" }}},
        "spec": {"containers": [{
            "name": "demo", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/liqo-demo"],
            "env": [
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
            ],
            "ports": [{"name": "http", "containerPort": 8080}],
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 1}
        }]}
    }))
    .unwrap()
}

/// `kubectl exec <pod> -- liqo-demo get <url>`: (success, stdout, stderr).
async fn get_from(kubeconfig: &std::path::Path, pod: &str, url: &str) -> (bool, String, String) {
    let bins = Binaries::locate(&Binaries::default_dir()).unwrap();
    let out = tokio::process::Command::new(bins.kubectl)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["exec", "-n", NS, pod, "--", "liqo-demo", "get", url])
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The name of the pod that answered (`"pod":"<name>"` in the demo JSON).
fn answered_by(answer: &str) -> String {
    let start = answer.find("\"pod\":\"").expect("a demo answer") + 7;
    answer[start..].split('"').next().unwrap().to_string()
}

fn sandboxes_of(node_netns: &str) -> BTreeSet<String> {
    std::fs::read_dir("/run/netns")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{node_netns}.p")))
        .collect()
}

#[tokio::test]
async fn demo_pods_get_sandboxes_on_the_pod_cidr_and_services_forward_to_them() {
    let bin = std::env::temp_dir().join(format!("liqo-demo-net-bin-{}", std::process::id()));
    std::fs::create_dir_all(&bin).unwrap();
    let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_liqo-demo"), bin.join("liqo-demo"));
    let env = Env::builder()
        .cluster("dnet")
        .network(true)
        .project_bin_dir(&bin)
        .start()
        .await
        .expect("test cluster starts");
    let cluster = env.cluster("dnet");
    let kc = cluster.kubeconfig().to_path_buf();
    let client = cluster.client();
    let pods = Api::<Pod>::namespaced(client.clone(), NS);
    let pp = PostParams::default();
    let service: Service = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}
    }))
    .unwrap();
    let svc = Api::<Service>::namespaced(client.clone(), NS)
        .create(&pp, &service)
        .await
        .unwrap();
    let cluster_ip = svc.spec.unwrap().cluster_ip.unwrap();
    let mut uids = Vec::new();
    for name in ["web-1", "web-2", "client"] {
        uids.push(
            pods.create(&pp, &demo_pod(name))
                .await
                .unwrap()
                .uid()
                .unwrap(),
        );
    }

    // 1. Sandboxes: addresses of the pod CIDR's upper half, the node as host, probes there.
    let is_ready = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref()?.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
    };
    let mut ips = Vec::new();
    for name in ["web-1", "web-2", "client"] {
        let pod = within(name, await_condition(pods.clone(), name, is_ready))
            .await
            .unwrap()
            .unwrap();
        let st = pod.status.unwrap();
        let ip: Ipv4Addr = st.pod_ip.unwrap().parse().unwrap();
        assert_eq!(
            ip.octets()[..2],
            [10, 244],
            "{name}: {ip} in the default pod CIDR"
        );
        assert!(ip.octets()[2] >= 128, "{name}: {ip} in its upper half");
        assert_eq!(
            st.host_ip,
            cluster.node_ip().map(|i| i.to_string()),
            "{name}"
        );
        ips.push(ip);
    }
    assert_eq!(
        ips.iter().collect::<BTreeSet<_>>().len(),
        3,
        "distinct: {ips:?}"
    );
    let node_netns = cluster.node_netns().unwrap().to_string();
    assert_eq!(sandboxes_of(&node_netns).len(), 3, "one sandbox per pod");

    // 2. Pod to pod, at the pod IP.
    let (ok, answer, err) =
        get_from(&kc, "client", &format!("http://{}:8080/whoami", ips[0])).await;
    assert!(ok, "client → web-1 at its pod IP: {err}");
    assert_eq!(answered_by(&answer), "web-1", "{answer}");

    // 3. Through the Service, once the agent forwards its clusterIP to both endpoints.
    let events = Api::<Event>::namespaced(client.clone(), NS);
    let wanted = [format!("{}:8080", ips[0]), format!("{}:8080", ips[1])];
    let forwarded = watcher::watcher(events, watcher::Config::default())
        .applied_objects()
        .filter_map(|e| async move { e.ok() })
        .filter(|e| {
            let done = e.reason.as_deref() == Some(REASON_ENDPOINTS)
                && e.involved_object.name.as_deref() == Some("web")
                && wanted
                    .iter()
                    .all(|w| e.message.as_deref().unwrap_or_default().contains(w));
            async move { done }
        });
    within(
        "EndpointsForwarded naming both web pods",
        std::pin::pin!(forwarded).next(),
    )
    .await;
    let url = format!("http://{cluster_ip}:80/");
    let mut seen = BTreeSet::new();
    for _ in 0..12 {
        let (ok, answer, err) = get_from(&kc, "client", &url).await;
        assert!(ok, "client → the Service: {err}");
        seen.insert(answered_by(&answer));
    }
    assert_eq!(
        seen,
        BTreeSet::from(["web-1".to_string(), "web-2".to_string()])
    );
    // A pod reaching its own Service (hairpin) is answered whichever endpoint is chosen.
    for _ in 0..4 {
        let (ok, _, err) = get_from(&kc, "web-1", &url).await;
        assert!(ok, "web-1 → its own Service: {err}");
    }

    // 4. Egress through the node: the host's API server answers (a plain-HTTP request to its
    // TLS port gets HTTP 400: it was reached).
    let port = cluster.server().rsplit(':').next().unwrap().to_string();
    let host = env.wan_host_ip().unwrap();
    let (ok, _, err) = get_from(&kc, "client", &format!("http://{host}:{port}/")).await;
    assert!(
        !ok && err.contains("answered 400"),
        "the API server from a pod: {err}"
    );

    // 5. Pods gone, sandboxes gone.
    for name in ["web-1", "web-2", "client"] {
        pods.delete(name, &DeleteParams::default()).await.unwrap();
    }
    for (name, uid) in ["web-1", "web-2", "client"].into_iter().zip(&uids) {
        let gone = await_condition(pods.clone(), name, conditions::is_deleted(uid));
        within(name, gone).await.unwrap();
    }
    assert_eq!(
        sandboxes_of(&node_netns),
        BTreeSet::new(),
        "no sandbox left"
    );
    drop(env);
    let _ = std::fs::remove_dir_all(bin);
}
