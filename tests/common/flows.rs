//! Helpers of the CLI flow tests (tests/cli_flows.rs): per-test clusters, snapshot diffs with
//! named exceptions, liqoctl on a real pseudo-terminal, and an HTTP CONNECT proxy.

use std::collections::BTreeSet;
use std::future::Future;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Secret, Service};
use kube::api::ListParams;
use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, Renew};
use liqo_api::core::ForeignCluster;
use liqo_api::networking::{Connection, GatewayClient, GatewayServer};
use liqo_testenv::{Binaries, Env};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{kubeconfig, liqoctl, remote_kubeconfig, snapshot, stderr};

/// Bound on every wait of these tests.
pub const WAIT: Duration = Duration::from_secs(90);

/// Awaits `fut` for at most [`WAIT`], naming `what` when it does not finish.
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

/// liqoctl on cluster `on` of `env`, with cluster `remote`'s kubeconfig as the remote when
/// given (the consumer-side commands of the two-cluster pod tests).
pub async fn liqoctl_on(env: &Env, on: &str, args: &[&str], remote: Option<&str>) -> Output {
    let mut all = vec![kubeconfig(env.cluster(on).kubeconfig())];
    all.extend(args.iter().map(|a| (*a).to_string()));
    if let Some(remote) = remote {
        all.push(remote_kubeconfig(env.cluster(remote).kubeconfig()));
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    run(&all).await
}

/// Creates namespace `ns` on cluster `on` of `env` and offloads it with pod-offloading
/// `strategy` (`liqoctl offload namespace`, which must succeed within 60 s).
pub async fn offload_new_namespace(env: &Env, on: &str, ns: &str, strategy: &str) {
    let namespace: k8s_openapi::api::core::v1::Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": ns}})).unwrap();
    Api::<k8s_openapi::api::core::v1::Namespace>::all(env.cluster(on).client())
        .create(&Default::default(), &namespace)
        .await
        .unwrap();
    let strategy = format!("--pod-offloading-strategy={strategy}");
    let args = ["offload", "namespace", ns, &strategy, "--timeout=60s"];
    ok("offload namespace", &liqoctl_on(env, on, &args, None).await);
}

/// liqoctl off the async runtime's threads, so that tasks of the test (a proxy) keep running.
pub async fn run(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        liqoctl(&args)
    })
    .await
    .expect("liqoctl thread")
}

/// Asserts success, showing stderr otherwise.
pub fn ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        stderr(out)
    );
}

/// Test clusters (`name`, cluster ID, Liqo namespace) installed by `liqoctl install -n`.
pub async fn env_with_namespaces(clusters: &[(&str, &str, &str)]) -> liqo_testenv::Env {
    let mut builder = liqo_testenv::Env::builder();
    for (name, _, _) in clusters {
        builder = builder.cluster(name);
    }
    let env = builder.start().await.expect("test clusters start");
    for (cluster, id, ns) in clusters {
        let out = run(&[
            &kubeconfig(env.cluster(cluster).kubeconfig()),
            "install",
            &format!("--cluster-id={id}"),
            &format!("--namespace={ns}"),
        ])
        .await;
        ok(&format!("install on {cluster} in {ns}"), &out);
    }
    env
}

/// Both clusters' snapshots.
pub async fn snapshots(a: &Client, b: &Client) -> (BTreeSet<String>, BTreeSet<String>) {
    (snapshot(a).await, snapshot(b).await)
}

/// One expected difference between two snapshots: `pattern` is a snapshot entry
/// (`group/Kind ns/name`), or a prefix of entries when it ends with `*`; `why` says why it is
/// expected. Each pattern must match at least one entry, so a stale exception fails too.
#[derive(Debug, Clone)]
pub struct Expected {
    pub pattern: String,
    pub why: &'static str,
}

pub fn expected(pattern: impl Into<String>, why: &'static str) -> Expected {
    Expected {
        pattern: pattern.into(),
        why,
    }
}

fn matches(pattern: &str, entry: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => entry.starts_with(prefix),
        None => entry == pattern,
    }
}

