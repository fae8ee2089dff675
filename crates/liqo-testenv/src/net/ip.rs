//! Running `ip` (iproute2): single commands, batches, and programs inside a namespace.

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// The MAC of an interface that carries `ip`, fixed by it: locally administered, unicast,
/// `kind` then the address's four bytes.
///
/// Why fixed: a Linux bridge without a set MAC takes the lowest MAC of its ports, so it
/// changes whenever a pod's veth comes or goes, and every pod's ARP entry for its gateway then
/// points at a MAC nobody answers until it expires (tens of seconds of lost packets). Likewise
/// a pod that reuses an address of a deleted one would be unreachable behind stale entries.
pub(super) fn stable_mac(kind: MacKind, ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    let [k0, k1] = (kind as u16).to_be_bytes();
    format!("{k0:02x}:{k1:02x}:{a:02x}:{b:02x}:{c:02x}:{d:02x}")
}

/// Which interface a [`stable_mac`] is for (its first two bytes).
#[derive(Debug, Clone, Copy)]
#[repr(u16)]
pub(super) enum MacKind {
    /// A bridge: the WAN bridge or a node's pod bridge.
    Bridge = 0x0242,
    /// A pod's or node's own interface.
    Interface = 0x0a58,
}

/// Creates namespace `netns` with interface `eth0` on `bridge` of `bridge_netns` (through
/// host-side veth `veth`), address `ip/prefix`, MAC fixed by `ip` and a default route via
/// `gateway`: what a CNI plugin gives a pod.
pub(super) fn plug_into_bridge(
    bridge_netns: &str,
    bridge: &str,
    veth: &str,
    netns: &str,
    (ip, prefix): (Ipv4Addr, u8),
    gateway: Ipv4Addr,
) -> Result<(), Error> {
    let mac = stable_mac(MacKind::Interface, ip);
    run_ip(&["netns", "add", netns], None)?;
    run_ip_batch(
        Some(bridge_netns),
        &[
            format!("link add {veth} type veth peer name eth0 address {mac} netns {netns}"),
            format!("link set {veth} master {bridge} up"),
        ],
    )?;
    run_ip_batch(
        Some(netns),
        &[
            format!("addr add {ip}/{prefix} dev eth0"),
            "link set eth0 up".into(),
            "link set lo up".into(),
            format!("route add default via {gateway}"),
        ],
    )
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_macs_are_local_unicast_and_carry_the_address() {
        let ip = Ipv4Addr::new(10, 244, 128, 5);
        assert_eq!(stable_mac(MacKind::Interface, ip), "0a:58:0a:f4:80:05");
        assert_eq!(stable_mac(MacKind::Bridge, ip), "02:42:0a:f4:80:05");
    }
}
