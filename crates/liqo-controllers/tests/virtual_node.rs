//! The VirtualNode controller on one real installed cluster (the controller manager and the
//! virtual kubelet run as pods through the test node agent): a VirtualNode written by hand
//! gets its finalizer, its `spec.template` defaulted from `liqo/virtual-kubelet-default`, its
//! ServiceAccount, ClusterRoleBinding and Deployment `vk-<vn>` with the exact upstream args,
//! `Running` conditions and the provider's NamespaceMap; an offloading-patch edit changes the
//! pod-template hash; a VirtualNode named like a real Node is refused without touching that
//! Node; deletion removes everything and releases the finalizer. Scenarios in sequence on one
//! cluster.

#[path = "common/events.rs"]
mod events;
#[path = "common/install.rs"]
mod install;
#[allow(dead_code)]
#[path = "common/objects.rs"]
mod objects;
#[path = "common/until.rs"]
mod until;

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, ResourceSlice};
use liqo_api::consts::{annotation, finalizer, label};
use liqo_api::core::ForeignCluster;
use liqo_api::ipam::Network;
use liqo_api::offloading::{
    NamespaceMap, VirtualNode, VirtualNodeConditionStatus as Status,
    VirtualNodeConditionType as Type,
};
use liqo_kube::offloading::virtual_node::offloading_patch_hash;
use serde_json::json;

const CLUSTER: &str = "vn-consumer";
const PROVIDER: &str = "vn-provider";
const TN: &str = "liqo-tenant-vn-provider";
const VN: &str = "vn-test";
const WAIT: Duration = Duration::from_secs(60);

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(api, name, what, WAIT, done).await
}

fn condition(vn: &VirtualNode, type_: Type) -> Option<Status> {
    vn.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| c.status)
}

fn args(d: &Deployment) -> Vec<String> {
    d.spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .args
        .clone()
        .unwrap_or_default()
}

fn pod_hash(d: &Deployment) -> Option<String> {
    d.spec
        .as_ref()?
        .template
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(annotation::OFFLOADING_PATCH_HASH)
        .cloned()
}

/// A VirtualNode as a user writes it: no template, no createNode.
fn virtual_node(name: &str, cluster: &str) -> serde_json::Value {
    json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "VirtualNode",
        "metadata": {"name": name, "namespace": TN},
        "spec": {
            "clusterID": cluster,
            "kubeconfigSecretRef": {"name": "kc"},
            "resourceQuota": {"hard": {"cpu": "2", "memory": "4Gi", "pods": "110"}},
        },
    })
}

async fn setup(client: &Client, kubeconfig: &str) {
    for object in [
        objects::tenant_namespace(TN, PROVIDER),
        objects::secret(
            TN,
            "kc",
            json!({}),
            json!({"kubeconfig": objects::b64(kubeconfig)}),
        ),
        json!({"apiVersion": "core.liqo.io/v1beta1", "kind": "ForeignCluster",
            "metadata": {"name": PROVIDER, "labels": {label::REMOTE_CLUSTER_ID: PROVIDER}},
            "spec": {"clusterID": PROVIDER}}),
    ] {
        objects::create(client, &object).await.unwrap();
    }
    // The pod CIDR goes into the template at defaulting: wait for the IPAM to grant it.
    let networks: Api<Network> = Api::namespaced(client.clone(), install::LIQO);
    until(&networks, "pod-cidr", "the pod-cidr Network granted", |n| {
        n.and_then(|n| n.status.as_ref()?.cidr.as_ref()).is_some()
    })
    .await;
}

