//! liqoctl as the kubectl plugin `kubectl-liqo`: the real kubectl of the test binaries finds it
//! on PATH, runs it, and its help names the command `kubectl liqo`; one command reaches a real
//! test cluster with Liqo installed.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::LazyLock;
use std::time::Duration;

use common::{installed_env, kubeconfig, stderr, stdout};
use liqo_testenv::Env;

const CLUSTER: &str = "kplugin";
const CLUSTER_ID: &str = "kplugin-id";
const TIMEOUT: Duration = Duration::from_secs(120);

/// A directory holding only `kubectl-liqo`, a symlink to the built liqoctl, to put first on
/// PATH. One fixed directory in Cargo's scratch space, the link replaced atomically, so runs
/// neither pile up directories nor break each other.
static PLUGIN_DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = scratch.join("kubectl-plugin");
    std::fs::create_dir_all(&dir).expect("plugin dir is created");
    let liqoctl = assert_cmd::cargo::cargo_bin("liqoctl");
    assert!(liqoctl.is_file(), "{} is not built", liqoctl.display());
    let staged = scratch.join(format!("kubectl-liqo.{}", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    std::os::unix::fs::symlink(&liqoctl, &staged).expect("plugin is linked");
    std::fs::rename(&staged, dir.join("kubectl-liqo")).expect("plugin is put in place");
    dir
});

static ENV: LazyLock<Env> = LazyLock::new(|| installed_env(&[(CLUSTER, CLUSTER_ID)], &[]));

/// The real kubectl of the test binaries (`$LIQO_TESTENV_BIN/kubectl`).
fn kubectl_bin() -> PathBuf {
    let dir = liqo_testenv::Binaries::default_dir();
    let bins = liqo_testenv::Binaries::locate(&dir)
        .unwrap_or_else(|e| panic!("test binaries in {}: {e}", dir.display()));
    bins.kubectl
}

/// Runs kubectl with the plugin directory first on PATH and no kubeconfig of the user's.
fn kubectl(args: &[&str]) -> Output {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![PLUGIN_DIR.clone()];
    dirs.extend(std::env::split_paths(&path));
    let path: OsString = std::env::join_paths(dirs).expect("PATH joins");
    assert_cmd::Command::new(kubectl_bin())
        .args(args)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .timeout(TIMEOUT)
        .output()
        .expect("kubectl runs")
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\nstdout: {}\nstderr: {}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

#[test]
fn kubectl_lists_the_plugin_found_on_path() {
    let out = kubectl(&["plugin", "list", "--name-only"]);
    // kubectl exits non-zero when another PATH entry holds a broken plugin; the list still
    // names every plugin found.
    let listed = stdout(&out);
    assert!(
        listed.lines().any(|l| l.trim() == "kubectl-liqo"),
        "kubectl plugin list did not list kubectl-liqo:\n{listed}\n{}",
        stderr(&out)
    );
}

#[test]
fn kubectl_liqo_runs_liqoctl_without_a_cluster() {
    let out = kubectl(&["liqo", "version", "--client"]);
    assert_ok(&out, "kubectl liqo version --client");
    assert_eq!(
        stdout(&out),
        format!("Client version: {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_and_usage_name_the_command_kubectl_liqo() {
    let out = kubectl(&["liqo", "--help"]);
    assert_ok(&out, "kubectl liqo --help");
    let help = stdout(&out);
    assert!(
        help.contains("Usage: kubectl liqo [OPTIONS] <COMMAND>"),
        "{help}"
    );
    assert!(!help.contains("kubectl-liqo"), "{help}");

    let out = kubectl(&["liqo", "peer", "--help"]);
    assert_ok(&out, "kubectl liqo peer --help");
    assert!(
        stdout(&out).contains("Usage: kubectl liqo peer"),
        "{}",
        stdout(&out)
    );

    // Usage errors name it the same way.
    let out = kubectl(&["liqo", "no-such-command"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Usage: kubectl liqo [OPTIONS] <COMMAND>"),
        "{}",
        stderr(&out)
    );

    // Under its own name it is liqoctl again.
    let out = common::liqoctl(&["--help"]);
    assert!(
        stdout(&out).contains("Usage: liqoctl [OPTIONS] <COMMAND>"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn kubectl_liqo_version_reports_the_installed_server() {
    let config = kubeconfig(ENV.cluster(CLUSTER).kubeconfig());
    let out = kubectl(&["liqo", "version", &config]);
    assert_ok(&out, "kubectl liqo version --kubeconfig");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        stdout(&out),
        format!("Client version: {version}\nServer version: {version}\n")
    );
}
