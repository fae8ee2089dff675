//! `liqoctl uninstall`: removes what install made; `--purge` also the CRDs and tenant namespaces.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{DeleteParams, ListParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::label;
use liqo_api::core::ForeignCluster;
use liqo_kube::install::{self as plan, AuthKeys, InstallParams};

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;

/// The API groups whose CRDs `--purge` removes.
const LIQO_GROUPS: &[&str] = &[
    "core.liqo.io",
    "offloading.liqo.io",
    "networking.liqo.io",
    "ipam.liqo.io",
    "authentication.liqo.io",
];

/// Uninstall Liqo from the selected cluster.
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// The Liqo namespace.
    #[arg(short = 'n', long = "namespace", default_value = plan::LIQO_NAMESPACE)]
    namespace: String,
    /// Also remove the Liqo CRDs (and with them every Liqo object) and the tenant namespaces.
    #[arg(long)]
    purge: bool,
    /// Uninstall even while peerings exist.
    #[arg(long)]
    force: bool,
    /// Bound on the whole uninstallation.
    #[arg(long, default_value = "10m", value_parser = parse_timeout)]
    timeout: Duration,
}

impl UninstallArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            namespace,
            purge,
            force,
            timeout,
        } = self;
        if !crate::confirm::destructive(ctx, "uninstall")? {
            return Ok(ExitStatus::Failure);
        }
        let client = ctx.local().await?.client;
        let spinner = ctx.printer.spinner("Running pre-uninstall checks");
        let clusters = foreign_clusters(&client).await?;
        let active: Vec<&Peering> = clusters.iter().filter(|p| p.is_active()).collect();
        let names = || {
            active
                .iter()
                .map(|p| p.describe())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !active.is_empty() && !force {
            spinner.fail("Pre-uninstall checks failed");
            // `liqoctl unpeer` does not exist yet: name the commands that undo each module.
            bail!(
                "active peerings with cluster(s) {}: remove them first (`liqoctl unauthenticate` \
                 and `liqoctl network reset`, run with --remote-kubeconfig of the peer), or pass \
                 --force to uninstall anyway",
                names()
            );
        }
        if active.is_empty() {
            spinner.success("Pre-uninstall checks passed");
        } else {
            spinner.warn(format_args!(
                "Active peerings with {} left behind because of --force",
                names()
            ));
        }

        let spinner = ctx.printer.spinner("Uninstalling Liqo");
        let work = async {
            delete_idle_foreign_clusters(&client, &clusters).await?;
            remove_installation(&client, &namespace).await?;
            if purge {
                purge_crds(&client).await?;
                delete_namespaces(
                    &client,
                    &format!("{}={}", label::TENANT_NAMESPACE, label::TRUE),
                )
                .await?;
            }
            anyhow::Ok(())
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(Ok(())) => spinner.success("Liqo uninstalled"),
            Ok(Err(e)) => {
                spinner.fail("Uninstallation failed");
                return Err(e);
            }
            Err(_) => {
                spinner.fail("Uninstallation failed");
                bail!(
                    "timed out after {}s uninstalling Liqo: run the command again to resume",
                    timeout.as_secs()
                );
            }
        }
        if purge {
            ctx.printer.success("Liqo CRDs purged");
            ctx.printer.success("Liqo namespaces deleted");
        }
        Ok(ExitStatus::Success)
    }
}

/// A ForeignCluster and the modules whose objects exist here for its peer.
struct Peering {
    name: String,
    modules: Vec<&'static str>,
}

impl Peering {
    /// A ForeignCluster with no module enabled is no peering (upstream counts it as one, so
    /// one left with role Unknown after `unauthenticate` and `network reset` blocks it).
    fn is_active(&self) -> bool {
        !self.modules.is_empty()
    }

    fn describe(&self) -> String {
        format!("{} ({})", self.name, self.modules.join(", "))
    }
}

