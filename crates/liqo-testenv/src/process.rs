//! Control-plane processes and pods' containers: spawning with their output in a log file,
//! liveness, log tails and stopping.
//!
//! A control-plane component's stdout and stderr go straight into its file. A container's
//! (tied to this process) are read through pipes and written as a container runtime writes
//! them (the CRI log format): one record per line, `<RFC 3339 nano time> <stdout|stderr>
//! <F|P> <text>\n`, `P` for a part of a line (what one read returned without its newline yet).
//! The kubelet API serves them with or without their times and filters by time.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use k8s_openapi::jiff::Timestamp;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::Error;

/// How long a process lives relative to the one that started it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Killed by the kernel when this process exits, even on SIGKILL or a panic that aborts:
    /// test clusters never outlive their test binary.
    TiedToProcess,
    /// In a session of its own, outliving this process (`testenv up`).
    Detached,
}

/// A running component.
#[derive(Debug)]
pub struct Proc {
    /// The component's name (`etcd`, `kube-apiserver`, ...).
    pub name: String,
    /// Its process id.
    pub pid: u32,
    /// The file its stdout and stderr go to.
    pub log: PathBuf,
    child: Option<Child>,
    /// The pipes' readers, when the output goes through them.
    pumps: Option<Pumps>,
}

/// How many of a container's output pipes are still being copied into its log.
#[derive(Debug, Clone, Default)]
struct Pumps(Arc<(Mutex<usize>, Condvar)>);

impl Pumps {
    fn done(&self) {
        let (open, cvar) = &*self.0;
        let mut open = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *open = open.saturating_sub(1);
        cvar.notify_all();
    }

    /// Waits until every pipe reached its end (all the output is in the file), at most `limit`
    /// (a process the container left behind may hold a pipe open).
    fn wait(&self, limit: Duration) {
        let (open, cvar) = &*self.0;
        let open = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = cvar.wait_timeout_while(open, limit, |n| *n > 0);
    }
}

/// How long [`Proc::log_tail`] waits for the last output of an exited container.
const DRAIN_WAIT: Duration = Duration::from_millis(500);

/// Read size of a container's output pipe.
const PIPE_CHUNK: usize = 16 * 1024;

type SpawnRequest = (Command, mpsc::Sender<std::io::Result<Child>>);

/// The parent-death signal fires when the *thread* that forked the child exits, so tied
/// children are forked by one thread that lives as long as the process.
fn spawner() -> &'static Mutex<mpsc::Sender<SpawnRequest>> {
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnRequest>>> = OnceLock::new();
    SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("testenv-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("invariant: the spawner thread can be created");
        Mutex::new(tx)
    })
}

/// Starts `program` with `args`, appending its output to `log`.
///
/// # Errors
/// [`Error::Spawn`] when the process cannot be created.
pub fn spawn(
    cluster: &str,
    name: &str,
    program: &Path,
    args: &[String],
    log: &Path,
    lifetime: Lifetime,
) -> Result<Proc, Error> {
    spawn_inner(cluster, name, program, args, &[], log, lifetime, false)
}

