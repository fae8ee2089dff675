//! One pod: its processes, restarts, readiness and status.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::authentication::v1::{BoundObjectReference, TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{Container, Pod, ServiceAccount};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use tokio::sync::{mpsc, watch};

use super::placement::PodNet;
use super::status::{ContainerPhase, ContainerReport, render_status};
use super::{PodsConfig, Stop, env, probe, volumes};
use crate::process::{self, Lifetime, Proc};

/// Images of this repository (any tag) are the ones the agent can run.
pub const PROJECT_IMAGE_REPOSITORY: &str = "ghcr.io/liqoctl-rs/liqo";
/// Lifetime of the service-account token handed to a pod.
const TOKEN_SECONDS: i64 = 24 * 3600;
/// Grace between SIGTERM and SIGKILL when a container stops.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Restart back-off bounds (the kubelet's start at 10 s and cap at 5 min; tests want faster).
const BACKOFF_START: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Lines of log kept as a terminated container's message.
const MESSAGE_LINES: usize = 20;

struct Running {
    proc: Proc,
    started: Timestamp,
    ready: bool,
    /// Consecutive probe results: successes (> 0) or failures (< 0).
    streak: i32,
}

struct Slot {
    spec: Container,
    report: ContainerReport,
    running: Option<Running>,
    backoff: Duration,
    restart_at: Option<tokio::time::Instant>,
}

struct Worker {
    client: Client,
    cfg: PodsConfig,
    pod: Pod,
    /// Its place on the network and its address.
    net: PodNet,
    dir: PathBuf,
    restart_policy: String,
    started: Timestamp,
    slots: Vec<Slot>,
    exits: mpsc::UnboundedSender<(usize, u32, i32)>,
    last_status: Option<serde_json::Value>,
    volumes: std::collections::BTreeMap<String, PathBuf>,
}

/// Runs `pod` until `stop` says otherwise.
pub(crate) async fn run(
    client: Client,
    cfg: PodsConfig,
    pod: Pod,
    mut stop: watch::Receiver<Option<Stop>>,
) {
    let (exits_tx, mut exits) = mpsc::unbounded_channel();
    let uid = pod.uid().unwrap_or_default();
    let dir = cfg.pods_dir.join(format!(
        "{}_{}_{}",
        pod.namespace().unwrap_or_default(),
        pod.name_any(),
        &uid[..uid.len().min(8)]
    ));
    let spec = pod.spec.clone().unwrap_or_default();
    let slots = spec
        .containers
        .iter()
        .map(|c| Slot {
            spec: c.clone(),
            report: ContainerReport {
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
                phase: ContainerPhase::Waiting {
                    reason: "ContainerCreating".into(),
                    message: String::new(),
                },
                last: None,
                restarts: 0,
            },
            running: None,
            backoff: BACKOFF_START,
            restart_at: None,
        })
        .collect();
    let mut w = Worker {
        net: PodNet::new(&pod, cfg.network.as_ref()),
        restart_policy: spec
            .restart_policy
            .clone()
            .unwrap_or_else(|| "Always".into()),
        client,
        cfg,
        pod,
        dir,
        started: Timestamp::now(),
        slots,
        exits: exits_tx,
        last_status: None,
        volumes: std::collections::BTreeMap::new(),
    };
    let mut runnable = w.check_runnable();
    if runnable && let Err(message) = w.net.up(&uid, &w.cfg.sandboxes).await {
        w.set_waiting_all("CreatePodSandboxError", &message);
        runnable = false;
    }
    if runnable {
        if let Err(message) = w.prepare().await {
            w.set_waiting_all("CreateContainerConfigError", &message);
        } else {
            for i in 0..w.slots.len() {
                w.start(i).await;
            }
        }
    }
    w.write_status().await;
    let mut probe_tick = tokio::time::interval(w.probe_period());
    let reason = loop {
        let next_restart = w.slots.iter().filter_map(|s| s.restart_at).min();
        tokio::select! {
            changed = stop.changed() => {
                let reason = if changed.is_ok() { (*stop.borrow()).unwrap_or(Stop::AgentShutdown) } else { Stop::AgentShutdown };
                break reason;
            }
            Some((i, pid, code)) = exits.recv() => w.exited(i, pid, code),
            () = sleep_until(next_restart) => {
                let now = tokio::time::Instant::now();
                for i in 0..w.slots.len() {
                    if w.slots[i].restart_at.is_some_and(|t| t <= now) {
                        w.slots[i].restart_at = None;
                        w.start(i).await;
                    }
                }
            }
            _ = probe_tick.tick(), if runnable => w.probe().await,
        }
        w.write_status().await;
    };
    w.stop_all();
    w.cfg
        .exec
        .unregister_pod(&w.pod.namespace().unwrap_or_default(), &w.pod.name_any());
    w.net.down(&w.cfg.sandboxes).await;
    if reason == Stop::PodDeleted {
        let api: Api<Pod> =
            Api::namespaced(w.client.clone(), &w.pod.namespace().unwrap_or_default());
        let _ = api
            .delete(&w.pod.name_any(), &super::finish_deletion(&w.pod))
            .await;
    }
}

