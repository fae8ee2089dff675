//! Who is calling and whether they may: the kubelet's rules. A client certificate verified
//! against the cluster's client CA names the user (CN) and groups (O); otherwise a bearer
//! token is checked with a TokenReview. Either way a SubjectAccessReview on the Node decides.

use std::collections::BTreeMap;
use std::sync::Arc;

use hyper::StatusCode;
use hyper::header::{AUTHORIZATION, HeaderMap};
use k8s_openapi::api::authentication::v1::{TokenReview, TokenReviewSpec};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::server::danger::ClientCertVerifier;
use tokio_rustls::rustls::{RootCertStore, crypto};

use crate::Refusal;
use crate::tls::PeerCertificates;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user name.
    pub name: String,
    /// Its groups.
    pub groups: Vec<String>,
    /// Its UID, when the TokenReview gave one.
    pub uid: Option<String>,
    /// Extra attributes from the TokenReview, passed on to the SubjectAccessReview.
    pub extra: BTreeMap<String, Vec<String>>,
}

/// Why the verifier could not be built.
#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    /// No certificate in the client CA PEM.
    #[error("the client CA PEM holds no certificate")]
    NoCa,
    /// rustls refused the CA.
    #[error("the client CA is unusable: {0}")]
    Invalid(String),
}

/// A client-certificate verifier for `client_ca_pem` that also admits clients without a
/// certificate (they must then bring a bearer token).
///
/// # Errors
/// [`VerifierError`] when the PEM holds no usable CA.
pub fn client_verifier(client_ca_pem: &str) -> Result<Arc<dyn ClientCertVerifier>, VerifierError> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(client_ca_pem.as_bytes()).filter_map(Result::ok) {
        roots
            .add(cert)
            .map_err(|e| VerifierError::Invalid(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(VerifierError::NoCa);
    }
    WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::new(crypto::ring::default_provider()),
    )
    .allow_unauthenticated()
    .build()
    .map_err(|e| VerifierError::Invalid(e.to_string()))
}

/// Authenticates and authorises callers of node `node_name`'s API against `client`'s cluster.
#[derive(Clone)]
pub struct Authenticator {
    client: Client,
    node_name: String,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("node_name", &self.node_name)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Reviews go to `client`'s API server; the Node checked is `node_name`.
    pub fn new(client: Client, node_name: impl Into<String>) -> Self {
        Self {
            client,
            node_name: node_name.into(),
        }
    }

    /// The Node this API belongs to.
    pub fn node_name(&self) -> &str {
        &self.node_name
    }

    /// The caller: its (already verified) certificate, else its bearer token.
    ///
    /// # Errors
    /// 401 when neither identifies anyone.
    pub async fn authenticate(
        &self,
        headers: &HeaderMap,
        certs: Option<&PeerCertificates>,
    ) -> Result<User, Refusal> {
        if let Some(user) = certs.and_then(|c| c.0.first()).and_then(certificate_user) {
            return Ok(user);
        }
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized: no client certificate and no bearer token",
            ));
        };
        self.review_token(token).await
    }

    async fn review_token(&self, token: &str) -> Result<User, Refusal> {
        let review = TokenReview {
            spec: TokenReviewSpec {
                token: token.to_string(),
                ..Default::default()
            },
            ..Default::default()
        };
        let reviewed = Api::<TokenReview>::all(self.client.clone())
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| unavailable("TokenReview", &e))?;
        let status = reviewed.status.unwrap_or_default();
        let user = status.user.filter(|_| status.authenticated == Some(true));
        let Some(user) = user else {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized: the bearer token was not accepted",
            ));
        };
        Ok(User {
            name: user.username.unwrap_or_default(),
            groups: user.groups.unwrap_or_default(),
            uid: user.uid,
            extra: user.extra.unwrap_or_default(),
        })
    }

    /// Whether `user` may `verb` the Node's `subresource`.
    ///
    /// # Errors
    /// 403 naming the user and the permission it lacks.
    pub async fn authorize(
        &self,
        user: &User,
        verb: &str,
        subresource: &str,
    ) -> Result<(), Refusal> {
        let review = SubjectAccessReview {
            spec: SubjectAccessReviewSpec {
                user: Some(user.name.clone()),
                groups: Some(user.groups.clone()),
                uid: user.uid.clone(),
                extra: (!user.extra.is_empty()).then(|| user.extra.clone()),
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.into()),
                    resource: Some("nodes".into()),
                    subresource: Some(subresource.into()),
                    name: Some(self.node_name.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let reviewed = Api::<SubjectAccessReview>::all(self.client.clone())
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| unavailable("SubjectAccessReview", &e))?;
        if reviewed.status.is_some_and(|s| s.allowed) {
            return Ok(());
        }
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            format!(
                "Forbidden (user={}, verb={verb}, resource=nodes, subresource={subresource}, name={})",
                user.name, self.node_name
            ),
        ))
    }
}

/// The user a verified client certificate names: CN the user, each O a group.
fn certificate_user(cert: &CertificateDer<'_>) -> Option<User> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    let subject = parsed.subject();
    let name = subject
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_string();
    let groups = subject
        .iter_organization()
        .filter_map(|o| o.as_str().ok().map(String::from))
        .collect();
    Some(User {
        name,
        groups,
        uid: None,
        extra: BTreeMap::new(),
    })
}

fn unavailable(review: &str, error: &kube::Error) -> Refusal {
    Refusal::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("the {review} could not be made: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_names_its_user_and_groups() {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kube-apiserver-kubelet-client");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "system:masters");
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let user = certificate_user(cert.der()).unwrap();
        assert_eq!(user.name, "kube-apiserver-kubelet-client");
        assert_eq!(user.groups, ["system:masters"]);
    }

    #[test]
    fn a_verifier_needs_a_ca() {
        assert!(matches!(
            client_verifier("nothing"),
            Err(VerifierError::NoCa)
        ));
    }
}