/// A pod's container: [`spawn`] with the pod's environment (and none of ours), its output
/// appended to `log` as timestamped CRI records when tied to this process. A detached
/// process outlives the pipes' reader, so its output goes to `log` as it is.
///
/// # Errors
/// [`Error::Spawn`] when the process cannot be created.
pub fn spawn_with_env(
    cluster: &str,
    name: &str,
    program: &Path,
    args: &[String],
    env: &[(String, String)],
    log: &Path,
    lifetime: Lifetime,
) -> Result<Proc, Error> {
    let cri = lifetime == Lifetime::TiedToProcess;
    spawn_inner(cluster, name, program, args, env, log, lifetime, cri)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the two public entry points' arguments"
)]
fn spawn_inner(
    cluster: &str,
    name: &str,
    program: &Path,
    args: &[String],
    env: &[(String, String)],
    log: &Path,
    lifetime: Lifetime,
    cri: bool,
) -> Result<Proc, Error> {
    let spawn_err = |source| Error::Spawn {
        cluster: cluster.into(),
        component: name.into(),
        source,
    };
    let file = File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(spawn_err)?;
    let (out, err, file) = if cri {
        (Stdio::piped(), Stdio::piped(), Some(file))
    } else {
        let err = file.try_clone().map_err(spawn_err)?;
        (Stdio::from(file), Stdio::from(err), None)
    };
    // setpriv/setsid (util-linux) set the process attributes without unsafe pre_exec hooks.
    let mut cmd = match lifetime {
        Lifetime::TiedToProcess => {
            let mut c = Command::new("setpriv");
            c.args(["--pdeathsig", "KILL", "--"]);
            c
        }
        // A child of ours is never a group leader, so setsid execs in place and keeps the pid.
        Lifetime::Detached => Command::new("setsid"),
    };
    if !env.is_empty() {
        // A pod's process sees its own environment, not the test runner's.
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    }
    cmd.arg(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    let mut child = match lifetime {
        Lifetime::TiedToProcess => {
            let (tx, rx) = mpsc::channel();
            spawner()
                .lock()
                .expect("invariant: the spawner lock is never poisoned")
                .send((cmd, tx))
                .expect("invariant: the spawner thread lives as long as the process");
            rx.recv()
                .expect("invariant: the spawner always replies")
                .map_err(spawn_err)?
        }
        Lifetime::Detached => cmd.spawn().map_err(spawn_err)?,
    };
    let pumps = match file {
        Some(file) => match pump(name, file, child.stdout.take(), child.stderr.take()) {
            Ok(pumps) => Some(pumps),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(spawn_err(e));
            }
        },
        None => None,
    };
    Ok(Proc {
        name: name.into(),
        pid: child.id(),
        log: log.to_path_buf(),
        child: Some(child),
        pumps,
    })
}

/// One thread per pipe copying what the process writes into `file` as CRI records, until the
/// pipe's end (the process and whatever it left behind closed it): nothing written before the
/// process died is lost.
fn pump(
    name: &str,
    file: File,
    stdout: Option<ChildStdout>,
    stderr: Option<ChildStderr>,
) -> std::io::Result<Pumps> {
    let file = Arc::new(Mutex::new(file));
    let pumps = Pumps::default();
    let pipes: [(&'static str, Option<Box<dyn Read + Send>>); 2] = [
        (
            "stdout",
            stdout.map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            "stderr",
            stderr.map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ];
    for (stream, pipe) in pipes {
        let Some(mut pipe) = pipe else { continue };
        *pumps
            .0
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        let (file, pumps) = (file.clone(), pumps.clone());
        std::thread::Builder::new()
            .name(format!("log-{name}-{stream}"))
            .stack_size(64 * 1024)
            .spawn(move || {
                let mut buf = vec![0; PIPE_CHUNK];
                let mut records = Vec::with_capacity(PIPE_CHUNK + 256);
                loop {
                    let n = match pipe.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(_) => break,
                    };
                    records.clear();
                    cri_records(&mut records, Timestamp::now(), stream, &buf[..n]);
                    // A full disk loses the records, never blocks the container on its pipe.
                    let mut file = file
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let _ = file.write_all(&records);
                }
                pumps.done();
            })?;
    }
    Ok(pumps)
}

/// Appends to `out` the CRI records of `chunk`, read from `stream` at `time`: one `F` record per
/// line it ends, a `P` record for what follows its last newline.
pub(crate) fn cri_records(out: &mut Vec<u8>, time: Timestamp, stream: &str, chunk: &[u8]) {
    let time = time.to_string();
    let mut rest = chunk;
    while !rest.is_empty() {
        let (text, tag, next) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], "F", &rest[i + 1..]),
            None => (rest, "P", &[][..]),
        };
        out.extend_from_slice(format!("{time} {stream} {tag} ").as_bytes());
        out.extend_from_slice(text);
        out.push(b'\n');
        rest = next;
    }
}

