//! The peers the replicator reaches: one per control-plane kubeconfig Secret (labels
//! `liqo.io/identity-type=ControlPlane`, `liqo.io/remote-cluster-id=<P>`, annotation
//! `liqo.io/remote-tenant-namespace=<TNp>`), each with a client of the provider and one watch
//! per kind on the replicas there.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use futures::channel::mpsc;
use k8s_openapi::api::core::v1::Secret;
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher::{self, Event, watcher};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, IdentitySpec, IdentityType};
use liqo_api::consts::{annotation, label, name};
use liqo_api::core::ForeignCluster;
use liqo_kube::reconcile::Backoff;
use tokio::task::JoinHandle;

use super::reachability::{self, Target};
use super::{Replicated, Requeues, render};
use crate::context::Context;

/// A provider as the replicator reaches it.
#[derive(Clone)]
pub struct Remote {
    /// The provider's cluster ID.
    pub cluster_id: String,
    /// Client of the provider, acting as this cluster's control-plane identity.
    pub client: Client,
    /// The provider's tenant namespace for this cluster (where replicas live).
    pub remote_ns: String,
    /// This cluster's tenant namespace for the provider (where origins live).
    pub local_ns: String,
}

type Spawn = Box<dyn Fn(Arc<Remote>) -> JoinHandle<()> + Send + Sync>;

/// The replicated kinds: how to watch each one's replicas, and how to requeue all its origins.
#[derive(Default)]
pub struct Kinds {
    watchers: Vec<Spawn>,
    requeue_all: Vec<mpsc::UnboundedSender<()>>,
}

impl Kinds {
    /// Adds kind `K`; its reconciler reads the returned requeues.
    pub fn register<K: Replicated>(&mut self, local_id: &str) -> Requeues<K> {
        let (one_tx, one) = mpsc::unbounded();
        let (all_tx, all) = mpsc::unbounded();
        let local_id = local_id.to_string();
        self.requeue_all.push(all_tx.clone());
        self.watchers.push(Box::new(move |remote| {
            tokio::spawn(watch_replicas::<K>(
                remote,
                local_id.clone(),
                one_tx.clone(),
                all_tx.clone(),
            ))
        }));
        Requeues { one, all }
    }
}

struct Peer {
    remote: Arc<Remote>,
    /// `ns/name` of the kubeconfig Secret.
    secret: String,
    /// Hash of what the client was built from: a change rebuilds it.
    fingerprint: u64,
    watchers: Vec<JoinHandle<()>>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        for w in &self.watchers {
            w.abort();
        }
    }
}

/// The loaded peers, by provider cluster ID.
pub struct Peers {
    kinds: Kinds,
    peers: Mutex<HashMap<String, Peer>>,
}

impl Peers {
    /// No peer yet.
    pub fn new(kinds: Kinds) -> Self {
        Self {
            kinds,
            peers: Mutex::new(HashMap::new()),
        }
    }

