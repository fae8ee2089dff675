//! A set of test clusters started together and torn down together.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use k8s_openapi::api::core::v1::Node;
use kube::runtime::wait::await_condition;
use kube::{Api, Client};

use crate::cluster::{Cluster, ClusterConfig};
use crate::net::Wan;
use crate::node::{self, NodeAgentConfig};
use crate::pods::PodsConfig;
use crate::process::{self, Lifetime};
use crate::{Binaries, Error};

/// Default bound on a cluster's start-up.
const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(120);

/// Configures and starts an [`Env`].
#[derive(Debug)]
pub struct EnvBuilder {
    clusters: Vec<ClusterConfig>,
    dir: Option<PathBuf>,
    bin_dir: PathBuf,
    timeout: Duration,
    agent_exe: Option<PathBuf>,
    project_bin_dir: Option<PathBuf>,
    network: bool,
}

impl Default for EnvBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvBuilder {
    /// No clusters yet; binaries from [`Binaries::default_dir`].
    pub fn new() -> Self {
        Self {
            clusters: Vec::new(),
            dir: None,
            bin_dir: Binaries::default_dir(),
            timeout: DEFAULT_START_TIMEOUT,
            agent_exe: None,
            project_bin_dir: None,
            network: false,
        }
    }

    /// Adds a cluster with default settings.
    #[must_use]
    pub fn cluster(self, name: &str) -> Self {
        self.cluster_config(ClusterConfig::new(name))
    }

    /// Adds a cluster.
    #[must_use]
    pub fn cluster_config(mut self, config: ClusterConfig) -> Self {
        self.clusters.push(config);
        self
    }

    /// Uses `dir` instead of a fresh directory under the system temp dir.
    #[must_use]
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Where the Kubernetes binaries are.
    #[must_use]
    pub fn bin_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.bin_dir = dir.into();
        self
    }

    /// Where the node agents find this project's binaries (default
    /// [`PodsConfig::default_bin_dir`]).
    #[must_use]
    pub fn project_bin_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.project_bin_dir = Some(dir.into());
        self
    }

    /// Gives the clusters a real network (off by default): a bridge playing the internet, a
    /// network namespace per node on it with a pod bridge for the cluster's pod CIDR. The
    /// node agents then run gateway pods in their node's namespace, fill LoadBalancer
    /// ingresses and forward NodePorts there. See [`crate::net`].
    #[must_use]
    pub fn network(mut self, on: bool) -> Self {
        self.network = on;
        self
    }

    /// Bound on each cluster's start-up.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Leaves the clusters running after this process exits, with each node agent run as
    /// `agent_exe agent ...` (the `testenv` binary). Dropping the [`Env`] still stops them;
    /// use [`Env::keep_running`] to leave them.
    #[must_use]
    pub fn detached(mut self, agent_exe: PathBuf) -> Self {
        self.agent_exe = Some(agent_exe);
        self
    }

    /// Starts every cluster concurrently and waits until each is ready: API server `/readyz`,
    /// the `default` ServiceAccount created by the controller manager, and the Node registered.
    /// With a network, its bridge comes first and each node's namespace once its cluster runs.
    ///
    /// # Errors
    /// The first cluster that fails, with its component's log tail; the clusters already
    /// started are stopped and the directory removed.
    pub async fn start(self) -> Result<Env, Error> {
        let bins = Binaries::locate(&self.bin_dir)?;
        let pod_cidrs = if self.network {
            self.clusters
                .iter()
                .map(|c| c.effective_pod_cidr().map(Some))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            vec![None; self.clusters.len()]
        };
        let owns_dir = self.dir.is_none();
        let dir = match self.dir {
            Some(dir) => dir,
            None => fresh_dir()?,
        };
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let lifetime = if self.agent_exe.is_some() {
            Lifetime::Detached
        } else {
            Lifetime::TiedToProcess
        };
        let mut env = Env {
            dir,
            owns_dir,
            clusters: Vec::new(),
            agents: None,
            keep: false,
            wan: None,
        };
        if self.network {
            env.wan = Some(Wan::create(&env.dir)?);
        }
        let wan_ip = env.wan.as_ref().map(Wan::host_ip);
        let starts = self
            .clusters
            .into_iter()
            .map(|cfg| Cluster::start(cfg, &env.dir, &bins, lifetime, self.timeout, wan_ip));
        let mut first_error = None;
        for result in futures::future::join_all(starts).await {
            match result {
                Ok(cluster) => env.clusters.push(cluster),
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        if let Some(wan) = &env.wan {
            for (i, (cluster, cidr)) in env.clusters.iter_mut().zip(pod_cidrs).enumerate() {
                let cidr = cidr.expect("invariant: every cluster has a pod CIDR with a network");
                cluster.attach_network(wan.add_node(cluster.name(), i, cidr)?)?;
            }
        }
        let bin_dir = self
            .project_bin_dir
            .clone()
            .unwrap_or_else(PodsConfig::default_bin_dir);
        env.start_agents(self.agent_exe.as_deref(), &bin_dir)?;
        for cluster in &env.clusters {
            await_node(cluster, self.timeout).await?;
        }
        Ok(env)
    }

    /// [`EnvBuilder::start`] on a runtime of its own, callable from anywhere (a `static`
    /// shared by several tests, each with its own runtime).
    ///
    /// # Errors
    /// As [`EnvBuilder::start`].
    pub fn start_blocking(self) -> Result<Env, Error> {
        std::thread::scope(|s| {
            s.spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| Error::io("create a runtime for", Path::new("testenv"), e))?
                    .block_on(self.start())
            })
            .join()
            .expect("invariant: env start-up does not panic")
        })
    }
}

