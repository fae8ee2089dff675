//! The provider's client, from the kubeconfig Secret in the tenant namespace, rebuilt whenever
//! the Secret changes (the slice identity's certificate is renewed in place).

use futures::StreamExt;
use k8s_openapi::api::core::v1::Secret;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use liqo_api::consts::name::KUBECONFIG_KEY;
use tokio::sync::watch;

/// Why the provider's client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The Secret could not be read.
    #[error("failed to read the kubeconfig Secret {ns}/{name} (--foreign-kubeconfig-secret-name)")]
    Read {
        /// Namespace.
        ns: String,
        /// Name.
        name: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// The Secret holds no usable kubeconfig.
    #[error(
        "Secret {ns}/{name} (--foreign-kubeconfig-secret-name) holds no usable kubeconfig: {reason}"
    )]
    Invalid {
        /// Namespace.
        ns: String,
        /// Name.
        name: String,
        /// What is wrong (never the kubeconfig itself).
        reason: String,
    },
}

/// The provider's client; each [`Remote::client`] call sees the latest kubeconfig.
#[derive(Clone)]
pub struct Remote {
    current: watch::Receiver<Client>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}

impl Remote {
    /// Reads the Secret `ns/name` through `local`, builds the provider's client and keeps it
    /// in step with the Secret until the returned task is dropped (aborted).
    ///
    /// # Errors
    /// [`RemoteError`] when the Secret is missing or holds no usable kubeconfig.
    pub async fn start(
        local: Client,
        ns: &str,
        name: &str,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), RemoteError> {
        let api: Api<Secret> = Api::namespaced(local, ns);
        let secret = api.get(name).await.map_err(|source| RemoteError::Read {
            ns: ns.into(),
            name: name.into(),
            source,
        })?;
        let mut last = kubeconfig_text(&secret);
        let client = build(last.as_deref(), ns, name).await?;
        let (tx, rx) = watch::channel(client);
        let (ns, name) = (ns.to_string(), name.to_string());
        let task = tokio::spawn(async move {
            let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
            let mut events = watcher::watcher(api, config).default_backoff().boxed();
            while let Some(event) = events.next().await {
                let secret = match event {
                    Ok(Event::Apply(s) | Event::InitApply(s)) => s,
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::debug!(error = %e, "kubeconfig Secret watch error, retrying");
                        continue;
                    }
                };
                let text = kubeconfig_text(&secret);
                if text == last {
                    continue;
                }
                match build(text.as_deref(), &ns, &name).await {
                    Ok(client) => {
                        tracing::info!(secret = %name, ns = %ns, "provider kubeconfig changed: client rebuilt");
                        last = text;
                        let _ = tx.send(client);
                    }
                    // Keep the working client: a half-written Secret must not cut the node off.
                    Err(e) => tracing::warn!(error = %e, "ignoring the changed kubeconfig Secret"),
                }
            }
        });
        Ok((Self { current: rx }, task))
    }

    /// The provider's client, from the latest kubeconfig.
    pub fn client(&self) -> Client {
        self.current.borrow().clone()
    }
}

fn kubeconfig_text(secret: &Secret) -> Option<String> {
    secret
        .data
        .as_ref()
        .and_then(|d| d.get(KUBECONFIG_KEY))
        .map(|b| String::from_utf8_lossy(&b.0).into_owned())
}

async fn build(text: Option<&str>, ns: &str, name: &str) -> Result<Client, RemoteError> {
    let invalid = |reason: String| RemoteError::Invalid {
        ns: ns.into(),
        name: name.into(),
        reason,
    };
    let text = text.ok_or_else(|| invalid(format!("no key {KUBECONFIG_KEY:?}")))?;
    let kubeconfig = kube::config::Kubeconfig::from_yaml(text)
        .map_err(|e| invalid(format!("not a kubeconfig ({e})")))?;
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .map_err(|e| invalid(e.to_string()))?;
    Client::try_from(config).map_err(|e| invalid(liqo_kube::api_error::render(&e)))
}
