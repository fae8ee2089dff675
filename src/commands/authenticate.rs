//! `liqoctl authenticate`: the consumer (local) and provider (remote) clusters exchange a signed
//! nonce; the provider issues the consumer a control-plane identity.

use std::time::Duration;

use anyhow::{Context as _, bail};
use kube::{Api, ResourceExt};
use liqo_api::authentication::Tenant;
use liqo_api::consts::{field_manager, name};
use liqo_kube::auth::identity::render_controlplane_identity;
use liqo_kube::auth::steps;
use liqo_kube::auth::tenant::render_tenant;
use liqo_kube::crypto::ClusterKeys;
use liqo_kube::tenant_namespace::{self, TenantNamespaceError};

use crate::cli::{RemoteClusterArgs, parse_timeout};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::peers::Peers;
use crate::printer::Scope;
use crate::{interrupt, journal};

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
        journal::begin(undo(ctx, &remote, &namespace, &remote_namespace));
        interrupt::step(Scope::Global, "Connecting to both clusters");
        let peers = Peers::connect(ctx, &remote, &namespace, &remote_namespace).await?;
        let proxy_url = match (proxy_url, in_band) {
            (None, true) => Some(in_band_proxy(&peers, &remote_namespace).await?),
            (url, _) => url,
        };
        // Each wait gets what is left of --timeout and names what it awaited; the outer bound
        // (with a little grace) only catches API calls that hang.
        let deadline = crate::cli::deadline(timeout);
        let flow = async {
            let key = preflight(&peers, &namespace).await?;
            authenticate(&peers, &key, proxy_url.as_deref(), deadline).await
        };
        match tokio::time::timeout(timeout.saturating_add(OUTER_GRACE), flow).await {
            Ok(result) => result.map(|()| ExitStatus::Success),
            Err(_) => Err(interrupt::timed_out(
                &format!("authenticating with cluster {}", peers.remote_id),
                timeout,
            )),
        }
    }
}