/// One line of a log file, a CRI record or, when it is not one, the line as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogLine<'a> {
    /// The record's time as written (RFC 3339 nano), `None` for a plain line.
    pub time: Option<&'a [u8]>,
    /// Whether the text ends its line (`F`, or a plain line).
    pub ends_line: bool,
    /// The text, without the newline.
    pub text: &'a [u8],
}

impl<'a> LogLine<'a> {
    /// `line` without its newline.
    pub(crate) fn parse(line: &'a [u8]) -> Self {
        let plain = Self {
            time: None,
            ends_line: true,
            text: line,
        };
        let mut fields = line.splitn(4, |b| *b == b' ');
        let (Some(time), Some(stream), Some(tag)) = (fields.next(), fields.next(), fields.next())
        else {
            return plain;
        };
        let ends_line = match tag {
            b"F" => true,
            b"P" => false,
            _ => return plain,
        };
        // A time is at least `2006-01-02T15:04:05Z`; a cheap check before any parse.
        let looks_like_time = time.len() >= 20 && time.get(10) == Some(&b'T');
        if !looks_like_time || !matches!(stream, b"stdout" | b"stderr") {
            return plain;
        }
        Self {
            time: Some(time),
            ends_line,
            text: fields.next().unwrap_or_default(),
        }
    }

    /// The record's time, `None` for a plain line or one that does not parse.
    pub(crate) fn timestamp(&self) -> Option<Timestamp> {
        std::str::from_utf8(self.time?).ok()?.parse().ok()
    }
}

