//! Ctrl-C and SIGTERM during `authenticate` and `network connect`: exit 130, the message names
//! the interrupted step and what this run left, and a re-run converges to the state an
//! uninterrupted run leaves (compared object by object with a second pair of clusters with
//! the same cluster IDs).
//!
//! Each interruption point is made deterministic by stopping the controller manager whose
//! answer the step awaits: the step then waits until the signal comes.

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/installs.rs"]
mod installs;

use std::collections::BTreeSet;
use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, remote_kubeconfig, stderr};
use converge::{Interrupted, WAIT, journal_lines, run_and_signal, scale_controller_manager, state};
use kube::{Api, Client};
use liqo_api::networking::Configuration;
use liqo_testenv::Env;
use nix::sys::signal::Signal;

static AUTH: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(
        &[
            ("consumer", "consumer-id"),
            ("provider", "provider-id"),
            ("ref-consumer", "consumer-id"),
            ("ref-provider", "provider-id"),
        ],
        &[],
    )
});

static NET: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_network_env(&[
        ("local", "local-id", "10.243.0.0/16"),
        ("remote", "remote-id", "10.244.0.0/16"),
        ("ref-local", "local-id", "10.243.0.0/16"),
        ("ref-remote", "remote-id", "10.244.0.0/16"),
    ])
});

fn args(env: &Env, local: &str, command: &[&str], remote: &str) -> Vec<String> {
    let mut args = vec![kubeconfig(env.cluster(local).kubeconfig())];
    args.extend(command.iter().map(|w| w.to_string()));
    args.push(remote_kubeconfig(env.cluster(remote).kubeconfig()));
    args
}

/// `args` interrupted by `signal` when `trigger` is printed, off the runtime's threads.
async fn interrupt(args: Vec<String>, trigger: &'static str, signal: Signal) -> Interrupted {
    tokio::task::spawn_blocking(move || run_and_signal(&args, trigger, signal))
        .await
        .expect("liqoctl thread")
}

fn assert_interrupted(run: &Interrupted, signal: &str, step: &str, left: &[&str]) {
    let err = &run.stderr;
    assert!(run.signalled, "the trigger line never appeared:\n{err}");
    assert_eq!(run.code, Some(130), "{err}");
    assert!(
        err.contains(&format!(
            "ERRO: interrupted by {signal} during step: {step}\n"
        )),
        "{err}"
    );
    assert_eq!(journal_lines(err), left, "{err}");
    assert!(
        err.contains("Run the same command again to finish"),
        "{err}"
    );
}

