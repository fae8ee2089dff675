//! `offloading.liqo.io/v1beta1`: VirtualNode and its VkOptionsTemplate, NamespaceOffloading,
//! NamespaceMap, the provider's Quota, ShadowPod and ShadowEndpointSlice.

mod namespace_map;
mod namespace_offloading;
mod quota;
mod shadow;
mod virtual_node;
mod vk_options_template;

pub use namespace_map::{
    MappingPhase, NamespaceMap, NamespaceMapSpec, NamespaceMapStatus, RemoteNamespaceStatus,
};
pub use namespace_offloading::{
    ConditionStatus, NamespaceMappingStrategy, NamespaceOffloading, NamespaceOffloadingSpec,
    NamespaceOffloadingStatus, OffloadingPhase, PodOffloadingStrategy, RemoteNamespaceCondition,
    RemoteNamespaceConditionType,
};
pub use quota::{LimitsEnforcement, Quota, QuotaSpec};
pub use shadow::{
    EndpointSliceTemplate, ShadowEndpointSlice, ShadowEndpointSliceSpec, ShadowPod, ShadowPodPhase,
    ShadowPodSpec, ShadowPodStatus,
};
pub use virtual_node::{
    Affinity, OffloadingPatch, VirtualNode, VirtualNodeCondition, VirtualNodeConditionStatus,
    VirtualNodeConditionType, VirtualNodeSpec, VirtualNodeStatus,
};
pub use vk_options_template::{
    ReflectionType, ReflectorConfig, VkOptionsTemplate, VkOptionsTemplateSpec,
};

/// API group of this module.
pub const GROUP: &str = "offloading.liqo.io";
/// API version of this module.
pub const VERSION: &str = "v1beta1";

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixtures::{self, assert_json_roundtrip};

    #[test]
    fn fixtures_roundtrip() {
        assert_json_roundtrip(&fixtures::virtual_node());
        assert_json_roundtrip(&fixtures::vk_options_template());
        assert_json_roundtrip(&fixtures::namespace_offloading());
        assert_json_roundtrip(&fixtures::namespace_map());
        assert_json_roundtrip(&fixtures::quota());
    }

    #[test]
    fn quota_uses_upstream_names() {
        let json = assert_json_roundtrip(&fixtures::quota());
        let spec = &json["spec"];
        assert_eq!(spec["user"], "damp-feather-acd8a9ca302f");
        assert_eq!(spec["limitsEnforcement"], "None");
        assert_eq!(spec["resources"]["cpu"], "4");
        assert_eq!(spec["cordoned"], false);
    }

    #[test]
    fn virtual_node_uses_upstream_names() {
        let json = assert_json_roundtrip(&fixtures::virtual_node());
        let spec = &json["spec"];
        assert_eq!(spec["clusterID"], fixtures::PROVIDER);
        assert_eq!(spec["createNode"], true);
        assert_eq!(
            spec["kubeconfigSecretRef"]["name"],
            "kubeconfig-resourceslice-damp-feather"
        );
        assert_eq!(
            spec["vkOptionsTemplateRef"]["name"],
            "virtual-kubelet-default"
        );
        assert_eq!(spec["resourceQuota"]["hard"]["pods"], "110");
        assert_eq!(spec["offloadingPatch"]["runtimeClassName"], "gvisor");
        assert!(spec["offloadingPatch"]["affinity"]["nodeAffinity"].is_object());
        assert_eq!(
            spec["template"]["spec"]["template"]["spec"]["serviceAccountName"],
            fixtures::PROVIDER
        );
        assert_eq!(
            json["status"]["conditions"][1],
            json!({
                "type": "Node", "status": "Running", "lastTransitionTime": "2025-07-08T18:40:00Z",
                "reason": "Running", "message": "the virtual kubelet is running",
            })
        );
    }

    #[test]
    fn vk_options_template_uses_upstream_names() {
        let json = assert_json_roundtrip(&fixtures::vk_options_template());
        let spec = &json["spec"];
        assert_eq!(
            spec["containerImage"],
            "ghcr.io/liqotech/virtual-kubelet:v1.2.0"
        );
        assert_eq!(spec["metricsEnabled"], true);
        assert_eq!(
            spec["reflectorsConfig"]["service"],
            json!({"workers": 3, "type": "DenyList"})
        );
        assert_eq!(spec["reflectorsConfig"]["pod"], json!({"workers": 10}));
        assert_eq!(spec["imagePullSecrets"], json!([{"name": "ghcr-pull"}]));
    }

    #[test]
    fn namespace_offloading_and_map_use_upstream_names() {
        let nso = assert_json_roundtrip(&fixtures::namespace_offloading());
        assert_eq!(nso["spec"]["namespaceMappingStrategy"], "SelectedName");
        assert_eq!(nso["spec"]["podOffloadingStrategy"], "LocalAndRemote");
        assert_eq!(nso["status"]["offloadingPhase"], "Ready");
        let conditions = &nso["status"]["remoteNamespacesConditions"][fixtures::PROVIDER];
        assert_eq!(conditions[0]["type"], "OffloadingRequired");
        assert_eq!(conditions[1]["status"], "True");
        let map = assert_json_roundtrip(&fixtures::namespace_map());
        assert_eq!(map["spec"]["desiredMapping"]["demo"], "demo-cool-firefly");
        assert_eq!(map["status"]["currentMapping"]["demo"]["phase"], "Accepted");
    }

    #[test]
    fn enums_use_upstream_strings() {
        let strategies = [
            NamespaceMappingStrategy::EnforceSameName,
            NamespaceMappingStrategy::DefaultName,
            NamespaceMappingStrategy::SelectedName,
        ];
        assert_eq!(
            serde_json::to_value(strategies).unwrap(),
            json!(["EnforceSameName", "DefaultName", "SelectedName"])
        );
        let pods = [
            PodOffloadingStrategy::Local,
            PodOffloadingStrategy::Remote,
            PodOffloadingStrategy::LocalAndRemote,
        ];
        assert_eq!(
            serde_json::to_value(pods).unwrap(),
            json!(["Local", "Remote", "LocalAndRemote"])
        );
        let phases = [
            MappingPhase::Accepted,
            MappingPhase::CreationLoopBackOff,
            MappingPhase::Terminating,
        ];
        assert_eq!(
            serde_json::to_value(phases).unwrap(),
            json!(["Accepted", "CreationLoopBackOff", "Terminating"])
        );
        let statuses = [
            VirtualNodeConditionStatus::None,
            VirtualNodeConditionStatus::Running,
            VirtualNodeConditionStatus::Creating,
            VirtualNodeConditionStatus::Draining,
            VirtualNodeConditionStatus::Deleting,
        ];
        assert_eq!(
            serde_json::to_value(statuses).unwrap(),
            json!(["None", "Running", "Creating", "Draining", "Deleting"])
        );
        assert_eq!(
            serde_json::to_value(VirtualNodeConditionType::VirtualKubelet).unwrap(),
            "VirtualKubelet"
        );
        for phase in [
            "Ready",
            "NoClusterSelected",
            "InProgress",
            "SomeFailed",
            "AllFailed",
            "Terminating",
        ] {
            let parsed = OffloadingPhase::from(phase);
            assert!(!matches!(parsed, OffloadingPhase::Other(_)), "{phase}");
            assert_eq!(parsed.as_str(), phase);
        }
        assert_eq!(
            ReflectionType::from("CustomLiqo"),
            ReflectionType::CustomLiqo
        );
        assert_eq!(ConditionStatus::from("Unknown"), ConditionStatus::Unknown);
    }
}
