//! ShadowPod and ShadowEndpointSlice: what a consumer's virtual kubelet asks a provider to run
//! (a pod spec) or to serve (the endpoints of a reflected Service). The provider's own
//! controllers turn them into the real Pod and EndpointSlice, so the consumer never holds
//! permission to create pods directly.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a ShadowPod.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "ShadowPod",
    plural = "shadowpods",
    namespaced,
    shortname = "shp",
    shortname = "shpod",
    category = "liqo",
    status = "ShadowPodStatus",
    derive = "PartialEq",
    doc = "ShadowPod is the provider-side request for one offloaded pod.",
    printcolumn(name = "Status", type_ = "string", json_path = ".status.phase"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ShadowPodSpec {
    /// The pod to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub pod: Option<PodSpec>,
}

/// Observed state of a ShadowPod.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
// Upstream both defaults and requires the phase; serde's default alone drops `required`.
#[schemars(transform = require_phase)]
pub struct ShadowPodStatus {
    /// The phase of the pod the ShadowPod owns.
    #[serde(default)]
    pub phase: ShadowPodPhase,
}

fn require_phase(schema: &mut schemars::Schema) {
    schema.insert("required".into(), serde_json::json!(["phase"]));
}

/// Phase of a ShadowPod: the phase of its Pod (`Unknown` before there is one).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum ShadowPodPhase {
    /// The pod is accepted but not all its containers run.
    Pending,
    /// The pod is bound and at least one container runs.
    Running,
    /// All containers terminated successfully.
    Succeeded,
    /// All containers terminated, at least one in failure.
    Failed,
    /// No pod, or its state cannot be obtained.
    #[default]
    Unknown,
}

impl ShadowPodPhase {
    /// The phase of a Pod with `status.phase` = `phase` (anything unexpected is `Unknown`).
    pub fn from_pod_phase(phase: Option<&str>) -> Self {
        match phase {
            Some("Pending") => Self::Pending,
            Some("Running") => Self::Running,
            Some("Succeeded") => Self::Succeeded,
            Some("Failed") => Self::Failed,
            _ => Self::Unknown,
        }
    }

    /// Whether the pod ended for good (`Succeeded` or `Failed`): it is never re-created.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

/// Desired state of a ShadowEndpointSlice.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "offloading.liqo.io",
    version = "v1beta1",
    kind = "ShadowEndpointSlice",
    plural = "shadowendpointslices",
    namespaced,
    shortname = "shes",
    shortname = "sheps",
    shortname = "seps",
    category = "liqo",
    derive = "PartialEq",
    doc = "ShadowEndpointSlice is the provider-side request for one reflected EndpointSlice."
)]
#[serde(rename_all = "camelCase")]
pub struct ShadowEndpointSliceSpec {
    /// The EndpointSlice to maintain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<EndpointSliceTemplate>,
}

/// The parts of an EndpointSlice a ShadowEndpointSlice carries.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSliceTemplate {
    /// `IPv4`, `IPv6` or `FQDN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    /// The endpoints, with addresses as the provider reaches them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_list")]
    pub endpoints: Option<Vec<Endpoint>>,
    /// The ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_atomic_list")]
    pub ports: Option<Vec<EndpointPort>>,
}
