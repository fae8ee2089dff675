//! The gateway from start to SIGTERM: host setup, the tunnel, the packet loop, the
//! connection check, then either the Kubernetes side or the standalone configuration.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine as _;
use liqo_api::consts::name;
use liqo_api::networking::ConnectionStatusValue;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::args::{Args, Mode};
use crate::checker::{self, PingerConfig};
use crate::control::{self, Identity};
use crate::dataplane::{self, Shared};
use crate::diagnosis;
use crate::endpoint;
use crate::health::{PING_PORT, StatusGate, Update};
use crate::netconf;
use crate::plan::Plan;
use crate::probe;
use crate::tun::Tun;
use crate::udp::Udp;

/// Name of the tunnel interface.
pub const TUNNEL_INTERFACE: &str = name::TUNNEL_INTERFACE;
/// The server's tunnel address (/30).
pub const SERVER_ADDRESS: Ipv4Addr = Ipv4Addr::new(169, 254, 18, 1);
/// The client's tunnel address (/30).
pub const CLIENT_ADDRESS: Ipv4Addr = Ipv4Addr::new(169, 254, 18, 2);
/// How often WireGuard's timers run.
const TIMER_TICK: Duration = Duration::from_millis(250);

/// Runs the gateway until SIGTERM/SIGINT (Ok) or a fatal data-plane error.
///
/// # Errors
/// Anything that prevents the gateway from working, with its cause.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let missing = args.missing();
    if !missing.is_empty() {
        bail!("missing required flags: {}", missing.join(", "));
    }
    if let Some(address) = &args.endpoint_address
        && address.parse::<std::net::Ipv6Addr>().is_ok()
    {
        bail!("endpoint {address} is IPv6; the tunnel runs over IPv4 only");
    }
    if !args.disable_kernel_version_check {
        netconf::check_kernel_version()?;
    }
    let private_key = read_key(&args.private_key_path())?;
    check_public_key(&args.keys_dir.join("publicKey"), private_key);
    netconf::write_sysctls()?;
    let (shared, tun) = open_tunnel(&args, private_key)?;
    let (fatal_tx, mut fatal_rx) = mpsc::unbounded_channel();
    dataplane::spawn(shared.clone(), tun, fatal_tx).context("failed to start the packet loop")?;
    let mut tasks = JoinSet::new();
    spawn_timers_and_endpoint(&args, &shared, &mut tasks);
    serve_probes(&args, &mut tasks).await;
    // Whatever an earlier (killed) run left is replaced now.
    netconf::remove_plan().context("failed to clear stale routes and NAT")?;
    let ping_socket = checker::bind()
        .await
        .context("failed to bind the connection-check port 12345")?;
    let (pong_tx, pong_rx) = mpsc::channel(64);
    tasks.spawn(checker::respond(ping_socket.clone(), pong_tx));
    let checks = Checks {
        socket: ping_socket,
        pongs: pong_rx,
        pinger: PingerConfig {
            peer_cluster_id: args.remote_cluster_id.clone(),
            peer_addr: peer_address(args.mode),
            peer_port: PING_PORT,
            interval: args.ping_interval,
            loss_threshold: args.ping_loss_threshold,
        },
    };
    match &args.peer_public_key {
        Some(key) => start_standalone(&args, key, &shared, checks, &mut tasks)?,
        None => start_kubernetes(&args, &shared, checks, &mut tasks).await?,
    }
    tracing::info!("gateway ready");

    let mut term = signal(SignalKind::terminate()).context("failed to handle SIGTERM")?;
    let result = tokio::select! {
        _ = term.recv() => Ok(()),
        _ = tokio::signal::ctrl_c() => Ok(()),
        Some(e) = fatal_rx.recv() => Err(e),
    };
    let counters = &shared.counters;
    tracing::info!(
        tx_packets = counters.tx_packets.load(Ordering::Relaxed),
        rx_packets = counters.rx_packets.load(Ordering::Relaxed),
        rx_errors = counters.rx_errors.load(Ordering::Relaxed),
        "shutting down"
    );
    tasks.abort_all();
    if let Err(e) = netconf::remove_plan() {
        tracing::warn!(error = format!("{e:#}"), "failed to remove routes and NAT");
    }
    result
}

