//! Pure translation between a local offloaded pod and its remote twin (spec offloading.md §7
//! steps 7, 10 and 11): the ShadowPod the provider gets, and the status the consumer sees.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodCondition, PodIP, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::ResourceExt;
use liqo_api::consts::label;
use liqo_api::offloading::{OffloadingPatch, ShadowPod, ShadowPodPhase, ShadowPodSpec};
use serde::{Deserialize, Serialize};

use crate::reflection::mapping::IpTranslation;

/// Annotation on the local pod: the remote pod last reflected and the restart counts it
/// started from, so counts keep growing when the provider re-creates the pod.
pub const RESTARTS_ANNOTATION: &str = "offloading.liqo.io/remote-restarts";
/// Reason of a local pod whose remote twin ended and is gone.
pub const REMOTE_TERMINATED: &str = "RemotePodTerminated";
/// Prefix of the projected ServiceAccount-token volume the consumer's admission injects.
const SA_TOKEN_VOLUME_PREFIX: &str = "kube-api-access-";

/// Who is offloading to whom, and how the VirtualNode wants remote pods placed.
#[derive(Debug, Clone, Default)]
pub struct Offload {
    /// The virtual Node's name.
    pub node_name: String,
    /// The consumer's cluster ID.
    pub home_cluster_id: String,
    /// The provider's cluster ID.
    pub foreign_cluster_id: String,
    /// The VirtualNode's offloading patch.
    pub patch: OffloadingPatch,
}

/// The ShadowPod for local pod `pod` in remote namespace `remote_ns`.
pub fn shadow_pod(pod: &Pod, remote_ns: &str, offload: &Offload) -> ShadowPod {
    let patch = &offload.patch;
    let skip_labels = patch.labels_not_reflected.as_deref().unwrap_or_default();
    let skip_annotations = patch
        .annotations_not_reflected
        .as_deref()
        .unwrap_or_default();
    let mut labels: BTreeMap<String, String> = pod
        .labels()
        .iter()
        .filter(|(k, _)| {
            !matches!(k.as_str(), label::SHADOW_POD | label::REMOTE_UNAVAILABLE)
                && !skip_labels.contains(k)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.extend([
        (
            label::OFFLOADING_NODENAME.to_owned(),
            offload.node_name.clone(),
        ),
        (
            label::OFFLOADING_ORIGIN.to_owned(),
            offload.home_cluster_id.clone(),
        ),
        (
            label::OFFLOADING_DESTINATION.to_owned(),
            offload.foreign_cluster_id.clone(),
        ),
    ]);
    let annotations: BTreeMap<String, String> = pod
        .annotations()
        .iter()
        .filter(|(k, _)| k.as_str() != RESTARTS_ANNOTATION && !skip_annotations.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let spec = pod.spec.clone().map(|s| {
        let mut spec = remote_spec(s, patch);
        if let Some(anti) = super::anti_affinity::remote_anti_affinity(pod) {
            spec.affinity.get_or_insert_default().pod_anti_affinity = Some(anti);
        }
        spec
    });
    ShadowPod {
        metadata: ObjectMeta {
            name: pod.metadata.name.clone(),
            namespace: Some(remote_ns.to_owned()),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        },
        spec: ShadowPodSpec { pod: spec },
        status: None,
    }
}

/// The local spec as the provider runs it: unbound, placed by the offloading patch, without
/// what only means something on the consumer (its priority classes, its ServiceAccount token).
fn remote_spec(mut spec: PodSpec, patch: &OffloadingPatch) -> PodSpec {
    spec.node_name = None;
    spec.node_selector = patch.node_selector.clone();
    spec.tolerations = patch.tolerations.clone();
    spec.affinity = patch
        .affinity
        .as_ref()
        .map(|a| k8s_openapi::api::core::v1::Affinity {
            node_affinity: a.node_affinity.clone(),
            ..Default::default()
        });
    spec.runtime_class_name = patch.runtime_class_name.clone();
    spec.priority = None;
    spec.priority_class_name = None;
    spec.preemption_policy = None;
    // The consumer's ServiceAccount does not exist remotely; no provider credentials either.
    spec.service_account_name = None;
    #[allow(deprecated)]
    {
        spec.service_account = None;
    }
    spec.automount_service_account_token = Some(false);
    let dropped: Vec<String> = spec
        .volumes
        .iter()
        .flatten()
        .filter(|v| v.name.starts_with(SA_TOKEN_VOLUME_PREFIX) && v.projected.is_some())
        .map(|v| v.name.clone())
        .collect();
    if let Some(volumes) = spec.volumes.as_mut() {
        volumes.retain(|v| !dropped.contains(&v.name));
    }
    let containers = spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten());
    for c in containers {
        if let Some(mounts) = c.volume_mounts.as_mut() {
            mounts.retain(|m| !dropped.contains(&m.name));
        }
    }
    spec
}

/// The restart counts the local pod adds to the remote ones, and for which remote pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restarts {
    /// UID of the remote pod these counts were taken for.
    pub uid: String,
    /// Per container name, the restarts of earlier remote pods.
    pub base: BTreeMap<String, i32>,
}

/// The record for remote pod `uid`: unchanged for the same pod; for a re-created one, each
/// container of `spec` starts from its last count plus one (the re-creation is a restart).
/// The last count is the local one, or the previous base when the local status lost it (a
/// Pending twin reflected in between has no container statuses): a quick series of
/// re-creations still counts each.
pub fn restarts(
    previous: Option<&Restarts>,
    uid: &str,
    spec: Option<&PodSpec>,
    local: Option<&PodStatus>,
) -> Restarts {
    let Some(p) = previous else {
        return Restarts {
            uid: uid.to_owned(),
            base: BTreeMap::new(),
        };
    };
    if p.uid == uid {
        return p.clone();
    }
    let counts: BTreeMap<&str, i32> = local
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(|c| (c.name.as_str(), c.restart_count))
        .collect();
    let names = spec
        .into_iter()
        .flat_map(|s| s.containers.iter().map(|c| c.name.as_str()))
        .chain(counts.keys().copied())
        .chain(p.base.keys().map(String::as_str));
    let base = names
        .map(|name| {
            let last = counts
                .get(name)
                .copied()
                .unwrap_or(0)
                .max(p.base.get(name).copied().unwrap_or(0));
            (name.to_owned(), last.saturating_add(1))
        })
        .collect();
    Restarts {
        uid: uid.to_owned(),
        base,
    }
}

/// The record kept on `pod`, if any.
pub fn recorded_restarts(pod: &Pod) -> Option<Restarts> {
    serde_json::from_str(pod.annotations().get(RESTARTS_ANNOTATION)?).ok()
}

/// How the consumer reports the remote pod's status.
#[derive(Debug, Clone, Copy)]
pub struct StatusView<'a> {
    /// Provider pod IPs → consumer view.
    pub ips: &'a IpTranslation,
    /// The virtual kubelet's pod IP, the local `hostIP`.
    pub host_ip: &'a str,
    /// The local pod is marked remote-unavailable: it must not read Ready.
    pub unavailable: bool,
}

