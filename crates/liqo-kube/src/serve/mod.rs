//! A small HTTPS server: TLS (rustls, ring) in front of HTTP/1.1 (hyper), handing each request
//! with its whole body to a handler. Admission webhooks use it; the virtual kubelet's kubelet
//! API can, with client-certificate verification through [`TlsOptions::client_verifier`].

pub mod cert;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::danger::ClientCertVerifier;
use tokio_rustls::rustls::{self, ServerConfig};

pub use hyper::body::Bytes as Body;
pub use hyper::{Method, StatusCode as Status};

/// Largest request body read (the API server caps admission requests near 3 MiB).
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The certificate PEM holds no certificate.
    #[error("the serving certificate PEM holds no certificate")]
    NoCertificate,
    /// The key PEM holds no usable private key.
    #[error("the serving key PEM holds no private key")]
    NoKey,
    /// rustls refused the certificate/key pair.
    #[error("invalid TLS configuration")]
    Tls(#[source] rustls::Error),
    /// The address could not be bound.
    #[error("failed to listen on {0}")]
    Bind(SocketAddr, #[source] std::io::Error),
}

/// The server's certificate chain and key (PEM); never printed.
#[derive(Clone)]
pub struct TlsOptions {
    /// The serving certificate, then any intermediates.
    pub cert_chain_pem: String,
    /// Its private key (PKCS#8, SEC1 or PKCS#1).
    pub key_pem: String,
    /// Verifies client certificates when set (else none are asked for).
    pub client_verifier: Option<Arc<dyn ClientCertVerifier>>,
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsOptions")
            .field("client_verifier", &self.client_verifier.is_some())
            .finish_non_exhaustive()
    }
}

/// The client's certificate chain, as an extension of each request on a connection where the
/// client presented one.
#[derive(Debug, Clone)]
pub struct PeerCertificates(pub Vec<CertificateDer<'static>>);

/// A request as the handler sees it: head and complete body.
pub type FullRequest = Request<Bytes>;
/// A response as the handler returns it.
pub type FullResponse = Response<Bytes>;

/// The rustls configuration of `tls`: HTTP/1.1 only (ALPN), ring as the provider.
///
/// # Errors
/// [`ServeError`] for unreadable PEM or a mismatched pair.
pub fn server_config(tls: &TlsOptions) -> Result<Arc<ServerConfig>, ServeError> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(tls.cert_chain_pem.as_bytes())
            .filter_map(Result::ok)
            .collect();
    if chain.is_empty() {
        return Err(ServeError::NoCertificate);
    }
    let key =
        PrivateKeyDer::from_pem_slice(tls.key_pem.as_bytes()).map_err(|_| ServeError::NoKey)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ServeError::Tls)?;
    let builder = match &tls.client_verifier {
        Some(verifier) => builder.with_client_cert_verifier(verifier.clone()),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(ServeError::Tls)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves HTTPS on `addr` until the returned task is aborted: every request is read whole
/// (up to [`MAX_BODY`]) and answered by `handler`.
///
/// # Errors
/// [`ServeError`] when the TLS material is unusable or the address cannot be bound.
pub async fn serve<H, F>(
    addr: SocketAddr,
    tls: &TlsOptions,
    handler: H,
) -> Result<tokio::task::JoinHandle<()>, ServeError>
where
    H: Fn(FullRequest) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Bytes>> + Send + 'static,
{
    let acceptor = TlsAcceptor::from(server_config(tls)?);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e))?;
    Ok(tokio::spawn(accept_loop(listener, acceptor, handler)))
}

async fn accept_loop<H, F>(listener: TcpListener, acceptor: TlsAcceptor, handler: H)
where
    H: Fn(FullRequest) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Bytes>> + Send + 'static,
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
                let (handler, certs) = (handler.clone(), certs.clone());
                async move { Ok::<_, std::convert::Infallible>(answer(req, certs, handler).await) }
            });
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "HTTPS connection failed");
            }
        });
    }
}

async fn answer<H, F>(
    req: Request<Incoming>,
    certs: Option<PeerCertificates>,
    handler: H,
) -> Response<Full<Bytes>>
where
    H: Fn(FullRequest) -> F,
    F: Future<Output = Response<Bytes>>,
{
    let (mut head, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body unreadable or too large",
            );
        }
    };
    if let Some(certs) = certs {
        head.extensions.insert(certs);
    }
    handler(Request::from_parts(head, body))
        .await
        .map(Full::new)
}

/// A `text/plain` response.
pub fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_owned())));
    *response.status_mut() = status;
    response
}

/// A `200 application/json` response of `value`.
pub fn json(value: &impl serde::Serialize) -> Response<Bytes> {
    match serde_json::to_vec(value) {
        Ok(body) => Response::builder()
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(body))
            .expect("invariant: static header"),
        Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// An empty response with `code`.
pub fn status(code: StatusCode) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = code;
    response
}
