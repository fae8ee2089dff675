//! The controller manager's admission webhooks on one real installed cluster, dialled by the
//! API server through the `liqo-webhook` Service (the cluster plays consumer and provider):
//! pods of a scheduling-enabled namespace get the virtual-node toleration and, with `Remote`,
//! the virtual-node affinity, other pods are untouched; ShadowPods are refused without or
//! with a wrong origin, without a Quota, while cordoned and beyond a Hard Quota, stamped with
//! the requesting user, and a ShadowPod that ended frees its share (liqo#3137).
//! The API server resolves the Service's endpoint (the controller manager's pod, whose testenv
//! address Endpoints accept), dials it and verifies the serving certificate for
//! `liqo-webhook.liqo.svc` against the caBundle.

#[path = "common/install.rs"]
mod install;
#[allow(dead_code)]
#[path = "common/objects.rs"]
mod objects;
#[path = "common/until.rs"]
mod until;

use std::time::Duration;

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::core::v1::{Endpoints, Pod, Secret};
use kube::api::{Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, ResourceExt};
use liqo_api::offloading::{ShadowPod, ShadowPodPhase};
use serde_json::{Value, json};

const CLUSTER: &str = "whk";
const OFFLOADED: &str = "whk-remote";
const PLAIN: &str = "whk-plain";
const TWIN: &str = "whk-twin";
const CONSUMER: &str = "whk-consumer";
/// The consumer's slice identity (a certificate CN in a real peering).
const USER: &str = "whk-consumer-user";
const WAIT: Duration = Duration::from_secs(45);
const TAINT: &str = "virtual-node.liqo.io/not-allowed";

async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(api, name, what, WAIT, done).await
}

/// A client acting as `user` (impersonated by the admin).
async fn client_as(kubeconfig: &std::path::Path, user: &str) -> Client {
    let kubeconfig = Kubeconfig::read_from(kubeconfig).unwrap();
    let mut config =
        kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .unwrap();
    config.auth_info.impersonate = Some(user.into());
    Client::try_from(config).unwrap()
}

/// A pod bound to a node that does not exist: stored, never run.
fn pod(namespace: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "p", "namespace": namespace},
        "spec": {"nodeName": "no-such-node",
            "containers": [{"name": "c", "image": "ghcr.io/liqoctl-rs/liqo:test"}]},
    }))
    .unwrap()
}

fn tolerates_virtual_nodes(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.as_ref())
        .is_some_and(|t| {
            t.iter().any(|t| {
                t.key.as_deref() == Some(TAINT)
                    && t.operator.as_deref() == Some("Exists")
                    && t.effect.as_deref() == Some("NoExecute")
            })
        })
}

/// A ShadowPod asking for `cpu` (requests = limits) with `labels`, running a server.
fn shadow(name: &str, labels: Value, cpu: &str) -> ShadowPod {
    serde_json::from_value(json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "ShadowPod",
        "metadata": {"name": name, "namespace": TWIN, "labels": labels},
        "spec": {"pod": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/liqo-demo", "--port", "18181"],
            "resources": {"requests": {"cpu": cpu}, "limits": {"cpu": cpu}}}]}},
    }))
    .unwrap()
}

fn origin() -> Value {
    json!({"offloading.liqo.io/origin": CONSUMER})
}

