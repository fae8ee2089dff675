//! The flags every `network` command takes, and what they mean to the network flows.

use std::time::Duration;

use liqo_api::consts::name;

use crate::ctx::Ctx;
use crate::flags::{RemoteClusterArgs, parse_timeout};
use crate::flows::network::NamespaceFlag;
use crate::peers::Peers;

/// Flags of every `network` command.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// The TENANT namespace holding the network objects in the local cluster (default: the
    /// tenant namespace of the remote cluster). Unlike other commands, -n here is not the Liqo
    /// namespace: that is --liqo-namespace (upstream liqoctl's meaning of -n on network).
    #[arg(
        short = 'n',
        long = "namespace",
        value_name = "TENANT_NAMESPACE",
        default_value = ""
    )]
    pub namespace: String,
    /// The TENANT namespace holding the network objects in the remote cluster (default: the
    /// tenant namespace of the local cluster); not the remote Liqo namespace.
    #[arg(long, value_name = "TENANT_NAMESPACE", default_value = "")]
    pub remote_namespace: String,
    /// The namespace Liqo is installed in, in the local cluster (what -n means on other
    /// commands).
    #[arg(long, value_name = "LIQO_NAMESPACE", default_value = name::LIQO_NAMESPACE)]
    pub liqo_namespace: String,
    /// The namespace Liqo is installed in, in the remote cluster.
    #[arg(long, value_name = "LIQO_NAMESPACE", default_value = name::LIQO_NAMESPACE)]
    pub remote_liqo_namespace: String,
    /// Bound on the whole command (a Go duration: 90s, 2m, 1h30m; at most 8760h).
    #[arg(long, default_value = "120s", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// connect: wait for the Connections to be established; disconnect/reset: wait until the
    /// deleted objects are gone.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub remote: RemoteClusterArgs,
}

impl CommonArgs {
    /// Both clusters, with Liqo in the given namespaces.
    pub async fn peers(&self, ctx: &Ctx) -> anyhow::Result<Peers> {
        Peers::connect(
            ctx,
            &self.remote,
            &self.liqo_namespace,
            &self.remote_liqo_namespace,
        )
        .await
    }

    /// `-n`: the local network namespace.
    pub fn local_namespace(&self) -> NamespaceFlag {
        NamespaceFlag {
            value: self.namespace.clone(),
            flag: "--namespace",
        }
    }

    /// `--remote-namespace`: the remote network namespace.
    pub fn remote_namespace(&self) -> NamespaceFlag {
        NamespaceFlag {
            value: self.remote_namespace.clone(),
            flag: "--remote-namespace",
        }
    }
}
