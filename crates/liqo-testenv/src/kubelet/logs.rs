//! Container logs as the node agent keeps them: one file per container,
//! `<pods_dir>/<namespace>_<pod>_<uid>/<container>.log`, the previous instance's beside it
//! (`<container>.previous.log`). Follow waits on inotify for more; it ends when the client goes
//! or the file is removed. The files carry no timestamps, so `timestamps`, `sinceSeconds` and
//! `sinceTime` are not honoured.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use http::StatusCode;
use inotify::{EventMask, Inotify, WatchMask};
use liqo_kubelet_api::{Backend, LogRequest, LogStream, Refusal};
use tokio::io::AsyncReadExt;

/// Read size of one chunk of log.
const CHUNK: usize = 16 * 1024;

/// The log files of one node's pods.
#[derive(Debug, Clone)]
pub(crate) struct FileLogs {
    /// Where the pods' directories are.
    pub pods_dir: PathBuf,
    /// The node, for messages.
    pub node_name: String,
}

impl Backend for FileLogs {
    fn logs(&self, request: LogRequest) -> BoxFuture<'static, Result<LogStream, Refusal>> {
        let this = self.clone();
        async move { this.open(&request).await }.boxed()
    }
}

impl FileLogs {
    async fn open(&self, req: &LogRequest) -> Result<LogStream, Refusal> {
        let path = self.locate(req)?;
        // Watch before reading, so nothing written between the last read and the wait is missed.
        let events = if req.options.follow {
            Some(watch(&path).map_err(|e| internal(&path, &e))?)
        } else {
            None
        };
        let mut file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| internal(&path, &e))?;
        if let Some(lines) = req.options.tail_lines {
            let content = tokio::fs::read(&path)
                .await
                .map_err(|e| internal(&path, &e))?;
            let offset = tail_offset(&content, usize::try_from(lines).unwrap_or(0));
            use tokio::io::AsyncSeekExt;
            file.seek(std::io::SeekFrom::Start(offset as u64))
                .await
                .map_err(|e| internal(&path, &e))?;
        }
        let tail = Tail {
            file,
            events,
            remaining: req
                .options
                .limit_bytes
                .map(|n| u64::try_from(n).unwrap_or(0)),
        };
        Ok(futures::stream::unfold(tail, Tail::next).boxed())
    }

    /// The newest directory of pod `namespace/pod` and its container's file.
    fn locate(&self, req: &LogRequest) -> Result<PathBuf, Refusal> {
        let prefix = format!("{}_{}_", req.namespace, req.pod);
        let newest = std::fs::read_dir(&self.pods_dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::NOT_FOUND,
                    format!(
                        "pod {}/{} has never run on node {}",
                        req.namespace, req.pod, self.node_name
                    ),
                )
            })?;
        let current = newest.path().join(format!("{}.log", req.container));
        if req.options.previous {
            let previous = newest
                .path()
                .join(format!("{}.previous.log", req.container));
            return if previous.exists() {
                Ok(previous)
            } else {
                Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "previous terminated container {} in pod {}/{} not found",
                        req.container, req.namespace, req.pod
                    ),
                ))
            };
        }
        if current.exists() {
            Ok(current)
        } else {
            Err(Refusal::new(
                StatusCode::NOT_FOUND,
                format!(
                    "container {} of pod {}/{} has not started on node {}",
                    req.container, req.namespace, req.pod, self.node_name
                ),
            ))
        }
    }
}

type Events = inotify::EventStream<[u8; 1024]>;

fn watch(path: &Path) -> std::io::Result<Events> {
    let inotify = Inotify::init()?;
    inotify.watches().add(
        path,
        // ATTRIB: an unlink of a file we hold open changes its link count, but its
        // DELETE_SELF comes only once the last descriptor (ours) is closed.
        WatchMask::MODIFY | WatchMask::ATTRIB | WatchMask::DELETE_SELF | WatchMask::MOVE_SELF,
    )?;
    inotify.into_event_stream([0; 1024])
}

