//! One error type for reconcilers: what failed, and whether trying again can help.

use std::fmt;

/// A failed reconcile step.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// An API call failed: `action` says what was being done ("apply Quota x").
    #[error("failed to {action}")]
    Api {
        /// What was being done.
        action: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// Something this controller waits for is not there yet (another controller's output,
    /// a referenced object); retried with backoff, reported without alarm.
    #[error("{0}")]
    Waiting(String),
    /// The object (or its environment) is wrong and retrying without a change cannot help.
    #[error("{0}")]
    Invalid(String),
    /// Anything else, with its cause.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl ReconcileError {
    /// An API error while doing `action`.
    pub fn api(action: impl fmt::Display, source: kube::Error) -> Self {
        Self::Api {
            action: action.to_string(),
            source,
        }
    }

    /// Whether a retry soon may succeed without anyone changing anything: server errors,
    /// throttling, conflicts, lost connections and waits. 4xx refusals (invalid, forbidden,
    /// not found) and [`Invalid`](Self::Invalid) are not: they are retried slowly, for when an
    /// administrator or another controller fixes the cause.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Api { source, .. } => transient_kube(source),
            Self::Waiting(_) | Self::Other(_) => true,
            Self::Invalid(_) => false,
        }
    }

    /// The HTTP status of an API refusal, if that is what this is.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Self::Api {
                source: kube::Error::Api(status),
                ..
            } => Some(status.code),
            _ => None,
        }
    }
}

/// Whether a retry soon may help after `error` (the rule of
/// [`ReconcileError::is_transient`] for a bare client error, for error types that wrap one).
pub fn transient_kube(error: &kube::Error) -> bool {
    match error {
        kube::Error::Api(status) => matches!(status.code, 409 | 429 | 500..=599),
        kube::Error::SerdeError(_) | kube::Error::BuildRequest(_) => false,
        _ => true,
    }
}

/// `.api("do x")?` on a kube result.
pub trait ResultExt<T> {
    /// Wraps the error as [`ReconcileError::Api`] with `action`.
    fn api(self, action: impl fmt::Display) -> Result<T, ReconcileError>;
}

impl<T> ResultExt<T> for Result<T, kube::Error> {
    fn api(self, action: impl fmt::Display) -> Result<T, ReconcileError> {
        self.map_err(|e| ReconcileError::api(action, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> kube::Error {
        kube::Error::Api(
            kube::core::Status::failure("x", "Reason")
                .with_code(code)
                .boxed(),
        )
    }

    #[test]
    fn server_trouble_is_transient_and_refusals_are_not() {
        for code in [409, 429, 500, 503] {
            assert!(
                ReconcileError::api("x", status(code)).is_transient(),
                "{code}"
            );
        }
        for code in [400, 403, 404, 422] {
            assert!(
                !ReconcileError::api("x", status(code)).is_transient(),
                "{code}"
            );
        }
        assert!(ReconcileError::Waiting("no Identity yet".into()).is_transient());
        assert!(!ReconcileError::Invalid("bad CSR".into()).is_transient());
        assert_eq!(
            ReconcileError::api("x", status(403)).status_code(),
            Some(403)
        );
    }
}
