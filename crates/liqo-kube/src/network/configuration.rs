//! Configurations: what a cluster tells its peer about its own CIDRs, and when the peer's
//! controllers have remapped them.

use kube::api::ListParams;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{condition, label};
use liqo_api::ipam::Network;
use liqo_api::networking::{ClusterConfig, ClusterConfigCidr, Configuration, ConfigurationSpec};

/// Why a cluster's own Configuration cannot be forged.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// The cluster has no network of the type (Liqo installed without networking?).
    #[error("no {0} Network found in namespace {1}: is Liqo installed with networking?")]
    Missing(&'static str, String),
    /// The IPAM has not granted a CIDR to the network yet.
    #[error("Network {0} has no CIDR in its status yet: is the liqo-controller-manager running?")]
    NotReady(String),
    /// The API server refused the list.
    #[error("failed to list Networks")]
    Api(#[source] kube::Error),
}

/// A one-line state for timeout messages.
pub fn describe(cfg: Option<&Configuration>) -> String {
    let Some(cfg) = cfg else {
        return "Configuration not found".into();
    };
    let condition = cfg
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.type_ == condition::configuration::TYPE_NETWORK_CIDRS_CONFIGURED)
        });
    match condition {
        Some(c) => format!(
            "condition {}={} ({}: {}), observedGeneration {} of generation {}",
            c.type_,
            c.status,
            c.reason,
            c.message,
            c.observed_generation
                .map_or_else(|| "unset".into(), |g| g.to_string()),
            cfg.metadata
                .generation
                .map_or_else(|| "unset".into(), |g| g.to_string())
        ),
        None => "no NetworkCIDRsConfigured condition yet".into(),
    }
}

/// The CIDRs of the cluster's own Networks of `network_type`, from their status.
async fn cidrs(
    api: &Api<Network>,
    namespace: &str,
    network_type: &'static str,
) -> Result<Vec<String>, ForgeError> {
    let selector = format!("{}={network_type}", label::IPAM_NETWORK_TYPE);
    let list = api
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(ForgeError::Api)?;
    if list.items.is_empty() {
        return Err(ForgeError::Missing(network_type, namespace.into()));
    }
    let mut items = list.items;
    items.sort_by_key(ResourceExt::name_any);
    items
        .iter()
        .map(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.cidr.clone())
                .filter(|c| !c.is_empty())
                .ok_or_else(|| ForgeError::NotReady(n.name_any()))
        })
        .collect()
}

/// The Configuration a cluster (`own_id`) gives its peer: named and labelled after itself, with
/// its pod CIDRs and external CIDR as `spec.remote` (step 1 of `network connect`).
///
/// # Errors
/// [`ForgeError`] when a Network is missing or not yet granted.
pub async fn forge_own(
    client: &Client,
    liqo_namespace: &str,
    own_id: &str,
) -> Result<Configuration, ForgeError> {
    let api: Api<Network> = Api::namespaced(client.clone(), liqo_namespace);
    let pod = cidrs(&api, liqo_namespace, label::IPAM_NETWORK_TYPE_POD_CIDR).await?;
    let external = cidrs(&api, liqo_namespace, label::IPAM_NETWORK_TYPE_EXTERNAL_CIDR).await?;
    Ok(for_peer(
        own_id,
        pod,
        external.into_iter().take(1).collect(),
    ))
}

/// A Configuration named and labelled `peer` that carries only the peer's CIDRs.
pub fn for_peer(peer: &str, pod: Vec<String>, external: Vec<String>) -> Configuration {
    let mut cfg = Configuration::new(
        peer,
        ConfigurationSpec {
            local: None,
            remote: Some(ClusterConfig {
                cidr: Some(ClusterConfigCidr {
                    pod: Some(pod),
                    external: Some(external),
                }),
            }),
        },
    );
    cfg.metadata.labels = Some([(label::REMOTE_CLUSTER_ID.to_string(), peer.to_string())].into());
    cfg
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
    use liqo_api::networking::ConfigurationStatus;

    use super::*;

    fn with_condition(status: &str, observed: i64, generation: i64) -> Configuration {
        let mut cfg = for_peer(
            "c2",
            vec!["10.1.0.0/16".into()],
            vec!["10.70.0.0/16".into()],
        );
        cfg.metadata.generation = Some(generation);
        cfg.status = Some(ConfigurationStatus {
            remote: None,
            conditions: Some(vec![Condition {
                type_: condition::configuration::TYPE_NETWORK_CIDRS_CONFIGURED.into(),
                status: status.into(),
                reason: "r".into(),
                message: "m".into(),
                observed_generation: Some(observed),
                last_transition_time: Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH),
            }]),
        });
        cfg
    }

    #[test]
    fn describe_names_the_condition_and_generations() {
        assert_eq!(describe(None), "Configuration not found");
        assert!(
            describe(Some(&with_condition("False", 1, 2))).contains("NetworkCIDRsConfigured=False")
        );
    }

    #[test]
    fn for_peer_sets_only_the_remote_side_and_the_label() {
        let cfg = for_peer(
            "c2",
            vec!["10.1.0.0/16".into()],
            vec!["10.70.0.0/16".into()],
        );
        assert_eq!(cfg.metadata.name.as_deref(), Some("c2"));
        assert_eq!(cfg.labels()[label::REMOTE_CLUSTER_ID], "c2");
        assert!(cfg.spec.local.is_none());
        let remote = cfg.spec.remote.unwrap().cidr.unwrap();
        assert_eq!(remote.pod.unwrap(), ["10.1.0.0/16"]);
        assert_eq!(remote.external.unwrap(), ["10.70.0.0/16"]);
    }
}
