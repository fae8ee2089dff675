//! The few fields of `admission.k8s.io/v1` AdmissionReview the webhooks read and write, and
//! JSONPatch answers (pure).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// An incoming AdmissionReview.
#[derive(Debug, Clone, Deserialize)]
pub struct AdmissionReview {
    /// The request (absent only in malformed reviews).
    pub request: Option<AdmissionRequest>,
}

/// What the API server asks about.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    /// Echoed in the response.
    pub uid: String,
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    #[serde(default)]
    pub operation: String,
    /// Namespace of the object.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Who makes the request.
    #[serde(default)]
    pub user_info: UserInfo,
    /// The object as it would be stored.
    #[serde(default)]
    pub object: Option<Value>,
    /// The stored object an UPDATE changes.
    #[serde(default)]
    pub old_object: Option<Value>,
}

/// The requesting user.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserInfo {
    /// User name (a certificate's CN).
    #[serde(default)]
    pub username: String,
}

/// The decision on one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionResponse {
    uid: String,
    allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patch_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    patch: Option<String>,
}

impl AdmissionResponse {
    /// Admits unchanged.
    pub fn allow(uid: &str) -> Self {
        Self {
            uid: uid.into(),
            allowed: true,
            status: None,
            patch_type: None,
            patch: None,
        }
    }

    /// Refuses with `message` (HTTP `code` in the status the client sees).
    pub fn deny(uid: &str, code: u16, message: &str) -> Self {
        Self {
            uid: uid.into(),
            allowed: false,
            status: Some(json!({"code": code, "message": message})),
            patch_type: None,
            patch: None,
        }
    }

    /// Admits with the JSONPatch `ops` (unchanged when there are none).
    pub fn patch(uid: &str, ops: &[Value]) -> Self {
        let mut response = Self::allow(uid);
        if !ops.is_empty() {
            let text = serde_json::to_vec(ops).expect("invariant: JSON values serialize");
            response.patch_type = Some("JSONPatch");
            response.patch = Some(STANDARD.encode(text));
        }
        response
    }

    /// Whether the request is admitted.
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// The decoded JSONPatch, if any.
    pub fn patch_ops(&self) -> Vec<Value> {
        self.patch
            .as_deref()
            .and_then(|p| STANDARD.decode(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The refusal message, if refused.
    pub fn message(&self) -> Option<&str> {
        self.status.as_ref()?.get("message")?.as_str()
    }

    /// The whole AdmissionReview carrying this response.
    pub fn into_review(self) -> Value {
        json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": self})
    }
}

/// A JSONPatch `add` of `value` at `path` (which replaces an existing member).
pub fn add(path: &str, value: Value) -> Value {
    json!({"op": "add", "path": path, "value": value})
}

/// `key` escaped as one JSON Pointer segment (`~` → `~0`, `/` → `~1`).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_echo_the_uid_and_carry_a_base64_json_patch() {
        let ops = [add("/metadata/labels/a~1b", json!("c"))];
        let review = AdmissionResponse::patch("u-1", &ops).into_review();
        assert_eq!(review["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(review["response"]["uid"], "u-1");
        assert_eq!(review["response"]["allowed"], true);
        assert_eq!(review["response"]["patchType"], "JSONPatch");
        let decoded = STANDARD
            .decode(review["response"]["patch"].as_str().unwrap())
            .unwrap();
        let decoded: Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(decoded, json!(ops));
        let plain = AdmissionResponse::patch("u-2", &[]).into_review();
        assert!(plain["response"].get("patch").is_none());
        let denied = AdmissionResponse::deny("u-3", 403, "no").into_review();
        assert_eq!(denied["response"]["allowed"], false);
        assert_eq!(denied["response"]["status"]["message"], "no");
        assert_eq!(
            pointer_segment("liqo.io/creator-user"),
            "liqo.io~1creator-user"
        );
    }

    #[test]
    fn requests_parse_with_only_the_fields_used() {
        let review: AdmissionReview = serde_json::from_value(json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "x", "operation": "CREATE", "namespace": "n",
                "userInfo": {"username": "alice", "groups": ["g"]},
                "object": {"kind": "Pod"}, "dryRun": false},
        }))
        .unwrap();
        let request = review.request.unwrap();
        assert_eq!(request.user_info.username, "alice");
        assert_eq!(request.namespace.as_deref(), Some("n"));
    }
}
