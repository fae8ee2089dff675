//! Step 6 of the start-up (spec offloading.md §6.1): the kubelet HTTPS API of the virtual node,
//! so `kubectl logs`, `exec`, `attach` and `port-forward` of an offloaded pod reach the provider's pod. It listens at the pod IP on
//! `--listen-port`, serves a certificate of the consumer's kubelet-serving signer (a CSR the
//! controller manager approves for virtual kubelets) and, unlike upstream, which serves anyone,
//! authenticates and authorises every caller as a kubelet does.

mod exec;
mod logs;
mod port_forward;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use kube::Client;
use liqo_kubelet_api::auth::Authenticator;
use liqo_kubelet_api::certificates::{ServingRequest, kubelet_tls};
use tokio::sync::watch;

use crate::reflection::mapping::Mappings;
use crate::remote::Remote;

/// How long one CSR may wait for the approver and the signer.
const CERTIFICATE_TIMEOUT: Duration = Duration::from_secs(120);
/// Retry bounds when the certificate could not be obtained.
const RETRY: (Duration, Duration) = (Duration::from_secs(2), Duration::from_secs(60));

/// What the kubelet API needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The Node's name.
    pub node_name: String,
    /// The address the API server dials (the Node's InternalIP, this pod's IP).
    pub node_ip: IpAddr,
    /// The port (`--listen-port`).
    pub port: u16,
}

/// Binds the port now (a clash is a start-up failure naming the flag), then obtains the
/// certificate and serves until the future is dropped. A certificate that is not issued is
/// asked for again with back-off: logs wait, the rest of the virtual kubelet does not.
///
/// # Errors
/// When the address cannot be bound.
pub async fn start(
    local: Client,
    remote: Remote,
    mappings: watch::Receiver<Mappings>,
    config: Config,
) -> anyhow::Result<impl std::future::Future<Output = ()>> {
    let addr = SocketAddr::new(config.node_ip, config.port);
    let listener = liqo_kubelet_api::server::bind(addr).await.map_err(|e| {
        anyhow::anyhow!(
            "{e} (--listen-port {}, POD_IP {})",
            config.port,
            config.node_ip
        )
    })?;
    Ok(async move {
        let tls = certificate(&local, &config).await;
        let backend = logs::ProviderLogs {
            local: local.clone(),
            remote,
            mappings,
            node_name: config.node_name.clone(),
        };
        let local_for_rotation = local.clone();
        let auth = Authenticator::new(local, config.node_name.clone());
        match liqo_kubelet_api::serve_rotating(listener, &tls, auth, backend) {
            Ok((task, serving)) => {
                tracing::info!(%addr, "serving the kubelet API");
                tokio::select! {
                    _ = task => {}
                    () = rotate(&local_for_rotation, &config, &serving, tls.cert_chain_pem) => {}
                }
            }
            Err(e) => tracing::error!(error = %e, "the kubelet API cannot serve"),
        }
    })
}

/// Renews the serving certificate at two thirds of its lifetime, as a kubelet rotates its own
/// (`--rotate-server-certificates`): a timer to that point, a new CSR, the new pair served from
/// the next handshake on. An unreadable certificate is renewed after the longest back-off.
async fn rotate(
    local: &Client,
    config: &Config,
    serving: &liqo_kubelet_api::tls::ServingCert,
    mut cert_pem: String,
) {
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let delay =
            liqo_kube::auth::renewal::renewal_delay(cert_pem.as_bytes(), now).unwrap_or(RETRY.1);
        tokio::time::sleep(delay).await;
        let next = certificate(local, config).await;
        match serving.replace(&next.cert_chain_pem, &next.key_pem) {
            Ok(()) => {
                tracing::info!(node = %config.node_name, "kubelet API serving certificate rotated");
                cert_pem = next.cert_chain_pem;
            }
            Err(e) => {
                tracing::warn!(error = %e, "rotated serving certificate unusable; keeping the current one")
            }
        }
    }
}

/// The serving certificate, asked for until it is issued.
async fn certificate(local: &Client, config: &Config) -> liqo_kubelet_api::tls::TlsOptions {
    let request = ServingRequest {
        node_name: config.node_name.clone(),
        ips: vec![config.node_ip],
        self_approve: false,
        timeout: CERTIFICATE_TIMEOUT,
    };
    let mut delay = RETRY.0;
    loop {
        match kubelet_tls(local, &request).await {
            Ok(tls) => return tls,
            Err(e) => {
                tracing::warn!(
                    error = format!("{:#}", anyhow::Error::from(e)),
                    retry_in = ?delay,
                    "no serving certificate for the kubelet API yet"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(RETRY.1);
            }
        }
    }
}
