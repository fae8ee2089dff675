//! What the three `network` commands share: flags, the two-cluster context with each side's
//! network namespace, and a step runner that prints the spec's spinner lines.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use kube::{Client, ResourceExt};
use liqo_api::consts::name;
use liqo_kube::tenant_namespace::{self, TenantNamespaceError};

use crate::cli::{RemoteClusterArgs, parse_timeout};
use crate::ctx::Ctx;
use crate::exit::Reported;
use crate::peers::Peers;
use crate::printer::Printer;

pub(super) const FIELD_MANAGER: &str = liqo_api::consts::field_manager::LIQOCTL;

/// Flags of every `network` command.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// Namespace of the network objects in the local cluster (empty or `default`: the tenant
    /// namespace of the remote cluster).
    #[arg(short = 'n', long = "namespace", default_value = "")]
    pub namespace: String,
    /// Namespace of the network objects in the remote cluster (empty or `default`: the tenant
    /// namespace of the local cluster).
    #[arg(long, default_value = "")]
    pub remote_namespace: String,
    /// The local Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    pub liqo_namespace: String,
    /// The remote Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    pub remote_liqo_namespace: String,
    /// Bound on the whole command.
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
            namespace: None,
            liqo_namespace: args.liqo_namespace.clone(),
            id: &peers.local_id,
            peer: &peers.remote_id,
        },
        remote: Side {
            client: &peers.remote.client,
            printer: &peers.remote_printer,
            namespace: None,
            liqo_namespace: args.remote_liqo_namespace.clone(),
            id: &peers.remote_id,
            peer: &peers.local_id,
        },
    }
}

/// Resolves both sides' network namespaces.
pub(super) async fn pair<'a>(
    peers: &'a Peers,
    args: &CommonArgs,
    create: bool,
) -> anyhow::Result<Pair<'a>> {
    let local_ns = network_namespace(
        &peers.local.client,
        &args.namespace,
        &peers.remote_id,
        create,
        "local",
        &peers.local_printer,
    )
    .await?;
    let remote_ns = network_namespace(
        &peers.remote.client,
        &args.remote_namespace,
        &peers.local_id,
        create,
        "remote",
        &peers.remote_printer,
    )
    .await?;
    let mut pair = sides(peers, args);
    pair.local.namespace = local_ns;
    pair.remote.namespace = remote_ns;
    Ok(pair)
}

/// A namespace given by flag wins; otherwise the tenant namespace of `peer`. Unlike upstream,
/// the kubeconfig context's namespace never moves the objects (networking.md §12.3).
async fn network_namespace(
    client: &Client,
    flag: &str,
    peer: &str,
    create: bool,
    side: &str,
    printer: &Printer,
) -> anyhow::Result<Option<String>> {
    if !flag.is_empty() && flag != "default" {
        return Ok(Some(flag.to_string()));
    }
    let found = if create {
        match tenant_namespace::ensure(client, peer, FIELD_MANAGER).await {
            Err(TenantNamespaceError::Api("create", _, kube::Error::Api(e))) if e.code == 403 => {
                printer.warn(
                    "Current user has no permissions to create a namespace in the remote cluster. Checking whether a tenant namespace has been created in advance",
                );
                tenant_namespace::lookup(client, peer).await
            }
            other => other.map(Some),
        }
    } else {
        tenant_namespace::lookup(client, peer).await
    };
    let verb = if create { "creating" } else { "retrieving" };
    let ns = found.map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "an error occurred while {verb} {side} tenant namespace"
        ))
    })?;
    Ok(ns.map(|n| n.name_any()))
}

/// Runs one step: a spinner with `start`, then `ok` (which may depend on the result) or
/// `<fail>: <cause>`. A failure is reported here, so the error returned prints nothing more.
pub(super) async fn step<T, E>(
    printer: &Printer,
    start: impl Into<String>,
    fail: impl Display,
    ok: impl FnOnce(&T) -> String,
    work: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: Into<anyhow::Error>,
{
    let spinner = printer.spinner(start);
    match work.await {
        Ok(value) => {
            spinner.success(ok(&value));
            Ok(value)
        }
        Err(e) => {
            let e: anyhow::Error = e.into();
            let message = format!("{fail}: {e:#}");
            spinner.fail(&message);
            Err(Reported(message).into())
        }
    }
}

/// The time left before `deadline`.
pub(super) fn left(deadline: tokio::time::Instant) -> Duration {
    deadline.saturating_duration_since(tokio::time::Instant::now())
}
