//! Pod status as the node agent reports it (pure).

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, PodCondition, PodIP, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

/// What one container is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerPhase {
    /// Not started: `reason` and `message` say why.
    Waiting { reason: String, message: String },
    /// Running since `started`; `ready` from its readiness probe.
    Running { started: Timestamp, ready: bool },
    /// Exited with `exit_code`; `message` is the end of its log.
    Terminated {
        exit_code: i32,
        reason: String,
        message: String,
        finished: Timestamp,
    },
}

/// One container's observed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerReport {
    /// Container name.
    pub name: String,
    /// Image.
    pub image: String,
    /// Current state.
    pub phase: ContainerPhase,
    /// The previous run's end, after a restart.
    pub last: Option<ContainerPhase>,
    /// Restarts so far.
    pub restarts: i32,
}

fn state(phase: &ContainerPhase) -> ContainerState {
    match phase {
        ContainerPhase::Waiting { reason, message } => ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some(reason.clone()),
                message: Some(message.clone()),
            }),
            ..Default::default()
        },
        ContainerPhase::Running { started, .. } => ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(Time(*started)),
            }),
            ..Default::default()
        },
        ContainerPhase::Terminated {
            exit_code,
            reason,
            message,
            finished,
        } => ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: *exit_code,
                reason: Some(reason.clone()),
                message: Some(message.clone()),
                finished_at: Some(Time(*finished)),
                ..Default::default()
            }),
            ..Default::default()
        },
    }
}

/// The pod phase Kubernetes defines from its containers and restart policy.
pub fn pod_phase(containers: &[ContainerReport], restart_policy: &str) -> &'static str {
    let all_terminated = containers
        .iter()
        .all(|c| matches!(c.phase, ContainerPhase::Terminated { .. }));
    let any_running = containers
        .iter()
        .any(|c| matches!(c.phase, ContainerPhase::Running { .. }));
    let failed = containers
        .iter()
        .any(|c| matches!(c.phase, ContainerPhase::Terminated { exit_code, .. } if exit_code != 0));
    match (all_terminated && restart_policy != "Always", any_running) {
        (true, _) if failed && restart_policy == "Never" => "Failed",
        (true, _) if !failed => "Succeeded",
        (true, _) => "Failed",
        (false, true) => "Running",
        _ if containers.iter().any(|c| c.restarts > 0) => "Running",
        _ => "Pending",
    }
}

/// The whole status subresource.
pub fn render_status(
    containers: &[ContainerReport],
    restart_policy: &str,
    pod_ip: &str,
    host_ip: &str,
    started: Timestamp,
) -> PodStatus {
    let phase = pod_phase(containers, restart_policy);
    let ready = phase == "Running"
        && containers
            .iter()
            .all(|c| matches!(c.phase, ContainerPhase::Running { ready: true, .. }));
    let cond = |type_: &str, ok: bool| PodCondition {
        type_: type_.into(),
        status: if ok { "True" } else { "False" }.into(),
        ..Default::default()
    };
    let statuses = containers
        .iter()
        .map(|c| ContainerStatus {
            name: c.name.clone(),
            image: c.image.clone(),
            image_id: String::new(),
            ready: matches!(c.phase, ContainerPhase::Running { ready: true, .. }),
            started: Some(matches!(c.phase, ContainerPhase::Running { .. })),
            restart_count: c.restarts,
            state: Some(state(&c.phase)),
            last_state: c.last.as_ref().map(state),
            ..Default::default()
        })
        .collect();
    PodStatus {
        phase: Some(phase.into()),
        conditions: Some(vec![
            cond("PodScheduled", true),
            cond("Initialized", true),
            cond("ContainersReady", ready),
            cond("Ready", ready),
        ]),
        container_statuses: Some(statuses),
        // No sandbox (yet), no address: as a kubelet reports it.
        pod_ip: (!pod_ip.is_empty()).then(|| pod_ip.into()),
        pod_ips: (!pod_ip.is_empty()).then(|| vec![PodIP { ip: pod_ip.into() }]),
        host_ip: Some(host_ip.into()),
        start_time: Some(Time(started)),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(phase: ContainerPhase, restarts: i32) -> ContainerReport {
        ContainerReport {
            name: "c".into(),
            image: "i".into(),
            phase,
            last: None,
            restarts,
        }
    }

    #[test]
    fn phases_follow_kubernetes_rules() {
        let now = Timestamp::UNIX_EPOCH;
        let waiting = report(
            ContainerPhase::Waiting {
                reason: "ImageNotAvailable".into(),
                message: String::new(),
            },
            0,
        );
        assert_eq!(pod_phase(&[waiting], "Always"), "Pending");
        let running = report(
            ContainerPhase::Running {
                started: now,
                ready: true,
            },
            0,
        );
        assert_eq!(
            pod_phase(std::slice::from_ref(&running), "Always"),
            "Running"
        );
        let failed = report(
            ContainerPhase::Terminated {
                exit_code: 3,
                reason: "Error".into(),
                message: String::new(),
                finished: now,
            },
            0,
        );
        assert_eq!(pod_phase(std::slice::from_ref(&failed), "Never"), "Failed");
        let done = report(
            ContainerPhase::Terminated {
                exit_code: 0,
                reason: "Completed".into(),
                message: String::new(),
                finished: now,
            },
            0,
        );
        assert_eq!(pod_phase(&[done], "OnFailure"), "Succeeded");
        let status = render_status(&[running], "Always", "127.1.2.3", "127.0.0.1", now);
        let ready = status
            .conditions
            .unwrap()
            .into_iter()
            .find(|c| c.type_ == "Ready")
            .unwrap();
        assert_eq!(ready.status, "True");
        assert_eq!(status.pod_ip.as_deref(), Some("127.1.2.3"));
    }
}
