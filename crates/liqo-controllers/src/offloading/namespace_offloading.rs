//! NamespaceOffloading controller (spec offloading.md §2.4, §7 steps 2–3). Work in progress:
//! the pure decisions are here and unit-tested; the reconcile loop is not written yet.

use std::sync::Arc;

use liqo_api::offloading::{NamespaceMappingStrategy, NamespaceOffloadingSpec, OffloadingPhase};

use crate::context::Context;

/// The remote namespace name of `ns` (§2.4): same name, `<ns>-<local cluster id>` or the
/// name chosen in the spec.
pub fn remote_namespace_name(
    ns: &str,
    local_cluster: &str,
    spec: &NamespaceOffloadingSpec,
) -> String {
    match spec.namespace_mapping_strategy.as_ref() {
        Some(NamespaceMappingStrategy::EnforceSameName) => ns.to_owned(),
        Some(NamespaceMappingStrategy::SelectedName) => spec
            .remote_namespace_name
            .clone()
            .unwrap_or_else(|| ns.to_owned()),
        _ => format!("{ns}-{local_cluster}"),
    }
}

/// Per selected cluster: whether its remote namespace is ready, or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remote {
    /// Accepted by the provider.
    Ready,
    /// Creation failed (CreationLoopBackOff).
    Failed,
    /// Not there yet.
    Pending,
}

/// The overall phase (§7 step 3) from the state of every selected cluster.
pub fn phase(terminating: bool, remotes: &[Remote]) -> OffloadingPhase {
    if terminating {
        return OffloadingPhase::Terminating;
    }
    if remotes.is_empty() {
        return OffloadingPhase::NoClusterSelected;
    }
    let failed = remotes.iter().filter(|r| **r == Remote::Failed).count();
    if failed == remotes.len() {
        OffloadingPhase::AllFailed
    } else if failed > 0 {
        OffloadingPhase::SomeFailed
    } else if remotes.iter().all(|r| *r == Remote::Ready) {
        OffloadingPhase::Ready
    } else {
        OffloadingPhase::InProgress
    }
}

/// Runs the controller until the process ends (reconcile loop not written yet).
pub async fn run(_ctx: Arc<Context>) {
    std::future::pending::<()>().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_naming_strategies() {
        let spec = |s, n: Option<&str>| NamespaceOffloadingSpec {
            namespace_mapping_strategy: Some(s),
            remote_namespace_name: n.map(str::to_owned),
            ..NamespaceOffloadingSpec::default()
        };
        let same = spec(NamespaceMappingStrategy::EnforceSameName, None);
        assert_eq!(remote_namespace_name("demo", "c", &same), "demo");
        let default = spec(NamespaceMappingStrategy::DefaultName, None);
        assert_eq!(remote_namespace_name("demo", "c", &default), "demo-c");
        let chosen = spec(NamespaceMappingStrategy::SelectedName, Some("x"));
        assert_eq!(remote_namespace_name("demo", "c", &chosen), "x");
    }

    #[test]
    fn the_phase_follows_the_selected_clusters() {
        use Remote::*;
        assert_eq!(phase(true, &[Ready]), OffloadingPhase::Terminating);
        assert_eq!(phase(false, &[]), OffloadingPhase::NoClusterSelected);
        assert_eq!(phase(false, &[Ready, Ready]), OffloadingPhase::Ready);
        assert_eq!(phase(false, &[Ready, Pending]), OffloadingPhase::InProgress);
        assert_eq!(phase(false, &[Ready, Failed]), OffloadingPhase::SomeFailed);
        assert_eq!(phase(false, &[Failed, Failed]), OffloadingPhase::AllFailed);
    }
}
