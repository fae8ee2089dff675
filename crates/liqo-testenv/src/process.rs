//! Control-plane processes: spawning with their output in a log file, liveness, log tails and
//! stopping.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

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
}

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
    spawn_with_env(cluster, name, program, args, &[], log, lifetime)
}

/// [`spawn`] with extra environment variables.
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
    let spawn_err = |source| Error::Spawn {
        cluster: cluster.into(),
        component: name.into(),
        source,
    };
    let out = File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(spawn_err)?;
    let err = out.try_clone().map_err(spawn_err)?;
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
    let child = match lifetime {
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
    Ok(Proc {
        name: name.into(),
        pid: child.id(),
        log: log.to_path_buf(),
        child: Some(child),
    })
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

    /// The last `lines` lines of the log.
    pub fn log_tail(&self, lines: usize) -> String {
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

/// The last `lines` lines of a log file (reads at most the last 64 KiB).
pub fn log_tail(path: &Path, lines: usize) -> String {
    const MAX: u64 = 64 * 1024;
    let Ok(mut file) = File::open(path) else {
        return format!("(no log at {})", path.display());
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(MAX)));
    let mut buf = Vec::new();
    let _ = file.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
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
