//! A small HTTPS server: TLS (rustls, ring) in front of HTTP/1.1 (hyper), handing each request
//! with its whole body to a handler. Admission webhooks use it; the virtual kubelet's kubelet
//! API can, with client-certificate verification through [`TlsOptions::client_verifier`].

pub mod cert;

use std::future::Future;
use std::net::SocketAddr;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use liqo_kubelet_api::server;
use tokio::net::TcpListener;

pub use hyper::body::Bytes as Body;
pub use hyper::{Method, StatusCode as Status};
pub use liqo_kubelet_api::tls::{PeerCertificates, ServeError, TlsOptions, server_config};

/// Largest request body read (the API server caps admission requests near 3 MiB).
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// A request as the handler sees it: head and complete body.
pub type FullRequest = Request<Bytes>;
/// A response as the handler returns it.
pub type FullResponse = Response<Bytes>;

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
    serve_on(server::bind(addr).await?, tls, handler)
}

/// [`serve`] on a listener already bound (a port chosen by the system, an inherited socket).
///
/// # Errors
/// [`ServeError`] when the TLS material is unusable.
pub fn serve_on<H, F>(
    listener: TcpListener,
    tls: &TlsOptions,
    handler: H,
) -> Result<tokio::task::JoinHandle<()>, ServeError>
where
    H: Fn(FullRequest) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Bytes>> + Send + 'static,
{
    server::serve(listener, tls, move |req, certs| {
        let handler = handler.clone();
        async move { answer(req, certs, handler).await }
    })
}

async fn answer<H, F>(
    req: Request<Incoming>,
    certs: Option<PeerCertificates>,
    handler: H,
) -> Response<server::Body>
where
    H: Fn(FullRequest) -> F,
    F: Future<Output = Response<Bytes>>,
{
    let (mut head, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let mut response = Response::new(server::full("request body unreadable or too large"));
            *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return response;
        }
    };
    if let Some(certs) = certs {
        head.extensions.insert(certs);
    }
    handler(Request::from_parts(head, body))
        .await
        .map(server::full)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::TlsConnector;
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::RootCertStore;
    use tokio_rustls::rustls::pki_types::ServerName;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls::server::WebPkiClientVerifier;

    fn roots(ca_pem: &str) -> Arc<RootCertStore> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        Arc::new(roots)
    }

    /// A client certificate signed by a CA of its own (PEM chain, key, CA).
    fn client_identity() -> (String, String, String) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let issuer = rcgen::CertifiedIssuer::self_signed(ca, ca_key).unwrap();
        let mut leaf = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        leaf.distinguished_name
            .push(rcgen::DnType::CommonName, "kubelet-client");
        leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = leaf.signed_by(&key, &issuer).unwrap();
        (cert.pem(), key.serialize_pem(), issuer.pem())
    }

    #[tokio::test]
    async fn requests_are_answered_over_tls_with_the_client_certificate_checked() {
        let pki = cert::generate("test-ca", &cert::service_names("svc", "ns")).unwrap();
        let (client_pem, client_key, client_ca) = client_identity();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            WebPkiClientVerifier::builder_with_provider(roots(&client_ca), provider.clone())
                .build()
                .unwrap();
        let tls = TlsOptions {
            cert_chain_pem: pki.cert_pem.clone(),
            key_pem: pki.key_pem.clone(),
            client_verifier: Some(verifier),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = serve_on(listener, &tls, |req: FullRequest| async move {
            let certs = req
                .extensions()
                .get::<PeerCertificates>()
                .map_or(0, |c| c.0.len());
            let body = format!(
                "{} {} {} certs={certs}",
                req.method(),
                req.uri().path(),
                String::from_utf8_lossy(req.body())
            );
            Response::new(Bytes::from(body))
        })
        .unwrap();

        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(client_pem.as_bytes())
                .map(Result::unwrap)
                .collect();
        let key = PrivateKeyDer::from_pem_slice(client_key.as_bytes()).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots(&pki.ca_pem))
            .with_client_auth_cert(chain, key)
            .unwrap();
        let connector = TlsConnector::from(Arc::new(config));
        let name = ServerName::try_from("svc.ns.svc").unwrap();
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut stream = connector.connect(name, tcp).await.unwrap();
        stream
            .write_all(b"POST /mutate/pod HTTP/1.1\r\nHost: svc.ns.svc\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.ok();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response.ends_with("POST /mutate/pod hello certs=1"),
            "{response}"
        );

        // Without a client certificate the handshake is refused.
        let anonymous = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots(&pki.ca_pem))
            .with_no_client_auth();
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let name = ServerName::try_from("svc.ns.svc").unwrap();
        let refused = match TlsConnector::from(Arc::new(anonymous))
            .connect(name, tcp)
            .await
        {
            Err(_) => true,
            // TLS 1.3 reports the refusal on the first read.
            Ok(mut s) => {
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
                let mut buf = Vec::new();
                s.read_to_end(&mut buf).await.is_err() || buf.is_empty()
            }
        };
        assert!(refused);
        server.abort();
    }
}
