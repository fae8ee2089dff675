//! What every reconciler shares: the client, the event recorder, this cluster's identity and
//! metrics.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::runtime::controller::Action;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::reflector::ObjectRef;
use kube::{Api, Client, Resource};
use liqo_api::consts::name;
use liqo_kube::reconcile::Backoff;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// Labels of the reconcile counters.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReconcileLabels {
    /// The controller.
    pub controller: String,
    /// `ok` or `error`.
    pub result: String,
}

/// Reconcile counts per controller and outcome.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    reconciles: Family<ReconcileLabels, Counter>,
}

impl Metrics {
    /// Registers the metrics in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self::default();
        registry.register(
            "reconciles",
            "Reconciles by controller and result",
            metrics.reconciles.clone(),
        );
        metrics
    }

    /// Counts one reconcile.
    pub fn count(&self, controller: &str, ok: bool) {
        let labels = ReconcileLabels {
            controller: controller.into(),
            result: if ok { "ok" } else { "error" }.into(),
        };
        self.reconciles.get_or_create(&labels).inc();
    }
}

/// The first retry of a transient failure (doubling from there).
const FIRST_RETRY: Duration = Duration::from_millis(200);
/// The cap of the transient retries.
const MAX_TRANSIENT_RETRY: Duration = Duration::from_secs(60);
/// The retry of a refusal (invalid object, forbidden, missing key): someone has to change
/// something, so it is re-tried (and its Warning Event repeated) twice a minute instead of every
/// few seconds; watches bring most fixes in earlier.
const REFUSAL_RETRY: Duration = Duration::from_secs(30);

/// Shared state of the reconcilers.
#[derive(Clone)]
pub struct Context {
    /// Client of the local cluster.
    pub client: Client,
    /// Publishes Kubernetes Events.
    pub recorder: Recorder,
    /// This cluster's ID.
    pub cluster_id: String,
    /// The Liqo namespace (where `authentication-keys` lives).
    pub liqo_namespace: String,
    /// Metrics.
    pub metrics: Metrics,
    /// The API server address consumers use (`--api-server-address-override`).
    pub api_server: Option<String>,
    /// Offloading settings (slice defaults, offered classes).
    pub offloading: crate::offloading::settings::Settings,
    /// Per-object retry delays of every controller (keyed by controller and object).
    pub backoff: Arc<Backoff>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("cluster_id", &self.cluster_id)
            .finish_non_exhaustive()
    }
}

/// The cluster key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The Secret could not be read.
    #[error("failed to read Secret {0}/{1}")]
    Read(String, &'static str, #[source] kube::Error),
    /// The Secret lacks the private key.
    #[error("Secret {0}/{1} has no {2}: reinstall with `liqoctl install`")]
    Missing(String, &'static str, &'static str),
}

impl Context {
    /// A context for the controller manager of cluster `cluster_id`.
    pub fn new(
        client: Client,
        cluster_id: String,
        liqo_namespace: String,
        metrics: Metrics,
        api_server: Option<String>,
        offloading: crate::offloading::settings::Settings,
    ) -> Arc<Self> {
        let reporter = Reporter {
            controller: "liqo-controller-manager".into(),
            instance: std::env::var("POD_NAME").ok(),
        };
        let recorder = Recorder::new(client.clone(), reporter);
        Arc::new(Self {
            client,
            recorder,
            cluster_id,
            liqo_namespace,
            metrics,
            api_server,
            offloading,
            backoff: Arc::new(Backoff::new(
                FIRST_RETRY,
                MAX_TRANSIENT_RETRY,
                REFUSAL_RETRY,
            )),
        })
    }

    /// Publishes an Event about `object`; failures are logged, never fatal.
    pub async fn event<K: Resource<DynamicType = ()>>(
        &self,
        object: &K,
        type_: EventType,
        reason: &str,
        note: String,
    ) {
        let event = Event {
            type_,
            reason: reason.into(),
            note: Some(truncate_note(note)),
            action: reason.into(),
            secondary: None,
        };
        if let Err(e) = self.recorder.publish(&event, &object.object_ref(&())).await {
            tracing::warn!(error = %e, reason, "failed to publish event");
        }
    }

