//! `liqoctl completion`: shell completion scripts generated from the clap tree.
//!
//! Static completions only: subcommands, flags and the values of enum flags (clap knows them
//! from each flag's value parser). Completions that query a cluster are not generated.

use clap::{Command, CommandFactory as _};
use clap_complete::{Generator as _, Shell as ClapShell};

use crate::cli::Cli;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// The name the scripts complete: the installed binary.
pub const BIN_NAME: &str = "liqoctl";

/// Print a shell completion script (bash, zsh, fish, powershell).
// `--help` shows the doc comment of `Command::Completion`; docs/completion.md says how to load
// each script.
#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to generate the script for.
    #[arg(value_enum)]
    shell: Shell,
}

/// The shells upstream liqoctl generates scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    /// Every shell, in the order the scripts are listed.
    pub const ALL: [Shell; 4] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Powershell];

    fn clap(self) -> ClapShell {
        match self {
            Shell::Bash => ClapShell::Bash,
            Shell::Zsh => ClapShell::Zsh,
            Shell::Fish => ClapShell::Fish,
            Shell::Powershell => ClapShell::PowerShell,
        }
    }

    /// The conventional file name of the script (`liqoctl.bash`, `_liqoctl`, ...).
    pub fn file_name(self) -> String {
        self.clap().file_name(BIN_NAME)
    }
}

impl CompletionArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self { shell } = self;
        let script = render(shell)?;
        ctx.printer.data(script);
        Ok(ExitStatus::Success)
    }
}

/// The completion script of `shell` for the whole command tree.
///
/// # Errors
/// Only if clap_complete writes invalid UTF-8, which would be a bug.
pub fn render(shell: Shell) -> anyhow::Result<String> {
    let mut cmd = without_hidden_commands(&Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(shell.clap(), &mut cmd, BIN_NAME, &mut script);
    String::from_utf8(script)
        .map_err(|e| anyhow::anyhow!("the {shell:?} completion script is not UTF-8: {e}"))
}

/// A copy of `cmd` without its hidden subcommands, at every level: clap_complete offers hidden
/// commands too, and `docs` is for maintainers. What completion reads is copied: name, about,
/// visible aliases, version (and its propagation), flags and groups.
fn without_hidden_commands(cmd: &Command) -> Command {
    let mut copy = Command::new(cmd.get_name().to_owned())
        .propagate_version(cmd.is_propagate_version_set())
        .subcommand_required(cmd.is_subcommand_required_set())
        .args_conflicts_with_subcommands(cmd.is_args_conflicts_with_subcommands_set())
        .args(cmd.get_arguments().cloned())
        .groups(cmd.get_groups().cloned())
        .subcommands(
            cmd.get_subcommands()
                .filter(|sub| !sub.is_hide_set())
                .map(without_hidden_commands),
        );
    if let Some(about) = cmd.get_about() {
        copy = copy.about(about.clone());
    }
    if let Some(about) = cmd.get_long_about() {
        copy = copy.long_about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        copy = copy.version(version.to_owned());
    }
    for alias in cmd.get_visible_aliases() {
        copy = copy.visible_alias(alias.to_owned());
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_names_the_binary_and_its_commands() {
        for shell in Shell::ALL {
            let script = render(shell).expect("script renders");
            assert!(script.contains(BIN_NAME), "{shell:?}");
            assert!(script.contains("peer"), "{shell:?}");
        }
    }

    #[test]
    fn enum_flags_complete_to_their_values() {
        let script = render(Shell::Bash).expect("script renders");
        // `completion` takes the shell names themselves.
        assert!(script.contains("bash zsh fish powershell"), "{script}");
    }

    #[test]
    fn hidden_commands_are_not_completed() {
        for shell in Shell::ALL {
            let script = render(shell).expect("script renders");
            assert!(!script.contains("docs"), "{shell:?}");
            assert!(script.contains("network"), "{shell:?}");
        }
    }
}
