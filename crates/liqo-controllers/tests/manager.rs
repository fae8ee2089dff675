//! The controller manager against a real API server: probes, metrics, leader election with a
//! standby taking over, JSON logs and a clean exit on SIGTERM.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use kube::Api;
use kube::runtime::wait::await_condition;
use liqo_testenv::Env;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Manager {
    child: Child,
    probes: u16,
    metrics: u16,
}

impl Drop for Manager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(env: &Env, identity: &str) -> Manager {
    let (probes, metrics) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_liqo-controller-manager"))
        .arg(format!(
            "--kubeconfig={}",
            env.cluster("cm").kubeconfig().display()
        ))
        .args([
            "--cluster-id=test-cluster",
            "--liqo-namespace=default",
            "--leader-elect",
            "--log-json",
        ])
        .arg(format!("--identity={identity}"))
        .arg(format!("--health-probe-bind-address=127.0.0.1:{probes}"))
        .arg(format!("--metrics-bind-address=127.0.0.1:{metrics}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the controller manager starts");
    Manager {
        child,
        probes,
        metrics,
    }
}

async fn get(port: u16, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("listening");
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

async fn await_holder(env: &Env, holder: &str) {
    let leases: Api<Lease> = Api::namespaced(env.cluster("cm").client(), "default");
    let held = |l: Option<&Lease>| {
        l.and_then(|l| l.spec.as_ref()?.holder_identity.as_deref()) == Some(holder)
    };
    tokio::time::timeout(
        WAIT,
        await_condition(leases, "liqo-controller-manager", held),
    )
    .await
    .unwrap_or_else(|_| panic!("{holder} never held the Lease"))
    .unwrap();
}

#[tokio::test]
async fn leader_serves_probes_and_metrics_and_a_standby_takes_over_after_sigterm() {
    let env = Env::builder()
        .cluster("cm")
        .start()
        .await
        .expect("cluster starts");
    let mut first = start(&env, "replica-a");
    await_holder(&env, "replica-a").await;
    assert!(
        get(first.probes, "/healthz")
            .await
            .starts_with("HTTP/1.1 200")
    );
    assert!(
        get(first.probes, "/readyz")
            .await
            .starts_with("HTTP/1.1 200")
    );
    let metrics = get(first.metrics, "/metrics").await;
    assert!(
        metrics.contains("liqo_controller_manager_leader 1"),
        "{metrics}"
    );

    let second = start(&env, "replica-b");
    // SIGTERM: the leader releases the Lease and exits 0; the standby takes over at once
    // instead of waiting out the 15 s term.
    let pid = Pid::from_raw(i32::try_from(first.child.id()).unwrap());
    kill(pid, Signal::SIGTERM).unwrap();
    let status = tokio::task::spawn_blocking(move || {
        let status = first.child.wait().unwrap();
        let mut logs = String::new();
        std::io::Read::read_to_string(first.child.stderr.as_mut().unwrap(), &mut logs).unwrap();
        (status, logs)
    });
    let (status, logs) = tokio::time::timeout(WAIT, status).await.unwrap().unwrap();
    assert!(status.success(), "exit: {status}; logs:\n{logs}");
    for line in logs.lines() {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(entry["fields"]["message"].is_string(), "{line}");
    }
    assert!(
        logs.contains("became leader") && logs.contains("shutting down"),
        "{logs}"
    );
    let started = std::time::Instant::now();
    await_holder(&env, "replica-b").await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the standby waited for the term to expire"
    );
    let metrics = get(second.metrics, "/metrics").await;
    assert!(
        metrics.contains("liqo_controller_manager_leader 1"),
        "{metrics}"
    );
}
