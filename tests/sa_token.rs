//! ServiceAccount tokens of offloaded pods, on two real peered clusters (spec offloading.md §7
//! step 7, "API-server access"): a pod of an offloaded namespace that mounts the consumer's
//! projected token volume runs on the provider with a Secret of the twin namespace in its
//! place, holding a token of the consumer ServiceAccount bound to the consumer pod (the
//! consumer's TokenReview authenticates it as that ServiceAccount), the consumer CA and
//! namespace; the remote pod points `KUBERNETES_SERVICE_HOST`/`_PORT` at the consumer's API
//! server. Deleting the consumer pod removes the Secret. The token itself is never printed.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "common/pods.rs"]
#[allow(dead_code)]
mod pods;

use std::collections::BTreeMap;

use k8s_openapi::api::authentication::v1::TokenReview;
use k8s_openapi::api::core::v1::{Pod, Secret, ServiceAccount};
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::consts::{label, name};
use liqo_api::offloading::{ShadowPod, VkOptionsTemplate};
use liqo_testenv::Env;
use pods::{pod_summary, running, until_list};
use serde_json::json;

const C: (&str, &str, &str) = ("sa-c", "sa-c-id", "10.243.0.0/16");
const P: (&str, &str, &str) = ("sa-p", "sa-p-id", "10.244.0.0/16");
const NS: &str = "tokens";
const SA: &str = "reader";
const POD: &str = "demo";
const MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

fn env() -> Env {
    common::installed_network_env(&[C, P])
}

/// liqoctl on the consumer, with the provider as remote when `remote` is set.
async fn liqoctl(env: &Env, args: &[&str], remote: bool) -> std::process::Output {
    flows::liqoctl_on(env, C.0, args, remote.then_some(P.0)).await
}

/// The demo workload as a bare pod of ServiceAccount [`SA`]; the pod webhook sends it to the
/// virtual node, the consumer's admission gives it the projected token volume.
fn demo_pod() -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": POD, "namespace": NS, "labels": {"app": "demo"}},
        "spec": {
            "serviceAccountName": SA,
            "terminationGracePeriodSeconds": 2,
            "containers": [{
                "name": "demo", "image": "ghcr.io/liqoctl-rs/liqo:test",
                "command": ["/usr/local/bin/liqo-demo"],
                "env": [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 1},
            }],
        },
    }))
    .unwrap()
}

/// `--home-api-server-host`/`-port` among the default VkOptionsTemplate's extra arguments.
async fn home_api_server_args(c: &kube::Client, host: &str, port: u16) {
    let api: Api<VkOptionsTemplate> = Api::namespaced(c.clone(), name::LIQO_NAMESPACE);
    let template = api.get(name::VK_OPTIONS_TEMPLATE).await.unwrap();
    let mut args = template.spec.extra_args.clone().unwrap_or_default();
    args.extend([
        format!("--home-api-server-host={host}"),
        format!("--home-api-server-port={port}"),
    ]);
    let patch = json!({"spec": {"extraArgs": args}});
    api.patch(
        name::VK_OPTIONS_TEMPLATE,
        &PatchParams::default(),
        &Patch::Merge(&patch),
    )
    .await
    .unwrap();
}

fn env_of(pod: &Pod) -> BTreeMap<String, String> {
    pod.spec
        .iter()
        .flat_map(|s| &s.containers)
        .flat_map(|c| c.env.iter().flatten())
        .map(|e| (e.name.clone(), e.value.clone().unwrap_or_default()))
        .collect()
}

