//! The CRD replicator between two real installed and authenticated clusters (the controller
//! managers run as pods through the test node agents): the control-plane Renew makes the round
//! trip, and a forced certificate renewal travels back through it and reloads the peer; a
//! ResourceSlice and a NamespaceMap reach the provider with the replica labels, spec changes
//! follow, status comes back (and nothing is written when it is already equal), a change made
//! while the provider's API server is frozen arrives once it answers again, a provider marked
//! permanently unreachable lets a deleted origin go, and deleting an origin deletes the replica
//! first.

#[path = "common/install.rs"]
mod install;
#[path = "common/until.rs"]
mod until;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::authentication::{Renew, ResourceSlice, Tenant};
use liqo_api::consts::{annotation, field_manager, finalizer};
use liqo_api::core::ForeignCluster;
use liqo_api::offloading::NamespaceMap;
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);
const C: &str = "repl-consumer";
const P: &str = "repl-provider";

fn tenant_ns(id: &str) -> String {
    format!("liqo-tenant-{id}")
}

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(api, name, what, WAIT, done).await
}

fn api<K>(client: &Client, ns: &str) -> Api<K>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
{
    Api::namespaced(client.clone(), ns)
}

/// Starts both clusters at once, installed, and authenticates the consumer with the provider
/// as `liqoctl authenticate` does.
async fn authenticated_pair() -> (Env, Env) {
    let consumer = std::thread::spawn(|| install::start_installed("repl-c", C));
    let provider = std::thread::spawn(|| install::start_installed("repl-p", P));
    let (consumer, provider) = (consumer.join().unwrap(), provider.join().unwrap());
    let liqoctl = liqo_testenv::pods::PodsConfig::default_bin_dir().join("liqoctl");
    assert!(
        liqoctl.is_file(),
        "{} is missing: run `cargo build --workspace --bins`",
        liqoctl.display()
    );
    let args = [
        format!(
            "--kubeconfig={}",
            consumer.cluster("repl-c").kubeconfig().display()
        ),
        "authenticate".into(),
        format!(
            "--remote-kubeconfig={}",
            provider.cluster("repl-p").kubeconfig().display()
        ),
    ];
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(liqoctl)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "authenticate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (consumer, provider)
}

fn origin_labels() -> serde_json::Value {
    json!({
        "liqo.io/replication": "true",
        "liqo.io/remoteID": P,
        "liqo.io/remote-cluster-id": P,
        "liqo.io/ownership": "shared",
        "test.liqo.io/kept": "yes",
    })
}

