//! `kubectl attach` to a container of the node: its output from now on, as it is written (the
//! container log, followed), until the container's log goes (it stopped) or the caller leaves.
//! The agent keeps no container's stdin open, so `attach -i` is refused naming why.

use bytes::Bytes;
use futures::StreamExt;
use futures::future::BoxFuture;
use http::StatusCode;
use liqo_kubelet_api::{
    Backend, ExecRequest, ExecSession, Exit, LogOptions, LogRequest, LogStream, Refusal,
};

/// The session of `req` on `logs` (the node's log backend).
pub(super) fn session<B: Backend + Clone>(
    logs: &B,
    req: ExecRequest,
) -> BoxFuture<'static, Result<ExecSession, Refusal>> {
    let logs = logs.clone();
    Box::pin(async move {
        if req.stdin {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "stdin is not open for container {} of pod {}/{}: the testenv node agent attaches to output only",
                    req.container, req.namespace, req.pod
                ),
            ));
        }
        let output = logs
            .logs(LogRequest {
                namespace: req.namespace.clone(),
                pod: req.pod.clone(),
                container: req.container.clone(),
                options: LogOptions {
                    follow: true,
                    tail_lines: Some(0),
                    ..LogOptions::default()
                },
            })
            .await?;
        let (ended_tx, ended) = tokio::sync::oneshot::channel::<()>();
        let output = with_end_signal(output, ended_tx);
        let reader = tokio_util::io::StreamReader::new(output);
        let exit = Box::pin(async move {
            let _ = ended.await;
            Exit::Code(0)
        });
        Ok(ExecSession {
            stdin: None,
            stdout: (req.stdout || req.tty).then(|| Box::pin(reader) as _),
            stderr: None,
            exit,
        })
    })
}

/// `stream`, which fires `ended` once it has no more items.
fn with_end_signal(stream: LogStream, ended: tokio::sync::oneshot::Sender<()>) -> LogStream {
    let mut ended = Some(ended);
    stream
        .chain(futures::stream::poll_fn(move |_| {
            if let Some(tx) = ended.take() {
                let _ = tx.send(());
            }
            std::task::Poll::Ready(None::<std::io::Result<Bytes>>)
        }))
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_end_of_the_output_is_signalled_after_its_last_bytes() {
        let (tx, mut rx) = tokio::sync::oneshot::channel();
        let lines = futures::stream::iter(["a\n", "b\n"].map(|l| Ok(Bytes::from(l)))).boxed();
        let mut stream = with_end_signal(lines, tx);
        assert_eq!(stream.next().await.unwrap().unwrap(), "a\n");
        assert!(rx.try_recv().is_err(), "not ended while output remains");
        assert_eq!(stream.next().await.unwrap().unwrap(), "b\n");
        assert!(stream.next().await.is_none());
        assert!(rx.try_recv().is_ok(), "ended");
    }
}
