//! The node agent runs this project's images as processes and reports every other image as
//! not available.

use std::sync::LazyLock;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::api::PostParams;
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, ResourceExt};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

/// The node agent's "project binaries": the real `testenv`, `sleep` for a process that runs
/// until stopped, and `sh` to read and try to write mounted files.
static BIN_DIR: LazyLock<std::path::PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("testenv-pods-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_testenv"), dir.join("testenv"));
    let _ = std::os::unix::fs::symlink("/bin/sleep", dir.join("sleep"));
    let _ = std::os::unix::fs::symlink("/bin/sh", dir.join("sh"));
    dir
});

/// A directory of this test run on the host, removed when dropped (also when the test fails).
struct HostDir(std::path::PathBuf);

impl HostDir {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn join(&self, path: &str) -> String {
        self.0.join(path).display().to_string()
    }
}

impl Drop for HostDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The pids of the processes whose environment holds `var` (exactly, as `NAME=value`).
fn pids_with_env(var: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // Processes come and go while we read: a vanished one is simply not ours.
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ.split(|b| *b == 0).any(|v| v == var.as_bytes()) {
            pids.push(pid);
        }
    }
    pids
}

static ENV: LazyLock<Env> = LazyLock::new(|| {
    Env::builder()
        .cluster("pods")
        .project_bin_dir(BIN_DIR.as_path())
        .start_blocking()
        .expect("test cluster starts")
});

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

fn container_status(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::ContainerStatus> {
    pod.status.as_ref()?.container_statuses.as_ref()?.first()
}

/// Waits until the pod's first container runs.
async fn until_running(pods: &Api<Pod>, name: &str) {
    let running = |p: Option<&Pod>| {
        p.and_then(container_status)
            .is_some_and(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
    };
    within(
        "the container to run",
        await_condition(pods.clone(), name, running),
    )
    .await
    .unwrap();
}

async fn create(pod: serde_json::Value) -> (Api<Pod>, Pod) {
    let pods = Api::<Pod>::namespaced(ENV.cluster("pods").client(), "default");
    let pod: Pod = serde_json::from_value(pod).unwrap();
    let created = pods.create(&PostParams::default(), &pod).await.unwrap();
    (pods, created)
}

#[tokio::test]
async fn foreign_images_wait_with_a_reason_instead_of_pretending_to_run() {
    let (pods, _) = create(json!({
        "metadata": {"name": "foreign"},
        "spec": {"containers": [{"name": "nginx", "image": "docker.io/library/nginx:1.27"}]}
    }))
    .await;
    let waiting = |p: Option<&Pod>| {
        p.and_then(container_status)
            .and_then(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone())
            .is_some()
    };
    let pod = within(
        "a waiting reason",
        await_condition(pods, "foreign", waiting),
    )
    .await
    .unwrap()
    .unwrap();
    let status = pod.status.as_ref().unwrap();
    assert_eq!(status.phase.as_deref(), Some("Pending"));
    let waiting = container_status(&pod)
        .unwrap()
        .state
        .as_ref()
        .unwrap()
        .waiting
        .as_ref()
        .unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("ImageNotAvailable"));
    assert!(
        waiting
            .message
            .as_deref()
            .unwrap()
            .contains("docker.io/library/nginx:1.27")
    );
    assert!(!container_status(&pod).unwrap().ready);
}

#[tokio::test]
async fn a_crashing_project_container_is_restarted_with_its_exit_code_and_log() {
    // `testenv` with an unknown subcommand prints a usage error and exits 2.
    let (pods, _) = create(json!({
        "metadata": {"name": "crasher"},
        "spec": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/testenv"], "args": ["no-such-command-$(GREETING)"],
            "env": [{"name": "GREETING", "value": "hello"}]}]}
    }))
    .await;
    let restarted_twice = |p: Option<&Pod>| {
        p.and_then(container_status)
            .is_some_and(|c| c.restart_count >= 2)
    };
    let pod = within(
        "two restarts",
        await_condition(pods, "crasher", restarted_twice),
    )
    .await
    .unwrap()
    .unwrap();
    let status = container_status(&pod).unwrap();
    let last = status
        .last_state
        .as_ref()
        .unwrap()
        .terminated
        .as_ref()
        .unwrap();
    assert_eq!(last.exit_code, 2);
    let message = last.message.as_deref().unwrap();
    assert!(
        message.contains("no-such-command-hello"),
        "args expanded from env: {message}"
    );
    // The last instance's output, as `kubectl logs --previous` reads it.
    let previous = kubectl(&["logs", "--previous", "crasher"])
        .output()
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&previous.stdout).contains("no-such-command-hello"),
        "{previous:?}"
    );
}

