//! Flag groups shared by several commands, and the parsing of `--timeout`. A leaf module:
//! commands and `cli.rs` import it, it imports neither.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use liqo_api::consts::name;

/// Flags every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    #[command(flatten)]
    pub local: ClusterArgs,
    /// Print extra progress lines and debug logs (-vv: all logs).
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing on stderr but errors.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// Answer "yes" to confirmation prompts.
    #[arg(long, global = true)]
    pub skip_confirm: bool,
}

/// kubectl's flags selecting the local cluster.
#[derive(Debug, Args, Clone, Default)]
pub struct ClusterArgs {
    /// Path to the kubeconfig file to use for CLI requests.
    #[arg(long, global = true)]
    pub kubeconfig: Option<PathBuf>,
    /// The name of the kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// The name of the kubeconfig cluster to use.
    #[arg(long, global = true)]
    pub cluster: Option<String>,
    /// The name of the kubeconfig user to use.
    #[arg(long, global = true)]
    pub user: Option<String>,
}

/// kubectl's flags selecting the remote cluster, on two-cluster commands.
#[derive(Debug, Args, Clone, Default)]
pub struct RemoteClusterArgs {
    /// Path to the kubeconfig file to use for CLI requests (in the remote cluster).
    #[arg(long)]
    pub remote_kubeconfig: Option<PathBuf>,
    /// The name of the kubeconfig context to use (in the remote cluster).
    #[arg(long)]
    pub remote_context: Option<String>,
    /// The name of the kubeconfig cluster to use (in the remote cluster).
    #[arg(long)]
    pub remote_cluster: Option<String>,
    /// The name of the kubeconfig user to use (in the remote cluster).
    #[arg(long)]
    pub remote_user: Option<String>,
}

impl ClusterArgs {
    pub fn access(&self) -> liqo_kube::client::Access {
        liqo_kube::client::Access {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
            flag_prefix: "",
        }
    }
}

impl RemoteClusterArgs {
    /// Whether any remote flag was given.
    pub fn is_set(&self) -> bool {
        self.remote_kubeconfig.is_some()
            || self.remote_context.is_some()
            || self.remote_cluster.is_some()
            || self.remote_user.is_some()
    }

    pub fn access(&self) -> liqo_kube::client::Access {
        liqo_kube::client::Access {
            kubeconfig: self.remote_kubeconfig.clone(),
            context: self.remote_context.clone(),
            cluster: self.remote_cluster.clone(),
            user: self.remote_user.clone(),
            flag_prefix: "remote-",
        }
    }
}

/// Parses an `--api-server-url`: `https://<host>[:<port>][/<path>]`; a bare `<host>[:<port>]`
/// is taken as https, as the controller manager takes it. Checked before install writes
/// anything: the API-server proxy and the peers' kubeconfigs use it as given.
pub fn parse_api_server_url(text: &str) -> Result<String, String> {
    let bad = |why: &str| format!("invalid API server URL {text:?}: {why}");
    let trimmed = text.trim().trim_end_matches('/');
    let url = match trimmed.split_once("://") {
        Some(("https", _)) => trimmed.to_string(),
        Some((scheme, _)) => {
            return Err(bad(&format!(
                "the API server is reached over https, not {scheme}: use https://<host>[:<port>]"
            )));
        }
        None => format!("https://{trimmed}"),
    };
    let authority = url["https://".len()..]
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (authority, None),
    };
    if host.is_empty() || host.contains(['@', ' ']) {
        return Err(bad("use https://<host>[:<port>]"));
    }
    if let Some(port) = port
        && !port.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return Err(bad(&format!("port {port:?} is not 1-65535")));
    }
    Ok(url)
}

/// The longest `--timeout` accepted: longer is a typo, and an `Instant` that far ahead may not
/// exist (`--timeout 1000000h` used to panic).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Parses a Go duration (`90s`, `2m`, `1h30m`, `1.5h`, `500ms`, `10us`, `10µs`, `100ns`) and
/// refuses zero, negative, unit-less and absurd (over a year) values. Every `--timeout` takes a
/// leading `-` (see `hyphen_timeouts`), so `--timeout -1s` reaches this message instead of
/// clap's "unexpected argument '-1'".
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let bad = |why: &str| format!("invalid timeout {text:?}: {why}");
    let mut rest = text.trim();
    if rest.starts_with('-') {
        return Err(bad("it must be positive, such as 90s or 2m"));
    }
    rest = rest.strip_prefix('+').unwrap_or(rest);
    if rest.is_empty() {
        return Err(bad("use a positive duration such as 90s or 2m"));
    }
    let max_nanos = MAX_TIMEOUT.as_nanos();
    let mut nanos: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_len);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(bad("use a number and a unit, such as 90s or 2m"));
        }
        let scale: u128 = match unit {
            "ns" => 1,
            // Go accepts both micro signs.
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(bad("a unit is missing (ns, us, ms, s, m or h)")),
            _ => {
                return Err(bad(&format!(
                    "unit {unit:?} is not one of ns, us, \u{b5}s, ms, s, m, h"
                )));
            }
        };
        nanos = nanos.saturating_add(scaled(number, scale));
        if nanos > max_nanos {
            return Err(bad("it exceeds the maximum of one year (8760h)"));
        }
        rest = next;
    }
    if nanos == 0 {
        return Err(bad("it must be greater than zero"));
    }
    let secs = u64::try_from(nanos / 1_000_000_000).expect("invariant: at most a year");
    let sub = u32::try_from(nanos % 1_000_000_000).expect("invariant: below one second");
    Ok(Duration::new(secs, sub))
}

