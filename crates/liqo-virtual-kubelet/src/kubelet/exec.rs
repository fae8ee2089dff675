//! `kubectl exec` into an offloaded pod: the same command in the provider's pod, through the
//! provider's API server (`pods/exec` over WebSocket), its streams and exit passed through;
//! `kubectl attach` the same way, to the provider container's own streams (`pods/attach`).

use futures::FutureExt;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::Api;
use kube::api::AttachParams;
use liqo_kubelet_api::{ExecRequest, ExecSession, Exit, Refusal};

use super::logs::{ProviderLogs, provider_refusal};

/// Starts `req.command` in the provider's twin of the pod.
///
/// # Errors
/// As the twin lookup, or the provider's refusal with its status.
pub(crate) async fn start(
    backend: &ProviderLogs,
    req: ExecRequest,
) -> Result<ExecSession, Refusal> {
    bridge(backend, req, false).await
}

/// Attaches to the container of the provider's twin of the pod.
///
/// # Errors
/// As the twin lookup, or the provider's refusal with its status.
pub(crate) async fn attach(
    backend: &ProviderLogs,
    req: ExecRequest,
) -> Result<ExecSession, Refusal> {
    bridge(backend, req, true).await
}

async fn bridge(
    backend: &ProviderLogs,
    req: ExecRequest,
    attach: bool,
) -> Result<ExecSession, Refusal> {
    let remote_ns = backend.twin_namespace(&req.namespace, &req.pod).await?;
    let params = AttachParams {
        container: Some(req.container.clone()),
        stdin: req.stdin,
        stdout: req.stdout,
        // A terminal merges stderr into stdout (the API refuses both).
        stderr: req.stderr && !req.tty,
        tty: req.tty,
        ..AttachParams::default()
    };
    let pods: Api<Pod> = Api::namespaced(backend.remote.client(), &remote_ns);
    let started = if attach {
        pods.attach(&req.pod, &params).await
    } else {
        pods.exec(&req.pod, req.command.clone(), &params).await
    };
    let mut process = started.map_err(|e| {
        let verb = if attach { "attach to" } else { "exec in" };
        let what = format!(
            "{verb} pod {remote_ns}/{} container {}",
            req.pod, req.container
        );
        provider_refusal(&what, &e)
    })?;
    let stdin = process.stdin().map(|s| Box::pin(s) as _);
    let stdout = process.stdout().map(|s| Box::pin(s) as _);
    let stderr = process.stderr().map(|s| Box::pin(s) as _);
    let status = process.take_status();
    let exit = async move {
        let status = match status {
            Some(status) => status.await,
            None => None,
        };
        let _ = process.join().await;
        exit_of(status)
    }
    .boxed();
    Ok(ExecSession {
        stdin,
        stdout,
        stderr,
        exit,
    })
}

/// The provider's final Status as an exit.
fn exit_of(status: Option<Status>) -> Exit {
    let Some(status) = status else {
        return Exit::Failed("the provider ended the exec session without a status".into());
    };
    if status.status.as_deref() == Some("Success") {
        return Exit::Code(0);
    }
    let code = status
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.reason.as_deref() == Some("ExitCode"))
        .and_then(|c| c.message.as_deref()?.parse().ok());
    match (status.reason.as_deref(), code) {
        (Some("NonZeroExitCode"), Some(code)) => Exit::Code(code),
        _ => Exit::Failed(format!(
            "the provider's exec failed: {}",
            status.message.unwrap_or_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_status_becomes_the_exit() {
        let status = |v: serde_json::Value| Some(serde_json::from_value::<Status>(v).unwrap());
        assert_eq!(
            exit_of(status(serde_json::json!({"status": "Success"}))),
            Exit::Code(0)
        );
        let failed = status(serde_json::json!({
            "status": "Failure", "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": "7"}]}
        }));
        assert_eq!(exit_of(failed), Exit::Code(7));
        let other = exit_of(status(
            serde_json::json!({"status": "Failure", "message": "no such file"}),
        ));
        assert!(matches!(other, Exit::Failed(m) if m.contains("no such file")));
        assert!(matches!(exit_of(None), Exit::Failed(_)));
    }
}
