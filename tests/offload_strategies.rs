//! The pod-offloading strategies of a NamespaceOffloading on two real peered clusters (spec
//! offloading.md §7 steps 1–7): after one `peer`, each strategy in a consumer namespace of its
//! own, offloaded by `liqoctl offload namespace --pod-offloading-strategy`. Every strategy gets
//! its twin namespace on the provider (Accepted in the NamespaceMap). `Local`: no scheduling
//! label, the pod webhook adds nothing, the pods run on the consumer's node and no ShadowPod is
//! made. `Remote`: toleration and a `liqo.io/type In [virtual-node]` term, the pods are bound
//! to the virtual node and run on the provider. `LocalAndRemote` (no cluster selector): the
//! toleration only, so a Deployment pinned to the virtual node runs on the provider and one
//! pinned to the consumer's node runs there. Each pod is asked where it runs, from a consumer
//! client pod. `unoffload namespace` on each: the twin namespaces and the offloaded pods go on
//! the provider; the local pods stay.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)]
mod flows;
#[path = "common/pods.rs"]
#[allow(dead_code)]
mod pods;

use std::sync::Arc;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Node, NodeSelectorTerm, Pod};
use kube::api::PostParams;
use kube::runtime::wait::await_condition;
use kube::runtime::watcher;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{label, name};
use liqo_api::offloading::ShadowPod;
use liqo_api::offloading::{MappingPhase, NamespaceMap, NamespaceOffloading, OffloadingPhase};
use liqo_testenv::Env;
use pods::{ClientPod, pod_summary, running, until_list};
use serde_json::{Value, json};

const C: (&str, &str, &str) = ("st-c", "st-c-id", "10.243.0.0/16");
const P: (&str, &str, &str) = ("st-p", "st-p-id", "10.244.0.0/16");
/// Address prefixes of the two pod CIDRs (distinct: no remapping).
const C_PODS: &str = "10.243.";
const P_PODS: &str = "10.244.";
const LOCAL: &str = "st-local";
const REMOTE: &str = "st-remote";
const BOTH: &str = "st-both";

fn env() -> Env {
    common::installed_network_env(&[C, P])
}

/// liqoctl on the consumer, with the provider as remote when `remote` is set.
async fn liqoctl(env: &Env, args: &[&str], remote: bool) -> std::process::Output {
    flows::liqoctl_on(env, C.0, args, remote.then_some(P.0)).await
}

/// The twin of consumer namespace `ns` on the provider (`DefaultName`).
fn twin(ns: &str) -> String {
    format!("{ns}-{}", C.1)
}

/// `replicas` of the demo workload labelled `app=<app>`, with `node_selector` (`{}`: none);
/// the pod webhook places them per the namespace's strategy.
fn deployment(ns: &str, app: &str, replicas: i32, node_selector: Value) -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": app, "namespace": ns},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": app}},
            "template": {
                "metadata": {"labels": {"app": app}},
                "spec": {
                    "terminationGracePeriodSeconds": 2,
                    "nodeSelector": node_selector,
                    "containers": [pods::demo_container()],
                },
            },
        },
    }))
    .unwrap()
}

/// Whether the pod webhook's toleration (`virtual-node.liqo.io/not-allowed` `Exists`
/// `NoExecute`) is on `pod`.
fn tolerates_virtual_nodes(pod: &Pod) -> bool {
    pod.spec
        .iter()
        .flat_map(|s| s.tolerations.iter().flatten())
        .any(|t| {
            t.key.as_deref() == Some(name::VIRTUAL_NODE_TAINT_KEY)
                && t.operator.as_deref() == Some("Exists")
                && t.effect.as_deref() == Some("NoExecute")
        })
}

/// The required node-affinity terms of `pod`, if any.
fn required_terms(pod: &Pod) -> Vec<NodeSelectorTerm> {
    pod.spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref()?.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|r| r.node_selector_terms.clone())
        .unwrap_or_default()
}

/// Whether every required term holds `liqo.io/type In [virtual-node]` (and there is one).
fn only_virtual_nodes(pod: &Pod) -> bool {
    let terms = required_terms(pod);
    !terms.is_empty()
        && terms.iter().all(|t| {
            t.match_expressions.iter().flatten().any(|e| {
                e.key == label::TYPE
                    && e.operator == "In"
                    && e.values.as_deref() == Some(&[label::TYPE_VIRTUAL_NODE.to_owned()][..])
            })
        })
}