/// What Kubernetes itself puts in every namespace (`namespace` included): the only objects a
/// tenant namespace left behind may hold.
pub fn namespace_with_defaults(namespace: &str) -> Vec<String> {
    vec![
        format!("/Namespace /{namespace}"),
        format!("/ServiceAccount {namespace}/default"),
        format!("/ConfigMap {namespace}/kube-root-ca.crt"),
    ]
}

/// Asserts that `after` differs from `before` by exactly the `added` entries (plus, with
/// `namespaces`, each namespace and what Kubernetes makes in it) and removes nothing.
pub fn assert_diff(
    cluster: &str,
    before: &BTreeSet<String>,
    after: &BTreeSet<String>,
    added: &[Expected],
    namespaces: &[&str],
) {
    let defaults: BTreeSet<String> = namespaces
        .iter()
        .flat_map(|ns| namespace_with_defaults(ns))
        .collect();
    let removed: Vec<&String> = before.difference(after).collect();
    let new: Vec<&String> = after.difference(before).collect();
    let unexplained: Vec<&&String> = new
        .iter()
        .filter(|e| !defaults.contains(**e) && !added.iter().any(|x| matches(&x.pattern, e)))
        .collect();
    let unmatched: Vec<String> = added
        .iter()
        .filter(|x| !new.iter().any(|e| matches(&x.pattern, e)))
        .map(|x| format!("{} ({})", x.pattern, x.why))
        .collect();
    let missing_defaults: Vec<&String> = defaults.iter().filter(|d| !after.contains(*d)).collect();
    assert!(
        removed.is_empty()
            && unexplained.is_empty()
            && unmatched.is_empty()
            && missing_defaults.is_empty(),
        "{cluster}: removed {removed:#?}\nunexplained new objects {unexplained:#?}\n\
         expected but absent {unmatched:#?} {missing_defaults:#?}"
    );
}

/// [`assert_diff`] on both clusters of an authentication between consumer `c` and provider
/// `p`, each allowed its tenant namespace for the other.
pub fn assert_pair_diff(
    before: &(BTreeSet<String>, BTreeSet<String>),
    after: &(BTreeSet<String>, BTreeSet<String>),
    (c_added, p_added): (Vec<Expected>, Vec<Expected>),
    c: &str,
    p: &str,
) {
    assert_diff("consumer", &before.0, &after.0, &c_added, &[&tenant_ns(p)]);
    assert_diff("provider", &before.1, &after.1, &p_added, &[&tenant_ns(c)]);
}

pub fn tenant_ns(id: &str) -> String {
    format!("liqo-tenant-{id}")
}

pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Clusters `(name, id)` installed in the default Liqo namespace.
pub async fn installed(clusters: &[(&'static str, &'static str)]) -> Env {
    let clusters = clusters.to_vec();
    tokio::task::spawn_blocking(move || crate::common::installed_env(&clusters, &[]))
        .await
        .expect("env thread")
}

/// `kubectl apply -f -` of `manifest` on `env`'s `cluster`, as an administrator would.
pub fn kubectl_apply(env: &Env, cluster: &str, manifest: &str) {
    let kubectl = Binaries::locate(&Binaries::default_dir()).unwrap().kubectl;
    let out = assert_cmd::Command::new(kubectl)
        .arg(kubeconfig(env.cluster(cluster).kubeconfig()))
        .args(["apply", "-f", "-"])
        .write_stdin(manifest.to_string())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "kubectl apply: {}", stderr(&out));
}

