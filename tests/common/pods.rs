//! Waiting on lists and talking to demo pods, for the two-cluster pod tests (tests/pod_path.rs,
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

/// `GET /` of the demo server at `ip`:8080.
pub fn http_get(ip: &str) -> String {
    http_get_path(ip, "/")
}

/// `GET path` of the demo server at `ip`:8080.
pub fn http_get_path(ip: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect((ip, 8080)).expect("connect to the demo pod");
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(conn, "GET {path} HTTP/1.1\r\nHost: demo\r\n\r\n").unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    answer
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