/// [`pod_summary`] plus what the pod webhook decides: tolerations and required node terms.
fn placement_summary(p: &Pod) -> String {
    let tolerations: Vec<String> = p
        .spec
        .iter()
        .flat_map(|s| s.tolerations.iter().flatten())
        .map(|t| format!("{:?} {:?} {:?}", t.key, t.operator, t.effect))
        .collect();
    let terms: Vec<String> = required_terms(p)
        .iter()
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
    format!(
        "{} tolerations={tolerations:?} required={terms:?}",
        pod_summary(p)
    )
}

fn pod_ip(p: &Pod) -> String {
    p.status
        .as_ref()
        .and_then(|s| s.pod_ip.clone())
        .unwrap_or_else(|| panic!("no pod IP: {}", placement_summary(p)))
}

fn node_of(p: &Pod) -> String {
    p.spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default()
}

/// Creates consumer namespace `ns`, offloads it with `strategy` and waits until its twin is
/// Accepted in the provider's NamespaceMap and present on the provider, with its scheduling
/// label as the strategy wants (`true`, or absent for `Local`).
async fn offload(env: &Env, ns: &str, strategy: &str) {
    let (c, p) = (env.cluster(C.0).client(), env.cluster(P.0).client());
    let namespace: Namespace = serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap();
    Api::<Namespace>::all(c.clone())
        .create(&PostParams::default(), &namespace)
        .await
        .unwrap();
    let strategy_flag = format!("--pod-offloading-strategy={strategy}");
    let args = ["offload", "namespace", ns, &strategy_flag, "--timeout=60s"];
    flows::ok(
        &format!("offload namespace {ns} ({strategy})"),
        &liqoctl(env, &args, false).await,
    );
    let offloading = Api::<NamespaceOffloading>::namespaced(c.clone(), ns)
        .get(name::NAMESPACE_OFFLOADING)
        .await
        .unwrap();
    let status = offloading.status.clone().unwrap_or_default();
    assert_eq!(
        (
            status.offloading_phase.clone(),
            status.remote_namespace_name.as_deref()
        ),
        (Some(OffloadingPhase::Ready), Some(twin(ns).as_str())),
        "{ns} ({strategy}): NamespaceOffloading status {status:?}"
    );
    let provider_map =
        watcher::Config::default().labels(&format!("{}={}", label::REMOTE_CLUSTER_ID, P.1));
    let ns_owned = ns.to_string();
    until_list(
        Api::<NamespaceMap>::all(c.clone()),
        provider_map,
        &format!("{ns} Accepted as {} in the NamespaceMap", twin(ns)),
        |m| format!("{} {:?} {:?}", m.name_any(), m.spec, m.status),
        move |maps| {
            maps.iter().any(|m| {
                let entry = m
                    .status
                    .as_ref()
                    .and_then(|s| s.current_mapping.as_ref()?.get(&ns_owned).cloned());
                entry.is_some_and(|e| {
                    e.phase == Some(MappingPhase::Accepted)
                        && e.remote_namespace.as_deref() == Some(twin(&ns_owned).as_str())
                })
            })
        },
    )
    .await;
    let remote = Api::<Namespace>::all(p.clone())
        .get(&twin(ns))
        .await
        .unwrap_or_else(|e| panic!("{ns} ({strategy}): twin {} on the provider: {e}", twin(ns)));
    assert_eq!(remote.labels()[label::REMOTE_CLUSTER_ID], C.1);
    let want = (strategy != "Local").then_some("true");
    let labelled = move |n: Option<&Namespace>| {
        n.is_some_and(|n| {
            n.labels()
                .get(label::SCHEDULING_ENABLED)
                .map(String::as_str)
                == want
        })
    };
    flows::within(
        &format!("{ns}: {} = {want:?}", label::SCHEDULING_ENABLED),
        await_condition(Api::<Namespace>::all(c), ns, labelled),
    )
    .await
    .unwrap();
}

/// Creates Deployment `app` in `ns` and waits until its `replicas` pods are Running.
async fn run_deployment(
    c: &Client,
    ns: &str,
    app: &str,
    replicas: usize,
    node_selector: Value,
) -> Vec<Arc<Pod>> {
    let count = i32::try_from(replicas).unwrap();
    Api::<Deployment>::namespaced(c.clone(), ns)
        .create(
            &PostParams::default(),
            &deployment(ns, app, count, node_selector),
        )
        .await
        .unwrap();
    until_list(
        Api::<Pod>::namespaced(c.clone(), ns),
        watcher::Config::default().labels(&format!("app={app}")),
        &format!("{replicas} pods of {ns}/{app} Running"),
        placement_summary,
        |ps| ps.len() == replicas && ps.iter().all(|p| running(p)),
    )
    .await
}

