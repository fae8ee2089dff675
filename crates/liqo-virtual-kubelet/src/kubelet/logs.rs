//! The kubelet API's backend, the provider's pods. `kubectl logs` of an offloaded pod: the local pod must be bound to this virtual node and its
//! namespace accepted by the provider; the log is the provider pod's, streamed as it comes
//! (followed with no time limit, unlike upstream — liqo#2523). Every option goes to the
//! provider as asked (`timestamps` shows the provider's times, `sinceSeconds`/`sinceTime`
//! filter by them).

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::io::AsyncBufReadExt;
use futures::{FutureExt, StreamExt};
use http::StatusCode;
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;
use kube::{Api, Client};
use liqo_kubelet_api::{
    Backend, ExecRequest, ExecSession, LogOptions, LogRequest, LogStream, PortForwardRequest,
    PortStream, Refusal,
};
use tokio::sync::watch;

use crate::reflection::mapping::Mappings;
use crate::remote::Remote;

/// Logs of the provider's twins of this node's pods.
#[derive(Clone)]
pub(crate) struct ProviderLogs {
    pub local: Client,
    pub remote: Remote,
    pub mappings: watch::Receiver<Mappings>,
    pub node_name: String,
}

impl std::fmt::Debug for ProviderLogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderLogs")
            .field("node_name", &self.node_name)
            .finish_non_exhaustive()
    }
}

impl Backend for ProviderLogs {
    fn logs(&self, request: LogRequest) -> BoxFuture<'static, Result<LogStream, Refusal>> {
        let this = self.clone();
        async move { this.open(request).await }.boxed()
    }

    fn exec(&self, request: ExecRequest) -> BoxFuture<'static, Result<ExecSession, Refusal>> {
        let this = self.clone();
        async move { super::exec::start(&this, request).await }.boxed()
    }

    fn attach(&self, request: ExecRequest) -> BoxFuture<'static, Result<ExecSession, Refusal>> {
        let this = self.clone();
        async move { super::exec::attach(&this, request).await }.boxed()
    }

    fn port_forward(
        &self,
        request: PortForwardRequest,
    ) -> BoxFuture<'static, Result<Box<dyn PortStream>, Refusal>> {
        let this = self.clone();
        async move { super::port_forward::open(&this, request).await }.boxed()
    }
}

impl ProviderLogs {
    async fn open(&self, req: LogRequest) -> Result<LogStream, Refusal> {
        let remote_ns = self.twin_namespace(&req.namespace, &req.pod).await?;
        let params = log_params(&req.container, &req.options)?;
        let pods: Api<Pod> = Api::namespaced(self.remote.client(), &remote_ns);
        let reader = pods.log_stream(&req.pod, &params).await.map_err(|e| {
            let what = format!(
                "the log of pod {remote_ns}/{} container {}",
                req.pod, req.container
            );
            provider_refusal(&what, &e)
        })?;
        Ok(chunks(reader))
    }

    /// The provider namespace of pod `namespace/name`, once it is known to be this node's.
    pub(crate) async fn twin_namespace(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<String, Refusal> {
        let local: Api<Pod> = Api::namespaced(self.local.clone(), namespace);
        let pod = local
            .get_opt(name)
            .await
            .map_err(|e| {
                Refusal::new(
                    StatusCode::BAD_GATEWAY,
                    format!("failed to read pod {namespace}/{name}: {e}"),
                )
            })?
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::NOT_FOUND,
                    format!("pod {namespace}/{name} not found"),
                )
            })?;
        let bound = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
        if bound != Some(self.node_name.as_str()) {
            return Err(Refusal::new(
                StatusCode::NOT_FOUND,
                format!(
                    "pod {namespace}/{name} is not bound to virtual node {}",
                    self.node_name
                ),
            ));
        }
        self.mappings
            .borrow()
            .get(namespace)
            .cloned()
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::NOT_FOUND,
                    format!(
                        "namespace {namespace} has no namespace accepted by the provider of {} \
                         (NamespaceMap entry missing or not Accepted)",
                        self.node_name
                    ),
                )
            })
    }
}

