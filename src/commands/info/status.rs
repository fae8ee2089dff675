//! The rules `liqoctl info` reports by (cli.md §6), pure: module status from a ForeignCluster
//! module, slice acceptance and action, virtual-node health, pod health, version skew.

use k8s_openapi::api::core::v1::Pod;
use liqo_api::authentication::{ResourceSlice, ResourceSliceConditionStatus};
use liqo_api::consts::{annotation, label};
use liqo_api::core::ForeignCluster;
use liqo_api::offloading::{VirtualNode, VirtualNodeConditionStatus};

use super::render::{Text, Tone};

pub use crate::flows::foreign_cluster::{ModuleKind, ModuleStatus, module_status};

impl ModuleStatus {
    /// The status as a coloured value.
    pub fn text(self) -> Text {
        let tone = match self {
            ModuleStatus::Healthy => Tone::Good,
            ModuleStatus::Unhealthy => Tone::Bad,
            ModuleStatus::Disabled => Tone::Off,
        };
        Text::toned(self.as_str(), tone)
    }
}

impl ModuleKind {
    /// Kinds of the objects whose Events explain an unhealthy module.
    pub fn event_kinds(self) -> &'static [&'static str] {
        match self {
            ModuleKind::Networking => &[
                "Configuration",
                "GatewayServer",
                "GatewayClient",
                "Connection",
                "WgGatewayServer",
                "WgGatewayClient",
                "PublicKey",
            ],
            ModuleKind::Authentication => &["Tenant", "Identity", "ResourceSlice", "Renew"],
            ModuleKind::Offloading => &["VirtualNode", "Quota", "NamespaceMap"],
        }
    }
}

/// `accepted` = the slice has conditions and all are `Accepted`; alerts = the others' messages.
pub fn slice_acceptance(slice: &ResourceSlice) -> (bool, Vec<String>) {
    let conditions = slice
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let alerts: Vec<String> = conditions
        .iter()
        .filter(|c| c.status != ResourceSliceConditionStatus::Accepted)
        .map(|c| c.message.clone().unwrap_or_default())
        .collect();
    (!conditions.is_empty() && alerts.is_empty(), alerts)
}

/// `Providing` for a replica of a consumer's slice (labelled `liqo.io/replicated=true`).
pub fn slice_action(slice: &ResourceSlice) -> &'static str {
    let replicated = slice
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(label::REPLICATED))
        .is_some_and(|v| v.eq_ignore_ascii_case(label::TRUE));
    if replicated { "Providing" } else { "Consuming" }
}

/// `Healthy` iff the VirtualNode has conditions and each is `Running` or `None` (upstream
/// counts a VirtualNode without conditions, not yet reported on, as unhealthy).
pub fn virtual_node_status(vn: &VirtualNode) -> ModuleStatus {
    let conditions = vn
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let running = |s: VirtualNodeConditionStatus| {
        matches!(
            s,
            VirtualNodeConditionStatus::Running | VirtualNodeConditionStatus::None
        )
    };
    if !conditions.is_empty() && conditions.iter().all(|c| running(c.status)) {
        ModuleStatus::Healthy
    } else {
        ModuleStatus::Unhealthy
    }
}

