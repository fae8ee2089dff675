//! The kubelet's HTTPS API as the API server calls it for `kubectl logs`, `exec`, `attach` and
//! `port-forward`: the routes, who may call them (a client certificate of the cluster's client
//! CA, or a bearer token checked with a TokenReview, then a SubjectAccessReview on the Node —
//! upstream's virtual kubelet accepts anyone), and a [`Backend`] that produces the bytes: the
//! virtual kubelet forwards to the provider's pod, testenv's node agent reads its container
//! logs.

pub mod auth;
pub mod certificates;
mod exec;
mod logs;
mod portforward;
pub mod server;
pub mod tls;

use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

pub use exec::{ExecRequest, ExecSession, Exit};
pub use logs::{LogOptions, LogRequest};
use server::Body;
use tls::{PeerCertificates, ServeError, TlsOptions};

/// The Node feature (`status.declaredFeatures`) under which the API server forwards
/// `kubectl exec|attach|port-forward` WebSockets to the kubelet as they are.
pub const WEBSOCKET_FEATURE: &str = "ExtendWebSocketsToKubelet";
/// The port kubelets serve on.
pub const KUBELET_PORT: u16 = 10250;

/// A container log as it is produced; ends when the log does (or never, when followed).
pub type LogStream = BoxStream<'static, std::io::Result<Bytes>>;

/// Why a request was not served: the status and a one-line message for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, naming the object at fault.
    pub message: String,
}

impl Refusal {
    /// A refusal with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn into_response(self) -> Response<Body> {
        let mut response = Response::new(server::full(format!("{}\n", self.message)));
        *response.status_mut() = self.status;
        response
    }
}

/// One forwarded connection's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortForwardRequest {
    /// The pod's namespace (the caller's cluster).
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The pod's port.
    pub port: u16,
}

/// A duplex byte stream to the pod's port.
pub trait PortStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> PortStream for T {}

/// What serves the containers' side of the API.
pub trait Backend: Send + Sync + 'static {
    /// The log of one container, from its start (or as `request.options` narrow it).
    fn logs(&self, request: LogRequest) -> BoxFuture<'static, Result<LogStream, Refusal>>;

    /// Starts `request.command` in the container, with the streams it asks for.
    fn exec(&self, request: ExecRequest) -> BoxFuture<'static, Result<ExecSession, Refusal>> {
        let _ = request;
        Box::pin(async {
            Err(Refusal::new(
                StatusCode::NOT_IMPLEMENTED,
                "exec is not served by this node",
            ))
        })
    }

    /// Attaches to the container's own streams (`request.command` is empty); the session ends
    /// when the container does or the caller leaves.
    fn attach(&self, request: ExecRequest) -> BoxFuture<'static, Result<ExecSession, Refusal>> {
        let _ = request;
        Box::pin(async {
            Err(Refusal::new(
                StatusCode::NOT_IMPLEMENTED,
                "attach is not served by this node",
            ))
        })
    }

    /// Connects to `request.port` of the pod, once per forwarded connection (each connection
    /// kubectl accepts on its local port); the stream is closed when either side ends. A
    /// refusal's message reaches the caller (kubectl prints it).
    fn port_forward(
        &self,
        request: PortForwardRequest,
    ) -> BoxFuture<'static, Result<Box<dyn PortStream>, Refusal>> {
        let _ = request;
        Box::pin(async {
            Err(Refusal::new(
                StatusCode::NOT_IMPLEMENTED,
                "port-forward is not served by this node",
            ))
        })
    }
}

/// Serves the kubelet API of node `auth.node_name()` on `listener` until the task is aborted.
/// `tls` should carry a client verifier that accepts the cluster's client CA and lets
/// certificate-less clients through to token authentication
/// ([`auth::client_verifier`]).
///
/// # Errors
/// [`ServeError`] when the TLS material is unusable.
pub fn serve<B: Backend>(
    listener: TcpListener,
    tls: &TlsOptions,
    auth: auth::Authenticator,
    backend: B,
) -> Result<tokio::task::JoinHandle<()>, ServeError> {
    serve_rotating(listener, tls, auth, backend).map(|(task, _)| task)
}

/// [`serve`], and the handle that replaces the serving certificate (rotation).
///
/// # Errors
/// [`ServeError`] when the TLS material is unusable.
pub fn serve_rotating<B: Backend>(
    listener: TcpListener,
    tls: &TlsOptions,
    auth: auth::Authenticator,
    backend: B,
) -> Result<(tokio::task::JoinHandle<()>, Arc<tls::ServingCert>), ServeError> {
    let (auth, backend) = (Arc::new(auth), Arc::new(backend));
    server::serve_rotating(listener, tls, move |req, certs| {
        let (auth, backend) = (auth.clone(), backend.clone());
        async move {
            match handle(&auth, &backend, req, certs).await {
                Ok(response) => response,
                Err(refusal) => refusal.into_response(),
            }
        }
    })
}

