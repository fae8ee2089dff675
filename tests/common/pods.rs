//! Waiting on lists and talking to demo pods (from a client pod, inside the pod network), for the two-cluster pod tests (tests/pod_path.rs,
//! tests/service_reflection.rs). Included with `#[path = "common/pods.rs"] mod pods;`.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::WatchStreamExt;
use kube::runtime::{reflector, watcher};
use kube::{Api, Resource, ResourceExt};

/// Bound on every [`until_list`].
pub const WAIT: Duration = Duration::from_secs(90);

/// Waits (watching) until `done` holds for the objects `api` lists with `lp`; on timeout,
/// panics with `what` and a summary of the last list seen.
pub async fn until_list<K>(
    api: Api<K>,
    lp: watcher::Config,
    what: &str,
    summary: impl Fn(&K) -> String,
    done: impl Fn(&[Arc<K>]) -> bool,
) -> Vec<Arc<K>>
where
    K: Resource<DynamicType = ()> + Clone + Debug + serde::de::DeserializeOwned + Send + Sync,
    K: 'static,
{
    let (store, writer) = reflector::store();
    // Each event wakes the check (a permit is kept when nobody waits: no lost wake-up).
    let changed = Arc::new(tokio::sync::Notify::new());
    let notify = changed.clone();
    let driver = tokio::spawn(async move {
        let stream = reflector::reflector(writer, watcher::watcher(api, lp).default_backoff());
        let mut stream = std::pin::pin!(stream);
        while stream.next().await.is_some() {
            notify.notify_one();
        }
    });
    let waited = tokio::time::timeout(WAIT, async {
        store.wait_until_ready().await.expect("store");
        loop {
            let woken = changed.notified();
            let state = store.state();
            if done(&state) {
                return state;
            }
            woken.await;
        }
    })
    .await;
    driver.abort();
    waited.unwrap_or_else(|_| {
        let last: Vec<String> = store.state().iter().map(|o| summary(o)).collect();
        panic!("timed out after {WAIT:?} waiting for {what}; last seen: {last:#?}")
    })
}

/// The demo workload's container: `liqo-demo` on 8080 naming its pod, namespace and IP (from
/// the downward API), Ready once it answers `/healthz`.
pub fn demo_container() -> serde_json::Value {
    serde_json::json!({
        "name": "demo", "image": "ghcr.io/liqoctl-rs/liqo:test",
        "command": ["/usr/local/bin/liqo-demo"],
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
        ],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 1}
    })
}

pub fn pod_summary(p: &Pod) -> String {
    let st = p.status.clone().unwrap_or_default();
    let restarts: Vec<i32> = st
        .container_statuses
        .iter()
        .flatten()
        .map(|c| c.restart_count)
        .collect();
    let record = p.annotations().get("offloading.liqo.io/remote-restarts");
    format!(
        "{} node={:?} phase={:?} ip={:?} host={:?} restarts={restarts:?} record={record:?} deleting={}",
        p.name_any(),
        p.spec.as_ref().and_then(|s| s.node_name.clone()),
        st.phase,
        st.pod_ip,
        st.host_ip,
        p.metadata.deletion_timestamp.is_some()
    )
}