/// Every ForeignCluster, with its enabled modules. A module is judged enabled as the
/// ForeignCluster controller does, by the objects that make it up, rather than read from the
/// status, which lags behind a teardown that has just returned.
async fn foreign_clusters(client: &Client) -> anyhow::Result<Vec<Peering>> {
    use liqo_api::authentication::{Identity, ResourceSlice, Tenant};
    use liqo_api::networking::{Configuration, GatewayClient, GatewayServer};
    use liqo_api::offloading::VirtualNode;
    let fcs = match Api::<ForeignCluster>::all(client.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => list.items,
        // No CRD: Liqo was never installed here, or already purged.
        Err(kube::Error::Api(e)) if e.code == 404 => return Ok(Vec::new()),
        Err(e) => return Err(e).context("failed to list ForeignClusters"),
    };
    let by_cluster = label::REMOTE_CLUSTER_ID;
    let found = [
        (
            "authentication",
            peers_of::<Tenant>(client, by_cluster).await?,
        ),
        (
            "authentication",
            peers_of::<Identity>(client, by_cluster).await?,
        ),
        (
            "authentication",
            peers_of::<ResourceSlice>(client, label::REMOTE_ID).await?,
        ),
        (
            "networking",
            peers_of::<Configuration>(client, by_cluster).await?,
        ),
        (
            "networking",
            peers_of::<GatewayServer>(client, by_cluster).await?,
        ),
        (
            "networking",
            peers_of::<GatewayClient>(client, by_cluster).await?,
        ),
        (
            "offloading",
            peers_of::<VirtualNode>(client, by_cluster).await?,
        ),
    ];
    let mut peers: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (module, ids) in found {
        peers.entry(module).or_default().extend(ids);
    }
    Ok(fcs
        .iter()
        .map(|fc| Peering {
            name: fc.name_any(),
            modules: peers
                .iter()
                .filter(|(_, ids)| ids.contains(&fc.spec.cluster_id))
                .map(|(module, _)| *module)
                .collect(),
        })
        .collect())
}

/// The values of `key` on the objects of kind `K` that carry it (none when the CRD is absent).
async fn peers_of<K>(client: &Client, key: &str) -> anyhow::Result<BTreeSet<String>>
where
    K: kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match Api::<K>::all(client.clone())
        .list(&ListParams::default().labels(key))
        .await
    {
        Ok(list) => Ok(list
            .items
            .iter()
            .filter_map(|o| o.labels().get(key).cloned())
            .collect()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(Default::default()),
        Err(e) => Err(e).with_context(|| format!("failed to list {}", K::kind(&()))),
    }
}

/// Deletes the ForeignClusters of no active peering: nothing else would (the controller
/// never deletes one), and they hold nothing.
async fn delete_idle_foreign_clusters(client: &Client, clusters: &[Peering]) -> anyhow::Result<()> {
    let api: Api<ForeignCluster> = Api::all(client.clone());
    for idle in clusters.iter().filter(|p| !p.is_active()) {
        delete_ignoring_absent(api.clone(), &idle.name).await?;
    }
    Ok(())
}

/// Deletes every non-CRD object install renders, then waits for the namespace to be gone.
/// Upstream's Helm uninstall keeps the Liqo namespace; we remove it, since install made it.
async fn remove_installation(client: &Client, namespace: &str) -> anyhow::Result<()> {
    let keys = AuthKeys {
        private_pem: String::new(),
        public_pem: String::new(),
    };
    let params = InstallParams {
        namespace: namespace.into(),
        cluster_id: String::new(),
        pod_cidrs: Vec::new(),
        service_cidr: String::new(),
        external_cidr: String::new(),
        internal_cidr: String::new(),
        image: String::new(),
        api_server_url: None,
        tls_compatibility_mode: false,
        keys: Some(keys),
    };
    for m in plan::render(&params)?.iter().rev() {
        if m.resource.kind == "CustomResourceDefinition" {
            continue;
        }
        if m.resource.kind.ends_with("Template")
            && !crd_exists(client, &m.resource.plural, &m.resource.group).await?
        {
            continue;
        }
        m.delete(client).await?;
    }
    // Objects install did not render by name but labelled as ours (older releases).
    let selector = ListParams::default().labels(plan::PART_OF_SELECTOR);
    for role in Api::<ClusterRole>::all(client.clone())
        .list(&selector)
        .await?
        .items
    {
        delete_ignoring_absent(Api::<ClusterRole>::all(client.clone()), &role.name_any()).await?;
    }
    for binding in Api::<ClusterRoleBinding>::all(client.clone())
        .list(&selector)
        .await?
        .items
    {
        delete_ignoring_absent(
            Api::<ClusterRoleBinding>::all(client.clone()),
            &binding.name_any(),
        )
        .await?;
    }
    await_namespace_gone(client, namespace).await
}

async fn crd_exists(client: &Client, plural: &str, group: &str) -> anyhow::Result<bool> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    Ok(api.get_opt(&format!("{plural}.{group}")).await?.is_some())
}

