//! One test cluster: its files, its four control-plane processes and its node agent.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::ServiceAccount;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::wait::await_condition;
use kube::{Api, Client, Config};

use crate::error::ComponentFailure;
use crate::net::{ClusterNet, DEFAULT_POD_CIDR, Ipv4Cidr, NodeNetwork, TestPod};
pub use crate::node::NodeCapacity;
use crate::pki::{ClusterPki, Subject};
use crate::process::{self, Lifetime, Proc};
use crate::state::{ClusterState, ComponentState, NodeNetworkState};
use crate::{Binaries, Error, kubeconfig, ports};

/// How many log lines an error shows.
const LOG_TAIL_LINES: usize = 25;
/// Grace period between SIGTERM and SIGKILL when stopping a component.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// How often `/readyz` is probed while the API server starts: nothing can be watched before
/// the server is up, so this one wait polls, on a short bounded interval.
const READYZ_PROBE_INTERVAL: Duration = Duration::from_millis(100);
/// Longest pod CIDR prefix: room for the pod bridge and some test pods.
const MAX_POD_PREFIX: u8 = 28;

/// What to start.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Cluster name: a directory, kubeconfig context and Node name prefix.
    pub name: String,
    /// Service CIDR (the first address is the `kubernetes` Service).
    pub service_cidr: String,
    /// Capacity of the registered worker Node.
    pub node: NodeCapacity,
    /// Pod CIDR, used when the environment has a network (default
    /// [`DEFAULT_POD_CIDR`](crate::net::DEFAULT_POD_CIDR)). Clusters may share one.
    pub pod_cidr: Option<String>,
    /// The kube-controller-manager's `--node-monitor-grace-period` (Kubernetes' default when
    /// unset): how long a Node may miss heartbeats before it is marked NotReady.
    pub node_monitor_grace_period: Option<Duration>,
}

impl ClusterConfig {
    /// A cluster with default CIDRs and node capacity.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            service_cidr: "10.96.0.0/16".into(),
            node: NodeCapacity::default(),
            pod_cidr: None,
            node_monitor_grace_period: None,
        }
    }

    /// Sets the node-lifecycle controller's grace period. Keep it well above the worker node
    /// agent's Lease renewal (10 s), or the worker itself turns NotReady on a slow machine.
    #[must_use]
    pub fn node_monitor_grace_period(mut self, grace: Duration) -> Self {
        self.node_monitor_grace_period = Some(grace);
        self
    }

    /// Sets the pod CIDR (`10.243.0.0/16`).
    #[must_use]
    pub fn pod_cidr(mut self, cidr: impl Into<String>) -> Self {
        self.pod_cidr = Some(cidr.into());
        self
    }

    /// The pod CIDR a network gives this cluster.
    pub(crate) fn effective_pod_cidr(&self) -> Result<Ipv4Cidr, Error> {
        let text = self.pod_cidr.as_deref().unwrap_or(DEFAULT_POD_CIDR);
        let cidr: Ipv4Cidr = text
            .parse()
            .map_err(|e| Error::State(format!("pod CIDR of cluster {}: {e}", self.name)))?;
        if cidr.prefix() > MAX_POD_PREFIX {
            return Err(Error::State(format!(
                "pod CIDR {cidr} of cluster {} is too small (at most /{MAX_POD_PREFIX})",
                self.name
            )));
        }
        Ok(cidr)
    }

    /// Name of the worker Node.
    pub fn node_name(&self) -> String {
        format!("{}-worker", self.name)
    }

    fn kubernetes_service_ip(&self) -> Result<Ipv4Addr, Error> {
        let base = self.service_cidr.split('/').next().unwrap_or_default();
        let ip: Ipv4Addr = base.parse().map_err(|_| {
            Error::State(format!(
                "service CIDR {:?} is not an IPv4 CIDR",
                self.service_cidr
            ))
        })?;
        Ok(Ipv4Addr::from(u32::from(ip) + 1))
    }
}

/// A running test cluster.
#[derive(Debug)]
pub struct Cluster {
    config: ClusterConfig,
    dir: PathBuf,
    kubeconfig: PathBuf,
    server: String,
    kube_config: Config,
    procs: Vec<Proc>,
    net: Option<ClusterNet>,
}

