//! The authentication flows (authentication.md §6, §9): the consumer (local) and provider
//! (remote) exchange a signed nonce and the provider issues the consumer a control-plane
//! identity; `unauthenticate` removes both ends.

mod unauthenticate;

use std::future::Future;
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

pub use unauthenticate::unauthenticate;

use crate::peers::Peers;
use crate::printer::{Printer, Scope};
use crate::{interrupt, journal};

const FIELD_MANAGER: &str = field_manager::LIQOCTL;

/// How the consumer reaches the provider's API server.
#[derive(Debug, Clone, Default)]
pub struct AuthOptions {
    /// A proxy in front of the provider's API server; wins over `in_band`.
    pub proxy_url: Option<String>,
    /// Through the network tunnel, to the provider's API-server proxy.
    pub in_band: bool,
}

impl AuthOptions {
    /// The proxy URL the Tenant carries: `--proxy-url`, or with `--in-band` the provider's
    /// API-server proxy as the consumer reaches it through the tunnel (needs the networking
    /// module connected).
    pub async fn proxy_url(&self, peers: &Peers) -> anyhow::Result<Option<String>> {
        match (&self.proxy_url, self.in_band) {
            (None, true) => Ok(Some(in_band_proxy(peers).await?)),
            (url, _) => Ok(url.clone()),
        }
    }
}

/// Checks, then runs the handshake: [`preflight`] and [`handshake`].
pub async fn authenticate(
    peers: &Peers,
    proxy_url: Option<&str>,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let key = preflight(peers).await?;
    handshake(peers, &key, proxy_url, deadline).await
}

