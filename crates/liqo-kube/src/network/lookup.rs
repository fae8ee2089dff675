//! Per-peer objects are found by label, never by name: upstream and hand-made objects may be
//! named otherwise (networking.md §11.8).

use std::fmt::Debug;

use kube::api::ListParams;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::label;
use serde::de::DeserializeOwned;

/// Why a per-peer lookup failed.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// More than one object claims the peer.
    #[error("multiple {kind}s found for remote cluster {peer}: {}; delete the extra ones", names.join(", "))]
    Multiple {
        /// Kind.
        kind: String,
        /// The peer cluster ID.
        peer: String,
        /// The objects found.
        names: Vec<String>,
    },
    /// The API server refused the list.
    #[error("failed to list {kind}s of remote cluster {peer}")]
    Api {
        /// Kind.
        kind: String,
        /// The peer cluster ID.
        peer: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
}

/// The selector of a peer's objects.
pub fn peer_selector(peer: &str) -> String {
    format!("{}={peer}", label::REMOTE_CLUSTER_ID)
}

/// The single object of `api` labelled with `peer`, if any.
///
/// # Errors
/// [`LookupError::Multiple`] when more than one matches, [`LookupError::Api`] on API failures.
pub async fn by_peer<K>(api: &Api<K>, peer: &str) -> Result<Option<K>, LookupError>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
{
    let kind = K::kind(&()).to_string();
    let list = api
        .list(&ListParams::default().labels(&peer_selector(peer)))
        .await
        .map_err(|source| LookupError::Api {
            kind: kind.clone(),
            peer: peer.into(),
            source,
        })?;
    if list.items.len() > 1 {
        return Err(LookupError::Multiple {
            kind,
            peer: peer.into(),
            names: list.items.iter().map(ResourceExt::name_any).collect(),
        });
    }
    Ok(list.items.into_iter().next())
}

/// The name of `peer`'s object in `api` if one exists (it keeps it), else the default name
/// `default` (networking.md §4: objects are named after a cluster ID unless found otherwise).
///
/// # Errors
/// As [`by_peer`].
pub async fn name_for_peer<K>(
    api: &Api<K>,
    peer: &str,
    default: &str,
) -> Result<String, LookupError>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
{
    Ok(by_peer(api, peer)
        .await?
        .map_or_else(|| default.to_string(), |o| o.name_any()))
}
