//! The end state of an authentication, as `tests/authenticate.rs` and
//! `tests/manual_authentication.rs` both check it: the consumer's RBAC on the provider and
//! each side's ForeignCluster.
//!
//! Included with `#[path = "common/auth_state.rs"] mod auth_state;`.

use std::collections::BTreeSet;
use std::time::Duration;

use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};
use liqo_api::core::{ConditionStatusType, ForeignCluster, RoleType};

use crate::common;

/// Least privilege: `as_consumer` may do exactly the spec's RBAC (authentication.md §8) in its
/// tenant namespace `tenant_ns` of `provider`, and elsewhere nothing beyond what every
/// authenticated user may do.
pub async fn assert_consumer_rbac(provider: &Client, as_consumer: &Client, tenant_ns: &str) {
    let other_tenant = liqo_kube::tenant_namespace::ensure(provider, "someone-else", "test")
        .await
        .unwrap()
        .name_any();
    let namespaces = [tenant_ns, other_tenant.as_str(), "liqo", ""];
    let allowed = common::allowed_matrix(provider, as_consumer, &namespaces).await;
    let mut expected = BTreeSet::new();
    for path in [
        "authentication.liqo.io/renews",
        "authentication.liqo.io/renews/status",
        "authentication.liqo.io/resourceslices",
        "authentication.liqo.io/resourceslices/status",
        "offloading.liqo.io/namespacemaps",
        "offloading.liqo.io/namespacemaps/status",
    ] {
        for verb in common::VERBS {
            expected.insert(format!("{verb} {path} in {tenant_ns:?}"));
        }
    }
    // What Kubernetes grants every authenticated user (system:basic-user), in every namespace.
    for path in [
        "authorization.k8s.io/selfsubjectaccessreviews",
        "authorization.k8s.io/selfsubjectrulesreviews",
        "authentication.k8s.io/selfsubjectreviews",
    ] {
        for ns in namespaces {
            expected.insert(format!("create {path} in {ns:?}"));
        }
    }
    let extra: Vec<_> = allowed.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&allowed).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "RBAC differs from the spec: extra {extra:?}, missing {missing:?}"
    );
}

/// Each side has a ForeignCluster for the other, with the role the handshake gives it and a
/// Ready authentication module; the consumer's names the provider's tenant namespace
/// `tenant_ns`. Returns the consumer's ForeignCluster.
pub async fn assert_foreign_clusters(
    (consumer, consumer_id): (&Client, &str),
    (provider, provider_id): (&Client, &str),
    tenant_ns: &str,
) -> ForeignCluster {
    for (client, peer, role) in [
        (consumer, provider_id, RoleType::Provider),
        (provider, consumer_id, RoleType::Consumer),
    ] {
        let api: Api<ForeignCluster> = Api::all(client.clone());
        let ready = |fc: Option<&ForeignCluster>| {
            fc.and_then(|f| f.status.as_ref()).is_some_and(|s| {
                s.role == role
                    && s.modules.as_ref().is_some_and(|m| {
                        m.authentication.enabled
                            && m.authentication
                                .conditions
                                .iter()
                                .flatten()
                                .all(|c| c.status == ConditionStatusType::Ready)
                    })
            })
        };
        let fc = tokio::time::timeout(Duration::from_secs(60), await_condition(api, peer, ready))
            .await
            .unwrap_or_else(|_| panic!("ForeignCluster {peer} never became {role:?}"))
            .unwrap()
            .unwrap();
        assert_eq!(fc.labels()["liqo.io/remote-cluster-id"], peer);
    }
    let fc = Api::<ForeignCluster>::all(consumer.clone())
        .get(provider_id)
        .await
        .unwrap();
    let status = fc.status.clone().unwrap();
    assert_eq!(
        status.tenant_namespace.unwrap().remote.as_deref(),
        Some(tenant_ns)
    );
    fc
}
