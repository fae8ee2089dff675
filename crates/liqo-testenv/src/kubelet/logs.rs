//! Container logs as the node agent keeps them: one file per container,
//! `<pods_dir>/<namespace>_<pod>_<uid>/<container>.log`, the previous instance's beside it
//! (`<container>.previous.log`). Follow waits on inotify for more; it ends when the client goes
//! or the file is removed. The files hold CRI records (`<time> <stream> <F|P> <text>`, see
//! [`crate::process`]); the client gets the text as the container wrote it, each line prefixed
//! with its time and a space for `timestamps` (a kubelet's RFC 3339 nano), only the lines
//! written at or after `sinceSeconds`/`sinceTime`, `tailLines` counted among those, and
//! `limitBytes` of that. A line that is not a record (a file of a process that was not piped)
//! is served as it is, with no time, and never filtered out by time.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use http::StatusCode;
use inotify::{EventMask, Inotify, WatchMask};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use liqo_kubelet_api::{Backend, LogOptions, LogRequest, LogStream, Refusal};
use tokio::io::AsyncReadExt;

use crate::process::LogLine;

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
        let filter = Filter::of(&req.options, Timestamp::now())?;
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
            let offset = tail_offset(&content, &filter, usize::try_from(lines).unwrap_or(0));
            use tokio::io::AsyncSeekExt;
            file.seek(std::io::SeekFrom::Start(offset as u64))
                .await
                .map_err(|e| internal(&path, &e))?;
        }
        let tail = Tail {
            file,
            events,
            filter,
            pending: Vec::new(),
            at_line_start: true,
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

/// Which lines, and how they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Filter {
    /// Each line prefixed with its time.
    timestamps: bool,
    /// Only the records written at or after.
    since: Option<Timestamp>,
}

impl Filter {
    /// As a kubelet reads the options: `sinceSeconds` before `now` wins over `sinceTime`.
    fn of(options: &LogOptions, now: Timestamp) -> Result<Self, Refusal> {
        let since = match (options.since_seconds, options.since_time.as_deref()) {
            (Some(seconds), _) => Some(
                now.checked_sub(SignedDuration::from_secs(seconds.max(0)))
                    .unwrap_or(Timestamp::MIN),
            ),
            (None, Some(time)) => Some(time.parse::<Timestamp>().map_err(|_| {
                Refusal::new(
                    StatusCode::BAD_REQUEST,
                    format!("invalid log option sinceTime={time}: not an RFC 3339 time"),
                )
            })?),
            (None, None) => None,
        };
        Ok(Self {
            timestamps: options.timestamps,
            since,
        })
    }

    /// Whether `line` is shown at all.
    fn keeps(&self, line: &LogLine<'_>) -> bool {
        match (self.since, line.time.is_some()) {
            (Some(since), true) => line.timestamp().is_none_or(|t| t >= since),
            _ => true,
        }
    }

    /// Appends what the client sees of `line` (without its newline; `terminated`: it had one)
    /// to `out`. `at_line_start` says whether the last line shown ended its line.
    fn show(&self, line: &[u8], terminated: bool, at_line_start: &mut bool, out: &mut Vec<u8>) {
        let line = LogLine::parse(line);
        if !self.keeps(&line) {
            return;
        }
        if let (true, true, Some(time)) = (self.timestamps, *at_line_start, line.time) {
            out.extend_from_slice(time);
            out.push(b' ');
        }
        out.extend_from_slice(line.text);
        // A plain last line without a newline is shown without one, as it was written.
        let newline = line.ends_line && (terminated || line.time.is_some());
        if newline {
            out.push(b'\n');
        }
        *at_line_start = line.ends_line;
    }
}

/// A log file read from an offset, then followed when `events` is set.
struct Tail {
    file: tokio::fs::File,
    events: Option<Events>,
    filter: Filter,
    /// Read bytes of a line whose newline has not been read yet.
    pending: Vec<u8>,
    at_line_start: bool,
    remaining: Option<u64>,
}