#[tokio::test]
async fn a_container_that_fails_with_restart_policy_never_fails_the_pod() {
    let (pods, created) = create(json!({
        "metadata": {"name": "failer"},
        "spec": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/testenv"], "args": ["status", "--dir", "/nonexistent"]}],
            "restartPolicy": "Never"}
    }))
    .await;
    // `testenv status` on a missing directory exits 1: with restartPolicy Never the pod fails.
    let failed = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref()?.phase.clone()).as_deref() == Some("Failed")
    };
    let pod = within(
        "the pod to fail",
        await_condition(pods.clone(), "failer", failed),
    )
    .await
    .unwrap()
    .unwrap();
    let status = container_status(&pod).unwrap();
    assert_eq!(status.restart_count, 0, "never restarted");
    let terminated = status.state.as_ref().unwrap().terminated.clone().unwrap();
    assert_eq!(terminated.exit_code, 1);
    assert!(
        terminated
            .message
            .unwrap()
            .contains("no test clusters in /nonexistent")
    );
    pods.delete("failer", &Default::default()).await.unwrap();
    let uid = created.uid().unwrap();
    within(
        "the pod to be removed",
        await_condition(pods, "failer", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_deleted_pod_stops_its_running_process_and_goes_away() {
    // A marker in the pod's environment finds its process on the host.
    let marker = format!("LIQO_TESTENV_SLEEPER={}-{}", std::process::id(), line!());
    let (name, value) = marker.split_once('=').unwrap();
    let (pods, created) = create(json!({
        "metadata": {"name": "sleeper"},
        "spec": {"terminationGracePeriodSeconds": 5, "containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/sleep"], "args": ["3600"],
            "env": [{"name": name, "value": value}]}]}
    }))
    .await;
    until_running(&pods, "sleeper").await;
    let pids = pids_with_env(&marker);
    assert_eq!(pids.len(), 1, "one process for the container: {pids:?}");
    let pid = pids[0];
    assert!(liqo_testenv::is_alive(pid), "the container's process runs");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(
        String::from_utf8_lossy(&cmdline).contains("3600"),
        "{pid} is the container's sleep"
    );

    pods.delete("sleeper", &Default::default()).await.unwrap();
    let uid = created.uid().unwrap();
    within(
        "the pod to be removed",
        await_condition(pods, "sleeper", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
    // The agent removes the pod only after its process is gone, well before `sleep` ends.
    assert!(!liqo_testenv::is_alive(pid), "the process outlived its pod");
    assert!(pids_with_env(&marker).is_empty(), "no process left");
}

#[tokio::test]
async fn a_container_runs_with_the_pods_environment_and_a_loopback_pod_ip() {
    let host = HostDir::new("liqo-testenv-pod");
    let (pods, created) = create(json!({
        "metadata": {"name": "agent"},
        "spec": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/testenv"],
            "args": ["up", "--dir", host.join("$(POD_NAME)"), "--bin-dir", "/nonexistent-$(POD_NAME)", "x"],
            "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}
    }))
    .await;
    // The container fails (no Kubernetes binaries in /nonexistent-agent) and its message names
    // the expanded directory: proof the process ran with the pod's environment.
    let restarted = |p: Option<&Pod>| {
        p.and_then(container_status)
            .is_some_and(|c| c.restart_count >= 1)
    };
    let pod = within(
        "a restart",
        await_condition(pods.clone(), "agent", restarted),
    )
    .await
    .unwrap()
    .unwrap();
    let last = container_status(&pod)
        .unwrap()
        .last_state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    let message = last.message.unwrap();
    assert!(message.contains("/nonexistent-agent/etcd"), "{message}");
    assert!(pod.status.unwrap().pod_ip.unwrap().starts_with("198.1"));
    pods.delete("agent", &Default::default()).await.unwrap();
    let uid = created.uid().unwrap();
    within(
        "the pod to be removed",
        await_condition(pods, "agent", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn secret_and_config_map_volumes_are_mounted_read_only_for_the_container_only() {
    let client = ENV.cluster("pods").client();
    let secret: k8s_openapi::api::core::v1::Secret = serde_json::from_value(json!({
        "metadata": {"name": "vol-secret"}, "stringData": {"privateKey": "s3cret-value", "other": "x"}
    }))
    .unwrap();
    Api::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    let cm: k8s_openapi::api::core::v1::ConfigMap = serde_json::from_value(
        json!({"metadata": {"name": "vol-cm"}, "data": {"settings": "mtu=1340"}}),
    )
    .unwrap();
    Api::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &cm)
        .await
        .unwrap();
    // Mount points on the host are made by the container's wrapper: a directory of this run,
    // removed at the end.
    let host = HostDir::new("liqo-testenv-volume-test");
    let (keys, conf) = (host.join("keys"), host.join("conf"));
    // Reads both volumes, then tries to overwrite the read-only key and to add a file next to
    // it: the script succeeds only if both writes fail and the key is unchanged.
    let script = r#"cat "$1/key" "$2/settings" && echo && ! (echo overwritten > "$1/key") && ! (: > "$1/new") && cat "$1/key""#;
    let (pods, _) = create(json!({
        "metadata": {"name": "reader"},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/sh"], "args": ["-c", script, "sh", keys, conf],
            "volumeMounts": [{"name": "keys", "mountPath": keys, "readOnly": true},
                             {"name": "conf", "mountPath": conf}]}],
            "volumes": [{"name": "keys", "secret": {"secretName": "vol-secret", "items": [{"key": "privateKey", "path": "key"}]}},
                        {"name": "conf", "configMap": {"name": "vol-cm"}}]}
    }))
    .await;
    let done = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref()?.phase.clone())
            .is_some_and(|phase| phase == "Succeeded" || phase == "Failed")
    };
    let pod = within(
        "the reader to finish",
        await_condition(pods.clone(), "reader", done),
    )
    .await
    .unwrap()
    .unwrap();
    let terminated = container_status(&pod)
        .unwrap()
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    let message = terminated.message.unwrap_or_default();
    assert_eq!(terminated.exit_code, 0, "{message}");
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.first(), Some(&"s3cret-valuemtu=1340"), "{message}");
    assert_eq!(
        lines.last(),
        Some(&"s3cret-value"),
        "the key is unchanged: {message}"
    );
    assert_eq!(
        message.matches("Read-only file system").count(),
        2,
        "both writes refused by the read-only mount: {message}"
    );
    // The host sees only the empty mount point, never the files.
    let on_host: Vec<_> = std::fs::read_dir(&keys).unwrap().collect();
    assert!(
        on_host.is_empty(),
        "volume contents leaked to the host: {on_host:?}"
    );
}

