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
    let mut rendered = vk_deployment(vn, template, inputs);
    if let Some(existing) = vn.spec.template.as_ref() {
        keep_overrides(&mut rendered, existing, template);
    }
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

/// Values a client put in `spec.template` before the defaulting win over the template's:
/// metadata labels/annotations, replicas, container 0's image, resources and the
/// [`OVERRIDABLE_ARGS`] / same-key `extraArgs`.
fn keep_overrides(
    rendered: &mut DeploymentTemplate,
    existing: &DeploymentTemplate,
    template: &VkOptionsTemplateSpec,
) {
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
    let (Some(spec), Some(old)) = (rendered.spec.as_mut(), existing.spec.as_ref()) else {
        return;
    };
    if old.replicas.is_some() {
        spec.replicas = old.replicas;
    }
    let old_container = old
        .template
        .spec
        .as_ref()
        .and_then(|p| p.containers.first());
    let container = spec
        .template
        .spec
        .as_mut()
        .and_then(|p| p.containers.first_mut());
    let (Some(container), Some(old)) = (container, old_container) else {
        return;
    };
    if old.image.as_ref().is_some_and(|i| !i.is_empty()) {
        container.image = old.image.clone();
    }
    if old.resources.is_some() {
        container.resources = old.resources.clone();
    }
    let extra_keys: Vec<&str> = template
        .extra_args
        .iter()
        .flatten()
        .map(|a| arg_key(a))
        .collect();
    let args = container.args.get_or_insert_default();
    for old_arg in old.args.iter().flatten() {
        let key = arg_key(old_arg);
        if OVERRIDABLE_ARGS.contains(&key) || extra_keys.contains(&key) {
            match args.iter_mut().find(|a| arg_key(a) == key) {
                Some(a) => *a = old_arg.clone(),
                None => args.push(old_arg.clone()),
            }
        }
    }
}
