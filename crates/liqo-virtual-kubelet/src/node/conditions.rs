//! The Node's conditions (spec offloading.md §6.3), pure: readiness from the advertised
//! resources and the peer's networking, reasons and messages as upstream writes them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::NodeCondition;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use liqo_api::consts::condition::virtual_node as c;
use liqo_api::core::{ConditionStatusType, ConditionType, ForeignCluster};

/// `Ready`.
pub const READY: &str = "Ready";
/// `MemoryPressure`.
pub const MEMORY_PRESSURE: &str = "MemoryPressure";
/// `DiskPressure`.
pub const DISK_PRESSURE: &str = "DiskPressure";
/// `PIDPressure`.
pub const PID_PRESSURE: &str = "PIDPressure";

/// What readiness is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// Allocatable cpu > 0 and memory > 0.
    pub resources_ready: bool,
    /// `None`: the network condition is not managed (treated as ready and removed);
    /// `Some(established)` otherwise.
    pub network: Option<bool>,
}

impl Readiness {
    /// The `Ready` rule: resources and (unmanaged or established) network.
    pub fn ready(&self) -> bool {
        self.resources_ready && self.network.unwrap_or(true)
    }
}

/// Whether a quantity is strictly positive (`4`, `100m`, `8Gi`, `1e3`; `0`, `-1`, junk are not).
pub fn positive(q: &Quantity) -> bool {
    let text = q.0.trim();
    let end = text
        .char_indices()
        .find(|&(i, ch)| !(ch.is_ascii_digit() || ch == '.' || (i == 0 && ch == '+')))
        .map_or(text.len(), |(i, _)| i);
    text[..end].parse::<f64>().is_ok_and(|n| n > 0.0)
}

/// `resourcesReady` of §6.3: allocatable cpu > 0 and memory > 0.
pub fn resources_ready(allocatable: &BTreeMap<String, Quantity>) -> bool {
    ["cpu", "memory"]
        .iter()
        .all(|k| allocatable.get(*k).is_some_and(positive))
}

/// The network part of §6.3: managed iff `check_network` and the peer's networking module is
/// enabled (`networking_enabled`: assumed until a ForeignCluster status has been observed);
/// ready iff the ForeignCluster's connection is `Established` (false without a ForeignCluster).
pub fn network_state(
    check_network: bool,
    networking_enabled: bool,
    fc: Option<&ForeignCluster>,
) -> Option<bool> {
    if !(check_network && networking_enabled) {
        return None;
    }
    Some(fc.is_some_and(networking_established))
}

/// Whether a ForeignCluster's status has been written once (`observedGeneration > 0`), and so
/// whether its `modules.networking.enabled` is meaningful.
pub fn networking_enabled(fc: &ForeignCluster) -> Option<bool> {
    let status = fc.status.as_ref()?;
    (status.observed_generation.unwrap_or(0) > 0).then(|| {
        status
            .modules
            .as_ref()
            .is_some_and(|m| m.networking.enabled)
    })
}

/// Whether the peer's tunnel is up: networking condition `NetworkConnectionStatus=Established`.
pub fn networking_established(fc: &ForeignCluster) -> bool {
    fc.status
        .as_ref()
        .and_then(|s| s.modules.as_ref())
        .and_then(|m| m.networking.conditions.as_ref())
        .is_some_and(|conds| {
            conds.iter().any(|c| {
                c.type_ == ConditionType::NetworkConnectionStatus
                    && c.status == ConditionStatusType::Established
            })
        })
}

/// The `Unknown` conditions a Node is registered with.
pub fn initial(check_network: bool) -> Vec<NodeCondition> {
    let mut types = vec![READY, MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE];
    if check_network {
        types.push(c::TYPE_NETWORK_UNAVAILABLE);
    }
    types
        .into_iter()
        .map(|t| NodeCondition {
            type_: t.into(),
            status: "Unknown".into(),
            ..Default::default()
        })
        .collect()
}

