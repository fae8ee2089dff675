//! Hand-written OpenAPI schema fragments for fields whose derived schema would differ from
//! upstream's, and `open_enum!`, a string enum that keeps values it does not know.
//!
//! k8s-openapi's schemas of Kubernetes types lack the server-side-apply markers
//! (`x-kubernetes-map-type`, `x-kubernetes-list-type`) and the quantity pattern that
//! Kubernetes' own Go types carry and upstream's CRDs therefore have; the wrappers below add
//! them to the types this crate embeds.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerImage, NodeAffinity, NodeSelector, ObjectReference, ResourceQuotaSpec,
    ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

/// Kubernetes' validation pattern of a resource quantity.
const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

/// `{type: object, x-kubernetes-preserve-unknown-fields: true}`: an object the API server stores
/// as given. Used for the deep Kubernetes templates upstream embeds (Deployment, Service,
/// ServiceMonitor specs), whose field sets follow the Kubernetes minor that generated them.
pub fn preserve_unknown_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true,
    })
}

/// A list of objects the API server stores as given (EndpointSlice endpoints and ports).
pub fn preserve_unknown_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": { "type": "object", "x-kubernetes-preserve-unknown-fields": true },
    })
}

/// [`preserve_unknown_list`] whose items are atomic maps (EndpointSlice ports).
pub fn preserve_unknown_atomic_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "type": "object",
            "x-kubernetes-map-type": "atomic",
            "x-kubernetes-preserve-unknown-fields": true,
        },
    })
}

/// A plain string with no `enum`: for fields whose values are Go constants that upstream's
/// schema does not enumerate, so that our CRDs accept what upstream's accept.
pub fn plain_string(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string" })
}

/// Bytes, base64 in JSON (`format: byte`), as upstream's `[]byte` fields; `ByteString` has
/// no schema of its own.
pub fn bytes(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": "byte" })
}

/// An integer without a format, as upstream's Go `int` fields (e.g. `mtu`).
pub fn plain_integer(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer" })
}

/// A list of CIDRs (`format: cidr`), as upstream's `[]CIDR`.
pub fn cidr_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": { "type": "string", "format": "cidr" },
    })
}

/// One CIDR (`format: cidr`).
pub fn cidr(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": "cidr" })
}

/// A list of up to 64 ports (`int32`), as upstream's gateway `ports`/`nodePorts`.
pub fn port_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "maxItems": 64,
        "items": { "type": "integer", "format": "int32" },
    })
}

/// A list of `metav1.Condition` with the validation upstream's schema carries (the derived
/// schema of `k8s_openapi`'s `Condition` lacks the `status` enum and the patterns).
pub fn metav1_conditions(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "lastTransitionTime": { "type": "string", "format": "date-time" },
                "message": { "type": "string", "maxLength": 32768 },
                "observedGeneration": { "type": "integer", "format": "int64", "minimum": 0 },
                "reason": {
                    "type": "string",
                    "maxLength": 1024,
                    "minLength": 1,
                    "pattern": "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
                },
                "status": { "type": "string", "enum": ["True", "False", "Unknown"] },
                "type": {
                    "type": "string",
                    "maxLength": 316,
                    "pattern": "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
                },
            },
            "required": ["lastTransitionTime", "message", "reason", "status", "type"],
        },
    })
}

/// The derived schema of `T`, edited by `mark`.
fn derived<T: JsonSchema>(
    generator: &mut SchemaGenerator,
    mark: impl FnOnce(&mut Value),
) -> Schema {
    let mut value = Value::from(generator.subschema_for::<T>());
    mark(&mut value);
    Schema::try_from(value).expect("invariant: an edited object schema is still an object")
}

/// Sets `key` to `value` on the node at `pointer`, if the node exists.
fn set(schema: &mut Value, pointer: &str, key: &str, value: Value) {
    if let Some(Value::Object(node)) = schema.pointer_mut(pointer) {
        node.insert(key.to_owned(), value);
    }
}

fn atomic_map(schema: &mut Value, pointer: &str) {
    set(schema, pointer, "x-kubernetes-map-type", json!("atomic"));
}

