//! The phases of `peer` over the flows, in the spec's order (peering.md §2.2), under one
//! deadline. Out-of-band authentication does not need the tunnel, so phase B runs while phase A
//! builds it; its lines are held back and printed after A's, so the transcript is the one a
//! sequential run prints. In-band authentication needs the tunnel and runs after it; phase C
//! always does (the virtual kubelet is started with the tunnel's remapped CIDRs).

use std::future::Future;
use std::time::Duration;

use liqo_api::consts::name;
use liqo_kube::crypto::ClusterKeys;
use liqo_kube::offloading::resource_slice::{self as slice_builder, SliceRequest};

use super::PeerArgs;
use super::versions;
use crate::ctx::Ctx;
use crate::exit::{ExitStatus, Reported, one_line};
use crate::flags::PeerClusterArgs;
use crate::flows::auth::{self, AuthOptions};
use crate::flows::foreign_cluster::{self, ModuleKind};
use crate::flows::network::{self as net, ConnectOptions, NamespaceFlag, TemplateFlags};
use crate::flows::offload;
use crate::peers::Peers;
use crate::printer::{Printer, Scope};
use crate::{interrupt, journal};

/// A little over `--timeout` for the outer bound: each wait takes what is left of the
/// deadline and names what it awaited; this only catches API calls that hang.
const OUTER_GRACE: Duration = Duration::from_secs(2);

pub async fn run(args: PeerArgs, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
    journal::begin(undo(ctx, &args.clusters));
    // Flags first: a bad quantity is refused before any cluster is contacted.
    if args.create_resource_slice {
        slice_builder::build(&slice_request(&args, "placeholder"), "")?;
    }
    interrupt::step(Scope::Global, "Connecting to both clusters");
    let c = &args.clusters;
    let peers = Peers::connect(ctx, &c.remote, &c.namespace, &c.remote_namespace).await?;
    let deadline = crate::flags::deadline(args.timeout);
    let flow = peer(&args, ctx, &peers, deadline);
    match tokio::time::timeout(args.timeout.saturating_add(OUTER_GRACE), flow).await {
        Ok(result) => result.map(|()| ExitStatus::Success),
        Err(_) => Err(interrupt::timed_out(
            &format!("peering with cluster {}", peers.remote.id),
            args.timeout,
        )),
    }
}

async fn peer(
    args: &PeerArgs,
    ctx: &Ctx,
    peers: &Peers,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    // Both read only, so at once: the versions, and the authentication's checks, which run
    // before the network writes anything.
    let global = peers.global_printer();
    let (versions, key) = tokio::join!(
        versions::handshake(peers),
        phase(&global, "authentication", auth::preflight(peers)),
    );
    let key = key?;
    let auth_options = AuthOptions {
        proxy_url: args.proxy_url.clone(),
        in_band: args.in_band,
    };
    let authenticate = |peers| authenticate(peers, &key, &auth_options, deadline);
    if args.networking_disabled {
        authenticate(peers).await?;
    } else if args.in_band || args.proxy_url.is_some() {
        // The proxy URL is resolved through the tunnel's Configuration: after phase A.
        phase(&global, "networking", network(args, peers, deadline)).await?;
        authenticate(peers).await?;
    } else {
        // Out-of-band authentication does not need the tunnel: it runs meanwhile, its lines
        // held. The slice waits for the network: a virtual node made before the Configuration
        // is remapped would start without the remote CIDRs and roll out again.
        let (held, gate) = ctx.printer.held();
        let held_peers = peers.with_printer(&held);
        let a = phase(&global, "networking", network(args, peers, deadline));
        let b = authenticate(&held_peers);
        tokio::pin!(a, b);
        let mut b_result = None;
        let a_result = loop {
            tokio::select! {
                r = &mut a => break r,
                r = &mut b, if b_result.is_none() => b_result = Some(r),
            }
        };
        // A failed network drops B where it is (the journal lists what it made) and its held
        // lines: a sequential run would not have printed them.
        a_result?;
        gate.release();
        match b_result {
            Some(result) => result?,
            None => b.await?,
        }
    }
    let virtual_node = phase(&global, "offloading", offloading(args, peers, deadline)).await?;
    if args.wait_virtual_node {
        await_reported_healthy(args, peers, virtual_node, deadline).await?;
    }
    // Held lines were printed in one burst after phase A: without this, an interruption now
    // would name A's last step, long finished.
    interrupt::step(
        Scope::Global,
        "Recording the Liqo versions on both ForeignClusters",
    );
    versions::record(peers, &versions).await;
    Ok(())
}

/// Phase B.
async fn authenticate(
    peers: &Peers,
    key: &ClusterKeys,
    options: &AuthOptions,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let handshake = async {
        let proxy_url = options.proxy_url(peers).await?;
        auth::handshake(peers, key, proxy_url.as_deref(), deadline).await
    };
    phase(&peers.global_printer(), "authentication", handshake).await
}