impl Tail {
    async fn next(mut self) -> Option<(std::io::Result<Bytes>, Self)> {
        let mut buf = vec![0; CHUNK];
        loop {
            if self.remaining == Some(0) {
                return None;
            }
            match self.file.read(&mut buf).await {
                Ok(0) => {
                    let gone = EventMask::DELETE_SELF | EventMask::MOVE_SELF | EventMask::IGNORED;
                    let more = match self.events.as_mut() {
                        None => false,
                        Some(events) => match events.next().await {
                            Some(Ok(event)) if !event.mask.intersects(gone) => {
                                !(event.mask.contains(EventMask::ATTRIB) && self.unlinked().await)
                            }
                            _ => false,
                        },
                    };
                    if more {
                        continue;
                    }
                    // The end: what is left of a last line without its newline, then nothing.
                    let last = std::mem::take(&mut self.pending);
                    let mut out = Vec::new();
                    if !last.is_empty() {
                        self.filter
                            .show(&last, false, &mut self.at_line_start, &mut out);
                    }
                    if out.is_empty() {
                        return None;
                    }
                    return Some((Ok(self.limit(out)), self));
                }
                Ok(n) => {
                    self.pending.extend_from_slice(&buf[..n]);
                    let Some(end) = self.pending.iter().rposition(|b| *b == b'\n') else {
                        continue;
                    };
                    let mut out = Vec::with_capacity(end + 1);
                    for line in self.pending[..end].split(|b| *b == b'\n') {
                        self.filter
                            .show(line, true, &mut self.at_line_start, &mut out);
                    }
                    self.pending.drain(..=end);
                    if out.is_empty() {
                        continue;
                    }
                    return Some((Ok(self.limit(out)), self));
                }
                Err(e) => {
                    self.remaining = Some(0);
                    return Some((Err(e), self));
                }
            }
        }
    }

    /// `out` cut to what `limitBytes` leaves.
    fn limit(&mut self, mut out: Vec<u8>) -> Bytes {
        if let Some(r) = self.remaining.as_mut() {
            out.truncate(usize::try_from(*r).unwrap_or(usize::MAX));
            *r -= out.len() as u64;
        }
        Bytes::from(out)
    }

    async fn unlinked(&self) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.file.metadata().await.is_ok_and(|m| m.nlink() == 0)
    }
}

