//! WgGatewayServerTemplate and WgGatewayClientTemplate: the templates GatewayServers and
//! GatewayClients are rendered from (Go text/template strings inside a free-form object).

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a WgGatewayServerTemplate.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "WgGatewayServerTemplate",
    plural = "wggatewayservertemplates",
    namespaced,
    shortname = "wggst",
    shortname = "wgst",
    category = "liqo",
    label("networking.liqo.io/gatewaytemplate", "true"),
    derive = "PartialEq",
    doc = "WgGatewayServerTemplate contains a template for a WireGuard gateway server."
)]
#[serde(rename_all = "camelCase")]
pub struct WgGatewayServerTemplateSpec {
    /// The kind to instantiate (e.g. `networking.liqo.io/v1beta1` `WgGatewayServer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_kind: Option<ObjectKind>,
    /// The object to render: `metadata` and `spec` whose strings are Go templates.
    // Free-form upstream too: values are template strings (`"{{ .Spec.Endpoint.Port }}"`) and
    // keys may carry the `?` optional marker, so no typed schema can describe it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub template: Option<serde_json::Value>,
}

/// Desired state of a WgGatewayClientTemplate.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "WgGatewayClientTemplate",
    plural = "wggatewayclienttemplates",
    namespaced,
    shortname = "wggct",
    shortname = "wgct",
    category = "liqo",
    label("networking.liqo.io/gatewaytemplate", "true"),
    derive = "PartialEq",
    doc = "WgGatewayClientTemplate contains a template for a WireGuard gateway client."
)]
#[serde(rename_all = "camelCase")]
pub struct WgGatewayClientTemplateSpec {
    /// The kind to instantiate (e.g. `networking.liqo.io/v1beta1` `WgGatewayClient`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_kind: Option<ObjectKind>,
    /// The object to render: `metadata` and `spec` whose strings are Go templates.
    // Free-form, as for the server template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_object")]
    pub template: Option<serde_json::Value>,
}

/// The apiVersion and kind of the object a template renders.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectKind {
    /// API version of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the rendered object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}