/// The labels every replica made by the consumer must carry (§1 #3).
fn replica_labels() -> BTreeMap<String, String> {
    [
        ("liqo.io/replication", "false"),
        ("liqo.io/replicated", "true"),
        ("liqo.io/originID", C),
        ("liqo.io/remoteID", P),
        ("liqo.io/remote-cluster-id", C),
        ("test.liqo.io/kept", "yes"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn managed_by_replicator<K: Resource>(object: &K) -> bool {
    object
        .meta()
        .managed_fields
        .iter()
        .flatten()
        .any(|m| m.manager.as_deref() == Some(field_manager::CRD_REPLICATOR))
}

fn cpu(slice: Option<&ResourceSlice>) -> Option<String> {
    slice.and_then(|s| Some(s.spec.resources.as_ref()?.get("cpu")?.0.clone()))
}

/// SIGCONT on drop: a failing assertion must not leave the provider frozen for the next test.
struct Frozen(nix::unistd::Pid);

impl Frozen {
    fn apiserver(env: &Env, cluster: &str) -> Self {
        let pid = env
            .cluster(cluster)
            .state()
            .components
            .iter()
            .find(|c| c.name == "kube-apiserver")
            .map(|c| c.pid)
            .expect("the cluster runs a kube-apiserver");
        let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap());
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGSTOP).unwrap();
        Self(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(self.0, nix::sys::signal::Signal::SIGCONT);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slices_maps_and_renews_replicate_both_ways_and_survive_a_frozen_provider() {
    let (consumer_env, provider_env) = authenticated_pair().await;
    let consumer = consumer_env.cluster("repl-c").client();
    let provider = provider_env.cluster("repl-p").client();
    let (local_ns, remote_ns) = (tenant_ns(P), tenant_ns(C));

    // The control-plane Renew: kept beside the Identity by the local renewer, carried to the
    // provider by the replicator, answered there by the tenant controller, brought back.
    let renew_name = format!("controlplane-{P}");
    let replica = until(
        &api::<Renew>(&provider, &remote_ns),
        &renew_name,
        "the Renew replica",
        |r| r.is_some_and(managed_by_replicator),
    )
    .await
    .unwrap();
    assert_eq!(replica.labels(), &replica_labels_without_test());
    let local = until(
        &api::<Renew>(&consumer, &local_ns),
        &renew_name,
        "the Renew's status brought back",
        |r| {
            r.and_then(|r| r.status.as_ref()?.auth_params.as_ref()?.signed_crt.as_ref())
                .is_some()
        },
    )
    .await
    .unwrap();
    assert!(
        local
            .finalizers()
            .contains(&finalizer::CRD_REPLICATOR_RESOURCE.to_string())
    );

    assert_renewal_reloads_the_peer(&consumer_env, &provider).await;

    // A ResourceSlice and a NamespaceMap appear in the provider with the replica labels, the
    // origin's annotations and spec. A class of its own keeps the provider's slice controller
    // from computing resources for it.
    let slices = api::<ResourceSlice>(&consumer, &local_ns);
    let remote_slices = api::<ResourceSlice>(&provider, &remote_ns);
    let slice: ResourceSlice = serde_json::from_value(json!({
        "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
        "metadata": {"name": "repl-slice", "namespace": local_ns, "labels": origin_labels(),
                     "annotations": {"test.liqo.io/note": "copied"}},
        "spec": {"class": "test-class", "resources": {"cpu": "1"}},
    }))
    .unwrap();
    slices.create(&PostParams::default(), &slice).await.unwrap();
    let maps = api::<NamespaceMap>(&consumer, &local_ns);
    let remote_maps = api::<NamespaceMap>(&provider, &remote_ns);
    let map: NamespaceMap = serde_json::from_value(json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "NamespaceMap",
        "metadata": {"name": "repl-map", "namespace": local_ns, "labels": origin_labels()},
        "spec": {},
    }))
    .unwrap();
    maps.create(&PostParams::default(), &map).await.unwrap();
    let replica = until(&remote_slices, "repl-slice", "the slice replica", |s| {
        s.is_some()
    })
    .await
    .unwrap();
    assert_eq!(replica.labels(), &replica_labels());
    assert_eq!(replica.annotations()["test.liqo.io/note"], "copied");
    assert_eq!(replica.spec.class.as_deref(), Some("test-class"));
    assert!(managed_by_replicator(&replica));
    let map_replica = until(&remote_maps, "repl-map", "the map replica", |m| m.is_some())
        .await
        .unwrap();
    assert_eq!(map_replica.labels(), &replica_labels());
    let origin = until(&slices, "repl-slice", "the replicator's finalizer", |s| {
        s.is_some_and(|s| {
            s.finalizers()
                .contains(&finalizer::CRD_REPLICATOR_RESOURCE.to_string())
        })
    })
    .await;
    assert!(origin.is_some());

    // A spec change follows (whatever else the consumer's slice controller fills in).
    let cpu2 = json!({"spec": {"resources": {"cpu": "2"}}});
    slices
        .patch("repl-slice", &PatchParams::default(), &Patch::Merge(&cpu2))
        .await
        .unwrap();
    until(&remote_slices, "repl-slice", "cpu 2 in the replica", |s| {
        cpu(s).as_deref() == Some("2")
    })
    .await;

    // Status written in the provider comes back; the provider may add its own conditions.
    let test_status = PatchParams::apply("replicator-test").force();
    let selector = json!({"apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
                          "status": {"nodeSelector": {"test.liqo.io/zone": "a"}}});
    remote_slices
        .patch_status("repl-slice", &test_status, &Patch::Apply(&selector))
        .await
        .unwrap();
    until(&slices, "repl-slice", "the slice status back", |s| {
        s.and_then(|s| {
            s.status
                .as_ref()?
                .node_selector
                .as_ref()?
                .get("test.liqo.io/zone")
                .cloned()
        })
        .as_deref()
            == Some("a")
    })
    .await;
    assert_status_round_trip_writes_once(&maps, &remote_maps, &test_status).await;

    // Frozen provider: the change made meanwhile fails to go (an Event says so), the
    // controller manager goes on, and the change arrives once the provider answers again.
    {
        let frozen = Frozen::apiserver(&provider_env, "repl-p");
        let cpu3 = json!({"spec": {"resources": {"cpu": "3"}}});
        let origin = slices
            .patch("repl-slice", &PatchParams::default(), &Patch::Merge(&cpu3))
            .await
            .unwrap();
        until::warning(
            &consumer,
            &local_ns,
            &origin.uid().unwrap(),
            "ReplicationFailed",
            "did not answer",
        )
        .await;
        drop(frozen);
    }
    until(
        &remote_slices,
        "repl-slice",
        "cpu 3 in the replica after the outage",
        |s| cpu(s).as_deref() == Some("3"),
    )
    .await;

    assert_unreachable_provider_lets_origins_go(&consumer_env, &provider_env).await;

    // Deleting the origin deletes the replica, then lets the origin go.
    for (origins, replicas) in [(&slices, &remote_slices)] {
        origins
            .delete("repl-slice", &Default::default())
            .await
            .unwrap();
        until(replicas, "repl-slice", "the replica deleted", |s| {
            s.is_none()
        })
        .await;
        until(origins, "repl-slice", "the origin deleted", |s| s.is_none()).await;
    }
    maps.delete("repl-map", &Default::default()).await.unwrap();
    until(&remote_maps, "repl-map", "the map replica deleted", |m| {
        m.is_none()
    })
    .await;
    until(&maps, "repl-map", "the map origin deleted", |m| m.is_none()).await;
}

/// The Renew replica's labels: an origin made by the local renewer has no test label.
fn replica_labels_without_test() -> BTreeMap<String, String> {
    let mut labels = replica_labels();
    labels.remove("test.liqo.io/kept");
    labels
}

/// A status written in the provider reaches the origin with one write, and a change of the
/// replica that leaves the status as it is writes nothing on the origin: watching the origin
/// from the resourceVersion after the first round trip, the only change is the second status.
async fn assert_status_round_trip_writes_once(
    maps: &Api<NamespaceMap>,
    remote_maps: &Api<NamespaceMap>,
    params: &PatchParams,
) {
    let status = |phase: &str| {
        json!({"apiVersion": "offloading.liqo.io/v1beta1", "kind": "NamespaceMap",
               "status": {"currentMapping": {"test-ns": {"remoteNamespace": "test-ns-remote", "phase": phase}}}})
    };
    let phase = |m: Option<&NamespaceMap>| {
        m.and_then(|m| {
            let mapping = m.status.as_ref()?.current_mapping.as_ref()?;
            Some(
                serde_json::to_value(mapping.get("test-ns")?.phase?)
                    .ok()?
                    .as_str()?
                    .to_string(),
            )
        })
    };
    remote_maps
        .patch_status("repl-map", params, &Patch::Apply(&status("Accepted")))
        .await
        .unwrap();
    let origin = until(maps, "repl-map", "the map status back", |m| {
        phase(m).as_deref() == Some("Accepted")
    })
    .await
    .unwrap();
    let since = origin.resource_version().unwrap();
    let watch_params = WatchParams::default().fields("metadata.name=repl-map");
    let mut changes = maps.watch(&watch_params, &since).await.unwrap().boxed();
    // Requeues the origin through the remote watch; its status is already equal.
    let touch = json!({"metadata": {"annotations": {"test.liqo.io/touched": "1"}}});
    remote_maps
        .patch("repl-map", &PatchParams::default(), &Patch::Merge(&touch))
        .await
        .unwrap();
    remote_maps
        .patch_status("repl-map", params, &Patch::Apply(&status("Terminating")))
        .await
        .unwrap();
    let mut seen = Vec::new();
    let watch = async {
        while let Some(event) = changes.next().await {
            match event.unwrap() {
                WatchEvent::Modified(m) => {
                    let p = phase(Some(&m));
                    seen.push(p.clone());
                    if p.as_deref() == Some("Terminating") {
                        return;
                    }
                }
                WatchEvent::Bookmark(_) => {}
                other => panic!("unexpected change of the origin: {other:?}"),
            }
        }
    };
    tokio::time::timeout(WAIT, watch).await.unwrap_or_else(|_| {
        panic!("the second status never came back; origin changes seen: {seen:?}")
    });
    assert_eq!(
        seen,
        [Some("Terminating".to_string())],
        "the origin was written while its status was already equal"
    );
}

/// A provider marked permanently unreachable: a deleted origin goes at once, even with the
/// provider frozen (its replica is left there, said by an Event).
async fn assert_unreachable_provider_lets_origins_go(consumer_env: &Env, provider_env: &Env) {
    let consumer = consumer_env.cluster("repl-c").client();
    let provider = provider_env.cluster("repl-p").client();
    let slices = api::<ResourceSlice>(&consumer, &tenant_ns(P));
    let remote_slices = api::<ResourceSlice>(&provider, &tenant_ns(C));
    let slice: ResourceSlice = serde_json::from_value(json!({
        "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
        "metadata": {"name": "repl-orphan", "namespace": tenant_ns(P), "labels": origin_labels()},
        "spec": {"class": "test-class"},
    }))
    .unwrap();
    let origin = slices.create(&PostParams::default(), &slice).await.unwrap();
    until(&remote_slices, "repl-orphan", "the orphan's replica", |s| {
        s.is_some()
    })
    .await;
    until(&slices, "repl-orphan", "the orphan's finalizer", |s| {
        s.is_some_and(|s| {
            s.finalizers()
                .contains(&finalizer::CRD_REPLICATOR_RESOURCE.to_string())
        })
    })
    .await;
    let fcs: Api<ForeignCluster> = Api::all(consumer.clone());
    until(&fcs, P, "the provider's ForeignCluster", |f| f.is_some()).await;
    let mark = |value: Option<&str>| json!({"metadata": {"annotations": {annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE: value}}});
    fcs.patch(
        P,
        &PatchParams::default(),
        &Patch::Merge(&mark(Some("true"))),
    )
    .await
    .unwrap();
    {
        let _frozen = Frozen::apiserver(provider_env, "repl-p");
        slices
            .delete("repl-orphan", &Default::default())
            .await
            .unwrap();
        until(&slices, "repl-orphan", "the orphan released", |s| {
            s.is_none()
        })
        .await;
        let uid = origin.uid().unwrap();
        let ns = tenant_ns(P);
        until::warning(
            &consumer,
            &ns,
            &uid,
            "ReplicaAbandoned",
            "permanently unreachable",
        )
        .await;
    }
    assert!(
        remote_slices
            .get_opt("repl-orphan")
            .await
            .unwrap()
            .is_some()
    );
    fcs.patch(P, &PatchParams::default(), &Patch::Merge(&mark(None)))
        .await
        .unwrap();
    remote_slices
        .delete("repl-orphan", &Default::default())
        .await
        .unwrap();
}

/// Renewal through the replicator: the provider re-issues the certificate (forced by one it
/// cannot parse), the replicator brings it back in the local Renew's status, the local renewer
/// adopts it into the Identity, whose kubeconfig changes, and the replicator reloads the peer
/// on it (everything after this runs on the new client).
async fn assert_renewal_reloads_the_peer(consumer_env: &Env, provider: &Client) {
    let consumer_cluster = consumer_env.cluster("repl-c");
    let secrets = api::<Secret>(&consumer_cluster.client(), &tenant_ns(P));
    let name = format!("kubeconfig-controlplane-{P}");
    let kubeconfig = |s: Option<&Secret>| {
        s.and_then(|s| Some(s.data.as_ref()?.get("kubeconfig")?.0.clone()))
            .unwrap_or_default()
    };
    let old = kubeconfig(secrets.get_opt(&name).await.unwrap().as_ref());
    let loads = || log_lines(consumer_cluster, "replicating to the provider");
    let loaded_before = loads();
    assert!(loaded_before >= 1, "the replicator never loaded the peer");
    let garbage = json!({"status": {"authParams": {"signedCRT": "Z2FyYmFnZQ=="}}});
    api::<Tenant>(provider, &tenant_ns(C))
        .patch_status(C, &PatchParams::default(), &Patch::Merge(&garbage))
        .await
        .unwrap();
    until(&secrets, &name, "the renewed kubeconfig", |s| {
        let now = kubeconfig(s);
        !now.is_empty() && now != old
    })
    .await;
    let reloaded = async {
        // The log is a file: read it again until the line shows (bounded by WAIT).
        while loads() <= loaded_before {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(WAIT, reloaded)
        .await
        .expect("the replicator reloads the peer on the renewed kubeconfig");
}

/// How many lines of the cluster's pod logs contain `needle`.
fn log_lines(cluster: &liqo_testenv::Cluster, needle: &str) -> usize {
    let Ok(pods) = std::fs::read_dir(cluster.dir().join("pods")) else {
        return 0;
    };
    pods.flatten()
        .flat_map(|pod| {
            std::fs::read_dir(pod.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|file| std::fs::read_to_string(file.path()).unwrap_or_default())
        .map(|text| text.lines().filter(|l| l.contains(needle)).count())
        .sum()
}
