//! `authentication.liqo.io/v1beta1`: Tenant (in the provider), Identity (in the consumer),
//! ResourceSlice and Renew, and the credentials they carry.

mod identity;
mod renew;
mod resource_slice;
mod tenant;

use k8s_openapi::ByteString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use identity::{Identity, IdentitySpec, IdentityStatus, IdentityType};
pub use renew::{Renew, RenewSpec, RenewStatus};
pub use resource_slice::{
    ResourceSlice, ResourceSliceCondition, ResourceSliceConditionStatus,
    ResourceSliceConditionType, ResourceSliceSpec, ResourceSliceStatus,
};
pub use tenant::{AuthzPolicy, Tenant, TenantCondition, TenantSpec, TenantStatus};

/// API group of this module.
pub const GROUP: &str = "authentication.liqo.io";
/// API version of this module.
pub const VERSION: &str = "v1beta1";

/// What a consumer needs to reach a provider's API server: the server, its CA and a client
/// certificate issued by the provider (or, on EKS, IAM credentials).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthParams {
    /// PEM CA bundle of the provider's API server; empty when the CA is publicly trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub ca: Option<ByteString>,
    /// PEM client certificate signed by the provider's Kubernetes CA.
    #[serde(rename = "signedCRT", default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::bytes")]
    pub signed_crt: Option<ByteString>,
    /// `https://host:port` of the provider's API server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_server: Option<String>,
    /// HTTP(S) proxy through which `apiServer` is reached.
    #[serde(rename = "proxyURL", skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// IAM credentials of the Liqo user, on EKS only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_config: Option<AwsConfig>,
}

/// AWS credentials of the Liqo user and the EKS cluster they give access to. `Debug` redacts
/// the secret access key.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AwsConfig {
    /// ARN of the IAM user.
    pub aws_user_arn: String,
    /// Access key ID of the IAM user.
    #[serde(rename = "awsAccessKeyID")]
    pub aws_access_key_id: String,
    /// Secret access key of the IAM user.
    pub aws_secret_access_key: String,
    /// AWS region of the cluster.
    pub aws_region: String,
    /// Name of the EKS cluster.
    pub aws_cluster_name: String,
}

impl std::fmt::Debug for AwsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsConfig")
            .field("aws_user_arn", &self.aws_user_arn)
            .field("aws_access_key_id", &self.aws_access_key_id)
            .field("aws_secret_access_key", &"<redacted>")
            .field("aws_region", &self.aws_region)
            .field("aws_cluster_name", &self.aws_cluster_name)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixtures::{self, assert_json_roundtrip};

    #[test]
    fn fixtures_roundtrip() {
        assert_json_roundtrip(&fixtures::tenant());
        assert_json_roundtrip(&fixtures::identity());
        assert_json_roundtrip(&fixtures::resource_slice());
        assert_json_roundtrip(&fixtures::renew());
    }

    #[test]
    fn auth_params_use_upstream_names_and_base64() {
        let json = assert_json_roundtrip(&fixtures::renew());
        let params = &json["status"]["authParams"];
        assert!(
            params["signedCRT"]
                .as_str()
                .unwrap()
                .starts_with("LS0tLS1CRUdJTi")
        );
        assert_eq!(params["proxyURL"], "http://10.68.0.5:8118");
        assert_eq!(params["apiServer"], "https://172.18.0.3:6443");
        assert_eq!(
            params["awsConfig"]["awsAccessKeyID"],
            "AKIAIOSFODNN7EXAMPLE"
        );
        assert!(
            params["awsConfig"]["awsUserArn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:iam::")
        );
        assert_eq!(json["spec"]["consumerClusterID"], fixtures::CONSUMER);
        assert_eq!(json["spec"]["identityType"], "ControlPlane");
        assert_eq!(
            json["spec"]["resourceSliceRef"],
            json!({"name": fixtures::PROVIDER})
        );
    }

    #[test]
    fn tenant_carries_raw_bytes_as_base64() {
        let json = assert_json_roundtrip(&fixtures::tenant());
        let spec = &json["spec"];
        assert_eq!(spec["clusterID"], fixtures::CONSUMER);
        assert_eq!(spec["authzPolicy"], "KeysExchange");
        assert_eq!(spec["tenantCondition"], "Active");
        assert_eq!(spec["proxyURL"], "http://10.68.0.5:8118");
        // 64 signature bytes are 88 base64 characters.
        assert_eq!(spec["signature"].as_str().unwrap().len(), 88);
        assert_eq!(
            json["status"]["tenantNamespace"],
            fixtures::PROVIDER_TENANT_NAMESPACE
        );
    }

    #[test]
    fn identity_and_slice_use_upstream_names() {
        let identity = assert_json_roundtrip(&fixtures::identity());
        assert_eq!(identity["spec"]["type"], "ControlPlane");
        assert_eq!(
            identity["status"]["kubeconfigSecretRef"]["name"],
            "kubeconfig-controlplane-damp-feather"
        );
        let slice = assert_json_roundtrip(&fixtures::resource_slice());
        assert_eq!(slice["spec"]["providerClusterID"], fixtures::PROVIDER);
        assert_eq!(slice["spec"]["resources"]["memory"], "8Gi");
        assert_eq!(slice["status"]["conditions"][0]["type"], "Authentication");
        assert_eq!(slice["status"]["conditions"][1]["status"], "Accepted");
        assert_eq!(
            slice["status"]["storageClasses"][0]["storageClassName"],
            "standard"
        );
        assert_eq!(
            slice["status"]["loadBalancerClasses"][0]["loadBalancerClassName"],
            "metallb"
        );
    }

    #[test]
    fn enums_use_upstream_strings() {
        let to = |v| serde_json::to_value(v).unwrap();
        assert_eq!(
            to(json!(AuthzPolicy::TolerateNoHandshake)),
            "TolerateNoHandshake"
        );
        assert_eq!(
            serde_json::to_value([
                TenantCondition::Active,
                TenantCondition::Cordoned,
                TenantCondition::Drained
            ])
            .unwrap(),
            json!(["Active", "Cordoned", "Drained"])
        );
        assert_eq!(IdentityType::ResourceSlice.as_str(), "ResourceSlice");
        assert_eq!(
            to(json!(IdentityType::ControlPlane)),
            IdentityType::ControlPlane.as_str()
        );
        assert_eq!(
            to(json!(ResourceSliceConditionType::Resources)),
            "Resources"
        );
        assert_eq!(to(json!(ResourceSliceConditionStatus::Denied)), "Denied");
        assert!(serde_json::from_value::<TenantCondition>(json!("Paused")).is_err());
    }

    #[test]
    fn aws_secret_is_not_printed_by_debug() {
        let status = fixtures::renew().status.unwrap();
        let aws = status.auth_params.unwrap().aws_config.unwrap();
        let printed = format!("{aws:?}");
        assert!(!printed.contains(&aws.aws_secret_access_key));
        assert!(printed.contains("<redacted>"));
        assert!(printed.contains(&aws.aws_access_key_id));
    }
}