/// The text of log `content` as the process wrote it (CRI records joined back into lines).
fn plain_text(content: &[u8]) -> String {
    let mut text = Vec::with_capacity(content.len());
    for line in content.split_inclusive(|b| *b == b'\n') {
        let terminated = line.ends_with(b"\n");
        let line = LogLine::parse(line.strip_suffix(b"\n").unwrap_or(line));
        text.extend_from_slice(line.text);
        if line.ends_line && (terminated || line.time.is_some()) {
            text.push(b'\n');
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}

impl Proc {
    /// Hands the child over (to wait on it elsewhere); the pid stays known for [`Proc::stop`].
    pub fn take_child(&mut self) -> Option<Child> {
        self.child.take()
    }

    /// `Some(description)` when the process has exited.
    pub fn exited(&mut self) -> Option<String> {
        match &mut self.child {
            Some(child) => match child.try_wait() {
                Ok(Some(status)) => Some(status.to_string()),
                Ok(None) => None,
                Err(e) => Some(format!("unknown state: {e}")),
            },
            None => (!is_alive(self.pid)).then(|| "exited".to_string()),
        }
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace`, and reaps it.
    pub fn stop(&mut self, grace: Duration) {
        terminate(self.pid, grace);
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The last `lines` lines of the log, once an exited container's output is all in it.
    pub fn log_tail(&self, lines: usize) -> String {
        if let Some(pumps) = &self.pumps {
            pumps.wait(DRAIN_WAIT);
        }
        log_tail(&self.log, lines)
    }
}

/// Whether a process with this pid exists and is not a zombie.
pub fn is_alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state letter follows the parenthesised command name.
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next());
    !matches!(state, Some('Z' | 'X') | None)
}

/// SIGTERM, then SIGKILL if still alive after `grace`. Waits on /proc because the process may
/// not be our child.
pub fn terminate(pid: u32, grace: Duration) {
    let Ok(raw) = i32::try_from(pid) else { return };
    let pid_t = Pid::from_raw(raw);
    if kill(pid_t, Signal::SIGTERM).is_err() {
        return;
    }
    let deadline = Instant::now() + grace;
    while is_alive(pid) && Instant::now() < deadline {
        // Nothing to watch for a non-child's exit but /proc; the interval is short and bounded.
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = kill(pid_t, Signal::SIGKILL);
}

/// The last `lines` lines of a log file (reads at most the last 64 KiB), without the CRI
/// records' times.
pub fn log_tail(path: &Path, lines: usize) -> String {
    const MAX: u64 = 64 * 1024;
    let Ok(mut file) = File::open(path) else {
        return format!("(no log at {})", path.display());
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(MAX)));
    let mut buf = Vec::new();
    let _ = file.read_to_end(&mut buf);
    let text = plain_text(&buf);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_tail_returns_the_last_lines() {
        let dir = std::env::temp_dir().join(format!("testenv-tail-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("x.log");
        std::fs::write(&log, "a\nb\nc\nd\n").unwrap();
        assert_eq!(log_tail(&log, 2), "c\nd");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn chunks_become_cri_records_and_read_back_as_written() {
        let time: Timestamp = "2026-12-03T10:00:01.5Z".parse().unwrap();
        let mut out = Vec::new();
        cri_records(&mut out, time, "stdout", b"one\ntwo\npart");
        cri_records(&mut out, time, "stderr", b"ial\n");
        let expected = "2026-12-03T10:00:01.5Z stdout F one\n\
                        2026-12-03T10:00:01.5Z stdout F two\n\
                        2026-12-03T10:00:01.5Z stdout P part\n\
                        2026-12-03T10:00:01.5Z stderr F ial\n";
        assert_eq!(String::from_utf8_lossy(&out), expected);
        assert_eq!(plain_text(&out), "one\ntwo\npartial\n");
        let line = LogLine::parse(b"2026-12-03T10:00:01.5Z stdout P a b ");
        assert_eq!(line.time, Some(&b"2026-12-03T10:00:01.5Z"[..]));
        assert!(!line.ends_line);
        assert_eq!(line.text, b"a b ");
        assert_eq!(line.timestamp(), Some(time));
        // Go's RFC3339Nano, as a kubelet shows it: no trailing zeros, UTC as `Z`.
        let whole: Timestamp = "2026-12-03T10:00:00.120000000+00:00".parse().unwrap();
        assert_eq!(whole.to_string(), "2026-12-03T10:00:00.12Z");
        // Anything else is a plain line.
        for plain in [&b"I1203 10:00:00 starting F x"[..], b"", b"a b c d"] {
            assert_eq!(LogLine::parse(plain).time, None);
            assert_eq!(LogLine::parse(plain).text, plain);
        }
        assert_eq!(plain_text(b"raw\nlast"), "raw\nlast");
    }

    #[test]
    fn a_containers_output_is_all_in_its_log_when_it_exits() {
        let dir = std::env::temp_dir().join(format!("testenv-cri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("c.log");
        let mut p = spawn_with_env(
            "c",
            "printer",
            Path::new("sh"),
            &[
                "-c".into(),
                "echo err >&2; sleep 0.2; echo out; printf last; exit 3".into(),
            ],
            &[("A".into(), "b".into())],
            &log,
            Lifetime::TiedToProcess,
        )
        .unwrap();
        let status = p.take_child().unwrap().wait().unwrap();
        assert_eq!(status.code(), Some(3));
        // Right after the exit, as the node agent reads a terminated container's message.
        assert_eq!(p.log_tail(10), "err\nout\nlast");
        let content = std::fs::read(&log).unwrap();
        let records: Vec<_> = content
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(LogLine::parse)
            .collect();
        assert!(records.len() >= 3, "{}", String::from_utf8_lossy(&content));
        assert!(records.iter().all(|r| r.timestamp().is_some()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn tied_process_is_stopped_and_reaped() {
        let dir = std::env::temp_dir().join(format!("testenv-proc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut p = spawn(
            "c",
            "sleeper",
            Path::new("sleep"),
            &["60".into()],
            &dir.join("s.log"),
            Lifetime::TiedToProcess,
        )
        .unwrap();
        assert!(is_alive(p.pid));
        assert!(p.exited().is_none());
        p.stop(Duration::from_secs(2));
        assert!(!is_alive(p.pid));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
