//! Waiting (by watch) for the Events a controller publishes about one object.

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Event;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event as WatchEvent};
use kube::{Api, Client};

/// Watches the Events about the object with `uid` in `namespace` until one of type `type_`
/// with `reason` has occurred `times` times (a repeated Event is one object whose series
/// counts the occurrences), for at most `timeout`; returns its message. The timeout error
/// lists the Events seen meanwhile.
///
/// # Errors
/// A message naming the awaited Event and what was seen instead.
pub async fn await_event(
    client: &Client,
    namespace: &str,
    uid: &str,
    (type_, reason): (&str, &str),
    times: i32,
    timeout: Duration,
) -> Result<String, String> {
    let api: Api<Event> = Api::namespaced(client.clone(), namespace);
    let config = watcher::Config::default().fields(&format!("involvedObject.uid={uid}"));
    let mut stream = watcher::watcher(api, config).default_backoff().boxed();
    let mut seen: Vec<String> = Vec::new();
    let watch = async {
        while let Some(event) = stream.next().await {
            let event = match event {
                Ok(WatchEvent::Apply(e) | WatchEvent::InitApply(e)) => e,
                Ok(_) => continue,
                // The watcher retries with backoff; the timeout bounds the whole wait.
                Err(e) => {
                    seen.push(format!("watch error: {e}"));
                    continue;
                }
            };
            let count = event.series.as_ref().and_then(|s| s.count).or(event.count);
            let count = count.unwrap_or(1);
            let t = event.type_.unwrap_or_default();
            let r = event.reason.unwrap_or_default();
            let message = event.message.unwrap_or_default();
            if t == type_ && r == reason && count >= times {
                return Some(message);
            }
            seen.push(format!("{t} {r} ×{count}: {message}"));
        }
        None
    };
    match tokio::time::timeout(timeout, watch).await {
        Ok(Some(message)) => Ok(message),
        Ok(None) | Err(_) => Err(format!(
            "no {type_} {reason} Event ×{times} about {namespace}/{uid} within {}s; seen: {seen:?}",
            timeout.as_secs()
        )),
    }
}
