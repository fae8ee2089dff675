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
    /// Reach the provider's API server through the network tunnel (its API-server proxy),
    /// unless --proxy-url is given. Needs the networking module connected.
    #[arg(long)]
    in_band: bool,
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
            in_band,
            timeout,
            remote,
        } = self;
        let peers = Peers::connect(ctx, &remote, &namespace, &remote_namespace).await?;
        let proxy_url = match (proxy_url, in_band) {
            (None, true) => Some(in_band_proxy(&peers, &remote_namespace).await?),
            (url, _) => url,
        };
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

/// The provider's API-server proxy as the consumer reaches it through the tunnel.
async fn in_band_proxy(peers: &Peers, remote_liqo_ns: &str) -> anyhow::Result<String> {
    use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
    use liqo_api::networking::Configuration;
    let no_ip = || {
        anyhow::anyhow!(
            "no IP found, make sure the Liqo Networking module is enabled and working (liqoctl network connect)"
        )
    };
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("ipam.liqo.io", "v1alpha1", "IP"),
        "ips",
    );
    let ips: kube::Api<DynamicObject> =
        kube::Api::namespaced_with(peers.remote.client.clone(), remote_liqo_ns, &ar);
    let ip = match ips.get_opt(name::API_SERVER_PROXY_IP).await {
        Ok(found) => found.and_then(|o| o.data["status"]["ip"].as_str().map(String::from)),
        Err(kube::Error::Api(e)) if e.code == 404 => None,
        Err(e) => return Err(e).context("failed to read the provider's API-server proxy IP"),
    };
    let ip: std::net::Ipv4Addr = ip
        .filter(|i| !i.is_empty())
        .ok_or_else(no_ip)?
        .parse()
        .map_err(|_| no_ip())?;
    let ns = tenant_namespace::lookup(&peers.local.client, &peers.remote_id)
        .await?
        .ok_or_else(no_ip)?
        .name_any();
    let selector = format!(
        "{}={}",
        liqo_api::consts::label::REMOTE_CLUSTER_ID,
        peers.remote_id
    );
    let configurations = kube::Api::<Configuration>::namespaced(peers.local.client.clone(), &ns)
        .list(&ListParams::default().labels(&selector))
        .await
        .context("failed to read the network Configuration")?;
    let configuration = configurations.items.into_iter().next().ok_or_else(no_ip)?;
    let remapped =
        liqo_kube::auth::in_band::remap(ip, &configuration).map_err(anyhow::Error::msg)?;
    Ok(liqo_kube::auth::in_band::proxy_url(remapped))
}
