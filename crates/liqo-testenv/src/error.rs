//! The one error type of the test environment.

use std::path::{Path, PathBuf};

/// What went wrong while starting, inspecting or stopping a test cluster.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Kubernetes binary is missing.
    #[error(
        "{name} not found at {path}: run `make k8s` to build the Kubernetes binaries (or set LIQO_TESTENV_BIN)"
    )]
    MissingBinary {
        /// The binary's name.
        name: &'static str,
        /// Where it was expected.
        path: PathBuf,
    },
    /// A file system operation failed.
    #[error("failed to {op} {path}")]
    Io {
        /// What was attempted.
        op: &'static str,
        /// On which path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Certificate generation failed.
    #[error("failed to generate certificates")]
    Pki(#[source] rcgen::Error),
    /// A component process could not be started.
    #[error("failed to start {component} of cluster {cluster}")]
    Spawn {
        /// The cluster.
        cluster: String,
        /// The component.
        component: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A component exited, or did not become ready in time.
    #[error(transparent)]
    Component(Box<ComponentFailure>),
    /// A Kubernetes API call failed.
    #[error("{action} in cluster {cluster}")]
    Kube {
        /// The cluster.
        cluster: String,
        /// What was attempted.
        action: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// A kubeconfig could not be loaded.
    #[error("failed to load the kubeconfig of cluster {cluster}")]
    Kubeconfig {
        /// The cluster.
        cluster: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A network namespace, link, address or nftables operation failed.
    #[error("failed to {action}: {detail}")]
    Network {
        /// What was attempted (the command).
        action: String,
        /// What the command printed on stderr.
        detail: String,
    },
    /// The environment's directory does not hold what it should.
    #[error("{0}")]
    State(String),
}

impl Error {
    pub(crate) fn io(op: &'static str, path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A control-plane component that failed, with the end of its log.
#[derive(Debug, thiserror::Error)]
#[error("{component} of cluster {cluster} {what}; last lines of {log}:\n{tail}", log = log.display())]
pub struct ComponentFailure {
    /// The cluster.
    pub cluster: String,
    /// The component.
    pub component: String,
    /// What happened: `exited (status)` or `was not ready after Ns (last observation)`.
    pub what: String,
    /// Its log file.
    pub log: PathBuf,
    /// The end of its log.
    pub tail: String,
}