    /// The provider `cluster_id`, when its kubeconfig is loaded.
    pub fn get(&self, cluster_id: &str) -> Option<Arc<Remote>> {
        self.lock().get(cluster_id).map(|p| p.remote.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Peer>> {
        self.peers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn requeue_all(&self) {
        for tx in &self.kinds.requeue_all {
            // A closed channel means its reconciler has stopped: nothing to wake.
            let _ = tx.unbounded_send(());
        }
    }

    /// Loads (or reloads, when it changed) the peer of kubeconfig Secret `secret`; returns its
    /// cluster ID, or `Err` when the kubeconfig is unusable (reported; worth retrying).
    async fn load(&self, ctx: &Context, secret: &Secret) -> Result<Option<String>, ()> {
        let Some(cluster_id) = secret.labels().get(label::REMOTE_CLUSTER_ID).cloned() else {
            return Ok(None);
        };
        let key = secret_key(secret);
        let Some(remote_ns) = secret
            .annotations()
            .get(annotation::REMOTE_TENANT_NAMESPACE)
            .cloned()
        else {
            tracing::warn!(secret = %key, "control-plane kubeconfig without the {} annotation: not replicating to cluster {cluster_id}", annotation::REMOTE_TENANT_NAMESPACE);
            self.forget(&key);
            return Ok(None);
        };
        let kubeconfig = secret
            .data
            .as_ref()
            .and_then(|d| d.get(name::KUBECONFIG_KEY))
            .map(|k| k.0.clone())
            .unwrap_or_default();
        let fingerprint = fingerprint(&kubeconfig, &remote_ns, &key);
        match self.lock().get(&cluster_id) {
            Some(p) if p.secret != key => {
                // Upstream expects exactly one per cluster; the first one stays in use.
                tracing::warn!(secret = %key, using = %p.secret, "a second control-plane kubeconfig for cluster {cluster_id}: ignored");
                return Ok(Some(cluster_id));
            }
            Some(p) if p.fingerprint == fingerprint => return Ok(Some(cluster_id)),
            _ => {}
        }
        let (client, target) = match client(&kubeconfig).await {
            Ok(pair) => pair,
            Err(e) => {
                report_unusable(ctx, secret, &e).await;
                self.forget(&key);
                return Err(());
            }
        };
        let remote = Arc::new(Remote {
            cluster_id: cluster_id.clone(),
            client,
            remote_ns,
            local_ns: secret.namespace().unwrap_or_default(),
        });
        let mut watchers: Vec<JoinHandle<()>> = self
            .kinds
            .watchers
            .iter()
            .map(|spawn| spawn(remote.clone()))
            .collect();
        if let Some(identity) = owning_identity(secret) {
            watchers.push(tokio::spawn(reachability::probe(
                ctx.clone(),
                remote.client.clone(),
                target,
                remote.local_ns.clone(),
                identity,
            )));
        }
        let peer = Peer {
            remote,
            secret: key,
            fingerprint,
            watchers,
        };
        // Replacing the old peer aborts its watches (Drop).
        self.lock().insert(cluster_id.clone(), peer);
        tracing::info!(cluster = %cluster_id, "replicating to the provider through its control-plane identity");
        self.requeue_all();
        Ok(Some(cluster_id))
    }

    /// Forgets the peer of kubeconfig Secret `key` (`ns/name`), if it is one.
    fn forget(&self, key: &str) {
        let removed = {
            let mut peers = self.lock();
            let before = peers.len();
            peers.retain(|_, p| p.secret != key);
            before != peers.len()
        };
        if removed {
            self.requeue_all();
        }
    }

    /// Forgets the peers whose cluster is not in `keep` (after a re-list).
    fn retain(&self, keep: &HashSet<String>) {
        let removed = {
            let mut peers = self.lock();
            let before = peers.len();
            peers.retain(|id, _| keep.contains(id));
            before != peers.len()
        };
        if removed {
            self.requeue_all();
        }
    }
}

fn secret_key(secret: &Secret) -> String {
    format!(
        "{}/{}",
        secret.namespace().unwrap_or_default(),
        secret.name_any()
    )
}

fn fingerprint(kubeconfig: &[u8], remote_ns: &str, secret: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    (kubeconfig, remote_ns, secret).hash(&mut hasher);
    hasher.finish()
}

/// A client from kubeconfig text, and where it goes. The error never quotes the kubeconfig.
async fn client(kubeconfig: &[u8]) -> Result<(Client, Target), String> {
    let text = String::from_utf8_lossy(kubeconfig);
    // A YAML error may quote the value it choked on (a key, a token): not repeated here.
    let parsed = kube::config::Kubeconfig::from_yaml(&text)
        .map_err(|_| "it does not parse as a kubeconfig".to_string())?;
    let config = kube::Config::from_custom_kubeconfig(parsed, &Default::default())
        .await
        .map_err(|e| e.to_string())?;
    let target = Target {
        server: config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string(),
        proxy: config.proxy_url.as_ref().map(ToString::to_string),
    };
    Ok((Client::try_from(config).map_err(|e| e.to_string())?, target))
}

/// The Identity owning a kubeconfig Secret, by name.
fn owning_identity(secret: &Secret) -> Option<String> {
    secret
        .owner_references()
        .iter()
        .find(|o| o.kind == "Identity")
        .map(|o| o.name.clone())
}

/// The selector of control-plane kubeconfig Secrets.
fn identity_selector() -> String {
    format!(
        "{}={},{}",
        label::IDENTITY_TYPE,
        IdentityType::ControlPlane.as_str(),
        label::REMOTE_CLUSTER_ID
    )
}

/// Whether the consumer's tenant namespace `ns` holds a control-plane kubeconfig for
/// `cluster_id` (read from the API, not from what this process has loaded).
///
/// # Errors
/// The API refusal.
pub async fn identity_exists(
    client: &Client,
    ns: &str,
    cluster_id: &str,
) -> Result<bool, kube::Error> {
    let selector = format!(
        "{}={},{}={cluster_id}",
        label::IDENTITY_TYPE,
        IdentityType::ControlPlane.as_str(),
        label::REMOTE_CLUSTER_ID
    );
    let list = Api::<Secret>::namespaced(client.clone(), ns)
        .list_metadata(&kube::api::ListParams::default().labels(&selector).limit(1))
        .await?;
    Ok(!list.items.is_empty())
}

/// Keeps the peers in step with the kubeconfig Secrets, and requeues every origin when a
/// provider is marked permanently unreachable (its origins may then let go).
pub async fn run(ctx: std::sync::Arc<Context>, peers: Arc<Peers>) {
    tokio::join!(
        watch_identities(ctx.clone(), peers.clone()),
        watch_foreign_clusters(ctx, peers)
    );
}

async fn watch_identities(ctx: std::sync::Arc<Context>, peers: Arc<Peers>) {
    let secrets: Api<Secret> = Api::all(ctx.client.clone());
    let config = watcher::Config::default().labels(&identity_selector());
    let mut events = watcher(secrets.clone(), config).default_backoff().boxed();
    let mut listed: HashSet<String> = HashSet::new();
    // An unusable kubeconfig is read again with backoff (the old renewer retried too: its
    // Warning then shows as repeated, and a cause outside the Secret may go away).
    let (retry_tx, mut retries) = mpsc::unbounded::<(String, String)>();
    let backoff = Backoff::default();
    let load = async |secret: &Secret| {
        let key = secret_key(secret);
        let loaded = peers.load(&ctx, secret).await;
        match &loaded {
            Ok(_) => backoff.succeed(&key),
            Err(()) => {
                let delay = backoff.fail(&key, true);
                let tx = retry_tx.clone();
                let at = (secret.namespace().unwrap_or_default(), secret.name_any());
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = tx.unbounded_send(at);
                });
            }
        }
        loaded.ok().flatten()
    };
    loop {
        tokio::select! {
            event = events.next() => match event {
                None => return,
                Some(Ok(Event::Init)) => listed.clear(),
                Some(Ok(Event::InitApply(secret))) => listed.extend(load(&secret).await),
                Some(Ok(Event::InitDone)) => peers.retain(&listed),
                Some(Ok(Event::Apply(secret))) => {
                    load(&secret).await;
                }
                Some(Ok(Event::Delete(secret))) => peers.forget(&secret_key(&secret)),
                Some(Err(e)) => {
                    tracing::warn!(error = %watch_error(&e), "watching the control-plane kubeconfigs failed; retrying");
                }
            },
            Some((ns, name)) = retries.next() => {
                match Api::<Secret>::namespaced(ctx.client.clone(), &ns).get_opt(&name).await {
                    Ok(Some(secret)) => {
                        load(&secret).await;
                    }
                    // Gone: its Delete event forgets it.
                    Ok(None) => {}
                    Err(e) => tracing::warn!(secret = %format!("{ns}/{name}"), error = %liqo_kube::api_error::render(&e), "failed to read a control-plane kubeconfig again"),
                }
            }
        }
    }
}

/// A Warning about an unusable kubeconfig, on the Identity that owns the Secret (what users
/// look at; the Secret itself when it has no owner).
async fn report_unusable(ctx: &Context, secret: &Secret, cause: &str) {
    let owner = secret
        .owner_references()
        .iter()
        .find(|o| o.kind == "Identity")
        .cloned();
    match owner {
        Some(owner) => {
            let mut identity = Identity::new(&owner.name, IdentitySpec::default());
            identity.metadata.namespace = secret.namespace();
            identity.metadata.uid = Some(owner.uid);
            let error = anyhow::anyhow!(
                "the kubeconfig of Identity {} is unusable: {cause}",
                owner.name
            );
            ctx.warn_error(&identity, "KubeconfigUnusable", error.as_ref())
                .await;
        }
        None => {
            let error = anyhow::anyhow!(
                "the kubeconfig in Secret {} is unusable: {cause}",
                secret_key(secret)
            );
            ctx.warn_error(secret, "KubeconfigUnusable", error.as_ref())
                .await;
        }
    }
}

async fn watch_foreign_clusters(ctx: std::sync::Arc<Context>, peers: Arc<Peers>) {
    let fcs: Api<ForeignCluster> = Api::all(ctx.client.clone());
    let mut events = watcher(fcs, watcher::Config::default())
        .default_backoff()
        .applied_objects()
        .boxed();
    while let Some(event) = events.next().await {
        match event {
            Ok(fc) if is_unreachable(&fc) => peers.requeue_all(),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %watch_error(&e), "watching the ForeignClusters failed; retrying")
            }
        }
    }
}

