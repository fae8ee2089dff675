//! The virtual kubelet's Node on two real clusters: the binary runs with the arguments and
//! environment the VirtualNode controller gives it, against a consumer holding the VirtualNode
//! and a provider whose API server it pings. One cluster pair, the scenarios in sequence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::ByteString;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Namespace, Node, ResourceQuotaSpec, Secret, Taint};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};
use liqo_api::common::LocalObjectReference;
use liqo_api::consts::label;
use liqo_api::core::{ForeignCluster, ForeignClusterSpec};
use liqo_api::offloading::{VirtualNode, VirtualNodeSpec};
use liqo_kube::offloading::node::{is_ready, ready_status};
use liqo_testenv::ClusterConfig;
use liqo_testenv::Env;
use serde_json::json;

const CONSUMER_ID: &str = "consumer-id";
const PROVIDER_ID: &str = "provider-id";
const VN: &str = "provider-id";
const SECRET: &str = "kubeconfig-resourceslice-provider-id";
/// The consumer's node-lifecycle grace: the worker node agent renews every 10 s, the VK too.
const GRACE: Duration = Duration::from_secs(20);
const WAIT: Duration = Duration::from_secs(30);

fn tenant_ns() -> String {
    format!("liqo-tenant-{PROVIDER_ID}")
}

fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), Quantity((*v).to_string())))
        .collect()
}

/// The virtual kubelet as a process, with the args/env of its Deployment (spec §5.1).
struct Vk {
    child: Option<Child>,
    pid: u32,
}