/// The conditions for `readiness`: every one gets heartbeat `now`; `lastTransitionTime`,
/// reason and message change only when the status changes against `previous` (the Node's
/// current conditions, so a transition the node-lifecycle controller made counts).
pub fn compute(
    readiness: Readiness,
    previous: &[NodeCondition],
    now: Timestamp,
) -> Vec<NodeCondition> {
    let pressure = !readiness.resources_ready;
    let pressure_msg = if pressure {
        c::MESSAGE_INSUFFICIENT_RESOURCES
    } else {
        c::MESSAGE_SUFFICIENT_RESOURCES
    };
    let mut desired = vec![
        if readiness.ready() {
            (
                READY,
                true,
                c::REASON_KUBELET_READY,
                c::MESSAGE_KUBELET_READY,
            )
        } else {
            (
                READY,
                false,
                c::REASON_KUBELET_NOT_READY,
                c::MESSAGE_KUBELET_NOT_READY,
            )
        },
        (
            MEMORY_PRESSURE,
            pressure,
            pick(
                pressure,
                c::REASON_MEMORY_PRESSURE,
                c::REASON_SUFFICIENT_MEMORY,
            ),
            pressure_msg,
        ),
        (
            DISK_PRESSURE,
            pressure,
            pick(
                pressure,
                c::REASON_DISK_PRESSURE,
                c::REASON_NO_DISK_PRESSURE,
            ),
            pressure_msg,
        ),
        (
            PID_PRESSURE,
            pressure,
            pick(pressure, c::REASON_PID_PRESSURE, c::REASON_NO_PID_PRESSURE),
            pressure_msg,
        ),
    ];
    if let Some(up) = readiness.network {
        desired.push(if up {
            (
                c::TYPE_NETWORK_UNAVAILABLE,
                false,
                c::REASON_NETWORKING_UP,
                c::MESSAGE_NETWORKING_UP,
            )
        } else {
            (
                c::TYPE_NETWORK_UNAVAILABLE,
                true,
                c::REASON_NETWORKING_DOWN,
                c::MESSAGE_NETWORKING_DOWN,
            )
        });
    }
    let now = Time(now);
    desired
        .into_iter()
        .map(|(type_, on, reason, message)| {
            let status = if on { "True" } else { "False" };
            match previous.iter().find(|p| p.type_ == type_) {
                Some(p) if p.status == status => NodeCondition {
                    last_heartbeat_time: Some(now.clone()),
                    ..p.clone()
                },
                _ => NodeCondition {
                    type_: type_.into(),
                    status: status.into(),
                    reason: Some(reason.into()),
                    message: Some(message.into()),
                    last_heartbeat_time: Some(now.clone()),
                    last_transition_time: Some(now.clone()),
                },
            }
        })
        .collect()
}

fn pick(on: bool, yes: &'static str, no: &'static str) -> &'static str {
    if on { yes } else { no }
}

/// Whether `current` already shows `desired`'s statuses (heartbeats aside): a push is needed
/// only when not, or when the periodic refresh is due.
pub fn same_statuses(current: &[NodeCondition], desired: &[NodeCondition]) -> bool {
    let key = |cs: &[NodeCondition]| -> BTreeMap<String, String> {
        cs.iter()
            .map(|c| (c.type_.clone(), c.status.clone()))
            .collect()
    };
    key(current) == key(desired)
}