    /// Publishes a Warning Event about `object` whose note is `error` and its causes.
    pub async fn warn_error<K: Resource<DynamicType = ()>>(
        &self,
        object: &K,
        reason: &str,
        error: &(dyn std::error::Error + Send + Sync + 'static),
    ) {
        let note = error_chain(error);
        self.event(object, EventType::Warning, reason, note).await;
    }

    /// This cluster's private key (PEM) from `authentication-keys`. Never logged.
    ///
    /// # Errors
    /// [`KeyError`] when the Secret or the key is missing.
    pub async fn private_key(&self) -> Result<String, KeyError> {
        let ns = self.liqo_namespace.clone();
        let secret = Api::<Secret>::namespaced(self.client.clone(), &ns)
            .get(name::AUTHENTICATION_KEYS_SECRET)
            .await
            .map_err(|e| KeyError::Read(ns.clone(), name::AUTHENTICATION_KEYS_SECRET, e))?;
        let key = secret
            .data
            .and_then(|d| d.get(name::PRIVATE_KEY_KEY).map(|k| k.0.clone()));
        let key = key.ok_or_else(|| {
            KeyError::Missing(
                ns.clone(),
                name::AUTHENTICATION_KEYS_SECRET,
                name::PRIVATE_KEY_KEY,
            )
        })?;
        Ok(String::from_utf8_lossy(&key).into_owned())
    }
}

/// `error: cause: cause…`, the way an Event note has room for it. A Kubernetes client error
/// ends the chain in the API server's words: kube's own text carries a Debug dump of `Status`.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(kube_error) = e.downcast_ref::<kube::Error>() {
            parts.push(liqo_kube::api_error::render(kube_error));
            break;
        }
        parts.push(e.to_string());
        next = e.source();
    }
    parts.join(": ")
}

/// The API server refuses an Event whose note is longer than this (events.k8s.io/v1).
const NOTE_LIMIT: usize = 1024;

/// `note` cut to [`NOTE_LIMIT`] bytes on a character boundary: an over-long note (a verbose
/// API error) would make the whole Event be refused.
fn truncate_note(mut note: String) -> String {
    if note.len() > NOTE_LIMIT {
        let mut end = NOTE_LIMIT - '…'.len_utf8();
        while !note.is_char_boundary(end) {
            end -= 1;
        }
        note.truncate(end);
        note.push('…');
    }
    note
}

/// What a controller error says about retrying: [`ReconcileError`](liqo_kube::reconcile::ReconcileError)
/// and every controller's own error type implement it.
pub trait Retry: std::error::Error + 'static {
    /// Whether trying again soon may help (see
    /// [`ReconcileError::is_transient`](liqo_kube::reconcile::ReconcileError::is_transient)).
    fn is_transient(&self) -> bool;
}

impl Retry for liqo_kube::reconcile::ReconcileError {
    fn is_transient(&self) -> bool {
        Self::is_transient(self)
    }
}

/// The backoff key of an object of a controller.
fn backoff_key<K: Resource<DynamicType = ()>>(controller: &str, object: &ObjectRef<K>) -> String {
    format!("{controller}/{object}")
}

