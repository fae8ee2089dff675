//! `kubectl exec` into the node's pods: the command runs as the container's process does —
//! a binary of the project image (by file name, from the binaries directory), the container's
//! environment, its volume mounts and network namespace — with its stdio piped to the caller.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use http::StatusCode;
use liqo_kubelet_api::{ExecRequest, ExecSession, Exit, Refusal};

/// How a running container's processes are started.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    /// Its environment, as resolved for its process.
    pub environment: Vec<(String, String)>,
    /// Its volume mounts (source, target, read-only).
    pub mounts: Vec<(PathBuf, String, bool)>,
    /// Its network namespace, when not the host's.
    pub netns: Option<String>,
    /// Its pod's IP.
    pub ip: String,
}

type Key = (String, String, String);

/// The running containers of the node, by namespace, pod and container.
#[derive(Debug, Clone, Default)]
pub struct ExecRegistry {
    running: Arc<Mutex<HashMap<Key, Launch>>>,
}

impl ExecRegistry {
    /// Records that `container` of `namespace/pod` runs as `launch` says.
    pub(crate) fn register(&self, namespace: &str, pod: &str, container: &str, launch: Launch) {
        self.lock().insert(key(namespace, pod, container), launch);
    }

    /// Forgets every container of `namespace/pod`.
    pub(crate) fn unregister_pod(&self, namespace: &str, pod: &str) {
        self.lock()
            .retain(|(ns, p, _), _| !(ns == namespace && p == pod));
    }

    /// The network namespace (`None`: the host's) and IP of pod `namespace/pod`, while one of
    /// its containers runs.
    ///
    /// # Errors
    /// 404 when no container of the pod runs here.
    pub(crate) fn network_of(
        &self,
        namespace: &str,
        pod: &str,
    ) -> Result<(Option<String>, String), Refusal> {
        self.lock()
            .iter()
            .find(|((ns, p, _), _)| ns == namespace && p == pod)
            .map(|(_, launch)| (launch.netns.clone(), launch.ip.clone()))
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::NOT_FOUND,
                    format!("pod {namespace}/{pod} has no running container on this node"),
                )
            })
    }

    /// Starts `request.command` in its container.
    ///
    /// # Errors
    /// 404 when the container does not run here or the image has no such binary; 500 when the
    /// process cannot be started.
    pub(crate) fn spawn(&self, bin_dir: &Path, req: &ExecRequest) -> Result<ExecSession, Refusal> {
        let launch = self
            .lock()
            .get(&key(&req.namespace, &req.pod, &req.container))
            .cloned()
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::NOT_FOUND,
                    format!(
                        "container {} of pod {}/{} is not running on this node",
                        req.container, req.namespace, req.pod
                    ),
                )
            })?;
        let program = resolve(bin_dir, &req.command[0])?;
        let args = req.command[1..].to_vec();
        let (program, args) = super::volumes::wrap(&program, &args, &launch.mounts);
        let (program, args) = match &launch.netns {
            Some(netns) => super::worker::in_netns(netns, &program, args),
            None => (program, args),
        };
        let piped = |on: bool| if on { Stdio::piped() } else { Stdio::null() };
        let mut child = tokio::process::Command::new(&program)
            .args(&args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(launch.environment.iter().map(|(k, v)| (k, v)))
            .stdin(piped(req.stdin))
            .stdout(piped(req.stdout))
            .stderr(piped(req.stderr))
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("failed to start {}: {e}", req.command[0]),
                )
            })?;
        let stdin = child.stdin.take().map(|s| Box::pin(s) as _);
        let stdout = child.stdout.take().map(|s| Box::pin(s) as _);
        let stderr = child.stderr.take().map(|s| Box::pin(s) as _);
        let exit = async move {
            match child.wait().await {
                Ok(status) => {
                    use std::os::unix::process::ExitStatusExt;
                    match (status.code(), status.signal()) {
                        (Some(code), _) => Exit::Code(code),
                        (None, Some(signal)) => Exit::Code(128 + signal),
                        (None, None) => Exit::Failed("the command ended without a status".into()),
                    }
                }
                Err(e) => Exit::Failed(format!("failed to wait for the command: {e}")),
            }
        }
        .boxed();
        Ok(ExecSession {
            stdin,
            stdout,
            stderr,
            exit,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Launch>> {
        self.running
            .lock()
            .expect("invariant: the registry lock is never poisoned")
    }
}

fn key(namespace: &str, pod: &str, container: &str) -> Key {
    (namespace.into(), pod.into(), container.into())
}

/// The image's binary for `command` (its file name in `bin_dir`, as container commands are).
fn resolve(bin_dir: &Path, command: &str) -> Result<PathBuf, Refusal> {
    let not_found = || {
        Refusal::new(
            StatusCode::NOT_FOUND,
            format!(
                "executable {command:?} not found in the image (testenv runs the project's binaries from {})",
                bin_dir.display()
            ),
        )
    };
    let name = Path::new(command).file_name().ok_or_else(not_found)?;
    let path = bin_dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(not_found())
    }
}
