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

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
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
    match runtime.block_on(interrupt::run(commands::run(cli.command, cli.global, printer.clone()))) {
        Ok(Ok(status)) => status.into(),
        Ok(Err(err)) => {
            let status = exit::report(&printer, &err);
            journal::print_left(&printer);
            status.into()
        }
        Err(interrupted) => interrupted.report(&printer),
    }
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
