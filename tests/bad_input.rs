//! The bad-input matrix: every refused invocation of the two-cluster commands, install,
//! uninstall and version exits with the right code, says the cause on its first error line, and
//! leaves all three clusters exactly as they were (a snapshot of every object before and after).

#[path = "bad_input/cases_clusters.rs"]
mod cases_clusters;
#[path = "bad_input/cases_input.rs"]
mod cases_input;
#[path = "bad_input/cases_offloading.rs"]
mod cases_offloading;
mod common;
#[path = "bad_input/fixtures.rs"]
mod fixtures;
#[path = "common/installs.rs"]
mod installs;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use assert_cmd::Command;
use fixtures::{Files, Fixtures, powerless_token, squat};
use kube::Client;
use liqo_testenv::Env;

/// alpha and beta have Liqo; bare does not. Shared by every case, never peered.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(&[("alpha", "alpha-id"), ("beta", "beta-id")], &["bare"])
});

/// One refused invocation.
struct Case {
    name: &'static str,
    args: Vec<String>,
    /// Extra environment (`KUBECONFIG`).
    env: Vec<(&'static str, String)>,
    code: i32,
    /// The first stderr line that is not progress (`INFO: …`), exactly or as a prefix.
    first_line: Expect,
}

enum Expect {
    Exact(String),
    Prefix(String),
}

fn case(name: &'static str, args: &[&str], code: i32, first_line: Expect) -> Case {
    Case {
        name,
        args: args.iter().map(ToString::to_string).collect(),
        env: Vec::new(),
        code,
        first_line,
    }
}

fn exact(s: impl Into<String>) -> Expect {
    Expect::Exact(s.into())
}

fn prefix(s: impl Into<String>) -> Expect {
    Expect::Prefix(s.into())
}

/// liqoctl with `args` and only `env` from the kubeconfig variables; no terminal.
fn run(args: &[String], env: &[(&str, String)], home: &Path) -> std::process::Output {
    let mut cmd = Command::cargo_bin("liqoctl").expect("liqoctl is built");
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        // No ~/.kube/config of the machine running the tests leaks in.
        .env("HOME", home)
        .timeout(Duration::from_secs(120));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("liqoctl runs")
}

/// The first stderr line that is not a progress line.
fn first_problem(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .find(|l| !l.starts_with("INFO: ") && !l.trim().is_empty())
}

async fn snapshots(clients: &[Client; 3]) -> [BTreeSet<String>; 3] {
    let (a, b, c) = tokio::join!(
        common::snapshot(&clients[0]),
        common::snapshot(&clients[1]),
        common::snapshot(&clients[2]),
    );
    [a, b, c]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stderr)] // the case count is part of the closing note
async fn refused_input_names_its_cause_first_and_changes_no_cluster() {
    let clients = [
        ENV.cluster("alpha").client(),
        ENV.cluster("beta").client(),
        ENV.cluster("bare").client(),
    ];
    let dir = std::env::temp_dir().join(format!("liqoctl-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("home")).expect("fixture dir");
    let files = Files { dir };
    let token = powerless_token(&clients[0]).await;
    let fx = Fixtures::write(&files, &token);
    let home = files.dir.join("home");
    let mut failures = Vec::new();
    let cases: Vec<Case> = [
        cases_input::kubeconfig_cases(&fx),
        cases_clusters::cluster_cases(&fx),
        cases_clusters::transport_cases(&fx),
        cases_input::flag_cases(&fx),
        cases_offloading::offloading_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    run_table(&cases, &clients, &home, &mut failures).await;
    let before_squat = snapshots(&clients).await;
    squat(&clients[0], "liqo-tenant-beta-id", serde_json::json!({})).await;
    squat(
        &clients[1],
        "liqo-tenant-alpha-id",
        serde_json::json!({"liqo.io/tenant-namespace": "true", "liqo.io/remote-cluster-id": "gamma-id"}),
    )
    .await;
    // The snapshots see a namespace appear: the no-change checks can fail.
    let after_squat = snapshots(&clients).await;
    let added: Vec<_> = after_squat[0].difference(&before_squat[0]).collect();
    assert!(
        added.contains(&&"/Namespace /liqo-tenant-beta-id".to_string()),
        "the snapshot sees the squatted namespace: {added:?}"
    );
    let mut squats = cases_clusters::squat_cases();
    squats.extend(cases_offloading::offloading_squat_cases());
    run_table(&squats, &clients, &home, &mut failures).await;
    let total = cases.len() + squats.len();
    eprintln!("bad-input matrix: {total} cases, {} failed", failures.len());
    assert!(total >= 30, "the matrix has {total} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs each case between two snapshots of every cluster; collects what went wrong. One
/// case's after-snapshot is the next one's before (nothing else runs in between, so a late
/// write still fails a case: the next one).
async fn run_table(cases: &[Case], clients: &[Client; 3], home: &Path, failures: &mut Vec<String>) {
    let mut after = snapshots(clients).await;
    for case in cases {
        let before = after;
        let out = run(&case.args, &case.env, home);
        after = snapshots(clients).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = first_problem(&stderr).unwrap_or("");
        let line_ok = match &case.first_line {
            Expect::Exact(want) => first == want,
            Expect::Prefix(want) => first.starts_with(want.as_str()),
        };
        let mut problems = Vec::new();
        if out.status.code() != Some(case.code) {
            problems.push(format!("exit {:?}, want {}", out.status.code(), case.code));
        }
        if !line_ok {
            problems.push(format!(
                "first line {first:?}, want {}",
                match &case.first_line {
                    Expect::Exact(w) => format!("{w:?}"),
                    Expect::Prefix(w) => format!("prefix {w:?}"),
                }
            ));
        }
        for (name, (b, a)) in ["alpha", "beta", "bare"]
            .iter()
            .zip(before.iter().zip(&after))
        {
            let added: Vec<_> = a.difference(b).collect();
            let removed: Vec<_> = b.difference(a).collect();
            if !added.is_empty() || !removed.is_empty() {
                problems.push(format!("{name} changed: +{added:?} -{removed:?}"));
            }
        }
        if stderr.contains("Status {")
            || stderr.contains("PRIVATE KEY")
            || stderr.contains("panicked")
        {
            problems.push("stderr holds a Debug dump, a key or a panic".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  args: {:?}\n  stderr:\n{stderr}",
                case.name,
                problems.join("; "),
                case.args
            ));
        }
    }
}