async fn purge_crds(client: &Client) -> anyhow::Result<()> {
    release_finalizers(client).await?;
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut names = Vec::new();
    for crd in api.list(&ListParams::default()).await?.items {
        if LIQO_GROUPS.contains(&crd.spec.group.as_str()) {
            names.push(crd.name_any());
            delete_ignoring_absent(api.clone(), &crd.name_any()).await?;
        }
    }
    for name in names {
        let what = format!("CRD {name} to be deleted");
        liqo_kube::wait::object(
            api.clone(),
            &name,
            &what,
            Duration::MAX,
            |c| c.is_none(),
            |_| "still present".into(),
        )
        .await?;
    }
    Ok(())
}

/// Finalizers only the (now removed) controller manager releases: the IPAM's on Networks, the
/// ClusterRoleBinding one on WireGuard gateways, the CRD replicator's on replicated objects and
/// the VirtualNode controller's. Left in place, they would keep the CRDs
/// and tenant namespaces from ever being deleted, so the bindings go here and the finalizers
/// are dropped.
async fn release_finalizers(client: &Client) -> anyhow::Result<()> {
    use liqo_api::authentication::{Renew, ResourceSlice};
    use liqo_api::consts::finalizer;
    use liqo_api::ipam::Network;
    use liqo_api::networking::{WgGatewayClient, WgGatewayServer};
    use liqo_api::offloading::{NamespaceMap, VirtualNode};
    drop_finalizer::<Network>(client, finalizer::NETWORK_IPAM).await?;
    drop_finalizer::<WgGatewayServer>(client, finalizer::GATEWAY_CLUSTER_ROLE_BINDING).await?;
    drop_finalizer::<WgGatewayClient>(client, finalizer::GATEWAY_CLUSTER_ROLE_BINDING).await?;
    drop_finalizer::<ResourceSlice>(client, finalizer::CRD_REPLICATOR_RESOURCE).await?;
    drop_finalizer::<NamespaceMap>(client, finalizer::CRD_REPLICATOR_RESOURCE).await?;
    drop_finalizer::<Renew>(client, finalizer::CRD_REPLICATOR_RESOURCE).await?;
    drop_finalizer::<VirtualNode>(client, finalizer::VIRTUAL_NODE).await?;
    let bindings = Api::<ClusterRoleBinding>::all(client.clone());
    let gateways = ListParams::default().labels(label::GATEWAY_NAME);
    for binding in bindings.list(&gateways).await?.items {
        delete_ignoring_absent(bindings.clone(), &binding.name_any()).await?;
    }
    Ok(())
}

async fn drop_finalizer<K>(client: &Client, finalizer: &str) -> anyhow::Result<()>
where
    K: kube::Resource<Scope = kube::core::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let objects = match Api::<K>::all(client.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => list.items,
        // No CRD: nothing to release.
        Err(kube::Error::Api(e)) if e.code == 404 => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("failed to list {}", K::kind(&()))),
    };
    for object in objects {
        let finalizers: Vec<&String> = object
            .finalizers()
            .iter()
            .filter(|f| *f != finalizer)
            .collect();
        if finalizers.len() == object.finalizers().len() {
            continue;
        }
        let api: Api<K> = Api::namespaced(client.clone(), &object.namespace().unwrap_or_default());
        let patch = serde_json::json!({"metadata": {"finalizers": finalizers}});
        match api
            .patch(
                &object.name_any(),
                &kube::api::PatchParams::default(),
                &kube::api::Patch::Merge(&patch),
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "failed to release the finalizer of {} {}",
                        K::kind(&()),
                        object.name_any()
                    )
                });
            }
        }
    }
    Ok(())
}

async fn delete_namespaces(client: &Client, selector: &str) -> anyhow::Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    for ns in api
        .list(&ListParams::default().labels(selector))
        .await?
        .items
    {
        delete_ignoring_absent(api.clone(), &ns.name_any()).await?;
        await_namespace_gone(client, &ns.name_any()).await?;
    }
    Ok(())
}

async fn await_namespace_gone(client: &Client, namespace: &str) -> anyhow::Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    let what = format!("namespace {namespace} to be deleted");
    let describe =
        |ns: Option<&Namespace>| match ns.and_then(|n| n.status.as_ref()?.conditions.clone()) {
            Some(cs) => cs
                .iter()
                .filter_map(|c| c.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            None => "terminating".into(),
        };
    liqo_kube::wait::object(
        api,
        namespace,
        &what,
        Duration::MAX,
        |ns| ns.is_none(),
        describe,
    )
    .await?;
    Ok(())
}

async fn delete_ignoring_absent<K>(api: Api<K>, name: &str) -> anyhow::Result<()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.delete(name, &DeleteParams::background()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(e).with_context(|| format!("failed to delete {name}")),
    }
}
