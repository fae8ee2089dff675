//! Configuration: the pod and external CIDRs of a peer (spec, as the peer sees them) and how
//! this cluster remapped them (status, index-aligned with spec).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a Configuration.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "Configuration",
    plural = "configurations",
    namespaced,
    shortname = "conf",
    category = "liqo",
    status = "ConfigurationStatus",
    derive = "PartialEq",
    doc = "Configuration contains the network configuration of a pair of clusters: the local and remote pod and external CIDRs and how they were remapped.",
    // Upstream's first column name ends with a space; kept for identical `kubectl get` output.
    printcolumn(name = "Desired Pod CIDR ", type_ = "string", json_path = ".spec.remote.cidr.pod"),
    printcolumn(name = "Remapped Pod CIDR", type_ = "string", json_path = ".status.remote.cidr.pod"),
    printcolumn(name = "Age", type_ = "date", json_path = ".metadata.creationTimestamp"),
    printcolumn(
        name = "Desired External CIDR",
        type_ = "string",
        json_path = ".spec.remote.cidr.external",
        priority = 1
    ),
    printcolumn(
        name = "Remapped External CIDR",
        type_ = "string",
        json_path = ".status.remote.cidr.external",
        priority = 1
    ),
    printcolumn(
        name = "ClusterID",
        type_ = "string",
        json_path = r".metadata.labels.liqo\.io/remote-cluster-id",
        priority = 1
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationSpec {
    /// This cluster's CIDRs (filled once by the Configuration controller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<ClusterConfig>,
    /// The peer's CIDRs, as the peer sees them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<ClusterConfig>,
}

/// Observed state of a Configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationStatus {
    /// The peer's CIDRs as this cluster sees them: entry `i` is the remapping of
    /// `spec.remote.cidr.<type>[i]`, empty while not yet remapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<ClusterConfig>,
    /// Condition `NetworkCIDRsConfigured` (with `observedGeneration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::metav1_conditions")]
    pub conditions: Option<Vec<Condition>>,
}

/// The network parameters of one cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ClusterConfig {
    /// CIDRs of the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<ClusterConfigCidr>,
}

/// The CIDRs of one cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct ClusterConfigCidr {
    /// Pod CIDRs, order significant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::cidr_list")]
    pub pod: Option<Vec<String>>,
    /// External CIDRs (exactly one in practice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::cidr_list")]
    pub external: Option<Vec<String>>,
}

impl Configuration {
    /// ConfiguredP (networking.md §3.1): condition `NetworkCIDRsConfigured` is True and its
    /// `observedGeneration` equals `metadata.generation`. Every consumer (liqoctl's waits, the
    /// remapping, routes) gates on this one predicate.
    ///
    /// An absent `observedGeneration` or `generation` counts as 0: upstream compares Go
    /// `int64`s serialised with `omitempty`, so absent and 0 are the same value on the wire.
    /// The API server always sets `generation` (≥ 1), so a condition without
    /// `observedGeneration` (a ≤1.1 controller's) never counts for a stored object.
    pub fn is_configured(&self) -> bool {
        let generation = self.metadata.generation.unwrap_or(0);
        self.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| {
                cs.iter().find(|c| {
                    c.type_ == crate::consts::condition::configuration::TYPE_NETWORK_CIDRS_CONFIGURED
                })
            })
            .is_some_and(|c| c.status == "True" && c.observed_generation.unwrap_or(0) == generation)
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

    use super::*;
    use crate::consts::condition::configuration::TYPE_NETWORK_CIDRS_CONFIGURED;

    fn with(status: &str, observed: Option<i64>, generation: Option<i64>) -> Configuration {
        let mut cfg = Configuration::new("c2", ConfigurationSpec::default());
        cfg.metadata.generation = generation;
        cfg.status = Some(ConfigurationStatus {
            remote: None,
            conditions: Some(vec![Condition {
                type_: TYPE_NETWORK_CIDRS_CONFIGURED.into(),
                status: status.into(),
                reason: "r".into(),
                message: "m".into(),
                observed_generation: observed,
                last_transition_time: Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH),
            }]),
        });
        cfg
    }

    #[test]
    fn configured_needs_true_for_the_current_generation() {
        assert!(with("True", Some(2), Some(2)).is_configured());
        assert!(!with("True", Some(1), Some(2)).is_configured(), "stale");
        assert!(!with("False", Some(2), Some(2)).is_configured());
        assert!(
            !with("True", None, Some(1)).is_configured(),
            "no observedGeneration is 0, never a stored object's generation"
        );
        assert!(with("True", None, None).is_configured(), "Go: 0 == 0");
        assert!(!Configuration::new("c2", ConfigurationSpec::default()).is_configured());
    }
}
