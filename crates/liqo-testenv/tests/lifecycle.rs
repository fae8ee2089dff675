//! Test clusters leave nothing behind, and the `testenv` CLI drives their lifecycle.

use std::time::Duration;

use assert_cmd::Command;
use liqo_testenv::{Env, is_alive};

#[tokio::test]
async fn dropping_the_env_stops_every_process_and_removes_its_directory() {
    let env = Env::builder()
        .cluster("gamma")
        .start()
        .await
        .expect("cluster starts");
    let dir = env.dir().to_path_buf();
    let pids = env.pids();
    assert_eq!(
        pids.len(),
        4,
        "etcd, apiserver, controller manager, scheduler: {pids:?}"
    );
    assert!(pids.iter().all(|p| is_alive(*p)));
    assert!(dir.join("gamma/kubeconfig").is_file());
    drop(env);
    let alive: Vec<_> = pids.iter().filter(|p| is_alive(**p)).collect();
    assert!(alive.is_empty(), "processes left after drop: {alive:?}");
    assert!(!dir.exists(), "{} still exists", dir.display());
}

#[test]
fn testenv_cli_starts_reports_and_removes_clusters() {
    let base = std::env::temp_dir().join(format!("testenv-cli-{}", std::process::id()));
    let dir = base.join("env");
    let up = Command::cargo_bin("testenv")
        .unwrap()
        .args(["up", "--dir"])
        .arg(&dir)
        .arg("delta")
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "up failed: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let stdout = String::from_utf8(up.stdout).unwrap();
    let kubeconfig = dir.join("delta/kubeconfig");
    assert_eq!(stdout, format!("delta\t{}\n", kubeconfig.display()));
    assert!(kubeconfig.is_file());

    // The clusters outlive `up`: status finds every component running and the API ready.
    let status = Command::cargo_bin("testenv")
        .unwrap()
        .args(["status", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(status.status.success());
    let report = String::from_utf8(status.stdout).unwrap();
    assert!(report.starts_with("delta\tready\t"), "{report}");
    for component in [
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "node-agent",
    ] {
        assert!(
            report
                .lines()
                .any(|l| l.trim_start().starts_with(component) && l.contains("running")),
            "{component}: {report}"
        );
    }
    let pids: Vec<u32> = report
        .lines()
        .filter_map(|l| l.split('\t').nth(1)?.strip_prefix("pid ")?.parse().ok())
        .collect();
    assert_eq!(pids.len(), 5);

    // A second `up` on the same directory refuses instead of starting a clashing cluster.
    let again = Command::cargo_bin("testenv")
        .unwrap()
        .args(["up", "--dir"])
        .arg(&dir)
        .arg("delta")
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("testenv down"));

    let down = Command::cargo_bin("testenv")
        .unwrap()
        .args(["down", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        down.status.success(),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    assert!(!dir.exists());
    assert!(
        pids.iter().all(|p| !is_alive(*p)),
        "processes left after down"
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn missing_binaries_are_reported_with_the_fix() {
    let err = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(Env::builder().bin_dir("/nonexistent").cluster("x").start())
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("etcd not found at /nonexistent/etcd") && text.contains("make k8s"),
        "{text}"
    );
}