/// Runs one phase; a failure is reported as upstream does (`Unable to ensure <what>: <err>`,
/// global scope) and the error returned prints nothing more.
async fn phase<T>(
    global: &Printer,
    what: &str,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    work.await.map_err(|e| {
        let message = format!("Unable to ensure {what}: {}", one_line(&e));
        global.error(&message);
        Reported(message).into()
    })
}

/// Phase A: `network connect` with the gateway server on the provider (or the consumer).
async fn network(
    args: &PeerArgs,
    peers: &Peers,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let options = connect_options(args);
    let (client, server) = if args.gw_server_service_location == "Consumer" {
        (&peers.remote, &peers.local)
    } else {
        (&peers.local, &peers.remote)
    };
    net::connect(client, server, &options, deadline).await
}

fn connect_options(args: &PeerArgs) -> ConnectOptions {
    // Everything goes into the tenant namespaces (peering.md §2.1 "fixed internal values").
    let tenant = NamespaceFlag::default;
    let template = |type_: &str, name: &str| TemplateFlags {
        type_: type_.into(),
        name: name.into(),
        namespace: String::new(),
    };
    ConnectOptions {
        client_namespace: tenant(),
        server_namespace: tenant(),
        skip_validation: args.skip_validation,
        server_template: template(
            name::GATEWAY_SERVER_TEMPLATE_TYPE,
            name::GATEWAY_SERVER_TEMPLATE,
        ),
        client_template: template(
            name::GATEWAY_CLIENT_TEMPLATE_TYPE,
            name::GATEWAY_CLIENT_TEMPLATE,
        ),
        service_type: args.gw_server_service_type.clone(),
        service_port: args.gw_server_service_port,
        service_node_port: args.gw_server_service_nodeport,
        service_load_balancer_ip: args.gw_server_service_loadbalancerip.clone(),
        client_address: args.gw_client_address.clone(),
        client_port: args.gw_client_port,
        mtu: args.mtu,
        share_keys: true,
        wait: true,
    }
}

/// Phase C and the wait we add: the ResourceSlice named after the provider, then its
/// virtual node and Node Ready.
async fn offloading(
    args: &PeerArgs,
    peers: &Peers,
    deadline: tokio::time::Instant,
) -> anyhow::Result<bool> {
    if !args.create_resource_slice {
        return Ok(false);
    }
    let local = &peers.local;
    let request = slice_request(args, &peers.remote.id);
    let slice = offload::plan_slice(&local.client, &request).await?;
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let slice =
        offload::create_slice(&local.client, &local.printer, Scope::Local, &slice, left()).await?;
    if !(args.create_virtual_node && args.wait_virtual_node) {
        return Ok(false);
    }
    if !slice.is_resources_accepted() {
        local
            .printer
            .info("Not waiting for the virtual node: the provider has not granted resources");
        return Ok(false);
    }
    let ns = slice.metadata.namespace.clone().unwrap_or_default();
    offload::await_virtual_node(&local.client, &local.printer, &ns, &request.name, left()).await?;
    Ok(true)
}

/// The last wait we add: the consumer's ForeignCluster reports every module this run set up
/// Healthy, so that `liqoctl info` right after `peer` agrees (its controller follows the
/// objects a moment later).
async fn await_reported_healthy(
    args: &PeerArgs,
    peers: &Peers,
    virtual_node: bool,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let mut modules = vec![ModuleKind::Authentication];
    if !args.networking_disabled {
        modules.insert(0, ModuleKind::Networking);
    }
    if virtual_node {
        modules.push(ModuleKind::Offloading);
    }
    let local = &peers.local;
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    local
        .step(
            "Waiting for the peering to be reported healthy",
            "Failed waiting for the peering to be reported healthy",
            |_| format!("Peering with cluster {} is healthy", local.peer),
            foreign_cluster::await_healthy(&local.client, &local.peer, &modules, left),
        )
        .await
}

fn slice_request(args: &PeerArgs, provider: &str) -> SliceRequest {
    SliceRequest {
        name: provider.to_string(),
        remote_cluster_id: provider.to_string(),
        class: args.resource_slice_class.clone(),
        cpu: args.cpu.clone(),
        memory: args.memory.clone(),
        pods: args.pods.clone(),
        resources: args.resources.clone(),
        create_virtual_node: args.create_virtual_node,
    }
}

/// `liqoctl unpeer` with this run's cluster and namespace flags.
fn undo(ctx: &Ctx, clusters: &PeerClusterArgs) -> journal::Undo {
    let mut extra = Vec::new();
    if clusters.namespace != name::LIQO_NAMESPACE {
        extra.push(journal::flag("", "namespace", &clusters.namespace));
    }
    if clusters.remote_namespace != name::LIQO_NAMESPACE {
        extra.push(journal::flag(
            "",
            "remote-namespace",
            &clusters.remote_namespace,
        ));
    }
    journal::Undo::new(&ctx.global.local, &clusters.remote, &["unpeer"], &extra)
}
