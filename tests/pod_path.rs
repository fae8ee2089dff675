//! The pod path on two real peered clusters (spec offloading.md §7): `liqoctl offload
//! namespace` (remote-only pods), a Deployment of the demo workload placed by the pod webhook
//! on the virtual node → ShadowPods and Running pods on the provider, Running pods on the
//! consumer with the provider's status and Events (its scheduler's `Scheduled`, copied once);
//! a pod deleted on the consumer goes on the provider; a remote pod deleted on the provider
//! comes back and the consumer's restart count goes up; a cordoned slice refuses a new pod on
//! the provider and the consumer pod says why; `unpeer` drains the pods back to the consumer's
//! node and leaves nothing on the provider. The ConfigMap and Secret the pods read are
//! reflected (the remote process answers with their values), changes and deletions follow.

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "pod_path/kubelet_api.rs"]
mod kubelet_api;
#[path = "common/peer_pair.rs"]
#[allow(dead_code)]
mod peer_pair;
#[path = "common/pods.rs"]
mod pods;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret};
use k8s_openapi::api::events::v1::Event;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::authentication::ResourceSlice;
use liqo_api::consts::label;
use liqo_api::offloading::{NamespaceOffloading, ShadowPod};
use peer_pair::{Pair, Spec};
use pods::{ClientPod, pod_summary, running, until_forwarded, until_list};
use serde_json::json;

const SPEC: Spec = Spec {
    c: "pp-c",
    p: "pp-p",
    c_id: "pp-c-id",
    p_id: "pp-p-id",
};
const NS: &str = "demo";

fn restarts(p: &Pod) -> i32 {
    p.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|c| c.first())
        .map_or(0, |c| c.restart_count)
}

/// The demo workload; the pod webhook places it (toleration, affinity per strategy).
fn deployment(replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "terminationGracePeriodSeconds": 2,
                    "containers": [{
                        "name": "demo", "image": "ghcr.io/liqoctl-rs/liqo:test",
                        "command": ["/usr/local/bin/liqo-demo"],
                        "env": [
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                            {"name": "DEMO_MESSAGE", "valueFrom": {"configMapKeyRef": {"name": "web", "key": "message"}}},
                            {"name": "DEMO_SECRET_FILE", "value": "/etc/demo/token"},
                        ],
                        "volumeMounts": [{"name": "secret", "mountPath": "/etc/demo"}],
                        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080},
                            "periodSeconds": 1},
                    }],
                    "volumes": [{"name": "secret", "secret": {"secretName": "web"}}],
                },
            },
        },
    }))
    .unwrap()
}

/// liqoctl on the consumer: `verb` then `args`.
async fn on_consumer(verb: &[&str], args: &[&str]) -> std::process::Output {
    let kc = common::kubeconfig(peer_pair::env().cluster(SPEC.c).kubeconfig());
    let mut all: Vec<&str> = vec![&kc];
    all.extend(verb);
    all.extend(args);
    flows::run(&all).await
}

