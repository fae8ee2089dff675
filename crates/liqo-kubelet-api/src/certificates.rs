//! What a kubelet needs before it can serve: the cluster's client CA (to verify the API
//! server's client certificate) and a serving certificate from the cluster's
//! `kubernetes.io/kubelet-serving` signer, asked for with a CertificateSigningRequest as a
//! kubelet with `serverTLSBootstrap` does.

use std::net::IpAddr;
use std::time::Duration;

use k8s_openapi::api::certificates::v1::{
    CertificateSigningRequest, CertificateSigningRequestCondition, CertificateSigningRequestSpec,
};
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};

use crate::tls::TlsOptions;

/// The signer of kubelet serving certificates (kube-controller-manager signs once approved).
pub const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";
/// Where the API server publishes the client CA its clients' certificates chain to.
const AUTHENTICATION_CONFIGMAP: (&str, &str) =
    ("kube-system", "extension-apiserver-authentication");

/// Why the kubelet API's TLS material could not be obtained.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// An API call failed.
    #[error("failed to {action}")]
    Kube {
        /// What was being done, naming the object.
        action: String,
        /// The API's answer.
        #[source]
        source: kube::Error,
    },
    /// The CSR was denied or failed.
    #[error("CertificateSigningRequest {name} was {state}: {reason}")]
    Refused {
        /// The CSR.
        name: String,
        /// `Denied` or `Failed`.
        state: String,
        /// The condition's reason and message.
        reason: String,
    },
    /// Nobody approved or signed in time.
    #[error(
        "timed out after {}s waiting for CertificateSigningRequest {name} (signer {signer}) to be \
         issued; last state: {last}",
        timeout.as_secs()
    )]
    Timeout {
        /// The CSR.
        name: String,
        /// Its signer.
        signer: String,
        /// How long was waited.
        timeout: Duration,
        /// Approved or not.
        last: String,
    },
    /// The client CA is missing from the cluster's authentication ConfigMap.
    #[error("ConfigMap {}/{} has no client-ca-file", AUTHENTICATION_CONFIGMAP.0, AUTHENTICATION_CONFIGMAP.1)]
    NoClientCa,
    /// Key or request generation failed (a bug, not an input).
    #[error("failed to generate the serving key or request: {0}")]
    Generate(String),
}

/// The PEM client CA the API server's own clients (itself included) chain to.
///
/// # Errors
/// [`CertificateError`] when the ConfigMap cannot be read or holds no CA.
pub async fn cluster_client_ca(client: &Client) -> Result<String, CertificateError> {
    let (ns, name) = AUTHENTICATION_CONFIGMAP;
    let cm = Api::<ConfigMap>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .map_err(|source| CertificateError::Kube {
            action: format!("read ConfigMap {ns}/{name}"),
            source,
        })?;
    cm.data
        .and_then(|mut d| d.remove("client-ca-file"))
        .ok_or(CertificateError::NoClientCa)
}

/// What to ask for.
#[derive(Debug, Clone)]
pub struct ServingRequest {
    /// The Node: the certificate says `system:node:<node>` in group `system:nodes`.
    pub node_name: String,
    /// The addresses the API server dials (IP SANs).
    pub ips: Vec<IpAddr>,
    /// Approve (and afterwards delete) the request with the caller's own rights (testenv's node
    /// agent, which is an admin); otherwise an approver must (the controller manager's, for
    /// virtual kubelets).
    pub self_approve: bool,
    /// How long to wait for the certificate.
    pub timeout: Duration,
}

/// TLS options for the kubelet API of `request.node_name`: a fresh key, a certificate from
/// the kubelet-serving signer, and a verifier of the cluster's client CA that lets
/// certificate-less callers through to token authentication.
///
/// # Errors
/// [`CertificateError`] naming the CSR or ConfigMap at fault.
pub async fn kubelet_tls(
    client: &Client,
    request: &ServingRequest,
) -> Result<TlsOptions, CertificateError> {
    let client_ca = cluster_client_ca(client).await?;
    let verifier = crate::auth::client_verifier(&client_ca)
        .map_err(|e| CertificateError::Generate(e.to_string()))?;
    let (cert_chain_pem, key_pem) = serving_certificate(client, request).await?;
    Ok(TlsOptions {
        cert_chain_pem,
        key_pem,
        client_verifier: Some(verifier),
    })
}

/// `(certificate PEM, key PEM)` for `request`, through a CSR named
/// `kubelet-serving-<node>-<random>`.
///
/// # Errors
/// [`CertificateError`]: refused, denied, failed or not issued within `request.timeout`.
pub async fn serving_certificate(
    client: &Client,
    request: &ServingRequest,
) -> Result<(String, String), CertificateError> {
    let (key_pem, csr_pem) = generate(request)?;
    let csrs: Api<CertificateSigningRequest> = Api::all(client.clone());
    let csr = CertificateSigningRequest {
        metadata: ObjectMeta {
            generate_name: Some(format!("kubelet-serving-{}-", request.node_name)),
            ..ObjectMeta::default()
        },
        spec: CertificateSigningRequestSpec {
            request: k8s_openapi::ByteString(csr_pem.into_bytes()),
            signer_name: KUBELET_SERVING_SIGNER.into(),
            usages: Some(
                ["digital signature", "server auth"]
                    .map(String::from)
                    .to_vec(),
            ),
            ..CertificateSigningRequestSpec::default()
        },
        status: None,
    };
    let created = csrs
        .create(&PostParams::default(), &csr)
        .await
        .map_err(|source| CertificateError::Kube {
            action: format!(
                "create a CertificateSigningRequest for node {}",
                request.node_name
            ),
            source,
        })?;
    let name = created.name_any();
    if request.self_approve {
        approve(&csrs, &name).await?;
    }
    let cert = wait_issued(&csrs, &name, request.timeout).await;
    // Who approved its own request cleans it up too (the certificate is all it was for);
    // others leave that to whoever may delete CSRs (the VirtualNode's teardown).
    if request.self_approve {
        let _ = csrs.delete(&name, &Default::default()).await;
    }
    Ok((cert?, key_pem))
}