fn local_address(mode: Mode) -> Ipv4Addr {
    match mode {
        Mode::Server => SERVER_ADDRESS,
        Mode::Client => CLIENT_ADDRESS,
    }
}

fn peer_address(mode: Mode) -> Ipv4Addr {
    match mode {
        Mode::Server => CLIENT_ADDRESS,
        Mode::Client => SERVER_ADDRESS,
    }
}

/// The TUN device (configured and up) and the UDP socket, in the state shared with the packet
/// threads.
fn open_tunnel(args: &Args, private_key: [u8; 32]) -> anyhow::Result<(Arc<Shared>, Tun)> {
    let local = local_address(args.mode);
    let tun = Tun::create(TUNNEL_INTERFACE).context("failed to create the tunnel interface")?;
    netconf::configure_link(TUNNEL_INTERFACE, args.mtu, local)
        .context("failed to configure the tunnel interface")?;
    let port = match args.mode {
        Mode::Server => args.listen_port,
        Mode::Client => 0,
    };
    let udp = Udp::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))
        .with_context(|| format!("failed to bind UDP port {port}"))?;
    tracing::info!(mode = ?args.mode, interface = TUNNEL_INTERFACE, %local, listen = %udp.local_addr()?, mtu = args.mtu, "tunnel interface up");
    let shared = Arc::new(Shared::new(udp, private_key, args.mode == Mode::Server));
    Ok((shared, tun))
}

/// WireGuard's timers, and the client's endpoint (static, or followed through DNS).
fn spawn_timers_and_endpoint(args: &Args, shared: &Arc<Shared>, tasks: &mut JoinSet<()>) {
    let ticker = shared.clone();
    tasks.spawn(async move {
        let mut tick = tokio::time::interval(TIMER_TICK);
        loop {
            tick.tick().await;
            ticker.tick();
        }
    });
    if let (Mode::Client, Some(address)) = (args.mode, &args.endpoint_address) {
        match endpoint::static_endpoint(address, args.endpoint_port) {
            Some(e) => shared.set_endpoint(e),
            None => {
                let (s, host) = (shared.clone(), address.clone());
                let (port, every) = (args.endpoint_port, args.dns_check_interval);
                tasks.spawn(endpoint::follow_dns(s, host, port, every));
            }
        }
    }
}

async fn serve_probes(args: &Args, tasks: &mut JoinSet<()>) {
    if let Some(addr) = probe::parse_bind_address(&args.health_probe_bind_address) {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => {
                tasks.spawn(probe::serve(listener));
            }
            Err(e) => tracing::warn!(%addr, error = %e, "health probes not served"),
        }
    }
}

/// The connection check's socket, its PONGs and the pinger's settings.
#[derive(Debug)]
struct Checks {
    socket: Arc<tokio::net::UdpSocket>,
    pongs: mpsc::Receiver<checker::Pong>,
    pinger: PingerConfig,
}

/// Kubernetes mode: the PublicKey watch configures the peer and ensures the Connection, the
/// Configuration watch installs routes and NAT, and the health goes to the Connection status.
async fn start_kubernetes(
    args: &Args,
    shared: &Arc<Shared>,
    checks: Checks,
    tasks: &mut JoinSet<()>,
) -> anyhow::Result<()> {
    let (client, _) = liqo_kube::client::Access {
        kubeconfig: args.kubeconfig.clone(),
        ..Default::default()
    }
    .client()
    .await
    .context("failed to build the Kubernetes client")?;
    let id = Identity {
        name: args.name.clone(),
        namespace: args.namespace.clone(),
        peer: args.remote_cluster_id.clone(),
        gateway_uid: args.gateway_uid.clone(),
        mode: args.mode,
    };
    let (first_tx, first_rx) = tokio::sync::oneshot::channel();
    let (c, i, s) = (client.clone(), id.clone(), shared.clone());
    tasks.spawn(control::watch_public_keys(c, i, s, first_tx));
    let (c, i, tunnel) = (client.clone(), id.clone(), TUNNEL_INTERFACE.to_string());
    tasks.spawn(crate::routing::watch_configuration(
        c,
        i,
        tunnel,
        peer_address(args.mode),
    ));
    let health = Health {
        enabled: args.ping_enabled,
        update_interval: args.ping_update_status_interval,
        listen_port: args.listen_port,
    };
    let shared = shared.clone();
    tasks.spawn(report_health(client, id, health, checks, shared, first_rx));
    Ok(())
}