/// `number` (digits, at most one `.`) times `scale` nanoseconds, saturating; fractions below a
/// nanosecond are dropped, as Go does.
fn scaled(number: &str, scale: u128) -> u128 {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        // Digits only, so the only failure is overflow.
        whole.parse().unwrap_or(u128::MAX)
    };
    let mut total = whole.saturating_mul(scale);
    let mut unit = scale;
    for digit in fraction.bytes().take(30) {
        unit /= 10;
        total = total.saturating_add(u128::from(digit - b'0') * unit);
    }
    total
}

/// The instant `timeout` from now, for commands that split one `--timeout` across steps;
/// never panics (an unrepresentable instant becomes the farthest one that is).
pub fn deadline(timeout: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(MAX_TIMEOUT))
        .unwrap_or(now)
}

/// The flags of a two-cluster command (`peer`, `unpeer`, `authenticate`, `unauthenticate`):
/// each side's Liqo namespace and the remote cluster (peering.md §1.2).
#[derive(Debug, Args, Clone)]
pub struct PeerClusterArgs {
    /// The local Liqo namespace.
    #[arg(short = 'n', long = "namespace", default_value = name::LIQO_NAMESPACE)]
    pub namespace: String,
    /// The remote Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    pub remote_namespace: String,
    #[command(flatten)]
    pub remote: RemoteClusterArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_server_urls_are_https_with_a_host_and_a_valid_port() {
        for (given, taken) in [
            ("https://203.0.113.7:6443", "https://203.0.113.7:6443"),
            ("https://api.example/", "https://api.example"),
            ("api.example:6443", "https://api.example:6443"),
            ("https://[fd00::1]:6443", "https://[fd00::1]:6443"),
            (
                "https://rancher.example/k8s/clusters/c-1",
                "https://rancher.example/k8s/clusters/c-1",
            ),
        ] {
            assert_eq!(parse_api_server_url(given).as_deref(), Ok(taken), "{given}");
        }
        let err = parse_api_server_url("http://api.example").unwrap_err();
        assert!(err.contains("reached over https, not http"), "{err}");
        for bad in [
            "",
            "https://",
            "https://:6443",
            "https://api.example:0",
            "https://api.example:http",
            "https://user@api.example",
        ] {
            assert!(parse_api_server_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_parse_go_durations() {
        assert_eq!(parse_timeout("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_timeout("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_timeout("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout("+2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_timeout("100ns"), Ok(Duration::from_nanos(100)));
        assert_eq!(parse_timeout("10us"), Ok(Duration::from_micros(10)));
        assert_eq!(parse_timeout("10\u{b5}s"), Ok(Duration::from_micros(10)));
        assert_eq!(parse_timeout("10\u{3bc}s"), Ok(Duration::from_micros(10)));
        assert_eq!(parse_timeout("1m0.5s"), Ok(Duration::from_millis(60_500)));
        assert_eq!(parse_timeout(".5s"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout("8760h"), Ok(MAX_TIMEOUT));
    }

    #[test]
    fn timeouts_refuse_zero_negative_unitless_unknown_and_absurd_values() {
        let err = |t: &str| parse_timeout(t).unwrap_err();
        assert_eq!(
            err("0s"),
            "invalid timeout \"0s\": it must be greater than zero"
        );
        assert_eq!(
            err("-1s"),
            "invalid timeout \"-1s\": it must be positive, such as 90s or 2m"
        );
        assert!(err("5x").contains("unit \"x\" is not one of ns, us"));
        assert!(err("5").contains("a unit is missing"));
        assert!(err("").contains("use a positive duration"));
        assert!(err("s").contains("use a number and a unit"));
        assert!(err("1.2.3s").contains("use a number and a unit"));
        assert_eq!(
            err("1000000h"),
            "invalid timeout \"1000000h\": it exceeds the maximum of one year (8760h)"
        );
        assert!(err("8760h1ns").contains("maximum of one year"));
        assert!(err("99999999999999999999999999999999999999999h").contains("maximum"));
    }

    #[test]
    fn deadlines_never_overflow() {
        let now = tokio::time::Instant::now();
        assert!(deadline(Duration::from_secs(1)) > now);
        let _ = deadline(Duration::MAX);
    }
}
