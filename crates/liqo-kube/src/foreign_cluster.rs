//! ForeignCluster status from what the cluster holds about a peer (pure): the role follows the
//! Tenant (the peer consumes from us) and the control-plane Identity (we consume from the peer).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use liqo_api::authentication::{AuthzPolicy, Identity, Tenant};
use liqo_api::consts::condition::foreign_cluster as reason;
use liqo_api::core::{
    Condition, ConditionStatusType, ConditionType, ForeignClusterStatus, Module, Modules, RoleType,
    TenantNamespaceType,
};

/// What the reconciler found about one peer.
#[derive(Debug, Default, Clone)]
pub struct Observed {
    /// The peer's Tenant here (it consumes our resources).
    pub tenant: Option<Tenant>,
    /// Our control-plane Identity for the peer (we consume its resources).
    pub identity: Option<Identity>,
}

fn condition(
    type_: ConditionType,
    ready: bool,
    (ok, ok_msg): (&str, &str),
    (ko, ko_msg): (&str, &str),
) -> Condition {
    let (status, reason, message) = if ready {
        (ConditionStatusType::Ready, ok, ok_msg)
    } else {
        (ConditionStatusType::NotReady, ko, ko_msg)
    };
    Condition {
        type_,
        status,
        last_transition_time: None,
        reason: Some(reason.into()),
        message: Some(message.into()),
    }
}

/// The status of the ForeignCluster (authentication module; networking and offloading come
/// with their modules). `previous` keeps `lastTransitionTime` of unchanged conditions.
pub fn compute_status(
    observed: &Observed,
    previous: Option<&ForeignClusterStatus>,
    now: Timestamp,
) -> ForeignClusterStatus {
    let mut conditions = Vec::new();
    let mut tenant_ns = TenantNamespaceType::default();
    let mut status = ForeignClusterStatus::default();
    let consumer = observed.tenant.is_some();
    let provider = observed.identity.is_some();
    if let Some(tenant) = &observed.tenant {
        let st = tenant.status.clone().unwrap_or_default();
        tenant_ns.local = st.tenant_namespace.clone();
        let keys = tenant.spec.authz_policy.unwrap_or_default() != AuthzPolicy::TolerateNoHandshake;
        let ready = !(keys && st.auth_params.is_none())
            && st
                .tenant_namespace
                .as_deref()
                .is_some_and(|n| !n.is_empty());
        conditions.push(condition(
            ConditionType::AuthTenantStatus,
            ready,
            (reason::REASON_TENANT_READY, reason::MESSAGE_TENANT_READY),
            (
                reason::REASON_TENANT_NOT_READY,
                reason::MESSAGE_TENANT_NOT_READY,
            ),
        ));
    }
    if let Some(identity) = &observed.identity {
        let params = identity.spec.auth_params.clone().unwrap_or_default();
        status.api_server_url = params.api_server;
        status.foreign_proxy_url = params.proxy_url;
        tenant_ns.local = identity.metadata.namespace.clone();
        tenant_ns.remote = identity.spec.namespace.clone();
        let ready = identity
            .status
            .as_ref()
            .and_then(|s| s.kubeconfig_secret_ref.as_ref())
            .is_some_and(|r| !r.name.is_empty());
        conditions.push(condition(
            ConditionType::AuthIdentityControlPlaneStatus,
            ready,
            (
                reason::REASON_IDENTITY_READY,
                "The control-plane identity is ready",
            ),
            (
                reason::REASON_IDENTITY_NOT_READY,
                "The control-plane identity has no kubeconfig yet",
            ),
        ));
    }
    for c in &mut conditions {
        let old = previous
            .and_then(|p| p.modules.as_ref())
            .and_then(|m| m.authentication.conditions.as_ref());
        let same = old.and_then(|cs| {
            cs.iter()
                .find(|o| o.type_ == c.type_ && o.status == c.status && o.reason == c.reason)
        });
        c.last_transition_time = Some(
            same.and_then(|o| o.last_transition_time.clone())
                .unwrap_or(Time(now)),
        );
    }
    status.role = match (consumer, provider) {
        (true, true) => RoleType::ConsumerAndProvider,
        (true, false) => RoleType::Consumer,
        (false, true) => RoleType::Provider,
        (false, false) => RoleType::Unknown,
    };
    let off = Module {
        enabled: false,
        conditions: None,
    };
    status.modules = Some(Modules {
        networking: off.clone(),
        authentication: Module {
            enabled: consumer || provider,
            conditions: (!conditions.is_empty()).then_some(conditions),
        },
        offloading: off,
    });
    if tenant_ns.local.is_some() || tenant_ns.remote.is_some() {
        status.tenant_namespace = Some(tenant_ns);
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_tenants_and_identities() {
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(
            compute_status(&Observed::default(), None, now).role,
            RoleType::Unknown
        );
        let tenant = Tenant::new("c", Default::default());
        let identity = Identity::new("controlplane-p", Default::default());
        let consumer = Observed {
            tenant: Some(tenant.clone()),
            identity: None,
        };
        let status = compute_status(&consumer, None, now);
        assert_eq!(status.role, RoleType::Consumer);
        let auth = status.modules.clone().unwrap().authentication;
        assert!(auth.enabled);
        assert_eq!(
            auth.conditions.unwrap()[0].status,
            ConditionStatusType::NotReady,
            "no status yet"
        );
        let provider = Observed {
            tenant: None,
            identity: Some(identity.clone()),
        };
        assert_eq!(
            compute_status(&provider, None, now).role,
            RoleType::Provider
        );
        let both = Observed {
            tenant: Some(tenant),
            identity: Some(identity),
        };
        assert_eq!(
            compute_status(&both, None, now).role,
            RoleType::ConsumerAndProvider
        );
        // Unchanged conditions keep their transition time.
        let later = compute_status(&consumer, Some(&status), Timestamp::now());
        let times = |s: &ForeignClusterStatus| {
            s.modules
                .clone()
                .unwrap()
                .authentication
                .conditions
                .unwrap()[0]
                .last_transition_time
                .clone()
        };
        assert_eq!(times(&later), times(&status));
    }
}