/// Whether `pod` was placed by the pod webhook for remote-only offloading.
fn placed_remotely(pod: &Pod) -> bool {
    let spec = pod.spec.clone().unwrap_or_default();
    let tolerated = spec.tolerations.iter().flatten().any(|t| {
        t.key.as_deref() == Some("virtual-node.liqo.io/not-allowed")
            && t.effect.as_deref() == Some("NoExecute")
    });
    let required = spec.affinity.and_then(|a| {
        a.node_affinity?
            .required_during_scheduling_ignored_during_execution
    });
    let to_virtual_nodes = required.is_some_and(|r| {
        r.node_selector_terms.iter().all(|t| {
            t.match_expressions.iter().flatten().any(|e| {
                e.key == label::TYPE
                    && e.operator == "In"
                    && e.values.as_deref() == Some(&[label::TYPE_VIRTUAL_NODE.to_owned()][..])
            })
        })
    });
    tolerated && to_virtual_nodes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offloaded_deployment_runs_on_the_provider_reports_back_and_comes_home_on_unpeer() {
    let pair = Pair::lock(&SPEC).await;
    let (c, p) = pair.clients();
    flows::ok("peer", &pair.peer(&[]).await);
    let remote_ns = format!("{NS}-{}", SPEC.c_id);

    // 1. `offload namespace` with remote-only pods: the provider accepts the namespace and
    // makes its twin.
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": NS}})).unwrap();
    let _ = Api::<Namespace>::all(c.clone())
        .create(&PostParams::default(), &ns)
        .await;
    let offload = [NS, "--pod-offloading-strategy=Remote", "--timeout=60s"];
    flows::ok(
        "offload namespace",
        &on_consumer(&["offload", "namespace"], &offload).await,
    );
    let twin = Api::<Namespace>::all(p.clone())
        .get(&remote_ns)
        .await
        .unwrap();
    assert_eq!(twin.labels()[label::REMOTE_CLUSTER_ID], SPEC.c_id);

    // 2. The ConfigMap and Secret the pods read, reflected into the twin.
    let pp = PostParams::default();
    let cm: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS}, "data": {"message": "hello from the consumer"}}))
    .unwrap();
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS}, "stringData": {"token": "s3cr3t"}}))
    .unwrap();
    Api::<ConfigMap>::namespaced(c.clone(), NS)
        .create(&pp, &cm)
        .await
        .unwrap();
    Api::<Secret>::namespaced(c.clone(), NS)
        .create(&pp, &secret)
        .await
        .unwrap();
    let remote_cms: Api<ConfigMap> = Api::namespaced(p.clone(), &remote_ns);
    let message = |want: &'static str| {
        move |cms: &[std::sync::Arc<ConfigMap>]| {
            cms.iter().any(|c| {
                c.name_any() == "web"
                    && c.data
                        .as_ref()
                        .and_then(|d| d.get("message"))
                        .map(String::as_str)
                        == Some(want)
            })
        }
    };
    until_list(
        remote_cms.clone(),
        watcher::Config::default(),
        "ConfigMap web reflected",
        |c| format!("{} {:?}", c.name_any(), c.data),
        message("hello from the consumer"),
    )
    .await;
    until_list(
        Api::<Secret>::namespaced(p.clone(), &remote_ns),
        watcher::Config::default(),
        "Secret web reflected with its data",
        |s| s.name_any(),
        |secrets| {
            secrets.iter().any(|s| {
                s.name_any() == "web"
                    && s.data
                        .as_ref()
                        .and_then(|d| d.get("token"))
                        .map(|b| &b.0[..])
                        == Some(&b"s3cr3t"[..])
            })
        },
    )
    .await;
    assert!(
        remote_cms
            .get_opt("kube-root-ca.crt")
            .await
            .unwrap()
            .is_some_and(|c| c.labels().get(label::MANAGED_BY).is_none()),
        "the provider keeps its own kube-root-ca.crt"
    );

    // 3. Two replicas bound to the virtual node run on the provider, and read Running here.
    let local_pods: Api<Pod> = Api::namespaced(c.clone(), NS);
    let remote_pods: Api<Pod> = Api::namespaced(p.clone(), &remote_ns);
    Api::<Deployment>::namespaced(c.clone(), NS)
        .create(&PostParams::default(), &deployment(2))
        .await
        .unwrap();
    let app = watcher::Config::default().labels("app=web");
    let local = until_list(
        local_pods.clone(),
        app.clone(),
        "2 consumer pods Running",
        pod_summary,
        |ps| ps.len() == 2 && ps.iter().all(|p| running(p)),
    )
    .await;
    let remote = until_list(
        remote_pods.clone(),
        app.clone(),
        "2 provider pods Running",
        pod_summary,
        |ps| ps.len() == 2 && ps.iter().all(|p| running(p)),
    )
    .await;
    let vk_ips: Vec<String> = Api::<Pod>::all(c.clone())
        .list(&ListParams::default().labels(&format!(
            "{}={}",
            label::OFFLOADING_COMPONENT,
            label::OFFLOADING_COMPONENT_VIRTUAL_KUBELET
        )))
        .await
        .unwrap()
        .items
        .iter()
        .filter_map(|p| p.status.as_ref()?.pod_ip.clone())
        .collect();
    let remote_by_name: BTreeMap<String, &Pod> =
        remote.iter().map(|p| (p.name_any(), p.as_ref())).collect();
    // Pods are reached as a user's pod would: from a pod of the consumer, through the tunnel.
    let kc = peer_pair::env().cluster(SPEC.c).kubeconfig().to_path_buf();
    let client = ClientPod::start(c.clone(), &kc, "client").await;
    for pod in &local {
        let name = pod.name_any();
        let twin = remote_by_name
            .get(&name)
            .unwrap_or_else(|| panic!("no remote twin of {name}"));
        let (st, rst) = (pod.status.clone().unwrap(), twin.status.clone().unwrap());
        assert_eq!(
            st.pod_ip, rst.pod_ip,
            "{name}: the provider's pod IP (distinct CIDRs: no remap)"
        );
        assert!(
            vk_ips.contains(st.host_ip.as_ref().unwrap()),
            "{name}: hostIP is the VK's pod IP {vk_ips:?}"
        );
        assert_eq!(pod.labels()[label::SHADOW_POD], "true");
        assert!(
            placed_remotely(pod),
            "{name}: the pod webhook's toleration and affinity"
        );
        let shadow = Api::<ShadowPod>::namespaced(p.clone(), &remote_ns)
            .get(&name)
            .await
            .unwrap();
        assert_eq!(shadow.labels()[label::OFFLOADING_ORIGIN], SPEC.c_id);
        assert_eq!(shadow.labels()[label::OFFLOADING_DESTINATION], SPEC.p_id);
        assert_eq!(twin.labels()["app"], "web");
        // The remote process answers with the consumer's pod name, ConfigMap and Secret.
        let ip = st.pod_ip.clone().unwrap();
        let answer = client.get(&format!("http://{ip}:8080/")).await;
        for part in [
            format!("\"pod\":\"{name}\""),
            format!("\"namespace\":\"{remote_ns}\""),
            "\"message\":\"hello from the consumer\"".to_owned(),
            "\"secret\":\"s3cr3t\"".to_owned(),
        ] {
            assert!(answer.contains(&part), "missing {part} in {answer}");
        }
    }

    // A consumer Service selecting the offloaded pods forwards to both, through the tunnel.
    a_consumer_service_reaches_the_offloaded_pods(&c, &client, &local).await;

    // The provider scheduler's Event on each remote pod is copied onto its local pod.
    provider_scheduled_events_reach_the_consumer_pods(&c, &local, &remote_by_name).await;

    // 3b. The kubelet API of the virtual node: `kubectl logs|exec|attach|port-forward` reach
    //     the provider's pod.
    kubelet_api::logs_exec_and_attach_reach_the_provider(&local[0], &vk_ips, &client).await;
    kubelet_api::port_forward_reaches_the_provider(&local[0]).await;

    // A ConfigMap change reaches the twin.
    let change = json!({"data": {"message": "changed"}});
    Api::<ConfigMap>::namespaced(c.clone(), NS)
        .patch("web", &PatchParams::default(), &Patch::Merge(&change))
        .await
        .unwrap();
    until_list(
        remote_cms.clone(),
        watcher::Config::default(),
        "the ConfigMap change reflected",
        |c| format!("{} {:?}", c.name_any(), c.data),
        message("changed"),
    )
    .await;

    // 4. A remote pod deleted on the provider comes back; the consumer counts a restart.
    let victim = local[0].name_any();
    let old_uid = remote_by_name[&victim].uid();
    remote_pods
        .delete(&victim, &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    until_list(
        remote_pods.clone(),
        app.clone(),
        "the deleted remote pod re-created and Running",
        pod_summary,
        |ps| {
            ps.iter()
                .any(|p| p.name_any() == victim && p.uid() != old_uid && running(p))
        },
    )
    .await;
    until_list(
        local_pods.clone(),
        app.clone(),
        "the consumer pod's restart count up by one",
        pod_summary,
        |ps| {
            ps.iter()
                .any(|p| p.name_any() == victim && restarts(p) == 1 && running(p))
        },
    )
    .await;

    // 5. A pod deleted on the consumer goes on the provider; its replacement runs there.
    local_pods
        .delete(&victim, &DeleteParams::default())
        .await
        .unwrap();
    until_list(
        remote_pods.clone(),
        app.clone(),
        "the victim gone on the provider, 2 Running",
        pod_summary,
        |ps| {
            ps.iter().all(|p| p.name_any() != victim)
                && ps.iter().filter(|p| running(p)).count() == 2
        },
    )
    .await;
    until_list(
        local_pods.clone(),
        app.clone(),
        "the victim gone on the consumer, 2 Running",
        pod_summary,
        |ps| {
            ps.iter().all(|p| p.name_any() != victim)
                && ps.len() == 2
                && ps.iter().all(|p| running(p))
        },
    )
    .await;

    // 6. Quota: with the consumer's slice cordoned on the provider, a new pod is refused there
    // and its consumer pod says why (a Warning Event); uncordoned, it runs.
    let slices = Api::<ResourceSlice>::namespaced(p.clone(), &flows::tenant_ns(SPEC.c_id));
    let slice = slices.list(&ListParams::default()).await.unwrap().items;
    let slice = slice
        .first()
        .expect("the consumer's slice on the provider")
        .name_any();
    let cordon = |verb: &'static str| {
        let (slice, kc) = (
            slice.clone(),
            common::kubeconfig(peer_pair::env().cluster(SPEC.p).kubeconfig()),
        );
        async move {
            let args = [
                kc.as_str(),
                verb,
                "resourceslice",
                &slice,
                "--remote-cluster-id",
                SPEC.c_id,
                "--skip-confirm",
            ];
            flows::ok(verb, &flows::run(&args).await);
        }
    };
    cordon("cordon").await;
    let deployments: Api<Deployment> = Api::namespaced(c.clone(), NS);
    let three = json!({"spec": {"replicas": 3}});
    deployments
        .patch("web", &PatchParams::default(), &Patch::Merge(&three))
        .await
        .unwrap();
    until_list(
        Api::<Event>::namespaced(c.clone(), NS),
        watcher::Config::default(),
        "a Warning OffloadingRefused (cordoned) on the new consumer pod",
        |e| format!("{:?} {:?}", e.reason, e.note),
        |events| {
            events.iter().any(|e| {
                e.reason.as_deref() == Some("OffloadingRefused")
                    && e.note.as_deref().is_some_and(|n| n.contains("cordoned"))
            })
        },
    )
    .await;
    cordon("uncordon").await;
    until_list(
        local_pods.clone(),
        app.clone(),
        "3 consumer pods Running once uncordoned",
        pod_summary,
        |ps| ps.len() == 3 && ps.iter().all(|p| running(p)),
    )
    .await;

    // 7. The ConfigMap deleted on the consumer goes on the provider (then comes back: the
    // pods that return home below read it).
    let local_cms: Api<ConfigMap> = Api::namespaced(c.clone(), NS);
    local_cms
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    until_list(
        remote_cms.clone(),
        watcher::Config::default(),
        "the ConfigMap copy deleted",
        |c| c.name_any(),
        |cms| cms.iter().all(|c| c.name_any() != "web"),
    )
    .await;
    local_cms.create(&pp, &cm).await.unwrap();

    // 8. `unpeer` drains: with the namespace switched to local pods, the evicted pods come
    // back on the consumer's own node, and nothing is left on the provider.
    let offloadings: Api<NamespaceOffloading> = Api::namespaced(c.clone(), NS);
    let local_only = json!({"spec": {"podOffloadingStrategy": "Local"}});
    offloadings
        .patch(
            "offloading",
            &PatchParams::default(),
            &Patch::Merge(&local_only),
        )
        .await
        .unwrap();
    let unlabelled = |n: Option<&Namespace>| {
        n.is_some_and(|n| !n.labels().contains_key("liqo.io/scheduling-enabled"))
    };
    flows::within(
        "the scheduling label removed from namespace demo",
        kube::runtime::wait::await_condition(Api::<Namespace>::all(c.clone()), NS, unlabelled),
    )
    .await
    .unwrap();
    flows::ok(
        "unpeer",
        &pair
            .liqoctl(SPEC.c, SPEC.p, &["unpeer", "--timeout=90s"])
            .await,
    );
    until_list(
        local_pods.clone(),
        app.clone(),
        "3 pods Running again on the consumer's own node",
        pod_summary,
        |ps| {
            ps.len() == 3
                && ps.iter().all(|p| {
                    running(p)
                        && p.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some(SPEC.p_id)
                })
        },
    )
    .await;
    let gone = |n: Option<&Namespace>| n.is_none();
    flows::within(
        "the twin namespace deleted on the provider",
        kube::runtime::wait::await_condition(Api::<Namespace>::all(p.clone()), &remote_ns, gone),
    )
    .await
    .unwrap();
    assert!(
        Api::<ShadowPod>::all(p.clone())
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty(),
        "no ShadowPod left on the provider"
    );

    // Cleanup: the namespace, unoffloaded and deleted.
    flows::ok(
        "unoffload namespace",
        &on_consumer(&["unoffload", "namespace"], &[NS, "--skip-confirm"]).await,
    );
    Api::<Namespace>::all(c.clone())
        .delete(NS, &DeleteParams::default())
        .await
        .unwrap();
    flows::within(
        "namespace demo deleted on the consumer",
        kube::runtime::wait::await_condition(Api::<Namespace>::all(c.clone()), NS, gone),
    )
    .await
    .unwrap();
    client.remove(c.clone()).await;
    pair.undo_and_check().await;
}

