//! Reflection (spec offloading.md §6.1 step 5): the consumer's offloaded workloads mirrored
//! into the provider's twin namespaces. The namespaces come from the provider's NamespaceMap
//! (`Accepted` entries); a keyed queue with workers reconciles each object; every watch is
//! event-driven, with a periodic resync of everything as a safety net.
//!
//! Reflected so far: pods (as ShadowPods, status back), ConfigMaps, Secrets, Services and
//! their EndpointSlices (as ShadowEndpointSlices); the provider's Events of the remote pods come
//! back onto the local pods (`events`); the ServiceAccount tokens of offloaded pods, as Secrets
//! their remote pods mount (`pods::token`).

pub mod endpointslices;
pub mod events;
pub mod mapping;
pub mod objects;
pub mod pods;
pub mod queue;
mod relist;
pub mod remote;
pub mod services;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, Service};
use kube::runtime::WatchStreamExt;
use kube::runtime::events::{Recorder, Reporter};
use kube::runtime::reflector::{self, Store};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::label;
use liqo_api::offloading::NamespaceMap;
use tokio::sync::watch;

use self::mapping::{IpTranslation, Mappings};
use self::objects::CopyReflector;
use self::pods::PodReflector;
use self::pods::translate::Offload;
use self::queue::{Key, Queue};
use self::remote::Twins;
use crate::remote::Remote;

/// Everything is reconciled again this often, whatever the watches said.
const RESYNC: Duration = Duration::from_secs(300);

/// What reflection needs to know about this virtual kubelet.
#[derive(Debug, Clone)]
pub struct Config {
    /// The tenant namespace, where the provider's NamespaceMap is.
    pub tenant_namespace: String,
    /// Who offloads where, and how remote pods are placed.
    pub offload: Offload,
    /// Provider pod IPs in the consumer's view.
    pub ips: IpTranslation,
    /// The virtual kubelet's pod IP.
    pub host_ip: String,
    /// Pod workers.
    pub pod_workers: usize,
    /// Workers of each copied kind (ConfigMaps, Secrets, Services, EndpointSlices).
    pub copy_workers: usize,
}

/// Reflects until the future is dropped, publishing the accepted namespaces on `mappings_tx`
/// (the kubelet API reads them too).
pub async fn run(
    local: Client,
    remote: Remote,
    config: Config,
    mappings_tx: watch::Sender<Mappings>,
) {
    let queue = Queue::default();
    let node = config.offload.node_name.clone();
    // Local pods bound to the virtual node, cached and queued on change.
    let (local_pods, writer) = reflector::store();
    let pods_api = Api::<Pod>::all(local.clone());
    let bound = watcher::Config::default().fields(&format!("spec.nodeName={node}"));
    let pod_events = watch_local(pods_api, bound, writer, queue.clone());
    // The accepted namespaces.
    let mappings = mappings_tx.subscribe();
    let twins = Twins::default();
    let namespaces = follow_namespace_maps(
        local.clone(),
        remote.clone(),
        &config,
        (mappings_tx, twins.clone()),
        (queue.clone(), local_pods.clone()),
    );
    // Its caches also give the token Secrets their CA (`kube-root-ca.crt`) without a GET.
    let configmap_reflector =
        CopyReflector::<ConfigMap>::new(local.clone(), remote.clone(), mappings.clone());
    let configmaps = configmap_reflector.clone().run(config.copy_workers);
    let secrets = CopyReflector::<Secret>::new(local.clone(), remote.clone(), mappings.clone())
        .run(config.copy_workers);
    let services = CopyReflector::<Service>::new(local.clone(), remote.clone(), mappings.clone())
        .run(config.copy_workers);
    let slices = endpointslices::run(
        local.clone(),
        remote.clone(),
        mappings.clone(),
        (node.clone(), config.ips.clone()),
        config.copy_workers,
    );
    let reporter = Reporter {
        controller: "virtual-kubelet".into(),
        instance: Some(node.clone()),
    };
    let events = Recorder::new(local.clone(), reporter);
    let provider_events = events::EventReflector::new(
        local.clone(),
        remote.clone(),
        local_pods.clone(),
        &config.offload,
    )
    .run(mappings.clone());
    let reflector = Arc::new(PodReflector {
        queue: queue.clone(),
        timers: pods::token::Timers::default(),
        configmaps: configmap_reflector,
        events,
        local,
        remote,
        local_pods: local_pods.clone(),
        mappings,
        twins,
        offload: config.offload.clone(),
        ips: config.ips.clone(),
        host_ip: config.host_ip.clone(),
    });
    let workers = queue.run(config.pod_workers, move |key| {
        let r = reflector.clone();
        async move { pods::reconcile(&r, key).await }
    });
    let resync = resync(queue.clone(), local_pods);
    tokio::join!(
        pod_events,
        namespaces,
        workers,
        resync,
        configmaps,
        secrets,
        services,
        slices,
        provider_events
    );
}