async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Worker {
    fn pod_name(&self) -> String {
        format!(
            "{}/{}",
            self.pod.namespace().unwrap_or_default(),
            self.pod.name_any()
        )
    }

    fn set_waiting_all(&mut self, reason: &str, message: &str) {
        for slot in &mut self.slots {
            slot.report.phase = ContainerPhase::Waiting {
                reason: reason.into(),
                message: message.into(),
            };
        }
    }

    /// Only this project's images with a built binary can run; anything else waits, honestly.
    fn check_runnable(&mut self) -> bool {
        let mut ok = true;
        for slot in &mut self.slots {
            let image = slot.report.image.clone();
            let (reason, message) = if image
                .rsplit_once(':')
                .map_or(image.as_str(), |(repo, _)| repo)
                != PROJECT_IMAGE_REPOSITORY
            {
                (
                    "ImageNotAvailable",
                    format!(
                        "image {image} cannot run here: the liqo-testenv node agent runs only {PROJECT_IMAGE_REPOSITORY} images, as local processes"
                    ),
                )
            } else {
                match binary(&self.cfg.bin_dir, &slot.spec) {
                    Ok(_) => continue,
                    Err(message) => ("BinaryNotBuilt", message),
                }
            };
            slot.report.phase = ContainerPhase::Waiting {
                reason: reason.into(),
                message,
            };
            ok = false;
        }
        if self
            .pod
            .spec
            .as_ref()
            .is_some_and(|s| s.init_containers.as_ref().is_some_and(|c| !c.is_empty()))
        {
            self.set_waiting_all(
                "InitContainersNotSupported",
                "the liqo-testenv node agent does not run init containers",
            );
            ok = false;
        }
        ok
    }

    /// Writes the pod's kubeconfig with a bound service-account token.
    async fn prepare(&mut self) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let ns = self.pod.namespace().unwrap_or_default();
        let sa = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_else(|| "default".into());
        let request = TokenRequest {
            spec: Some(TokenRequestSpec {
                expiration_seconds: Some(TOKEN_SECONDS),
                bound_object_ref: Some(BoundObjectReference {
                    api_version: Some("v1".into()),
                    kind: Some("Pod".into()),
                    name: Some(self.pod.name_any()),
                    uid: self.pod.uid(),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let token = Api::<ServiceAccount>::namespaced(self.client.clone(), &ns)
            .create_token_request(&sa, &PostParams::default(), &request)
            .await
            .map_err(|e| format!("token for ServiceAccount {ns}/{sa}: {e}"))?
            .status
            .and_then(|s| s.token)
            .ok_or("token request returned no token")?;
        let server = self.net.server(&self.cfg.server);
        let kubeconfig = pod_kubeconfig(&server, &self.cfg.ca_pem, &token, &ns);
        crate::pki::write_file(&self.dir.join("kubeconfig"), &kubeconfig)
            .map_err(|e| e.to_string())?;
        self.volumes = volumes::materialize(&self.client, &self.pod, &self.dir).await?;
        Ok(())
    }

    async fn start(&mut self, i: usize) {
        let vars =
            match env::resolve(&self.client, &self.pod, &self.slots[i].spec, &self.net.ip).await {
                Ok(vars) => vars,
                Err(message) => {
                    let slot = &mut self.slots[i];
                    slot.report.phase = ContainerPhase::Waiting {
                        reason: "CreateContainerConfigError".into(),
                        message,
                    };
                    slot.restart_at = Some(tokio::time::Instant::now() + slot.backoff);
                    slot.backoff = (slot.backoff * 2).min(BACKOFF_MAX);
                    return;
                }
            };
        let spec = self.slots[i].spec.clone();
        let Ok(program) = binary(&self.cfg.bin_dir, &spec) else {
            return;
        };
        let mut args: Vec<String> = spec
            .command
            .iter()
            .flatten()
            .skip(1)
            .chain(spec.args.iter().flatten())
            .map(|a| env::expand(a, &vars))
            .collect();
        if spec.command.is_none() {
            args = spec
                .args
                .iter()
                .flatten()
                .map(|a| env::expand(a, &vars))
                .collect();
        }
        let mut environment: Vec<(String, String)> = vars.into_iter().collect();
        environment.push((
            "KUBECONFIG".into(),
            self.dir.join("kubeconfig").display().to_string(),
        ));
        environment.push(("HOSTNAME".into(), self.pod.name_any()));
        let mounts = volumes::mounts(&spec, &self.volumes);
        self.cfg.exec.register(
            &self.pod.namespace().unwrap_or_default(),
            &self.pod.name_any(),
            &spec.name,
            super::exec::Launch {
                environment: environment.clone(),
                mounts: mounts.clone(),
                netns: self.net.netns().map(str::to_string),
                ip: self.net.ip.clone(),
            },
        );
        let (program, args) = volumes::wrap(&program, &args, &mounts);
        let (program, args) = match self.net.netns() {
            Some(netns) => in_netns(netns, &program, args),
            None => (program, args),
        };
        let log = self.dir.join(format!("{}.log", spec.name));
        // The last instance's output stays readable (`kubectl logs --previous`).
        let _ = std::fs::rename(&log, self.dir.join(format!("{}.previous.log", spec.name)));
        let cluster = self.cfg.cluster.clone();
        match process::spawn_with_env(
            &cluster,
            &spec.name,
            &program,
            &args,
            &environment,
            &log,
            Lifetime::TiedToProcess,
        ) {
            Ok(mut proc) => {
                let pid = proc.pid;
                if let Some(mut child) = proc.take_child() {
                    let exits = self.exits.clone();
                    tokio::task::spawn_blocking(move || {
                        let code = child
                            .wait()
                            .ok()
                            .and_then(|s| s.code().or_else(|| s.signal().map(|sig| 128 + sig)))
                            .unwrap_or(-1);
                        let _ = exits.send((i, pid, code));
                    });
                }
                let no_probe = spec
                    .readiness_probe
                    .as_ref()
                    .and_then(|p| p.http_get.as_ref())
                    .is_none();
                let started = Timestamp::now();
                let slot = &mut self.slots[i];
                slot.running = Some(Running {
                    proc,
                    started,
                    ready: no_probe,
                    streak: 0,
                });
                slot.report.phase = ContainerPhase::Running {
                    started,
                    ready: no_probe,
                };
                tracing::info!(pod = %self.pod_name(), container = %spec.name, pid, "container started");
            }
            Err(e) => {
                let slot = &mut self.slots[i];
                slot.report.phase = ContainerPhase::Waiting {
                    reason: "RunContainerError".into(),
                    message: e.to_string(),
                };
            }
        }
    }

    fn exited(&mut self, i: usize, pid: u32, code: i32) {
        let policy = self.restart_policy.clone();
        let slot = &mut self.slots[i];
        if slot.running.as_ref().map(|r| r.proc.pid) != Some(pid) {
            return;
        }
        let running = slot.running.take().expect("invariant: checked above");
        let message = running.proc.log_tail(MESSAGE_LINES);
        let reason = if code == 0 { "Completed" } else { "Error" };
        let terminated = ContainerPhase::Terminated {
            exit_code: code,
            reason: reason.into(),
            message,
            finished: Timestamp::now(),
        };
        tracing::info!(pod = %self.pod.name_any(), container = %slot.spec.name, code, "container exited");
        let restart = policy == "Always" || (policy == "OnFailure" && code != 0);
        if restart {
            slot.report.last = Some(terminated);
            slot.report.restarts += 1;
            slot.report.phase = ContainerPhase::Waiting {
                reason: "CrashLoopBackOff".into(),
                message: format!("back-off {:?} restarting failed container", slot.backoff),
            };
            slot.restart_at = Some(tokio::time::Instant::now() + slot.backoff);
            slot.backoff = (slot.backoff * 2).min(BACKOFF_MAX);
        } else {
            slot.report.phase = terminated;
        }
    }

    fn probe_period(&self) -> Duration {
        let seconds = self
            .slots
            .iter()
            .filter_map(|s| s.spec.readiness_probe.as_ref()?.period_seconds)
            .min()
            .unwrap_or(10);
        Duration::from_secs(u64::try_from(seconds.max(1)).unwrap_or(1))
    }

    async fn probe(&mut self) {
        let netns = self.net.netns().map(str::to_string);
        for slot in &mut self.slots {
            let Some(running) = &mut slot.running else {
                continue;
            };
            let Some((spec, get)) = slot
                .spec
                .readiness_probe
                .as_ref()
                .and_then(|p| Some((p, p.http_get.as_ref()?)))
            else {
                continue;
            };
            let port = match &get.port {
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(p) => {
                    u16::try_from(*p).unwrap_or(0)
                }
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name) => slot
                    .spec
                    .ports
                    .iter()
                    .flatten()
                    .find(|p| p.name.as_deref() == Some(name))
                    .and_then(|p| u16::try_from(p.container_port).ok())
                    .unwrap_or(0),
            };
            let host = get.host.clone().unwrap_or_else(|| self.net.ip.clone());
            let path = get.path.as_deref().unwrap_or("/");
            let ok =
                probe::http_get(netns.as_deref(), &host, port, path, spec.timeout_seconds).await;
            running.ready = probe::readiness(running.ready, &mut running.streak, ok, spec);
            slot.report.phase = ContainerPhase::Running {
                started: running.started,
                ready: running.ready,
            };
        }
    }

    fn stop_all(&mut self) {
        for slot in &mut self.slots {
            if let Some(mut running) = slot.running.take() {
                running.proc.stop(STOP_GRACE);
            }
        }
    }

    async fn write_status(&mut self) {
        let reports: Vec<ContainerReport> = self.slots.iter().map(|s| s.report.clone()).collect();
        let status = render_status(
            &reports,
            &self.restart_policy,
            &self.net.ip,
            &self.net.host_ip(),
            self.started,
        );
        let value = serde_json::json!({ "status": status });
        if self.last_status.as_ref() == Some(&value) {
            return;
        }
        let api: Api<Pod> = Api::namespaced(
            self.client.clone(),
            &self.pod.namespace().unwrap_or_default(),
        );
        match api
            .patch_status(
                &self.pod.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&value),
            )
            .await
        {
            Ok(_) => self.last_status = Some(value),
            Err(e) => {
                tracing::debug!(pod = %self.pod_name(), error = %e, "pod status update failed")
            }
        }
    }
}

/// The local binary a container's command names (`/usr/local/bin/liqo-controller-manager` →
/// `<bin_dir>/liqo-controller-manager`).
fn binary(bin_dir: &Path, container: &Container) -> Result<PathBuf, String> {
    let command = container
        .command
        .as_ref()
        .and_then(|c| c.first())
        .ok_or_else(|| {
            format!(
                "container {} has no command: the testenv node agent needs one to pick the binary",
                container.name
            )
        })?;
    let name = Path::new(command)
        .file_name()
        .ok_or_else(|| format!("command {command:?} names no file"))?;
    let path = bin_dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is not built: run `cargo build --workspace --bins` (or set LIQO_TESTENV_PROJECT_BIN)",
            path.display()
        ))
    }
}

