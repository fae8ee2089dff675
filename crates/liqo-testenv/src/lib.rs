//! Real Kubernetes clusters on one machine, for tests and demos: each cluster is its own etcd,
//! kube-apiserver, kube-controller-manager and kube-scheduler (built from the official module by
//! `make k8s`), with a fresh PKI, an admin kubeconfig and a node agent that registers a Ready
//! worker Node the way a kubelet would. Nothing here is meant for a production cluster.

mod binaries;
mod cluster;
mod env;
mod error;
mod kubeconfig;
mod kubelet;
pub mod net;
pub mod node;
pub mod pki;
pub mod pods;
mod ports;
mod process;
pub mod services;
pub mod snapshot;
mod state;

pub use binaries::Binaries;
pub use cluster::{Cluster, ClusterConfig, NodeCapacity};
pub use env::run_agent;
pub use env::{Env, EnvBuilder};
pub use error::{ComponentFailure, Error};
pub use net::{NodeNetwork, PingReport, TestPod};
pub use process::is_alive;
pub use state::{ClusterState, ComponentState, NodeNetworkState};

/// Removes the test network recorded in an environment's directory (bridge, node and test
/// pod namespaces), if it has one. For `testenv down`, after [`stop_components`].
pub fn remove_network(env_dir: &std::path::Path) {
    net::remove_recorded(env_dir);
}

/// Stops the processes of a cluster recorded on disk, node agent first.
pub fn stop_components(state: &ClusterState) {
    for c in state.components.iter().rev() {
        process::terminate(c.pid, std::time::Duration::from_secs(5));
    }
}

/// Whether the API server of a recorded cluster answers `/readyz` with `ok`.
pub async fn probe_ready(state: &ClusterState) -> bool {
    let Ok(config) = cluster::load_config(&state.name, &state.kubeconfig).await else {
        return false;
    };
    let Ok(client) = kube::Client::try_from(config) else {
        return false;
    };
    let request = http::Request::get("/readyz")
        .body(Vec::new())
        .expect("invariant: static request");
    matches!(client.request_text(request).await, Ok(body) if body.trim() == "ok")
}
