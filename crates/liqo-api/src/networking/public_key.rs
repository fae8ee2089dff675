//! PublicKey: a peer gateway's WireGuard public key, created in the receiving cluster.

use k8s_openapi::ByteString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Desired state of a PublicKey.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "networking.liqo.io",
    version = "v1beta1",
    kind = "PublicKey",
    // Upstream's naive pluralisation; the resource must be named so to interoperate.
    plural = "publickeies",
    namespaced,
    shortname = "pk",
    shortname = "pkies",
    shortname = "pkey",
    category = "liqo",
    derive = "PartialEq",
    doc = "PublicKey contains the public key of a peer gateway."
)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeySpec {
    /// The raw 32-byte Curve25519 public key (base64 in JSON, as WireGuard prints it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub public_key: Option<ByteString>,
}
