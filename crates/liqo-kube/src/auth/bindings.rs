//! The RBAC bindings a provider grants a consumer (authentication.md §2): a RoleBinding per
//! namespaced role in the tenant namespace, a ClusterRoleBinding per cluster-wide role. Pure.

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use liqo_api::consts::{label, name};

fn labels(remote_id: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            label::APP_MANAGED_BY.to_string(),
            label::MANAGED_BY_LIQO.to_string(),
        ),
        (label::REMOTE_CLUSTER_ID.to_string(), remote_id.to_string()),
    ])
}

fn role_ref(cluster_role: &str) -> RoleRef {
    RoleRef {
        api_group: Some("rbac.authorization.k8s.io".into()),
        kind: "ClusterRole".into(),
        name: cluster_role.into(),
    }
}

/// `liqo-binding-<role>` in the tenant namespace, for the User `<remote id>` (the CN of its
/// control-plane certificate), owned by `owner` (the Tenant).
pub fn render_role_binding(
    cluster_role: &str,
    namespace: &str,
    remote_id: &str,
    owner: Option<OwnerReference>,
) -> RoleBinding {
    RoleBinding {
        metadata: ObjectMeta {
            name: Some(format!("{}{cluster_role}", name::BINDING_PREFIX)),
            namespace: Some(namespace.into()),
            labels: Some(labels(remote_id)),
            owner_references: owner.map(|o| vec![o]),
            ..Default::default()
        },
        role_ref: role_ref(cluster_role),
        subjects: Some(vec![Subject {
            kind: "User".into(),
            name: remote_id.into(),
            api_group: Some("rbac.authorization.k8s.io".into()),
            ..Default::default()
        }]),
    }
}

/// `liqo-binding-<role>-<remote id>` for the Group `<remote id>` (the O of its ResourceSlice
/// certificates); cluster-scoped, so no owner: the tenant controller deletes it.
pub fn render_cluster_role_binding(cluster_role: &str, remote_id: &str) -> ClusterRoleBinding {
    ClusterRoleBinding {
        metadata: ObjectMeta {
            name: Some(cluster_role_binding_name(cluster_role, remote_id)),
            labels: Some(labels(remote_id)),
            ..Default::default()
        },
        role_ref: role_ref(cluster_role),
        subjects: Some(vec![Subject {
            kind: "Group".into(),
            name: remote_id.into(),
            api_group: Some("rbac.authorization.k8s.io".into()),
            ..Default::default()
        }]),
    }
}

/// Name of the ClusterRoleBinding of `cluster_role` for `remote_id`.
pub fn cluster_role_binding_name(cluster_role: &str, remote_id: &str) -> String {
    format!("{}{cluster_role}-{remote_id}", name::BINDING_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_names_follow_upstream() {
        let rb = render_role_binding("liqo-remote-controlplane", "liqo-tenant-c", "c", None);
        assert_eq!(
            rb.metadata.name.as_deref(),
            Some("liqo-binding-liqo-remote-controlplane")
        );
        assert_eq!(rb.subjects.unwrap()[0].kind, "User");
        let crb = render_cluster_role_binding("liqo-virtual-kubelet-remote-clusterwide", "c");
        assert_eq!(
            crb.metadata.name.as_deref(),
            Some("liqo-binding-liqo-virtual-kubelet-remote-clusterwide-c")
        );
        assert_eq!(crb.subjects.unwrap()[0].kind, "Group");
    }
}
