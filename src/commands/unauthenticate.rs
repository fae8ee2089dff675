//! `liqoctl unauthenticate`: removes the consumer's control-plane Identity and the provider's
//! Tenant (and the nonce Secrets of the handshake, which upstream leaves behind).

use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Secret;
use kube::api::{DeleteParams, ListParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, Renew, ResourceSlice, Tenant};
use liqo_api::consts::{label, name};
use liqo_kube::auth::identity::controlplane_name;
use liqo_kube::tenant_namespace;

use crate::cli::{RemoteClusterArgs, parse_timeout};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::peers::Peers;

/// Remove the authentication with a provider cluster (local = consumer, remote = provider).
#[derive(Debug, clap::Args)]
pub struct UnauthenticateArgs {
    /// The local Liqo namespace.
    #[arg(short = 'n', long = "namespace", default_value = name::LIQO_NAMESPACE)]
    namespace: String,
    /// The remote Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    remote_namespace: String,
    /// Wait until the Identity and the Tenant are gone (upstream accepts and ignores it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    wait: bool,
    /// Bound on the whole operation.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
    #[command(flatten)]
    remote: RemoteClusterArgs,
}

impl UnauthenticateArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            namespace,
            remote_namespace,
            wait,
            timeout,
            remote,
        } = self;
        let peers = Peers::connect(ctx, &remote, &namespace, &remote_namespace).await?;
        match tokio::time::timeout(timeout, unauthenticate(&peers, wait)).await {
            Ok(result) => result.map(|()| ExitStatus::Success),
            Err(_) => bail!(
                "timed out after {}s removing the authentication with cluster {}",
                timeout.as_secs(),
                peers.remote_id
            ),
        }
    }
}

async fn unauthenticate(peers: &Peers, wait: bool) -> anyhow::Result<()> {
    let (local, remote) = (&peers.local.client, &peers.remote.client);
    let (lp, rp) = (&peers.local_printer, &peers.remote_printer);
    let spinner = lp.spinner("Checking for leftover ResourceSlices");
    let selector = format!(
        "{}=true,{}={}",
        label::REPLICATION,
        label::REMOTE_ID,
        peers.remote_id
    );
    let slices = Api::<ResourceSlice>::all(local.clone())
        .list(&ListParams::default().labels(&selector))
        .await?;
    if !slices.items.is_empty() {
        spinner.fail("resourceslices are still present on consumer cluster");
        let names: Vec<String> = slices.items.iter().map(ResourceExt::name_any).collect();
        bail!(
            "resourceslices {} still use cluster {}: delete them (or run `liqoctl unpeer`) first",
            names.join(", "),
            peers.remote_id
        );
    }
    spinner.success("No leftover resourceslices on consumer cluster");

    if let Some(ns) = tenant_namespace::lookup(local, &peers.remote_id)
        .await?
        .map(|n| n.name_any())
    {
        let spinner = lp.spinner("Deleting identity control plane");
        let api: Api<Identity> = Api::namespaced(local.clone(), &ns);
        let existed = delete(&api, &controlplane_name(&peers.remote_id), wait).await?;
        delete_secret(local, &ns, name::SIGNED_NONCE_SECRET).await?;
        spinner.success(if existed {
            "Identity control plane correctly deleted"
        } else {
            "Identity control plane already deleted"
        });
    } else {
        lp.success("Identity control plane already deleted");
    }
    if let Some(ns) = tenant_namespace::lookup(remote, &peers.local_id)
        .await?
        .map(|n| n.name_any())
    {
        let spinner = rp.spinner("Deleting tenant");
        let api: Api<Tenant> = Api::namespaced(remote.clone(), &ns);
        let existed = delete(&api, &peers.local_id, wait).await?;
        // The consumer's Renew (made through its identity) goes with the Tenant.
        let renews: Api<Renew> = Api::namespaced(remote.clone(), &ns);
        delete(&renews, &controlplane_name(&peers.remote_id), wait).await?;
        // A fresh nonce for any later authentication.
        delete_secret(remote, &ns, name::NONCE_SECRET).await?;
        spinner.success(if existed {
            "Tenant correctly deleted"
        } else {
            "Tenant already deleted"
        });
    } else {
        rp.success("Tenant already deleted");
    }
    Ok(())
}

/// Deletes `name`; with `wait`, until it is gone (finalizers run; the command's timeout
/// bounds the wait). Whether it existed.
async fn delete<K>(api: &Api<K>, name: &str, wait: bool) -> anyhow::Result<bool>
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
{
    Ok(liqo_kube::wait::deleted(api, name, wait.then_some(Duration::MAX)).await?)
}

async fn delete_secret(client: &Client, namespace: &str, name: &str) -> anyhow::Result<()> {
    match Api::<Secret>::namespaced(client.clone(), namespace)
        .delete(name, &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(e).with_context(|| format!("failed to delete Secret {namespace}/{name}")),
    }
}
