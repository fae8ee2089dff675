//! An HTTPS server whose handler streams: each request arrives with its body unread and the
//! client's certificates (when it presented any), and the response body may be endless
//! (`logs -f`). The whole-body server of the webhooks is built on it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

use crate::tls::{PeerCertificates, ServeError, TlsOptions, server_config};

/// A response body: whole or streamed, failing with an I/O error.
pub type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// A whole body of `bytes`.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// Serves HTTPS on `listener` until the returned task is aborted; each request goes to
/// `handler` with the client's certificates when it presented any.
///
/// # Errors
/// [`ServeError`] when the TLS material is unusable.
pub fn serve<H, F>(
    listener: TcpListener,
    tls: &TlsOptions,
    handler: H,
) -> Result<tokio::task::JoinHandle<()>, ServeError>
where
    H: Fn(Request<Incoming>, Option<PeerCertificates>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    let config: Arc<ServerConfig> = server_config(tls)?;
    Ok(tokio::spawn(accept_loop(
        listener,
        TlsAcceptor::from(config),
        handler,
    )))
}

/// Binds `addr` (see [`serve`]).
///
/// # Errors
/// [`ServeError::Bind`] when the address is taken or not local.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))
}

async fn accept_loop<H, F>(listener: TcpListener, acceptor: TlsAcceptor, handler: H)
where
    H: Fn(Request<Incoming>, Option<PeerCertificates>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let (acceptor, handler) = (acceptor.clone(), handler.clone());
        tokio::spawn(async move {
            let tls = match acceptor.accept(stream).await {
                Ok(tls) => tls,
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
            };
            let certs = tls
                .get_ref()
                .1
                .peer_certificates()
                .map(|c| PeerCertificates(c.iter().map(|c| c.clone().into_owned()).collect()));
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let response = handler(req, certs.clone());
                async move { Ok::<_, std::convert::Infallible>(response.await) }
            });
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .with_upgrades()
                .await;
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "HTTPS connection failed");
            }
        });
    }
}
