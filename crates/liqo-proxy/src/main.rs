//! `liqo-proxy`: see the library's documentation.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use liqo_proxy::targets::Targets;

/// HTTP CONNECT proxy to this cluster's API server, for consumers peered in-band.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (the pod IP: test clusters share the host's network).
    #[arg(long, default_value_t = format!("0.0.0.0:{}", liqo_proxy::PROXY_PORT))]
    listen_address: String,
    /// Another address clients use for this API server (host:port or URL), accepted as a
    /// CONNECT target besides the in-cluster names; repeatable.
    #[arg(long = "allow-target")]
    allow_targets: Vec<String>,
    /// Log as JSON lines.
    #[arg(long)]
    log_json: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    liqo_kube::logging::init(args.log_json);
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    // Flags first: a typo is named before anything is looked up.
    for target in &args.allow_targets {
        liqo_proxy::targets::authority(target).context("invalid --allow-target")?;
    }
    // The API server as this pod reaches it: in-cluster, else KUBECONFIG (test clusters).
    let config = kube::Config::infer()
        .await
        .context("cannot find this cluster's API server (no in-cluster config, no KUBECONFIG)")?;
    let targets = Targets::new(&config.cluster_url.to_string(), &args.allow_targets)
        .context("invalid --allow-target")?;
    let listener = tokio::net::TcpListener::bind(&args.listen_address)
        .await
        .with_context(|| format!("cannot listen on --listen-address {}", args.listen_address))?;
    tracing::info!(
        listen = %args.listen_address,
        upstream = %targets.upstream,
        allowed = ?targets.allowed().collect::<Vec<_>>(),
        "serving CONNECT to the API server"
    );
    liqo_proxy::serve::serve(listener, targets, terminated()).await;
    Ok(())
}

/// SIGTERM (the kubelet stopping the pod) or Ctrl-C.
async fn terminated() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