/// What a completed authentication adds to the consumer (`c`) and the provider (`p`), besides
/// the two tenant namespaces.
pub fn authenticated(c: &str, p: &str) -> (Vec<Expected>, Vec<Expected>) {
    let (c_ns, p_ns) = (tenant_ns(p), tenant_ns(c));
    let consumer = vec![
        expected(
            format!("/Secret {c_ns}/liqo-signed-nonce"),
            "the nonce signed by the consumer",
        ),
        expected(
            format!("authentication.liqo.io/Identity {c_ns}/controlplane-{p}"),
            "the consumer's identity in the provider",
        ),
        expected(
            format!("/Secret {c_ns}/kubeconfig-controlplane-{p}"),
            "the identity's kubeconfig, written by the identity controller",
        ),
        expected(
            format!("core.liqo.io/ForeignCluster /{p}"),
            "the provider, as the ForeignCluster controller sees it",
        ),
        expected(
            format!("authentication.liqo.io/Renew {c_ns}/controlplane-{p}"),
            "the local renewer's Renew, carried to the provider by the CRD replicator",
        ),
    ];
    let provider = vec![
        expected(
            format!("/Secret {p_ns}/liqo-nonce"),
            "the nonce issued to the consumer",
        ),
        expected(
            format!("authentication.liqo.io/Tenant {p_ns}/{c}"),
            "the consumer's Tenant",
        ),
        expected(
            format!("/Secret {p_ns}/liqo-remote-certificate"),
            "the tenant controller's certificate cache",
        ),
        expected(
            "certificates.k8s.io/CertificateSigningRequest /liqo-identity-*",
            "the request the consumer's certificate was issued on (generated name)",
        ),
        expected(
            format!(
                "rbac.authorization.k8s.io/RoleBinding {p_ns}/liqo-binding-liqo-remote-controlplane"
            ),
            "the consumer's control-plane role in its tenant namespace",
        ),
        expected(
            format!(
                "rbac.authorization.k8s.io/ClusterRoleBinding /liqo-binding-liqo-virtual-kubelet-remote-clusterwide-{c}"
            ),
            "the consumer's cluster-wide virtual-kubelet role",
        ),
        expected(
            format!("authentication.liqo.io/Renew {p_ns}/controlplane-{p}"),
            "the replica of the consumer's Renew (CRD replicator)",
        ),
        expected(
            format!("core.liqo.io/ForeignCluster /{c}"),
            "the consumer, as the ForeignCluster controller sees it",
        ),
    ];
    (consumer, provider)
}

/// Waits until the consumer's Identity for `provider` has its kubeconfig Secret; returns the
/// kubeconfig text.
pub async fn identity_kubeconfig(consumer: &Client, provider: &str) -> String {
    let identities: Api<Identity> = Api::namespaced(consumer.clone(), &tenant_ns(provider));
    let filled = |i: Option<&Identity>| {
        i.and_then(|i| i.status.as_ref()?.kubeconfig_secret_ref.as_ref())
            .is_some()
    };
    let name = format!("controlplane-{provider}");
    within(
        "the Identity's kubeconfig",
        await_condition(identities, &name, filled),
    )
    .await
    .unwrap();
    let secret = Api::<Secret>::namespaced(consumer.clone(), &tenant_ns(provider))
        .get(&format!("kubeconfig-{name}"))
        .await
        .unwrap();
    String::from_utf8(secret.data.unwrap()["kubeconfig"].0.clone()).unwrap()
}

/// Waits for what the controllers add after `authenticate` returns: the consumer's Renew in
/// the provider (its renewer, through the identity) and each side's ForeignCluster, so that a
/// snapshot of an authenticated pair does not race them.
pub async fn await_settled(consumer: &Client, provider: &Client, c: &str, p: &str) {
    let renews: Api<Renew> = Api::namespaced(provider.clone(), &tenant_ns(c));
    within(
        "the consumer's Renew in the provider",
        await_condition(renews, &format!("controlplane-{p}"), |r: Option<&Renew>| {
            r.is_some()
        }),
    )
    .await
    .unwrap();
    // The end of the Renew chain: the replica answered and its status came back, so a
    // versions snapshot does not race the replicator.
    let local: Api<Renew> = Api::namespaced(consumer.clone(), &tenant_ns(p));
    let answered = |r: Option<&Renew>| {
        r.and_then(|r| r.status.as_ref()?.auth_params.as_ref()?.signed_crt.as_ref())
            .is_some()
    };
    within(
        "the consumer's Renew answered",
        await_condition(local, &format!("controlplane-{p}"), answered),
    )
    .await
    .unwrap();
    for (client, peer) in [(consumer, p), (provider, c)] {
        let fcs: Api<ForeignCluster> = Api::all(client.clone());
        within(
            &format!("ForeignCluster {peer}"),
            await_condition(fcs, peer, |f: Option<&ForeignCluster>| f.is_some()),
        )
        .await
        .unwrap();
    }
}

