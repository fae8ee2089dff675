//! `ipam.liqo.io/v1alpha1`: the Network, a CIDR to be granted (and possibly remapped) by the
//! IPAM, and the IP, one local address given an alias in the external CIDR (the API-server
//! proxy's, for the in-band peering).

use k8s_openapi::api::core::v1::ObjectReference;
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

/// Desired state of an IP: a local address to be reachable from peers at an address of the
/// cluster's external CIDR.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "ipam.liqo.io",
    version = "v1alpha1",
    kind = "IP",
    plural = "ips",
    namespaced,
    category = "liqo",
    status = "IpStatus",
    derive = "PartialEq",
    doc = "IP is a local IP to be reachable from peers at an address of the external CIDR.",
    printcolumn(name = "Local IP", type_ = "string", json_path = ".spec.ip"),
    printcolumn(name = "Remapped IP", type_ = "string", json_path = ".status.ip"),
    printcolumn(
        name = "Remapped IP CIDR",
        type_ = "string",
        json_path = ".status.cidr"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct IpSpec {
    /// The local address (e.g. a Service's ClusterIP); immutable.
    #[schemars(extend(
        "format" = "ipv4",
        "x-kubernetes-validations" = [{"message": "IP field is immutable", "rule": "self == oldSelf"}],
    ))]
    pub ip: String,
    /// The Network to allocate the alias from; the external CIDR when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::object_reference")]
    pub network_ref: Option<ObjectReference>,
    /// A Service (and EndpointSlice) to create for the alias; none when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_template: Option<crate::networking::ServiceTemplate>,
    /// Whether nodes masquerade traffic from the local address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masquerade: Option<bool>,
}

/// Observed state of an IP.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IpStatus {
    /// The alias granted in the external CIDR; immutable once set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "format" = "ipv4",
        "x-kubernetes-validations" = [{"message": "IP field is immutable", "rule": "self == oldSelf"}],
    ))]
    pub ip: Option<String>,
    /// The CIDR the alias was granted from; immutable once set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "format" = "cidr",
        "x-kubernetes-validations" = [{"message": "CIDR field is immutable", "rule": "self == oldSelf"}],
    ))]
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

    #[test]
    fn ip_roundtrips_with_upstream_field_names() {
        let json = assert_json_roundtrip(&fixtures::api_server_proxy_ip());
        assert_eq!(json["kind"], "IP");
        assert_eq!(json["spec"], json!({"ip": "10.96.12.34"}));
        assert_eq!(
            json["status"],
            json!({"ip": "10.70.0.1", "cidr": "10.70.0.0/16"})
        );
    }
}
