//! `liqoctl authenticate` over `flows::auth`: the consumer (local) and provider (remote)
//! clusters exchange a signed nonce; the provider issues the consumer a control-plane identity.

use std::time::Duration;

use liqo_api::consts::name;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{PeerClusterArgs, RemoteClusterArgs, parse_timeout};
use crate::flows::auth::{self, AuthOptions};
use crate::peers::Peers;
use crate::printer::Scope;
use crate::{interrupt, journal};

const OUTER_GRACE: Duration = Duration::from_secs(2);

/// Authenticate with a provider cluster (local = consumer, remote = provider).
#[derive(Debug, clap::Args)]
pub struct AuthenticateArgs {
    /// Proxy URL the consumer reaches the provider's API server through.
    #[arg(long)]
    proxy_url: Option<String>,
    /// Reach the provider's API server through the network tunnel (its API-server proxy),
    /// unless --proxy-url is given. Needs the networking module connected.
    #[arg(long)]
    in_band: bool,
    /// Bound on the whole authentication.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
    #[command(flatten)]
    clusters: PeerClusterArgs,
}

impl AuthenticateArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let PeerClusterArgs {
            namespace,
            remote_namespace,
            remote,
        } = &self.clusters;
        journal::begin(undo(ctx, remote, namespace, remote_namespace));
        interrupt::step(Scope::Global, "Connecting to both clusters");
        let peers = Peers::connect(ctx, remote, namespace, remote_namespace).await?;
        let options = AuthOptions {
            proxy_url: self.proxy_url,
            in_band: self.in_band,
        };
        let proxy_url = options.proxy_url(&peers).await?;
        // Each wait gets what is left of --timeout and names what it awaited; the outer bound
        // (with a little grace) only catches API calls that hang.
        let deadline = crate::flags::deadline(self.timeout);
        let flow = auth::authenticate(&peers, proxy_url.as_deref(), deadline);
        match tokio::time::timeout(self.timeout.saturating_add(OUTER_GRACE), flow).await {
            Ok(result) => result.map(|()| ExitStatus::Success),
            Err(_) => Err(interrupt::timed_out(
                &format!("authenticating with cluster {}", peers.remote.id),
                self.timeout,
            )),
        }
    }
}

/// `liqoctl unauthenticate` with this run's cluster and namespace flags.
pub fn undo(
    ctx: &Ctx,
    remote: &RemoteClusterArgs,
    namespace: &str,
    remote_namespace: &str,
) -> journal::Undo {
    let mut extra = Vec::new();
    if namespace != name::LIQO_NAMESPACE {
        extra.push(journal::flag("", "namespace", namespace));
    }
    if remote_namespace != name::LIQO_NAMESPACE {
        extra.push(journal::flag("", "remote-namespace", remote_namespace));
    }
    journal::Undo::new(&ctx.global.local, remote, &["unauthenticate"], &extra)
}