/// A Service on the consumer selecting the offloaded pods: its clusterIP, forwarded by the
/// consumer's node to the pods' consumer-side IPs, reaches both provider pods.
async fn a_consumer_service_reaches_the_offloaded_pods(
    c: &kube::Client,
    client: &ClientPod,
    local: &[std::sync::Arc<Pod>],
) {
    let svc: k8s_openapi::api::core::v1::Service = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
    }))
    .unwrap();
    let svc = Api::namespaced(c.clone(), NS)
        .create(&PostParams::default(), &svc)
        .await
        .unwrap();
    let cluster_ip = svc.spec.and_then(|s| s.cluster_ip).unwrap();
    let endpoints: Vec<String> = local
        .iter()
        .map(|p| {
            format!(
                "{}:8080",
                p.status.as_ref().unwrap().pod_ip.as_ref().unwrap()
            )
        })
        .collect();
    until_forwarded(c.clone(), NS, "web", &endpoints).await;
    let mut answered = std::collections::BTreeSet::new();
    for _ in 0..10 {
        let answer = client.get(&format!("http://{cluster_ip}:80/")).await;
        let pod = local
            .iter()
            .find(|p| answer.contains(&format!("\"pod\":\"{}\"", p.name_any())));
        answered.insert(
            pod.map(|p| p.name_any())
                .unwrap_or_else(|| panic!("not a web pod: {answer}")),
        );
    }
    assert_eq!(
        answered.len(),
        2,
        "both offloaded pods answer through the Service: {answered:?}"
    );
}