/// The provider's query: the same options, the same container.
fn log_params(container: &str, options: &LogOptions) -> Result<LogParams, Refusal> {
    let since_time = options
        .since_time
        .as_deref()
        .map(|t| {
            t.parse::<k8s_openapi::jiff::Timestamp>().map_err(|_| {
                Refusal::new(
                    StatusCode::BAD_REQUEST,
                    format!("invalid log option sinceTime={t}: not an RFC 3339 time"),
                )
            })
        })
        .transpose()?;
    Ok(LogParams {
        container: Some(container.to_string()),
        follow: options.follow,
        limit_bytes: options.limit_bytes,
        previous: options.previous,
        since_seconds: options.since_seconds,
        since_time,
        tail_lines: options.tail_lines,
        timestamps: options.timestamps,
        pretty: false,
    })
}

/// The provider's answer, with its status, said as the provider's.
pub(crate) fn provider_refusal(what: &str, e: &kube::Error) -> Refusal {
    let cause = liqo_kube::api_error::render(e);
    match e {
        kube::Error::Api(s) => Refusal::new(
            StatusCode::from_u16(s.code).unwrap_or(StatusCode::BAD_GATEWAY),
            format!("the provider refused {what}: {cause}"),
        ),
        // Not an answer: the provider's API server could not be reached (an outage).
        _ => Refusal::new(
            StatusCode::BAD_GATEWAY,
            format!("the provider's API server could not be reached for {what}: {cause}"),
        ),
    }
}

/// The reader's bytes as they arrive; one read error ends the stream after being passed on.
fn chunks(reader: impl futures::io::AsyncBufRead + Send + 'static) -> LogStream {
    futures::stream::unfold(Some(Box::pin(reader)), |state| async move {
        let mut reader = state?;
        let chunk = match reader.fill_buf().await {
            Ok([]) => return None,
            Ok(buf) => Bytes::copy_from_slice(buf),
            Err(e) => return Some((Err(e), None)),
        };
        reader.as_mut().consume(chunk.len());
        Some((Ok(chunk), Some(reader)))
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_pass_through_and_a_bad_since_time_is_named() {
        let options = LogOptions {
            follow: true,
            timestamps: true,
            tail_lines: Some(5),
            since_time: Some("2026-12-03T10:00:00.5+01:00".into()),
            limit_bytes: Some(100),
            previous: true,
            ..LogOptions::default()
        };
        let params = log_params("web", &options).unwrap();
        assert_eq!(params.container.as_deref(), Some("web"));
        assert!(params.follow);
        assert!(params.timestamps, "the provider's times are shown");
        assert!(params.previous);
        assert_eq!(params.tail_lines, Some(5));
        assert_eq!(params.limit_bytes, Some(100));
        assert_eq!(
            params.since_time,
            Some("2026-12-03T09:00:00.5Z".parse().unwrap()),
            "the same instant"
        );
        let seconds = LogOptions {
            since_seconds: Some(30),
            ..LogOptions::default()
        };
        let params = log_params("web", &seconds).unwrap();
        assert_eq!(params.since_seconds, Some(30));
        assert_eq!(params.since_time, None);
        assert!(!params.timestamps);
        let bad = LogOptions {
            since_time: Some("yesterday".into()),
            ..LogOptions::default()
        };
        let refusal = log_params("web", &bad).unwrap_err();
        assert!(refusal.message.contains("sinceTime"), "{}", refusal.message);
    }

    #[tokio::test]
    async fn chunks_pass_every_byte_in_order() {
        let reader = futures::io::Cursor::new(b"line 1\nline 2\n".to_vec());
        let bytes: Vec<u8> = chunks(reader).map(|c| c.unwrap().to_vec()).concat().await;
        assert_eq!(bytes, b"line 1\nline 2\n");
    }
}