/// Whether the ForeignCluster is marked permanently unreachable by an administrator.
pub fn is_unreachable(fc: &ForeignCluster) -> bool {
    fc.annotations()
        .get(annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE)
        .is_some_and(|v| v == label::TRUE)
}

/// Watches the replicas of kind `K` in one provider; each event requeues the origin, a
/// (re)list requeues all origins (a replica deleted while the watch was down shows in no
/// event). The watch backs off and restarts on failure, so a provider that comes back is
/// followed again without anyone noticing.
async fn watch_replicas<K: Replicated>(
    remote: Arc<Remote>,
    local_id: String,
    one: mpsc::UnboundedSender<ObjectRef<K>>,
    all: mpsc::UnboundedSender<()>,
) {
    let api: Api<K> = Api::namespaced(remote.client.clone(), &remote.remote_ns);
    let config = watcher::Config::default().labels(&render::replicas_selector(&local_id));
    let mut events = watcher(api, config).default_backoff().boxed();
    while let Some(event) = events.next().await {
        match event {
            Ok(Event::Apply(o) | Event::InitApply(o) | Event::Delete(o)) => {
                let _ = one.unbounded_send(ObjectRef::new(&o.name_any()).within(&remote.local_ns));
            }
            Ok(Event::InitDone) => {
                let _ = all.unbounded_send(());
            }
            Ok(Event::Init) => {}
            Err(e) => tracing::warn!(
                cluster = %remote.cluster_id,
                kind = %K::kind(&()),
                error = %watch_error(&e),
                "watching the replicas in the provider failed; retrying"
            ),
        }
    }
}

