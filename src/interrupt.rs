//! Ctrl-C and SIGTERM: the command stops where it is (its future is dropped, so nothing more
//! is written), liqoctl says which step was interrupted and what this run left (the
//! [`journal`](crate::journal)), and exits 130. Every step is idempotent: a re-run converges.
//!
//! The step is the running spinner's (the printer tracks it) or, between spinners and in flows
//! without them (authenticate prints only results), the last one a flow named with [`step`].
//! The same name is used when the whole command times out.

use std::future::Future;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};

use crate::printer::{Printer, Scope};

/// The exit code of an interrupted command (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

static STEP: Mutex<Option<String>> = Mutex::new(None);

fn set(text: String) {
    *STEP.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
}

/// The flow now runs `text` on the cluster of `scope` (a spinner's start text).
pub fn step(scope: Scope, text: &str) {
    let label = match scope {
        Scope::Local => "(local) ",
        Scope::Remote => "(remote) ",
        Scope::Global => "",
    };
    set(format!("{label}{text}"));
}

/// The step running now: the running spinner's, else the last one a flow named.
pub fn current() -> Option<String> {
    crate::printer::current_step()
        .or_else(|| STEP.lock().unwrap_or_else(|e| e.into_inner()).clone())
}

/// A signal that stopped the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    signal: &'static str,
}

/// Runs `command` until it ends or SIGINT/SIGTERM arrives. The handlers are installed before
/// `command` is first polled, so a signal never kills liqoctl mid-write.
pub async fn run<F: Future>(command: F) -> Result<F::Output, Interrupted> {
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // Without handlers the default action (terminate) stays: nothing better to do.
        return Ok(command.await);
    };
    tokio::select! {
        output = command => Ok(output),
        _ = int.recv() => Err(Interrupted { signal: "SIGINT" }),
        _ = term.recv() => Err(Interrupted { signal: "SIGTERM" }),
    }
}

impl Interrupted {
    /// Prints the interrupted step and what the run left; the exit code.
    pub fn report(self, printer: &Printer) -> ExitCode {
        let at = current().map_or_else(
            || "before its first step".to_string(),
            |s| format!("during step: {s}"),
        );
        printer.error(format!("interrupted by {} {at}", self.signal));
        match crate::journal::report() {
            Some(left) => printer.warn(left),
            None if crate::journal::is_active() => {
                printer.info("No object was created by this run");
            }
            // A command without a journal: say nothing rather than "nothing".
            None => {}
        }
        ExitCode::from(INTERRUPTED)
    }
}

/// The error of a command that ran out of `timeout` while `action` (e.g. "authenticating with
/// cluster x"), naming the step it was in.
pub fn timed_out(action: &str, timeout: Duration) -> anyhow::Error {
    anyhow::anyhow!(timeout_message(action, timeout, current()))
}

fn timeout_message(action: &str, timeout: Duration, step: Option<String>) -> String {
    let at = step.map_or_else(String::new, |s| format!(" (during step: {s})"));
    format!(
        "timed out after {} {action}{at}",
        liqo_kube::duration::human(timeout)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_names_the_running_step() {
        let step = Some("(remote) Waiting for nonce to be generated".to_string());
        assert_eq!(
            timeout_message(
                "authenticating with cluster p",
                Duration::from_millis(1),
                step
            ),
            "timed out after 1ms authenticating with cluster p (during step: (remote) Waiting for nonce to be generated)"
        );
        assert_eq!(
            timeout_message("x", Duration::from_secs(3), None),
            "timed out after 3s x"
        );
    }
}
