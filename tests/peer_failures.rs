//! `liqoctl peer` when things go wrong, on one pair of clusters on a test network: killed
//! (SIGKILL) at several steps then re-run, interrupted (SIGINT), a provider whose controller
//! manager is down, and two runs at once. Each case ends where an uninterrupted run ends
//! (the reference state, taken first), then is undone with `unpeer`
//! (the pair is tests/common/peer_pair.rs).

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with tests/cli_flows.rs, which uses the rest
mod flows;
#[path = "common/peer_pair.rs"]
#[allow(dead_code)] // shared with tests/peer.rs, which uses the rest
mod peer_pair;

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use common::{kubeconfig, remote_kubeconfig, stderr};
use converge::{
    Interrupted, journal_lines, run_and_signal, run_shell, scale_controller_manager, state,
    undo_commands,
};
use flows::{ok, tenant_ns};
use kube::Client;
use nix::sys::signal::Signal;
use peer_pair::{Spec, env};

const C: &str = "pf-c";
const P: &str = "pf-p";
const C_ID: &str = "pf-c-id";
const P_ID: &str = "pf-p-id";

static SPEC: Spec = Spec {
    c: C,
    p: P,
    c_id: C_ID,
    p_id: P_ID,
};
/// Both clusters after one uninterrupted `peer`.
static REFERENCE: OnceLock<(BTreeSet<String>, BTreeSet<String>)> = OnceLock::new();

/// `peer` consumer → provider with `extra` flags (`--timeout=120s` unless they set one).
fn peer_args(extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        kubeconfig(env().cluster(C).kubeconfig()),
        "peer".to_string(),
        remote_kubeconfig(env().cluster(P).kubeconfig()),
    ];
    if !extra.iter().any(|a| a.starts_with("--timeout")) {
        args.push("--timeout=120s".to_string());
    }
    args.extend(extra.iter().map(|a| (*a).to_string()));
    args
}

async fn liqoctl(args: Vec<String>) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    flows::run(&args).await
}

/// `peer` with `extra` flags killed (or interrupted) by `signal` once a stderr line contains
/// `trigger`.
async fn peer_signalled(trigger: &'static str, signal: Signal, extra: &[&str]) -> Interrupted {
    let args = peer_args(extra);
    tokio::task::spawn_blocking(move || run_and_signal(&args, trigger, signal))
        .await
        .expect("liqoctl thread")
}

fn clients() -> (Client, Client) {
    (env().cluster(C).client(), env().cluster(P).client())
}

/// The shared pair, held by one case, with the reference state taken.
struct Pair(peer_pair::Pair);

impl Pair {
    async fn lock() -> Self {
        let pair = peer_pair::Pair::lock(&SPEC).await;
        if REFERENCE.get().is_none() {
            ok("reference peer", &liqoctl(peer_args(&[])).await);
            let (c, p) = clients();
            let reference = (state(&c).await, state(&p).await);
            REFERENCE.get_or_init(|| reference);
            pair.undo().await;
        }
        Self(pair)
    }