/// What an authentication undone by `unauthenticate` leaves on the consumer (`c`) and the
/// provider (`p`), besides the two tenant namespaces (kept on purpose: other modules' objects
/// live there, authentication.md §9.2).
pub fn unauthenticated(c: &str, p: &str) -> (Vec<Expected>, Vec<Expected>) {
    let consumer = vec![expected(
        format!("core.liqo.io/ForeignCluster /{p}"),
        "kept with role Unknown, as upstream does (authentication.md §9.2)",
    )];
    let provider = vec![expected(
        format!("core.liqo.io/ForeignCluster /{c}"),
        "kept with role Unknown, as upstream does (authentication.md §9.2)",
    )];
    (consumer, provider)
}

/// Two clusters on a test network, `local` (gateway client) and `remote` (gateway server).
pub struct NetPair {
    pub env: Env,
    pub local: &'static str,
    pub remote: &'static str,
}

impl NetPair {
    pub async fn start(local: &'static str, remote: &'static str) -> Self {
        let env = tokio::task::spawn_blocking(move || {
            crate::common::installed_network_env(&[
                (local, &format!("{local}-id"), "10.243.0.0/16"),
                (remote, &format!("{remote}-id"), "10.244.0.0/16"),
            ])
        })
        .await
        .expect("env thread");
        Self { env, local, remote }
    }

    pub fn clients(&self) -> (Client, Client) {
        (
            self.env.cluster(self.local).client(),
            self.env.cluster(self.remote).client(),
        )
    }

    pub fn local_id(&self) -> String {
        format!("{}-id", self.local)
    }

    pub fn remote_id(&self) -> String {
        format!("{}-id", self.remote)
    }

    /// `network <verb>` from local to remote with `extra` flags.
    pub async fn network(&self, verb: &str, extra: &[&str]) -> std::process::Output {
        let mut args = vec![
            kubeconfig(self.env.cluster(self.local).kubeconfig()),
            "network".into(),
            verb.into(),
            remote_kubeconfig(self.env.cluster(self.remote).kubeconfig()),
        ];
        args.extend(extra.iter().map(|a| (*a).to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args).await
    }

    /// The server cluster's node address (where its gateway listens).
    pub fn server_node_ip(&self) -> String {
        self.env.cluster(self.remote).node_ip().unwrap().to_string()
    }

    /// `reset --skip-confirm --wait` succeeds and leaves each cluster as in `before` but for
    /// its tenant namespace (which the network commands never delete).
    pub async fn reset_to(&self, before: &(BTreeSet<String>, BTreeSet<String>), extra: &[&str]) {
        let mut flags = vec!["--skip-confirm", "--wait"];
        flags.extend(extra);
        let out = self.network("reset", &flags).await;
        ok("network reset", &out);
        self.assert_back_to(before, extra.is_empty()).await;
    }

    /// Each cluster as in `before`, with its tenant namespace for the peer when `tenant_ns`.
    pub async fn assert_back_to(
        &self,
        before: &(BTreeSet<String>, BTreeSet<String>),
        tenant: bool,
    ) {
        let (l, r) = self.clients();
        let after = snapshots(&l, &r).await;
        let (l_ns, r_ns) = (tenant_ns(&self.remote_id()), tenant_ns(&self.local_id()));
        let (l_ns, r_ns): (Vec<&str>, Vec<&str>) = if tenant {
            (vec![&l_ns], vec![&r_ns])
        } else {
            (vec![], vec![])
        };
        assert_diff(self.local, &before.0, &after.0, &[], &l_ns);
        assert_diff(self.remote, &before.1, &after.1, &[], &r_ns);
    }
}

pub async fn get<K>(client: &Client, ns: &str, name: &str) -> K
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    Api::<K>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .unwrap_or_else(|e| panic!("{} {ns}/{name}: {e}", K::kind(&())))
}

