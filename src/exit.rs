//! Exit statuses and how a failed command is reported.

use std::process::ExitCode;

use crate::printer::Printer;

/// How liqoctl ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The operation succeeded (warnings included).
    Success,
    /// The operation failed: bad input or cluster state. Also a declined confirmation.
    Failure,
    /// A bug or an environment failure inside liqoctl.
    Internal,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Internal => ExitCode::from(2),
        }
    }
}

/// Marks an error as liqoctl's own fault (exit 2) rather than the operation's (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("internal error: {0}")]
pub struct Internal(pub String);

/// A failure already printed as a step's failure line: nothing more to say, exit 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Reported(pub String);

/// Prints `error: <message>` and the indented cause chain; returns the exit status.
pub fn report(printer: &Printer, err: &anyhow::Error) -> ExitStatus {
    if err.downcast_ref::<Reported>().is_some() {
        return ExitStatus::Failure;
    }
    let mut text = format!("error: {err}");
    let causes: Vec<String> = err.chain().skip(1).map(ToString::to_string).collect();
    if !causes.is_empty() {
        text.push_str("\n\nCaused by:");
        for cause in causes {
            text.push_str(&format!("\n    {cause}"));
        }
    }
    printer.error(text);
    if err.downcast_ref::<Internal>().is_some() {
        ExitStatus::Internal
    } else {
        ExitStatus::Failure
    }
}
