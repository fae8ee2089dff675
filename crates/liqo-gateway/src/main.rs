//! `liqo-gateway`: the userspace WireGuard gateway of a Liqo peering.

use clap::Parser;
use liqo_gateway::args::Args;

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    liqo_kube::logging::init(args.log_json);
    // The packet loop runs on its own threads; the control plane needs little.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(rt) => rt.block_on(liqo_gateway::run::run(args)),
        Err(e) => Err(anyhow::Error::new(e).context("failed to start the async runtime")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "gateway failed");
            std::process::ExitCode::FAILURE
        }
    }
}
