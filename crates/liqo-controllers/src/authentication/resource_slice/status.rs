//! What the provider answers in a ResourceSlice status, decided without I/O: the condition
//! contract (offloading.md §3), which Resources verdict a Tenant state gives, the granted
//! resources and the offered storage classes.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use liqo_api::authentication::{
    ResourceSliceCondition, ResourceSliceConditionStatus as Status,
    ResourceSliceConditionType as Type, TenantCondition,
};
use liqo_api::common::StorageType;
use liqo_api::consts::condition::resource_slice as rs;

/// Sets the `type_` condition to `status`/`reason`/`message`: one entry per type (extra
/// entries of the type are dropped), rewritten with `lastTransitionTime = now` only when
/// status, reason or message differ; otherwise left as it is. Returns whether anything changed.
/// (Upstream quirk 1 concerns the VirtualNode helper; this is the table semantics for both.)
pub fn set_condition(
    conditions: &mut Vec<ResourceSliceCondition>,
    type_: Type,
    status: Status,
    (reason, message): (&str, &str),
    now: &Time,
) -> bool {
    let before = conditions.clone();
    let mut kept = conditions.iter().filter(|c| c.type_ == type_);
    let unchanged = kept.next().filter(|c| {
        c.status == status
            && c.reason.as_deref() == Some(reason)
            && c.message.as_deref() == Some(message)
    });
    let entry = unchanged
        .cloned()
        .unwrap_or_else(|| ResourceSliceCondition {
            type_,
            status,
            last_transition_time: Some(now.clone()),
            reason: Some(reason.to_owned()),
            message: Some(message.to_owned()),
        });
    // The entry keeps its place; a first entry of this type goes at the end.
    let at = conditions.iter().position(|c| c.type_ == type_);
    conditions.retain(|c| c.type_ != type_);
    conditions.insert(at.unwrap_or(conditions.len()), entry);
    *conditions != before
}

/// `(reason, message)` of `Authentication=Accepted`.
pub const AUTH_ACCEPTED: (&str, &str) = (
    rs::REASON_AUTHENTICATION_ACCEPTED,
    rs::MESSAGE_AUTHENTICATION_ACCEPTED,
);
/// `(reason, message)` of `Authentication=Denied`.
pub const AUTH_DENIED: (&str, &str) = (
    rs::REASON_AUTHENTICATION_DENIED,
    rs::MESSAGE_AUTHENTICATION_DENIED,
);

/// What the provider does about `Resources` (offloading.md §4.3 step 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Grant: fill resources, classes, labels; `Resources=Accepted`.
    Grant,
    /// `Resources=Denied` with this `(reason, message)`; nothing else changes.
    Deny(&'static str, &'static str),
    /// Leave `Resources` and the granted fields as they are.
    Untouched,
}

/// The Resources verdict for a slice of class `builtin_class` (or not) under a Tenant in
/// `tenant`, with the built-in class `class_enabled`, and whether the slice already has a
/// Resources condition.
pub fn verdict(
    tenant: TenantCondition,
    builtin_class: bool,
    class_enabled: bool,
    has_resources_condition: bool,
) -> Verdict {
    const DENIED: Verdict =
        Verdict::Deny(rs::REASON_RESOURCES_DENIED, rs::MESSAGE_RESOURCES_DENIED);
    match tenant {
        TenantCondition::Drained => DENIED,
        // A cordoned tenant keeps what it was granted; only a first answer is a refusal.
        TenantCondition::Cordoned if has_resources_condition => Verdict::Untouched,
        TenantCondition::Cordoned => DENIED,
        // Other classes are answered by external plugins.
        TenantCondition::Active if !builtin_class => Verdict::Untouched,
        TenantCondition::Active if !class_enabled => Verdict::Deny(
            rs::REASON_DEFAULT_CLASS_DISABLED,
            rs::MESSAGE_DEFAULT_CLASS_DISABLED,
        ),
        TenantCondition::Active => Verdict::Grant,
    }
}