/// A P-256 key and the PEM request of the kubelet's subject and SANs.
fn generate(request: &ServingRequest) -> Result<(String, String), CertificateError> {
    let bad = |e: rcgen::Error| CertificateError::Generate(e.to_string());
    let mut params = rcgen::CertificateParams::new(vec![request.node_name.clone()]).map_err(bad)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("system:node:{}", request.node_name),
    );
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "system:nodes");
    params
        .subject_alt_names
        .extend(request.ips.iter().map(|ip| rcgen::SanType::IpAddress(*ip)));
    let key = rcgen::KeyPair::generate().map_err(bad)?;
    let csr = params.serialize_request(&key).map_err(bad)?;
    Ok((key.serialize_pem(), csr.pem().map_err(bad)?))
}

async fn approve(
    csrs: &Api<CertificateSigningRequest>,
    name: &str,
) -> Result<(), CertificateError> {
    let condition = CertificateSigningRequestCondition {
        type_: "Approved".into(),
        status: "True".into(),
        reason: Some("NodeAgentSelfApproved".into()),
        message: Some("approved by the node agent that asked for it".into()),
        ..CertificateSigningRequestCondition::default()
    };
    let patch = serde_json::json!({ "status": { "conditions": [condition] } });
    csrs.patch_approval(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map_err(|source| CertificateError::Kube {
            action: format!("approve CertificateSigningRequest {name}"),
            source,
        })?;
    Ok(())
}

/// The issued certificate, or why there is none.
async fn wait_issued(
    csrs: &Api<CertificateSigningRequest>,
    name: &str,
    timeout: Duration,
) -> Result<String, CertificateError> {
    let done = |csr: Option<&CertificateSigningRequest>| {
        csr.is_some_and(|c| issued(c).is_some() || refusal(c).is_some())
    };
    let waited = tokio::time::timeout(timeout, await_condition(csrs.clone(), name, done)).await;
    let csr = match waited {
        Ok(Ok(Some(csr))) => csr,
        Ok(Ok(None)) => {
            return Err(CertificateError::Refused {
                name: name.into(),
                state: "deleted".into(),
                reason: "removed before it was issued".into(),
            });
        }
        Ok(Err(e)) => {
            return Err(CertificateError::Refused {
                name: name.into(),
                state: "unobservable".into(),
                reason: e.to_string(),
            });
        }
        Err(_) => {
            let last = match csrs.get_opt(name).await {
                Ok(Some(csr)) if approved(&csr) => "Approved, not yet signed".to_string(),
                Ok(Some(_)) => "Pending (not approved)".to_string(),
                Ok(None) => "deleted".to_string(),
                Err(e) => format!("unreadable: {e}"),
            };
            return Err(CertificateError::Timeout {
                name: name.into(),
                signer: KUBELET_SERVING_SIGNER.into(),
                timeout,
                last,
            });
        }
    };
    if let Some((state, reason)) = refusal(&csr) {
        return Err(CertificateError::Refused {
            name: name.into(),
            state,
            reason,
        });
    }
    Ok(issued(&csr).expect("invariant: the wait ends issued or refused"))
}

fn conditions(csr: &CertificateSigningRequest) -> &[CertificateSigningRequestCondition] {
    csr.status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
}

fn approved(csr: &CertificateSigningRequest) -> bool {
    conditions(csr)
        .iter()
        .any(|c| c.type_ == "Approved" && c.status == "True")
}

fn issued(csr: &CertificateSigningRequest) -> Option<String> {
    let cert = csr.status.as_ref()?.certificate.as_ref()?;
    (!cert.0.is_empty()).then(|| String::from_utf8_lossy(&cert.0).into_owned())
}

/// `(Denied|Failed, "<reason>: <message>")` when the request will never be issued.
fn refusal(csr: &CertificateSigningRequest) -> Option<(String, String)> {
    conditions(csr)
        .iter()
        .find(|c| (c.type_ == "Denied" || c.type_ == "Failed") && c.status == "True")
        .map(|c| {
            (
                c.type_.clone(),
                format!(
                    "{}: {}",
                    c.reason.as_deref().unwrap_or("-"),
                    c.message.as_deref().unwrap_or("")
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_names_the_node_in_the_nodes_group_with_its_addresses() {
        use x509_parser::prelude::FromDer;
        let request = ServingRequest {
            node_name: "liqo-beta".into(),
            ips: vec!["198.18.4.7".parse().unwrap()],
            self_approve: false,
            timeout: Duration::from_secs(1),
        };
        let (key, csr) = generate(&request).unwrap();
        assert!(key.contains("PRIVATE KEY"));
        let der = rustls_pemfile_der(&csr);
        let (_, parsed) =
            x509_parser::certification_request::X509CertificationRequest::from_der(&der).unwrap();
        let subject = parsed.certification_request_info.subject.to_string();
        assert!(subject.contains("CN=system:node:liqo-beta"), "{subject}");
        assert!(subject.contains("O=system:nodes"), "{subject}");
    }

    fn rustls_pemfile_der(pem: &str) -> Vec<u8> {
        use tokio_rustls::rustls::pki_types::CertificateSigningRequestDer;
        use tokio_rustls::rustls::pki_types::pem::PemObject;
        CertificateSigningRequestDer::from_pem_slice(pem.as_bytes())
            .unwrap()
            .as_ref()
            .to_vec()
    }
}
