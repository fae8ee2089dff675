//! The controller manager against a real API server: probes, metrics, leader election with a
//! standby taking over, JSON logs and a clean exit on SIGTERM.

use std::io::BufRead;
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
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(60);
/// How often a probe or metric (no watch) is read again while waiting for it.
const HTTP_POLL: Duration = Duration::from_millis(100);
/// Fresh ports tried when another process takes one between our choice and the bind.
const BIND_ATTEMPTS: usize = 5;
const LEASE: &str = "liqo-controller-manager";

/// Two distinct ports that are free now: both listeners are held until both are chosen, so
/// the kernel cannot hand out the same port twice.
fn two_free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    )
}

struct Manager {
    child: Child,
    probes: u16,
    metrics: u16,
    /// stderr lines as they arrive; closed when the process exits.
    lines: mpsc::UnboundedReceiver<String>,
    /// Every stderr line, returned once the process exits.
    logs: Option<std::thread::JoinHandle<String>>,
}

impl Drop for Manager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Manager {
    /// Waits for a stderr line containing `needle`; `Err(logs)` if the process exits first.
    async fn await_line(&mut self, needle: &str) -> Result<(), String> {
        let found = tokio::time::timeout(WAIT, async {
            while let Some(line) = self.lines.recv().await {
                if line.contains(needle) {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap_or_else(|_| panic!("no {needle:?} log line within {WAIT:?}"));
        if found { Ok(()) } else { Err(self.logs()) }
    }

    /// Waits for the process to exit; its status and every stderr line.
    async fn exit(mut self) -> (std::process::ExitStatus, String) {
        let exited = tokio::task::spawn_blocking(move || {
            let status = self.child.wait().unwrap();
            (status, self.logs())
        });
        tokio::time::timeout(WAIT, exited)
            .await
            .expect("the process exits")
            .unwrap()
    }

    fn logs(&mut self) -> String {
        self.logs
            .take()
            .expect("logs are taken once")
            .join()
            .unwrap()
    }
}

fn spawn(env: &Env, identity: &str, probes: u16, metrics: u16) -> Manager {
    let mut child = Command::new(env!("CARGO_BIN_EXE_liqo-controller-manager"))
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
        // Replicas share this host: each takes a port of its own for the webhooks.
        .args(["--webhook-host=127.0.0.1", "--webhook-port=0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the controller manager starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::unbounded_channel();
    let logs = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap();
            all.push_str(&line);
            all.push('\n');
            let _ = tx.send(line);
        }
        all
    });
    Manager {
        child,
        probes,
        metrics,
        lines,
        logs: Some(logs),
    }
}

/// Starts a replica and waits until it has bound both ports (it logs the API server right
/// after): ports are chosen free but bound later by another process, so a port taken in
/// between is retried with fresh ones.
async fn start(env: &Env, identity: &str) -> Manager {
    for _ in 0..BIND_ATTEMPTS {
        let (probes, metrics) = two_free_ports();
        let mut manager = spawn(env, identity, probes, metrics);
        match manager.await_line("connected to the API server").await {
            Ok(()) => return manager,
            Err(logs) if logs.contains("Address already in use") => continue,
            Err(logs) => panic!("{identity} exited at start:\n{logs}"),
        }
    }
    panic!("{identity}: no free ports after {BIND_ATTEMPTS} attempts");
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

/// The leader gauge of the replica serving metrics on `port`.
async fn leader_gauge(port: u16) -> String {
    let metrics = get(port, "/metrics").await;
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("liqo_controller_manager_leader "))
        .unwrap_or_else(|| panic!("no leader gauge in:\n{metrics}"))
        .to_owned()
}

/// Waits until `GET path` on `port` answers what `done` accepts. Probes and gauges have no
/// watch, and change just after what the test can observe (a log line, the Lease), so they
/// are read again until they do (bounded).
async fn await_http(port: u16, path: &str, what: &str, done: impl Fn(&str) -> bool) {
    let polled = async {
        loop {
            if done(&get(port, path).await) {
                return;
            }
            tokio::time::sleep(HTTP_POLL).await;
        }
    };
    tokio::time::timeout(WAIT, polled)
        .await
        .unwrap_or_else(|_| panic!("{path} on :{port} never showed {what}"));
}

async fn await_gauge(port: u16, value: &str) {
    let line = format!("liqo_controller_manager_leader {value}\n");
    await_http(port, "/metrics", &line, |m| m.contains(&line)).await;
}

async fn await_ready(port: u16) {
    await_http(port, "/readyz", "200", |r| r.starts_with("HTTP/1.1 200")).await;
}

fn leases(env: &Env) -> Api<Lease> {
    Api::namespaced(env.cluster("cm").client(), "default")
}

async fn await_holder(env: &Env, holder: &str, bound: Duration) -> Lease {
    let held = |l: Option<&Lease>| {
        l.and_then(|l| l.spec.as_ref()?.holder_identity.as_deref()) == Some(holder)
    };
    tokio::time::timeout(bound, await_condition(leases(env), LEASE, held))
        .await
        .unwrap_or_else(|_| panic!("{holder} never held the Lease within {bound:?}"))
        .unwrap()
        .expect("the Lease exists")
}

fn spec(lease: &Lease) -> &k8s_openapi::api::coordination::v1::LeaseSpec {
    lease.spec.as_ref().expect("a Lease has a spec")
}

#[tokio::test]
async fn leader_serves_probes_and_metrics_and_a_standby_takes_over_after_sigterm() {
    let env = Env::builder()
        .cluster("cm")
        .start()
        .await
        .expect("cluster starts");
    let first = start(&env, "replica-a").await;
    let taken = await_holder(&env, "replica-a", WAIT).await;
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
    await_gauge(first.metrics, "1").await;

    // A standby is ready and serves metrics, but does not lead while the leader lives.
    let second = start(&env, "replica-b").await;
    await_ready(second.probes).await;
    assert_eq!(leader_gauge(second.metrics).await, "0", "a standby leads");
    assert_eq!(
        spec(&leases(&env).get(LEASE).await.unwrap())
            .holder_identity
            .as_deref(),
        Some("replica-a")
    );

    // SIGTERM: the leader releases the Lease and exits 0.
    let pid = Pid::from_raw(i32::try_from(first.child.id()).unwrap());
    kill(pid, Signal::SIGTERM).unwrap();
    let (status, logs) = first.exit().await;
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
    // Released, not left to expire: once the leader is gone, the Lease no longer names it
    // (it is free, or the standby already holds it).
    let after_exit = leases(&env).get(LEASE).await.unwrap();
    assert_ne!(
        spec(&after_exit).holder_identity.as_deref(),
        Some("replica-a"),
        "the leader exited without releasing the Lease"
    );

    // The standby takes over: a generous bound (two terms), the outcome is what is asserted.
    let term =
        Duration::from_secs(u64::try_from(spec(&taken).lease_duration_seconds.unwrap()).unwrap());
    let lease = await_holder(&env, "replica-b", 2 * term).await;
    assert_eq!(
        spec(&lease).lease_transitions,
        Some(spec(&taken).lease_transitions.unwrap_or(0) + 1),
        "one transition, to the standby"
    );
    await_gauge(second.metrics, "1").await;
}