#[tokio::test]
async fn virtual_node_lifecycle() {
    let env = install::start_installed(CLUSTER, CLUSTER);
    let cluster = env.cluster(CLUSTER);
    let client = cluster.client();
    let kubeconfig = std::fs::read_to_string(cluster.kubeconfig()).unwrap();
    setup(&client, &kubeconfig).await;
    let vns: Api<VirtualNode> = Api::namespaced(client.clone(), TN);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), TN);

    // --- A VirtualNode named like a real Node is refused, and that Node is left alone. ---
    let real = Api::<Node>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap();
    let real = real.items[0].name_any();
    objects::create(&client, &virtual_node(&real, "vn-other"))
        .await
        .unwrap();
    let refused = until(&vns, &real, "the clashing VirtualNode refused", |v| {
        v.and_then(|v| {
            v.status
                .as_ref()?
                .conditions
                .as_ref()?
                .iter()
                .find(|c| c.type_ == Type::VirtualKubelet)
                .cloned()
        })
        .is_some_and(|c| c.message.as_deref() == Some(&format!("node {real} already exists")))
    })
    .await
    .unwrap();
    assert_eq!(
        condition(&refused, Type::VirtualKubelet),
        Some(Status::None)
    );
    let uid = refused.uid().unwrap();
    let note = events::await_event(&client, TN, &uid, ("Warning", "NodeAlreadyExists"), 1, WAIT)
        .await
        .unwrap();
    assert!(
        note.starts_with(&format!("node {real} already exists")),
        "{note}"
    );
    assert!(
        refused.finalizers().is_empty(),
        "a refused VirtualNode has no finalizer"
    );
    assert!(
        deployments
            .get_opt(&format!("vk-{real}"))
            .await
            .unwrap()
            .is_none()
    );
    vns.delete(&real, &DeleteParams::default()).await.unwrap();
    until(&vns, &real, "the clashing VirtualNode deleted", |v| {
        v.is_none()
    })
    .await;
    assert!(
        Api::<Node>::all(client.clone())
            .get_opt(&real)
            .await
            .unwrap()
            .is_some(),
        "the real node {real} survives the deletion of a VirtualNode of the same name"
    );

    // --- Creation: finalizer, defaulted template, identity, Deployment, conditions. ---
    // With an override written before the defaulting, as upstream's webhook takes it.
    let mut written = virtual_node(VN, PROVIDER);
    written["spec"]["template"] = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "virtual-kubelet", "args": ["--node-extra-labels=team=a"]}]}}}});
    objects::create(&client, &written).await.unwrap();
    let vn = until(&vns, VN, "the VirtualNode Running", |v| {
        v.is_some_and(|v| {
            condition(v, Type::VirtualKubelet) == Some(Status::Running)
                && condition(v, Type::Node) == Some(Status::Running)
        })
    })
    .await
    .unwrap();
    assert!(vn.finalizers().iter().any(|f| f == finalizer::VIRTUAL_NODE));
    assert_eq!(
        vn.spec.create_node,
        Some(true),
        "defaulted from the template"
    );
    assert_eq!(vn.spec.disable_network_check, Some(false));
    let expected_args = [
        "--foreign-cluster-id=vn-provider",
        "--nodename=vn-test",
        "--node-ip=$(POD_IP)",
        "--tenant-namespace=liqo-tenant-vn-provider",
        "--liqo-namespace=liqo",
        "--home-cluster-id=vn-consumer",
        "--local-podcidr=10.243.0.0/16",
        "--pod-reflection-workers=10",
        "--service-reflection-workers=3",
        "--service-reflection-type=DenyList",
        "--endpointslice-reflection-workers=10",
        "--ingress-reflection-workers=3",
        "--ingress-reflection-type=DenyList",
        "--configmap-reflection-workers=3",
        "--configmap-reflection-type=DenyList",
        "--secret-reflection-workers=3",
        "--secret-reflection-type=DenyList",
        "--serviceaccount-reflection-workers=3",
        "--persistentvolumeclaim-reflection-workers=3",
        "--event-reflection-workers=3",
        "--event-reflection-type=DenyList",
        "--node-extra-labels=team=a",
        // The default template's extra argument (as upstream's chart).
        "--enable-apiserver-support=true",
        "--metrics-enabled=false",
        "--foreign-kubeconfig-secret-name=kc",
        "--create-node=true",
        "--node-check-network=true",
    ];
    let template = vn.spec.template.clone().expect("spec.template defaulted");
    let template_args = template
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .args
        .clone()
        .unwrap();
    assert_eq!(template_args, expected_args, "spec.template");
    let managers: Vec<_> = vn
        .managed_fields()
        .iter()
        .filter_map(|m| m.manager.clone())
        .collect();
    assert!(
        managers.iter().any(|m| m == "liqo.io/virtualnode"),
        "{managers:?}"
    );

    let deployment = deployments.get(&format!("vk-{VN}")).await.unwrap();
    let uid = vn.uid().unwrap();
    events::await_event(&client, TN, &uid, ("Normal", "VkCreated"), 1, WAIT)
        .await
        .unwrap();
    assert_eq!(args(&deployment), expected_args, "the Deployment");
    let pod = deployment
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap();
    assert_eq!(pod.service_account_name.as_deref(), Some(VN));
    assert_eq!(
        pod.containers[0].command.as_ref().unwrap(),
        &["/usr/bin/virtual-kubelet"]
    );
    assert_eq!(
        pod.containers[0].image.as_deref(),
        Some(liqo_kube::install::default_image(env!("CARGO_PKG_VERSION")).as_str())
    );
    let labels = deployment.labels();
    assert_eq!(labels[label::OFFLOADING_COMPONENT], "virtual-kubelet");
    assert_eq!(labels[label::VIRTUAL_NODE], VN);
    assert_eq!(labels[label::REMOTE_CLUSTER_ID], PROVIDER);
    let first_hash = pod_hash(&deployment).expect("the offloading-patch hash");
    assert_eq!(
        first_hash,
        offloading_patch_hash(vn.spec.offloading_patch.as_ref())
    );
    Api::<ServiceAccount>::namespaced(client.clone(), TN)
        .get(VN)
        .await
        .unwrap();
    let crb = Api::<ClusterRoleBinding>::all(client.clone())
        .get(&format!("liqo-node-{VN}"))
        .await
        .unwrap();
    assert_eq!(crb.role_ref.name, "liqo-virtual-kubelet-local");
    let subject = &crb.subjects.as_ref().unwrap()[0];
    assert_eq!(
        (subject.name.as_str(), subject.namespace.as_deref()),
        (VN, Some(TN))
    );
    let maps: Api<NamespaceMap> = Api::namespaced(client.clone(), TN);
    let map = until(&maps, PROVIDER, "the NamespaceMap of the provider", |m| {
        m.is_some()
    })
    .await
    .unwrap();
    assert_eq!(map.labels()[label::REPLICATION], "true");
    assert_eq!(map.labels()[label::REMOTE_ID], PROVIDER);

    // --- Editing the offloading patch rolls the pods (new hash). ---
    let patch = json!({"spec": {"offloadingPatch": {"runtimeClassName": "gvisor"}}});
    vns.patch(VN, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    let edited = vns.get(VN).await.unwrap();
    let new_hash = offloading_patch_hash(edited.spec.offloading_patch.as_ref());
    assert_ne!(new_hash, first_hash);
    until(
        &deployments,
        &format!("vk-{VN}"),
        "the new offloading-patch hash",
        |d| d.and_then(pod_hash).as_deref() == Some(new_hash.as_str()),
    )
    .await;

    // --- Deletion of a node whose provider is gone: the offloaded pod on the virtual Node is
    // deleted with grace 0 (no kubelet would ever finish an eviction), then everything goes,
    // then the finalizer. ---
    let nodes: Api<Node> = Api::all(client.clone());
    until(&nodes, VN, "the virtual kubelet's Node", |n| n.is_some()).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), TN);
    let offloaded = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "offloaded", "namespace": TN, "labels": {label::SHADOW_POD: "true"}},
        "spec": {
            "nodeName": VN,
            "tolerations": [{"operator": "Exists"}],
            "containers": [{"name": "app", "image": "example.com/app:1"}],
        },
    });
    objects::create(&client, &offloaded).await.unwrap();
    let dead = json!({"metadata": {"annotations": {
        annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE: "true"}}});
    Api::<ForeignCluster>::all(client.clone())
        .patch(PROVIDER, &PatchParams::default(), &Patch::Merge(&dead))
        .await
        .unwrap();
    vns.delete(VN, &DeleteParams::default()).await.unwrap();
    until(&pods, "offloaded", "the offloaded pod deleted", |p| {
        p.is_none()
    })
    .await;
    until(&vns, VN, "the VirtualNode gone", |v| v.is_none()).await;
    assert!(
        deployments
            .get_opt(&format!("vk-{VN}"))
            .await
            .unwrap()
            .is_none()
    );
    let vk_pods = pods
        .list(&ListParams::default().labels(&format!("{}={VN}", label::VIRTUAL_NODE)))
        .await
        .unwrap();
    assert!(vk_pods.items.is_empty(), "virtual-kubelet pods left");
    assert!(
        Api::<ServiceAccount>::namespaced(client.clone(), TN)
            .get_opt(VN)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        Api::<ClusterRoleBinding>::all(client.clone())
            .get_opt(&format!("liqo-node-{VN}"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        Api::<Node>::all(client.clone())
            .get_opt(VN)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        maps.get_opt(PROVIDER).await.unwrap().is_none(),
        "the last VirtualNode takes the NamespaceMap"
    );

    creator_scenario(&client).await;
}

/// A slice the provider accepted, asking for a virtual node, whose Identity has its kubeconfig:
/// the creator makes VirtualNode `<rs>` owned by the slice with the options of its status, and
/// the VirtualNode controller takes it from there.
async fn creator_scenario(client: &Client) {
    let rs = "rs1";
    let labels = json!({label::REPLICATION: "true", label::REMOTE_ID: PROVIDER,
        label::REMOTE_CLUSTER_ID: PROVIDER});
    let slice = json!({
        "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
        "metadata": {"name": rs, "namespace": TN, "labels": labels,
            "annotations": {annotation::CREATE_VIRTUAL_NODE: "true"}},
        "spec": {"providerClusterID": PROVIDER, "class": "default"},
    });
    let slice = objects::create(client, &slice).await.unwrap();
    let auth = json!({"ca": objects::b64("ca"), "signedCRT": objects::b64("crt"),
        "apiServer": "https://127.0.0.1:1"});
    let accepted = |type_: &str| {
        json!({"type": type_, "status": "Accepted",
        "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "Accepted", "message": "ok"})
    };
    let status = json!({"status": {
        "conditions": [accepted("Authentication"), accepted("Resources")],
        "resources": {"cpu": "3", "memory": "5Gi", "pods": "50"},
        "nodeLabels": {"zone": "z1"},
        "authParams": auth,
    }});
    let slices: Api<ResourceSlice> = Api::namespaced(client.clone(), TN);
    slices
        .patch_status(rs, &PatchParams::default(), &Patch::Merge(&status))
        .await
        .unwrap();
    let identity = json!({
        "apiVersion": "authentication.liqo.io/v1beta1", "kind": "Identity",
        "metadata": {"name": format!("resourceslice-{rs}"), "namespace": TN,
            "labels": {label::REMOTE_CLUSTER_ID: PROVIDER, label::RESOURCE_SLICE_NAME: rs}},
        "spec": {"clusterID": PROVIDER, "type": "ResourceSlice", "authParams": auth},
    });
    // The consumer's identity creator may have made it from the slice status already.
    let identities: Api<Identity> = Api::namespaced(client.clone(), TN);
    identities
        .patch(
            &format!("resourceslice-{rs}"),
            &PatchParams::apply("virtual-node-test").force(),
            &Patch::Apply(&identity),
        )
        .await
        .unwrap();

    let vns: Api<VirtualNode> = Api::namespaced(client.clone(), TN);
    let vn = until(&vns, rs, "the VirtualNode of the slice, defaulted", |v| {
        v.is_some_and(|v| v.spec.template.is_some())
    })
    .await
    .unwrap();
    assert_eq!(vn.labels()[label::RESOURCE_SLICE_NAME], rs);
    assert_eq!(vn.labels()[label::REMOTE_CLUSTER_ID], PROVIDER);
    let owner = &vn.owner_references()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.controller),
        ("ResourceSlice", Some(true))
    );
    assert_eq!(Some(owner.uid.as_str()), slice["metadata"]["uid"].as_str());
    assert_eq!(
        vn.spec.kubeconfig_secret_ref.as_ref().unwrap().name,
        format!("kubeconfig-resourceslice-{rs}")
    );
    let hard = vn
        .spec
        .resource_quota
        .as_ref()
        .unwrap()
        .hard
        .as_ref()
        .unwrap();
    assert_eq!(
        (hard["cpu"].0.as_str(), hard["pods"].0.as_str()),
        ("3", "50")
    );
    assert_eq!(vn.spec.labels.as_ref().unwrap()["zone"], "z1");
    assert_eq!(vn.spec.cluster_id.as_deref(), Some(PROVIDER));
}