async fn watch_local(
    api: Api<Pod>,
    config: watcher::Config,
    writer: reflector::store::Writer<Pod>,
    queue: Queue,
) {
    let stream = reflector::reflector(writer, watcher::watcher(api, config).default_backoff());
    let mut stream = std::pin::pin!(stream);
    let mut relist = relist::Relist::default();
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => {
                let key_of =
                    |p: &Pod| Some(Key::new(p.namespace().unwrap_or_default(), p.name_any()));
                relist
                    .keys(&event, key_of)
                    .into_iter()
                    .for_each(|k| queue.add(k));
            }
            Err(e) => tracing::debug!(error = %e, "local pod watch error, retrying"),
        }
    }
}

/// Keeps the mappings and the twins' watches in step with the provider's NamespaceMaps; a
/// namespace that starts or stops being reflected has its local pods queued.
async fn follow_namespace_maps(
    local: Client,
    remote: Remote,
    config: &Config,
    (mappings, twins): (watch::Sender<Mappings>, Twins),
    (queue, local_pods): (Queue, Store<Pod>),
) {
    let api = Api::<NamespaceMap>::namespaced(local, &config.tenant_namespace);
    let selector = format!(
        "{}={}",
        label::REMOTE_CLUSTER_ID,
        config.offload.foreign_cluster_id
    );
    let (maps, writer) = reflector::store();
    let stream = reflector::reflector(
        writer,
        watcher::watcher(api, watcher::Config::default().labels(&selector)).default_backoff(),
    );
    let mut stream = std::pin::pin!(stream);
    let node = config.offload.node_name.clone();
    let queue_namespace = {
        let (queue, local_pods) = (queue.clone(), local_pods.clone());
        move |ns: &str| queue_pods_of(&queue, &local_pods, ns)
    };
    while let Some(event) = stream.next().await {
        match event {
            Ok(Event::Init | Event::InitApply(_)) => continue,
            Ok(_) => {}
            Err(e) => {
                tracing::debug!(error = %e, "NamespaceMap watch error, retrying");
                continue;
            }
        }
        let current = mapping::accepted(maps.state().iter().map(|m| m.as_ref()));
        if *mappings.borrow() == current {
            continue;
        }
        mappings.send_replace(current.clone());
        // Stopped namespaces are queued now; started ones once their caches listed.
        for ns in twins.sync(
            &remote.client(),
            &node,
            &current,
            &queue,
            queue_namespace.clone(),
        ) {
            if !current.contains_key(&ns) {
                queue_pods_of(&queue, &local_pods, &ns);
            }
        }
    }
}

fn queue_pods_of(queue: &Queue, local_pods: &Store<Pod>, ns: &str) {
    for p in local_pods.state() {
        if p.namespace().as_deref() == Some(ns) {
            queue.add(Key::new(ns, p.name_any()));
        }
    }
}

async fn resync(queue: Queue, local_pods: Store<Pod>) {
    let mut tick = tokio::time::interval(RESYNC);
    tick.tick().await;
    loop {
        tick.tick().await;
        for p in local_pods.state() {
            queue.add(Key::new(p.namespace().unwrap_or_default(), p.name_any()));
        }
    }
}

/// The error with the API server's reason (its `Display` names only the action).
pub(crate) fn render(e: &liqo_kube::reconcile::ReconcileError) -> String {
    match e {
        liqo_kube::reconcile::ReconcileError::Api { action, source } => {
            format!(
                "failed to {action}: {}",
                liqo_kube::api_error::render(source)
            )
        }
        other => other.to_string(),
    }
}