impl Cluster {
    /// The cluster's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Path of the admin kubeconfig.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// The API server URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The cluster's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the cluster was started with.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// An admin client. A new one on every call, so each tokio runtime (one per test) gets
    /// connections of its own.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn client(&self) -> Client {
        Client::try_from(self.kube_config.clone())
            .expect("invariant: an admin kubeconfig makes a client")
    }

    /// The node's address on the test network (its InternalIP), when the environment has one.
    pub fn node_ip(&self) -> Option<Ipv4Addr> {
        self.net.as_ref().map(|n| n.node.node_ip)
    }

    /// The node's network namespace (a name under `/run/netns`), when the environment has a
    /// network. Gateway pods run in it.
    pub fn node_netns(&self) -> Option<&str> {
        self.net.as_ref().map(|n| n.node.netns.as_str())
    }

    /// The pod CIDR: the network's when the environment has one, else the configured one.
    pub fn pod_cidr(&self) -> Option<String> {
        match &self.net {
            Some(net) => Some(net.pod_cidr.to_string()),
            None => self.config.pod_cidr.clone(),
        }
    }

    /// The API server URL as reached from the node's namespace (`https://<host ip on the
    /// WAN>:<port>`), when the environment has a network.
    pub fn node_server(&self) -> Option<String> {
        self.net
            .as_ref()
            .map(|n| crate::net::server_at(&self.server, n.node.host_ip))
    }

    /// Creates a test pod behind the node: a network namespace on the pod bridge with the
    /// next address of the pod CIDR (from `.10`).
    ///
    /// # Errors
    /// When the environment has no network, `name` is not a DNS label or already used, or
    /// `ip` fails.
    pub fn add_test_pod(&self, name: &str) -> Result<TestPod, Error> {
        self.net
            .as_ref()
            .ok_or_else(|| {
                Error::State(format!(
                    "cluster {} has no network: start the env with EnvBuilder::network(true)",
                    self.config.name
                ))
            })?
            .add_test_pod(name)
    }

    /// The node's network settings for the node agent.
    pub(crate) fn node_network(&self) -> Option<NodeNetwork> {
        self.net.as_ref().map(|n| n.node.clone())
    }

    /// Puts the cluster's node on the test network.
    pub(crate) fn attach_network(&mut self, net: ClusterNet) -> Result<(), Error> {
        self.net = Some(net);
        self.state().save(&self.dir)
    }

    /// Process ids of the control plane.
    pub fn pids(&self) -> Vec<u32> {
        self.procs.iter().map(|p| p.pid).collect()
    }

    /// The components as recorded on disk.
    pub fn state(&self) -> ClusterState {
        ClusterState {
            name: self.config.name.clone(),
            kubeconfig: self.kubeconfig.clone(),
            server: self.server.clone(),
            components: self
                .procs
                .iter()
                .map(|p| ComponentState {
                    name: p.name.clone(),
                    pid: p.pid,
                    log: p.log.clone(),
                })
                .collect(),
            network: self.net.as_ref().map(|n| NodeNetworkState {
                node_ip: n.node.node_ip,
                netns: n.node.netns.clone(),
                pod_cidr: n.pod_cidr.to_string(),
                host_ip: n.node.host_ip,
            }),
        }
    }

    /// Starts the control plane in `env_dir/<name>` and waits until the API server is ready
    /// and the controller manager has created the `default` ServiceAccount. A component that
    /// lost its port to another process is retried on fresh ports. With `wan_ip` (the host's
    /// address on a test network) the API server also serves there.
    ///
    /// # Errors
    /// A missing binary, a component that exits (with its log tail), or `timeout` passing.
    pub async fn start(
        config: ClusterConfig,
        env_dir: &Path,
        bins: &Binaries,
        lifetime: Lifetime,
        timeout: Duration,
        wan_ip: Option<Ipv4Addr>,
    ) -> Result<Self, Error> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            match Self::start_once(config.clone(), env_dir, bins, lifetime, timeout, wan_ip).await {
                Err(Error::Component(failure))
                    if attempt < ATTEMPTS && failure.tail.contains("address already in use") =>
                {
                    tracing::warn!(cluster = %config.name, component = %failure.component, "port taken, retrying on new ports");
                    let dir = env_dir.join(&config.name);
                    let _ = std::fs::remove_dir_all(&dir);
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// One start-up attempt.
    async fn start_once(
        config: ClusterConfig,
        env_dir: &Path,
        bins: &Binaries,
        lifetime: Lifetime,
        timeout: Duration,
        wan_ip: Option<Ipv4Addr>,
    ) -> Result<Self, Error> {
        let dir = env_dir.join(&config.name);
        for sub in ["etcd", "logs"] {
            let path = dir.join(sub);
            std::fs::create_dir_all(&path).map_err(|e| Error::io("create", &path, e))?;
        }
        let wan_ips: Vec<Ipv4Addr> = wan_ip.into_iter().collect();
        let pki =
            ClusterPki::generate_with_ips(&config.name, config.kubernetes_service_ip()?, &wan_ips)?;
        let paths = pki.write(&dir.join("pki"))?;
        let [etcd_port, peer_port, api_port]: [u16; 3] = ports::free_ports(3)
            .map_err(|e| Error::io("reserve ports on", Path::new("127.0.0.1"), e))?
            .try_into()
            .expect("invariant: free_ports returns as many ports as asked");
        let server = format!("https://127.0.0.1:{api_port}");
        let write_kubeconfig =
            |file: &str, user: &str, group: Option<&str>| -> Result<PathBuf, Error> {
                let cert = pki.client(Subject { user, group })?;
                let path = dir.join(file);
                crate::pki::write_file(
                    &path,
                    &kubeconfig::render(&config.name, &server, &pki.ca.cert_pem, &cert),
                )?;
                Ok(path)
            };
        let admin = write_kubeconfig("kubeconfig", "kubernetes-admin", Some("system:masters"))?;
        let kcm = write_kubeconfig(
            "controller-manager.kubeconfig",
            "system:kube-controller-manager",
            None,
        )?;
        let sched = write_kubeconfig("scheduler.kubeconfig", "system:kube-scheduler", None)?;
        // The API server's client certificate towards kubelets (`kubectl logs|exec`). In
        // system:masters, as kubeadm's once was, so the kubelets' SubjectAccessReviews allow it
        // without a binding created after start-up.
        let kubelet_client = pki.client(Subject {
            user: "kube-apiserver-kubelet-client",
            group: Some("system:masters"),
        })?;
        let kubelet_client_crt = dir.join("pki").join("apiserver-kubelet-client.crt");
        let kubelet_client_key = dir.join("pki").join("apiserver-kubelet-client.key");
        crate::pki::write_file(&kubelet_client_crt, &kubelet_client.cert_pem)?;
        crate::pki::write_file(&kubelet_client_key, &kubelet_client.key_pem)?;

        let name = config.name.as_str();
        let log = |c: &str| dir.join("logs").join(format!("{c}.log"));
        let p = |path: &Path| path.display().to_string();
        let etcd_url = format!("http://127.0.0.1:{etcd_port}");
        let peer_url = format!("http://127.0.0.1:{peer_port}");
        let etcd_args = vec![
            format!("--name={name}"),
            format!("--data-dir={}", p(&dir.join("etcd"))),
            format!("--listen-client-urls={etcd_url}"),
            format!("--advertise-client-urls={etcd_url}"),
            format!("--listen-peer-urls={peer_url}"),
            format!("--initial-advertise-peer-urls={peer_url}"),
            format!("--initial-cluster={name}={peer_url}"),
            // Test data is disposable: skipping fsync makes every write an order faster.
            "--unsafe-no-fsync".into(),
            "--log-level=warn".into(),
        ];
        let apiserver_args = vec![
            format!("--etcd-servers={etcd_url}"),
            format!("--secure-port={api_port}"),
            // Nodes on a test network reach the API server at the host's WAN address.
            format!(
                "--bind-address={}",
                if wan_ip.is_some() {
                    "0.0.0.0"
                } else {
                    "127.0.0.1"
                }
            ),
            format!(
                "--advertise-address={}",
                wan_ip.unwrap_or(Ipv4Addr::LOCALHOST)
            ),
            format!("--tls-cert-file={}", p(&paths.apiserver_crt)),
            format!("--tls-private-key-file={}", p(&paths.apiserver_key)),
            format!("--client-ca-file={}", p(&paths.ca_crt)),
            format!("--service-account-key-file={}", p(&paths.sa_pub)),
            format!("--service-account-signing-key-file={}", p(&paths.sa_key)),
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
            format!("--service-cluster-ip-range={}", config.service_cidr),
            "--authorization-mode=RBAC".into(),
            "--allow-privileged=true".into(),
            // Webhooks (and aggregated APIs) are dialled at their Service's endpoint IPs, as
            // the host process reaches pod IPs; the ClusterIP lives only in node namespaces.
            "--enable-aggregator-routing=true".into(),
            "--profiling=false".into(),
            // Kubelets (testenv's node agent, virtual kubelets) serve with certificates of the
            // kubelet-serving signer, which the controller manager signs with the cluster CA.
            format!("--kubelet-client-certificate={}", p(&kubelet_client_crt)),
            format!("--kubelet-client-key={}", p(&kubelet_client_key)),
            format!("--kubelet-certificate-authority={}", p(&paths.ca_crt)),
            "--kubelet-preferred-address-types=InternalIP".into(),
        ];
        let mut kcm_args = vec![
            format!("--kubeconfig={}", p(&kcm)),
            "--secure-port=0".into(),
            "--leader-elect=false".into(),
            format!("--cluster-signing-cert-file={}", p(&paths.ca_crt)),
            format!("--cluster-signing-key-file={}", p(&paths.ca_key)),
            format!("--root-ca-file={}", p(&paths.ca_crt)),
            format!("--service-account-private-key-file={}", p(&paths.sa_key)),
            "--use-service-account-credentials=true".into(),
            "--profiling=false".into(),
        ];
        if let Some(grace) = config.node_monitor_grace_period {
            kcm_args.push(format!("--node-monitor-grace-period={}s", grace.as_secs()));
        }
        let sched_args = vec![
            format!("--kubeconfig={}", p(&sched)),
            "--secure-port=0".into(),
            "--leader-elect=false".into(),
            "--profiling=false".into(),
        ];

        let mut cluster = Self {
            kube_config: load_config(name, &admin).await?,
            config: config.clone(),
            dir: dir.clone(),
            kubeconfig: admin,
            server,
            procs: Vec::new(),
            net: None,
        };
        // etcd and the API server start together (the API server retries etcd). The
        // controllers start once it is ready: they give up on an API server that stays
        // unhealthy for 20 s, which a loaded machine starting several clusters can exceed.
        let first = [
            ("etcd", &bins.etcd, etcd_args),
            ("kube-apiserver", &bins.apiserver, apiserver_args),
        ];
        let then = [
            (
                "kube-controller-manager",
                &bins.controller_manager,
                kcm_args,
            ),
            ("kube-scheduler", &bins.scheduler, sched_args),
        ];
        let started = Instant::now();
        let spawn_all = |cluster: &mut Self, batch: [(&str, &PathBuf, Vec<String>); 2]| {
            for (component, bin, args) in batch {
                let proc = process::spawn(name, component, bin, &args, &log(component), lifetime)?;
                cluster.procs.push(proc);
            }
            cluster.state().save(&dir)
        };
        spawn_all(&mut cluster, first)?;
        cluster.await_apiserver_ready(started, timeout).await?;
        spawn_all(&mut cluster, then)?;
        cluster
            .await_default_service_account(started, timeout)
            .await?;
        Ok(cluster)
    }

    /// Registers a process started for this cluster (the node agent), so it is stopped with it.
    pub(crate) fn adopt(&mut self, proc: Proc) -> Result<(), Error> {
        self.procs.push(proc);
        self.state().save(&self.dir)
    }

    /// Fails with the component's log tail if any process has exited.
    ///
    /// # Errors
    /// [`Error::Component`] naming the process and its log tail.
    pub fn check_alive(&mut self) -> Result<(), Error> {
        for proc in &mut self.procs {
            if let Some(status) = proc.exited() {
                return Err(Error::Component(Box::new(ComponentFailure {
                    cluster: self.config.name.clone(),
                    component: proc.name.clone(),
                    what: format!("exited ({status})"),
                    log: proc.log.clone(),
                    tail: proc.log_tail(LOG_TAIL_LINES),
                })));
            }
        }
        Ok(())
    }

    async fn await_apiserver_ready(
        &mut self,
        started: Instant,
        timeout: Duration,
    ) -> Result<(), Error> {
        let client = self.client();
        loop {
            self.check_alive()?;
            let request = http::Request::get("/readyz")
                .body(Vec::new())
                .expect("invariant: static request");
            let last = match client.request_text(request).await {
                Ok(body) if body.trim() == "ok" => return Ok(()),
                Ok(body) => body,
                Err(e) => e.to_string(),
            };
            if started.elapsed() >= timeout {
                return Err(self.not_ready("kube-apiserver", format!("/readyz: {last}"), started));
            }
            tokio::time::sleep(READYZ_PROBE_INTERVAL).await;
        }
    }

    async fn await_default_service_account(
        &mut self,
        started: Instant,
        timeout: Duration,
    ) -> Result<(), Error> {
        let api: Api<ServiceAccount> = Api::namespaced(self.client(), "default");
        let exists = |sa: Option<&ServiceAccount>| sa.is_some();
        let wait = await_condition(api, "default", exists);
        let remaining = timeout.saturating_sub(started.elapsed());
        match tokio::time::timeout(remaining, wait).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(Error::State(format!(
                "watching ServiceAccount default/default: {e}"
            ))),
            Err(_) => {
                self.check_alive()?;
                let last = "ServiceAccount default/default not created yet".to_string();
                Err(self.not_ready("kube-controller-manager", last, started))
            }
        }
    }

    fn not_ready(&self, component: &str, last: String, started: Instant) -> Error {
        let log = self.dir.join("logs").join(format!("{component}.log"));
        Error::Component(Box::new(ComponentFailure {
            cluster: self.config.name.clone(),
            component: component.into(),
            what: format!(
                "was not ready after {}s ({last})",
                started.elapsed().as_secs()
            ),
            tail: process::log_tail(&log, LOG_TAIL_LINES),
            log,
        }))
    }

    /// Freezes the API server (SIGSTOP): it keeps its port and accepts TCP connections, but
    /// answers nothing, as an unreachable provider does; [`Cluster::resume_apiserver`] thaws it.
    ///
    /// # Errors
    /// When the cluster has no running API server.
    pub fn pause_apiserver(&self) -> Result<(), Error> {
        self.signal_apiserver(nix::sys::signal::Signal::SIGSTOP)
    }

    /// Thaws an API server frozen by [`Cluster::pause_apiserver`] (SIGCONT).
    ///
    /// # Errors
    /// When the cluster has no running API server.
    pub fn resume_apiserver(&self) -> Result<(), Error> {
        self.signal_apiserver(nix::sys::signal::Signal::SIGCONT)
    }

    fn signal_apiserver(&self, signal: nix::sys::signal::Signal) -> Result<(), Error> {
        let proc = self
            .procs
            .iter()
            .find(|p| p.name == "kube-apiserver")
            .ok_or_else(|| {
                Error::State(format!(
                    "cluster {} has no kube-apiserver",
                    self.config.name
                ))
            })?;
        let pid = i32::try_from(proc.pid)
            .map_err(|_| Error::State(format!("kube-apiserver pid {} out of range", proc.pid)))?;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal).map_err(|e| {
            Error::State(format!(
                "cannot signal kube-apiserver of cluster {}: {e}",
                self.config.name
            ))
        })
    }

    /// Stops every process, the node agent first.
    pub fn stop(&mut self) {
        // A frozen API server would sit out the whole SIGTERM grace.
        let _ = self.resume_apiserver();
        for proc in self.procs.iter_mut().rev() {
            proc.stop(STOP_GRACE);
        }
        self.procs.clear();
    }
}

impl Cluster {
    /// Lets the processes run on after this value is dropped.
    pub(crate) fn forget(&mut self) {
        self.procs.clear();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Loads a kubeconfig file into a client configuration.
///
/// # Errors
/// [`Error::Kubeconfig`] when the file is unreadable or inconsistent.
pub async fn load_config(cluster: &str, path: &Path) -> Result<Config, Error> {
    let wrap = |source: Box<dyn std::error::Error + Send + Sync>| Error::Kubeconfig {
        cluster: cluster.into(),
        source,
    };
    let kubeconfig = Kubeconfig::read_from(path).map_err(|e| wrap(Box::new(e)))?;
    Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .map_err(|e| wrap(Box::new(e)))
}
