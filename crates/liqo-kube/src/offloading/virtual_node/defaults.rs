//! Defaulting of a VirtualNode from its VkOptionsTemplate (spec offloading.md §4.7.2) and the
//! args kept in step with its spec on every write (§4.7.3).
//!
//! Upstream does this in a mutating admission webhook. Here the VirtualNode controller does it
//! and writes the result back into `spec.template` with its field manager: the object is the
//! same (visible, wire-compatible), without a webhook's serving certificate, reachable Service
//! and a failure policy that blocks VirtualNode writes while the controller manager is down.

use liqo_api::common::DeploymentTemplate;
use liqo_api::offloading::{VirtualNode, VkOptionsTemplateSpec};

use super::deployment::{DeploymentInputs, arg, arg_key, vk_deployment};

/// Args of container 0 that a value already in `spec.template` keeps over the template's
/// (§4.7.2), besides any arg with the key of one of the template's `extraArgs`.
pub const OVERRIDABLE_ARGS: &[&str] = &[
    "--node-extra-annotations",
    "--node-extra-labels",
    "--metrics-enabled",
    "--metrics-address",
];

/// Whether `vn` still needs its `spec.template`: there is no container to run (absent, or a
/// stub such as `{spec: {replicas: 2}}` written by a client before the defaulting).
pub fn needs_template(vn: &VirtualNode) -> bool {
    vn.spec
        .template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.template.spec.as_ref())
        .is_none_or(|pod| pod.containers.is_empty())
}

/// Replaces the arg with `key` in `args`, or appends it.
pub fn set_arg(args: &mut Vec<String>, key: &str, value: &str) {
    let new = arg(key, value);
    match args.iter_mut().find(|a| arg_key(a) == key) {
        Some(existing) => *existing = new,
        None => args.push(new),
    }
}

/// The managed args of §4.7.3, in order: the kubeconfig Secret (when referenced), whether to
/// create the Node, whether to check the network.
pub fn managed_args(
    vn: &VirtualNode,
    template: &VkOptionsTemplateSpec,
) -> Vec<(&'static str, String)> {
    let spec = &vn.spec;
    let mut args = Vec::new();
    if let Some(secret) = spec.kubeconfig_secret_ref.as_ref() {
        args.push(("--foreign-kubeconfig-secret-name", secret.name.clone()));
    }
    let create = spec.create_node.unwrap_or(template.create_node);
    let disable = spec
        .disable_network_check
        .unwrap_or(template.disable_network_check);
    args.push(("--create-node", create.to_string()));
    args.push(("--node-check-network", (!disable).to_string()));
    args
}

/// Keeps `spec.template` in step with the spec (§4.7.3): the managed args in container 0 and
/// the template's replicas when it sets them. `true` when something changed.
pub fn ensure_managed_args(vn: &mut VirtualNode, template: &VkOptionsTemplateSpec) -> bool {
    let managed = managed_args(vn, template);
    let Some(deployment) = vn.spec.template.as_mut().and_then(|t| t.spec.as_mut()) else {
        return false;
    };
    let before = deployment.clone();
    if let Some(replicas) = template.replicas {
        deployment.replicas = Some(replicas);
    }
    if let Some(container) = deployment
        .template
        .spec
        .as_mut()
        .and_then(|p| p.containers.first_mut())
    {
        let args = container.args.get_or_insert_default();
        for (key, value) in managed {
            set_arg(args, key, &value);
        }
    }
    *deployment != before
}

/// Defaults `vn` from `template` (§4.7.2): `createNode` / `disableNetworkCheck` when unset,
/// `spec.template` = the §5.1 Deployment with the values already in `spec.template` kept as
/// overrides, and the template's not-reflected label/annotation keys added to the offloading
/// patch.
pub fn default_template(
    vn: &mut VirtualNode,
    template: &VkOptionsTemplateSpec,
    inputs: &DeploymentInputs<'_>,
) {
    let spec = &mut vn.spec;
    spec.create_node.get_or_insert(template.create_node);
    spec.disable_network_check
        .get_or_insert(template.disable_network_check);
    let existing = vn.spec.template.clone().unwrap_or_default();
    let effective = with_overrides(template, &existing);
    let mut rendered = vk_deployment(vn, &effective, inputs);
    keep_metadata_and_replicas(&mut rendered, &existing);
    vn.spec.template = Some(rendered);

    let patch = vn.spec.offloading_patch.get_or_insert_default();
    for (have, add) in [
        (
            &mut patch.labels_not_reflected,
            &template.labels_not_reflected,
        ),
        (
            &mut patch.annotations_not_reflected,
            &template.annotations_not_reflected,
        ),
    ] {
        let list = have.get_or_insert_default();
        for key in add.iter().flatten() {
            if !list.contains(key) {
                list.push(key.clone());
            }
        }
    }
}

/// The template with what a client put in container 0 of `spec.template` before the
/// defaulting: image, resources, the [`OVERRIDABLE_ARGS`] and args with the key of an
/// `extraArgs` entry. Folded into the template, they land where §5.1 puts them.
fn with_overrides(
    template: &VkOptionsTemplateSpec,
    existing: &DeploymentTemplate,
) -> VkOptionsTemplateSpec {
    let mut t = template.clone();
    let Some(old) = existing
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|p| p.containers.first())
    else {
        return t;
    };
    if let Some(image) = old.image.as_ref().filter(|i| !i.is_empty()) {
        t.container_image = image.clone();
    }
    if old.resources.is_some() {
        t.resources = old.resources.clone();
    }
    for arg in old.args.iter().flatten() {
        let (key, value) = arg.split_once('=').unwrap_or((arg, ""));
        match key {
            "--node-extra-annotations" => t.node_extra_annotations = Some(pairs(value)),
            "--node-extra-labels" => t.node_extra_labels = Some(pairs(value)),
            "--metrics-enabled" => t.metrics_enabled = value.is_empty() || value == "true",
            "--metrics-address" => t.metrics_address = Some(value.to_owned()),
            _ => {
                for extra in t.extra_args.iter_mut().flatten() {
                    if arg_key(extra) == key {
                        extra.clone_from(arg);
                    }
                }
            }
        }
    }
    t
}

/// `k=v,k=v` (an arg's value) as a map.
fn pairs(text: &str) -> std::collections::BTreeMap<String, String> {
    text.split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Metadata labels/annotations and replicas a client set win over the rendered ones.
fn keep_metadata_and_replicas(rendered: &mut DeploymentTemplate, existing: &DeploymentTemplate) {
    if let (Some(meta), Some(old)) = (rendered.metadata.as_mut(), existing.metadata.as_ref()) {
        for (have, old) in [
            (&mut meta.labels, &old.labels),
            (&mut meta.annotations, &old.annotations),
        ] {
            if let Some(old) = old.as_ref().filter(|m| !m.is_empty()) {
                have.get_or_insert_default().extend(old.clone());
            }
        }
    }
    if let (Some(spec), Some(replicas)) = (
        rendered.spec.as_mut(),
        existing.spec.as_ref().and_then(|s| s.replicas),
    ) {
        spec.replicas = Some(replicas);
    }
}
