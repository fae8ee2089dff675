//! Each side's network namespace: the one a flag gives, or the tenant namespace of the peer,
//! planned read-only before the first write and created when missing.

use kube::{Api, ResourceExt};
use liqo_api::networking::{Configuration, GatewayClient, GatewayServer, PublicKey};
use liqo_kube::network::lookup::by_peer;
use liqo_kube::tenant_namespace::{self, TenantNamespaceError};

use super::{NamespaceFlag, Net};
use crate::flows::auth::on_side;
use crate::{interrupt, journal};

const FIELD_MANAGER: &str = liqo_api::consts::field_manager::LIQOCTL;

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
    sides: [&Net<'_>; 2],
    flags: [&NamespaceFlag; 2],
) -> anyhow::Result<[NamespacePlan; 2]> {
    let (local, remote) = tokio::join!(
        plan_namespace(sides[0], flags[0]),
        plan_namespace(sides[1], flags[1]),
    );
    match (local, remote) {
        (Ok(l), Ok(r)) => Ok([l, r]),
        (Err(l), Err(r)) => Err(anyhow::anyhow!("{l:#}\n{r:#}")),
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

async fn plan_namespace(side: &Net<'_>, flag: &NamespaceFlag) -> anyhow::Result<NamespacePlan> {
    let label = side.label();
    let (flag, flag_name) = (flag.value.as_str(), flag.flag);
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
    tenant_namespace::plan(&side.client, &side.peer)
        .await
        .map(NamespacePlan::Tenant)
        .map_err(|e| on_side(label, e))
}

/// Creates the tenant namespaces `plans` say are missing (first writes of `connect`).
pub(super) async fn ensure_namespaces(
    sides: [&mut Net<'_>; 2],
    plans: [NamespacePlan; 2],
) -> anyhow::Result<()> {
    for (side, plan) in sides.into_iter().zip(plans) {
        side.namespace = match plan.existing() {
            Some(ns) => Some(ns),
            None => network_namespace(side, "", true).await?,
        };
    }
    Ok(())
}

/// Resolves each side's network namespace without creating any (teardown).
pub(super) async fn resolve_namespaces(
    sides: [&mut Net<'_>; 2],
    flags: [&NamespaceFlag; 2],
) -> anyhow::Result<()> {
    for (side, flag) in sides.into_iter().zip(flags) {
        side.namespace = network_namespace(side, &flag.value, false).await?;
    }
    Ok(())
}

/// Read-only: no side holds two objects for the peer of a kind `connect` writes (it would
/// stop half-way on "multiple ... found"); namespaces to be created hold nothing yet.
pub(super) async fn check_no_duplicates(
    [client_side, server_side]: [&Net<'_>; 2],
    plans: &[NamespacePlan; 2],
) -> anyhow::Result<()> {
    for ((side, is_server), plan) in [(client_side, false), (server_side, true)]
        .into_iter()
        .zip(plans)
    {
        let Some(ns) = plan.existing() else {
            continue;
        };
        let label = side.label();
        let in_cluster = |e: liqo_kube::network::lookup::LookupError| {
            anyhow::Error::new(e)
                .context(format!("{label} cluster: cannot connect in namespace {ns}"))
        };
        let client = side.client.clone();
        by_peer(
            &Api::<Configuration>::namespaced(client.clone(), &ns),
            &side.peer,
        )
        .await
        .map_err(in_cluster)?;
        by_peer(
            &Api::<PublicKey>::namespaced(client.clone(), &ns),
            &side.peer,
        )
        .await
        .map_err(in_cluster)?;
        if is_server {
            by_peer(&Api::<GatewayServer>::namespaced(client, &ns), &side.peer)
                .await
                .map_err(in_cluster)?;
        } else {
            by_peer(&Api::<GatewayClient>::namespaced(client, &ns), &side.peer)
                .await
                .map_err(in_cluster)?;
        }
    }
    Ok(())
}

fn given(flag: &str) -> bool {
    !flag.is_empty() && flag != "default"
}

/// A namespace given by flag wins; otherwise the tenant namespace of `peer`. Unlike upstream,
/// the kubeconfig context's namespace never moves the objects (networking.md §12.3).
async fn network_namespace(
    side: &Net<'_>,
    flag: &str,
    create: bool,
) -> anyhow::Result<Option<String>> {
    if given(flag) {
        return Ok(Some(flag.to_string()));
    }
    let (client, peer, printer) = (&side.client, side.peer.as_str(), &side.printer);
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
    let side = side.label();
    let ns = found.map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "an error occurred while {verb} {side} tenant namespace"
        ))
    })?;
    Ok(ns.map(|n| n.name_any()))
}
