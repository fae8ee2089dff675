//! Host network configuration in the gateway's network namespace: sysctls, the tunnel
//! interface's address and MTU, and applying a [`Plan`] with `ip` and `nft`.

use std::io::Write as _;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::plan::{self, Plan, ROUTE_TABLE, RULE_PRIORITY};

/// Enables forwarding and disables reverse-path filtering (remapped and tunnelled sources
/// would fail it).
///
/// # Errors
/// A sysctl that cannot be written (read-only `/proc/sys`, missing privileges).
pub fn write_sysctls() -> anyhow::Result<()> {
    for (path, value) in [
        ("/proc/sys/net/ipv4/ip_forward", "1"),
        ("/proc/sys/net/ipv4/conf/all/rp_filter", "0"),
        ("/proc/sys/net/ipv4/conf/default/rp_filter", "0"),
    ] {
        std::fs::write(path, value)
            .with_context(|| format!("failed to write {value} to {path}"))?;
    }
    Ok(())
}

/// Refuses kernels older than 5.10, like upstream.
///
/// # Errors
/// An older kernel, or an unreadable version.
pub fn check_kernel_version() -> anyhow::Result<()> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .context("failed to read the kernel version")?;
    let mut parts = release
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let version = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if version < (5, 10) {
        bail!(
            "kernel {} is older than 5.10 (pass --disable-kernel-version-check to run anyway)",
            release.trim()
        );
    }
    Ok(())
}

/// Sets the tunnel's MTU and address (`local`/30) and brings it up.
///
/// # Errors
/// An `ip` invocation that fails.
pub fn configure_link(name: &str, mtu: u32, local: Ipv4Addr) -> anyhow::Result<()> {
    ip(&["link", "set", "dev", name, "mtu", &mtu.to_string()])?;
    ip(&["addr", "replace", &format!("{local}/30"), "dev", name])?;
    ip(&["link", "set", "dev", name, "up"])?;
    Ok(())
}

/// Replaces the gateway's routes, policy rule and nftables table with `plan`'s: whatever an
/// earlier run left is dropped first, so applying is idempotent and restart-safe.
///
/// # Errors
/// An `ip` or `nft` invocation that fails.
pub fn apply_plan(plan: &Plan, tunnel: &str, peer: Ipv4Addr) -> anyhow::Result<()> {
    nft(&plan.render_nft(tunnel)).context("failed to install the NAT rules")?;
    remove_rules()?;
    flush_table()?;
    for route in plan.render_routes(tunnel, peer) {
        let args: Vec<&str> = route.iter().map(String::as_str).collect();
        ip(&args)?;
    }
    let rule = plan::render_rule();
    let args: Vec<&str> = rule.iter().map(String::as_str).collect();
    ip(&args)?;
    Ok(())
}

/// Removes the gateway's routes, policy rule and nftables table (absent ones are fine).
///
/// # Errors
/// An `ip` or `nft` invocation that fails for another reason than absence.
pub fn remove_plan() -> anyhow::Result<()> {
    let table = plan::NFT_TABLE;
    nft(&format!("table ip {table} {{}}\ndelete table ip {table}\n"))
        .context("failed to remove the NAT rules")?;
    remove_rules()?;
    flush_table()
}

/// Empties the gateway's routing table (a table that does not exist is empty).
fn flush_table() -> anyhow::Result<()> {
    match ip(&["route", "flush", "table", &ROUTE_TABLE.to_string()]) {
        Err(e) if e.to_string().contains("does not exist") => Ok(()),
        other => other,
    }
}

/// Deletes every rule at the gateway's priority.
fn remove_rules() -> anyhow::Result<()> {
    let pref = RULE_PRIORITY.to_string();
    // Each delete removes one rule; a bounded loop ends on "No such file or directory".
    for _ in 0..64 {
        let out = Command::new("ip")
            .args(["rule", "del", "pref", &pref])
            .stderr(Stdio::piped())
            .output()
            .context("failed to run ip")?;
        if !out.status.success() {
            return Ok(());
        }
    }
    bail!("more than 64 policy rules at priority {pref}")
}

fn ip(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("ip")
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .context("failed to run ip (is iproute2 installed?)")?;
    if !out.status.success() {
        bail!(
            "ip {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn nft(script: &str) -> anyhow::Result<()> {
    let mut child = Command::new("nft")
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("failed to run nft (is nftables installed?)")?;
    child
        .stdin
        .take()
        .expect("invariant: stdin is piped")
        .write_all(script.as_bytes())
        .context("failed to write the nft script")?;
    let out = child.wait_with_output().context("failed to run nft")?;
    if !out.status.success() {
        bail!(
            "nft -f failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
