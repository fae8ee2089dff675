//! `virtual-kubelet`: the Node of one VirtualNode, kept alive while the provider answers.

use clap::Parser;
use liqo_virtual_kubelet::args::Args;
use tokio::signal::unix::{SignalKind, signal};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    liqo_kube::logging::init(args.log_json);
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::error!(error = %e, "failed to handle SIGTERM");
            return std::process::ExitCode::FAILURE;
        }
    };
    let shutdown = async move {
        tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
    };
    match liqo_virtual_kubelet::run(args, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "virtual kubelet failed");
            std::process::ExitCode::FAILURE
        }
    }
}
