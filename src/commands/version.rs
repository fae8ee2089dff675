//! `liqoctl version`: client version, and the control-plane version of one or two clusters.

use crate::ctx::{ClusterHandle, Ctx};
use crate::exit::ExitStatus;
use crate::flags::RemoteClusterArgs;
use crate::printer::Scope;

/// Print the client and server versions.
#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// Show the client version only (no cluster access).
    #[arg(long)]
    client: bool,
    /// The namespace Liqo is installed in (on both clusters).
    #[arg(short = 'n', long = "namespace", default_value = liqo_kube::install::LIQO_NAMESPACE)]
    namespace: String,
    #[command(flatten)]
    remote: RemoteClusterArgs,
}

const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

impl VersionArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            client,
            namespace,
            remote,
        } = self;
        ctx.printer
            .data(format_args!("Client version: {CLIENT_VERSION}\n"));
        if client {
            return Ok(ExitStatus::Success);
        }
        let local = server_version(ctx.local().await, &namespace).await;
        if !remote.is_set() {
            // Single-cluster output is unscoped.
            return Ok(report(ctx, "Server version", &local));
        }
        let scoped = |scope| Ctx {
            printer: ctx.printer.scoped(scope),
            global: ctx.global.clone(),
        };
        let mut status = report(&scoped(Scope::Local), "Server version", &local);
        let remote_version = server_version(ctx.remote(&remote).await, &namespace).await;
        if report(
            &scoped(Scope::Remote),
            "Remote server version",
            &remote_version,
        ) == ExitStatus::Failure
        {
            status = ExitStatus::Failure;
        }
        if let (Ok(a), Ok(b)) = (&local, &remote_version)
            && crate::flows::version::skewed(a, b)
        {
            scoped(Scope::Global).printer.warn(format_args!(
                "The local ({a}) and remote ({b}) Liqo versions differ in major.minor: peering them may not work"
            ));
        }
        Ok(status)
    }
}

fn report(ctx: &Ctx, label: &str, version: &anyhow::Result<String>) -> ExitStatus {
    match version {
        Ok(v) => {
            ctx.printer.data(format_args!("{label}: {v}\n"));
            if v != CLIENT_VERSION {
                ctx.printer.warn(
                    "The version of liqoctl does not match the Liqo server version. This might cause unexpected behaviors.",
                );
            }
            ExitStatus::Success
        }
        Err(e) => {
            ctx.printer.data(format_args!("{label}: Unknown\n"));
            // One line: the cluster's own failure already names the flag and the cause.
            ctx.printer.warn(crate::exit::one_line(e));
            ExitStatus::Failure
        }
    }
}

async fn server_version(
    cluster: anyhow::Result<ClusterHandle>,
    namespace: &str,
) -> anyhow::Result<String> {
    crate::flows::version::liqo_version(&cluster?.client, namespace).await
}
