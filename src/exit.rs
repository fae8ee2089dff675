//! Exit statuses and how a failed command is reported.

use std::error::Error as StdError;
use std::process::ExitCode;

use crate::printer::Printer;

/// How liqoctl ends: 0 on success, 1 when anything failed. Usage errors exit 2, but clap
/// reports those before a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The operation succeeded (warnings included).
    Success,
    /// The operation failed: bad input or cluster state. Also a declined confirmation.
    Failure,
    /// A bug or an environment failure inside liqoctl: still exit 1, since 2 means a usage
    /// error only; kept apart so the report can say so.
    Internal,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure | ExitStatus::Internal => 1,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

/// Marks an error as liqoctl's own fault rather than the operation's.
#[derive(Debug, thiserror::Error)]
#[error("internal error: {0}")]
pub struct Internal(pub String);

/// A failure already printed as a step's failure line: nothing more to say, exit 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Reported(pub String);

/// Whether the API server refused this user somewhere in `err`'s chain (403).
pub fn is_forbidden(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        matches!(
            c.downcast_ref::<kube::Error>(),
            Some(kube::Error::Api(s)) if s.code == 403
        )
    })
}

/// Prints `ERRO: <what failed>: <root cause>` (the printer adds `ERRO: `), then the
/// intermediate causes under `Caused by:`; returns the exit status.
pub fn report(printer: &Printer, err: &anyhow::Error) -> ExitStatus {
    if err.downcast_ref::<Reported>().is_some() {
        return ExitStatus::Failure;
    }
    printer.error(render(err));
    if err.downcast_ref::<Internal>().is_some() {
        ExitStatus::Internal
    } else {
        ExitStatus::Failure
    }
}

/// The report's text. The first line names the cause: a generic top-level context ("failed to
/// read the cluster identity") is followed on the same line by the root cause (`Forbidden: …
/// User "x" cannot get resource …`); the layers between are listed under `Caused by:`.
pub fn render(err: &anyhow::Error) -> String {
    let messages = messages(err.as_ref());
    let (top, causes) = messages
        .split_first()
        .expect("invariant: an error has at least its own message");
    let mut text = match causes.last() {
        Some(root) => format!("{top}: {root}"),
        None => top.clone(),
    };
    if causes.len() > 1 {
        text.push_str("\n\nCaused by:");
        for cause in causes {
            text.push_str(&format!("\n    {cause}"));
        }
    }
    text
}

/// The whole chain on one line (`<what failed>: <cause>: <root>`), for a step's failure line
/// or a warning; kube errors rendered as in [`render`].
pub fn one_line(err: &anyhow::Error) -> String {
    messages(err.as_ref()).join(": ")
}

/// Each layer's message once, outermost first. A kube error is rendered by
/// `liqo_kube::api_error` (never its `Status { … }` Debug text) and ends the chain, since that
/// rendering covers its sources; a layer whose text its wrapper already printed is skipped.
fn messages(err: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        let (text, last) = match cause.downcast_ref::<kube::Error>() {
            Some(kube_err) => (liqo_kube::api_error::render(kube_err), true),
            None => match cause.downcast_ref::<std::io::Error>() {
                Some(io) => (liqo_kube::api_error::io_reason(io), false),
                None => (cause.to_string(), false),
            },
        };
        // Wrappers tend to repeat their source's text, often in other case ("Connection
        // refused (os error 111)" above "connection refused").
        if !out
            .last()
            .is_some_and(|prev| prev.to_lowercase().contains(&text.to_lowercase()))
        {
            out.push(text);
        }
        if last {
            break;
        }
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    fn forbidden() -> kube::Error {
        kube::Error::Api(
            kube::core::Status::failure(
                "configmaps \"c\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"liqo\"",
                "Forbidden",
            )
            .with_code(403)
            .boxed(),
        )
    }

    #[test]
    fn the_first_line_names_the_root_cause_and_no_status_dump_appears() {
        let err = anyhow::Error::new(forbidden()).context("failed to read the cluster identity");
        let text = render(&err);
        assert_eq!(
            text,
            "failed to read the cluster identity: Forbidden: configmaps \"c\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"liqo\""
        );
        assert!(!text.contains("Status {"));
    }

    #[test]
    fn intermediate_layers_go_under_caused_by() {
        let err = anyhow::Error::new(forbidden())
            .context("failed to apply ConfigMap liqo/c")
            .context("installation failed");
        let text = render(&err);
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("installation failed: Forbidden: configmaps")
        );
        assert_eq!(lines.next(), Some(""));
        assert_eq!(lines.next(), Some("Caused by:"));
        assert_eq!(lines.next(), Some("    failed to apply ConfigMap liqo/c"));
        assert!(lines.next().unwrap().starts_with("    Forbidden: "));
        assert_eq!(
            one_line(&err),
            format!(
                "installation failed: failed to apply ConfigMap liqo/c: {}",
                liqo_kube::api_error::render(&forbidden())
            )
        );
    }

    #[test]
    fn a_single_message_stands_alone_and_repeats_are_dropped() {
        assert_eq!(render(&anyhow::anyhow!("invalid CIDR")), "invalid CIDR");
        let io = std::io::Error::from_raw_os_error(111);
        let err = Err::<(), _>(io)
            .context("connect: Connection refused (os error 111)")
            .unwrap_err();
        assert_eq!(render(&err), "connect: Connection refused (os error 111)");
    }

    #[test]
    fn internal_errors_exit_1_like_every_failure() {
        assert_eq!(ExitStatus::Internal.code(), 1);
        assert_eq!(ExitStatus::Failure.code(), 1);
        assert_eq!(ExitStatus::Success.code(), 0);
    }
}