pub async fn names<K>(client: &Client, ns: &str) -> Vec<String>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    Api::<K>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(ResourceExt::name_any)
        .collect()
}

pub fn connected(c: &Connection) -> bool {
    c.is_connected()
}

/// The gateway server's Service, GatewayServer and the client's GatewayClient.
pub async fn gateways(
    pair: &NetPair,
    l_ns: &str,
    r_ns: &str,
) -> (Service, GatewayServer, GatewayClient) {
    let (l, r) = pair.clients();
    let server: GatewayServer = get(&r, r_ns, &pair.local_id()).await;
    let svc: Service = get(&r, r_ns, &format!("gw-{}", pair.local_id())).await;
    let client: GatewayClient = get(&l, l_ns, &pair.remote_id()).await;
    (svc, server, client)
}

/// The output and exit code of liqoctl run on a pseudo-terminal (util-linux `script`), with
/// `input` typed on it; stdout and stderr both go to the terminal.
pub async fn liqoctl_on_tty(args: &[&str], input: &str) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin("liqoctl");
    let command = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| (*a).to_string()))
        .map(|a| shell_quote(&a))
        .collect::<Vec<_>>()
        .join(" ");
    let input = input.to_string();
    let out = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::new("script")
            // -e: the child's exit code; -q: no "Script started" banner; no typescript file.
            .args(["-qec", &command, "/dev/null"])
            .env("NO_COLOR", "1")
            .write_stdin(input)
            .timeout(Duration::from_secs(300))
            .output()
            .expect("script runs")
    })
    .await
    .expect("script thread");
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    (out.status.code(), text)
}

fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// An HTTP CONNECT proxy on loopback that tunnels only to `target` (`host:port`), counting the
/// tunnels it opened and keeping every request it refused. Stops when dropped.
#[derive(Debug)]
pub struct ConnectProxy {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    tunnels: Arc<AtomicUsize>,
    refused: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ConnectProxy {
    pub async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let tunnels = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(Mutex::new(Vec::new()));
        let (t, r, target) = (tunnels.clone(), refused.clone(), target.to_string());
        let task = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let (t, r, target) = (t.clone(), r.clone(), target.clone());
                tokio::spawn(async move {
                    // A broken tunnel is the client's business; the counts are what we check.
                    let _ = tunnel(inbound, &target, &t, &r).await;
                });
            }
        });
        Self {
            url,
            tunnels,
            refused,
            task,
        }
    }

    /// Tunnels opened to the target so far.
    pub fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }

    /// Request lines refused (another method or target).
    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one proxy connection: reads the request head, then tunnels both ways.
async fn tunnel(
    mut inbound: TcpStream,
    target: &str,
    tunnels: &AtomicUsize,
    refused: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    const MAX_HEAD: usize = 16 * 1024;
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    let end = loop {
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = inbound.read(&mut buf).await?;
        if n == 0 || head.len() > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let line = text.lines().next().unwrap_or_default().to_string();
    let mut words = line.split_whitespace();
    if (words.next(), words.next()) != (Some("CONNECT"), Some(target)) {
        refused.lock().unwrap().push(line);
        return inbound
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await;
    }
    let mut outbound = TcpStream::connect(target).await?;
    tunnels.fetch_add(1, Ordering::SeqCst);
    inbound
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    outbound.write_all(&head[end..]).await?;
    tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await?;
    Ok(())
}

/// The lines of `cluster`'s pod logs that contain `needle`, to show why a controller did not
/// act (the environment's files go when the test ends).
pub fn pod_log_lines(cluster: &liqo_testenv::Cluster, needle: &str) -> String {
    let mut out = String::new();
    let Ok(pods) = std::fs::read_dir(cluster.dir().join("pods")) else {
        return out;
    };
    for pod in pods.flatten() {
        for file in std::fs::read_dir(pod.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default();
            for line in text.lines().filter(|l| l.contains(needle)) {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}
