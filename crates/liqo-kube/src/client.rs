//! Clients built from kubeconfig flags the way kubectl resolves them.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The kubeconfig file is missing, unreadable or malformed.
    #[error(
        "failed to read kubeconfig {path}: check the path given with --kubeconfig or KUBECONFIG"
    )]
    ReadKubeconfig {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// The kubeconfig does not yield a usable configuration (unknown context, bad credentials).
    #[error("invalid kubeconfig{}", context.as_ref().map(|c| format!(" for context {c:?}")).unwrap_or_default())]
    Config {
        /// The context asked for, if any.
        context: Option<String>,
        /// The cause.
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// No kubeconfig given or found and not running in a cluster.
    #[error(
        "no cluster configuration found: pass --kubeconfig, set KUBECONFIG or run inside a cluster"
    )]
    Infer(#[source] kube::config::InferConfigError),
    /// The HTTP client could not be built.
    #[error("failed to build a Kubernetes client")]
    Build(#[source] kube::Error),
}

/// Which cluster to talk to, as kubectl's flags say it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// `--kubeconfig`: a file; else `KUBECONFIG`, `~/.kube/config`, in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--user`.
    pub user: Option<String>,
}

impl Access {
    /// Resolves the flags into a client configuration.
    ///
    /// # Errors
    /// [`ClientError`] naming the file or context at fault.
    pub async fn config(&self) -> Result<Config, ClientError> {
        let options = KubeConfigOptions {
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
        };
        let config = match &self.kubeconfig {
            Some(path) => {
                let kubeconfig = read(path)?;
                Config::from_custom_kubeconfig(kubeconfig, &options).await
            }
            None if self.context.is_some() || self.cluster.is_some() || self.user.is_some() => {
                Config::from_kubeconfig(&options).await
            }
            None => return Config::infer().await.map_err(ClientError::Infer),
        };
        config.map_err(|source| ClientError::Config {
            context: self.context.clone(),
            source,
        })
    }

    /// A client for the cluster.
    ///
    /// # Errors
    /// As [`Access::config`], or when the client cannot be built.
    pub async fn client(&self) -> Result<(Client, Config), ClientError> {
        let config = self.config().await?;
        let client = Client::try_from(config.clone()).map_err(ClientError::Build)?;
        Ok((client, config))
    }
}

fn read(path: &Path) -> Result<Kubeconfig, ClientError> {
    Kubeconfig::read_from(path).map_err(|source| ClientError::ReadKubeconfig {
        path: path.to_path_buf(),
        source,
    })
}

/// Whether two configurations reach the same API server: liqoctl refuses to peer a cluster
/// with itself (the cluster-ID check catches the same cluster behind two addresses).
pub fn same_endpoint(a: &Config, b: &Config) -> bool {
    a.cluster_url == b.cluster_url
}
