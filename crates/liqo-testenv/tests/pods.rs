//! The node agent runs this project's images as processes and reports every other image as
//! not available.

use std::sync::LazyLock;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::PostParams;
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, ResourceExt};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

/// The node agent's "project binaries": the real `testenv`, and `cat` to read mounted files.
static BIN_DIR: LazyLock<std::path::PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("testenv-pods-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_testenv"), dir.join("testenv"));
    let _ = std::os::unix::fs::symlink("/bin/cat", dir.join("cat"));
    dir
});

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
}

#[tokio::test]
async fn a_deleted_pod_stops_its_process_and_goes_away() {
    let (pods, created) = create(json!({
        "metadata": {"name": "sleeper"},
        "spec": {"terminationGracePeriodSeconds": 5, "containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
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
        await_condition(pods.clone(), "sleeper", failed),
    )
    .await
    .unwrap()
    .unwrap();
    let terminated = container_status(&pod)
        .unwrap()
        .state
        .as_ref()
        .unwrap()
        .terminated
        .clone()
        .unwrap();
    assert_eq!(terminated.exit_code, 1);
    assert!(
        terminated
            .message
            .unwrap()
            .contains("no test clusters in /nonexistent")
    );

    pods.delete("sleeper", &Default::default()).await.unwrap();
    let uid = created.uid().unwrap();
    within(
        "the pod to be removed",
        await_condition(pods, "sleeper", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_container_runs_with_the_pods_environment_and_a_loopback_pod_ip() {
    let (pods, created) = create(json!({
        "metadata": {"name": "agent"},
        "spec": {"containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/testenv"],
            "args": ["up", "--dir", "/tmp/liqo-testenv-pod-$(POD_NAME)", "--bin-dir", "/nonexistent", "x"],
            "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}
    }))
    .await;
    // The container fails (no Kubernetes binaries in /nonexistent) and its message names the
    // expanded directory: proof the process ran with the pod's environment.
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
    assert!(last.message.unwrap().contains("/nonexistent/etcd"));
    assert!(pod.status.unwrap().pod_ip.unwrap().starts_with("127."));
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
    let target = "/run/liqo-testenv-volume-test/keys";
    let (pods, _) = create(json!({
        "metadata": {"name": "reader"},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "ghcr.io/liqoctl-rs/liqo:test",
            "command": ["/usr/local/bin/cat"], "args": [format!("{target}/key"), "/run/liqo-testenv-volume-test/conf/settings"],
            "volumeMounts": [{"name": "keys", "mountPath": target, "readOnly": true},
                             {"name": "conf", "mountPath": "/run/liqo-testenv-volume-test/conf"}]}],
            "volumes": [{"name": "keys", "secret": {"secretName": "vol-secret", "items": [{"key": "privateKey", "path": "key"}]}},
                        {"name": "conf", "configMap": {"name": "vol-cm"}}]}
    }))
    .await;
    let done = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref()?.phase.clone()).as_deref() == Some("Succeeded")
    };
    let Ok(pod) = tokio::time::timeout(WAIT, await_condition(pods.clone(), "reader", done)).await
    else {
        let pod = pods.get("reader").await.unwrap();
        panic!(
            "reader did not succeed: {}",
            serde_json::to_string(&pod.status).unwrap()
        );
    };
    let pod = pod.unwrap().unwrap();
    let terminated = container_status(&pod)
        .unwrap()
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    assert_eq!(terminated.exit_code, 0);
    assert_eq!(terminated.message.as_deref(), Some("s3cret-valuemtu=1340"));
    // The host sees only the empty mount point, never the files.
    let on_host: Vec<_> = std::fs::read_dir(target).unwrap().collect();
    assert!(
        on_host.is_empty(),
        "volume contents leaked to the host: {on_host:?}"
    );
}
