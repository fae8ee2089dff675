//! Pod addresses of pods that share the host's network: one address per pod from
//! 198.18.0.0/15 (RFC 2544's benchmarking range, in no Liqo pool and no test's pod CIDR) on the
//! host's loopback device. Unlike 127/8, the API server accepts these in Endpoints, so Services
//! of such pods (the controller manager's webhooks) get endpoints as in a real cluster, and the
//! host's API server still reaches them.

use std::hash::{Hash, Hasher};

/// The address of pod `uid` (stable: the same pod keeps it across agent restarts).
pub(crate) fn pod_ip(uid: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    uid.hash(&mut hasher);
    let b = hasher.finish().to_be_bytes();
    format!("198.{}.{}.{}", 18 + b[0] % 2, b[1], 1 + b[2] % 254)
}

/// Puts `ip` on `lo` (already there is fine).
///
/// # Errors
/// The `ip` command's complaint.
pub(crate) async fn add(ip: &str) -> Result<(), String> {
    match ip_addr("add", ip).await {
        Err(e) if e.contains("File exists") => Ok(()),
        other => other,
    }
}

/// Takes `ip` off `lo` (already gone is fine).
pub(crate) async fn remove(ip: &str) {
    if let Err(e) = ip_addr("del", ip).await
        && !e.contains("Cannot assign")
    {
        tracing::debug!(ip, error = %e, "pod address not removed");
    }
}

async fn ip_addr(verb: &str, ip: &str) -> Result<(), String> {
    let out = tokio::process::Command::new("ip")
        .args(["addr", verb, &format!("{ip}/32"), "dev", "lo"])
        .output()
        .await
        .map_err(|e| format!("failed to run ip addr {verb}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip addr {verb} {ip}/32 dev lo: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_ips_are_in_the_benchmark_range_and_stable() {
        let a = pod_ip("0b9f6c1e-aaaa-4bbb-8ccc-000000000001");
        assert_eq!(a, pod_ip("0b9f6c1e-aaaa-4bbb-8ccc-000000000001"));
        assert_ne!(a, pod_ip("0b9f6c1e-aaaa-4bbb-8ccc-000000000002"));
        let ip: std::net::Ipv4Addr = a.parse().unwrap();
        assert_eq!(ip.octets()[0], 198, "{ip}");
        assert!((18..=19).contains(&ip.octets()[1]), "{ip}");
    }
}
