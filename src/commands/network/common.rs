//! What the three `network` commands share: flags, the two-cluster context with each side's
//! network namespace, and a step runner that prints the spec's spinner lines.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use kube::Api;
use kube::{Client, ResourceExt};
use liqo_api::consts::name;
use liqo_api::networking::{Configuration, GatewayClient, GatewayServer, PublicKey};
use liqo_kube::network::lookup::by_peer;
use liqo_kube::tenant_namespace::{self, TenantNamespaceError};

use crate::cli::{RemoteClusterArgs, parse_timeout};
use crate::commands::authenticate::on_side;
use crate::ctx::Ctx;
use crate::exit::Reported;
use crate::interrupt;
use crate::journal;
use crate::peers::Peers;
use crate::printer::{Printer, Scope};

pub(super) const FIELD_MANAGER: &str = liqo_api::consts::field_manager::LIQOCTL;

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

/// One side of the pair: its client, printer and the namespace of its network objects (`None`
/// when it does not exist and could not be created).
pub(super) struct Side<'a> {
    pub client: &'a Client,
    pub printer: &'a Printer,
    /// Which cluster this is, for the step names.
    pub scope: Scope,
    pub namespace: Option<String>,
    /// The Liqo namespace of this side.
    pub liqo_namespace: String,
    /// This side's cluster ID.
    pub id: &'a str,
    /// The other side's cluster ID.
    pub peer: &'a str,
}

/// Both clusters, resolved.
pub(super) struct Pair<'a> {
    pub local: Side<'a>,
    pub remote: Side<'a>,
}

/// Connects both clusters and resolves each side's network namespace (networking.md §7.1).
/// With `create`, a missing tenant namespace is created.
pub(super) async fn connect_peers(ctx: &Ctx, args: &CommonArgs) -> anyhow::Result<Peers> {
    Peers::connect(
        ctx,
        &args.remote,
        &args.liqo_namespace,
        &args.remote_liqo_namespace,
    )
    .await
}

/// A namespaced Liqo object the network commands look up by peer and wait on.
pub(super) trait TenantObject:
    kube::Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
    + Clone
    + serde::de::DeserializeOwned
    + std::fmt::Debug
    + Send
    + Sync
    + 'static
{
}

impl<K> TenantObject for K where
    K: kube::Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static
{
}

/// Both sides, their network namespaces not resolved yet.
pub(super) fn sides<'a>(peers: &'a Peers, args: &CommonArgs) -> Pair<'a> {
    Pair {
        local: Side {
            client: &peers.local.client,
            printer: &peers.local_printer,
            scope: Scope::Local,
            namespace: None,
            liqo_namespace: args.liqo_namespace.clone(),
            id: &peers.local_id,
            peer: &peers.remote_id,
        },
        remote: Side {
            client: &peers.remote.client,
            printer: &peers.remote_printer,
            scope: Scope::Remote,
            namespace: None,
            liqo_namespace: args.remote_liqo_namespace.clone(),
            id: &peers.remote_id,
            peer: &peers.local_id,
        },
    }
}

/// Resolves both sides' network namespaces; with `create`, a missing tenant namespace is
/// created (and journaled).
pub(super) async fn pair<'a>(
    peers: &'a Peers,
    args: &CommonArgs,
    create: bool,
) -> anyhow::Result<Pair<'a>> {
    let mut pair = sides(peers, args);
    let flags = [&args.namespace, &args.remote_namespace];
    for (side, flag) in [&mut pair.local, &mut pair.remote].into_iter().zip(flags) {
        side.namespace = network_namespace(side, flag, create).await?;
    }
    Ok(pair)
}

/// What a side's network namespace is before anything is written: given by flag, an existing
/// tenant namespace, or a tenant namespace to create.
#[derive(Debug, Clone)]
pub(super) enum NamespacePlan {
    /// `-n` / `--remote-namespace`, checked to exist.
    Given(String),
    /// The tenant namespace of the peer, existing or to be created.
    Tenant(tenant_namespace::Plan),
}

impl NamespacePlan {
    /// The namespace, if it exists already.
    pub fn existing(&self) -> Option<String> {
        match self {
            NamespacePlan::Given(ns) => Some(ns.clone()),
            NamespacePlan::Tenant(tenant_namespace::Plan::Existing(ns)) => Some(ns.name_any()),
            NamespacePlan::Tenant(tenant_namespace::Plan::Create(_)) => None,
        }
    }
}

