//! `ipam.liqo.io/v1alpha1`: the Network, a CIDR to be granted (and possibly remapped) by the IPAM.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// API group of this module.
pub const GROUP: &str = "ipam.liqo.io";
/// API version of this module.
pub const VERSION: &str = "v1alpha1";

/// Desired state of a Network.
// Each `printcolumn(..)` repeats `type_`/`json_path`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "ipam.liqo.io",
    version = "v1alpha1",
    kind = "Network",
    plural = "networks",
    namespaced,
    shortname = "net",
    category = "liqo",
    status = "NetworkStatus",
    derive = "PartialEq",
    doc = "Network is a CIDR to be acquired from the IPAM.",
    printcolumn(name = "Desired CIDR", type_ = "string", json_path = ".spec.cidr"),
    printcolumn(name = "Remapped CIDR", type_ = "string", json_path = ".status.cidr"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSpec {
    /// The desired CIDR; immutable.
    #[schemars(extend(
        "format" = "cidr",
        "x-kubernetes-validations" = [{"message": "CIDR field is immutable", "rule": "self == oldSelf"}],
    ))]
    pub cidr: String,
    /// How many IPs, from the first, to reserve in the granted CIDR; immutable.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "format" = "int32",
        "x-kubernetes-validations" = [{"message": "PreAllocated field is immutable", "rule": "self == oldSelf"}],
    ))]
    pub pre_allocated: Option<u32>,
}

/// Observed state of a Network.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkStatus {
    /// The CIDR granted by the IPAM (the remapped one when `spec.cidr` conflicts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::cidr")]
    pub cidr: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fixtures::{self, assert_json_roundtrip};

    #[test]
    fn network_roundtrips_with_upstream_field_names() {
        let json = assert_json_roundtrip(&fixtures::network());
        assert_eq!(
            json["spec"],
            json!({"cidr": "10.70.0.0/16", "preAllocated": 1})
        );
        assert_eq!(json["status"], json!({"cidr": "10.70.0.0/16"}));
    }
}
