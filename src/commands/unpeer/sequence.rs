//! The steps of `unpeer` over the flows, in the spec's order (peering.md §3.2), under one
//! deadline: offloading → authentication → network (unless bidirectional) → tenant namespaces
//! (with `--delete-namespaces`) → the ForeignClusters (ours: only once no direction remains).

use std::future::Future;
use std::time::Duration;

use anyhow::bail;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use liqo_api::authentication::{Identity, Tenant};
use liqo_api::consts::{label, name};
use liqo_kube::auth::identity::controlplane_name;

use super::UnpeerArgs;
use super::plan::{self, Item, Role, Scope as PlanScope};
use crate::ctx::Ctx;
use crate::exit::{ExitStatus, Reported, one_line};
use crate::flows::network::{NamespaceFlag, TeardownOptions};
use crate::flows::{auth, foreign_cluster, network, offload};
use crate::peers::{Peers, Side};
use crate::{interrupt, journal};

/// A little over `--timeout` for the outer bound: each wait takes what is left of the
/// deadline and names what it awaited; this only catches API calls that hang.
const OUTER_GRACE: Duration = Duration::from_secs(2);

pub async fn run(args: UnpeerArgs, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    let c = &args.clusters;
    interrupt::step(crate::printer::Scope::Global, "Connecting to both clusters");
    let peers = Peers::connect(ctx, &c.remote, &c.namespace, &c.remote_namespace).await?;
    let bidirectional = is_bidirectional(&peers).await?;
    if bidirectional && args.delete_namespaces {
        bail!(
            "cannot delete the tenant namespace when a bidirectional is enabled, please remove the --delete-namespaces flag"
        );
    }
    let scope = PlanScope {
        network: !bidirectional,
        namespaces: args.delete_namespaces,
    };
    let local = plan::side_plan(&peers.local, Role::Consumer, scope).await?;
    let remote = plan::side_plan(&peers.remote, Role::Provider, scope).await?;
    if args.dry_run {
        print_plan(ctx, &peers, &local, &remote, bidirectional);
        return Ok(ExitStatus::Success);
    }
    let global = peers.global_printer();
    if local.is_empty() && remote.is_empty() {
        global.success(format_args!(
            "Cluster {} is not peered with this cluster: nothing to unpeer",
            peers.remote.id
        ));
        return Ok(ExitStatus::Success);
    }
    let deadline = crate::flags::deadline(args.timeout);
    let flow = unpeer(&args, ctx, &peers, bidirectional, deadline);
    match tokio::time::timeout(args.timeout.saturating_add(OUTER_GRACE), flow).await {
        Ok(result) => result.map(|()| ExitStatus::Success),
        Err(_) => Err(interrupt::timed_out(
            &format!("unpeering cluster {}", peers.remote.id),
            args.timeout,
        )),
    }
}

/// The reverse peering exists: the provider consumes from the consumer, i.e. the consumer
/// holds a Tenant of the provider, or the provider a control-plane Identity for the consumer.
/// Upstream reads the ForeignCluster's role instead, which lags the objects by a controller
/// pass: right after the reverse direction's unpeer it still says ConsumerAndProvider, and
/// right after the reverse peer it does not yet, when tearing the shared network down would
/// break the reverse peering.
async fn is_bidirectional(peers: &Peers) -> anyhow::Result<bool> {
    let (local, remote) = (&peers.local, &peers.remote);
    let failed = |e: kube::Error| {
        anyhow::anyhow!(
            "an error occurred while checking bidirectional peering: {}",
            liqo_kube::api_error::render(&e)
        )
    };
    let of =
        |peer: &str| ListParams::default().labels(&format!("{}={peer}", label::REMOTE_CLUSTER_ID));
    let tenants = Api::<Tenant>::all(local.client.clone())
        .list(&of(&local.peer))
        .await
        .map_err(failed)?;
    if !tenants.items.is_empty() {
        return Ok(true);
    }
    let controlplane = controlplane_name(&remote.peer);
    let identities = match Api::<Identity>::all(remote.client.clone())
        .list(&of(&remote.peer))
        .await
    {
        Ok(list) => list,
        // A peering user on the provider may not list Identities: the consumer's Tenant,
        // read above, is then the only sign of the reverse peering.
        Err(kube::Error::Api(e)) if e.code == 403 => return Ok(false),
        Err(e) => return Err(failed(e)),
    };
    Ok(identities
        .items
        .iter()
        .any(|i| i.name_any() == controlplane))
}

