//! `liqoctl`: the kubectl-style CLI that drives Liqo peerings between clusters.

mod cli;
mod commands;
mod confirm;
mod ctx;
mod exit;
mod flags;
mod flows;
mod interrupt;
mod journal;
mod peers;
mod printer;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

fn main() -> ExitCode {
    let cli = parse_cli();
    init_tracing(cli.global.verbose);
    let printer = printer::Printer::new(cli.global.quiet, cli.global.verbose > 0);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer.error(format_args!("failed to start the async runtime: {e}"));
            return exit::ExitStatus::Internal.into();
        }
    };
    let code = match runtime.block_on(interrupt::run(commands::run(
        cli.command,
        cli.global,
        printer.clone(),
    ))) {
        Ok(Ok(status)) => status.into(),
        Ok(Err(err)) => {
            let status = exit::report(&printer, &err);
            journal::print_left(&printer);
            status.into()
        }
        Err(interrupted) => interrupted.report(&printer),
    };
    liqo_kube::client::append_request_counts();
    code
}

/// Help and usage name the binary as invoked (argv[0]); installed as the kubectl plugin
/// `kubectl-liqo`, they show `kubectl liqo`.
fn parse_cli() -> cli::Cli {
    let mut cmd = cli::Cli::command();
    let argv0 = std::path::PathBuf::from(std::env::args_os().next().unwrap_or_default());
    if argv0.file_stem().is_some_and(|name| name == "kubectl-liqo") {
        cmd = cmd.bin_name("kubectl liqo");
    }
    let mut matches = cmd.get_matches_mut();
    cli::Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|e| e.format(&mut cmd).exit())
}

/// `-v` shows liqoctl's own debug logs, `-vv` everything; off by default.
fn init_tracing(verbosity: u8) {
    let filter = match verbosity {
        0 => return,
        1 => "liqoctl=debug,liqo_kube=debug",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .init();
}