/// Where the last `lines` lines among those `filter` keeps start in `content` (a final newline
/// ends a line, it does not begin one; a line written in parts starts at its first part).
fn tail_offset(content: &[u8], filter: &Filter, lines: usize) -> usize {
    if lines == 0 {
        return content.len();
    }
    let mut kept = Vec::new();
    let mut offset = 0;
    for line in content.split_inclusive(|b| *b == b'\n') {
        let terminated = line.ends_with(b"\n");
        let parsed = LogLine::parse(line.strip_suffix(b"\n").unwrap_or(line));
        if filter.keeps(&parsed) {
            kept.push((
                offset,
                parsed.ends_line && (terminated || parsed.time.is_some()),
            ));
        }
        offset += line.len();
    }
    // A last line still being written counts as a line.
    let mut seen = usize::from(kept.last().is_some_and(|(_, ends)| !ends));
    let mut start = content.len();
    for (offset, ends_line) in kept.into_iter().rev() {
        if ends_line {
            if seen == lines {
                break;
            }
            seen += 1;
        }
        start = offset;
    }
    start
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

    const ALL: Filter = Filter {
        timestamps: false,
        since: None,
    };

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A CRI log: `a` at :01, `b` at :02 (written in two parts, the second at :03), `c` at :04.
    fn cri_log() -> Vec<u8> {
        let mut log = Vec::new();
        let at = |s| ts(&format!("2026-12-03T10:00:0{s}.25Z"));
        crate::process::cri_records(&mut log, at(1), "stdout", b"a\n");
        crate::process::cri_records(&mut log, at(2), "stderr", b"b-");
        crate::process::cri_records(&mut log, at(3), "stderr", b"end\n");
        crate::process::cri_records(&mut log, at(4), "stdout", b"c\n");
        log
    }

    /// What the client gets of `content` from `offset` on.
    fn shown(content: &[u8], filter: &Filter, offset: usize) -> String {
        let mut out = Vec::new();
        let mut at_line_start = true;
        let body = &content[offset..];
        let terminated = body.ends_with(b"\n");
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        if !body.is_empty() || terminated {
            let parts: Vec<_> = body.split(|b| *b == b'\n').collect();
            for (i, line) in parts.iter().enumerate() {
                let last = i + 1 == parts.len();
                filter.show(line, !last || terminated, &mut at_line_start, &mut out);
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tail_offsets_count_lines_from_the_end() {
        let log = b"a\nb\nc\n";
        assert_eq!(&log[tail_offset(log, &ALL, 1)..], b"c\n");
        assert_eq!(&log[tail_offset(log, &ALL, 2)..], b"b\nc\n");
        assert_eq!(tail_offset(log, &ALL, 10), 0);
        assert_eq!(tail_offset(log, &ALL, 0), log.len());
        assert_eq!(&b"a\nb"[tail_offset(b"a\nb", &ALL, 1)..], b"b");
        // A line written in parts is one line.
        let cri = cri_log();
        assert_eq!(shown(&cri, &ALL, tail_offset(&cri, &ALL, 2)), "b-end\nc\n");
    }

    #[test]
    fn lines_show_their_times_only_when_asked() {
        let log = cri_log();
        assert_eq!(
            shown(&log, &ALL, 0),
            "a\nb-end\nc\n",
            "as the container wrote it"
        );
        let stamped = Filter {
            timestamps: true,
            ..ALL
        };
        assert_eq!(
            shown(&log, &stamped, 0),
            "2026-12-03T10:00:01.25Z a\n\
             2026-12-03T10:00:02.25Z b-end\n\
             2026-12-03T10:00:04.25Z c\n",
            "one time per line, its first part's"
        );
        // A plain line has no time to show.
        assert_eq!(shown(b"plain\nlast", &stamped, 0), "plain\nlast");
    }

    #[test]
    fn since_keeps_the_lines_written_at_or_after_and_tail_counts_among_them() {
        let log = cri_log();
        let since = |t: &str| Filter {
            timestamps: false,
            since: Some(ts(t)),
        };
        let at_c = since("2026-12-03T10:00:04.25Z");
        assert_eq!(shown(&log, &at_c, 0), "c\n", "at the time is kept");
        let after_a = since("2026-12-03T10:00:01.5Z");
        assert_eq!(shown(&log, &after_a, 0), "b-end\nc\n");
        assert_eq!(shown(&log, &since("2026-12-03T10:00:05Z"), 0), "");
        // tail after since: the last lines of those kept, never an earlier one.
        assert_eq!(shown(&log, &after_a, tail_offset(&log, &after_a, 1)), "c\n");
        assert_eq!(
            shown(&log, &after_a, tail_offset(&log, &after_a, 5)),
            "b-end\nc\n"
        );
        assert_eq!(shown(&log, &at_c, tail_offset(&log, &at_c, 5)), "c\n");
        // A plain line has no time: never filtered out.
        assert_eq!(shown(b"plain\n", &at_c, 0), "plain\n");
    }

    #[test]
    fn since_comes_from_since_seconds_before_since_time() {
        let now = ts("2026-12-03T10:00:10.5Z");
        let options = |secs, time: Option<&str>| LogOptions {
            since_seconds: secs,
            since_time: time.map(str::to_string),
            timestamps: true,
            ..LogOptions::default()
        };
        let f = Filter::of(&options(Some(3), Some("2026-12-03T09:00:00Z")), now).unwrap();
        assert_eq!(f.since, Some(ts("2026-12-03T10:00:07.5Z")));
        assert!(f.timestamps);
        let f = Filter::of(&options(None, Some("2026-12-03T09:00:00+01:00")), now).unwrap();
        assert_eq!(f.since, Some(ts("2026-12-03T08:00:00Z")));
        assert_eq!(Filter::of(&options(None, None), now).unwrap().since, None);
        let bad = Filter::of(&options(None, Some("yesterday")), now).unwrap_err();
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.message.contains("sinceTime"), "{}", bad.message);
    }

    #[tokio::test]
    async fn a_cri_log_is_served_with_times_since_tail_and_limit() {
        let dir = std::env::temp_dir().join(format!("liqo-cri-logs-{}", std::process::id()));
        let pod_dir = dir.join("demo_web_12345678");
        std::fs::create_dir_all(&pod_dir).unwrap();
        std::fs::write(pod_dir.join("web.log"), cri_log()).unwrap();
        let logs = FileLogs {
            pods_dir: dir.clone(),
            node_name: "n".into(),
        };
        let read = |options: LogOptions| {
            let logs = logs.clone();
            async move {
                let request = LogRequest {
                    namespace: "demo".into(),
                    pod: "web".into(),
                    container: "web".into(),
                    options,
                };
                let chunks: Vec<_> = logs.logs(request).await.unwrap().collect().await;
                let bytes: Vec<u8> = chunks.into_iter().flat_map(|c| c.unwrap()).collect();
                String::from_utf8(bytes).unwrap()
            }
        };
        assert_eq!(read(LogOptions::default()).await, "a\nb-end\nc\n");
        let options = LogOptions {
            timestamps: true,
            since_time: Some("2026-12-03T10:00:02Z".into()),
            tail_lines: Some(1),
            ..LogOptions::default()
        };
        assert_eq!(read(options.clone()).await, "2026-12-03T10:00:04.25Z c\n");
        let limited = LogOptions {
            tail_lines: None,
            limit_bytes: Some(31),
            ..options
        };
        assert_eq!(read(limited).await, "2026-12-03T10:00:02.25Z b-end\n2");
        let _ = std::fs::remove_dir_all(&dir);
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