async fn run_ok(args: Vec<String>) {
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        liqoctl(&args)
    })
    .await
    .expect("liqoctl thread");
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Waits until `a` and `b` hold the same objects (controllers may still be finishing what the
/// last command started), then asserts it with the difference.
async fn assert_same_state(a: &Client, b: &Client) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (sa, sb) = (state(a).await, state(b).await);
        if sa == sb {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            let only_a: BTreeSet<_> = sa.difference(&sb).collect();
            let only_b: BTreeSet<_> = sb.difference(&sa).collect();
            panic!(
                "states differ: only in the re-run cluster {only_a:?}; only in the reference {only_b:?}"
            );
        }
        // The states are whole-cluster listings: there is no single object to watch.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn authenticate_interrupted_at_three_steps_converges_on_a_rerun() {
    let (c, p) = (
        AUTH.cluster("consumer").client(),
        AUTH.cluster("provider").client(),
    );
    let auth = || args(&AUTH, "consumer", &["authenticate"], "provider");
    run_ok(args(
        &AUTH,
        "ref-consumer",
        &["authenticate"],
        "ref-provider",
    ))
    .await;

    // The provider makes no nonce: stuck waiting for it.
    scale_controller_manager(&p, 0).await;
    let run = interrupt(
        auth(),
        "INFO: (remote) Nonce secret ensured",
        Signal::SIGINT,
    )
    .await;
    assert_interrupted(
        &run,
        "SIGINT",
        "(remote) Waiting for nonce to be generated",
        &[
            "(local) Namespace liqo-tenant-provider-id",
            "(remote) Namespace liqo-tenant-consumer-id",
            "(remote) Secret liqo-tenant-consumer-id/liqo-nonce",
        ],
    );
    scale_controller_manager(&p, 1).await;

    // The consumer signs nothing: stuck waiting for the signature.
    scale_controller_manager(&c, 0).await;
    let run = interrupt(
        auth(),
        "INFO: (local) Signed nonce secret ensured",
        Signal::SIGTERM,
    )
    .await;
    assert_interrupted(
        &run,
        "SIGTERM",
        "(local) Waiting for nonce to be signed",
        &["(local) Secret liqo-tenant-provider-id/liqo-signed-nonce"],
    );
    scale_controller_manager(&c, 1).await;

    // The provider issues no certificate: stuck waiting for the Tenant status.
    scale_controller_manager(&p, 0).await;
    let run = interrupt(
        auth(),
        "INFO: (remote) Tenant correctly applied on provider cluster",
        Signal::SIGINT,
    )
    .await;
    assert_interrupted(
        &run,
        "SIGINT",
        "(remote) Waiting for tenant status to be filled",
        &["(remote) Tenant liqo-tenant-consumer-id/consumer-id"],
    );
    scale_controller_manager(&p, 1).await;

    run_ok(auth()).await;
    assert_same_state(&c, &AUTH.cluster("ref-consumer").client()).await;
    assert_same_state(&p, &AUTH.cluster("ref-provider").client()).await;
}

#[tokio::test]
async fn network_connect_interrupted_at_two_steps_converges_on_a_rerun() {
    let (l, r) = (
        NET.cluster("local").client(),
        NET.cluster("remote").client(),
    );
    let connect = || {
        let mut a = args(&NET, "local", &["network", "connect"], "remote");
        a.extend(["--wait".to_string(), "--timeout=150s".to_string()]);
        a
    };
    let mut reference = args(&NET, "ref-local", &["network", "connect"], "ref-remote");
    reference.extend(["--wait".to_string(), "--timeout=150s".to_string()]);
    run_ok(reference).await;

    // The local cluster never remaps the remote's Configuration.
    scale_controller_manager(&l, 0).await;
    let run = interrupt(
        connect(),
        "INFO: (remote) Network configuration correctly set up",
        Signal::SIGINT,
    )
    .await;
    assert_interrupted(
        &run,
        "SIGINT",
        "(local) Waiting for configuration to be applied",
        &[
            "(local) Namespace liqo-tenant-remote-id",
            "(remote) Namespace liqo-tenant-local-id",
            "(local) Configuration liqo-tenant-remote-id/remote-id",
            "(remote) Configuration liqo-tenant-local-id/local-id",
        ],
    );
    scale_controller_manager(&l, 1).await;

    // The remote cluster never renders the gateway server: its pod never comes. Its
    // Configuration was remapped before it stops (the interrupted run did not wait for it).
    liqo_kube::wait::object(
        Api::<Configuration>::namespaced(r.clone(), "liqo-tenant-local-id"),
        "local-id",
        "the remote Configuration to be remapped",
        WAIT,
        |c| c.is_some_and(Configuration::is_configured),
        liqo_kube::network::configuration::describe,
    )
    .await
    .expect("the remote cluster remaps the Configuration");
    scale_controller_manager(&r, 0).await;
    let run = interrupt(
        connect(),
        "INFO: (remote) Gateway server correctly set up",
        Signal::SIGTERM,
    )
    .await;
    assert_interrupted(
        &run,
        "SIGTERM",
        "(remote) Waiting for gateway pod gw-local-id to be ready",
        &["(remote) GatewayServer liqo-tenant-local-id/local-id"],
    );
    scale_controller_manager(&r, 1).await;

    run_ok(connect()).await;
    assert_same_state(&l, &NET.cluster("ref-local").client()).await;
    assert_same_state(&r, &NET.cluster("ref-remote").client()).await;
}
