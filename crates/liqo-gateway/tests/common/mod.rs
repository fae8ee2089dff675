//! Fixtures of the gateway's process tests: network namespaces and gateway processes that
//! clean up on drop (also when a test panics), keys, bounded waits.

#![allow(dead_code)] // each test file uses its own subset

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use liqo_gateway::tunnel::public_key;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub const GATEWAY: &str = env!("CARGO_BIN_EXE_liqo-gateway");

/// A network namespace, deleted on drop (also when the test panics).
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(test: &str, role: &str) -> Self {
        let name = format!("lgt-{}-{test}-{role}", std::process::id());
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        run(Command::new("ip").args(["netns", "add", &name]));
        let ns = Self { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    pub fn ip(&self, args: &[&str]) {
        run(Command::new("ip").arg("-n").arg(&self.name).args(args));
    }

    pub fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    pub fn exec(&self, program: &str, args: &[&str]) -> Output {
        self.cmd(program)
            .args(args)
            .output()
            .expect("ip netns exec runs")
    }

    pub fn nft(&self, script: &str) {
        let mut child = self
            .cmd("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nft runs");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "nft: {}", stderr(&out));
    }

    /// Packets seen by a named counter of table `ip probe`.
    pub fn counter(&self, name: &str) -> u64 {
        let out = self.exec("nft", &["-j", "list", "counter", "ip", "probe", name]);
        assert!(out.status.success(), "nft list counter: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["nftables"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|o| o["counter"]["packets"].as_u64())
            .expect("a counter")
    }

    pub fn ping(&self, target: &str, count: u32) -> Output {
        self.exec(
            "ping",
            &["-c", &count.to_string(), "-i", "0.2", "-W", "3", target],
        )
    }

    pub fn has_link(&self, name: &str) -> bool {
        self.exec("ip", &["link", "show", name]).status.success()
    }
}

impl Netns {
    /// Names resolved inside the namespace: `ip netns exec` mounts `/etc/netns/<name>/hosts`
    /// over `/etc/hosts`.
    pub fn hosts(&self, lines: &str) {
        let dir = Path::new("/etc/netns").join(&self.name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("hosts"), lines).unwrap();
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(Path::new("/etc/netns").join(&self.name));
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

/// A running gateway, killed on drop.
pub struct Gateway {
    child: Option<Child>,
    log: PathBuf,
}

impl Gateway {
    /// Starts a gateway in network namespace `netns` with extra environment `env` and waits
    /// until it is set up (tunnel up; in standalone mode, routes and NAT installed).
    pub fn start(netns: &str, log: PathBuf, args: &[String], env: &[(&str, &str)]) -> Self {
        let file = fs::File::create(&log).unwrap();
        let child = Command::new("ip")
            .args(["netns", "exec", netns, GATEWAY])
            .args(args)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("the gateway starts");
        let mut gw = Self {
            child: Some(child),
            log,
        };
        wait_until(
            Duration::from_secs(20),
            "the gateway's tunnel interface",
            || {
                if let Some(status) = gw.try_exit() {
                    panic!("gateway exited with {status}:\n{}", gw.log());
                }
                gw.log().contains("gateway ready")
            },
        );
        gw
    }

    pub fn pid(&self) -> Pid {
        Pid::from_raw(self.child.as_ref().unwrap().id() as i32)
    }

    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        self.child.as_mut().unwrap().try_wait().unwrap()
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends `signal` and waits for the exit status.
    pub fn stop(&mut self, signal: Signal) -> ExitStatus {
        let _ = kill(self.pid(), signal);
        let mut child = self.child.take().unwrap();
        let status = child.wait().unwrap();
        self.child = Some(child);
        status
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut()
            && child.try_wait().ok().flatten().is_none()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Key files of one side.
pub struct Keys {
    pub private: PathBuf,
    pub public: [u8; 32],
    pub public_b64: String,
}

pub fn keys(dir: &Path, name: &str) -> Keys {
    let mut private = [0u8; 32];
    fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut private)
        .unwrap();
    let path = dir.join(format!("{name}.key"));
    fs::write(&path, private).unwrap();
    Keys {
        private: path,
        public: public_key(private),
        public_b64: base64::engine::general_purpose::STANDARD.encode(public_key(private)),
    }
}

pub fn run(cmd: &mut Command) {
    let out = cmd.output().expect("command runs");
    assert!(out.status.success(), "{cmd:?}: {}", stderr(&out));
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Polls `condition` until it holds; panics naming `what` after `timeout`.
pub fn wait_until(timeout: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Standard output of `program args` run in network namespace `netns` (empty on failure).
pub fn output(netns: &str, program: &str, args: &[&str]) -> String {
    Command::new("ip")
        .args(["netns", "exec", netns, program])
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}
