//! `kubectl port-forward` to a pod of the node: each forwarded connection is a TCP connection
//! to the port inside the pod's network namespace — on `localhost` as the kubelet dials, then
//! at the pod IP, since testenv pods without a namespace of their own share the host's and
//! listen on their own loopback address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use http::StatusCode;
use liqo_kubelet_api::{PortForwardRequest, PortStream, Refusal};

use crate::pods::ExecRegistry;

/// How long a connection to the pod's port may take (it is local: refusals come at once).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to `req.port` inside the pod of `req`.
///
/// # Errors
/// 404 when the pod runs no container here; 502 when nothing answers on the port.
pub(super) async fn open(
    running: &ExecRegistry,
    req: PortForwardRequest,
) -> Result<Box<dyn PortStream>, Refusal> {
    let (netns, ip) = running.network_of(&req.namespace, &req.pod)?;
    let pod_ip = ip.parse::<IpAddr>().ok();
    let localhost = netns.is_some().then_some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let mut last = None;
    for host in localhost.into_iter().chain(pod_ip) {
        let addr = SocketAddr::new(host, req.port);
        match crate::net::connect_in(netns.as_deref(), addr, CONNECT_TIMEOUT).await {
            Ok(stream) => return Ok(Box::new(stream)),
            Err(e) => last = Some(format!("{addr}: {e}")),
        }
    }
    Err(Refusal::new(
        StatusCode::BAD_GATEWAY,
        format!(
            "failed to connect to port {} of pod {}/{} ({})",
            req.port,
            req.namespace,
            req.pod,
            last.unwrap_or_else(|| "the pod has no address".into())
        ),
    ))
}