/// The refusal message of a merge patch that must fail.
async fn refused_update(api: &Api<ShadowPod>, name: &str, patch: Value) -> String {
    match api
        .patch(name, &PatchParams::default(), &Patch::Merge(patch))
        .await
    {
        Ok(updated) => panic!("the update of {name} was admitted: {updated:?}"),
        Err(kube::Error::Api(e)) => {
            assert_eq!(e.code, 403, "{e:?}");
            assert!(e.message.contains("shadowpod.validate.liqo.io"), "{e:?}");
            e.message
        }
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// The refusal message of a create that must fail.
async fn refused(api: &Api<ShadowPod>, shadow: &ShadowPod) -> String {
    match api.create(&PostParams::default(), shadow).await {
        Ok(created) => panic!("{} was admitted: {created:?}", shadow.name_any()),
        Err(kube::Error::Api(e)) => {
            assert_eq!(e.code, 403, "{e:?}");
            assert!(e.message.contains("shadowpod.validate.liqo.io"), "{e:?}");
            e.message
        }
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// Waits until both configurations carry the CA stored in the certificate Secret.
async fn await_webhooks(client: &Client) {
    // The CA the controller manager stored, once, in the Liqo namespace.
    let secrets: Api<Secret> = Api::namespaced(client.clone(), install::LIQO);
    let stored = until(
        &secrets,
        "liqo-webhook-certs",
        "the webhook certificate Secret",
        |s| s.is_some(),
    )
    .await
    .unwrap();
    assert_eq!(stored.type_.as_deref(), Some("kubernetes.io/tls"));
    let data = stored.data.unwrap();
    assert!(data.contains_key("tls.crt") && data.contains_key("tls.key"));
    let ca = data["ca.crt"].clone();
    let carries_ca = |hooks: Vec<Option<&k8s_openapi::ByteString>>| {
        !hooks.is_empty() && hooks.iter().all(|b| *b == Some(&ca))
    };
    let mutating: Api<MutatingWebhookConfiguration> = Api::all(client.clone());
    until(
        &mutating,
        "liqo-webhook",
        "the CA in every mutating webhook",
        |c| {
            c.is_some_and(|c| {
                carries_ca(
                    c.webhooks
                        .iter()
                        .flatten()
                        .map(|w| w.client_config.ca_bundle.as_ref())
                        .collect(),
                )
            })
        },
    )
    .await;
    let validating: Api<ValidatingWebhookConfiguration> = Api::all(client.clone());
    until(
        &validating,
        "liqo-webhook",
        "the CA in every validating webhook",
        |c| {
            c.is_some_and(|c| {
                carries_ca(
                    c.webhooks
                        .iter()
                        .flatten()
                        .map(|w| w.client_config.ca_bundle.as_ref())
                        .collect(),
                )
            })
        },
    )
    .await;
}

/// Waits until the webhook Service has a ready endpoint (the controller manager's pod): the
/// API server reaches the webhooks as in a real cluster, through the Service.
async fn await_service_endpoints(client: &Client) {
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), install::LIQO);
    until(
        &endpoints,
        "liqo-webhook",
        "a ready endpoint of Service liqo-webhook",
        |e| {
            e.and_then(|e| e.subsets.as_ref()).is_some_and(|s| {
                s.iter()
                    .any(|s| s.addresses.as_ref().is_some_and(|a| !a.is_empty()))
            })
        },
    )
    .await;
}

#[tokio::test]
async fn admission_webhooks() {
    let env = install::start_installed(CLUSTER, CLUSTER);
    let client = env.cluster(CLUSTER).client();
    await_webhooks(&client).await;
    await_service_endpoints(&client).await;

    pods_are_steered_in_scheduling_enabled_namespaces_only(&client).await;
    let consumer = client_as(env.cluster(CLUSTER).kubeconfig(), USER).await;
    shadow_pods_are_checked_against_origin_and_quota(&client, &consumer).await;
}

async fn pods_are_steered_in_scheduling_enabled_namespaces_only(client: &Client) {
    objects::create(
        client,
        &objects::namespace(OFFLOADED, json!({"liqo.io/scheduling-enabled": "true"})),
    )
    .await
    .unwrap();
    objects::create(
        client,
        &json!({
            "apiVersion": "offloading.liqo.io/v1beta1", "kind": "NamespaceOffloading",
            "metadata": {"name": "offloading", "namespace": OFFLOADED},
            "spec": {"podOffloadingStrategy": "Remote"},
        }),
    )
    .await
    .unwrap();
    let offloaded: Api<Pod> = Api::namespaced(client.clone(), OFFLOADED);
    let created = offloaded
        .create(&PostParams::default(), &pod(OFFLOADED))
        .await
        .unwrap();
    assert!(tolerates_virtual_nodes(&created), "{created:?}");
    let affinity = serde_json::to_value(&created.spec.as_ref().unwrap().affinity).unwrap();
    assert_eq!(
        affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"],
        json!([{"matchExpressions": [{"key": "liqo.io/type", "operator": "In", "values": ["virtual-node"]}]}]),
        "{affinity}"
    );

    objects::create(client, &objects::namespace(PLAIN, json!({})))
        .await
        .unwrap();
    let plain: Api<Pod> = Api::namespaced(client.clone(), PLAIN);
    let untouched = plain
        .create(&PostParams::default(), &pod(PLAIN))
        .await
        .unwrap();
    let spec = untouched.spec.as_ref().unwrap();
    assert!(!tolerates_virtual_nodes(&untouched), "{untouched:?}");
    assert!(spec.affinity.is_none(), "{spec:?}");
}

async fn shadow_pods_are_checked_against_origin_and_quota(admin: &Client, consumer: &Client) {
    objects::create(
        admin,
        &objects::namespace(TWIN, json!({"liqo.io/remote-cluster-id": CONSUMER})),
    )
    .await
    .unwrap();
    // What the consumer is granted in its twin namespaces (here: ShadowPods only).
    objects::create(
        admin,
        &json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "shadowpods", "namespace": TWIN},
            "rules": [{"apiGroups": ["offloading.liqo.io"], "resources": ["shadowpods"],
                "verbs": ["create", "get", "list", "watch", "patch", "update"]}],
        }),
    )
    .await
    .unwrap();
    objects::create(admin, &json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "shadowpods", "namespace": TWIN},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "shadowpods"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": USER}],
    }))
    .await
    .unwrap();
    let api: Api<ShadowPod> = Api::namespaced(consumer.clone(), TWIN);

    let message = refused(&api, &shadow("no-origin", json!({}), "100m")).await;
    assert!(message.contains("offloading.liqo.io/origin"), "{message}");
    let wrong = json!({"offloading.liqo.io/origin": "someone-else"});
    let message = refused(&api, &shadow("wrong-origin", wrong, "100m")).await;
    assert!(message.contains("someone-else"), "{message}");
    let message = refused(&api, &shadow("no-quota", origin(), "100m")).await;
    assert!(message.contains("failed getting quota"), "{message}");

    objects::create(
        admin,
        &json!({
            "apiVersion": "offloading.liqo.io/v1beta1", "kind": "Quota",
            "metadata": {"name": "whk-quota", "namespace": TWIN},
            "spec": {"user": USER, "limitsEnforcement": "Hard", "cordoned": true,
                "resources": {"cpu": "1", "memory": "1Gi"}},
        }),
    )
    .await
    .unwrap();
    let message = refused(&api, &shadow("cordoned", origin(), "100m")).await;
    assert!(message.contains("user is cordoned"), "{message}");
    let quotas: Api<liqo_api::offloading::Quota> = Api::namespaced(admin.clone(), TWIN);
    quotas
        .patch(
            "whk-quota",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"cordoned": false}})),
        )
        .await
        .unwrap();

    // The creator is who asks, whatever the label says.
    let mut labels = origin();
    labels["liqo.io/creator-user"] = json!("forged");
    let first = api
        .create(&PostParams::default(), &shadow("first", labels, "600m"))
        .await
        .unwrap();
    assert_eq!(first.labels()["liqo.io/creator-user"], USER);
    let message = refused(&api, &shadow("second", origin(), "600m")).await;
    assert!(message.contains("cpu quota exceeded"), "{message}");

    // Updates: another user's name in the creator label is refused (it would charge their
    // Quota), so is a pod spec beyond the Quota; other labels may change.
    let relabel = |user: &str| json!({"metadata": {"labels": {"liqo.io/creator-user": user}}});
    let message = refused_update(&api, "first", relabel("someone-else")).await;
    assert!(
        message.contains("label liqo.io/creator-user cannot be changed"),
        "{message}"
    );
    let grow = json!({"spec": {"pod": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
        "command": ["/usr/local/bin/liqo-demo", "--port", "18181"],
        "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "2"}}}]}}});
    let message = refused_update(&api, "first", grow).await;
    assert!(message.contains("cpu quota exceeded"), "{message}");
    let tagged = api
        .patch(
            "first",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"app": "web"}}})),
        )
        .await
        .unwrap();
    assert_eq!(tagged.labels()["app"], "web");

    // Once the first has ended, its share is free again.
    let admin_shadows: Api<ShadowPod> = Api::namespaced(admin.clone(), TWIN);
    until(&admin_shadows, "first", "ShadowPod first Running", |s| {
        s.and_then(|s| s.status.as_ref())
            .is_some_and(|s| s.phase == ShadowPodPhase::Running)
    })
    .await;
    admin_shadows
        .patch_status(
            "first",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": "Succeeded"}})),
        )
        .await
        .unwrap();
    let second = api
        .create(&PostParams::default(), &shadow("second", origin(), "600m"))
        .await
        .unwrap();
    assert_eq!(second.labels()["liqo.io/creator-user"], USER);
}