    /// Waits (bounded) until both clusters hold the reference state's objects (controllers
    /// may still be finishing), then undoes the peering.
    async fn assert_reference_then_undo(&self) {
        let reference = REFERENCE.get().expect("taken at lock");
        let (c, p) = clients();
        let deadline = tokio::time::Instant::now() + converge::WAIT;
        loop {
            let now = (state(&c).await, state(&p).await);
            if now == *reference {
                break;
            }
            if tokio::time::Instant::now() > deadline {
                for (name, r, n) in [(C, &reference.0, &now.0), (P, &reference.1, &now.1)] {
                    let extra: Vec<_> = n.difference(r).collect();
                    let missing: Vec<_> = r.difference(n).collect();
                    assert!(
                        extra.is_empty() && missing.is_empty(),
                        "{name}: not the end state of an uninterrupted peer: extra {extra:#?} missing {missing:#?}"
                    );
                }
            }
            // Whole-cluster listings: there is no single object to watch.
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        self.0.undo().await;
        self.0.done();
    }
}

/// The re-run after an interruption succeeds.
async fn rerun() {
    ok("peer re-run", &liqoctl(peer_args(&[])).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_three_steps_a_rerun_ends_where_an_uninterrupted_peer_ends() {
    let pair = Pair::lock().await;
    // Out of band, B and C print their lines while they run; with the network they are held
    // until phase A ends, so a kill there would land after the work. The re-run is always
    // the default peer.
    for (trigger, extra) in [
        ("Gateway server correctly set up", &[][..]),
        (
            "Tenant correctly applied on provider cluster",
            &["--networking-disabled"][..],
        ),
        ("ResourceSlice created", &["--networking-disabled"][..]),
    ] {
        let run = peer_signalled(trigger, Signal::SIGKILL, extra).await;
        assert!(run.signalled, "{trigger} never printed:\n{}", run.stderr);
        assert_eq!(run.code, None, "killed at {trigger}: {}", run.stderr);
        rerun().await;
        pair.assert_reference_then_undo().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_names_the_step_lists_what_is_left_and_the_unpeer_command() {
    let pair = Pair::lock().await;
    let run = peer_signalled("Gateway server correctly set up", Signal::SIGINT, &[]).await;
    let err = &run.stderr;
    assert!(run.signalled, "{err}");
    assert_eq!(run.code, Some(130), "{err}");
    // The step named is one the user saw start, after the trigger (the gateway pod's wait,
    // or a later one when the pod was quick).
    let step = err
        .lines()
        .find_map(|l| l.strip_prefix("ERRO: interrupted by SIGINT during step: "))
        .unwrap_or_else(|| panic!("no interrupted step: {err}"));
    let (_, after_trigger) = err
        .split_once("Gateway server correctly set up\n")
        .expect("the trigger line");
    assert!(
        after_trigger.contains(&format!("INFO: {step}\n")),
        "{step:?} is a step printed after the trigger: {err}"
    );
    let left = journal_lines(err);
    assert!(
        left.contains(&format!(
            "(remote) GatewayServer {}/{C_ID}",
            tenant_ns(C_ID)
        )),
        "the journal lists the GatewayServer: {left:?}\n{err}"
    );
    let undo_line = format!(
        "  liqoctl --kubeconfig={} unpeer --remote-kubeconfig={}",
        env().cluster(C).kubeconfig().display(),
        env().cluster(P).kubeconfig().display()
    );
    assert!(err.contains(&format!("{undo_line}\n")), "{err}");

    // The printed undo leaves both clusters as before any peering, tenant namespaces aside
    // (unpeer keeps them without --delete-namespaces).
    let commands = undo_commands(err);
    tokio::task::spawn_blocking(move || run_shell(&commands))
        .await
        .expect("undo thread");
    let pristine = pair.0.pristine();
    let (c, p) = clients();
    let without_tenants = |s: &BTreeSet<String>| -> BTreeSet<String> {
        s.iter()
            .filter(|o| !o.contains("liqo-tenant-"))
            .cloned()
            .collect()
    };
    for (name, client, before) in [(C, &c, &pristine.0), (P, &p, &pristine.1)] {
        let now = without_tenants(&state(client).await);
        let before = without_tenants(before);
        let left: Vec<_> = now.difference(&before).collect();
        let removed: Vec<_> = before.difference(&now).collect();
        assert!(
            left.is_empty() && removed.is_empty(),
            "{name} after the printed undo: left {left:#?} removed {removed:#?}"
        );
    }
    rerun().await;
    pair.assert_reference_then_undo().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_controller_manager_fails_naming_the_phase_and_the_wait() {
    let pair = Pair::lock().await;
    let (_, p) = clients();
    scale_controller_manager(&p, 0).await;
    let out = liqoctl(peer_args(&["--timeout=15s"])).await;
    scale_controller_manager(&p, 1).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // The failing step's line, then the phase's, both with the awaited condition and the
    // last state seen.
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("ERRO: ")).collect();
    let step = "Failed waiting for configuration to be applied: timed out after";
    let wait = format!(
        "waiting for Configuration {}/{C_ID} to be NetworkCIDRsConfigured; last state: ",
        tenant_ns(C_ID)
    );
    assert_eq!(errors.len(), 2, "{err}");
    assert!(
        errors[0].starts_with(&format!("ERRO: (remote) {step}")) && errors[0].contains(&wait),
        "{err}"
    );
    assert!(
        errors[1].starts_with(&format!(
            "ERRO: (global) Unable to ensure networking: {step}"
        )) && errors[1].contains(&wait),
        "{err}"
    );
    assert!(
        err.contains(" unpeer "),
        "the undo command is printed: {err}"
    );
    rerun().await;
    pair.assert_reference_then_undo().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_without_controller_manager_fails_in_authentication_naming_the_wait() {
    let pair = Pair::lock().await;
    let (c, _) = clients();
    scale_controller_manager(&c, 0).await;
    let out = liqoctl(peer_args(&["--networking-disabled", "--timeout=10s"])).await;
    scale_controller_manager(&c, 1).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // The consumer's nonce signer is the first controller the handshake waits for: its
    // step's line, then the phase's, both naming the awaited Secret and its last state.
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("ERRO: ")).collect();
    let step = "Failed waiting for nonce to be signed: timed out after";
    let wait = format!(
        "waiting for the nonce signer to fill Secret {}/liqo-signed-nonce; last state: ",
        tenant_ns(P_ID)
    );
    assert_eq!(errors.len(), 2, "{err}");
    assert!(
        errors[0].starts_with(&format!("ERRO: (local) {step}")) && errors[0].contains(&wait),
        "{err}"
    );
    assert!(
        errors[1].starts_with(&format!(
            "ERRO: (global) Unable to ensure authentication: {step}"
        )) && errors[1].contains(&wait),
        "{err}"
    );
    assert!(
        !err.contains("Tenant correctly generated"),
        "it stopped there: {err}"
    );
    rerun().await;
    pair.assert_reference_then_undo().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_peers_at_once_end_as_one() {
    let pair = Pair::lock().await;
    let (a, b) = tokio::join!(liqoctl(peer_args(&[])), liqoctl(peer_args(&[])));
    for out in [&a, &b] {
        let err = stderr(out);
        assert!(
            out.status.success() || out.status.code() == Some(1) && err.contains("ERRO: "),
            "each run succeeds or fails clearly: {err}"
        );
    }
    assert!(
        a.status.success() || b.status.success(),
        "one of them succeeds:\n{}\n---\n{}",
        stderr(&a),
        stderr(&b)
    );
    pair.assert_reference_then_undo().await;
}
