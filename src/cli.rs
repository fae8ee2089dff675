//! The command line: global flags and the command tree.

use clap::Parser;

use crate::commands;
use crate::flags::GlobalArgs;

/// liqoctl manages Liqo peerings: it connects clusters, authenticates them to each other and
/// shares resources through virtual nodes.
#[derive(Debug, Parser)]
#[command(
    name = "liqoctl",
    version,
    propagate_version = true,
    mut_subcommands = hyphen_timeouts
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: commands::Command,
}

/// Every `--timeout` in the tree accepts a leading `-`, so a negative value is refused by its
/// value parser with the timeout message.
///
/// Applied to the whole tree by the `mut_subcommands` attribute on [`Cli`], so commands need
/// not remember an attribute on each `--timeout`.
fn hyphen_timeouts(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| {
        if arg.get_id() == "timeout" {
            arg.allow_hyphen_values(true)
        } else {
            arg
        }
    })
    .mut_subcommands(hyphen_timeouts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_timeout_flag_takes_a_minus_value_to_refuse_it() {
        for args in [
            &["liqoctl", "authenticate", "--timeout", "-1s"][..],
            &["liqoctl", "network", "connect", "--timeout", "-1s"],
            &["liqoctl", "uninstall", "--timeout", "-1s"],
            &["liqoctl", "generate", "tenant", "--timeout", "-1s"],
            &[
                "liqoctl",
                "create",
                "resourceslice",
                "s",
                "--remote-cluster-id",
                "p",
                "--timeout",
                "-1s",
            ],
            &["liqoctl", "drain", "tenant", "c", "--timeout", "-1s"],
        ] {
            let err = <Cli as Parser>::try_parse_from(args).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{args:?}"
            );
            assert!(err.to_string().contains("it must be positive"), "{err}");
        }
        // Other flags keep refusing values that look like flags.
        let err = <Cli as Parser>::try_parse_from(["liqoctl", "install", "--cluster-id", "-x"])
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
    }
}
