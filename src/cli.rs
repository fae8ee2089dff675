//! The command line: global flags and the command tree.

use std::path::PathBuf;

use clap::{Args, Parser};

use crate::commands;

/// liqoctl manages Liqo peerings: it connects clusters, authenticates them to each other and
/// shares resources through virtual nodes.
#[derive(Debug, Parser)]
#[command(name = "liqoctl", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: commands::Command,
}

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
        }
    }
}

/// Parses a Go-style duration (`90s`, `2m`, `1h30m`, `500ms`) and refuses zero or negative.
pub fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let mut total = std::time::Duration::ZERO;
    let mut rest = text.trim();
    if rest.is_empty() || rest.starts_with('-') {
        return Err(format!(
            "invalid timeout {text:?}: use a positive duration such as 90s or 2m"
        ));
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(digits);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("invalid timeout {text:?}: use e.g. 90s or 2m"))?;
        let seconds = match unit {
            "ms" => value / 1000.0,
            "s" => value,
            "m" => value * 60.0,
            "h" => value * 3600.0,
            _ => {
                return Err(format!(
                    "invalid timeout {text:?}: unit {unit:?} is not one of ms, s, m, h"
                ));
            }
        };
        total += std::time::Duration::from_secs_f64(seconds);
        rest = next;
    }
    if total.is_zero() {
        return Err(format!(
            "invalid timeout {text:?}: it must be greater than zero"
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timeouts_parse_go_durations_and_refuse_zero_or_negative() {
        assert_eq!(parse_timeout("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_timeout("500ms"), Ok(Duration::from_millis(500)));
        assert!(
            parse_timeout("0s")
                .unwrap_err()
                .contains("greater than zero")
        );
        assert!(parse_timeout("-5s").unwrap_err().contains("positive"));
        assert!(parse_timeout("5x").unwrap_err().contains("unit"));
    }
}