impl Context {
    /// Drives a controller's result stream to its end, counting successful reconciles
    /// (failures are counted by each `error_policy`) and resetting the backoff of each
    /// object that reconciled.
    pub async fn drive<K, S, E>(&self, controller: &'static str, results: S)
    where
        K: Resource<DynamicType = ()>,
        S: futures::Stream<Item = Result<(ObjectRef<K>, Action), E>>,
    {
        use futures::StreamExt;
        results
            .for_each(|result| {
                if let Ok((object, _)) = &result {
                    self.metrics.count(controller, true);
                    self.backoff.succeed(&backoff_key(controller, object));
                }
                std::future::ready(())
            })
            .await;
    }

    /// What every `error_policy` does: log, count, and retry `object` after its backoff: fast
    /// and growing while the error is transient, slow when it needs someone to change
    /// something.
    pub fn retry<K: Resource<DynamicType = ()>>(
        &self,
        controller: &'static str,
        object: &K,
        error: &dyn Retry,
    ) -> Action {
        let transient = error.is_transient();
        let key = backoff_key(controller, &ObjectRef::from_obj(object));
        let delay = self.backoff.fail(&key, transient);
        // The whole chain: the top line alone ("failed to apply X") hides the cause.
        let error_text = error_chain(error);
        tracing::warn!(controller, error = %error_text, transient, retry_in = ?delay, "reconcile failed");
        self.metrics.count(controller, false);
        Action::requeue(delay)
    }

    /// Retries after a fixed `retry` (for controllers not yet on [`retry`](Self::retry)).
    pub fn retry_after(
        &self,
        controller: &'static str,
        error: &dyn std::fmt::Display,
        retry: std::time::Duration,
    ) -> Action {
        tracing::warn!(controller, error = %error, "reconcile failed, retrying");
        self.metrics.count(controller, false);
        Action::requeue(retry)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use k8s_openapi::api::core::v1::ConfigMap;
    use kube::runtime::controller::Action;
    use kube::runtime::reflector::ObjectRef;
    use liqo_kube::reconcile::ReconcileError;

    #[tokio::test]
    async fn retries_back_off_per_object_and_reset_when_it_reconciles() {
        // Never dialled: retry and drive make no request.
        let config = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
        let client = kube::Client::try_from(config).unwrap();
        let ctx = super::Context::new(
            client,
            "c".into(),
            "liqo".into(),
            super::Metrics::default(),
            None,
            Default::default(),
        );
        let mut a = ConfigMap::default();
        a.metadata.name = Some("a".into());
        a.metadata.namespace = Some("ns".into());
        let mut b = a.clone();
        b.metadata.name = Some("b".into());
        let waiting = ReconcileError::Waiting("not yet".into());
        let refused = ReconcileError::Invalid("bad".into());
        let ms = |n| Action::requeue(Duration::from_millis(n));
        assert_eq!(ctx.retry("t", &a, &waiting), ms(200));
        assert_eq!(ctx.retry("t", &a, &waiting), ms(400));
        assert_eq!(ctx.retry("t", &b, &waiting), ms(200), "per object");
        assert_eq!(ctx.retry("other", &a, &waiting), ms(200), "per controller");
        assert_eq!(
            ctx.retry("t", &b, &refused),
            Action::requeue(Duration::from_secs(30))
        );
        let reconciled: Result<_, ReconcileError> =
            Ok((ObjectRef::from_obj(&a), Action::await_change()));
        ctx.drive("t", futures::stream::iter([reconciled])).await;
        assert_eq!(ctx.retry("t", &a, &waiting), ms(200), "reset by success");
        // b failed twice (the refusal counts too): its third failure waits 800 ms.
        assert_eq!(ctx.retry("t", &b, &waiting), ms(800), "b still failing");
    }

    #[derive(Debug, thiserror::Error)]
    #[error("failed to apply kubeconfig-x")]
    struct Apply(#[source] kube::Error);

    #[test]
    fn notes_give_api_errors_in_the_servers_words() {
        let status = kube::core::Status::failure("field is immutable", "Invalid").with_code(422);
        let note = super::error_chain(&Apply(kube::Error::Api(status.boxed())));
        assert_eq!(
            note,
            "failed to apply kubeconfig-x: Invalid: field is immutable"
        );
    }

    #[test]
    fn long_notes_are_cut_on_a_character_boundary() {
        let short = "failed to apply".to_string();
        assert_eq!(super::truncate_note(short.clone()), short);
        let long = "é".repeat(600);
        let cut = super::truncate_note(long);
        assert!(cut.len() <= super::NOTE_LIMIT, "{}", cut.len());
        assert!(cut.ends_with('…'));
    }
}
