//! Watch-based waits bounded by a timeout whose error names the awaited condition and the last
//! state seen.

use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Resource};
use serde::de::DeserializeOwned;

/// Why a wait ended without its condition.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The condition did not hold in time.
    #[error("timed out after {}s waiting for {what}; last state: {last}", timeout.as_secs_f64().round())]
    Timeout {
        /// The awaited condition.
        what: String,
        /// The bound.
        timeout: Duration,
        /// The last observation, described by the caller.
        last: String,
    },
    /// The watch failed.
    #[error("failed to watch while waiting for {what}")]
    Watch {
        /// The awaited condition.
        what: String,
        /// The cause.
        #[source]
        source: watcher::Error,
    },
}

/// Watches the object `name` until `done` holds, for at most `timeout`.
///
/// `describe` renders the last observation for the timeout message (`None` = absent).
///
/// # Errors
/// [`WaitError::Timeout`] with the last state; [`WaitError::Watch`] if the watch breaks for
/// good.
pub async fn object<K>(
    api: Api<K>,
    name: &str,
    what: &str,
    timeout: Duration,
    done: impl Fn(Option<&K>) -> bool,
    describe: impl Fn(Option<&K>) -> String,
) -> Result<Option<K>, WaitError>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut stream = watcher::watcher(api, config).default_backoff().boxed();
    let mut last: Option<K> = None;
    let mut seen = false;
    let watch = async {
        while let Some(event) = stream.next().await {
            match event {
                Ok(Event::Apply(obj) | Event::InitApply(obj)) => last = Some(obj),
                Ok(Event::Delete(_)) => last = None,
                Ok(Event::Init) => continue,
                Ok(Event::InitDone) => seen = true,
                // The watcher retries with backoff; the timeout bounds the whole wait.
                Err(e) => {
                    tracing::debug!(error = %e, what, "watch error, retrying");
                    continue;
                }
            }
            if seen && done(last.as_ref()) {
                return true;
            }
        }
        false
    };
    match tokio::time::timeout(timeout, watch).await {
        Ok(true) => Ok(last),
        Ok(false) | Err(_) => Err(WaitError::Timeout {
            what: what.into(),
            timeout,
            last: describe(last.as_ref()),
        }),
    }
}
