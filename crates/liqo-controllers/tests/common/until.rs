//! The bounded, watch-based wait the controller tests share.

use std::fmt::Debug;
use std::time::Duration;

use kube::{Api, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What [`object`] can wait on.
pub trait Watched:
    Resource + Clone + DeserializeOwned + Serialize + Debug + Send + Sync + 'static
{
}
impl<K> Watched for K where
    K: Resource + Clone + DeserializeOwned + Serialize + Debug + Send + Sync + 'static
{
}

/// Waits (by watch, at most `wait`) until `done` holds for `name` (`None` = absent); returns
/// it; panics with the awaited condition and the last state seen, as JSON.
pub async fn object<K: Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    wait: Duration,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    let describe = |o: Option<&K>| {
        o.map_or("absent".into(), |o| {
            serde_json::to_string(o).unwrap_or_default()
        })
    };
    liqo_kube::wait::object(api.clone(), name, what, wait, done, describe)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// How long [`warning`] waits.
const WARNING_WAIT: Duration = Duration::from_secs(60);

/// Waits (by watch) for a Warning Event about the object `uid` with `reason` and a message
/// containing `text` (earlier Events of that reason, about other failures, do not count).
#[allow(dead_code)] // not every test file that includes this module waits on Events
pub async fn warning(client: &kube::Client, ns: &str, uid: &str, reason: &str, text: &str) {
    use futures::StreamExt;
    use k8s_openapi::api::core::v1::Event;
    use kube::runtime::{WatchStreamExt, watcher};

    let events: Api<Event> = Api::namespaced(client.clone(), ns);
    let config = watcher::Config::default().fields(&format!("involvedObject.uid={uid}"));
    let mut stream = watcher::watcher(events, config)
        .default_backoff()
        .applied_objects()
        .boxed();
    let mut seen = Vec::new();
    let watch = async {
        while let Some(event) = stream.next().await {
            let Ok(event) = event else { continue };
            let (r, message) = (
                event.reason.unwrap_or_default(),
                event.message.unwrap_or_default(),
            );
            if event.type_.as_deref() == Some("Warning") && r == reason && message.contains(text) {
                return;
            }
            seen.push(format!("{r}: {message}"));
        }
    };
    tokio::time::timeout(WARNING_WAIT, watch)
        .await
        .unwrap_or_else(|_| panic!("no Warning {reason} Event saying {text:?}; seen: {seen:?}"));
}