/// Names of the ShadowPods in the provider's twin of `ns`.
async fn shadow_pods(p: &Client, ns: &str) -> Vec<String> {
    flows::names::<ShadowPod>(p, &twin(ns)).await
}

/// Waits until the provider's twin of `ns` runs exactly the pods `local` (by name), Running,
/// each with its ShadowPod labelled for the virtual node `vn`.
async fn until_on_provider(p: &Client, ns: &str, local: &[Arc<Pod>], vn: &str) -> Vec<Arc<Pod>> {
    let mut want: Vec<String> = local.iter().map(|p| p.name_any()).collect();
    want.sort();
    let expected = want.clone();
    let remote = until_list(
        Api::<Pod>::namespaced(p.clone(), &twin(ns)),
        watcher::Config::default().labels(&format!("{}={}", label::OFFLOADING_ORIGIN, C.1)),
        &format!("{want:?} Running on the provider in {}", twin(ns)),
        pod_summary,
        move |ps| {
            let mut names: Vec<String> = ps.iter().map(|p| p.name_any()).collect();
            names.sort();
            names == expected && ps.iter().all(|p| running(p))
        },
    )
    .await;
    let shadows = Api::<ShadowPod>::namespaced(p.clone(), &twin(ns));
    for name in &want {
        let shadow = shadows
            .get(name)
            .await
            .unwrap_or_else(|e| panic!("ShadowPod {}/{name}: {e}", twin(ns)));
        assert_eq!(
            shadow
                .labels()
                .get(label::OFFLOADING_NODENAME)
                .map(String::as_str),
            Some(vn),
            "ShadowPod {}/{name} labels {:?}",
            twin(ns),
            shadow.labels()
        );
    }
    remote
}