fn print_plan(ctx: &Ctx, peers: &Peers, local: &[Item], remote: &[Item], bidirectional: bool) {
    for (label, items) in [("local", local), ("remote", remote)] {
        for item in items {
            ctx.printer.data(format_args!("({label}) {item}\n"));
        }
    }
    let global = peers.global_printer();
    if bidirectional {
        global.info(format_args!(
            "Cluster {} also consumes from this cluster: the network and the ForeignClusters would stay",
            peers.remote.id
        ));
    }
    global.info(format_args!(
        "Dry run: {} objects would be deleted on the local cluster and {} on the remote one; nothing was changed",
        local.len(),
        remote.len()
    ));
}

async fn unpeer(
    args: &UnpeerArgs,
    ctx: &Ctx,
    peers: &Peers,
    bidirectional: bool,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let failed = |what: &str, e| report(ctx, args, peers, what, e);
    let wait = args.wait;
    offload::teardown(&peers.local, Some(&peers.remote), wait, deadline)
        .await
        .map_err(|e| failed("offloading", e))?;
    bounded(
        left(),
        "removing the authentication",
        auth::unauthenticate(peers, wait),
    )
    .await
    .map_err(|e| failed("authentication", e))?;
    if !bidirectional {
        let options = TeardownOptions {
            local_namespace: NamespaceFlag::default(),
            remote_namespace: NamespaceFlag::default(),
            configurations: true,
            wait: true,
        };
        network::teardown(&peers.local, &peers.remote, &options, deadline)
            .await
            .map_err(|e| failed("networking", e))?;
    }
    if args.delete_namespaces {
        delete_tenant_namespaces(peers, wait, deadline).await?;
    }
    let global = peers.global_printer();
    if bidirectional {
        global.info(format_args!(
            "Network and ForeignClusters kept: cluster {} still consumes from this cluster",
            peers.remote.id
        ));
    } else if !wait {
        // The Tenant and Identity may still be going, and each would make the ForeignCluster
        // controller create the ForeignCluster again.
        global
            .info("ForeignClusters kept: with --wait=false the peering objects may still be going");
    } else {
        for side in [&peers.local, &peers.remote] {
            delete_foreign_cluster(side, deadline).await?;
        }
    }
    Ok(())
}

/// `work` within `timeout`, a timeout naming `what`.
async fn bounded(
    timeout: Duration,
    what: &str,
    work: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result,
        Err(_) => bail!("timed out waiting for the condition ({what})"),
    }
}

/// The fatal line of a failed phase (peering.md §3.2), then what is left and how to finish.
fn report(
    ctx: &Ctx,
    args: &UnpeerArgs,
    peers: &Peers,
    what: &str,
    e: anyhow::Error,
) -> anyhow::Error {
    let message = format!("error: unable to disable {what}: {}", one_line(&e));
    peers.local.printer.error(&message);
    let left = match what {
        "offloading" => {
            "the resource slices or virtual nodes not yet gone, the authentication, the network and the ForeignClusters"
        }
        "authentication" => "part of the authentication, the network and the ForeignClusters",
        _ => "part of the network and the ForeignClusters",
    };
    let undo = undo_command(ctx, args);
    peers.global_printer().warn(format_args!(
        "Left in place: {left} (and the tenant namespaces). Run the same command again to finish: {undo}"
    ));
    Reported(message).into()
}

/// This run's command line, for the "run it again" hint.
fn undo_command(ctx: &Ctx, args: &UnpeerArgs) -> String {
    let c = &args.clusters;
    let mut extra = Vec::new();
    if c.namespace != name::LIQO_NAMESPACE {
        extra.push(journal::flag("", "namespace", &c.namespace));
    }
    if c.remote_namespace != name::LIQO_NAMESPACE {
        extra.push(journal::flag("", "remote-namespace", &c.remote_namespace));
    }
    if args.delete_namespaces {
        extra.push("--delete-namespaces".into());
    }
    journal::Undo::new(&ctx.global.local, &c.remote, &["unpeer"], &extra).command
}

