//! The controller manager's admission webhooks as install renders them (offloading.md §7
//! steps 6 and 8): the Service the API server dials and the two webhook configurations.
//! The `caBundle` is left out: the controller manager generates its serving CA and applies
//! the bundle with its own field manager, so re-installs never clear it.

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::core::v1::Service;
use liqo_api::consts::label;
use serde_json::{Value, json};

use super::{CONTROLLER_MANAGER_SELECTOR, meta};
use crate::apply::{ApplyError, Manifest};

/// The webhook Service (upstream's name) and both webhook configurations.
pub const WEBHOOK_SERVICE: &str = "liqo-webhook";
/// Name of the MutatingWebhookConfiguration and of the ValidatingWebhookConfiguration.
pub const WEBHOOK_CONFIGURATION: &str = "liqo-webhook";
/// The Secret (Liqo namespace) holding the serving CA, certificate and key.
pub const WEBHOOK_CERT_SECRET: &str = "liqo-webhook-certs";
/// Port the controller manager serves the webhooks on.
pub const WEBHOOK_PORT: i32 = 9443;
/// Port of the Service.
pub const WEBHOOK_SERVICE_PORT: i32 = 443;
/// The consumer's pod webhook.
pub const POD_MUTATING: &str = "pod.mutate.liqo.io";
/// Its path.
pub const POD_MUTATING_PATH: &str = "/mutate/pod";
/// The provider's ShadowPod mutating webhook (adds the creator user).
pub const SHADOWPOD_MUTATING: &str = "shadowpod.mutate.liqo.io";
/// Its path.
pub const SHADOWPOD_MUTATING_PATH: &str = "/mutate/shadowpods";
/// The provider's ShadowPod validating webhook (origin and quota).
pub const SHADOWPOD_VALIDATING: &str = "shadowpod.validate.liqo.io";
/// Its path.
pub const SHADOWPOD_VALIDATING_PATH: &str = "/validate/shadowpods";
/// Seconds the API server waits for an answer.
const TIMEOUT_SECONDS: i32 = 5;

/// The Service and both configurations.
pub(super) fn render(namespace: &str) -> Result<Vec<Manifest>, ApplyError> {
    Ok(vec![
        Manifest::from_typed(&service(namespace))?,
        Manifest::from_typed(&mutating(namespace))?,
        Manifest::from_typed(&validating(namespace))?,
    ])
}

fn service(namespace: &str) -> Service {
    let selector: serde_json::Map<String, Value> = CONTROLLER_MANAGER_SELECTOR
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    serde_json::from_value(json!({
        "metadata": meta(WEBHOOK_SERVICE, Some(namespace), &[]),
        "spec": {
            "selector": selector,
            "ports": [{"name": "https", "port": WEBHOOK_SERVICE_PORT, "targetPort": WEBHOOK_PORT}],
        },
    }))
    .expect("invariant: the webhook Service is well formed")
}

/// One webhook entry: CREATE of `resource` in `group`, served at `path`.
fn webhook(namespace: &str, name: &str, path: &str, group: &str, resource: &str) -> Value {
    json!({
        "name": name,
        "admissionReviewVersions": ["v1"],
        "clientConfig": {"service": {
            "name": WEBHOOK_SERVICE, "namespace": namespace, "path": path,
            "port": WEBHOOK_SERVICE_PORT,
        }},
        "rules": [{
            "operations": ["CREATE"], "apiGroups": [group], "apiVersions": ["v1", "v1beta1"],
            "resources": [resource], "scope": "Namespaced",
        }],
        "failurePolicy": "Fail",
        "sideEffects": "None",
        "timeoutSeconds": TIMEOUT_SECONDS,
    })
}

/// Only namespaces offloaded with scheduling enabled (consumer side).
fn pod_namespaces() -> Value {
    json!({"matchLabels": {label::SCHEDULING_ENABLED: "true"}})
}