/// Asks `pod` (from the consumer's client pod) which namespace it runs in.
async fn answers_from(client: &ClientPod, pod: &Pod, namespace: &str) {
    let answer = client.get(&format!("http://{}:8080/", pod_ip(pod))).await;
    let name = pod.name_any();
    for part in [
        format!("\"pod\":\"{name}\""),
        format!("\"namespace\":\"{namespace}\""),
    ] {
        assert!(
            answer.contains(&part),
            "{name} should answer from namespace {namespace}: missing {part} in {answer}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_pod_offloading_strategy_places_pods_as_the_spec_says() {
    let env = tokio::task::spawn_blocking(env).await.unwrap();
    let (c, p) = (env.cluster(C.0).client(), env.cluster(P.0).client());
    flows::ok(
        "peer",
        &liqoctl(&env, &["peer", "--timeout=120s"], true).await,
    );
    let home = env.cluster(C.0).config().node_name();
    let virtual_nodes = until_list(
        Api::<Node>::all(c.clone()),
        watcher::Config::default().labels(&format!("{}={}", label::TYPE, label::TYPE_VIRTUAL_NODE)),
        "one virtual node on the consumer",
        |n| n.name_any(),
        |ns| ns.len() == 1,
    )
    .await;
    let vn = virtual_nodes[0].name_any();
    let kc = env.cluster(C.0).kubeconfig().to_path_buf();
    let client = ClientPod::start(c.clone(), &kc, "client").await;

    // 1. Local: the twin exists (remote services could be consumed), but the namespace is not
    // scheduling-enabled, so the pod webhook adds no toleration and no affinity; the pods run
    // on the consumer's node, none on the virtual node, no ShadowPod on the provider.
    offload(&env, LOCAL, "Local").await;
    let local = run_deployment(&c, LOCAL, "web", 2, json!({})).await;
    for pod in &local {
        let seen = placement_summary(pod);
        assert_eq!(node_of(pod), home, "Local: on the consumer's node: {seen}");
        assert!(
            !tolerates_virtual_nodes(pod) && required_terms(pod).is_empty(),
            "Local: the pod webhook adds neither toleration nor affinity: {seen}"
        );
        assert!(
            pod_ip(pod).starts_with(C_PODS) && !pod.labels().contains_key(label::SHADOW_POD),
            "Local: a consumer pod IP, not a shadowed pod: {seen}"
        );
        answers_from(&client, pod, LOCAL).await;
    }
    let shadows = shadow_pods(&p, LOCAL).await;
    assert!(
        shadows.is_empty(),
        "Local: no ShadowPod in {}: {shadows:?}",
        twin(LOCAL)
    );
    let remote_pods = flows::names::<Pod>(&p, &twin(LOCAL)).await;
    assert!(
        remote_pods.is_empty(),
        "Local: no pod in {}: {remote_pods:?}",
        twin(LOCAL)
    );

    // 2. Remote: toleration and `liqo.io/type In [virtual-node]`; bound to the virtual node,
    // the pods run on the provider, each with its ShadowPod.
    offload(&env, REMOTE, "Remote").await;
    let remote = run_deployment(&c, REMOTE, "web", 2, json!({})).await;
    for pod in &remote {
        let seen = placement_summary(pod);
        assert_eq!(
            node_of(pod),
            vn,
            "Remote: bound to the virtual node: {seen}"
        );
        assert!(
            tolerates_virtual_nodes(pod) && only_virtual_nodes(pod),
            "Remote: the pod webhook's toleration and virtual-node affinity: {seen}"
        );
        assert!(
            pod_ip(pod).starts_with(P_PODS) && pod.labels().get(label::SHADOW_POD).is_some(),
            "Remote: the provider's pod IP, shadowed: {seen}"
        );
    }
    until_on_provider(&p, REMOTE, &remote, &vn).await;
    answers_from(&client, &remote[0], &twin(REMOTE)).await;

    // 3. LocalAndRemote, no cluster selector: the toleration only (no affinity term), so both
    // placements are allowed; a Deployment pinned to the virtual node runs on the provider,
    // one pinned to the consumer's node runs there.
    offload(&env, BOTH, "LocalAndRemote").await;
    let away = run_deployment(
        &c,
        BOTH,
        "away",
        1,
        json!({label::TYPE: label::TYPE_VIRTUAL_NODE}),
    )
    .await;
    let at_home =
        run_deployment(&c, BOTH, "home", 1, json!({"kubernetes.io/hostname": home})).await;
    for (pod, node, prefix) in [(&away[0], &vn, P_PODS), (&at_home[0], &home, C_PODS)] {
        let seen = placement_summary(pod);
        assert_eq!(&node_of(pod), node, "LocalAndRemote: on {node}: {seen}");
        assert!(
            tolerates_virtual_nodes(pod) && required_terms(pod).is_empty(),
            "LocalAndRemote without selector: the toleration, no affinity: {seen}"
        );
        assert!(
            pod_ip(pod).starts_with(prefix),
            "LocalAndRemote: pod IP in {prefix}*: {seen}"
        );
    }
    until_on_provider(&p, BOTH, &away, &vn).await;
    answers_from(&client, &away[0], &twin(BOTH)).await;
    answers_from(&client, &at_home[0], BOTH).await;
    let shadows = shadow_pods(&p, BOTH).await;
    assert_eq!(
        shadows,
        vec![away[0].name_any()],
        "LocalAndRemote: only the pod of the virtual node is shadowed"
    );

    // 4. unoffload each: the twins go on the provider, and with them the offloaded pods; the
    // Local pods stay Running at home.
    for ns in [LOCAL, REMOTE, BOTH] {
        let args = [
            "unoffload",
            "namespace",
            ns,
            "--skip-confirm",
            "--timeout=60s",
        ];
        flows::ok(
            &format!("unoffload namespace {ns}"),
            &liqoctl(&env, &args, false).await,
        );
    }
    for ns in [LOCAL, REMOTE, BOTH] {
        let gone = |n: Option<&Namespace>| n.is_none();
        flows::within(
            &format!("twin namespace {} deleted on the provider", twin(ns)),
            await_condition(Api::<Namespace>::all(p.clone()), &twin(ns), gone),
        )
        .await
        .unwrap();
    }
    let origin = format!("{}={}", label::OFFLOADING_ORIGIN, C.1);
    until_list(
        Api::<Pod>::all(p.clone()),
        watcher::Config::default().labels(&origin),
        "no offloaded pod left on the provider",
        pod_summary,
        <[_]>::is_empty,
    )
    .await;
    until_list(
        Api::<ShadowPod>::all(p.clone()),
        watcher::Config::default(),
        "no ShadowPod left on the provider",
        |s| format!("{}/{}", s.namespace().unwrap_or_default(), s.name_any()),
        <[_]>::is_empty,
    )
    .await;
    let still = until_list(
        Api::<Pod>::namespaced(c.clone(), LOCAL),
        watcher::Config::default().labels("app=web"),
        "the Local pods Running at home after unoffload",
        placement_summary,
        |ps| ps.len() == 2 && ps.iter().all(|p| running(p)),
    )
    .await;
    let mut before: Vec<String> = local.iter().map(|p| p.name_any()).collect();
    let mut after: Vec<String> = still.iter().map(|p| p.name_any()).collect();
    before.sort();
    after.sort();
    assert_eq!(
        before, after,
        "Local: the same pods, untouched by unoffload"
    );
    drop(env);
}