/// Wraps `program args` to run in network namespace `netns` (`ip netns exec` execs in place,
/// so the pid stays the container's; a mount wrapper inside it composes).
pub(crate) fn in_netns(netns: &str, program: &Path, args: Vec<String>) -> (PathBuf, Vec<String>) {
    let mut wrapped = vec![
        "netns".to_string(),
        "exec".into(),
        netns.into(),
        program.display().to_string(),
    ];
    wrapped.extend(args);
    (PathBuf::from("ip"), wrapped)
}

fn pod_kubeconfig(server: &str, ca_pem: &str, token: &str, namespace: &str) -> String {
    use base64::Engine;
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: in-cluster
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: pod
  user:
    token: {token}
contexts:
- name: in-cluster
  context:
    cluster: in-cluster
    user: pod
    namespace: {namespace}
current-context: in-cluster
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netns_wrapping_keeps_the_mount_wrapper_inside() {
        let (program, args) = volumes::wrap(
            Path::new("/bin/prog"),
            &["--x".into()],
            &[(PathBuf::from("/v/keys"), "/etc/wireguard/keys".into(), true)],
        );
        let (program, args) = in_netns("lt-abc-a", &program, args);
        assert_eq!(program, PathBuf::from("ip"));
        assert_eq!(
            &args[..5],
            ["netns", "exec", "lt-abc-a", "/usr/bin/unshare", "--mount"]
        );
        assert_eq!(args.last().map(String::as_str), Some("--x"));
    }
}