/// Read-only: each side's network namespace, refusing before any write a foreign namespace
/// holding the tenant name (naming its wrong labels), duplicates, a namespace being deleted,
/// a missing namespace the user may not create, or a `-n` namespace that does not exist. Both
/// sides are checked; when both are wrong both are said.
pub(super) async fn plan_namespaces(
    pair: &Pair<'_>,
    args: &CommonArgs,
) -> anyhow::Result<[NamespacePlan; 2]> {
    let (local, remote) = tokio::join!(
        plan_namespace(&pair.local, &args.namespace, "--namespace"),
        plan_namespace(&pair.remote, &args.remote_namespace, "--remote-namespace"),
    );
    match (local, remote) {
        (Ok(l), Ok(r)) => Ok([l, r]),
        (Err(l), Err(r)) => Err(anyhow::anyhow!("{l:#}\n{r:#}")),
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

async fn plan_namespace(
    side: &Side<'_>,
    flag: &str,
    flag_name: &str,
) -> anyhow::Result<NamespacePlan> {
    let label = side_label(side.scope);
    if given(flag) {
        let api: kube::Api<k8s_openapi::api::core::v1::Namespace> =
            kube::Api::all(side.client.clone());
        return match api.get_opt(flag).await {
            Ok(Some(_)) => Ok(NamespacePlan::Given(flag.into())),
            Ok(None) => anyhow::bail!(
                "{label} cluster: namespace {flag} (given by {flag_name}) does not exist"
            ),
            // A user that may not read namespaces may still write in this one.
            Err(kube::Error::Api(e)) if e.code == 403 => Ok(NamespacePlan::Given(flag.into())),
            Err(e) => Err(anyhow::Error::new(e).context(format!(
                "{label} cluster: failed to read namespace {flag} (given by {flag_name})"
            ))),
        };
    }
    tenant_namespace::plan(side.client, side.peer)
        .await
        .map(NamespacePlan::Tenant)
        .map_err(|e| on_side(label, e))
}

/// Creates the tenant namespaces `plans` say are missing (first writes of `connect`).
pub(super) async fn ensure_namespaces<'a>(
    mut pair: Pair<'a>,
    plans: [NamespacePlan; 2],
) -> anyhow::Result<Pair<'a>> {
    for (side, plan) in [&mut pair.local, &mut pair.remote].into_iter().zip(plans) {
        side.namespace = match plan.existing() {
            Some(ns) => Some(ns),
            None => network_namespace(side, "", true).await?,
        };
    }
    Ok(pair)
}

/// Read-only: no side holds two objects for the peer of a kind `connect` writes (it would
/// stop half-way on "multiple ... found"); namespaces to be created hold nothing yet.
pub(super) async fn check_no_duplicates(
    pair: &Pair<'_>,
    plans: &[NamespacePlan; 2],
) -> anyhow::Result<()> {
    for (side, plan) in [&pair.local, &pair.remote].into_iter().zip(plans) {
        let Some(ns) = plan.existing() else {
            continue;
        };
        let label = if side.scope == Scope::Remote {
            "remote"
        } else {
            "local"
        };
        let in_cluster = |e: liqo_kube::network::lookup::LookupError| {
            anyhow::Error::new(e)
                .context(format!("{label} cluster: cannot connect in namespace {ns}"))
        };
        let client = side.client.clone();
        by_peer(
            &Api::<Configuration>::namespaced(client.clone(), &ns),
            side.peer,
        )
        .await
        .map_err(in_cluster)?;
        by_peer(
            &Api::<PublicKey>::namespaced(client.clone(), &ns),
            side.peer,
        )
        .await
        .map_err(in_cluster)?;
        if side.scope == Scope::Remote {
            by_peer(&Api::<GatewayServer>::namespaced(client, &ns), side.peer)
                .await
                .map_err(in_cluster)?;
        } else {
            by_peer(&Api::<GatewayClient>::namespaced(client, &ns), side.peer)
                .await
                .map_err(in_cluster)?;
        }
    }
    Ok(())
}

fn given(flag: &str) -> bool {
    !flag.is_empty() && flag != "default"
}

fn side_label(scope: Scope) -> &'static str {
    if scope == Scope::Remote {
        "remote"
    } else {
        "local"
    }
}

/// A namespace given by flag wins; otherwise the tenant namespace of `peer`. Unlike upstream,
/// the kubeconfig context's namespace never moves the objects (networking.md §12.3).
async fn network_namespace(
    side: &Side<'_>,
    flag: &str,
    create: bool,
) -> anyhow::Result<Option<String>> {
    if given(flag) {
        return Ok(Some(flag.to_string()));
    }
    let (client, peer, printer) = (side.client, side.peer, side.printer);
    let found = if create {
        interrupt::step(side.scope, "Ensuring tenant namespace");
        match tenant_namespace::ensure_created(client, peer, FIELD_MANAGER).await {
            Ok(ensured) => {
                if ensured.created {
                    journal::created(side.scope, &ensured.namespace);
                }
                Ok(Some(ensured.namespace))
            }
            Err(TenantNamespaceError::Api("create", _, kube::Error::Api(e))) if e.code == 403 => {
                printer.warn(
                    "Current user has no permissions to create a namespace in the remote cluster. Checking whether a tenant namespace has been created in advance",
                );
                tenant_namespace::lookup(client, peer).await
            }
            Err(e) => Err(e),
        }
    } else {
        tenant_namespace::lookup(client, peer).await
    };
    let verb = if create { "creating" } else { "retrieving" };
    let side = side_label(side.scope);
    let ns = found.map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "an error occurred while {verb} {side} tenant namespace"
        ))
    })?;
    Ok(ns.map(|n| n.name_any()))
}

/// Runs one step on `side`: a spinner with `start` (also what an interruption names, with the
/// side's scope), then `ok` (which may depend on the result) or `<fail>: <cause>`. A failure is
/// reported here, so the error returned prints nothing more.
pub(super) async fn side_step<T, E>(
    side: &Side<'_>,
    start: impl Into<String>,
    fail: impl Display,
    ok: impl FnOnce(&T) -> String,
    work: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: Into<anyhow::Error>,
{
    let start = start.into();
    interrupt::step(side.scope, &start);
    let spinner = side.printer.spinner(start);
    match work.await {
        Ok(value) => {
            spinner.success(ok(&value));
            Ok(value)
        }
        Err(e) => {
            let e: anyhow::Error = e.into();
            let message = format!("{fail}: {}", crate::exit::one_line(&e));
            spinner.fail(&message);
            Err(Reported(message).into())
        }
    }
}

/// The time left before `deadline`.
pub(super) fn left(deadline: tokio::time::Instant) -> Duration {
    deadline.saturating_duration_since(tokio::time::Instant::now())
}
