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