/// Running test clusters. Dropping it stops every process and removes its directory.
#[derive(Debug)]
pub struct Env {
    dir: PathBuf,
    owns_dir: bool,
    clusters: Vec<Cluster>,
    agents: Option<AgentThread>,
    keep: bool,
    wan: Option<Wan>,
}

impl Env {
    /// A builder.
    pub fn builder() -> EnvBuilder {
        EnvBuilder::new()
    }

    /// The environment's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every cluster, in the order added.
    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// The cluster called `name`.
    ///
    /// # Panics
    /// When there is none: a test asked for a cluster it did not start.
    pub fn cluster(&self, name: &str) -> &Cluster {
        self.clusters
            .iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("no test cluster named {name}"))
    }

    /// The bridge playing the internet, when the environment has a network.
    pub fn wan_bridge(&self) -> Option<&str> {
        self.wan.as_ref().map(Wan::bridge)
    }

    /// The host's address on the WAN bridge (the nodes' default gateway, where they reach the
    /// API servers), when the environment has a network.
    pub fn wan_host_ip(&self) -> Option<std::net::Ipv4Addr> {
        self.wan.as_ref().map(Wan::host_ip)
    }

    /// Every process id of every cluster (control plane and detached node agents).
    pub fn pids(&self) -> Vec<u32> {
        self.clusters.iter().flat_map(Cluster::pids).collect()
    }

    /// Leaves the clusters running and the directory in place (for `testenv up`).
    pub fn keep_running(mut self) {
        self.keep = true;
    }

    fn start_agents(&mut self, agent_exe: Option<&Path>, bin_dir: &Path) -> Result<(), Error> {
        match agent_exe {
            Some(exe) => {
                for cluster in &mut self.clusters {
                    let cfg = cluster.config().clone();
                    let mut args = vec![
                        "agent".to_string(),
                        format!("--kubeconfig={}", cluster.kubeconfig().display()),
                        format!("--cluster={}", cfg.name),
                        format!("--node-name={}", cfg.node_name()),
                        format!("--cpu={}", cfg.node.cpu),
                        format!("--memory={}", cfg.node.memory),
                        format!("--pods={}", cfg.node.pods),
                        format!("--pods-dir={}", cluster.dir().join("pods").display()),
                        format!("--bin-dir={}", bin_dir.display()),
                    ];
                    if let Some(net) = cluster.node_network() {
                        args.extend([
                            format!("--node-ip={}", net.node_ip),
                            format!("--node-netns={}", net.netns),
                            format!("--wan-host-ip={}", net.host_ip),
                            format!("--node-pod-cidr={}", net.pod_cidr),
                        ]);
                    }
                    let log = cluster.dir().join("logs").join("node-agent.log");
                    let proc = process::spawn(
                        &cfg.name,
                        "node-agent",
                        exe,
                        &args,
                        &log,
                        Lifetime::Detached,
                    )?;
                    cluster.adopt(proc)?;
                }
            }
            None => {
                let agents = self
                    .clusters
                    .iter()
                    .map(|c| (c.kubeconfig().to_path_buf(), agent_config(c, bin_dir)))
                    .collect();
                self.agents = Some(AgentThread::start(agents));
            }
        }
        Ok(())
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if self.keep {
            for cluster in &mut self.clusters {
                cluster.forget();
            }
            return;
        }
        if let Some(agents) = self.agents.take() {
            agents.stop();
        }
        for cluster in &mut self.clusters {
            cluster.stop();
        }
        // After the processes: a namespace still in use would outlive its name.
        if let Some(wan) = self.wan.take() {
            wan.remove(&self.dir);
        }
        if self.owns_dir || !self.clusters.is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn agent_config(cluster: &Cluster, bin_dir: &Path) -> NodeAgentConfig {
    let cfg = cluster.config();
    NodeAgentConfig {
        cluster: cfg.name.clone(),
        node_name: cfg.node_name(),
        capacity: cfg.node.clone(),
        pods: Some(pods_placeholder(cluster.dir(), bin_dir)),
        network: cluster.node_network(),
        kubelet_port: None,
    }
}

/// Pod settings whose server and CA [`run_agent`] fills from the kubeconfig.
fn pods_placeholder(cluster_dir: &Path, bin_dir: &Path) -> PodsConfig {
    PodsConfig {
        cluster: String::new(),
        node_name: String::new(),
        bin_dir: bin_dir.to_path_buf(),
        pods_dir: cluster_dir.join("pods"),
        server: String::new(),
        ca_pem: String::new(),
        network: None,
        exec: Default::default(),
        sandboxes: Default::default(),
    }
}

async fn await_node(cluster: &Cluster, timeout: Duration) -> Result<(), Error> {
    let name = cluster.config().node_name();
    let nodes: Api<Node> = Api::all(cluster.client());
    let ready = |node: Option<&Node>| {
        node.and_then(|n| n.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
    };
    match tokio::time::timeout(timeout, await_condition(nodes, &name, ready)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(Error::State(format!(
            "watching Node {name} of cluster {}: {e}",
            cluster.name()
        ))),
        Err(_) => Err(Error::State(format!(
            "Node {name} of cluster {} was not Ready after {}s; see {}",
            cluster.name(),
            timeout.as_secs(),
            cluster.dir().join("logs").display()
        ))),
    }
}

/// The node agents of an in-process environment, on a thread and runtime of their own so
/// they outlive any one test's runtime.
#[derive(Debug)]
struct AgentThread {
    stop: tokio::sync::watch::Sender<bool>,
    handle: std::thread::JoinHandle<()>,
}

impl AgentThread {
    fn start(agents: Vec<(PathBuf, NodeAgentConfig)>) -> Self {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let handle = std::thread::Builder::new()
            .name("testenv-node-agents".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("invariant: a runtime can be built");
                rt.block_on(async move {
                    let tasks = agents.into_iter().map(|(kubeconfig, cfg)| {
                        let mut stopped = stopped.clone();
                        async move {
                            let shutdown = async move {
                                let _ = stopped.wait_for(|s| *s).await;
                            };
                            if let Err(e) = run_agent(&kubeconfig, cfg, shutdown).await {
                                tracing::error!(error = %e, "node agent failed");
                            }
                        }
                    });
                    futures::future::join_all(tasks).await;
                });
            })
            .expect("invariant: the node agent thread can be created");
        Self { stop, handle }
    }

    fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.join();
    }
}