/// The local status for remote pod status `remote`, keeping what the consumer's API server
/// owns (QoS class) from `local`.
pub fn local_status(
    remote: &PodStatus,
    local: Option<&PodStatus>,
    restarts: &Restarts,
    view: StatusView<'_>,
) -> PodStatus {
    let mut status = remote.clone();
    status.qos_class = local.and_then(|s| s.qos_class.clone());
    status.nominated_node_name = None;
    status.host_ip = Some(view.host_ip.to_owned());
    status.host_ips = Some(vec![k8s_openapi::api::core::v1::HostIP {
        ip: view.host_ip.to_owned(),
    }]);
    status.pod_ip = remote.pod_ip.as_deref().map(|ip| view.ips.translate(ip));
    status.pod_ips = remote.pod_ips.as_ref().map(|ips| {
        ips.iter()
            .map(|p| PodIP {
                ip: view.ips.translate(&p.ip),
            })
            .collect()
    });
    for c in status.container_statuses.iter_mut().flatten() {
        add_base(c, &restarts.base);
    }
    if view.unavailable {
        for c in status.conditions.iter_mut().flatten() {
            if c.type_ == "Ready" || c.type_ == "ContainersReady" {
                not_ready(c);
            }
        }
    }
    status
}

fn add_base(c: &mut ContainerStatus, base: &BTreeMap<String, i32>) {
    c.restart_count = c
        .restart_count
        .saturating_add(base.get(&c.name).copied().unwrap_or(0));
}

fn not_ready(c: &mut PodCondition) {
    if c.status != "False" {
        c.status = "False".into();
        c.reason = Some("RemoteUnavailable".into());
        c.message = Some("the provider cluster is not reachable".into());
    }
}

/// The local status of a pod whose remote twin ended (ShadowPod `phase`) and is gone.
pub fn terminated_status(local: Option<&PodStatus>, phase: ShadowPodPhase) -> PodStatus {
    let mut status = local.cloned().unwrap_or_default();
    status.phase = Some(
        match phase {
            ShadowPodPhase::Succeeded => "Succeeded",
            _ => "Failed",
        }
        .into(),
    );
    status.reason = Some(REMOTE_TERMINATED.into());
    status.message = Some("the remote pod terminated and was removed".into());
    status
}

#[cfg(test)]
#[path = "translate_tests.rs"]
mod tests;