pub fn running(p: &Pod) -> bool {
    let st = p.status.clone().unwrap_or_default();
    st.phase.as_deref() == Some("Running")
        && st
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The real kubectl of the test binaries on `kubeconfig`: `args` → stdout (panics naming
/// stderr on failure).
pub async fn kubectl(kubeconfig: &std::path::Path, args: &[&str]) -> String {
    let out = kubectl_command(kubeconfig, args).output().await.unwrap();
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `kubectl args` on `kubeconfig`, not yet started (killed when dropped).
pub fn kubectl_command(kubeconfig: &std::path::Path, args: &[&str]) -> tokio::process::Command {
    let bins = liqo_testenv::Binaries::locate(&liqo_testenv::Binaries::default_dir()).unwrap();
    let mut cmd = tokio::process::Command::new(bins.kubectl);
    cmd.arg("--kubeconfig").arg(kubeconfig).args(args);
    cmd.kill_on_drop(true);
    cmd
}

/// Lines of a running `kubectl logs -f`, as they come.
pub struct FollowedLog {
    _child: tokio::process::Child,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    seen: Vec<String>,
}

impl FollowedLog {
    /// Starts `kubectl logs -f args` on `kubeconfig`.
    pub fn start(kubeconfig: &std::path::Path, args: &[&str]) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut all = vec!["logs", "-f"];
        all.extend(args);
        let mut child = kubectl_command(kubeconfig, &all)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        Self {
            _child: child,
            lines: tokio::io::BufReader::new(stdout).lines(),
            seen: Vec::new(),
        }
    }

    /// Reads until a line contains `needle`, within `within`; panics with what was seen.
    pub async fn until(&mut self, needle: &str, within: Duration) {
        let found = tokio::time::timeout(within, async {
            while let Some(line) = self.lines.next_line().await.unwrap() {
                let hit = line.contains(needle);
                self.seen.push(line);
                if hit {
                    return true;
                }
            }
            false
        })
        .await;
        assert!(
            found == Ok(true),
            "kubectl logs -f: no line with {needle:?} within {within:?} (ended: {}); seen: {:#?}",
            found.is_ok(),
            self.seen
        );
    }
}

/// `kubectl attach` to `namespace/pod` container `container` on `kubeconfig`: once the
/// WebSocket is up (kubectl's `-v=6` log says `101 Switching Protocols`), `trigger` runs, and
/// the attached output must show a line containing `needle` within 10 s.
pub async fn attach_sees(
    kubeconfig: &std::path::Path,
    (namespace, pod, container): (&str, &str, &str),
    trigger: impl std::future::Future<Output = ()>,
    needle: &str,
) {
    use tokio::io::AsyncBufReadExt;
    let args = ["attach", "-v=6", "-n", namespace, pod, "-c", container];
    let mut child = kubectl_command(kubeconfig, &args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = Vec::new();
    let upgraded = tokio::time::timeout(WAIT, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            let done = line.contains("101 Switching Protocols");
            log.push(line);
            if done {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        upgraded,
        Ok(true),
        "kubectl attach {pod}: no upgrade; its log: {log:#?}"
    );
    trigger.await;
    let mut seen = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(line) = stdout.next_line().await.unwrap() {
            let hit = line.contains(needle);
            seen.push(line);
            if hit {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        found,
        Ok(true),
        "kubectl attach {pod}: no {needle:?}; seen: {seen:#?}"
    );
}

/// The notes of the Events with `reason` about pod `pod` among `events`.
pub fn notes_of(
    events: &[Arc<k8s_openapi::api::events::v1::Event>],
    pod: &str,
    reason: &str,
) -> Vec<String> {
    events
        .iter()
        .filter(|e| {
            e.reason.as_deref() == Some(reason)
                && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(pod)
        })
        .map(|e| e.note.clone().unwrap_or_default())
        .collect()
}

pub fn event_summary(e: &k8s_openapi::api::events::v1::Event) -> String {
    let about = e.regarding.as_ref().and_then(|r| r.name.clone());
    format!("{about:?} {:?} {:?}", e.reason, e.note)
}

/// A demo pod on a cluster's own node, in a namespace that is not offloaded: the client that
/// reaches pods and Services from inside the pod network (`kubectl exec … -- liqo-demo get`),
/// as a user's curl pod would.
pub struct ClientPod {
    kubeconfig: std::path::PathBuf,
    namespace: String,
}

impl ClientPod {
    /// Creates namespace `namespace` and pod `client` in it, and waits until it is Ready.
    pub async fn start(
        client: kube::Client,
        kubeconfig: &std::path::Path,
        namespace: &str,
    ) -> Self {
        use k8s_openapi::api::core::v1::Namespace;
        let pp = kube::api::PostParams::default();
        let ns: Namespace =
            serde_json::from_value(serde_json::json!({"metadata": {"name": namespace}})).unwrap();
        let _ = Api::<Namespace>::all(client.clone()).create(&pp, &ns).await;
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "client", "namespace": namespace},
            "spec": {"containers": [demo_container()]}
        }))
        .unwrap();
        let pods: Api<Pod> = Api::namespaced(client, namespace);
        pods.create(&pp, &pod).await.unwrap();
        until_list(
            pods,
            watcher::Config::default().fields("metadata.name=client"),
            "the client pod Running",
            pod_summary,
            |ps| ps.len() == 1 && running(&ps[0]),
        )
        .await;
        Self {
            kubeconfig: kubeconfig.to_path_buf(),
            namespace: namespace.to_string(),
        }
    }

    /// `GET url` from the client pod: the body (panics naming the failure).
    pub async fn get(&self, url: &str) -> String {
        let ns = self.namespace.as_str();
        kubectl(
            &self.kubeconfig,
            &["exec", "-n", ns, "client", "--", "liqo-demo", "get", url],
        )
        .await
    }

    /// Removes the client's namespace and waits until it is gone.
    pub async fn remove(self, client: kube::Client) {
        use k8s_openapi::api::core::v1::Namespace;
        let namespaces = Api::<Namespace>::all(client);
        let dp = kube::api::DeleteParams::default();
        let _ = namespaces.delete(&self.namespace, &dp).await;
        let gone = |n: Option<&Namespace>| n.is_none();
        let wait = kube::runtime::wait::await_condition(namespaces, &self.namespace, gone);
        tokio::time::timeout(WAIT, wait)
            .await
            .unwrap_or_else(|_| panic!("namespace {} not gone within {WAIT:?}", self.namespace))
            .unwrap();
    }
}

/// Waits until the node agent of `client`'s cluster forwards Service `namespace/name`'s
/// clusterIP to every one of `endpoints` (`ip:port`), by its `EndpointsForwarded` Event.
pub async fn until_forwarded(
    client: kube::Client,
    namespace: &str,
    name: &str,
    endpoints: &[String],
) {
    use liqo_testenv::services::REASON_ENDPOINTS;
    let name = name.to_string();
    until_list(
        Api::<k8s_openapi::api::core::v1::Event>::namespaced(client, namespace),
        watcher::Config::default(),
        &format!("Service {name}'s clusterIP forwarded to {endpoints:?}"),
        |e| {
            format!(
                "{:?} {:?} {:?}",
                e.reason, e.involved_object.name, e.message
            )
        },
        |events| {
            events.iter().any(|e| {
                e.reason.as_deref() == Some(REASON_ENDPOINTS)
                    && e.involved_object.name.as_deref() == Some(name.as_str())
                    && endpoints.iter().all(|ep| {
                        e.message
                            .as_deref()
                            .unwrap_or_default()
                            .contains(ep.as_str())
                    })
            })
        },
    )
    .await;
}
