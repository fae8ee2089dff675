//! Pods bound to the test node: containers whose image is this project's run as local
//! processes; any other image is reported as not available, never pretended to run.

mod address;
mod env;
mod exec;
mod placement;
mod probe;
mod status;
mod volumes;
mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::DeleteParams;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, ResourceExt};
use tokio::sync::watch;

pub use exec::ExecRegistry;
pub use status::{ContainerPhase, ContainerReport};
pub use worker::PROJECT_IMAGE_REPOSITORY;

/// Environment variable naming where this project's binaries are.
pub const PROJECT_BIN_ENV: &str = "LIQO_TESTENV_PROJECT_BIN";
/// Label marking Liqo's gateway pods (upstream's `networking.liqo.io/component`).
pub const COMPONENT_LABEL: &str = "networking.liqo.io/component";
/// [`COMPONENT_LABEL`] value of gateway pods: on a test network they run in the node's
/// network namespace, like hostNetwork pods.
pub const GATEWAY_COMPONENT: &str = "gateway";
/// Liqo's namespace: its pods, and those of `liqo-*` namespaces, share the host's network.
pub const LIQO_NAMESPACE: &str = "liqo";
/// `app.kubernetes.io/name`, which names the API-server proxy's pods.
pub const APP_NAME_LABEL: &str = "app.kubernetes.io/name";
/// [`APP_NAME_LABEL`] of the API-server proxy: in a sandbox, though in the Liqo namespace.
pub const PROXY_APP: &str = "proxy";

/// Where the agent finds binaries and writes pod files.
#[derive(Debug, Clone)]
pub struct PodsConfig {
    /// The cluster, for messages.
    pub cluster: String,
    /// Node name.
    pub node_name: String,
    /// This project's built binaries (`target/debug` by default).
    pub bin_dir: PathBuf,
    /// One directory per pod: kubeconfig, token, logs.
    pub pods_dir: PathBuf,
    /// API server URL pods talk to.
    pub server: String,
    /// The cluster CA, PEM.
    pub ca_pem: String,
    /// The node's place on the test network, when the environment has one.
    pub network: Option<crate::net::NodeNetwork>,
    /// The running containers, for `kubectl exec`.
    pub exec: ExecRegistry,
    /// The pods' network sandboxes on a test network.
    pub sandboxes: crate::net::Sandboxes,
}

impl PodsConfig {
    /// The default project binaries directory: `$LIQO_TESTENV_PROJECT_BIN`, else
    /// `$CARGO_TARGET_DIR/debug`, else the workspace's `target/debug`.
    pub fn default_bin_dir() -> PathBuf {
        match std::env::var_os(PROJECT_BIN_ENV) {
            Some(dir) => PathBuf::from(dir),
            None => {
                // Honour a relocated target directory, as cargo does.
                let target = std::env::var_os("CARGO_TARGET_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
                let dir = target.join("debug");
                dir.canonicalize().unwrap_or(dir)
            }
        }
    }
}

/// The delete that ends `pod` as a kubelet does (grace 0), only for this very pod: a pod
/// of the same name created meanwhile (a controller replacing it) is not touched.
pub(crate) fn finish_deletion(pod: &Pod) -> DeleteParams {
    DeleteParams {
        grace_period_seconds: Some(0),
        preconditions: Some(kube::api::Preconditions {
            uid: pod.uid(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    }
}

/// Why a pod's worker stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The pod is being deleted: stop the processes, then remove the pod.
    PodDeleted,
    /// The agent is shutting down: stop the processes, leave the pod.
    AgentShutdown,
}

/// Runs the pods bound to the node until `shutdown` resolves, then stops their processes.
pub async fn run(client: Client, cfg: PodsConfig, shutdown: impl std::future::Future<Output = ()>) {
    let pods: Api<Pod> = Api::all(client.clone());
    let selector = watcher::Config::default().fields(&format!("spec.nodeName={}", cfg.node_name));
    let mut events = watcher::watcher(pods.clone(), selector)
        .default_backoff()
        .boxed();
    let mut workers: HashMap<String, (watch::Sender<Option<Stop>>, tokio::task::JoinHandle<()>)> =
        HashMap::new();
    tokio::pin!(shutdown);
    loop {
        let event = tokio::select! {
            () = &mut shutdown => break,
            event = events.next() => event,
        };
        let pod = match event {
            Some(Ok(Event::Apply(pod) | Event::InitApply(pod))) => pod,
            Some(Ok(Event::Delete(pod))) => {
                if let Some((stop, _)) = pod.uid().and_then(|uid| workers.get(&uid)) {
                    let _ = stop.send(Some(Stop::PodDeleted));
                }
                continue;
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => {
                tracing::debug!(error = %e, "pod watch error, retrying");
                continue;
            }
            None => break,
        };
        let uid = pod.uid().unwrap_or_default();
        workers.retain(|_, (_, handle)| !handle.is_finished());
        if pod.metadata.deletion_timestamp.is_some() {
            match workers.get(&uid) {
                Some((stop, _)) => {
                    let _ = stop.send(Some(Stop::PodDeleted));
                }
                // Never started here (or already stopped): finish the deletion as a kubelet does.
                None => {
                    let api: Api<Pod> =
                        Api::namespaced(client.clone(), &pod.namespace().unwrap_or_default());
                    let _ = api.delete(&pod.name_any(), &finish_deletion(&pod)).await;
                }
            }
            continue;
        }
        let terminal = matches!(
            pod.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded" | "Failed")
        );
        if terminal || workers.contains_key(&uid) {
            continue;
        }
        let (stop_tx, stop_rx) = watch::channel(None);
        let handle = tokio::spawn(worker::run(client.clone(), cfg.clone(), pod, stop_rx));
        workers.insert(uid, (stop_tx, handle));
    }
    for (stop, _) in workers.values() {
        let _ = stop.send(Some(Stop::AgentShutdown));
    }
    for (_, (_, handle)) in workers {
        let _ = handle.await;
    }
}
