//! Pure translation between a local offloaded pod and its remote twin (spec offloading.md §7
//! steps 7, 10 and 11): the ShadowPod the provider gets, and the status the consumer sees.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerStatus, EnvVar, KeyToPath, Pod, PodCondition, PodIP, PodSpec, PodStatus,
    SecretVolumeSource, Volume,
};
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
/// The ConfigMap of the cluster CA in every namespace, a source of that volume.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";
/// Keys of the token Secret (token.rs), the files of the projected volume.
pub const TOKEN_KEY: &str = "token";
/// The consumer's CA.
pub const CA_KEY: &str = "ca.crt";
/// The consumer namespace.
pub const NAMESPACE_KEY: &str = "namespace";
/// Suffix of the token Secret's name.
const TOKEN_SECRET_SUFFIX: &str = "-sa-token";
/// Longest object name (DNS subdomain).
const MAX_NAME: usize = 253;
/// What in-cluster clients read to reach the API server.
const SERVICE_HOST_ENV: &str = "KUBERNETES_SERVICE_HOST";
const SERVICE_PORT_ENV: &str = "KUBERNETES_SERVICE_PORT";

/// The consumer's API server as the provider's pods reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiServer {
    /// Host name or IP address.
    pub host: String,
    /// Port.
    pub port: u16,
}

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
    /// Offloaded pods get their consumer ServiceAccount tokens (`--enable-apiserver-support`).
    pub api_server_support: bool,
    /// The consumer's API server for offloaded pods with a ServiceAccount token; none: their
    /// `KUBERNETES_SERVICE_HOST`/`_PORT` stay the provider's.
    pub api_server: Option<ApiServer>,
}

/// The projected ServiceAccount-token volume of `pod` when the pod gets a token: the one the
/// consumer's admission injects, unless the pod opted out (`automountServiceAccountToken: false`)
/// or API-server support is off.
pub fn token_volume<'a>(pod: &'a Pod, offload: &Offload) -> Option<&'a Volume> {
    let spec = pod.spec.as_ref()?;
    if !offload.api_server_support || spec.automount_service_account_token == Some(false) {
        return None;
    }
    spec.volumes
        .iter()
        .flatten()
        .find(|v| v.name.starts_with(SA_TOKEN_VOLUME_PREFIX) && v.projected.is_some())
}

/// The name of the provider Secret holding the token of local pod `pod` (cut to fit).
pub fn token_secret_name(pod: &str) -> String {
    let keep = MAX_NAME - TOKEN_SECRET_SUFFIX.len();
    let mut base: String = pod.chars().take(keep).collect();
    // A cut name must still end alphanumeric.
    while base.ends_with(['-', '.']) {
        base.pop();
    }
    format!("{base}{TOKEN_SECRET_SUFFIX}")
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
    let token = token_volume(pod, offload).map(|v| TokenMount {
        volume: token_secret_volume(v, &token_secret_name(&pod.name_any())),
        api_server: offload.api_server.as_ref(),
    });
    let spec = pod.spec.clone().map(|s| {
        let mut spec = remote_spec(s, patch, token);
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

/// How a pod with a token reaches the consumer's API server remotely.
struct TokenMount<'a> {
    /// The Secret volume replacing the projected one (same name, so the mounts stay).
    volume: Volume,
    api_server: Option<&'a ApiServer>,
}

/// The Secret volume `secret` standing for the projected `volume`: the same name, mode and
/// files (the token, the CA of `kube-root-ca.crt`, the namespace of the downward API).
fn token_secret_volume(volume: &Volume, secret: &str) -> Volume {
    let projected = volume.projected.as_ref();
    let mut items = Vec::new();
    for source in projected.iter().flat_map(|p| p.sources.iter().flatten()) {
        if let Some(t) = &source.service_account_token {
            items.push(item(TOKEN_KEY, &t.path));
        }
        if let Some(cm) = source
            .config_map
            .as_ref()
            .filter(|c| c.name == ROOT_CA_CONFIGMAP)
        {
            match cm.items.as_deref() {
                Some(listed) => items.extend(
                    listed
                        .iter()
                        .filter(|i| i.key == CA_KEY)
                        .map(|i| item(CA_KEY, &i.path)),
                ),
                None => items.push(item(CA_KEY, CA_KEY)),
            }
        }
        let fields = source
            .downward_api
            .iter()
            .flat_map(|d| d.items.iter().flatten());
        for f in fields {
            if f.field_ref.as_ref().map(|r| r.field_path.as_str()) == Some("metadata.namespace") {
                items.push(item(NAMESPACE_KEY, &f.path));
            }
        }
    }
    Volume {
        name: volume.name.clone(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.to_owned()),
            items: Some(items),
            default_mode: projected.and_then(|p| p.default_mode),
            optional: None,
        }),
        ..Volume::default()
    }
}

fn item(key: &str, path: &str) -> KeyToPath {
    KeyToPath {
        key: key.to_owned(),
        path: path.to_owned(),
        mode: None,
    }
}

/// `KUBERNETES_SERVICE_HOST`/`_PORT` of `c` set to `api`, replacing any it had.
fn point_at(c: &mut Container, api: &ApiServer) {
    let env = c.env.get_or_insert_default();
    env.retain(|e| e.name != SERVICE_HOST_ENV && e.name != SERVICE_PORT_ENV);
    for (name, value) in [
        (SERVICE_HOST_ENV, api.host.clone()),
        (SERVICE_PORT_ENV, api.port.to_string()),
    ] {
        env.push(EnvVar {
            name: name.to_owned(),
            value: Some(value),
            value_from: None,
        });
    }
}

/// The local spec as the provider runs it: unbound, placed by the offloading patch, without
/// what only means something on the consumer (its priority classes, its ServiceAccount). The
/// projected token volume becomes the Secret volume of `token` (the provider never injects its
/// own: automount stays off), or is dropped when the pod gets no token.
fn remote_spec(
    mut spec: PodSpec,
    patch: &OffloadingPatch,
    token: Option<TokenMount<'_>>,
) -> PodSpec {
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
    if let Some(token) = token {
        for v in spec.volumes.iter_mut().flatten() {
            if v.name == token.volume.name {
                *v = token.volume.clone();
            }
        }
        if let Some(api) = token.api_server {
            let containers = spec
                .containers
                .iter_mut()
                .chain(spec.init_containers.iter_mut().flatten());
            for c in containers {
                point_at(c, api);
            }
        }
        return spec;
    }
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