/// `liqoctl unauthenticate` with this run's cluster and namespace flags.
fn undo(
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

/// Everything that can be checked before the first write, on both clusters: each side's
/// tenant namespace (duplicates, a foreign namespace holding the default name, one being
/// deleted, no right to create it) and the consumer's key. Upstream creates the consumer's
/// namespace before it looks at the provider's; here a refusal leaves both clusters untouched.
/// Returns the consumer's keys.
async fn preflight(peers: &Peers, liqo_ns: &str) -> anyhow::Result<ClusterKeys> {
    interrupt::step(Scope::Global, "Checking both clusters before writing");
    let (local, remote) = tokio::join!(
        tenant_namespace::plan(&peers.local.client, &peers.remote_id),
        tenant_namespace::plan(&peers.remote.client, &peers.local_id),
    );
    let problems: Vec<anyhow::Error> = [("local", local.err()), ("remote", remote.err())]
        .into_iter()
        .filter_map(|(side, e)| e.map(|e| on_side(side, e)))
        .collect();
    match <[anyhow::Error; 2]>::try_from(problems) {
        // Both refused: say both, so one run shows everything to fix.
        Ok([first, second]) => bail!("{first:#}\n{second:#}"),
        Err(mut one) => {
            if let Some(e) = one.pop() {
                return Err(e);
            }
        }
    }
    let keys = steps::read_private_key(&peers.local.client, liqo_ns).await?;
    // A pair whose halves do not match would only fail at "Tenant correctly generated", after
    // the nonce exchange has written on both clusters.
    keys.public_key_pem().with_context(|| {
        format!(
            "the consumer's cluster key (Secret {liqo_ns}/{}) is unusable",
            liqo_api::consts::name::AUTHENTICATION_KEYS_SECRET
        )
    })?;
    Ok(keys)
}

/// A tenant-namespace refusal, its first line naming the cluster.
pub(crate) fn on_side(side: &str, e: TenantNamespaceError) -> anyhow::Error {
    match e {
        TenantNamespaceError::Api(verb, id, source) => anyhow::Error::new(source).context(format!(
            "{side} cluster: failed to {verb} the tenant namespace for cluster {id}"
        )),
        other => anyhow::anyhow!("{side} cluster: {other}"),
    }
}

/// The handshake of authentication.md §6, steps 1–11, each reported on its cluster's scope.
async fn authenticate(
    peers: &Peers,
    key: &ClusterKeys,
    proxy_url: Option<&str>,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let (local, remote) = (&peers.local.client, &peers.remote.client);
    let (lp, rp) = (&peers.local_printer, &peers.remote_printer);
    let local_tenant_ns = ensure_tenant_namespace(local, &peers.remote_id, Scope::Local).await?;
    lp.success("Tenant namespace correctly ensured");
    let remote_tenant_ns = ensure_tenant_namespace(remote, &peers.local_id, Scope::Remote).await?;
    rp.success("Tenant namespace correctly ensured");

    let (_nonce, signature) =
        exchange_nonce(peers, &local_tenant_ns, &remote_tenant_ns, left).await?;

    interrupt::step(Scope::Local, "Generating tenant");
    let tenant = render_tenant(
        &peers.local_id,
        &remote_tenant_ns,
        key,
        &signature,
        proxy_url,
    )
    .context("failed to generate the Tenant")?;
    lp.success("Tenant correctly generated");
    interrupt::step(Scope::Remote, "Applying tenant on provider cluster");
    let tenants: Api<Tenant> = Api::namespaced(remote.clone(), &remote_tenant_ns);
    let existed = tenants
        .get_opt(&tenant.name_any())
        .await
        .context("failed to read the Tenant")?
        .is_some();
    steps::apply_tenant(remote, &tenant, FIELD_MANAGER).await?;
    if !existed {
        journal::created(Scope::Remote, &tenant);
    }
    rp.success("Tenant correctly applied on provider cluster");
    interrupt::step(Scope::Remote, "Waiting for tenant status to be filled");
    let tenant =
        steps::await_tenant_status(remote, &remote_tenant_ns, &tenant.name_any(), left()).await?;
    rp.success("Tenant status is filled");

    interrupt::step(Scope::Remote, "Generating identity");
    let status = tenant.status.unwrap_or_default();
    let provider_ns = status.tenant_namespace.unwrap_or(remote_tenant_ns);
    let identity = render_controlplane_identity(
        &peers.remote_id,
        &local_tenant_ns,
        &provider_ns,
        status.auth_params.unwrap_or_default(),
    );
    rp.success("Identity correctly generated");
    interrupt::step(Scope::Local, "Applying identity on consumer cluster");
    if steps::apply_identity(local, &identity, FIELD_MANAGER).await? {
        journal::created(Scope::Local, &identity);
    }
    lp.success("Identity correctly applied on consumer cluster");
    interrupt::step(Scope::Local, "Waiting for identity status to be filled");
    steps::await_identity_status(local, &local_tenant_ns, &identity.name_any(), left()).await?;
    lp.success("Identity status is filled");
    Ok(())
}

/// Steps 3–4: the tenant namespace of `peer` on the side of `scope`, journaled if this run made
/// it (a concurrent run may have made it first: it is then adopted).
async fn ensure_tenant_namespace(
    client: &kube::Client,
    peer: &str,
    scope: Scope,
) -> anyhow::Result<String> {
    interrupt::step(scope, "Ensuring tenant namespace");
    let side = if scope == Scope::Local {
        "local"
    } else {
        "remote"
    };
    let ensured = tenant_namespace::ensure_created(client, peer, FIELD_MANAGER)
        .await
        .map_err(|e| on_side(side, e))?;
    if ensured.created {
        journal::created(scope, &ensured.namespace);
    }
    Ok(ensured.namespace.name_any())
}

/// Steps 5–10: the provider's nonce, signed by the consumer. Returns (nonce, signature).
async fn exchange_nonce(
    peers: &Peers,
    local_tenant_ns: &str,
    remote_tenant_ns: &str,
    left: impl Fn() -> Duration,
) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let (local, remote) = (&peers.local.client, &peers.remote.client);
    let (lp, rp) = (&peers.local_printer, &peers.remote_printer);
    interrupt::step(Scope::Remote, "Ensuring nonce secret");
    if steps::ensure_nonce_secret(remote, remote_tenant_ns, &peers.local_id, FIELD_MANAGER).await? {
        journal::created_named(
            Scope::Remote,
            "Secret",
            Some(remote_tenant_ns),
            name::NONCE_SECRET,
        );
    }
    rp.success("Nonce secret ensured");
    interrupt::step(Scope::Remote, "Waiting for nonce to be generated");
    let nonce = steps::await_nonce(remote, remote_tenant_ns, left()).await?;
    rp.success("Nonce generated successfully");
    rp.success("Nonce retrieved");

    interrupt::step(Scope::Local, "Ensuring signed nonce");
    let created = steps::ensure_signed_nonce_secret(
        local,
        local_tenant_ns,
        &peers.remote_id,
        &nonce,
        FIELD_MANAGER,
    )
    .await?;
    if created {
        journal::created_named(
            Scope::Local,
            "Secret",
            Some(local_tenant_ns),
            name::SIGNED_NONCE_SECRET,
        );
    }
    lp.success("Signed nonce secret ensured");
    interrupt::step(Scope::Local, "Waiting for nonce to be signed");
    let signature = steps::await_signature(local, local_tenant_ns, &nonce, left()).await?;
    lp.success("Nonce is signed");
    lp.success("Signed nonce retrieved");
    Ok((nonce, signature))
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
