//! `liqoctl get kubeconfig <identity>`: prints the kubeconfig the identity controller wrote.

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, ResourceExt};
use liqo_api::authentication::Identity;
use liqo_api::consts::name;
use liqo_kube::tenant_namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Print the kubeconfig of an Identity: `controlplane-<provider id>` (the control plane's) or
/// `resourceslice-<slice>` (a ResourceSlice's, which its virtual kubelet uses).
#[derive(Debug, clap::Args)]
pub struct GetKubeconfigArgs {
    /// The Identity's name.
    identity: String,
    /// The provider's cluster ID (whose tenant namespace holds the Identity).
    #[arg(long)]
    remote_cluster_id: String,
}

impl GetKubeconfigArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            identity,
            remote_cluster_id,
        } = self;
        let client = ctx.local().await?.client;
        let Some(ns) = tenant_namespace::lookup(&client, &remote_cluster_id)
            .await
            .context("unable to get tenant namespace")?
        else {
            bail!(
                "unable to get tenant namespace: none for cluster {remote_cluster_id} (not authenticated with it?)"
            );
        };
        let ns = ns.name_any();
        let identities = Api::<Identity>::namespaced(client.clone(), &ns);
        let Some(found) = identities
            .get_opt(&identity)
            .await
            .context("unable to get identity")?
        else {
            // A slice's name instead of its Identity's is the likely slip.
            let slice_identity = format!("{}{identity}", name::RESOURCE_SLICE_IDENTITY_PREFIX);
            if !identity.starts_with(name::RESOURCE_SLICE_IDENTITY_PREFIX)
                && let Ok(Some(_)) = identities.get_opt(&slice_identity).await
            {
                bail!(
                    "unable to get identity: no Identity {identity:?} in {ns}; the identity of ResourceSlice {identity:?} is {slice_identity:?}"
                );
            }
            bail!(
                "unable to get identity: no Identity {identity:?} in {ns} (identities are named controlplane-<provider id> or resourceslice-<slice>)"
            );
        };
        let Some(secret_name) = found
            .status
            .and_then(|s| s.kubeconfig_secret_ref)
            .map(|r| r.name)
            .filter(|n| !n.is_empty())
        else {
            bail!(
                "the identity does not have a kubeconfig secret reference (is the controller manager running?)"
            );
        };
        let secret = Api::<Secret>::namespaced(client, &ns)
            .get(&secret_name)
            .await
            .context("unable to get kubeconfig secret")?;
        let Some(kubeconfig) = secret
            .data
            .and_then(|d| d.get(name::KUBECONFIG_KEY).map(|k| k.0.clone()))
        else {
            bail!("the kubeconfig secret does not contain the kubeconfig field");
        };
        ctx.printer
            .data(format_args!("{}\n", String::from_utf8_lossy(&kubeconfig)));
        Ok(ExitStatus::Success)
    }
}
