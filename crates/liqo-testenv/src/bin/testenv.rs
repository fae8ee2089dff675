//! `testenv`: start, inspect and stop local test clusters from a shell.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use liqo_testenv::node::{NodeAgentConfig, NodeCapacity};
use liqo_testenv::{ClusterConfig, ClusterState, Env, NodeNetwork};

/// Real local Kubernetes clusters for liqoctl-rs tests and demos.
#[derive(Debug, Parser)]
#[command(name = "testenv", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start clusters, wait until they are ready and print their kubeconfig paths.
    Up {
        /// Directory holding the clusters (created; must not hold clusters already).
        #[arg(long)]
        dir: PathBuf,
        /// Cluster names.
        #[arg(required = true)]
        names: Vec<String>,
        /// Where the Kubernetes binaries are (default: $LIQO_TESTENV_BIN or .testenv/bin).
        #[arg(long)]
        bin_dir: Option<PathBuf>,
        /// Bound on start-up, in seconds.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Give the clusters a real network: a bridge as the internet, a network namespace per
        /// node, gateway pods in it, LoadBalancer ingresses and NodePorts on the node's IP.
        #[arg(long)]
        network: bool,
        /// Pod CIDR of a cluster, as `<cluster>=<cidr>` (repeatable; default 10.244.0.0/16).
        #[arg(long = "pod-cidr", value_name = "CLUSTER=CIDR", requires = "network")]
        pod_cidrs: Vec<String>,
    },
    /// Show each cluster's components and whether they run.
    Status {
        /// Directory holding the clusters.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Stop the clusters and remove the directory.
    Down {
        /// Directory holding the clusters.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Run a node agent (started by `up`; not for direct use).
    #[command(hide = true)]
    Agent {
        #[arg(long)]
        kubeconfig: PathBuf,
        #[arg(long)]
        cluster: String,
        #[arg(long)]
        node_name: String,
        #[arg(long)]
        cpu: String,
        #[arg(long)]
        memory: String,
        #[arg(long)]
        pods: u32,
        #[arg(long)]
        pods_dir: PathBuf,
        #[arg(long)]
        bin_dir: PathBuf,
        #[arg(long, requires_all = ["node_netns", "wan_host_ip", "node_pod_cidr"])]
        node_ip: Option<Ipv4Addr>,
        #[arg(long)]
        node_netns: Option<String>,
        #[arg(long)]
        wan_host_ip: Option<Ipv4Addr>,
        #[arg(long)]
        node_pod_cidr: Option<liqo_testenv::net::Ipv4Cidr>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,kube_client=off".into()),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Up {
            dir,
            names,
            bin_dir,
            timeout,
            network,
            pod_cidrs,
        } => {
            let clusters = cluster_configs(&names, &pod_cidrs)?;
            up(dir, clusters, bin_dir, timeout, network).await
        }
        Command::Status { dir } => status(&dir).await,
        Command::Down { dir } => down(&dir),
        Command::Agent {
            kubeconfig,
            cluster,
            node_name,
            cpu,
            memory,
            pods,
            pods_dir,
            bin_dir,
            node_ip,
            node_netns,
            wan_host_ip,
            node_pod_cidr,
        } => {
            let network = match (node_ip, node_netns, wan_host_ip, node_pod_cidr) {
                (Some(node_ip), Some(netns), Some(host_ip), Some(pod_cidr)) => Some(NodeNetwork {
                    node_ip,
                    netns,
                    host_ip,
                    pod_cidr,
                }),
                _ => None,
            };
            let pods_config = liqo_testenv::pods::PodsConfig {
                cluster: cluster.clone(),
                node_name: node_name.clone(),
                bin_dir,
                pods_dir,
                server: String::new(),
                ca_pem: String::new(),
                network: None,
                exec: Default::default(),
                sandboxes: Default::default(),
            };
            let capacity = NodeCapacity { cpu, memory, pods };
            let cfg = NodeAgentConfig {
                cluster,
                node_name,
                capacity,
                pods: Some(pods_config),
                network,
                kubelet_port: None,
            };
            let shutdown = async {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("invariant: SIGTERM can be handled");
                tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
            };
            liqo_testenv::run_agent(&kubeconfig, cfg, shutdown)
                .await
                .context("node agent failed")
        }
    }
}

