//! The rustls side of an HTTPS server: certificate chain, key (replaceable while serving, for
//! rotation) and optional client-certificate verification, HTTP/1.1 only, ring as the provider.

use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::danger::ClientCertVerifier;
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, ServerConfig};

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

/// The serving certificate of a running server, replaceable (rotation): handshakes after
/// [`ServingCert::replace`] present the new one; open connections keep theirs.
pub struct ServingCert {
    current: RwLock<Arc<CertifiedKey>>,
}

impl std::fmt::Debug for ServingCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServingCert").finish_non_exhaustive()
    }
}

impl ServingCert {
    fn new(chain_pem: &str, key_pem: &str) -> Result<Self, ServeError> {
        Ok(Self {
            current: RwLock::new(certified_key(chain_pem, key_pem)?),
        })
    }

    /// Serves `chain_pem`/`key_pem` from the next handshake on.
    ///
    /// # Errors
    /// [`ServeError`] for unreadable PEM or a mismatched pair (the old pair stays).
    pub fn replace(&self, chain_pem: &str, key_pem: &str) -> Result<(), ServeError> {
        let next = certified_key(chain_pem, key_pem)?;
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next;
        Ok(())
    }
}

impl ResolvesServerCert for ServingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }
}

fn certified_key(chain_pem: &str, key_pem: &str) -> Result<Arc<CertifiedKey>, ServeError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .filter_map(Result::ok)
        .collect();
    if chain.is_empty() {
        return Err(ServeError::NoCertificate);
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| ServeError::NoKey)?;
    let provider = rustls::crypto::ring::default_provider();
    CertifiedKey::from_der(chain, key, &provider)
        .map(Arc::new)
        .map_err(ServeError::Tls)
}

/// The rustls configuration of `tls`: HTTP/1.1 only (ALPN), ring as the provider.
///
/// # Errors
/// [`ServeError`] for unreadable PEM or a mismatched pair.
pub fn server_config(tls: &TlsOptions) -> Result<Arc<ServerConfig>, ServeError> {
    rotating_server_config(tls).map(|(config, _)| config)
}

/// [`server_config`] and the handle that replaces its certificate.
///
/// # Errors
/// [`ServeError`] for unreadable PEM or a mismatched pair.
pub fn rotating_server_config(
    tls: &TlsOptions,
) -> Result<(Arc<ServerConfig>, Arc<ServingCert>), ServeError> {
    let serving = Arc::new(ServingCert::new(&tls.cert_chain_pem, &tls.key_pem)?);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ServeError::Tls)?;
    let builder = match &tls.client_verifier {
        Some(verifier) => builder.with_client_cert_verifier(verifier.clone()),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_cert_resolver(serving.clone());
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), serving))
}
