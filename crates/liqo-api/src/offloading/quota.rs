//! Quota: what one consumer user (a ResourceSlice identity, by its certificate CN) may run in
//! the provider, and how strictly. Written by the provider's quota creator; read by its
//! ShadowPod admission webhook.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a Quota.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "Quota",
    plural = "quotas",
    namespaced,
    shortname = "qt",
    category = "liqo",
    derive = "PartialEq",
    doc = "Quota is the Schema for the quota API.",
    printcolumn(
        name = "Enforcement",
        type_ = "string",
        json_path = ".spec.limitsEnforcement"
    ),
    printcolumn(name = "Cordoned", type_ = "boolean", json_path = ".spec.cordoned"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "User",
        type_ = "string",
        json_path = ".spec.user",
        priority = 1
    )
)]
#[serde(rename_all = "camelCase")]
pub struct QuotaSpec {
    /// The user the quota is for: the CN of a ResourceSlice identity's certificate.
    #[schemars(length(min = 1))]
    pub user: String,
    /// How the quota is enforced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits_enforcement: Option<LimitsEnforcement>,
    /// The resources and their limits.
    #[schemars(schema_with = "crate::schema::quantity_map")]
    pub resources: BTreeMap<String, Quantity>,
    /// Whether the user is cordoned (no new workloads admitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cordoned: Option<bool>,
}

/// How a Quota is enforced by the provider's admission webhook.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum LimitsEnforcement {
    /// Pods must declare limits within the quota.
    Hard,
    /// Pods must declare requests within the quota.
    Soft,
    /// Not enforced (upstream chart default).
    #[default]
    None,
}

impl LimitsEnforcement {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hard => "Hard",
            Self::Soft => "Soft",
            Self::None => "None",
        }
    }
}

impl fmt::Display for LimitsEnforcement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LimitsEnforcement {
    type Err = String;

    /// Exactly the wire values (`Hard`, `Soft`, `None`), as the CRD's enum.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Hard" => Ok(Self::Hard),
            "Soft" => Ok(Self::Soft),
            "None" => Ok(Self::None),
            other => Err(format!(
                "{other:?} is not a limits enforcement (Hard, Soft or None)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforcement_parses_only_wire_values() {
        for e in [
            LimitsEnforcement::Hard,
            LimitsEnforcement::Soft,
            LimitsEnforcement::None,
        ] {
            assert_eq!(e.as_str().parse::<LimitsEnforcement>(), Ok(e));
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
        assert!("hard".parse::<LimitsEnforcement>().is_err());
        assert!("".parse::<LimitsEnforcement>().is_err());
    }
}
