//! Running `ip` (iproute2): single commands, batches, and programs inside a namespace.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// `program args` inside namespace `netns`.
pub(crate) fn exec_in(netns: &str, program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", netns, program]).args(args);
    cmd
}

pub(super) fn run(mut cmd: Command, action: &str, what: &str) -> Result<String, Error> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io("run", Path::new(cmd.get_program()), e))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Error::Network {
            action: format!("{action} {what}"),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

pub(super) fn run_ip(args: &[&str], netns: Option<&str>) -> Result<String, Error> {
    let mut cmd = Command::new("ip");
    if let Some(ns) = netns {
        cmd.args(["-n", ns]);
    }
    cmd.args(args);
    run(cmd, "run ip", &args.join(" "))
}

/// Runs `lines` as one `ip -batch` in `netns` (or the host), stopping at the first failure.
pub(super) fn run_ip_batch(netns: Option<&str>, lines: &[String]) -> Result<(), Error> {
    let mut args = Vec::new();
    if let Some(ns) = netns {
        args.extend(["-n", ns]);
    }
    batch(&args, lines).map(|_| ())
}

/// Runs every line of `lines` on the host even when some fail.
pub(super) fn run_ip_batch_forced(lines: &[String]) -> Result<(), Error> {
    batch(&["-force"], lines).map(|_| ())
}

fn batch(global: &[&str], lines: &[String]) -> Result<String, Error> {
    use std::io::Write;
    let mut child = Command::new("ip")
        .args(global)
        .args(["-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io("run", Path::new("ip"), e))?;
    let script = lines.join("\n") + "\n";
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .map_err(|e| Error::io("write to", Path::new("ip -batch"), e))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::io("run", Path::new("ip"), e))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Error::Network {
            action: format!("run ip {} -batch ({})", global.join(" "), lines.join("; ")),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// Runs `nft -f -` with `script` in namespace `netns`.
pub(crate) async fn apply_nft(netns: &str, script: &str) -> Result<(), String> {
    let mut child = tokio::process::Command::new("ip")
        .args(["netns", "exec", netns, "nft", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run nft in {netns}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        tokio::io::AsyncWriteExt::write_all(&mut stdin, script.as_bytes())
            .await
            .map_err(|e| format!("cannot write to nft: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| format!("nft in {netns}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "nft in {netns}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
