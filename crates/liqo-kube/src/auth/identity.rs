//! Identities (consumer side): the control-plane Identity built from a Tenant's status, and the
//! kubeconfig Secret the identity controller derives from it. Pure.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use liqo_api::authentication::{AuthParams, Identity, IdentitySpec, IdentityType};
use liqo_api::consts::{annotation, label, name};

/// `controlplane-<provider id>`.
pub fn controlplane_name(provider_id: &str) -> String {
    format!("{}{provider_id}", name::CONTROL_PLANE_IDENTITY_PREFIX)
}

/// The control-plane Identity the consumer applies in its tenant namespace for the provider,
/// from the provider's Tenant status.
pub fn render_controlplane_identity(
    provider_id: &str,
    consumer_tenant_namespace: &str,
    provider_tenant_namespace: &str,
    auth_params: AuthParams,
) -> Identity {
    let mut identity = Identity::new(
        &controlplane_name(provider_id),
        IdentitySpec {
            cluster_id: Some(provider_id.into()),
            type_: Some(IdentityType::ControlPlane),
            auth_params: Some(auth_params),
            namespace: Some(provider_tenant_namespace.into()),
        },
    );
    identity.metadata.namespace = Some(consumer_tenant_namespace.into());
    identity.metadata.labels = Some(BTreeMap::from([(
        label::REMOTE_CLUSTER_ID.to_string(),
        provider_id.to_string(),
    )]));
    identity
}

/// The kubeconfig of an Identity (authentication.md §4.1): the provider's server and CA, the
/// issued certificate, and the consumer's cluster key the CSR was made with.
pub fn render_kubeconfig(
    identity_name: &str,
    spec: &IdentitySpec,
    private_key_pem: &str,
) -> String {
    let params = spec.auth_params.clone().unwrap_or_default();
    let bytes = |b: &Option<ByteString>| b.as_ref().map(|b| b.0.clone()).unwrap_or_default();
    let namespace = match spec.type_ {
        Some(IdentityType::ControlPlane) => spec.namespace.as_deref(),
        _ => None,
    };
    crate::kubeconfig::render(&crate::kubeconfig::KubeconfigParts {
        cluster: spec.cluster_id.as_deref().unwrap_or_default(),
        server: params.api_server.as_deref().unwrap_or_default(),
        ca_pem: &bytes(&params.ca),
        proxy_url: params.proxy_url.as_deref(),
        user: identity_name,
        cert_pem: &bytes(&params.signed_crt),
        key_pem: private_key_pem.as_bytes(),
        namespace,
    })
}

/// The kubeconfig Secret `kubeconfig-<identity>` owned by the Identity.
pub fn render_kubeconfig_secret(
    identity: &Identity,
    owner: OwnerReference,
    kubeconfig: String,
) -> Secret {
    let identity_name = identity.metadata.name.clone().unwrap_or_default();
    let type_ = identity.spec.type_.unwrap_or(IdentityType::ControlPlane);
    let mut labels =
        BTreeMap::from([(label::IDENTITY_TYPE.to_string(), type_.as_str().to_string())]);
    if let Some(cluster) = &identity.spec.cluster_id {
        labels.insert(label::REMOTE_CLUSTER_ID.to_string(), cluster.clone());
    }
    let annotations = match (type_, &identity.spec.namespace) {
        (IdentityType::ControlPlane, Some(ns)) => Some(BTreeMap::from([(
            annotation::REMOTE_TENANT_NAMESPACE.to_string(),
            ns.clone(),
        )])),
        _ => None,
    };
    Secret {
        metadata: ObjectMeta {
            name: Some(format!("{}{identity_name}", name::KUBECONFIG_SECRET_PREFIX)),
            namespace: identity.metadata.namespace.clone(),
            labels: Some(labels),
            annotations,
            owner_references: Some(vec![owner]),
            ..Default::default()
        },
        data: Some(BTreeMap::from([(
            name::KUBECONFIG_KEY.to_string(),
            ByteString(kubeconfig.into_bytes()),
        )])),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubeconfig_names_the_provider_and_defaults_to_its_tenant_namespace() {
        let params = AuthParams {
            ca: Some(ByteString(b"CA".to_vec())),
            signed_crt: Some(ByteString(b"CRT".to_vec())),
            api_server: Some("https://203.0.113.7:6443".into()),
            proxy_url: None,
            aws_config: None,
        };
        let identity = render_controlplane_identity(
            "damp-feather",
            "liqo-tenant-damp-feather",
            "liqo-tenant-cool-firefly",
            params,
        );
        assert_eq!(
            identity.metadata.name.as_deref(),
            Some("controlplane-damp-feather")
        );
        let text = render_kubeconfig("controlplane-damp-feather", &identity.spec, "KEY");
        let parsed = kube::config::Kubeconfig::from_yaml(&text).unwrap();
        assert_eq!(parsed.current_context.as_deref(), Some("default-context"));
        let ctx = parsed.contexts[0].context.clone().unwrap();
        assert_eq!(ctx.namespace.as_deref(), Some("liqo-tenant-cool-firefly"));
        assert_eq!(ctx.cluster, "damp-feather");
        assert_eq!(
            parsed.clusters[0]
                .cluster
                .clone()
                .unwrap()
                .server
                .as_deref(),
            Some("https://203.0.113.7:6443")
        );
    }
}