/// A watch failure in one line, API errors in the server's words.
fn watch_error(e: &watcher::Error) -> String {
    use liqo_kube::api_error::{render, status};
    match e {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => render(e),
        watcher::Error::WatchError(s) => status(s),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use liqo_api::core::ForeignClusterSpec;

    use super::*;

    #[test]
    fn only_an_explicit_true_marks_a_provider_unreachable() {
        let mut fc = ForeignCluster::new(
            "prov",
            ForeignClusterSpec {
                cluster_id: "prov".into(),
            },
        );
        assert!(!is_unreachable(&fc));
        for (value, marked) in [("true", true), ("false", false), ("yes", false)] {
            fc.metadata.annotations = Some(
                [(
                    annotation::FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE.to_string(),
                    value.to_string(),
                )]
                .into(),
            );
            assert_eq!(is_unreachable(&fc), marked, "{value}");
        }
    }

    #[test]
    fn a_peer_is_rebuilt_when_its_kubeconfig_or_remote_namespace_changes() {
        let base = fingerprint(b"kc", "liqo-tenant-c", "liqo-tenant-p/kubeconfig-x");
        assert_eq!(
            base,
            fingerprint(b"kc", "liqo-tenant-c", "liqo-tenant-p/kubeconfig-x")
        );
        assert_ne!(
            base,
            fingerprint(b"kc2", "liqo-tenant-c", "liqo-tenant-p/kubeconfig-x")
        );
        assert_ne!(
            base,
            fingerprint(b"kc", "liqo-tenant-d", "liqo-tenant-p/kubeconfig-x")
        );
        assert_eq!(
            identity_selector(),
            "liqo.io/identity-type=ControlPlane,liqo.io/remote-cluster-id"
        );
    }

    #[tokio::test]
    async fn an_unusable_kubeconfig_is_refused_without_quoting_it() {
        let Err(error) = client(b"clusters: [secret-token-value").await else {
            panic!("a broken kubeconfig made a client");
        };
        assert!(!error.contains("secret-token-value"), "{error}");
    }
}