/// Reads a raw 32-byte key.
fn read_key(path: &Path) -> anyhow::Result<[u8; 32]> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read the private key {path:?}"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        anyhow::anyhow!(
            "private key {path:?} has {} bytes, expected exactly 32 raw bytes",
            bytes.len()
        )
    })
}

/// Warns when the Secret's publicKey does not belong to its privateKey (the peer would then
/// hold a key this gateway cannot answer to). A missing file is fine.
fn check_public_key(path: &Path, private_key: [u8; 32]) {
    if let Ok(bytes) = std::fs::read(path)
        && bytes.as_slice() != crate::tunnel::public_key(private_key)
    {
        tracing::warn!(path = %path.display(), "publicKey does not match privateKey; peers must use the key derived from privateKey");
    }
}

fn start_standalone(
    args: &Args,
    key: &str,
    shared: &Arc<Shared>,
    checks: Checks,
    tasks: &mut JoinSet<()>,
) -> anyhow::Result<()> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .context("--peer-public-key is not base64")?;
    let public = <[u8; 32]>::try_from(decoded.as_slice())
        .map_err(|_| anyhow::anyhow!("--peer-public-key must decode to 32 bytes"))?;
    shared.set_peer(public);
    let plan = Plan {
        remaps: args.routes.clone(),
        ..Plan::default()
    };
    if !plan.remaps.is_empty() {
        netconf::apply_plan(&plan, TUNNEL_INTERFACE, peer_address(args.mode))
            .context("failed to install routes and NAT")?;
    }
    tracing::info!(routes = ?plan.remaps, "standalone peer configured");
    if args.ping_enabled {
        let (tx, rx) = mpsc::channel(16);
        let s = shared.clone();
        tasks.spawn(checker::ping(
            checks.socket,
            checks.pinger,
            checks.pongs,
            tx,
            move || s.force_handshake(),
        ));
        tasks.spawn(log_updates(rx));
    }
    Ok(())
}

/// Connection-status settings.
#[derive(Debug)]
struct Health {
    enabled: bool,
    update_interval: Duration,
    listen_port: u16,
}

/// Once the Connection exists: ping and report, or report Connected with latency N/A.
async fn report_health(
    client: kube::Client,
    id: Identity,
    health: Health,
    checks: Checks,
    shared: Arc<Shared>,
    first: tokio::sync::oneshot::Receiver<ConnectionStatusValue>,
) {
    let Ok(current) = first.await else { return };
    let mut gate = StatusGate::new(health.update_interval);
    gate.seed(current);
    if !health.enabled {
        let api = kube::Api::namespaced(client, &id.namespace);
        let status = crate::health::render_status_without_ping();
        while let Err(e) = control::write_status(&api, &id.connection_name(), &status).await {
            tracing::warn!(
                error = format!("{e:#}"),
                "failed to write the Connection status"
            );
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        return;
    }
    let (tx, rx) = mpsc::channel(16);
    let s = shared.clone();
    let pinger = tokio::spawn(checker::ping(
        checks.socket,
        checks.pinger,
        checks.pongs,
        tx,
        move || s.force_handshake(),
    ));
    let (mode, port) = (id.mode, health.listen_port);
    let explain = move |connected| diagnosis::explain(mode, &shared.snapshot(), connected, port);
    control::report_status(client, id, gate, rx, explain).await;
    pinger.abort();
}

/// Standalone mode: health changes go to the log only.
async fn log_updates(mut updates: mpsc::Receiver<Update>) {
    let mut last = None;
    while let Some(u) = updates.recv().await {
        if last.as_ref() != Some(&u.value) {
            tracing::info!(status = %u.value, latency = ?u.latency, "connection status");
            last = Some(u.value);
        }
    }
}
