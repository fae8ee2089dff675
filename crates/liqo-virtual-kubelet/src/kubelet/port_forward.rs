//! `kubectl port-forward` to an offloaded pod: each forwarded connection opens the same port
//! of the provider's twin through the provider's API server (`pods/portforward` over
//! WebSocket), and the bytes pass through unchanged. A failure the provider reports (nothing
//! listening, say) ends the stream with that message, which the caller's kubectl prints.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use liqo_kubelet_api::{PortForwardRequest, PortStream, Refusal};
use tokio::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};

use super::logs::{ProviderLogs, provider_refusal};

/// A connection to `req.port` of the provider's twin of the pod.
///
/// # Errors
/// As the twin lookup, or the provider's refusal with its status.
pub(crate) async fn open(
    backend: &ProviderLogs,
    req: PortForwardRequest,
) -> Result<Box<dyn PortStream>, Refusal> {
    let remote_ns = backend.twin_namespace(&req.namespace, &req.pod).await?;
    let pods: Api<Pod> = Api::namespaced(backend.remote.client(), &remote_ns);
    let mut forwarder = pods.portforward(&req.pod, &[req.port]).await.map_err(|e| {
        let what = format!("forward port {} of pod {remote_ns}/{}", req.port, req.pod);
        provider_refusal(&what, &e)
    })?;
    let stream = forwarder
        .take_stream(req.port)
        .expect("invariant: the forwarder has the one port it was asked for");
    let error = forwarder.take_error(req.port).map(FutureExt::boxed);
    Ok(Box::new(Forwarded { stream, error }))
}

/// The provider's stream, whose end carries the provider's error when it reported one.
struct Forwarded {
    stream: DuplexStream,
    /// Resolves with the provider's message, or `None` when the forward ended cleanly.
    error: Option<BoxFuture<'static, Option<String>>>,
}

impl AsyncRead for Forwarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        let at_end = matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() == before;
        if !at_end {
            return read;
        }
        // The provider's message comes before its end of the stream, so it is there by now.
        if let Some(error) = self.error.as_mut()
            && let Poll::Ready(message) = error.as_mut().poll(cx)
        {
            self.error = None;
            if let Some(message) = message {
                return Poll::Ready(Err(std::io::Error::other(format!(
                    "the provider's pod: {message}"
                ))));
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Forwarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    fn forwarded(error: Option<String>) -> (Forwarded, DuplexStream) {
        let (ours, theirs) = tokio::io::duplex(64);
        let error = Some(async move { error }.boxed());
        (
            Forwarded {
                stream: ours,
                error,
            },
            theirs,
        )
    }

    #[tokio::test]
    async fn bytes_pass_and_a_clean_end_is_an_end() {
        let (mut f, mut provider) = forwarded(None);
        provider.write_all(b"hello").await.unwrap();
        drop(provider);
        let mut got = Vec::new();
        f.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"hello");
    }

    #[tokio::test]
    async fn the_providers_error_ends_the_stream_with_its_message() {
        let (mut f, provider) = forwarded(Some("connection refused".into()));
        drop(provider);
        let err = f.read_to_end(&mut Vec::new()).await.unwrap_err();
        assert!(err.to_string().contains("connection refused"), "{err}");
    }
}
