//! Test pods: network namespaces on a node's pod bridge, and `ping` from them.

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Command, Stdio};

use super::exec_in;
use crate::Error;

/// A "pod" of a test cluster that is only a network namespace on the node's pod bridge, for
/// data-plane tests: it runs the real `ping` and any other program. Removed with the
/// environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPod {
    /// Its network namespace (a name under `/run/netns`).
    pub netns: String,
    /// Its address in the cluster's pod CIDR.
    pub ip: Ipv4Addr,
}

/// What `ping` reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingReport {
    /// Echo requests sent.
    pub transmitted: u32,
    /// Echo replies received.
    pub received: u32,
    /// Everything ping printed (stdout and stderr), for assertion messages.
    pub output: String,
}

impl TestPod {
    /// `program args` to run inside the pod's namespace (`ip netns exec <netns> ...`).
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        exec_in(&self.netns, program, args)
    }

    /// Runs `ping -c count -W 1 -i 0.2 dst` in the pod: blocks for about
    /// `count * 0.2 + 1` seconds at most (ping's own timeouts).
    ///
    /// # Errors
    /// When ping cannot be started. An unreachable destination is a report with
    /// `received == 0`, not an error.
    pub fn ping(&self, dst: Ipv4Addr, count: u32) -> Result<PingReport, Error> {
        ping_in(&self.netns, dst, count)
    }
}

/// Runs ping in namespace `netns` (see [`TestPod::ping`]).
///
/// # Errors
/// When ping cannot be started.
pub fn ping_in(netns: &str, dst: Ipv4Addr, count: u32) -> Result<PingReport, Error> {
    let count = count.max(1).to_string();
    let dst = dst.to_string();
    let out = exec_in(netns, "ping", &["-c", &count, "-W", "1", "-i", "0.2", &dst])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io("run", Path::new("ping"), e))?;
    let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    let (transmitted, received) = parse_ping(&output).unwrap_or((0, 0));
    Ok(PingReport {
        transmitted,
        received,
        output,
    })
}

/// `(transmitted, received)` from ping's summary line (pure).
fn parse_ping(output: &str) -> Option<(u32, u32)> {
    let line = output.lines().find(|l| l.contains("packets transmitted"))?;
    let mut numbers = line
        .split(',')
        .map(|part| part.split_whitespace().next()?.parse::<u32>().ok());
    Some((numbers.next()??, numbers.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_summary_is_parsed_with_and_without_errors() {
        let ok = "--- 10.0.0.1 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 401ms\n";
        assert_eq!(parse_ping(ok), Some((3, 3)));
        let lost = "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1ms\n";
        assert_eq!(parse_ping(lost), Some((2, 0)));
        assert_eq!(parse_ping("connect: Network is unreachable\n"), None);
    }
}