impl Vk {
    fn start(consumer_kubeconfig: &Path, log: &Path) -> Self {
        let ns = tenant_ns();
        let args = [
            format!("--foreign-cluster-id={PROVIDER_ID}"),
            format!("--nodename={VN}"),
            "--node-ip=127.0.0.42".into(),
            format!("--tenant-namespace={ns}"),
            "--liqo-namespace=liqo".into(),
            format!("--home-cluster-id={CONSUMER_ID}"),
            "--local-podcidr=10.243.0.0/16".into(),
            "--node-extra-labels=extra=from-flag".into(),
            "--node-extra-annotations=note=from-flag".into(),
            "--metrics-enabled=false".into(),
            format!("--foreign-kubeconfig-secret-name={SECRET}"),
            "--create-node=true".into(),
            "--node-check-network=true".into(),
        ];
        let log = std::fs::File::create(log).expect("VK log file");
        let child = Command::new(env!("CARGO_BIN_EXE_virtual-kubelet"))
            .args(args)
            .env("KUBECONFIG", consumer_kubeconfig)
            .env("POD_IP", "127.0.0.42")
            .env("POD_NAME", format!("vk-{VN}-abcde"))
            .env("POD_NAMESPACE", &ns)
            .env("VIRTUALNODE_NAME", VN)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("virtual-kubelet starts");
        Self {
            pid: child.id(),
            child: Some(child),
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The exit code, once the process exits by itself within `timeout`.
    async fn exit_code(&mut self, timeout: Duration) -> Option<i32> {
        let mut child = self.child.take()?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let waiter = std::thread::spawn(move || {
            let status = child.wait();
            let _ = tx.send(status.ok().and_then(|s| s.code()));
            child
        });
        match tokio::time::timeout(timeout, rx).await {
            Ok(code) => code.ok().flatten(),
            Err(_) => {
                // Still running: kill it through its pid (the waiter owns the Child).
                let pid = nix::unistd::Pid::from_raw(i32::try_from(self.pid).unwrap());
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
                let _ = waiter.join();
                None
            }
        }
    }
}

impl Drop for Vk {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn apply_crds(client: &Client) {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let params = PatchParams::apply("test").force();
    for crd in liqo_api::crd::all() {
        let name = crd.metadata.name.clone().unwrap();
        api.patch(&name, &params, &Patch::Apply(&crd))
            .await
            .unwrap();
    }
    for crd in liqo_api::crd::all() {
        let name = crd.metadata.name.clone().unwrap();
        liqo_kube::install::await_crd_established(client, &name, WAIT)
            .await
            .unwrap();
    }
}

/// Tenant namespace, provider kubeconfig Secret, ForeignCluster, VirtualNode.
async fn seed(consumer: &Client, provider_kubeconfig: &Path, hard: BTreeMap<String, Quantity>) {
    let ns = tenant_ns();
    Api::<Namespace>::all(consumer.clone())
        .create(
            &PostParams::default(),
            &Namespace {
                metadata: ObjectMeta {
                    name: Some(ns.clone()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The provider's admin kubeconfig stands in for the slice identity's.
    let kubeconfig = std::fs::read(provider_kubeconfig).unwrap();
    Api::<Secret>::namespaced(consumer.clone(), &ns)
        .create(
            &PostParams::default(),
            &Secret {
                metadata: ObjectMeta {
                    name: Some(SECRET.into()),
                    ..Default::default()
                },
                data: Some([("kubeconfig".to_string(), ByteString(kubeconfig))].into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut fc = ForeignCluster::new(
        PROVIDER_ID,
        ForeignClusterSpec {
            cluster_id: PROVIDER_ID.into(),
        },
    );
    fc.metadata.labels = Some(
        [(
            label::REMOTE_CLUSTER_ID.to_string(),
            PROVIDER_ID.to_string(),
        )]
        .into(),
    );
    let fcs: Api<ForeignCluster> = Api::all(consumer.clone());
    fcs.create(&PostParams::default(), &fc).await.unwrap();
    set_networking(consumer, false, "None").await;
    let vn = VirtualNode {
        metadata: ObjectMeta {
            name: Some(VN.into()),
            namespace: Some(ns.clone()),
            labels: Some(
                [(
                    label::REMOTE_CLUSTER_ID.to_string(),
                    PROVIDER_ID.to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        spec: VirtualNodeSpec {
            cluster_id: Some(PROVIDER_ID.into()),
            create_node: Some(true),
            kubeconfig_secret_ref: Some(LocalObjectReference::new(SECRET.to_string())),
            resource_quota: Some(ResourceQuotaSpec {
                hard: Some(hard),
                ..Default::default()
            }),
            labels: Some([("team".to_string(), "blue".to_string())].into()),
            taints: Some(vec![Taint {
                key: "dedicated".into(),
                value: Some("liqo".into()),
                effect: "NoSchedule".into(),
                time_added: None,
            }]),
            ..Default::default()
        },
        status: None,
    };
    Api::<VirtualNode>::namespaced(consumer.clone(), &ns)
        .create(&PostParams::default(), &vn)
        .await
        .unwrap();
}

async fn set_kubeconfig(consumer: &Client, kubeconfig: &str) {
    let data = json!({"data": {"kubeconfig": ByteString(kubeconfig.as_bytes().to_vec())}});
    Api::<Secret>::namespaced(consumer.clone(), &tenant_ns())
        .patch(SECRET, &PatchParams::default(), &Patch::Merge(&data))
        .await
        .unwrap();
}

/// The ForeignCluster's status as the consumer's ForeignCluster controller writes it: the
/// networking module on or off, its connection condition.
async fn set_networking(consumer: &Client, enabled: bool, connection: &str) {
    let fcs: Api<ForeignCluster> = Api::all(consumer.clone());
    let status = json!({"status": {
        "role": "Provider",
        "observedGeneration": 1,
        "modules": {
            "networking": {"enabled": enabled, "conditions": [
                {"type": "NetworkConnectionStatus", "status": connection}
            ]},
            "authentication": {"enabled": true},
            "offloading": {"enabled": true},
        },
    }});
    fcs.patch_status(PROVIDER_ID, &PatchParams::default(), &Patch::Merge(&status))
        .await
        .unwrap();
}

/// The rules the virtual kubelet needs in `liqo-virtual-kubelet-local` (as handed to the
/// install's ClusterRole, which holds at least these).
fn vk_local_rules() -> serde_json::Value {
    json!([
        {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch", "create", "update", "patch"]},
        {"apiGroups": [""], "resources": ["nodes/status"], "verbs": ["get", "update", "patch"]},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "list", "watch", "create", "update", "patch"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["offloading.liqo.io"], "resources": ["virtualnodes"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["core.liqo.io"], "resources": ["foreignclusters"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch"]},
    ])
}

/// ServiceAccount `<vn>`, ClusterRoleBinding `liqo-node-<vn>` and the VK pod on `node`, as
/// the VirtualNode controller's Deployment makes them; returns the pod's IP once running.
async fn run_as_pod(consumer: &Client, node: &str) -> String {
    use k8s_openapi::api::core::v1::{Pod, ServiceAccount};
    use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
    let ns = tenant_ns();
    let create = PostParams::default();
    let role: ClusterRole = serde_json::from_value(json!({
        "metadata": {"name": "liqo-virtual-kubelet-local"},
        "rules": vk_local_rules(),
    }))
    .unwrap();
    Api::<ClusterRole>::all(consumer.clone())
        .create(&create, &role)
        .await
        .unwrap();
    let sa: ServiceAccount = serde_json::from_value(json!({"metadata": {"name": VN}})).unwrap();
    Api::<ServiceAccount>::namespaced(consumer.clone(), &ns)
        .create(&create, &sa)
        .await
        .unwrap();
    let binding: ClusterRoleBinding = serde_json::from_value(json!({
        "metadata": {"name": format!("liqo-node-{VN}")},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "liqo-virtual-kubelet-local"},
        "subjects": [{"kind": "ServiceAccount", "name": VN, "namespace": ns}],
    }))
    .unwrap();
    Api::<ClusterRoleBinding>::all(consumer.clone())
        .create(&create, &binding)
        .await
        .unwrap();
    let field = |env: &str, path: &str| json!({"name": env, "valueFrom": {"fieldRef": {"fieldPath": path}}});
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": format!("vk-{VN}-pod"), "namespace": ns},
        "spec": {
            "nodeName": node,
            "serviceAccountName": VN,
            "containers": [{
                "name": "virtual-kubelet",
                "image": format!("{}:{}", liqo_testenv::pods::PROJECT_IMAGE_REPOSITORY, env!("CARGO_PKG_VERSION")),
                "command": ["/usr/bin/virtual-kubelet"],
                "args": [
                    format!("--foreign-cluster-id={PROVIDER_ID}"),
                    format!("--nodename={VN}"),
                    "--node-ip=$(POD_IP)",
                    format!("--tenant-namespace={ns}"),
                    "--liqo-namespace=liqo",
                    format!("--home-cluster-id={CONSUMER_ID}"),
                    format!("--foreign-kubeconfig-secret-name={SECRET}"),
                    "--create-node=true",
                    "--node-check-network=true",
                ],
                "env": [
                    field("POD_IP", "status.podIP"),
                    field("POD_NAME", "metadata.name"),
                    field("POD_NAMESPACE", "metadata.namespace"),
                    {"name": "VIRTUALNODE_NAME", "value": VN},
                ],
            }],
        },
    }))
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(consumer.clone(), &ns);
    let name = pod.metadata.name.clone().unwrap();
    pods.create(&create, &pod).await.unwrap();
    let running = liqo_kube::wait::object(
        pods,
        &name,
        "the VK pod to run",
        WAIT,
        |p| p.and_then(|p| p.status.as_ref()?.pod_ip.as_ref()).is_some(),
        |p| format!("{:?}", p.and_then(|p| p.status.as_ref())),
    )
    .await
    .unwrap()
    .expect("invariant: the wait succeeds only with a pod");
    running.status.unwrap().pod_ip.unwrap()
}

fn describe(node: Option<&Node>) -> String {
    match node {
        None => "no Node".into(),
        Some(n) => {
            let status = n.status.clone().unwrap_or_default();
            let conds: Vec<String> = status
                .conditions
                .unwrap_or_default()
                .iter()
                .map(|c| format!("{}={}", c.type_, c.status))
                .collect();
            format!(
                "conditions [{}], capacity {:?}",
                conds.join(", "),
                status.capacity
            )
        }
    }
}

async fn await_node(
    consumer: &Client,
    what: &str,
    timeout: Duration,
    done: impl Fn(&Node) -> bool,
) -> Node {
    liqo_kube::wait::object(
        Api::<Node>::all(consumer.clone()),
        VN,
        what,
        timeout,
        |n| n.is_some_and(&done),
        describe,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .expect("invariant: the wait succeeds only with a Node")
}

fn capacity_is(node: &Node, want: &BTreeMap<String, Quantity>) -> bool {
    let status = node.status.clone().unwrap_or_default();
    status.capacity.as_ref() == Some(want) && status.allocatable.as_ref() == Some(want)
}

fn condition<'a>(node: &'a Node, type_: &str) -> Option<&'a str> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| c.status.as_str())
}

#[allow(clippy::print_stderr)] // the outage detection time is reported for tuning
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_virtual_node_follows_the_virtual_node_object_and_the_provider() {
    let started = Instant::now();
    let env = Env::builder()
        .cluster_config(ClusterConfig::new("consumer").node_monitor_grace_period(GRACE))
        .cluster("provider")
        .start()
        .await
        .expect("clusters start");
    let consumer = env.cluster("consumer").client();
    let provider = env.cluster("provider");
    apply_crds(&consumer).await;
    let hard = quantities(&[("cpu", "4"), ("memory", "8Gi"), ("pods", "110")]);
    seed(&consumer, provider.kubeconfig(), hard.clone()).await;
    let log: PathBuf = env.dir().join("virtual-kubelet.log");
    let mut vk = Vk::start(env.cluster("consumer").kubeconfig(), &log);

    // Registered Ready with exactly the VirtualNode's resources, labels and taints.
    let node = await_node(&consumer, "Node Ready with the quota", WAIT, |n| {
        is_ready(n) && capacity_is(n, &hard)
    })
    .await;
    let labels = node.metadata.labels.clone().unwrap_or_default();
    for (k, v) in [
        ("liqo.io/type", "virtual-node"),
        ("liqo.io/remote-cluster-id", PROVIDER_ID),
        ("kubernetes.io/hostname", VN),
        ("type", "virtual-kubelet"),
        ("team", "blue"),
        ("extra", "from-flag"),
        ("storage.liqo.io/available", "false"),
    ] {
        assert_eq!(labels.get(k).map(String::as_str), Some(v), "label {k}");
    }
    assert_eq!(
        node.metadata
            .annotations
            .unwrap_or_default()
            .get("note")
            .map(String::as_str),
        Some("from-flag")
    );
    let taints = node
        .spec
        .clone()
        .unwrap_or_default()
        .taints
        .unwrap_or_default();
    let has = |key: &str, value: &str, effect: &str| {
        taints
            .iter()
            .any(|t| t.key == key && t.value.as_deref() == Some(value) && t.effect == effect)
    };
    assert!(
        has("virtual-node.liqo.io/not-allowed", "true", "NoExecute"),
        "{taints:?}"
    );
    assert!(has("dedicated", "liqo", "NoSchedule"), "{taints:?}");
    let address = &node
        .status
        .clone()
        .unwrap_or_default()
        .addresses
        .unwrap_or_default()[0];
    assert_eq!(address.address, "127.0.0.42");
    // The heartbeat Lease follows the Node's registration (its owner needs the Node's uid).
    let lease = liqo_kube::wait::object(
        Api::<Lease>::namespaced(consumer.clone(), "kube-node-lease"),
        VN,
        "the node Lease",
        WAIT,
        |l| l.is_some(),
        |l| format!("{:?}", l.map(|l| &l.spec)),
    )
    .await
    .unwrap()
    .expect("invariant: the wait succeeds only with a Lease");
    let owner = &lease.metadata.owner_references.clone().unwrap_or_default()[0];
    assert_eq!((owner.kind.as_str(), owner.name.as_str()), ("Node", VN));
    assert_eq!(owner.uid, node.metadata.uid.clone().unwrap());
    let spec = lease.spec.unwrap();
    assert_eq!(spec.lease_duration_seconds, Some(40));
    assert_eq!(spec.holder_identity.as_deref(), Some(VN));
    let leader = Api::<Lease>::namespaced(consumer.clone(), &tenant_ns())
        .get(VN)
        .await
        .expect("leader Lease <nodename> in the tenant namespace");
    assert_eq!(
        leader.spec.unwrap().holder_identity.as_deref(),
        Some(format!("vk-{VN}-abcde").as_str())
    );

    // The quota changes: so does the capacity; a label dropped from the VirtualNode goes.
    let bigger = quantities(&[("cpu", "8"), ("memory", "16Gi"), ("pods", "110")]);
    let vns: Api<VirtualNode> = Api::namespaced(consumer.clone(), &tenant_ns());
    let patch = json!({"spec": {"resourceQuota": {"hard": {"cpu": "8", "memory": "16Gi"}}, "labels": null}});
    vns.patch(VN, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    await_node(&consumer, "Node capacity to follow the quota", WAIT, |n| {
        capacity_is(n, &bigger)
            && !n
                .metadata
                .labels
                .clone()
                .unwrap_or_default()
                .contains_key("team")
    })
    .await;

    // Networking enabled and down: NotReady with NetworkUnavailable; up: Ready again.
    set_networking(&consumer, true, "Error").await;
    await_node(
        &consumer,
        "Node NotReady with the network down",
        WAIT,
        |n| ready_status(n) == Some("False") && condition(n, "NetworkUnavailable") == Some("True"),
    )
    .await;
    set_networking(&consumer, true, "Established").await;
    await_node(&consumer, "Node Ready with the network up", WAIT, |n| {
        is_ready(n) && condition(n, "NetworkUnavailable") == Some("False")
    })
    .await;

    // The provider's API server freezes: heartbeats stop, the node-lifecycle controller marks
    // the Node NotReady within grace + a renewal period + its monitor period.
    provider.pause_apiserver().unwrap();
    let paused = Instant::now();
    let outage = GRACE + Duration::from_secs(10 + 5 + 10);
    await_node(
        &consumer,
        "Node NotReady while the provider is down",
        outage,
        |n| !is_ready(n),
    )
    .await;
    let detected = paused.elapsed();
    provider.resume_apiserver().unwrap();
    // The next ping (every 10 s) finds it back.
    await_node(
        &consumer,
        "Node Ready once the provider is back",
        WAIT,
        is_ready,
    )
    .await;

    // The VK dies and the Node goes with it; a restarted VK registers it again. It restarts
    // with a kubeconfig naming a dead server: the Node stays Unknown until the Secret is
    // fixed, which the running VK picks up (hot reload).
    vk.kill();
    liqo_kube::wait::deleted(&Api::<Node>::all(consumer.clone()), VN, Some(WAIT))
        .await
        .unwrap();
    let good = std::fs::read_to_string(provider.kubeconfig()).unwrap();
    let dead = good.replace(provider.server(), "https://127.0.0.1:1");
    assert_ne!(dead, good);
    set_kubeconfig(&consumer, &dead).await;
    let mut vk = Vk::start(
        env.cluster("consumer").kubeconfig(),
        &log.with_extension("2.log"),
    );
    let node = await_node(&consumer, "Node registered after the restart", WAIT, |_| {
        true
    })
    .await;
    assert_eq!(
        ready_status(&node),
        Some("Unknown"),
        "{}",
        describe(Some(&node))
    );
    set_kubeconfig(&consumer, &good).await;
    await_node(
        &consumer,
        "Node Ready after the kubeconfig fix",
        WAIT,
        |n| is_ready(n) && capacity_is(n, &bigger),
    )
    .await;

    // Another replica takes the leader Lease: this one must stop (exit 1), not fight for it.
    let leases: Api<Lease> = Api::namespaced(consumer.clone(), &tenant_ns());
    let now = k8s_openapi::jiff::Timestamp::now();
    let steal = json!({"spec": {
        "holderIdentity": "another-replica",
        "renewTime": k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(now),
        "leaseDurationSeconds": 15,
    }});
    leases
        .patch(VN, &PatchParams::default(), &Patch::Merge(&steal))
        .await
        .unwrap();
    // Renewals run every 5 s.
    assert_eq!(vk.exit_code(Duration::from_secs(20)).await, Some(1));

    // As its Deployment runs it: a pod of the project image on the consumer's worker, with the
    // Deployment's env and only the rules the virtual kubelet asks of its ClusterRole.
    leases.delete(VN, &Default::default()).await.unwrap();
    liqo_kube::wait::deleted(&Api::<Node>::all(consumer.clone()), VN, Some(WAIT))
        .await
        .unwrap();
    let pod_ip = run_as_pod(&consumer, &env.cluster("consumer").config().node_name()).await;
    let node = await_node(&consumer, "Node Ready from the VK pod", WAIT, |n| {
        is_ready(n) && capacity_is(n, &bigger)
    })
    .await;
    let address = &node
        .status
        .unwrap_or_default()
        .addresses
        .unwrap_or_default()[0];
    assert_eq!(address.address, pod_ip, "InternalIP = POD_IP");
    eprintln!(
        "provider outage detected after {detected:?}; whole test {:?}",
        started.elapsed()
    );
}
