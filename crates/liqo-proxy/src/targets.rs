//! Which CONNECT targets mean "this cluster's API server", and where the proxy dials for them
//! (pure).

use std::collections::BTreeSet;

/// The in-cluster names of the API server's Service, on its port.
const IN_CLUSTER_NAMES: [&str; 4] = [
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
];

/// The API server's Service port.
const SERVICE_PORT: u16 = 443;

/// The one upstream and the authorities that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// `host:port` the proxy dials for every accepted CONNECT: the API server as this pod
    /// reaches it.
    pub upstream: String,
    allowed: BTreeSet<String>,
}

/// An address that is neither `host:port` nor an `http(s)://` URL.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not host:port nor a URL with a host")]
pub struct BadAddress(String);

impl Targets {
    /// The API server at `upstream` (`host:port` or a URL), also reachable under the in-cluster
    /// Service names and under each of `aliases` (the addresses clients outside the cluster
    /// use for it, e.g. the one in their kubeconfig).
    ///
    /// # Errors
    /// When `upstream` or an alias has no host.
    pub fn new(upstream: &str, aliases: &[String]) -> Result<Self, BadAddress> {
        let upstream = authority(upstream)?;
        let mut allowed: BTreeSet<String> = IN_CLUSTER_NAMES
            .iter()
            .map(|n| format!("{n}:{SERVICE_PORT}"))
            .collect();
        allowed.insert(upstream.clone());
        for alias in aliases {
            allowed.insert(authority(alias)?);
        }
        Ok(Self { upstream, allowed })
    }

    /// Whether a CONNECT to `target` (lower-cased authority) reaches the API server.
    pub fn allows(&self, target: &str) -> bool {
        self.allowed.contains(target)
    }

    /// The accepted authorities, for the start-up log line.
    pub fn allowed(&self) -> impl Iterator<Item = &str> {
        self.allowed.iter().map(String::as_str)
    }
}

/// `host:port` of `address`: a URL's authority (its scheme's default port when it names
/// none), or `address` itself when it already is `host:port`; lower-cased.
///
/// # Errors
/// When no host is found.
pub fn authority(address: &str) -> Result<String, BadAddress> {
    let bad = || BadAddress(address.chars().take(100).collect());
    let lower = address.trim().to_ascii_lowercase();
    let (rest, default_port) = match lower.split_once("://") {
        Some(("https", rest)) => (rest, Some(443)),
        Some(("http", rest)) => (rest, Some(80)),
        Some(_) => return Err(bad()),
        None => (lower.as_str(), None),
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = host_port.rsplit('@').next().unwrap_or_default();
    // The port follows the last ':' outside an IPv6 literal's brackets.
    let (host, port) = match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    if host.is_empty() || host == "[]" {
        return Err(bad());
    }
    let port: u16 = match (port, default_port) {
        (Some(p), _) => p.parse().map_err(|_| bad())?,
        (None, Some(p)) => p,
        (None, None) => return Err(bad()),
    };
    Ok(format!("{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_host_ports_become_authorities() {
        assert_eq!(authority("https://10.96.0.1").unwrap(), "10.96.0.1:443");
        assert_eq!(
            authority("HTTPS://API.example:6443/").unwrap(),
            "api.example:6443"
        );
        assert_eq!(authority("172.31.4.1:36443").unwrap(), "172.31.4.1:36443");
        assert_eq!(
            authority("https://[fd00::1]:6443").unwrap(),
            "[fd00::1]:6443"
        );
        assert_eq!(authority("https://[fd00::1]").unwrap(), "[fd00::1]:443");
        for bad in ["", "https://", "api.example", "ftp://x:1", "x:port"] {
            assert!(authority(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_the_api_server_under_its_names_is_allowed() {
        let targets = Targets::new(
            "https://172.31.4.1:36443",
            &["https://api.example:6443".into()],
        )
        .unwrap();
        assert_eq!(targets.upstream, "172.31.4.1:36443");
        for ok in [
            "172.31.4.1:36443",
            "api.example:6443",
            "kubernetes.default.svc:443",
            "kubernetes:443",
        ] {
            assert!(targets.allows(ok), "{ok}");
        }
        for refused in [
            "172.31.4.1:22",
            "172.31.4.2:36443",
            "kubernetes.default.svc:80",
            "liqo-proxy.liqo:8118",
            "api.example",
        ] {
            assert!(!targets.allows(refused), "{refused}");
        }
    }
}
