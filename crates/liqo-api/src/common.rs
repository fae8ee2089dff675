//! Structures shared by several API groups: references, the embedded object metadata of
//! templates, the Deployment template and the storage/ingress/load-balancer class offers.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DeploymentSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Pattern of a cluster ID (a DNS-1123 label), as upstream validates `clusterID` fields.
pub const CLUSTER_ID_PATTERN: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/// A reference to an object in the same namespace by name (upstream
/// `corev1.LocalObjectReference`: `name` optional with default `""`, atomic map).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[schemars(extend("x-kubernetes-map-type" = "atomic"))]
pub struct LocalObjectReference {
    /// Name of the referent.
    #[serde(default)]
    pub name: String,
}

impl LocalObjectReference {
    /// A reference to `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

/// The metadata a template may set on the object it renders: name, namespace, labels,
/// annotations and finalizers (upstream's embedded `ObjectMeta` keeps only these).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedMetadata {
    /// Name of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Namespace of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Finalizers of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finalizers: Option<Vec<String>>,
}

impl From<EmbeddedMetadata> for ObjectMeta {
    fn from(m: EmbeddedMetadata) -> Self {
        ObjectMeta {
            name: m.name,
            namespace: m.namespace,
            labels: m.labels,
            annotations: m.annotations,
            finalizers: m.finalizers,
            ..ObjectMeta::default()
        }
    }
}

impl From<ObjectMeta> for EmbeddedMetadata {
    /// Keeps the five fields a template carries; the rest is dropped.
    fn from(m: ObjectMeta) -> Self {
        EmbeddedMetadata {
            name: m.name,
            namespace: m.namespace,
            labels: m.labels,
            annotations: m.annotations,
            finalizers: m.finalizers,
        }
    }
}

/// A Deployment to render: its metadata and spec (upstream `DeploymentTemplate`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentTemplate {
    /// Metadata of the Deployment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<EmbeddedMetadata>,
    /// Spec of the Deployment.
    // Typed in Rust, opaque in the CRD: upstream inlines the whole DeploymentSpec schema of the
    // Kubernetes minor it was generated with (thousands of lines, drifting with every release),
    // which k8s-openapi's schema of another minor would not reproduce field for field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub spec: Option<DeploymentSpec>,
}

/// A storage class a provider offers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageType {
    /// Name of the storage class.
    pub storage_class_name: String,
    /// Whether this is Liqo's default storage class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

/// An ingress class a provider offers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngressType {
    /// Name of the ingress class.
    pub ingress_class_name: String,
    /// Whether this is Liqo's default ingress class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

/// A load balancer class a provider offers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerType {
    /// Name of the load balancer class.
    pub load_balancer_class_name: String,
    /// Whether this is Liqo's default load balancer class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}