/// Whether a pod counts as healthy: Ready, or finished successfully (a completed Job).
pub fn pod_healthy(pod: &Pod) -> bool {
    let status = pod.status.as_ref();
    if status.and_then(|s| s.phase.as_deref()) == Some("Succeeded") {
        return true;
    }
    status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The peer's Liqo version recorded by `liqoctl peer`, and this cluster's at that time.
pub fn recorded_versions(fc: &ForeignCluster) -> (Option<String>, Option<String>) {
    let get = |key: &str| {
        fc.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    (
        get(annotation::PEER_LIQO_VERSION),
        get(annotation::LOCAL_LIQO_VERSION),
    )
}

fn major_minor(version: &str) -> Vec<&str> {
    version.trim_start_matches('v').split('.').take(2).collect()
}

/// `none`, or both versions and what differs; `local` is this cluster's version now (or, when
/// unknown, the one recorded at peering time).
pub fn version_skew(local: &str, peer: &str) -> Text {
    if local.trim_start_matches('v') == peer.trim_start_matches('v') {
        return Text::plain("none");
    }
    let (what, tone) = if major_minor(local) == major_minor(peer) {
        ("patch differs", Tone::Plain)
    } else {
        ("major.minor differ", Tone::Warn)
    };
    Text::toned(format!("local {local}, peer {peer} ({what})"), tone)
}

#[cfg(test)]
mod tests {
    use liqo_api::core::{Condition, ConditionStatusType, ConditionType, Module};

    use super::*;

    fn condition(status: ConditionStatusType, message: &str) -> Condition {
        Condition {
            type_: ConditionType::NetworkConnectionStatus,
            status,
            last_transition_time: None,
            reason: None,
            message: Some(message.into()),
        }
    }

    #[test]
    fn module_status_follows_the_rule() {
        use ConditionStatusType::{Error, Established, NotReady, Pending, Ready};
        assert_eq!(module_status(None).0, ModuleStatus::Disabled);
        let module = |enabled, conditions| Module {
            enabled,
            conditions: Some(conditions),
        };
        let disabled = module(false, vec![condition(Error, "x")]);
        assert_eq!(
            module_status(Some(&disabled)),
            (ModuleStatus::Disabled, vec![])
        );
        let healthy = module(
            true,
            vec![condition(Ready, "a"), condition(Established, "b")],
        );
        assert_eq!(
            module_status(Some(&healthy)),
            (ModuleStatus::Healthy, vec![])
        );
        let empty = module(true, vec![]);
        assert_eq!(module_status(Some(&empty)).0, ModuleStatus::Healthy);
        let sick = module(
            true,
            vec![
                condition(Ready, "ok"),
                condition(Pending, "connecting"),
                condition(NotReady, "gone"),
            ],
        );
        assert_eq!(
            module_status(Some(&sick)),
            (
                ModuleStatus::Unhealthy,
                vec!["connecting".into(), "gone".into()]
            )
        );
    }

    #[test]
    fn slices_are_accepted_only_with_all_conditions_accepted() {
        let mut slice = liqo_api::fixtures::resource_slice();
        assert_eq!(slice_acceptance(&slice), (true, vec![]));
        assert_eq!(slice_action(&slice), "Consuming");
        let status = slice.status.as_mut().unwrap();
        status.conditions.as_mut().unwrap()[0].status = ResourceSliceConditionStatus::Denied;
        status.conditions.as_mut().unwrap()[0].message = Some("no".into());
        assert_eq!(slice_acceptance(&slice), (false, vec!["no".into()]));
        slice.status.as_mut().unwrap().conditions = None;
        assert_eq!(slice_acceptance(&slice), (false, vec![]));
        slice
            .metadata
            .labels
            .get_or_insert_default()
            .insert(label::REPLICATED.into(), "true".into());
        assert_eq!(slice_action(&slice), "Providing");
    }

    #[test]
    fn virtual_nodes_need_running_conditions() {
        let mut vn = liqo_api::fixtures::virtual_node();
        let conditions = vn
            .status
            .get_or_insert_default()
            .conditions
            .get_or_insert_default();
        assert!(!conditions.is_empty(), "the fixture has conditions");
        for c in conditions.iter_mut() {
            c.status = VirtualNodeConditionStatus::Running;
        }
        assert_eq!(virtual_node_status(&vn), ModuleStatus::Healthy);
        vn.status.as_mut().unwrap().conditions.as_mut().unwrap()[0].status =
            VirtualNodeConditionStatus::Creating;
        assert_eq!(virtual_node_status(&vn), ModuleStatus::Unhealthy);
        vn.status = None;
        assert_eq!(virtual_node_status(&vn), ModuleStatus::Unhealthy);
    }

    #[test]
    fn version_skew_names_what_differs() {
        assert_eq!(version_skew("v1.2.0", "1.2.0").text, "none");
        assert_eq!(
            version_skew("v1.2.1", "v1.2.0").text,
            "local v1.2.1, peer v1.2.0 (patch differs)"
        );
        let skew = version_skew("v1.2.0", "v1.1.0");
        assert_eq!(skew.text, "local v1.2.0, peer v1.1.0 (major.minor differ)");
        assert_eq!(skew.tone, Tone::Warn);
    }
}
