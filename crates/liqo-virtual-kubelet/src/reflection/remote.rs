//! The provider side of reflection, one twin namespace at a time (the virtual kubelet may only
//! read where the provider granted it a RoleBinding): caches of the ShadowPods, Pods and
//! ServiceAccount-token Secrets of each accepted twin, started when the provider accepts the
//! namespace and stopped when it leaves.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::consts::label;
use liqo_api::offloading::ShadowPod;

use super::mapping::Mappings;
use super::queue::{Key, Queue};

/// The caches of one twin namespace, usable once both listed.
#[derive(Clone)]
pub struct Twin {
    /// The local namespace it mirrors.
    pub local_ns: String,
    /// ShadowPods of this virtual node.
    pub shadows: Store<ShadowPod>,
    /// Pods of this virtual node's ShadowPods.
    pub pods: Store<Pod>,
    /// Token Secrets of this virtual node's pods.
    pub tokens: Store<Secret>,
}

impl std::fmt::Debug for Twin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twin")
            .field("local_ns", &self.local_ns)
            .finish_non_exhaustive()
    }
}

impl Twin {
    /// The ShadowPod `name`.
    pub fn shadow(&self, remote_ns: &str, name: &str) -> Option<Arc<ShadowPod>> {
        self.shadows.get(&ObjectRef::new(name).within(remote_ns))
    }

    /// The remote Pod `name`.
    pub fn pod(&self, remote_ns: &str, name: &str) -> Option<Arc<Pod>> {
        self.pods.get(&ObjectRef::new(name).within(remote_ns))
    }

    /// The token Secret `name`.
    pub fn token(&self, remote_ns: &str, name: &str) -> Option<Arc<Secret>> {
        self.tokens.get(&ObjectRef::new(name).within(remote_ns))
    }
}

struct Running {
    local_ns: String,
    /// Set once both caches listed.
    ready: Option<Twin>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The twins being watched, keyed by remote namespace.
#[derive(Clone, Default)]
pub struct Twins {
    inner: Arc<RwLock<HashMap<String, Running>>>,
}

impl std::fmt::Debug for Twins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twins").finish_non_exhaustive()
    }
}

impl Twins {
    /// The ready caches of remote namespace `remote_ns`.
    pub fn get(&self, remote_ns: &str) -> Option<Twin> {
        self.read().get(remote_ns)?.ready.clone()
    }

    /// Watches exactly the twins of `mappings`: new ones start (their local namespace is
    /// queued through `on_ready` once listed), gone ones stop. Returns the local namespaces
    /// whose mapping appeared or went, for the caller to re-queue.
    pub fn sync(
        &self,
        remote: &Client,
        node: &str,
        mappings: &Mappings,
        queue: &Queue,
        on_ready: impl Fn(&str) + Clone + Send + Sync + 'static,
    ) -> Vec<String> {
        let mut changed = Vec::new();
        let mut running = self.write();
        running.retain(|remote_ns, r| {
            let keep = mappings.get(&r.local_ns) == Some(remote_ns);
            if !keep {
                tracing::info!(local = %r.local_ns, remote = %remote_ns, "stopped reflecting namespace");
                changed.push(r.local_ns.clone());
            }
            keep
        });
        for (local_ns, remote_ns) in mappings {
            if running.contains_key(remote_ns) {
                continue;
            }
            let task = tokio::spawn(watch_twin(
                self.clone(),
                remote.clone(),
                node.to_owned(),
                (local_ns.clone(), remote_ns.clone()),
                queue.clone(),
                on_ready.clone(),
            ));
            running.insert(
                remote_ns.clone(),
                Running {
                    local_ns: local_ns.clone(),
                    ready: None,
                    task,
                },
            );
            changed.push(local_ns.clone());
        }
        changed
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Running>> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Running>> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Caches the twin's ShadowPods, Pods and token Secrets of `node`; each change queues the local
/// pod it stands for. Once all caches listed, the twin becomes visible and `on_ready` runs.
async fn watch_twin(
    twins: Twins,
    remote: Client,
    node: String,
    (local_ns, remote_ns): (String, String),
    queue: Queue,
    on_ready: impl Fn(&str) + Send + Sync + 'static,
) {
    let selector = format!("{}={node}", label::OFFLOADING_NODENAME);
    let config = watcher::Config::default().labels(&selector);
    let (shadows, shadow_writer) = reflector::store();
    let (pods, pod_writer) = reflector::store();
    let (tokens, token_writer) = reflector::store();
    let token_config = watcher::Config::default().labels(&format!(
        "{selector},{}={}",
        label::MANAGED_BY,
        super::pods::token::MANAGED_BY_TOKEN
    ));
    let shadow_events = events(
        Api::<ShadowPod>::namespaced(remote.clone(), &remote_ns),
        (config.clone(), shadow_writer),
        &local_ns,
        &queue,
        |o: &ShadowPod| Some(o.name_any()),
    );
    let pod_events = events(
        Api::<Pod>::namespaced(remote.clone(), &remote_ns),
        (config, pod_writer),
        &local_ns,
        &queue,
        |o: &Pod| Some(o.name_any()),
    );
    let token_events = events(
        Api::<Secret>::namespaced(remote, &remote_ns),
        (token_config, token_writer),
        &local_ns,
        &queue,
        super::pods::token::pod_of,
    );
    let ready = async {
        let (a, b, c) = tokio::join!(
            shadows.wait_until_ready(),
            pods.wait_until_ready(),
            tokens.wait_until_ready()
        );
        if a.is_err() || b.is_err() || c.is_err() {
            return;
        }
        if let Some(r) = twins.write().get_mut(&remote_ns) {
            r.ready = Some(Twin {
                local_ns: local_ns.clone(),
                shadows: shadows.clone(),
                pods: pods.clone(),
                tokens: tokens.clone(),
            });
        }
        tracing::info!(local = %local_ns, remote = %remote_ns, "reflecting namespace");
        on_ready(&local_ns);
        std::future::pending::<()>().await;
    };
    tokio::join!(shadow_events, pod_events, token_events, ready);
}

/// Feeds `writer` from a watch of `api` and queues the local pod `pod_of` each changed one.
async fn events<K>(
    api: Api<K>,
    (config, writer): (watcher::Config, reflector::store::Writer<K>),
    local_ns: &str,
    queue: &Queue,
    pod_of: impl Fn(&K) -> Option<String>,
) where
    K: Resource<DynamicType = ()> + Clone + std::fmt::Debug + serde::de::DeserializeOwned,
    K: Send + Sync + 'static,
{
    let stream = reflector::reflector(writer, watcher::watcher(api, config).default_backoff());
    let mut stream = std::pin::pin!(stream);
    let mut relist = super::relist::Relist::default();
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => {
                let key_of = |o: &K| pod_of(o).map(|name| Key::new(local_ns, name));
                relist
                    .keys(&event, key_of)
                    .into_iter()
                    .for_each(|k| queue.add(k));
            }
            Err(e) => tracing::debug!(error = %e, "remote watch error, retrying"),
        }
    }
}