/// Secret names and keys only: never the values.
fn secret_summary(s: &Secret) -> String {
    let keys: Vec<&String> = s.data.iter().flat_map(|d| d.keys()).collect();
    format!(
        "{} {keys:?} owners={:?}",
        s.name_any(),
        s.owner_references()
            .iter()
            .map(|o| &o.kind)
            .collect::<Vec<_>>()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offloaded_pod_authenticates_to_the_consumer_with_its_reflected_token() {
    let env = tokio::task::spawn_blocking(env).await.unwrap();
    let (c, p) = (env.cluster(C.0).client(), env.cluster(P.0).client());
    // The virtual kubelet, a host process here, reaches its API server on loopback: it is told
    // the address the provider's pods reach (the host on the test network).
    let home = env.cluster(C.0).node_server().expect("a test network");
    let home = home.parse::<http::Uri>().unwrap();
    let (home_host, home_port) = (home.host().unwrap().to_owned(), home.port_u16().unwrap());
    home_api_server_args(&c, &home_host, home_port).await;
    flows::ok(
        "peer",
        &liqoctl(&env, &["peer", "--timeout=120s"], true).await,
    );
    flows::offload_new_namespace(&env, C.0, NS, "Remote").await;
    let create = PostParams::default();
    let sa: ServiceAccount = serde_json::from_value(json!({"metadata": {"name": SA}})).unwrap();
    Api::<ServiceAccount>::namespaced(c.clone(), NS)
        .create(&create, &sa)
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.clone(), NS);
    pods.create(&create, &demo_pod()).await.unwrap();
    let ready = until_list(
        pods.clone(),
        watcher::Config::default().labels("app=demo"),
        "the offloaded pod Ready",
        pod_summary,
        |ps| ps.len() == 1 && running(&ps[0]),
    )
    .await;
    let local_uid = ready[0].uid().unwrap();
    assert!(
        ready[0]
            .spec
            .iter()
            .flat_map(|s| s.volumes.iter().flatten())
            .any(|v| v.name.starts_with("kube-api-access-") && v.projected.is_some()),
        "the consumer's admission mounts the projected token volume"
    );

    // The remote pod: the Secret volume in place of the projected one, at the same path.
    let origin = format!("{}={}", label::OFFLOADING_ORIGIN, C.1);
    let remote = until_list(
        Api::<Pod>::all(p.clone()),
        watcher::Config::default().labels(&origin),
        "the remote pod",
        pod_summary,
        |ps| ps.iter().any(|p| p.name_any() == POD),
    )
    .await;
    let remote = remote.iter().find(|p| p.name_any() == POD).unwrap();
    let twin = remote.namespace().unwrap();
    let spec = remote.spec.as_ref().unwrap();
    assert_eq!(spec.automount_service_account_token, Some(false));
    let volume = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name.starts_with("kube-api-access-"))
        .expect("the token volume");
    assert!(volume.projected.is_none(), "{volume:?}");
    let secret_name = volume
        .secret
        .as_ref()
        .and_then(|s| s.secret_name.clone())
        .unwrap();
    let mount = spec.containers[0]
        .volume_mounts
        .iter()
        .flatten()
        .find(|m| m.name == volume.name)
        .expect("the token volume mounted");
    assert_eq!(mount.mount_path, MOUNT);
    let env_vars = env_of(remote);
    assert_eq!(
        env_vars.get("KUBERNETES_SERVICE_HOST"),
        Some(&home_host),
        "{env_vars:?}"
    );
    assert_eq!(
        env_vars.get("KUBERNETES_SERVICE_PORT"),
        Some(&home_port.to_string())
    );

    // The Secret in the twin namespace: the token, the consumer's CA and namespace, owned by the
    // ShadowPod.
    let secrets: Api<Secret> = Api::namespaced(p.clone(), &twin);
    let shadow_uid = Api::<ShadowPod>::namespaced(p.clone(), &twin)
        .get(POD)
        .await
        .unwrap()
        .uid();
    let found = until_list(
        secrets.clone(),
        watcher::Config::default().fields(&format!("metadata.name={secret_name}")),
        "the token Secret owned by the ShadowPod",
        secret_summary,
        |ss| {
            ss.len() == 1
                && ss[0]
                    .owner_references()
                    .iter()
                    .any(|o| Some(&o.uid) == shadow_uid.as_ref())
        },
    )
    .await;
    let secret = &found[0];
    assert_eq!(secret.labels()[label::MANAGED_BY], "serviceaccount-token");
    assert_eq!(secret.labels()["offloading.liqo.io/pod-name"], POD);
    let data = secret.data.clone().unwrap();
    assert_eq!(data["namespace"].0, NS.as_bytes());
    let root_ca = Api::<k8s_openapi::api::core::v1::ConfigMap>::namespaced(c.clone(), NS)
        .get("kube-root-ca.crt")
        .await
        .unwrap();
    assert_eq!(
        data["ca.crt"].0,
        root_ca.data.unwrap()["ca.crt"].as_bytes(),
        "the consumer's CA"
    );
    let token = String::from_utf8(data["token"].0.clone()).unwrap();

    // The consumer's API server authenticates the token as the pod's ServiceAccount, bound to
    // the consumer pod.
    let review: TokenReview = serde_json::from_value(json!({"spec": {"token": token}})).unwrap();
    let status = Api::<TokenReview>::all(c.clone())
        .create(&create, &review)
        .await
        .unwrap()
        .status
        .unwrap();
    assert_eq!(
        status.authenticated,
        Some(true),
        "error: {:?}",
        status.error
    );
    let user = status.user.unwrap();
    assert_eq!(
        user.username.as_deref(),
        Some(&*format!("system:serviceaccount:{NS}:{SA}"))
    );
    let bound_uid = user
        .extra
        .unwrap_or_default()
        .remove("authentication.kubernetes.io/pod-uid");
    assert_eq!(
        bound_uid,
        Some(vec![local_uid]),
        "bound to the consumer pod"
    );

    // The consumer pod deleted: the Secret goes on the provider.
    pods.delete(POD, &Default::default()).await.unwrap();
    until_list(
        secrets,
        watcher::Config::default().fields(&format!("metadata.name={secret_name}")),
        "the token Secret deleted",
        secret_summary,
        <[_]>::is_empty,
    )
    .await;
}
