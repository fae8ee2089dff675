//! What every command runs with: the printer, the global flags and the clusters they select.

use kube::{Client, Config};

use crate::flags::{GlobalArgs, RemoteClusterArgs};
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
    /// The local cluster (`--kubeconfig`, `--context`, …), contacted once: a bad kubeconfig, an
    /// unreachable server, an untrusted certificate or rejected credentials fail here, with a
    /// message naming the flag (the error is complete on its own line, no context is added).
    pub async fn local(&self) -> anyhow::Result<ClusterHandle> {
        let (client, config) = self.global.local.access().connect().await?;
        Ok(ClusterHandle { client, config })
    }

    /// The remote cluster (`--remote-kubeconfig`, …), checked as [`Ctx::local`] is.
    pub async fn remote(&self, remote: &RemoteClusterArgs) -> anyhow::Result<ClusterHandle> {
        let (client, config) = remote.access().connect().await?;
        Ok(ClusterHandle { client, config })
    }
}

impl ClusterHandle {
    /// The API server URL without the trailing slash, for messages.
    pub fn server(&self) -> String {
        self.config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string()
    }
}

impl std::fmt::Debug for ClusterHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterHandle")
            .field("server", &self.config.cluster_url)
            .finish_non_exhaustive()
    }
}
