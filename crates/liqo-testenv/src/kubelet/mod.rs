//! The node agent's kubelet API: `kubectl logs` of the node's pods reaches it through the API
//! server, which dials the Node's InternalIP at `status.daemonEndpoints.kubeletEndpoint.port`
//! with its kubelet client certificate. It serves with a certificate of the cluster's
//! kubelet-serving signer (a CSR the agent approves itself, as an admin) and checks callers as
//! a kubelet does (client CA or TokenReview, then a SubjectAccessReview on the Node). `kubectl
//! exec`, `kubectl attach` (output only) and `kubectl port-forward` come as WebSockets (the Node declares
//! `ExtendWebSocketsToKubelet`).

mod attach;
mod logs;
mod port_forward;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use kube::Client;
use liqo_kubelet_api::Refusal;
use liqo_kubelet_api::auth::Authenticator;
use liqo_kubelet_api::certificates::{ServingRequest, kubelet_tls};

use crate::Error;
use crate::net::NodeNetwork;
use crate::pods::PodsConfig;

/// How long the agent waits for its serving certificate.
const CERTIFICATE_TIMEOUT: Duration = Duration::from_secs(60);

/// Logs from the containers' files; exec in the running containers.
#[derive(Debug, Clone)]
struct NodeBackend {
    logs: logs::FileLogs,
    exec: crate::pods::ExecRegistry,
    bin_dir: std::path::PathBuf,
}

impl liqo_kubelet_api::Backend for NodeBackend {
    fn logs(
        &self,
        request: liqo_kubelet_api::LogRequest,
    ) -> futures::future::BoxFuture<'static, Result<liqo_kubelet_api::LogStream, Refusal>> {
        self.logs.logs(request)
    }

    fn exec(
        &self,
        request: liqo_kubelet_api::ExecRequest,
    ) -> futures::future::BoxFuture<'static, Result<liqo_kubelet_api::ExecSession, Refusal>> {
        let session = self.exec.spawn(&self.bin_dir, &request);
        Box::pin(async move { session })
    }

    fn attach(
        &self,
        request: liqo_kubelet_api::ExecRequest,
    ) -> futures::future::BoxFuture<'static, Result<liqo_kubelet_api::ExecSession, Refusal>> {
        attach::session(self, request)
    }

    fn port_forward(
        &self,
        request: liqo_kubelet_api::PortForwardRequest,
    ) -> futures::future::BoxFuture<'static, Result<Box<dyn liqo_kubelet_api::PortStream>, Refusal>>
    {
        let running = self.exec.clone();
        Box::pin(async move { port_forward::open(&running, request).await })
    }
}

/// A running kubelet API.
#[derive(Debug)]
pub(crate) struct KubeletApi {
    /// The port it listens on, at the node's address.
    pub port: u16,
    /// The server task (aborted when the agent stops).
    pub task: tokio::task::JoinHandle<()>,
}

/// Serves the kubelet API of `pods.node_name` at the node's address on a free port.
///
/// # Errors
/// When the port cannot be bound in the node's namespace, or the certificate is not issued.
pub(crate) async fn start(
    client: &Client,
    pods: &PodsConfig,
    network: Option<&NodeNetwork>,
) -> Result<KubeletApi, Error> {
    let ip = network.map_or(Ipv4Addr::LOCALHOST, |n| n.node_ip);
    let listener = crate::net::listen_in(
        network.map(|n| n.netns.as_str()),
        SocketAddr::new(IpAddr::V4(ip), 0),
    )
    .map_err(|e| {
        Error::State(format!(
            "kubelet API of {}: failed to listen on {ip}: {e}",
            pods.node_name
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::State(e.to_string()))?
        .port();
    let request = ServingRequest {
        node_name: pods.node_name.clone(),
        ips: vec![IpAddr::V4(ip)],
        self_approve: true,
        timeout: CERTIFICATE_TIMEOUT,
    };
    let tls = kubelet_tls(client, &request).await.map_err(|e| {
        Error::State(format!(
            "kubelet API of {}: {}",
            pods.node_name,
            with_causes(&e)
        ))
    })?;
    let backend = NodeBackend {
        logs: logs::FileLogs {
            pods_dir: pods.pods_dir.clone(),
            node_name: pods.node_name.clone(),
        },
        exec: pods.exec.clone(),
        bin_dir: pods.bin_dir.clone(),
    };
    let auth = Authenticator::new(client.clone(), pods.node_name.clone());
    let task = liqo_kubelet_api::serve(listener, &tls, auth, backend)
        .map_err(|e| Error::State(format!("kubelet API of {}: {e}", pods.node_name)))?;
    Ok(KubeletApi { port, task })
}

/// `error: cause: cause…` on one line.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    line
}
