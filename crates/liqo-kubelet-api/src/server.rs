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

use crate::tls::{PeerCertificates, ServeError, ServingCert, TlsOptions, rotating_server_config};

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
    serve_rotating(listener, tls, handler).map(|(task, _)| task)
}

/// [`serve`], and the handle that replaces the serving certificate while it serves.
///
/// # Errors
/// [`ServeError`] when the TLS material is unusable.
pub fn serve_rotating<H, F>(
    listener: TcpListener,
    tls: &TlsOptions,
    handler: H,
) -> Result<(tokio::task::JoinHandle<()>, Arc<ServingCert>), ServeError>
where
    H: Fn(Request<Incoming>, Option<PeerCertificates>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    let (config, serving): (Arc<ServerConfig>, _) = rotating_server_config(tls)?;
    let task = tokio::spawn(accept_loop(listener, TlsAcceptor::from(config), handler));
    Ok((task, serving))
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_rustls::TlsConnector;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    /// A self-signed certificate for `localhost`: (PEM chain, key PEM, DER).
    fn self_signed() -> (String, String, Vec<u8>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), key.serialize_pem(), cert.der().to_vec())
    }

    /// The DER of the certificate a new TLS connection to `addr` is shown.
    async fn presented(addr: SocketAddr, roots: &RootCertStore) -> Vec<u8> {
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let tls = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .unwrap();
        tls.get_ref().1.peer_certificates().unwrap()[0].to_vec()
    }

    #[tokio::test]
    async fn a_replaced_certificate_is_presented_from_the_next_handshake_on() {
        let (a_pem, a_key, a_der) = self_signed();
        let (b_pem, b_key, b_der) = self_signed();
        let mut roots = RootCertStore::empty();
        for der in [&a_der, &b_der] {
            roots.add(CertificateDer::from(der.clone())).unwrap();
        }
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tls = TlsOptions {
            cert_chain_pem: a_pem,
            key_pem: a_key,
            client_verifier: None,
        };
        let handler = |_req, _certs| async { Response::new(full("ok")) };
        let (task, serving) = serve_rotating(listener, &tls, handler).unwrap();
        assert_eq!(presented(addr, &roots).await, a_der);
        serving.replace(&b_pem, &b_key).unwrap();
        assert_eq!(presented(addr, &roots).await, b_der);
        assert!(
            serving.replace("not a certificate", &b_key).is_err(),
            "a bad pair is refused"
        );
        assert_eq!(
            presented(addr, &roots).await,
            b_der,
            "and the last good one stays"
        );
        task.abort();
    }
}