/// The verdict for a slice whose CSR was refused (`authenticated == false`): a refusal
/// still applies (a drained tenant is drained), a grant does not.
///
/// Upstream quirk 6: upstream evaluates Resources in full after denying Authentication, so a
/// slice it refused to authenticate can still be granted (and get a Quota). Here such a slice
/// gets no grant: an earlier Resources entry and the granted fields stay as they were.
pub fn unless_unauthenticated(authenticated: bool, verdict: Verdict) -> Verdict {
    match verdict {
        Verdict::Grant if !authenticated => Verdict::Untouched,
        other => other,
    }
}

/// `(reason, message)` of `Resources=Accepted`.
pub const RESOURCES_ACCEPTED: (&str, &str) = (
    rs::REASON_RESOURCES_ACCEPTED,
    rs::MESSAGE_RESOURCES_ACCEPTED,
);

/// The resources granted: every default key with the requested value or the default, then
/// every other requested key.
///
/// Upstream quirk 7: upstream starts from the previous `status.resources`, so a key removed
/// from `spec.resources` stays granted forever. Here the grant is recomputed from the defaults
/// and the current request only.
pub fn granted(
    defaults: &BTreeMap<String, Quantity>,
    requested: &BTreeMap<String, Quantity>,
) -> BTreeMap<String, Quantity> {
    let mut out = defaults.clone();
    out.extend(requested.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The storage classes offered: every class of the cluster (`(name, is the cluster
/// default)`), sorted by name, the default being `real_class` when set, else the cluster's
/// default class; none when storage is disabled.
pub fn storage_classes(
    enabled: bool,
    classes: &[(String, bool)],
    real_class: Option<&str>,
) -> Vec<StorageType> {
    if !enabled {
        return Vec::new();
    }
    let mut sorted = classes.to_vec();
    sorted.sort();
    sorted
        .into_iter()
        .map(|(name, cluster_default)| {
            let default = match real_class {
                Some(real) => name == real,
                None => cluster_default,
            };
            StorageType {
                storage_class_name: name,
                default: default.then_some(true),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::jiff::Timestamp;

    use super::*;

    fn at(second: i64) -> Time {
        Time(Timestamp::from_second(second).unwrap())
    }

    fn cond(type_: Type, status: Status, reason: &str, t: i64) -> ResourceSliceCondition {
        ResourceSliceCondition {
            type_,
            status,
            last_transition_time: Some(at(t)),
            reason: Some(reason.into()),
            message: Some(match reason {
                rs::REASON_AUTHENTICATION_ACCEPTED => rs::MESSAGE_AUTHENTICATION_ACCEPTED.into(),
                rs::REASON_AUTHENTICATION_DENIED => rs::MESSAGE_AUTHENTICATION_DENIED.into(),
                _ => "m".into(),
            }),
        }
    }

    #[test]
    fn a_first_condition_is_appended_with_now() {
        let mut cs = Vec::new();
        assert!(set_condition(
            &mut cs,
            Type::Authentication,
            Status::Accepted,
            AUTH_ACCEPTED,
            &at(10)
        ));
        assert_eq!(
            cs,
            [cond(
                Type::Authentication,
                Status::Accepted,
                rs::REASON_AUTHENTICATION_ACCEPTED,
                10
            )]
        );
    }

    #[test]
    fn an_unchanged_condition_keeps_its_transition_time() {
        let mut cs = vec![cond(
            Type::Authentication,
            Status::Accepted,
            rs::REASON_AUTHENTICATION_ACCEPTED,
            10,
        )];
        let before = cs.clone();
        assert!(!set_condition(
            &mut cs,
            Type::Authentication,
            Status::Accepted,
            AUTH_ACCEPTED,
            &at(99)
        ));
        assert_eq!(cs, before);
    }

    #[test]
    fn a_changed_status_reason_or_message_is_rewritten_in_place() {
        let resources = cond(Type::Resources, Status::Accepted, "R", 5);
        let mut cs = vec![
            cond(
                Type::Authentication,
                Status::Accepted,
                rs::REASON_AUTHENTICATION_ACCEPTED,
                10,
            ),
            resources.clone(),
        ];
        assert!(set_condition(
            &mut cs,
            Type::Authentication,
            Status::Denied,
            AUTH_DENIED,
            &at(20)
        ));
        assert_eq!(
            cs,
            [
                cond(
                    Type::Authentication,
                    Status::Denied,
                    rs::REASON_AUTHENTICATION_DENIED,
                    20
                ),
                resources.clone()
            ]
        );
        // Same status, other message: rewritten too.
        assert!(set_condition(
            &mut cs,
            Type::Resources,
            Status::Accepted,
            ("R", "other"),
            &at(30)
        ));
        assert_eq!(cs[1].message.as_deref(), Some("other"));
        assert_eq!(cs[1].last_transition_time, Some(at(30)));
    }

    #[test]
    fn duplicate_entries_of_a_type_collapse_to_one() {
        let mut cs = vec![
            cond(Type::Resources, Status::Denied, "a", 1),
            cond(
                Type::Authentication,
                Status::Accepted,
                rs::REASON_AUTHENTICATION_ACCEPTED,
                2,
            ),
            cond(Type::Resources, Status::Accepted, "b", 3),
        ];
        assert!(set_condition(
            &mut cs,
            Type::Resources,
            Status::Denied,
            ("a", "m"),
            &at(50)
        ));
        assert_eq!(cs.len(), 2);
        // The first entry matched and is kept as it was.
        assert_eq!(cs[0], cond(Type::Resources, Status::Denied, "a", 1));
    }

    #[test]
    fn verdicts_follow_the_tenant_state_and_class() {
        use TenantCondition::{Active, Cordoned, Drained};
        assert_eq!(verdict(Active, true, true, false), Verdict::Grant);
        assert_eq!(verdict(Active, true, true, true), Verdict::Grant);
        assert_eq!(
            verdict(Active, true, false, true),
            Verdict::Deny(
                rs::REASON_DEFAULT_CLASS_DISABLED,
                rs::MESSAGE_DEFAULT_CLASS_DISABLED
            )
        );
        assert_eq!(verdict(Active, false, true, false), Verdict::Untouched);
        assert_eq!(verdict(Active, false, false, false), Verdict::Untouched);
        let denied = Verdict::Deny(rs::REASON_RESOURCES_DENIED, rs::MESSAGE_RESOURCES_DENIED);
        assert_eq!(verdict(Cordoned, true, true, false), denied);
        assert_eq!(verdict(Cordoned, true, true, true), Verdict::Untouched);
        assert_eq!(verdict(Drained, true, true, true), denied);
        assert_eq!(verdict(Drained, false, true, false), denied);
    }

    #[test]
    fn an_unauthenticated_slice_is_never_granted_but_may_be_denied() {
        let denied = Verdict::Deny(rs::REASON_RESOURCES_DENIED, rs::MESSAGE_RESOURCES_DENIED);
        assert_eq!(
            unless_unauthenticated(false, Verdict::Grant),
            Verdict::Untouched
        );
        assert_eq!(unless_unauthenticated(true, Verdict::Grant), Verdict::Grant);
        assert_eq!(unless_unauthenticated(false, denied), denied);
        assert_eq!(
            unless_unauthenticated(false, Verdict::Untouched),
            Verdict::Untouched
        );
    }

    fn q(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect()
    }

    #[test]
    fn grants_are_defaults_overridden_and_extended_by_the_request() {
        let defaults = q(&[("cpu", "4"), ("memory", "8Gi"), ("pods", "110")]);
        assert_eq!(
            granted(&defaults, &q(&[("cpu", "2"), ("nvidia.com/gpu", "1")])),
            q(&[
                ("cpu", "2"),
                ("memory", "8Gi"),
                ("nvidia.com/gpu", "1"),
                ("pods", "110")
            ])
        );
        // Quirk 7: a key no longer requested is no longer granted.
        assert_eq!(
            granted(&defaults, &q(&[("cpu", "2")])),
            q(&[("cpu", "2"), ("memory", "8Gi"), ("pods", "110")])
        );
    }

    #[test]
    fn storage_classes_are_sorted_with_one_default() {
        let classes = vec![("zeta".to_string(), true), ("alpha".to_string(), false)];
        let names = |v: &[StorageType]| {
            v.iter()
                .map(|s| {
                    format!(
                        "{}{}",
                        s.storage_class_name,
                        if s.default == Some(true) { "*" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&storage_classes(true, &classes, None)),
            ["alpha", "zeta*"]
        );
        assert_eq!(
            names(&storage_classes(true, &classes, Some("alpha"))),
            ["alpha*", "zeta"]
        );
        assert!(storage_classes(false, &classes, None).is_empty());
    }
}
