//! The provider's ShadowPod controller on one real installed cluster (the controller manager
//! runs as a pod through the test node agent, which also runs the ShadowPods' Pods): a
//! ShadowPod gets its Pod with the labels and a controller ownerRef; a pod that ran to
//! completion makes the ShadowPod `Succeeded` and, once deleted, is not re-created
//! (liqo#1804); a running pod deleted by hand comes back; a Pod of the same name that is not
//! the ShadowPod's is left untouched, with a `PodNameTaken` Warning; deleting the ShadowPod removes its
//! Pod (garbage collection).

#[path = "common/install.rs"]
mod install;
#[allow(dead_code)]
#[path = "common/objects.rs"]
mod objects;
#[path = "common/until.rs"]
mod until;

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_api::offloading::{ShadowPod, ShadowPodPhase};
use serde_json::json;

const CLUSTER: &str = "shp-provider";
const NS: &str = "shp-twin";
const WAIT: Duration = Duration::from_secs(45);
const GC_WAIT: Duration = Duration::from_secs(120);

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(api, name, what, WAIT, done).await
}

/// A ShadowPod whose single container runs `command` (a project binary) once.
fn shadow_pod(name: &str, command: &[&str]) -> ShadowPod {
    serde_json::from_value(json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "ShadowPod",
        "metadata": {"name": name, "namespace": NS,
            "labels": {"app": name}, "annotations": {"note": "from-consumer"}},
        "spec": {"pod": {
            "restartPolicy": "Never",
            "containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
                "command": command}],
        }},
    }))
    .unwrap()
}

fn phase(shadow: Option<&ShadowPod>) -> Option<ShadowPodPhase> {
    shadow.and_then(|s| s.status.as_ref()).map(|s| s.phase)
}

fn pod_phase(pod: Option<&Pod>) -> Option<&str> {
    pod?.status.as_ref()?.phase.as_deref()
}

/// Asserts `pod` is the one rendered for `shadow`: labels, annotation, controller ownerRef.
fn assert_rendered(pod: &Pod, shadow: &ShadowPod) {
    let labels = pod.labels();
    assert_eq!(labels["app"], shadow.name_any());
    assert_eq!(labels[label::MANAGED_BY], label::MANAGED_BY_SHADOWPOD);
    assert_eq!(pod.annotations()["note"], "from-consumer");
    let owners = pod.owner_references();
    assert_eq!(owners.len(), 1, "{owners:?}");
    assert_eq!(owners[0].kind, "ShadowPod");
    assert_eq!(owners[0].name, shadow.name_any());
    assert_eq!(Some(owners[0].uid.as_str()), shadow.metadata.uid.as_deref());
    assert_eq!(owners[0].controller, Some(true));
}

#[tokio::test]
async fn shadow_pod_lifecycle() {
    let env = install::start_installed(CLUSTER, CLUSTER);
    let client = env.cluster(CLUSTER).client();
    objects::create(&client, &objects::namespace(NS, json!({})))
        .await
        .unwrap();
    let shadows: Api<ShadowPod> = Api::namespaced(client.clone(), NS);
    let pods: Api<Pod> = Api::namespaced(client.clone(), NS);
    let pp = PostParams::default();

    // --- A pod that runs to completion: Succeeded, and never re-created once deleted. ---
    let done = shadows
        .create(
            &pp,
            &shadow_pod("done", &["/usr/local/bin/liqoctl", "version", "--client"]),
        )
        .await
        .unwrap();
    let pod = until(&pods, "done", "Pod done created", |p| p.is_some())
        .await
        .unwrap();
    assert_rendered(&pod, &done);
    assert_eq!(
        pod.spec.as_ref().unwrap().containers[0].command,
        done.spec.pod.as_ref().unwrap().containers[0].command
    );
    until(&pods, "done", "Pod done Succeeded", |p| {
        pod_phase(p) == Some("Succeeded")
    })
    .await;
    until(&shadows, "done", "ShadowPod done Succeeded", |s| {
        phase(s) == Some(ShadowPodPhase::Succeeded)
    })
    .await;
    pods.delete("done", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    until(&pods, "done", "Pod done deleted", |p| p.is_none()).await;
    // A fresh reconcile of the ended ShadowPod (an annotation change) while the next
    // scenario runs: by the time a running pod has come back, this one would have too.
    shadows
        .patch(
            "done",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"poke": "1"}}})),
        )
        .await
        .unwrap();

    // --- A running pod deleted by hand comes back. ---
    let serve = shadows
        .create(
            &pp,
            &shadow_pod("serve", &["/usr/local/bin/liqo-demo", "--port", "18080"]),
        )
        .await
        .unwrap();
    until(&shadows, "serve", "ShadowPod serve Running", |s| {
        phase(s) == Some(ShadowPodPhase::Running)
    })
    .await;
    let first = pods.get("serve").await.unwrap();
    assert_rendered(&first, &serve);
    let first_uid = first.metadata.uid.clone().unwrap();
    pods.delete("serve", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    let again = until(&pods, "serve", "Pod serve re-created", |p| {
        p.is_some_and(|p| p.metadata.uid.as_deref() != Some(first_uid.as_str()))
    })
    .await
    .unwrap();
    assert_rendered(&again, &serve);
    assert!(
        pods.get_opt("done").await.unwrap().is_none(),
        "the completed pod was re-created"
    );
    let done = shadows.get("done").await.unwrap();
    assert_eq!(phase(Some(&done)), Some(ShadowPodPhase::Succeeded));

    // --- A Pod of the same name that is not ours is left as it is, and the ShadowPod says so. ---
    foreign_pod_is_left_untouched(&client, &shadows, &pods).await;

    // --- Deleting the ShadowPod removes its Pod. ---
    shadows
        .delete("serve", &DeleteParams::default())
        .await
        .unwrap();
    // Kubernetes' garbage collector learns of a new CRD's kind only at its periodic discovery
    // resync (30 s), slower on a loaded machine: a wider bound here.
    until::object(
        &pods,
        "serve",
        "Pod serve garbage-collected",
        GC_WAIT,
        |p| p.is_none(),
    )
    .await;
}

async fn foreign_pod_is_left_untouched(
    client: &kube::Client,
    shadows: &Api<ShadowPod>,
    pods: &Api<Pod>,
) {
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "taken", "namespace": NS, "labels": {"owner": "someone"}},
        "spec": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/liqo-demo", "--port", "18081"]}]},
    }))
    .unwrap();
    let before = pods.create(&PostParams::default(), &pod).await.unwrap();
    shadows
        .create(
            &PostParams::default(),
            &shadow_pod("taken", &["/bin/false"]),
        )
        .await
        .unwrap();
    let shadow = shadows.get("taken").await.unwrap();
    until::warning(
        client,
        NS,
        &shadow.uid().unwrap(),
        "PodNameTaken",
        "is not controlled by this ShadowPod",
    )
    .await;
    let after = pods.get("taken").await.unwrap();
    assert_eq!(after.metadata.uid, before.metadata.uid);
    assert!(
        after.owner_references().is_empty(),
        "{:?}",
        after.owner_references()
    );
    assert_eq!(after.labels(), before.labels());
    let containers = |p: &Pod| p.spec.as_ref().map(|s| s.containers.clone());
    assert_eq!(
        containers(&after),
        containers(&before),
        "the foreign pod's containers"
    );
    shadows
        .delete("taken", &DeleteParams::default())
        .await
        .unwrap();
    pods.delete("taken", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
}