/// Runs one node agent with the credentials of `kubeconfig` until `shutdown`.
///
/// # Errors
/// When the kubeconfig cannot be loaded or the Node cannot be registered.
pub async fn run_agent(
    kubeconfig: &Path,
    cfg: NodeAgentConfig,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), Error> {
    let mut cfg = cfg;
    if let Some(pods) = &mut cfg.pods {
        let (server, ca_pem) = server_and_ca(&cfg.cluster, kubeconfig)?;
        pods.cluster.clone_from(&cfg.cluster);
        pods.node_name.clone_from(&cfg.node_name);
        pods.server = server;
        pods.ca_pem = ca_pem;
        pods.network.clone_from(&cfg.network);
    }
    let config = crate::cluster::load_config(&cfg.cluster, kubeconfig).await?;
    let client = Client::try_from(config).map_err(|source| Error::Kube {
        cluster: cfg.cluster.clone(),
        action: "failed to build a client".into(),
        source,
    })?;
    node::run(client, cfg, shutdown).await
}

/// The API server URL and CA (PEM) of a kubeconfig, for the pods' own kubeconfigs.
fn server_and_ca(cluster: &str, path: &Path) -> Result<(String, String), Error> {
    use base64::Engine;
    let bad = |what: &str| {
        Error::State(format!(
            "kubeconfig {} of cluster {cluster} has no {what}",
            path.display()
        ))
    };
    let kubeconfig = kube::config::Kubeconfig::read_from(path).map_err(|e| Error::Kubeconfig {
        cluster: cluster.into(),
        source: Box::new(e),
    })?;
    let entry = kubeconfig
        .clusters
        .first()
        .and_then(|c| c.cluster.clone())
        .ok_or_else(|| bad("cluster"))?;
    let server = entry.server.ok_or_else(|| bad("server"))?;
    let ca = entry
        .certificate_authority_data
        .ok_or_else(|| bad("certificate-authority-data"))?;
    let pem = base64::engine::general_purpose::STANDARD
        .decode(ca)
        .map_err(|_| bad("valid certificate-authority-data"))?;
    Ok((server, String::from_utf8_lossy(&pem).into_owned()))
}

/// A new directory under `$TMPDIR/liqo-testenv`, first removing those left by processes that
/// no longer exist (a test binary killed before its clusters' drop ran).
fn fresh_dir() -> Result<PathBuf, Error> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let base = std::env::temp_dir().join("liqo-testenv");
    std::fs::create_dir_all(&base).map_err(|e| Error::io("create", &base, e))?;
    if let Ok(entries) = std::fs::read_dir(&base) {
        for entry in entries.flatten() {
            // Directories are named `<owner pid>-<n>`.
            let name = entry.file_name().to_string_lossy().into_owned();
            let owner = name.split('-').next().and_then(|p| p.parse().ok());
            let alive = owner.is_some_and(process::is_alive);
            if !alive {
                crate::net::remove_recorded(&entry.path());
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let pid = std::process::id();
    let dir = base.join(format!("{pid}-{}", COUNTER.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    Ok(dir)
}