/// The real kubectl of the test binaries on the test cluster.
fn kubectl(args: &[&str]) -> tokio::process::Command {
    let bins = liqo_testenv::Binaries::locate(&liqo_testenv::Binaries::default_dir()).unwrap();
    let mut cmd = tokio::process::Command::new(bins.kubectl);
    cmd.arg("--kubeconfig")
        .arg(ENV.cluster("pods").kubeconfig())
        .args(args)
        .kill_on_drop(true);
    cmd
}

/// The stdout of a successful `kubectl logs logger args`.
async fn logs_of(args: &[&str]) -> String {
    let out = kubectl(&[&["logs", "logger"], args].concat())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl logs {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `kubectl args` fails and its stderr names `cause`.
async fn fails_naming(args: &[&str], cause: &str) {
    let what = format!("kubectl {args:?} to fail");
    let out = within(
        &what,
        kubectl(args).stdin(std::process::Stdio::null()).output(),
    )
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "kubectl {args:?} succeeded");
    assert!(stderr.contains(cause), "kubectl {args:?}: {stderr}");
}

#[tokio::test]
async fn kubectl_logs_and_exec_reach_the_containers() {
    use tokio::io::AsyncBufReadExt;
    let (pods, created) = create(json!({
        "metadata": {"name": "logger"},
        "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/sh"],
            "args": ["-c", "echo first; sleep 3; echo second; exec sleep 3600"]}]}
    }))
    .await;
    until_running(&pods, "logger").await;

    // Follow: "second" is written 3 s after "first", while kubectl is already streaming.
    let mut child = kubectl(&["logs", "-f", "logger"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    within("first and second in the followed log", async {
        while let Some(line) = lines.next_line().await.unwrap() {
            seen.push(line);
            if seen.iter().any(|l| l == "second") {
                break;
            }
        }
    })
    .await;
    assert_eq!(seen, ["first", "second"], "the whole log, in order");
    let _ = child.kill().await;

    let tail = kubectl(&["logs", "--tail=1", "logger"])
        .output()
        .await
        .unwrap();
    assert!(
        tail.status.success(),
        "{}",
        String::from_utf8_lossy(&tail.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&tail.stdout), "second\n");

    // --timestamps: each line after the time it was written (RFC 3339), in order.
    let stamped = logs_of(&["--timestamps"]).await;
    let times: Vec<Timestamp> = stamped
        .lines()
        .zip(["first", "second"])
        .map(|(line, text)| {
            let (time, rest) = line.split_once(' ').unwrap();
            assert_eq!(rest, text, "{stamped}");
            time.parse()
                .unwrap_or_else(|e| panic!("{time:?} is not RFC 3339 ({e}): {stamped}"))
        })
        .collect();
    assert_eq!(times.len(), 2, "{stamped}");
    assert!(times[0] < times[1], "in order: {stamped}");
    assert_eq!(
        logs_of(&["--timestamps", "--tail=1"]).await,
        stamped.lines().nth(1).unwrap().to_string() + "\n"
    );
    // --since-time goes through the API server in whole seconds: the first whole second after
    // "first", at least 2 s before "second".
    let between = Timestamp::from_second(times[0].as_second() + 1).unwrap();
    assert_eq!(
        logs_of(&[&format!("--since-time={between}")]).await,
        "second\n",
        "since {between}: {stamped}"
    );
    // --since: a window that reaches 1 s before "second" (slack for the request), which is
    // still 2 s after "first".
    let ago = Timestamp::now().duration_since(times[1]).as_secs() + 2;
    assert_eq!(
        logs_of(&[&format!("--since={ago}s")]).await,
        "second\n",
        "since {ago}s: {stamped}"
    );
    assert_eq!(
        logs_of(&["--since=1h", "--tail=5"]).await,
        "first\nsecond\n"
    );

    // A container the pod does not have: the API server refuses before asking the node.
    fails_naming(&["logs", "logger", "-c", "nope"], "nope").await;

    // exec: the container's environment, both output streams and the exit code.
    let exec = kubectl(&[
        "exec",
        "logger",
        "--",
        "sh",
        "-c",
        "echo out $HOSTNAME; echo err >&2; exit 3",
    ])
    .output()
    .await
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&exec.stdout), "out logger\n");
    assert!(
        String::from_utf8_lossy(&exec.stderr).starts_with("err\n"),
        "{}",
        String::from_utf8_lossy(&exec.stderr)
    );
    assert_eq!(
        exec.status.code(),
        Some(3),
        "kubectl exits with the command's code: {}",
        String::from_utf8_lossy(&exec.stderr)
    );
    // stdin reaches the command, and its end ends `cat`.
    let mut cat = kubectl(&["exec", "-i", "logger", "--", "sh", "-c", "cat; echo done"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = cat.stdin.take().unwrap();
        stdin.write_all(b"hello\n").await.unwrap();
    }
    let cat = within("exec -i to end", cat.wait_with_output())
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&cat.stdout),
        "hello\ndone\n",
        "{}",
        String::from_utf8_lossy(&cat.stderr)
    );
    assert!(cat.status.success());
    // A binary the image does not have is named.
    fails_naming(&["exec", "logger", "--", "nginx"], "nginx").await;

    // attach shows output only here: asking for stdin is refused, naming why.
    fails_naming(&["attach", "-i", "logger"], "stdin is not open").await;

    pods.delete("logger", &Default::default()).await.unwrap();
    let uid = created.uid().unwrap();
    within(
        "the pod to be removed",
        await_condition(pods, "logger", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
}
