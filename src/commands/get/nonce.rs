//! `liqoctl get nonce`: prints a consumer's nonce (no newline, for `$(…)`).

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, ResourceExt};
use liqo_api::consts::name;
use liqo_kube::tenant_namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Print the nonce created for a consumer cluster.
#[derive(Debug, clap::Args)]
pub struct GetNonceArgs {
    /// The consumer's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
}

impl GetNonceArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self { remote_cluster_id } = self;
        let client = ctx.local().await?.client;
        let Some(ns) = tenant_namespace::lookup(&client, &remote_cluster_id)
            .await
            .context("unable to retrieve tenant namespace")?
        else {
            bail!(
                "unable to retrieve tenant namespace: none for cluster {remote_cluster_id}; run `liqoctl create nonce` first"
            );
        };
        let secret = Api::<Secret>::namespaced(client, &ns.name_any())
            .get_opt(name::NONCE_SECRET)
            .await
            .context("unable to retrieve nonce")?;
        let nonce = secret
            .and_then(|s| s.data?.get(name::NONCE_KEY).map(|n| n.0.clone()))
            .filter(|n| !n.is_empty());
        let Some(nonce) = nonce else {
            bail!(
                "unable to retrieve nonce: none yet for cluster {remote_cluster_id}; run `liqoctl create nonce` first"
            );
        };
        ctx.printer.data(String::from_utf8_lossy(&nonce));
        Ok(ExitStatus::Success)
    }
}
