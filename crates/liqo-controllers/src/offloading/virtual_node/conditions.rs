//! The VirtualNode conditions `VirtualKubelet` and `Node` and their transition table
//! (spec offloading.md §5.2).
//!
//! Upstream quirk 1: upstream's helper stops at the first type that needs no change and appends
//! a duplicate entry after rewriting one, so results depend on Go's map order. Here each type
//! has exactly one entry and each type is decided on its own.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use liqo_api::offloading::{
    VirtualNodeCondition, VirtualNodeConditionStatus as Status, VirtualNodeConditionType as Type,
};

/// Whether the table lets a `from` condition become `to` (same type).
pub fn allowed(from: Status, to: Status) -> bool {
    use Status::{Creating, Deleting, Draining, None, Running};
    !matches!(
        (from, to),
        (Running, Creating) | (None, Draining) | (None, Deleting) | (Deleting, Draining)
    ) && from != to
}

/// The message of a condition in `status` (the reason is the status itself).
pub fn message(type_: Type, status: Status) -> String {
    let what = match type_ {
        Type::VirtualKubelet => "the virtual kubelet",
        Type::Node => "the node",
    };
    let state = match status {
        Status::None => "is not managed",
        Status::Running => "is running",
        Status::Creating => "is being created",
        Status::Draining => "is being drained",
        Status::Deleting => "is being deleted",
    };
    format!("{what} {state}")
}

/// Sets condition `type_` to `status` in `conditions` per the table, with the standard
/// message; `true` when the list changed.
pub fn set(
    conditions: &mut Vec<VirtualNodeCondition>,
    type_: Type,
    status: Status,
    now: &Time,
) -> bool {
    set_with(conditions, type_, status, &message(type_, status), now)
}

/// [`set`] with an explicit message (e.g. why the virtual kubelet is not created). A change of
/// message alone (same status) rewrites the entry too.
pub fn set_with(
    conditions: &mut Vec<VirtualNodeCondition>,
    type_: Type,
    status: Status,
    message: &str,
    now: &Time,
) -> bool {
    // Keep one entry per type even if someone wrote duplicates.
    let mut seen = false;
    let before = conditions.len();
    conditions.retain(|c| {
        let dup = c.type_ == type_ && seen;
        seen |= c.type_ == type_;
        !dup
    });
    let deduplicated = conditions.len() != before;
    let rewritten = VirtualNodeCondition {
        type_,
        status,
        last_transition_time: Some(now.clone()),
        reason: Some(format!("{status:?}")),
        message: Some(message.to_owned()),
    };
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        None => {
            conditions.push(rewritten);
            true
        }
        Some(c) if c.status == status => {
            if c.message.as_deref() == Some(message) {
                return deduplicated;
            }
            *c = rewritten;
            true
        }
        Some(c) if allowed(c.status, status) => {
            *c = rewritten;
            true
        }
        Some(_) => deduplicated,
    }
}

/// The status of condition `type_`, if set.
pub fn get(conditions: &[VirtualNodeCondition], type_: Type) -> Option<&VirtualNodeCondition> {
    conditions.iter().find(|c| c.type_ == type_)
}

#[cfg(test)]
mod tests {
    use k8s_openapi::jiff::Timestamp;

    use super::*;

    fn at(secs: i64) -> Time {
        Time(Timestamp::from_second(secs).unwrap())
    }

    fn statuses(c: &[VirtualNodeCondition]) -> Vec<(Type, Status)> {
        c.iter().map(|c| (c.type_, c.status)).collect()
    }

    #[test]
    fn the_transition_table() {
        use Status::*;
        let all = [None, Running, Creating, Draining, Deleting];
        let ignored = [
            (Running, Creating),
            (None, Draining),
            (None, Deleting),
            (Deleting, Draining),
        ];
        for from in all {
            for to in all {
                let expected = from != to && !ignored.contains(&(from, to));
                assert_eq!(allowed(from, to), expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn missing_types_are_appended_and_each_type_is_independent() {
        let mut c = Vec::new();
        assert!(set(&mut c, Type::VirtualKubelet, Status::Creating, &at(1)));
        assert!(set(&mut c, Type::Node, Status::None, &at(1)));
        // VirtualKubelet unchanged, Node changes: the no-op on the first type does not stop
        // the second (upstream quirk 1).
        assert!(!set(&mut c, Type::VirtualKubelet, Status::Creating, &at(2)));
        assert!(set(&mut c, Type::Node, Status::Running, &at(2)));
        assert_eq!(
            statuses(&c),
            [
                (Type::VirtualKubelet, Status::Creating),
                (Type::Node, Status::Running)
            ]
        );
        assert_eq!(c.len(), 2, "rewritten in place, no duplicate");
        assert_eq!(c[0].last_transition_time, Some(at(1)), "untouched");
        assert_eq!(c[1].last_transition_time, Some(at(2)));
        assert_eq!(c[1].reason.as_deref(), Some("Running"));
        assert_eq!(c[1].message.as_deref(), Some("the node is running"));
    }

    #[test]
    fn ignored_transitions_keep_the_entry() {
        let mut c = Vec::new();
        set(&mut c, Type::VirtualKubelet, Status::Running, &at(1));
        assert!(!set(&mut c, Type::VirtualKubelet, Status::Creating, &at(2)));
        assert_eq!(c[0].status, Status::Running);
        assert_eq!(c[0].last_transition_time, Some(at(1)));
        set(&mut c, Type::Node, Status::None, &at(1));
        assert!(!set(&mut c, Type::Node, Status::Draining, &at(2)));
        assert!(set(&mut c, Type::Node, Status::Running, &at(3)));
        assert!(set(&mut c, Type::Node, Status::Deleting, &at(4)));
        assert!(!set(&mut c, Type::Node, Status::Draining, &at(5)));
        assert_eq!(c[1].status, Status::Deleting);
    }

    #[test]
    fn duplicates_are_collapsed_and_messages_alone_rewrite() {
        let mut c = Vec::new();
        set(&mut c, Type::Node, Status::Running, &at(1));
        c.push(c[0].clone());
        assert!(set(&mut c, Type::Node, Status::Running, &at(2)));
        assert_eq!(c.len(), 1);
        assert!(set_with(
            &mut c,
            Type::Node,
            Status::Running,
            "other",
            &at(3)
        ));
        assert_eq!(c[0].message.as_deref(), Some("other"));
        assert_eq!(c[0].last_transition_time, Some(at(3)));
    }
}