/// One configuration per name, with the pod CIDRs of `--pod-cidr <cluster>=<cidr>`.
fn cluster_configs(names: &[String], pod_cidrs: &[String]) -> Result<Vec<ClusterConfig>> {
    let mut configs: Vec<ClusterConfig> = names.iter().map(ClusterConfig::new).collect();
    for entry in pod_cidrs {
        let Some((name, cidr)) = entry.split_once('=') else {
            bail!("--pod-cidr {entry:?} is not <cluster>=<cidr>");
        };
        let Some(config) = configs.iter_mut().find(|c| c.name == name) else {
            bail!("--pod-cidr names cluster {name:?}, which is not among {names:?}");
        };
        config.pod_cidr = Some(cidr.to_string());
    }
    Ok(configs)
}

async fn up(
    dir: PathBuf,
    clusters: Vec<ClusterConfig>,
    bin_dir: Option<PathBuf>,
    timeout: u64,
    network: bool,
) -> Result<()> {
    if dir.exists() && !ClusterState::load_all(&dir)?.is_empty() {
        bail!(
            "{} already holds clusters: run `testenv down --dir {}` first",
            dir.display(),
            dir.display()
        );
    }
    let mut builder = Env::builder()
        .dir(&dir)
        .network(network)
        .timeout(Duration::from_secs(timeout))
        .detached(std::env::current_exe().context("cannot find the testenv executable")?);
    if let Some(bin_dir) = bin_dir {
        builder = builder.bin_dir(bin_dir);
    }
    for config in clusters {
        builder = builder.cluster_config(config);
    }
    let env = builder
        .start()
        .await
        .context("failed to start the clusters")?;
    let mut out = String::new();
    for cluster in env.clusters() {
        out.push_str(&format!(
            "{}\t{}\n",
            cluster.name(),
            cluster.kubeconfig().display()
        ));
    }
    env.keep_running();
    print_stdout(&out);
    Ok(())
}

async fn status(dir: &std::path::Path) -> Result<()> {
    let states = ClusterState::load_all(dir)
        .with_context(|| format!("no test clusters in {}", dir.display()))?;
    if states.is_empty() {
        bail!("no test clusters in {}", dir.display());
    }
    let mut out = String::new();
    for state in states {
        let ready = liqo_testenv::probe_ready(&state).await;
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            state.name,
            if ready { "ready" } else { "not-ready" },
            state.kubeconfig.display()
        ));
        if let Some(net) = &state.network {
            out.push_str(&format!(
                "  node\t{}\tnetns {}\tpod-cidr {}\tapi https://{}:{}\n",
                net.node_ip,
                net.netns,
                net.pod_cidr,
                net.host_ip,
                state.server.rsplit(':').next().unwrap_or_default()
            ));
        }
        for c in &state.components {
            let running = if liqo_testenv::is_alive(c.pid) {
                "running"
            } else {
                "exited"
            };
            out.push_str(&format!(
                "  {}\tpid {}\t{running}\t{}\n",
                c.name,
                c.pid,
                c.log.display()
            ));
        }
        // Logs of the pods the node agent runs (what `kubectl logs` would show).
        let pods_dir = state.kubeconfig.with_file_name("pods");
        for log in pod_logs(&pods_dir) {
            out.push_str(&format!("  pod-log\t{}\n", log.display()));
        }
    }
    print_stdout(&out);
    Ok(())
}

fn pod_logs(pods_dir: &std::path::Path) -> Vec<PathBuf> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(pods_dir)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|pod| {
            std::fs::read_dir(pod.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    logs
}

fn down(dir: &std::path::Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let states = ClusterState::load_all(dir)?;
    for state in &states {
        liqo_testenv::stop_components(state);
    }
    liqo_testenv::remove_network(dir);
    std::fs::remove_dir_all(dir).with_context(|| format!("failed to remove {}", dir.display()))?;
    Ok(())
}

#[allow(clippy::print_stdout)] // stdout carries the data of this command
fn print_stdout(text: &str) {
    print!("{text}");
}
