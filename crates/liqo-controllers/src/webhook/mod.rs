//! Admission webhooks of the controller manager (spec offloading.md §7 steps 6 and 8), served
//! over HTTPS behind the `liqo-webhook` Service on every replica (not only the leader: the
//! Service balances over all of them).

pub mod caches;
pub mod certs;
pub mod pod;
pub mod review;
pub mod shadow_pod;

use std::net::SocketAddr;

use kube::Client;
use liqo_kube::install::webhooks::{
    POD_MUTATING_PATH, SHADOWPOD_MUTATING_PATH, SHADOWPOD_VALIDATING_PATH,
};
use liqo_kube::serve::{self, FullRequest, FullResponse, Method, Status, TlsOptions};

use review::{AdmissionResponse, AdmissionReview};

/// Loads (or creates) the serving certificate, keeps its CA in the webhook configurations
/// and serves the webhooks on `addr` until the returned task is aborted.
///
/// # Errors
/// When the certificate Secret cannot be read or created, or `addr` cannot be bound.
pub async fn start(
    client: Client,
    liqo_namespace: &str,
    addr: SocketAddr,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let pki = certs::ensure(&client, liqo_namespace).await?;
    let tls = TlsOptions {
        cert_chain_pem: pki.cert_pem.clone(),
        key_pem: pki.key_pem.clone(),
        client_verifier: None,
    };
    let (caches, watches) = caches::Caches::start(client.clone());
    let server = serve::serve(addr, &tls, move |request| {
        let caches = caches.clone();
        async move { route(&caches, request).await }
    })
    .await?;
    tracing::info!(%addr, "serving the admission webhooks");
    let bundle = tokio::spawn(certs::keep_ca_bundle(client, pki.ca_pem));
    Ok(tokio::spawn(async move {
        // All run until aborted (which drops, hence aborts, them); one ending stops all.
        let (mut server, mut bundle) = (AbortOnDrop(server), AbortOnDrop(bundle));
        let mut watches = AbortOnDrop(watches);
        tokio::select! {
            _ = &mut server.0 => {}
            _ = &mut bundle.0 => {}
            _ = &mut watches.0 => {}
        }
    }))
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn route(caches: &caches::Caches, request: FullRequest) -> FullResponse {
    if request.method() != Method::POST {
        return serve::status(Status::METHOD_NOT_ALLOWED);
    }
    let path = request.uri().path().to_owned();
    let Ok(review) = serde_json::from_slice::<AdmissionReview>(request.body()) else {
        return serve::status(Status::BAD_REQUEST);
    };
    let Some(admission) = review.request else {
        return serve::status(Status::BAD_REQUEST);
    };
    let response = match path.as_str() {
        POD_MUTATING_PATH => pod::review(caches, &admission).await,
        SHADOWPOD_MUTATING_PATH => shadow_pod::mutate(&admission),
        SHADOWPOD_VALIDATING_PATH => shadow_pod::validate(caches, &admission).await,
        _ => return serve::status(Status::NOT_FOUND),
    };
    log(&path, &admission, &response);
    serve::json(&response.into_review())
}

fn log(path: &str, admission: &review::AdmissionRequest, response: &AdmissionResponse) {
    tracing::debug!(
        path,
        uid = %admission.uid,
        namespace = admission.namespace.as_deref().unwrap_or(""),
        user = %admission.user_info.username,
        allowed = response.allowed(),
        message = response.message().unwrap_or(""),
        "admission"
    );
}