/// Step 9: the tenant namespaces, the consumer's then the provider's; with `wait`, until both
/// are gone. Both are deleted before either is awaited (the namespace controller takes
/// seconds over each), so the lines read: delete, delete, wait, wait.
async fn delete_tenant_namespaces(
    peers: &Peers,
    wait: bool,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let local = delete_tenant_namespace(&peers.local).await?;
    let remote = delete_tenant_namespace(&peers.remote).await?;
    if !wait {
        return Ok(());
    }
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    // The provider's runs meanwhile; its line comes after the consumer's.
    let remote_wait = remote.map(|ns| {
        let client = peers.remote.client.clone();
        let timeout = left();
        tokio::spawn(async move { namespace_gone(client, ns, timeout).await })
    });
    if let Some(ns) = local {
        let gone = namespace_gone(peers.local.client.clone(), ns, left());
        await_namespace_step(&peers.local, gone).await?;
    }
    if let Some(handle) = remote_wait {
        let gone = async {
            handle
                .await
                .map_err(|e| anyhow::anyhow!("the wait stopped: {e}"))?
        };
        await_namespace_step(&peers.remote, gone).await?;
    }
    Ok(())
}

/// The side's tenant namespace for its peer deleted; its name, if there was one.
async fn delete_tenant_namespace(side: &Side) -> anyhow::Result<Option<String>> {
    side.step(
        "Deleting tenant namespace",
        "Failed deleting tenant namespace",
        |found: &Option<String>| {
            if found.is_some() {
                "Tenant namespace deleted".into()
            } else {
                "Tenant namespace already deleted".into()
            }
        },
        async {
            let Some(ns) = liqo_kube::tenant_namespace::lookup(&side.client, &side.peer)
                .await?
                .map(|n| n.name_any())
            else {
                return anyhow::Ok(None);
            };
            let api: Api<Namespace> = Api::all(side.client.clone());
            liqo_kube::wait::deleted(&api, &ns, None).await?;
            Ok(Some(ns))
        },
    )
    .await
}

async fn await_namespace_step(
    side: &Side,
    gone: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    side.step(
        "Waiting for tenant namespace to be deleted",
        "Failed waiting for tenant namespace to be deleted",
        |()| "Ensured tenant namespace absence".into(),
        gone,
    )
    .await
}

/// Watches namespace `ns` until it is gone, naming what still holds it on timeout.
async fn namespace_gone(client: kube::Client, ns: String, timeout: Duration) -> anyhow::Result<()> {
    liqo_kube::wait::object(
        Api::<Namespace>::all(client),
        &ns,
        &format!("namespace {ns} to be deleted"),
        timeout,
        |n| n.is_none(),
        |n| match n.and_then(|n| n.status.clone()?.conditions) {
            Some(c) => format!(
                "still terminating: {}",
                c.iter()
                    .filter_map(|c| c.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            None => "still present".into(),
        },
    )
    .await?;
    Ok(())
}

/// Ours: the side's ForeignCluster for its peer, once nothing of the peering is left (it
/// would be re-created otherwise), waiting until it is gone.
async fn delete_foreign_cluster(side: &Side, deadline: tokio::time::Instant) -> anyhow::Result<()> {
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    side.step(
        "Deleting foreign cluster",
        "Failed deleting foreign cluster",
        |existed: &Option<bool>| match existed {
            Some(true) => format!("ForeignCluster {} deleted", side.peer),
            Some(false) => format!("ForeignCluster {} already deleted", side.peer),
            None => format!(
                "ForeignCluster {} kept: this user may not read ForeignClusters here (an administrator can delete it)",
                side.peer
            ),
        },
        async {
            match foreign_cluster::delete(&side.client, &side.peer, Some(left)).await {
                Err(e) if crate::exit::is_forbidden(&e) => Ok(None),
                done => done.map(Some),
            }
        },
    )
    .await
    .map(drop)
}
