//! `liqoctl authenticate`: the consumer (local) and provider (remote) clusters exchange a signed
//! nonce; the provider issues the consumer a control-plane identity.

use std::time::Duration;

use anyhow::{Context as _, bail};
use kube::ResourceExt;
use liqo_api::consts::{field_manager, name};
use liqo_kube::auth::identity::render_controlplane_identity;
use liqo_kube::auth::steps;
use liqo_kube::auth::tenant::render_tenant;
use liqo_kube::tenant_namespace;

use crate::cli::{RemoteClusterArgs, parse_timeout};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::peers::Peers;

const FIELD_MANAGER: &str = field_manager::LIQOCTL;
const OUTER_GRACE: Duration = Duration::from_secs(2);

/// Authenticate with a provider cluster (local = consumer, remote = provider).
#[derive(Debug, clap::Args)]
pub struct AuthenticateArgs {
    /// The local Liqo namespace.
    #[arg(short = 'n', long = "namespace", default_value = name::LIQO_NAMESPACE)]
    namespace: String,
    /// The remote Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    remote_namespace: String,
    /// Proxy URL the consumer reaches the provider's API server through.
    #[arg(long)]
    proxy_url: Option<String>,
    /// Bound on the whole authentication.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
    #[command(flatten)]
    remote: RemoteClusterArgs,
}

impl AuthenticateArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            namespace,
            remote_namespace,
            proxy_url,
            timeout,
            remote,
        } = self;
        let peers = Peers::connect(ctx, &remote, &namespace, &remote_namespace).await?;
        // Each wait gets what is left of --timeout and names what it awaited; the outer bound
        // (with a little grace) only catches API calls that hang.
        let deadline = tokio::time::Instant::now() + timeout;
        let flow = authenticate(&peers, &namespace, proxy_url.as_deref(), deadline);
        match tokio::time::timeout(timeout + OUTER_GRACE, flow).await {
            Ok(result) => result.map(|()| ExitStatus::Success),
            Err(_) => bail!(
                "timed out after {}s authenticating with cluster {}",
                timeout.as_secs(),
                peers.remote_id
            ),
        }
    }
}

/// The handshake of authentication.md §6, steps 1–11, each reported on its cluster's scope.
async fn authenticate(
    peers: &Peers,
    liqo_ns: &str,
    proxy_url: Option<&str>,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let (local, remote) = (&peers.local.client, &peers.remote.client);
    let (lp, rp) = (&peers.local_printer, &peers.remote_printer);
    let local_tenant_ns = tenant_namespace::ensure(local, &peers.remote_id, FIELD_MANAGER)
        .await?
        .name_any();
    lp.success("Tenant namespace correctly ensured");
    let remote_tenant_ns = tenant_namespace::ensure(remote, &peers.local_id, FIELD_MANAGER)
        .await?
        .name_any();
    rp.success("Tenant namespace correctly ensured");

    steps::ensure_nonce_secret(remote, &remote_tenant_ns, &peers.local_id, FIELD_MANAGER).await?;
    rp.success("Nonce secret ensured");
    let nonce = steps::await_nonce(remote, &remote_tenant_ns, left()).await?;
    rp.success("Nonce generated successfully");
    rp.success("Nonce retrieved");

    steps::ensure_signed_nonce_secret(
        local,
        &local_tenant_ns,
        &peers.remote_id,
        &nonce,
        FIELD_MANAGER,
    )
    .await?;
    lp.success("Signed nonce secret ensured");
    let signature = steps::await_signature(local, &local_tenant_ns, &nonce, left()).await?;
    lp.success("Nonce is signed");
    lp.success("Signed nonce retrieved");

    let key = steps::read_private_key(local, liqo_ns).await?;
    let tenant = render_tenant(
        &peers.local_id,
        &remote_tenant_ns,
        &key,
        &signature,
        proxy_url,
    )
    .context("failed to generate the Tenant")?;
    lp.success("Tenant correctly generated");
    steps::apply_tenant(remote, &tenant, FIELD_MANAGER).await?;
    rp.success("Tenant correctly applied on provider cluster");
    let tenant =
        steps::await_tenant_status(remote, &remote_tenant_ns, &tenant.name_any(), left()).await?;
    rp.success("Tenant status is filled");

    let status = tenant.status.unwrap_or_default();
    let provider_ns = status.tenant_namespace.unwrap_or(remote_tenant_ns);
    let identity = render_controlplane_identity(
        &peers.remote_id,
        &local_tenant_ns,
        &provider_ns,
        status.auth_params.unwrap_or_default(),
    );
    rp.success("Identity correctly generated");
    steps::apply_identity(local, &identity, FIELD_MANAGER).await?;
    lp.success("Identity correctly applied on consumer cluster");
    steps::await_identity_status(local, &local_tenant_ns, &identity.name_any(), left()).await?;
    lp.success("Identity status is filled");
    Ok(())
}