/// Authenticates, routes, authorises and serves one request.
async fn handle<B: Backend>(
    auth: &auth::Authenticator,
    backend: &Arc<B>,
    req: Request<Incoming>,
    certs: Option<PeerCertificates>,
) -> Result<Response<Body>, Refusal> {
    let user = auth.authenticate(req.headers(), certs.as_ref()).await?;
    let route = Route::parse(req.method(), req.uri())?;
    auth.authorize(&user, verb(req.method()), route.subresource())
        .await?;
    match route {
        Route::ContainerLogs(request) => {
            let stream = backend.logs(request).await?;
            Ok(logs::response(stream))
        }
        Route::Exec(request) => {
            let protocol = exec::negotiate(&req)?;
            // After the upgrade, a failure is the session's Status: refused before it,
            // kubectl would retry over SPDY and report that instead of the cause.
            let session = backend
                .exec(request)
                .await
                .unwrap_or_else(|refusal| ExecSession::failed(refusal.message));
            Ok(exec::upgrade(req, protocol, session))
        }
        Route::Attach(request) => {
            let protocol = exec::negotiate(&req)?;
            let session = backend
                .attach(request)
                .await
                .unwrap_or_else(|refusal| ExecSession::failed(refusal.message));
            Ok(exec::upgrade(req, protocol, session))
        }
        Route::PortForward { namespace, pod } => {
            // Refused before the upgrade only when it is not one we speak; the backend's
            // refusals go on each connection's error stream, where kubectl prints them.
            let protocol = portforward::negotiate(&req)?;
            let target = portforward::Target::new(backend.clone(), &namespace, &pod);
            Ok(portforward::upgrade(req, protocol, target))
        }
        Route::Healthz => Ok(Response::new(server::full("ok"))),
    }
}

/// The paths served.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    /// `GET /containerLogs/{namespace}/{pod}/{container}`.
    ContainerLogs(LogRequest),
    /// `GET|POST /exec/{namespace}/{pod}/{container}?command=…`, upgraded to a WebSocket.
    Exec(ExecRequest),
    /// `GET|POST /attach/{namespace}/{pod}/{container}`, upgraded to a WebSocket.
    Attach(ExecRequest),
    /// `GET|POST /portForward/{namespace}/{pod}[/{uid}]`, upgraded to SPDY or a WebSocket.
    PortForward { namespace: String, pod: String },
    /// `GET /healthz`.
    Healthz,
}

/// The SubjectAccessReview verb, as the kubelet maps methods.
fn verb(method: &hyper::Method) -> &'static str {
    if method == hyper::Method::POST {
        "create"
    } else {
        "get"
    }
}

impl Route {
    fn parse(method: &hyper::Method, uri: &hyper::Uri) -> Result<Self, Refusal> {
        let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
        let not_found = || Refusal::new(StatusCode::NOT_FOUND, format!("{} not found", uri.path()));
        let query = uri.query().unwrap_or("");
        let route = match segments.as_slice() {
            ["containerLogs", namespace, pod, container] => {
                Self::ContainerLogs(LogRequest::parse(namespace, pod, container, query)?)
            }
            ["exec", namespace, pod, container] => {
                Self::Exec(ExecRequest::parse(namespace, pod, container, query)?)
            }
            ["healthz"] => Self::Healthz,
            ["attach", namespace, pod, container] => {
                Self::Attach(ExecRequest::attach(namespace, pod, container, query))
            }
            // The pod's UID, when given, is not checked: the backend knows pods by name.
            ["portForward", namespace, pod] | ["portForward", namespace, pod, _] => {
                Self::PortForward {
                    namespace: (*namespace).to_string(),
                    pod: (*pod).to_string(),
                }
            }
            _ => return Err(not_found()),
        };
        let allowed = match route {
            Self::Exec(_) | Self::Attach(_) | Self::PortForward { .. } => {
                method == hyper::Method::GET || method == hyper::Method::POST
            }
            _ => method == hyper::Method::GET,
        };
        if !allowed {
            return Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{method} {} is not served", uri.path()),
            ));
        }
        Ok(route)
    }

    /// The Node subresource checked, as the kubelet maps paths (`/healthz` → `healthz`,
    /// everything else here → `proxy`).
    fn subresource(&self) -> &'static str {
        match self {
            Self::ContainerLogs(_) | Self::Exec(_) | Self::Attach(_) | Self::PortForward { .. } => {
                "proxy"
            }
            Self::Healthz => "healthz",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(method: &str, uri: &str) -> Result<Route, Refusal> {
        Route::parse(&method.parse().unwrap(), &uri.parse().unwrap())
    }

    #[test]
    fn container_logs_paths_and_options_are_parsed() {
        let Route::ContainerLogs(req) = parse(
            "GET",
            "/containerLogs/demo/web-1/web?follow=true&tailLines=10&limitBytes=500",
        )
        .unwrap() else {
            panic!("not a log route")
        };
        assert_eq!(
            (
                req.namespace.as_str(),
                req.pod.as_str(),
                req.container.as_str()
            ),
            ("demo", "web-1", "web")
        );
        assert!(req.options.follow);
        assert_eq!(req.options.tail_lines, Some(10));
        assert_eq!(req.options.limit_bytes, Some(500));
        assert_eq!(parse("GET", "/healthz").unwrap().subresource(), "healthz");
    }

    #[test]
    fn other_paths_and_methods_are_refused_with_their_cause() {
        let missing = parse("GET", "/containerLogs/demo/web-1").unwrap_err();
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let post = parse("POST", "/containerLogs/demo/web-1/web").unwrap_err();
        assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
        let forward = Route::PortForward {
            namespace: "demo".into(),
            pod: "web-1".into(),
        };
        assert_eq!(parse("POST", "/portForward/demo/web-1").unwrap(), forward);
        assert_eq!(
            parse("GET", "/portForward/demo/web-1/0a1b").unwrap(),
            forward
        );
        assert_eq!(forward.subresource(), "proxy");
        let put = parse("PUT", "/portForward/demo/web-1").unwrap_err();
        assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
        let attach = parse("POST", "/attach/demo/web-1/web?command=ls&stdout=1&input=1").unwrap();
        let Route::Attach(attach) = attach else {
            panic!("not an attach: {attach:?}")
        };
        assert!(attach.command.is_empty(), "attach runs no command");
        assert!(attach.stdout && attach.stdin && !attach.stderr);
        let bad = parse("GET", "/containerLogs/demo/web-1/web?tailLines=many").unwrap_err();
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.message.contains("tailLines"), "{}", bad.message);
    }
}