/// Everything that can be checked before the first write, on both clusters: each side's
/// tenant namespace (duplicates, a foreign namespace holding the default name, one being
/// deleted, no right to create it) and the consumer's key. Upstream creates the consumer's
/// namespace before it looks at the provider's; here a refusal leaves both clusters untouched.
/// Returns the consumer's keys.
pub async fn preflight(peers: &Peers) -> anyhow::Result<ClusterKeys> {
    let liqo_ns = peers.local.liqo_namespace.as_str();
    interrupt::step(Scope::Global, "Checking both clusters before writing");
    let (local, remote) = tokio::join!(
        tenant_namespace::plan(&peers.local.client, &peers.remote.id),
        tenant_namespace::plan(&peers.remote.client, &peers.local.id),
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
pub async fn handshake(
    peers: &Peers,
    key: &ClusterKeys,
    proxy_url: Option<&str>,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let (local, remote) = (&peers.local.client, &peers.remote.client);
    let (lp, rp) = (&peers.local.printer, &peers.remote.printer);
    let local_tenant_ns =
        ensure_tenant_namespace(local, lp, &peers.remote.id, Scope::Local).await?;
    lp.success("Tenant namespace correctly ensured");
    let remote_tenant_ns =
        ensure_tenant_namespace(remote, rp, &peers.local.id, Scope::Remote).await?;
    rp.success("Tenant namespace correctly ensured");

    let (_nonce, signature) =
        exchange_nonce(peers, &local_tenant_ns, &remote_tenant_ns, left).await?;

    let render = async {
        render_tenant(
            &peers.local.id,
            &remote_tenant_ns,
            key,
            &signature,
            proxy_url,
        )
        .context("failed to generate the Tenant")
    };
    let tenant = step(lp, "Generating tenant", "Unable to generate tenant", render).await?;
    lp.success("Tenant correctly generated");
    let apply = async {
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
        anyhow::Ok(())
    };
    step(
        rp,
        "Applying tenant on provider cluster",
        "Unable to apply tenant on provider cluster",
        apply,
    )
    .await?;
    rp.success("Tenant correctly applied on provider cluster");
    let tenant = step(
        rp,
        "Waiting for tenant status to be filled",
        "Failed waiting for tenant status to be updated",
        async {
            Ok(
                steps::await_tenant_status(remote, &remote_tenant_ns, &tenant.name_any(), left())
                    .await?,
            )
        },
    )
    .await?;
    rp.success("Tenant status is filled");

    step_named(rp, "Generating identity");
    let status = tenant.status.unwrap_or_default();
    let provider_ns = status.tenant_namespace.unwrap_or(remote_tenant_ns);
    let identity = render_controlplane_identity(
        &peers.remote.id,
        &local_tenant_ns,
        &provider_ns,
        status.auth_params.unwrap_or_default(),
    );
    rp.success("Identity correctly generated");
    let apply = async {
        if steps::apply_identity(local, &identity, FIELD_MANAGER).await? {
            journal::created(Scope::Local, &identity);
        }
        anyhow::Ok(())
    };
    step(
        lp,
        "Applying identity on consumer cluster",
        "Unable to apply identity on consumer cluster",
        apply,
    )
    .await?;
    lp.success("Identity correctly applied on consumer cluster");
    step(
        lp,
        "Waiting for identity status to be filled",
        "Failed waiting for identity status to be updated",
        async {
            Ok(
                steps::await_identity_status(local, &local_tenant_ns, &identity.name_any(), left())
                    .await?,
            )
        },
    )
    .await?;
    lp.success("Identity status is filled");
    Ok(())
}

/// One handshake step on the cluster of `printer`: named for an interruption (unless the
/// printer is held: its lines are not visible yet), and on failure `<fail>: <cause>` printed
/// there (authentication.md §9.1), the error returned printing nothing more. No spinner:
/// authenticate prints results only.
async fn step<T>(
    printer: &Printer,
    start: &str,
    fail: &str,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    step_named(printer, start);
    work.await.map_err(|e| {
        let message = format!("{fail}: {}", crate::exit::one_line(&e));
        printer.error(&message);
        crate::exit::Reported(message).into()
    })
}

/// Names the running step for an interruption, unless `printer` is held.
fn step_named(printer: &Printer, start: &str) {
    if !printer.holding() {
        interrupt::step(printer.scope(), start);
    }
}

/// Steps 3–4: the tenant namespace of `peer` on the side of `scope`, journaled if this run made
/// it (a concurrent run may have made it first: it is then adopted).
async fn ensure_tenant_namespace(
    client: &kube::Client,
    printer: &Printer,
    peer: &str,
    scope: Scope,
) -> anyhow::Result<String> {
    if !printer.holding() {
        interrupt::step(scope, "Ensuring tenant namespace");
    }
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
    let (lp, rp) = (&peers.local.printer, &peers.remote.printer);
    let ensure = async {
        let created =
            steps::ensure_nonce_secret(remote, remote_tenant_ns, &peers.local.id, FIELD_MANAGER)
                .await?;
        if created {
            journal::created_named(
                Scope::Remote,
                "Secret",
                Some(remote_tenant_ns),
                name::NONCE_SECRET,
            );
        }
        anyhow::Ok(())
    };
    step(
        rp,
        "Ensuring nonce secret",
        "Unable to create nonce secret",
        ensure,
    )
    .await?;
    rp.success("Nonce secret ensured");
    let nonce = step(
        rp,
        "Waiting for nonce to be generated",
        "Failed waiting for nonce to be generated",
        async { Ok(steps::await_nonce(remote, remote_tenant_ns, left()).await?) },
    )
    .await?;
    rp.success("Nonce generated successfully");
    rp.success("Nonce retrieved");

    let ensure = async {
        let created = steps::ensure_signed_nonce_secret(
            local,
            local_tenant_ns,
            &peers.remote.id,
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
        anyhow::Ok(())
    };
    step(
        lp,
        "Ensuring signed nonce",
        "Unable to ensure signed nonce secret",
        ensure,
    )
    .await?;
    lp.success("Signed nonce secret ensured");
    let signature = step(
        lp,
        "Waiting for nonce to be signed",
        "Failed waiting for nonce to be signed",
        async { Ok(steps::await_signature(local, local_tenant_ns, &nonce, left()).await?) },
    )
    .await?;
    lp.success("Nonce is signed");
    lp.success("Signed nonce retrieved");
    Ok((nonce, signature))
}

/// The provider's API-server proxy as the consumer reaches it through the tunnel.
async fn in_band_proxy(peers: &Peers) -> anyhow::Result<String> {
    let remote_liqo_ns = peers.remote.liqo_namespace.as_str();
    use kube::api::ListParams;
    use liqo_api::networking::Configuration;
    let no_ip = || {
        anyhow::anyhow!(
            "no IP found, make sure the Liqo Networking module is enabled and working (liqoctl network connect)"
        )
    };
    let ips: kube::Api<liqo_api::ipam::IP> =
        kube::Api::namespaced(peers.remote.client.clone(), remote_liqo_ns);
    let ip = match ips.get_opt(name::API_SERVER_PROXY_IP).await {
        Ok(found) => found.and_then(|o| o.status).and_then(|s| s.ip),
        Err(kube::Error::Api(e)) if e.code == 404 => None,
        Err(e) => return Err(e).context("failed to read the provider's API-server proxy IP"),
    };
    let ip: std::net::Ipv4Addr = ip
        .filter(|i| !i.is_empty())
        .ok_or_else(no_ip)?
        .parse()
        .map_err(|_| no_ip())?;
    let ns = tenant_namespace::lookup(&peers.local.client, &peers.remote.id)
        .await?
        .ok_or_else(no_ip)?
        .name_any();
    let selector = format!(
        "{}={}",
        liqo_api::consts::label::REMOTE_CLUSTER_ID,
        peers.remote.id
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
