//! Whether the provider answers: the ForeignCluster's API-server condition when the consumer's
//! checker has an opinion, else `GET /livez` on the provider, bounded by `--node-ping-timeout`.

use std::time::Duration;

use kube::Client;
use liqo_api::core::{ConditionStatusType, ConditionType, ForeignCluster};
use tokio::sync::watch;

use crate::remote::Remote;

/// What the ForeignCluster says about the provider's API server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `Established`.
    Up,
    /// Any other status but `None`.
    Down,
    /// No ForeignCluster, no condition, or `None`: ask the provider.
    AskProvider,
}

/// The ForeignCluster's verdict (pure).
pub fn verdict(fc: Option<&ForeignCluster>) -> Verdict {
    let condition = fc
        .and_then(|fc| fc.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.type_ == ConditionType::ApiServerStatus)
        });
    match condition.map(|c| c.status) {
        None | Some(ConditionStatusType::None) => Verdict::AskProvider,
        Some(ConditionStatusType::Established) => Verdict::Up,
        Some(_) => Verdict::Down,
    }
}

/// `GET /livez` on the provider within `timeout`.
///
/// # Errors
/// Why the provider did not answer `ok` (for the log).
pub async fn livez(client: &Client, timeout: Duration) -> Result<(), String> {
    let request = http::Request::get("/livez")
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    match tokio::time::timeout(timeout, client.request_text(request)).await {
        Ok(Ok(body)) if body.trim() == "ok" => Ok(()),
        Ok(Ok(body)) => Err(format!("/livez answered {:?}", body.trim())),
        Ok(Err(e)) => Err(liqo_kube::api_error::render(&e)),
        Err(_) => Err(format!("/livez did not answer within {timeout:?}")),
    }
}

/// Pings every `interval` (0: never, the provider is taken as up) and publishes the outcome
/// on `up` when it changes, until the task is aborted.
pub async fn run(
    remote: Remote,
    fc: watch::Receiver<Option<ForeignCluster>>,
    interval: Duration,
    timeout: Duration,
    up: watch::Sender<bool>,
) {
    if interval.is_zero() {
        up.send_replace(true);
        return std::future::pending().await;
    }
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let verdict = verdict(fc.borrow().as_ref());
        let outcome = match verdict {
            Verdict::Up => Ok(()),
            Verdict::Down => {
                Err("the ForeignCluster's API server condition is not Established".into())
            }
            Verdict::AskProvider => livez(&remote.client(), timeout).await,
        };
        let ok = outcome.is_ok();
        if ok != *up.borrow() {
            match &outcome {
                Ok(()) => tracing::info!("the provider answers again"),
                Err(e) => {
                    tracing::warn!(reason = %e, "the provider does not answer: heartbeats paused")
                }
            }
        }
        up.send_if_modified(|v| std::mem::replace(v, ok) != ok);
    }
}

#[cfg(test)]
mod tests {
    use liqo_api::core::{Condition, ForeignClusterSpec, ForeignClusterStatus};

    use super::*;

    fn fc(status: Option<ConditionStatusType>) -> ForeignCluster {
        let mut fc = ForeignCluster::new(
            "p",
            ForeignClusterSpec {
                cluster_id: "p".into(),
            },
        );
        fc.status = Some(ForeignClusterStatus {
            conditions: status.map(|status| {
                vec![Condition {
                    type_: ConditionType::ApiServerStatus,
                    status,
                    last_transition_time: None,
                    reason: None,
                    message: None,
                }]
            }),
            ..Default::default()
        });
        fc
    }

    #[test]
    fn the_foreign_cluster_decides_when_it_knows() {
        assert_eq!(verdict(None), Verdict::AskProvider);
        assert_eq!(verdict(Some(&fc(None))), Verdict::AskProvider);
        assert_eq!(
            verdict(Some(&fc(Some(ConditionStatusType::None)))),
            Verdict::AskProvider
        );
        assert_eq!(
            verdict(Some(&fc(Some(ConditionStatusType::Established)))),
            Verdict::Up
        );
        assert_eq!(
            verdict(Some(&fc(Some(ConditionStatusType::Error)))),
            Verdict::Down
        );
    }
}
