//! HTTP readiness probes, as the kubelet sends them.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The kubelet's defaults: `timeoutSeconds`, `successThreshold`, `failureThreshold`.
const DEFAULT_TIMEOUT_SECONDS: i32 = 1;
const DEFAULT_SUCCESS_THRESHOLD: i32 = 1;
const DEFAULT_FAILURE_THRESHOLD: i32 = 3;

/// `GET http://host:port/path` answered with 2xx or 3xx within `timeout_seconds` (default 1),
/// sent from network namespace `netns` (the pod's own, where its address is local), else from
/// the agent's.
pub async fn http_get(
    netns: Option<&str>,
    host: &str,
    port: u16,
    path: &str,
    timeout_seconds: Option<i32>,
) -> bool {
    let seconds = timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS).max(1);
    let timeout = Duration::from_secs(u64::try_from(seconds).unwrap_or(1));
    tokio::time::timeout(timeout, get(netns, host, port, path, timeout))
        .await
        .unwrap_or(false)
}

/// Readiness after one more probe result, as the kubelet decides it: it changes only after
/// `successThreshold` successes or `failureThreshold` failures in a row (one slow answer
/// does not take a pod out of its Services); `streak` counts the run (pure).
pub fn readiness(
    ready: bool,
    streak: &mut i32,
    ok: bool,
    probe: &k8s_openapi::api::core::v1::Probe,
) -> bool {
    *streak = match (ok, *streak) {
        (true, n) if n > 0 => n.saturating_add(1),
        (true, _) => 1,
        (false, n) if n < 0 => n.saturating_sub(1),
        (false, _) => -1,
    };
    let successes = probe
        .success_threshold
        .unwrap_or(DEFAULT_SUCCESS_THRESHOLD)
        .max(1);
    let failures = probe
        .failure_threshold
        .unwrap_or(DEFAULT_FAILURE_THRESHOLD)
        .max(1);
    if *streak >= successes {
        true
    } else if -*streak >= failures {
        false
    } else {
        ready
    }
}

async fn get(netns: Option<&str>, host: &str, port: u16, path: &str, timeout: Duration) -> bool {
    let Ok(ip) = host.parse::<std::net::IpAddr>() else {
        return false;
    };
    let addr = std::net::SocketAddr::new(ip, port);
    let Ok(mut stream) = crate::net::connect_in(netns, addr, timeout).await else {
        return false;
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: kube-probe/liqo-testenv\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    let Ok(n) = stream.read(&mut head).await else {
        return false;
    };
    // "HTTP/1.1 200 ..." : the status code is the second word.
    let line = String::from_utf8_lossy(&head[..n]);
    let code: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (200..400).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_flips_only_after_the_thresholds() {
        let probe = k8s_openapi::api::core::v1::Probe::default();
        let (mut ready, mut streak) = (false, 0);
        ready = readiness(ready, &mut streak, true, &probe);
        assert!(ready, "one success is enough by default");
        for _ in 0..2 {
            ready = readiness(ready, &mut streak, false, &probe);
            assert!(ready, "fewer than 3 failures keep it ready");
        }
        ready = readiness(ready, &mut streak, false, &probe);
        assert!(!ready, "the third failure in a row");
        let strict = k8s_openapi::api::core::v1::Probe {
            success_threshold: Some(2),
            failure_threshold: Some(1),
            ..Default::default()
        };
        ready = readiness(ready, &mut streak, true, &strict);
        assert!(!ready, "one success of two");
        ready = readiness(ready, &mut streak, true, &strict);
        assert!(ready);
        assert!(!readiness(ready, &mut streak, false, &strict));
    }
}