/// Only namespaces of a remote cluster (the provider's twin namespaces carry its ID); other
/// ShadowPods — created by hand — are left alone.
fn shadow_pod_namespaces() -> Value {
    json!({"matchExpressions": [{"key": label::REMOTE_CLUSTER_ID, "operator": "Exists"}]})
}

fn mutating(namespace: &str) -> MutatingWebhookConfiguration {
    let mut pod = webhook(namespace, POD_MUTATING, POD_MUTATING_PATH, "", "pods");
    pod["namespaceSelector"] = pod_namespaces();
    // The pod webhook may run again after another mutating webhook changed the pod.
    pod["reinvocationPolicy"] = json!("IfNeeded");
    let mut shadow = webhook(
        namespace,
        SHADOWPOD_MUTATING,
        SHADOWPOD_MUTATING_PATH,
        "offloading.liqo.io",
        "shadowpods",
    );
    shadow["namespaceSelector"] = shadow_pod_namespaces();
    serde_json::from_value(json!({
        "metadata": meta(WEBHOOK_CONFIGURATION, None, &[]),
        "webhooks": [pod, shadow],
    }))
    .expect("invariant: the MutatingWebhookConfiguration is well formed")
}

fn validating(namespace: &str) -> ValidatingWebhookConfiguration {
    let mut shadow = webhook(
        namespace,
        SHADOWPOD_VALIDATING,
        SHADOWPOD_VALIDATING_PATH,
        "offloading.liqo.io",
        "shadowpods",
    );
    shadow["namespaceSelector"] = shadow_pod_namespaces();
    // Updates too (upstream: creations only): whose ShadowPod it is cannot be relabelled.
    shadow["rules"][0]["operations"] = json!(["CREATE", "UPDATE"]);
    serde_json::from_value(json!({
        "metadata": meta(WEBHOOK_CONFIGURATION, None, &[]),
        "webhooks": [shadow],
    }))
    .expect("invariant: the ValidatingWebhookConfiguration is well formed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_fail_closed_in_their_namespaces_only_and_carry_no_ca_bundle() {
        let config = mutating("liqo");
        let hooks = config.webhooks.unwrap();
        assert_eq!(hooks.len(), 2);
        let pod = &hooks[0];
        assert_eq!(pod.name, POD_MUTATING);
        assert_eq!(pod.failure_policy.as_deref(), Some("Fail"));
        assert_eq!(pod.side_effects, "None");
        let labels = pod
            .namespace_selector
            .clone()
            .unwrap()
            .match_labels
            .unwrap();
        assert_eq!(labels[label::SCHEDULING_ENABLED], "true");
        let service = pod.client_config.service.clone().unwrap();
        assert_eq!(
            (service.name.as_str(), service.namespace.as_str()),
            (WEBHOOK_SERVICE, "liqo")
        );
        assert_eq!(service.path.as_deref(), Some(POD_MUTATING_PATH));
        assert!(hooks.iter().all(|h| h.client_config.ca_bundle.is_none()));
        let validating = validating("liqo").webhooks.unwrap();
        let shadow = &validating[0];
        assert_eq!(shadow.name, SHADOWPOD_VALIDATING);
        let rule = &shadow.rules.clone().unwrap()[0];
        assert_eq!(
            rule.resources.as_deref(),
            Some(&["shadowpods".to_string()][..])
        );
        let exprs = shadow
            .namespace_selector
            .clone()
            .unwrap()
            .match_expressions
            .unwrap();
        assert_eq!(exprs[0].key, label::REMOTE_CLUSTER_ID);
    }

    #[test]
    fn the_service_selects_the_controller_manager_pods() {
        let svc = service("liqo");
        let spec = svc.spec.unwrap();
        let selector = spec.selector.unwrap();
        assert_eq!(selector["app.kubernetes.io/name"], "controller-manager");
        assert_eq!(
            selector["app.kubernetes.io/component"],
            "controller-manager"
        );
        assert_eq!(spec.ports.unwrap()[0].port, WEBHOOK_SERVICE_PORT);
    }
}
