//! Helpers of the half-made, concurrency and interrupt tests: stopping a cluster's controller
//! manager, comparable cluster states, liqoctl interrupted when a line appears, and the undo
//! commands a failed run prints.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client};
use liqo_kube::install::{CONTROLLER_MANAGER, CONTROLLER_MANAGER_SELECTOR};

use crate::common::snapshot;

/// Bound on every wait of these tests.
pub const WAIT: Duration = Duration::from_secs(120);

/// The liqoctl binary cargo built for these tests.
pub fn liqoctl_bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("liqoctl")
}

/// Scales the cluster's controller manager to `replicas`; with 0, returns once its pods are
/// gone (a dying manager may still answer).
pub async fn scale_controller_manager(client: &Client, replicas: i32) {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "liqo");
    deployments
        .patch(
            CONTROLLER_MANAGER,
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"replicas": replicas}})),
        )
        .await
        .expect("scale the controller manager");
    if replicas > 0 {
        return;
    }
    liqo_kube::wait::list(
        Api::<Pod>::namespaced(client.clone(), "liqo"),
        CONTROLLER_MANAGER_SELECTOR,
        "the controller-manager pods to be gone",
        WAIT,
        |pods| Ok(pods.is_empty()),
        |pods| format!("{} pods", pods.len()),
    )
    .await
    .expect("the controller manager stops");
}

/// Every object of the cluster as `group/Kind ns/name`, without what carries generated names
/// (Pods, CSRs, EndpointSlices, ReplicaSets, the IPAddresses of Service cluster IPs), the test
/// cluster's own name (its Node and node
/// Lease) or only records history (Events): two clusters that went through the same steps
/// have equal states.
pub async fn state(client: &Client) -> BTreeSet<String> {
    const GENERATED: [&str; 7] = [
        "/Pod ",
        "networking.k8s.io/IPAddress ",
        "/CertificateSigningRequest ",
        "/EndpointSlice ",
        "/ReplicaSet ",
        "/Node ",
        " kube-node-lease/",
    ];
    snapshot(client)
        .await
        .into_iter()
        .filter(|o| !GENERATED.iter().any(|k| o.contains(k)))
        .collect()
}

/// What an interrupted liqoctl printed and how it ended.
#[derive(Debug)]
pub struct Interrupted {
    /// Its exit code (`None`: killed by the signal).
    pub code: Option<i32>,
    /// All of stderr.
    pub stderr: String,
    /// Whether the trigger line appeared (and the signal was sent).
    pub signalled: bool,
}

/// Runs liqoctl with `args`, reads stderr as it comes and sends `signal` once a line contains
/// `trigger`; bounded by [`WAIT`].
pub fn run_and_signal(
    args: &[String],
    trigger: &str,
    signal: nix::sys::signal::Signal,
) -> Interrupted {
    let mut child = Command::new(liqoctl_bin())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("liqoctl starts");
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid fits"));
    let stderr = child.stderr.take().expect("stderr is piped");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + WAIT;
    let mut text = String::new();
    let mut signalled = false;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if !signalled && line.contains(trigger) {
                    nix::sys::signal::kill(pid, signal).expect("signal liqoctl");
                    signalled = true;
                }
                text.push_str(&line);
                text.push('\n');
            }
            // The reader ends with stderr, when liqoctl exits.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("liqoctl {args:?} still running after {WAIT:?}; stderr so far:\n{text}");
            }
        }
    }
    let status = child.wait().expect("liqoctl exits");
    Interrupted {
        code: status.code(),
        stderr: text,
        signalled,
    }
}

/// The undo commands a failed or interrupted run printed (the lines after "undo with:"), with
/// `liqoctl` and `kubectl` replaced by the binaries of this build and of the test clusters.
pub fn undo_commands(stderr: &str) -> Vec<String> {
    let Some((_, tail)) = stderr.split_once("undo with:\n") else {
        return Vec::new();
    };
    let kubectl = liqo_testenv_bin().join("kubectl");
    tail.lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let l = l.trim();
            if let Some(rest) = l.strip_prefix("liqoctl ") {
                format!("{} {rest}", liqoctl_bin().display())
            } else if let Some(rest) = l.strip_prefix("kubectl ") {
                format!("{} {rest}", kubectl.display())
            } else {
                panic!("unexpected undo line {l:?}")
            }
        })
        .collect()
}

fn liqo_testenv_bin() -> std::path::PathBuf {
    std::env::var_os("LIQO_TESTENV_BIN").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".testenv/bin"),
        std::path::PathBuf::from,
    )
}

/// Runs each of `commands` in a shell, asserting success.
pub fn run_shell(commands: &[String]) {
    for command in commands {
        let out = Command::new("sh")
            .arg("-c")
            .arg(command)
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs");
        assert!(
            out.status.success(),
            "{command} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The lines of the "left in place" list, e.g. `(remote) Secret ns/liqo-nonce`.
pub fn journal_lines(stderr: &str) -> Vec<String> {
    let Some((_, tail)) = stderr.split_once("left them in place:\n") else {
        return Vec::new();
    };
    tail.lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The first line of stderr starting with `ERRO: `.
pub fn first_error(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.starts_with("ERRO: "))
        .unwrap_or_default()
        .to_string()
}