#[cfg(test)]
mod tests {
    use liqo_api::core::{Condition, ForeignClusterSpec, ForeignClusterStatus, Module, Modules};

    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity(s.into())
    }

    fn alloc(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
        pairs.iter().map(|(k, v)| ((*k).into(), q(v))).collect()
    }

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    fn get<'a>(cs: &'a [NodeCondition], type_: &str) -> &'a NodeCondition {
        cs.iter().find(|c| c.type_ == type_).unwrap()
    }

    fn fc(observed: i64, enabled: bool, connection: Option<ConditionStatusType>) -> ForeignCluster {
        let mut fc = ForeignCluster::new(
            "p",
            ForeignClusterSpec {
                cluster_id: "p".into(),
            },
        );
        fc.status = Some(ForeignClusterStatus {
            observed_generation: Some(observed),
            modules: Some(Modules {
                networking: Module {
                    enabled,
                    conditions: connection.map(|status| {
                        vec![Condition {
                            type_: ConditionType::NetworkConnectionStatus,
                            status,
                            last_transition_time: None,
                            reason: None,
                            message: None,
                        }]
                    }),
                },
                ..Default::default()
            }),
            ..Default::default()
        });
        fc
    }

    #[test]
    fn resources_are_ready_only_with_positive_cpu_and_memory() {
        assert!(resources_ready(&alloc(&[("cpu", "4"), ("memory", "8Gi")])));
        assert!(resources_ready(&alloc(&[
            ("cpu", "100m"),
            ("memory", "1e3")
        ])));
        assert!(!resources_ready(&alloc(&[("cpu", "0"), ("memory", "8Gi")])));
        assert!(!resources_ready(&alloc(&[("cpu", "4"), ("memory", "0Gi")])));
        assert!(!resources_ready(&alloc(&[("cpu", "4")])));
        assert!(!resources_ready(&alloc(&[("cpu", "-1"), ("memory", "1")])));
        assert!(!resources_ready(&BTreeMap::new()));
    }

    #[test]
    fn network_is_managed_only_when_checked_and_enabled() {
        let up = fc(1, true, Some(ConditionStatusType::Established));
        let down = fc(1, true, Some(ConditionStatusType::Error));
        assert_eq!(network_state(false, true, Some(&down)), None);
        assert_eq!(network_state(true, false, Some(&down)), None);
        assert_eq!(network_state(true, true, Some(&up)), Some(true));
        assert_eq!(network_state(true, true, Some(&down)), Some(false));
        // No ForeignCluster (never seen, or deleted): not established.
        assert_eq!(network_state(true, true, None), Some(false));
        // The module flag counts only once the status was observed.
        assert_eq!(networking_enabled(&fc(0, false, None)), None);
        assert_eq!(networking_enabled(&fc(2, false, None)), Some(false));
        assert_eq!(networking_enabled(&fc(2, true, None)), Some(true));
    }

    #[test]
    fn ready_needs_resources_and_an_unmanaged_or_established_network() {
        let r = |resources_ready, network| Readiness {
            resources_ready,
            network,
        };
        assert!(r(true, None).ready());
        assert!(r(true, Some(true)).ready());
        assert!(!r(true, Some(false)).ready());
        assert!(!r(false, None).ready());
    }

    #[test]
    fn conditions_carry_upstream_reasons_and_messages() {
        let ready = compute(
            Readiness {
                resources_ready: true,
                network: Some(true),
            },
            &[],
            t(100),
        );
        let r = get(&ready, READY);
        assert_eq!(
            (r.status.as_str(), r.reason.as_deref()),
            ("True", Some("KubeletReady"))
        );
        assert_eq!(
            r.message.as_deref(),
            Some("The Liqo Virtual Kubelet is posting ready status")
        );
        let m = get(&ready, MEMORY_PRESSURE);
        assert_eq!(
            (m.status.as_str(), m.reason.as_deref()),
            ("False", Some("RemoteClusterHasSufficientMemory"))
        );
        assert_eq!(
            m.message.as_deref(),
            Some("The remote cluster is advertising sufficient resources")
        );
        let n = get(&ready, "NetworkUnavailable");
        assert_eq!(
            (n.status.as_str(), n.reason.as_deref()),
            ("False", Some("LiqoNetworkingUp"))
        );
        let starved = compute(
            Readiness {
                resources_ready: false,
                network: None,
            },
            &ready,
            t(200),
        );
        assert_eq!(starved.len(), 4, "unmanaged network: condition removed");
        let r = get(&starved, READY);
        assert_eq!(
            (r.status.as_str(), r.reason.as_deref()),
            ("False", Some("KubeletNotReady"))
        );
        for (type_, reason) in [
            (DISK_PRESSURE, "RemoteClusterHasDiskPressure"),
            (PID_PRESSURE, "RemoteClusterHasPIDPressure"),
            (MEMORY_PRESSURE, "RemoteClusterHasMemoryPressure"),
        ] {
            let c = get(&starved, type_);
            assert_eq!(
                (c.status.as_str(), c.reason.as_deref()),
                ("True", Some(reason))
            );
            assert_eq!(
                c.message.as_deref(),
                Some("The remote cluster is advertising no/insufficient resources")
            );
        }
        let down = compute(
            Readiness {
                resources_ready: true,
                network: Some(false),
            },
            &[],
            t(1),
        );
        let n = get(&down, "NetworkUnavailable");
        assert_eq!(
            (n.status.as_str(), n.reason.as_deref()),
            ("True", Some("LiqoNetworkingDown"))
        );
        assert_eq!(get(&down, READY).status, "False");
    }

    #[test]
    fn heartbeats_always_move_transitions_only_on_change() {
        let ok = Readiness {
            resources_ready: true,
            network: None,
        };
        let first = compute(ok, &initial(false), t(10));
        assert_eq!(get(&first, READY).last_transition_time, Some(Time(t(10))));
        let again = compute(ok, &first, t(20));
        assert_eq!(get(&again, READY).last_transition_time, Some(Time(t(10))));
        assert_eq!(get(&again, READY).last_heartbeat_time, Some(Time(t(20))));
        assert!(same_statuses(&first, &again));
        // The node-lifecycle controller set Unknown meanwhile: True again is a transition.
        let mut unknown = again.clone();
        unknown[0].status = "Unknown".into();
        assert!(!same_statuses(&unknown, &again));
        let back = compute(ok, &unknown, t(30));
        assert_eq!(get(&back, READY).last_transition_time, Some(Time(t(30))));
    }

    #[test]
    fn nodes_register_with_unknown_conditions() {
        let with = initial(true);
        assert_eq!(with.len(), 5);
        assert!(with.iter().all(|c| c.status == "Unknown"));
        assert_eq!(initial(false).len(), 4);
    }
}