/// A log file read from an offset, then followed when `events` is set.
struct Tail {
    file: tokio::fs::File,
    events: Option<Events>,
    remaining: Option<u64>,
}

impl Tail {
    async fn next(mut self) -> Option<(std::io::Result<Bytes>, Self)> {
        loop {
            let want = self
                .remaining
                .map_or(CHUNK, |r| usize::try_from(r).unwrap_or(CHUNK).min(CHUNK));
            if want == 0 {
                return None;
            }
            let mut buf = vec![0; want];
            match self.file.read(&mut buf).await {
                Ok(0) => {
                    let gone = EventMask::DELETE_SELF | EventMask::MOVE_SELF | EventMask::IGNORED;
                    match self.events.as_mut()?.next().await {
                        Some(Ok(event)) if !event.mask.intersects(gone) => {
                            if event.mask.contains(EventMask::ATTRIB) && self.unlinked().await {
                                return None;
                            }
                        }
                        _ => return None,
                    }
                }
                Ok(n) => {
                    buf.truncate(n);
                    if let Some(r) = self.remaining.as_mut() {
                        *r -= n as u64;
                    }
                    return Some((Ok(Bytes::from(buf)), self));
                }
                Err(e) => {
                    self.remaining = Some(0);
                    return Some((Err(e), self));
                }
            }
        }
    }
}

impl Tail {
    async fn unlinked(&self) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.file.metadata().await.is_ok_and(|m| m.nlink() == 0)
    }
}

/// Where the last `lines` lines of `content` start (a final newline ends a line, it does
/// not begin one).
fn tail_offset(content: &[u8], lines: usize) -> usize {
    if lines == 0 {
        return content.len();
    }
    let body = content.strip_suffix(b"\n").unwrap_or(content);
    body.iter()
        .enumerate()
        .rev()
        .filter(|(_, b)| **b == b'\n')
        .nth(lines - 1)
        .map_or(0, |(i, _)| i + 1)
}

fn internal(path: &Path, e: &std::io::Error) -> Refusal {
    Refusal::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("failed to read {}: {e}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_offsets_count_lines_from_the_end() {
        let log = b"a\nb\nc\n";
        assert_eq!(&log[tail_offset(log, 1)..], b"c\n");
        assert_eq!(&log[tail_offset(log, 2)..], b"b\nc\n");
        assert_eq!(tail_offset(log, 10), 0);
        assert_eq!(tail_offset(log, 0), log.len());
        assert_eq!(&b"a\nb"[tail_offset(b"a\nb", 1)..], b"b");
    }

    #[tokio::test]
    async fn a_followed_log_streams_what_is_appended_later() {
        let dir = std::env::temp_dir().join(format!("liqo-logs-{}", std::process::id()));
        let pod_dir = dir.join("demo_web_12345678");
        std::fs::create_dir_all(&pod_dir).unwrap();
        let file = pod_dir.join("web.log");
        std::fs::write(&file, "one\n").unwrap();
        let logs = FileLogs {
            pods_dir: dir.clone(),
            node_name: "n".into(),
        };
        let request = |follow| LogRequest {
            namespace: "demo".into(),
            pod: "web".into(),
            container: "web".into(),
            options: liqo_kubelet_api::LogOptions {
                follow,
                ..Default::default()
            },
        };
        let whole: Vec<_> = logs.logs(request(false)).await.unwrap().collect().await;
        assert_eq!(whole.len(), 1);
        let mut followed = logs.logs(request(true)).await.unwrap();
        assert_eq!(followed.next().await.unwrap().unwrap(), "one\n");
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap();
        f.write_all(b"two\n").unwrap();
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), followed.next()).await;
        assert_eq!(next.unwrap().unwrap().unwrap(), "two\n");
        std::fs::remove_file(&file).unwrap();
        let end = tokio::time::timeout(std::time::Duration::from_secs(5), followed.next()).await;
        assert!(end.unwrap().is_none(), "a removed log ends the follow");
        let missing = logs
            .logs(LogRequest {
                container: "other".into(),
                ..request(false)
            })
            .await
            .err()
            .unwrap();
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.message.contains("other"), "{}", missing.message);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
