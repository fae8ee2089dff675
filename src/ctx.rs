//! What every command runs with: the printer, the global flags and the clusters they select.

use anyhow::Context as _;
use kube::{Client, Config};

use crate::cli::{GlobalArgs, RemoteClusterArgs};
use crate::printer::Printer;

/// The context of one liqoctl invocation.
#[derive(Debug)]
pub struct Ctx {
    /// Progress and data output.
    pub printer: Printer,
    /// Global flags.
    pub global: GlobalArgs,
}

/// A cluster reached through kubeconfig flags.
#[derive(Clone)]
pub struct ClusterHandle {
    /// Client.
    pub client: Client,
    /// The resolved configuration (server URL, default namespace).
    pub config: Config,
}

impl Ctx {
    /// The local cluster (`--kubeconfig`, `--context`, …).
    pub async fn local(&self) -> anyhow::Result<ClusterHandle> {
        let (client, config) = self
            .global
            .local
            .access()
            .client()
            .await
            .context("cannot reach the local cluster")?;
        Ok(ClusterHandle { client, config })
    }

    /// The remote cluster (`--remote-kubeconfig`, …); refuses the local cluster itself.
    pub async fn remote(&self, remote: &RemoteClusterArgs) -> anyhow::Result<ClusterHandle> {
        let (client, config) = remote
            .access()
            .client()
            .await
            .context("cannot reach the remote cluster")?;
        Ok(ClusterHandle { client, config })
    }
}

impl std::fmt::Debug for ClusterHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterHandle")
            .field("server", &self.config.cluster_url)
            .finish_non_exhaustive()
    }
}
