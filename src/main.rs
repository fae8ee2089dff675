//! `liqoctl`: the kubectl-style CLI that drives Liqo peerings between clusters.
use clap::Parser;

/// Manage Liqo peerings between Kubernetes clusters.
#[derive(Debug, Parser)]
#[command(name = "liqoctl", version)]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}
