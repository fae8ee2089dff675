//! Whether this cluster's control plane reaches a provider's API server through its
//! control-plane identity: probed once when the identity is loaded, then again with backoff
//! until it answers. While it does not, the Identity gets a Warning Event `APIServerUnreachable`
//! that names the server (and the proxy, for an in-band peering) and the cause, and suggests
//! `--in-band` for a direct one: the first thing a user sees when only the gateways can reach
//! each other (liqoctl's timeout messages quote it), where upstream only logs retries.

use std::time::Duration;

use liqo_api::authentication::{Identity, IdentitySpec};
use liqo_kube::reconcile::Backoff;

use crate::context::Context;

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the identity goes: the provider's API server, through a proxy or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The API server URL of the kubeconfig.
    pub server: String,
    /// Its proxy URL, for an in-band peering.
    pub proxy: Option<String>,
}

/// The Event note for a probe of `target` that failed with `cause` (pure).
pub fn unreachable_note(target: &Target, cause: &str) -> String {
    match &target.proxy {
        Some(proxy) => format!(
            "the provider's API server {} does not answer through its API-server proxy {proxy} (in-band, through the tunnel): {cause}",
            target.server
        ),
        None => format!(
            "the provider's API server {} is unreachable from this cluster's control plane: {cause}; if only the gateways can reach each other, peer with --in-band (the provider's API-server proxy, through the tunnel)",
            target.server
        ),
    }
}

/// Probes `/version` with `client` until it answers; while it does not, reports on the
/// Identity `identity` of namespace `ns` (once per distinct note: the recorder folds repeats
/// into a series).
pub(super) async fn probe(
    ctx: Context,
    client: kube::Client,
    target: Target,
    ns: String,
    identity: String,
) {
    let mut subject = Identity::new(&identity, IdentitySpec::default());
    subject.metadata.namespace = Some(ns);
    let backoff = Backoff::default();
    let mut last_note = None;
    loop {
        let answer = tokio::time::timeout(PROBE_TIMEOUT, client.apiserver_version()).await;
        let cause = match answer {
            Ok(Ok(_)) => return,
            // An API error is an answer: the server is reachable.
            Ok(Err(kube::Error::Api(_))) => return,
            Ok(Err(e)) => liqo_kube::api_error::render(&e),
            Err(_) => format!("no answer in {PROBE_TIMEOUT:?}"),
        };
        let note = unreachable_note(&target, &cause);
        if last_note.as_ref() != Some(&note) {
            tracing::warn!(server = %target.server, "{note}");
            ctx.event(
                &subject,
                kube::runtime::events::EventType::Warning,
                "APIServerUnreachable",
                note.clone(),
            )
            .await;
            last_note = Some(note);
        }
        let delay = backoff.fail(&identity, true);
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_names_the_server_and_suggests_in_band_only_for_a_direct_peering() {
        let direct = Target {
            server: "https://172.31.4.1:6443".into(),
            proxy: None,
        };
        let note = unreachable_note(&direct, "connection timed out");
        assert!(
            note.starts_with("the provider's API server https://172.31.4.1:6443 is unreachable")
        );
        assert!(
            note.contains("connection timed out") && note.contains("--in-band"),
            "{note}"
        );
        let in_band = Target {
            proxy: Some("http://10.71.0.1:8118".into()),
            ..direct
        };
        let note = unreachable_note(&in_band, "tunnel error");
        assert!(
            note.contains("through its API-server proxy http://10.71.0.1:8118"),
            "{note}"
        );
        assert!(!note.contains("peer with --in-band"), "{note}");
    }
}