fn atomic_list(schema: &mut Value, pointer: &str) {
    set(schema, pointer, "x-kubernetes-list-type", json!("atomic"));
}

fn quantities(schema: &mut Value, pointer: &str) {
    let values = format!("{pointer}/additionalProperties");
    set(schema, &values, "pattern", json!(QUANTITY_PATTERN));
}

/// A `[]NodeSelectorRequirement` (or scoped-resource requirement) list at `pointer`.
fn requirements(schema: &mut Value, pointer: &str) {
    atomic_list(schema, pointer);
    atomic_list(schema, &format!("{pointer}/items/properties/values"));
}

/// A `NodeSelectorTerm` at `pointer`.
fn selector_term(schema: &mut Value, pointer: &str) {
    atomic_map(schema, pointer);
    requirements(schema, &format!("{pointer}/properties/matchExpressions"));
    requirements(schema, &format!("{pointer}/properties/matchFields"));
}

/// A `NodeSelector` at `pointer`.
fn selector(schema: &mut Value, pointer: &str) {
    atomic_map(schema, pointer);
    let terms = format!("{pointer}/properties/nodeSelectorTerms");
    atomic_list(schema, &terms);
    selector_term(schema, &format!("{terms}/items"));
}

/// `corev1.ObjectReference`, an atomic map.
pub fn object_reference(generator: &mut SchemaGenerator) -> Schema {
    derived::<ObjectReference>(generator, |s| atomic_map(s, ""))
}

/// `corev1.NodeSelector` with its atomic terms and requirements.
pub fn node_selector(generator: &mut SchemaGenerator) -> Schema {
    derived::<NodeSelector>(generator, |s| selector(s, ""))
}

/// `corev1.NodeAffinity` with its atomic selectors and terms.
pub fn node_affinity(generator: &mut SchemaGenerator) -> Schema {
    derived::<NodeAffinity>(generator, |s| {
        selector(
            s,
            "/properties/requiredDuringSchedulingIgnoredDuringExecution",
        );
        let preferred = "/properties/preferredDuringSchedulingIgnoredDuringExecution";
        atomic_list(s, preferred);
        selector_term(s, &format!("{preferred}/items/properties/preference"));
    })
}

/// `corev1.ResourceQuotaSpec`: quantity pattern, atomic scopes and scope selector.
pub fn resource_quota_spec(generator: &mut SchemaGenerator) -> Schema {
    derived::<ResourceQuotaSpec>(generator, |s| {
        quantities(s, "/properties/hard");
        atomic_list(s, "/properties/scopes");
        atomic_map(s, "/properties/scopeSelector");
        requirements(s, "/properties/scopeSelector/properties/matchExpressions");
    })
}

/// `corev1.ResourceRequirements`: quantity pattern, claims keyed by name.
pub fn resource_requirements(generator: &mut SchemaGenerator) -> Schema {
    derived::<ResourceRequirements>(generator, |s| {
        quantities(s, "/properties/limits");
        quantities(s, "/properties/requests");
        set(
            s,
            "/properties/claims",
            "x-kubernetes-list-type",
            json!("map"),
        );
        set(
            s,
            "/properties/claims",
            "x-kubernetes-list-map-keys",
            json!(["name"]),
        );
    })
}

/// A list of `corev1.ContainerImage`, whose `names` are atomic.
pub fn container_images(generator: &mut SchemaGenerator) -> Schema {
    derived::<Vec<ContainerImage>>(generator, |s| atomic_list(s, "/items/properties/names"))
}

/// A map of resource quantities, with Kubernetes' quantity pattern.
pub fn quantity_map(generator: &mut SchemaGenerator) -> Schema {
    derived::<BTreeMap<String, Quantity>>(generator, |s| quantities(s, ""))
}

/// Defines a string enum for a field upstream types as a Go string constant without a schema
/// `enum`: the known values get variants, any other value is kept in `Other` (a newer peer may
/// write one), and the schema is a plain string.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The string on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $crate::schema::plain_string(generator)
            }
        }
    };
}

pub(crate) use open_enum;