/// Each local pod gets a `Scheduled` Event naming the twin namespace and the provider's node
/// (the consumer's own one names the virtual node), once.
async fn provider_scheduled_events_reach_the_consumer_pods(
    c: &kube::Client,
    local: &[std::sync::Arc<Pod>],
    remote_by_name: &BTreeMap<String, &Pod>,
) {
    let remote_ns = format!("{NS}-{}", SPEC.c_id);
    let wanted: Vec<(String, String)> = local
        .iter()
        .map(|pod| {
            let name = pod.name_any();
            let node = remote_by_name[&name]
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .expect("the remote pod is bound");
            let note = format!(
                "[provider {}] Successfully assigned {remote_ns}/{name} to {node}",
                SPEC.p_id
            );
            (name, note)
        })
        .collect();
    let copies = |events: &[std::sync::Arc<Event>], name: &str, note: &str| {
        pods::notes_of(events, name, "Scheduled")
            .iter()
            .filter(|n| *n == note)
            .count()
    };
    let events = until_list(
        Api::<Event>::namespaced(c.clone(), NS),
        watcher::Config::default(),
        "the provider's Scheduled Event on each consumer pod",
        pods::event_summary,
        |events| wanted.iter().all(|(n, note)| copies(events, n, note) > 0),
    )
    .await;
    let own = format!(" to {}", SPEC.p_id);
    for (name, note) in &wanted {
        assert_eq!(copies(&events, name, note), 1, "{name}: copied once");
        assert!(
            pods::notes_of(&events, name, "Scheduled")
                .iter()
                .any(|n| n.ends_with(&own)),
            "{name}: the consumer's own Scheduled Event names the virtual node"
        );
    }
}
