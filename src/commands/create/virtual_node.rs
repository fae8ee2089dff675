//! `liqoctl create virtualnode <name>` (spec offloading.md §8.2): a VirtualNode from an
//! accepted ResourceSlice or from a kubeconfig Secret, then a bounded wait for its Node.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::{Node, Secret};
use kube::api::{ListParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, ResourceSlice};
use liqo_api::common::{IngressType, LoadBalancerType, StorageType};
use liqo_api::consts::label;
use liqo_api::offloading::{VirtualNode, VirtualNodeSpec, VkOptionsTemplate};
use liqo_kube::offloading::node;
use liqo_kube::offloading::resource_slice::{self as slice_builder, SliceRequest};
use liqo_kube::offloading::virtual_node::{
    Mutation, VirtualNodeOptions, mutate, options_from_slice, template_ref,
};

use crate::commands::generate::{Format, print_object};
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{RemoteClusterArgs, parse_timeout};
use crate::flows::offload::tenant_namespace_of;
use crate::journal;
use crate::printer::Scope;

/// Create a virtual node for a provider cluster (consumer side), from an accepted
/// ResourceSlice or from a Secret holding a kubeconfig for the provider.
// Upstream quirk 12: upstream's example uses a --cluster-id flag that does not exist, and shows
// `resource=` inside the --resource value.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  liqoctl create virtualnode my-node --remote-cluster-id provider-id --resource-slice-name my-slice
  liqoctl create virtualnode my-node --remote-cluster-id provider-id \\
    --kubeconfig-secret-name my-kubeconfig --cpu 4 --memory 8Gi --resource nvidia.com/gpu=1")]
pub struct CreateVirtualNodeArgs {
    /// The VirtualNode's name (also the Node's).
    name: String,
    /// The provider's cluster ID.
    #[arg(long)]
    remote_cluster_id: String,
    /// A Secret in the tenant namespace holding a kubeconfig (key `kubeconfig`) for the provider.
    #[arg(long)]
    kubeconfig_secret_name: Option<String>,
    /// An accepted ResourceSlice whose identity and granted resources the node uses.
    #[arg(long)]
    resource_slice_name: Option<String>,
    /// Create the Node object.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    create_node: bool,
    /// Do not make the Node's readiness depend on the network with the provider.
    #[arg(long)]
    disable_network_check: bool,
    /// The VkOptionsTemplate to use, as <namespace>/<name> (default: the installation's).
    #[arg(long)]
    vk_options_template: Option<String>,
    /// The runtime class of the offloaded pods.
    #[arg(long)]
    runtime_class_name: Option<String>,
    /// CPU of the node (kubeconfig-secret mode).
    #[arg(long, allow_hyphen_values = true, default_value = "2")]
    cpu: String,
    /// Memory of the node (kubeconfig-secret mode).
    #[arg(long, allow_hyphen_values = true, default_value = "4Gi")]
    memory: String,
    /// Pods of the node (kubeconfig-secret mode).
    #[arg(long, allow_hyphen_values = true, default_value = "110")]
    pods: String,
    /// Other resources of the node, as name=quantity, repeatable or comma separated, e.g.
    /// --resource nvidia.com/gpu=1 (kubeconfig-secret mode).
    #[arg(long = "resource", value_delimiter = ',', allow_hyphen_values = true)]
    resources: Vec<String>,
    /// Storage classes offered; the first is the default (kubeconfig-secret mode).
    #[arg(long, value_delimiter = ',')]
    storage_classes: Vec<String>,
    /// Ingress classes offered; the first is the default (kubeconfig-secret mode).
    #[arg(long, value_delimiter = ',')]
    ingress_classes: Vec<String>,
    /// Load-balancer classes offered; the first is the default (kubeconfig-secret mode).
    #[arg(long, value_delimiter = ',')]
    load_balancer_classes: Vec<String>,
    /// Labels of the Node, as k=v (kubeconfig-secret mode).
    #[arg(long, value_delimiter = ',')]
    labels: Vec<String>,
    /// Node selector of the offloaded pods, as k=v (kubeconfig-secret mode).
    #[arg(long, value_delimiter = ',')]
    node_selector: Vec<String>,
    /// Print the VirtualNode that would be applied, and apply nothing.
    #[arg(short = 'o', long, value_enum)]
    output: Option<Format>,
    /// Bound on the wait for the Node to be Ready.
    #[arg(long, default_value = "2m", value_parser = parse_timeout)]
    timeout: Duration,
}

/// Where the node's credentials come from.
enum Source {
    Secret(String),
    Slice(String),
}

impl CreateVirtualNodeArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        // Flags first: nothing is read or written for a bad invocation.
        let source = self.source()?;
        let template = self
            .vk_options_template
            .as_deref()
            .map(parse_namespaced)
            .transpose()?;
        let secret_options = match source {
            Source::Secret(_) => Some(self.secret_options()?),
            Source::Slice(_) => None,
        };
        let client = ctx.local().await?.client;
        let ns = tenant_namespace_of(&client, &self.remote_cluster_id).await?;
        let template_spec = match &template {
            Some((tns, tname)) => Some(
                Api::<VkOptionsTemplate>::namespaced(client.clone(), tns)
                    .get(tname)
                    .await
                    .with_context(|| format!("unable to get the VkOptionsTemplate {tns}/{tname}"))?
                    .spec,
            ),
            None => None,
        };
        let template_ref = template.as_ref().map(|(n, t)| template_ref(n, t));
        let options = match (&source, secret_options) {
            (Source::Slice(rs), _) => slice_options(&client, &ns, rs, template_ref).await?,
            (Source::Secret(secret), Some(mut options)) => {
                options.kubeconfig_secret = secret.clone();
                options.template_ref = template_ref;
                options
            }
            (Source::Secret(_), None) => unreachable!("secret options are parsed above"),
        };
        let mutation = Mutation {
            remote_cluster_id: self.remote_cluster_id.clone(),
            options,
            // The CLI always states both and the runtime class (§8.2 step 5).
            create_node: Some(self.create_node),
            disable_network_check: Some(self.disable_network_check),
            runtime_class_name: self.runtime_class_name.clone(),
        };
        let api: Api<VirtualNode> = Api::namespaced(client.clone(), &ns);
        let existing = api
            .get_opt(&self.name)
            .await
            .context("Unable to create virtual node")?;
        if existing.is_none() {
            refuse_existing_node(&client, &self.name).await?;
        }
        let mut vn = existing.clone().unwrap_or_else(|| VirtualNode {
            metadata: kube::api::ObjectMeta {
                name: Some(self.name.clone()),
                namespace: Some(ns.clone()),
                ..Default::default()
            },
            spec: VirtualNodeSpec::default(),
            status: None,
        });
        mutate(&mut vn, &mutation, template_spec.as_ref());
        if let Some(format) = self.output {
            print_object(ctx, &vn, format)?;
            return Ok(ExitStatus::Success);
        }
        journal::begin(journal::Undo::new(
            &ctx.global.local,
            &RemoteClusterArgs::default(),
            &["delete", "virtualnode", &self.name],
            &[format!("--remote-cluster-id={}", self.remote_cluster_id)],
        ));
        let spinner = ctx.printer.spinner("Creating virtual node");
        let written = match &existing {
            Some(old) if old == &vn => Ok(()),
            Some(_) => api
                .replace(&self.name, &PostParams::default(), &vn)
                .await
                .map(|_| ()),
            None => api
                .create(&PostParams::default(), &vn)
                .await
                .map(|created| {
                    journal::created(Scope::Local, &created);
                }),
        };
        written.context("Unable to create virtual node")?;
        spinner.success("Virtual node created");
        if !self.create_node {
            return Ok(ExitStatus::Success);
        }
        let waiting = format!("Waiting for node {} to be Ready", self.name);
        let spinner = ctx.printer.spinner(&waiting);
        // Upstream quirk 3: upstream polls without a deadline.
        liqo_kube::wait::object(
            Api::<Node>::all(client),
            &self.name,
            &format!("Node {} to be Ready", self.name),
            self.timeout,
            |n| n.is_some_and(node::is_ready),
            |n: Option<&Node>| match n {
                None => "the Node does not exist (is the virtual kubelet running?)".into(),
                Some(n) => format!("Ready={}", node::ready_status(n).unwrap_or("not set")),
            },
        )
        .await
        .with_context(|| format!("Failed waiting for node {} to be Ready", self.name))?;
        spinner.success(format_args!("Node {} is Ready", self.name));
        Ok(ExitStatus::Success)
    }

    fn source(&self) -> anyhow::Result<Source> {
        match (&self.kubeconfig_secret_name, &self.resource_slice_name) {
            (Some(_), Some(_)) => bail!(
                "only one of --kubeconfig-secret-name and --resource-slice-name can be specified at the same time"
            ),
            (None, None) => bail!(
                "exactly one of --kubeconfig-secret-name and --resource-slice-name must be specified"
            ),
            (Some(s), None) => Ok(Source::Secret(s.clone())),
            (None, Some(rs)) => Ok(Source::Slice(rs.clone())),
        }
    }

    /// The options of kubeconfig-secret mode (the secret and template are filled by the caller).
    fn secret_options(&self) -> anyhow::Result<VirtualNodeOptions> {
        let resources = slice_builder::resources(&SliceRequest {
            cpu: Some(self.cpu.clone()),
            memory: Some(self.memory.clone()),
            pods: Some(self.pods.clone()),
            resources: self.resources.clone(),
            ..SliceRequest::default()
        })?;
        let first = |i: usize| Some(i == 0);
        Ok(VirtualNodeOptions {
            resources,
            storage_classes: names(&self.storage_classes)
                .enumerate()
                .map(|(i, n)| StorageType {
                    storage_class_name: n,
                    default: first(i),
                })
                .collect(),
            ingress_classes: names(&self.ingress_classes)
                .enumerate()
                .map(|(i, n)| IngressType {
                    ingress_class_name: n,
                    default: first(i),
                })
                .collect(),
            load_balancer_classes: names(&self.load_balancer_classes)
                .enumerate()
                .map(|(i, n)| LoadBalancerType {
                    load_balancer_class_name: n,
                    default: first(i),
                })
                .collect(),
            node_labels: key_values("labels", &self.labels)?,
            node_selector: key_values("node-selector", &self.node_selector)?,
            ..VirtualNodeOptions::default()
        })
    }
}

fn names(list: &[String]) -> impl Iterator<Item = String> + '_ {
    list.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `k=v` entries of `--<flag>` as a map.
pub fn key_values(flag: &str, entries: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for entry in entries.iter().filter(|e| !e.trim().is_empty()) {
        match entry.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.trim().to_string());
            }
            _ => bail!("invalid --{flag} {entry:?}: use key=value"),
        }
    }
    Ok(out)
}

/// `<namespace>/<name>` of `--vk-options-template`.
pub fn parse_namespaced(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
            Ok((ns.to_string(), name.to_string()))
        }
        _ => bail!(
            "--vk-options-template is not a valid namespaced name: {text:?} is not <namespace>/<name>"
        ),
    }
}

/// Slice mode (§8.2 step 3): the slice, its Identity and the Identity's kubeconfig Secret
/// must exist; the options come from the slice's status. The VirtualNode gets no ownerRef.
async fn slice_options(
    client: &Client,
    ns: &str,
    rs: &str,
    template_ref: Option<k8s_openapi::api::core::v1::ObjectReference>,
) -> anyhow::Result<VirtualNodeOptions> {
    let slice = Api::<ResourceSlice>::namespaced(client.clone(), ns)
        .get(rs)
        .await
        .with_context(|| format!("unable to get resourceslice {ns}/{rs}"))?;
    if !slice.is_accepted() {
        bail!(
            "resourceslice {ns}/{rs} is not accepted by the provider yet (Authentication and Resources must be Accepted)"
        );
    }
    let identities = Api::<Identity>::namespaced(client.clone(), ns)
        .list(&ListParams::default().labels(&format!("{}={rs}", label::RESOURCE_SLICE_NAME)))
        .await
        .with_context(|| format!("unable to get the Identity associated to resourceslice {rs}"))?;
    let Some(identity) = identities.items.into_iter().next() else {
        bail!(
            "unable to get the Identity associated to resourceslice {rs}: none in {ns} (the identity creator makes it once the slice is accepted)"
        );
    };
    let Some(secret) = identity
        .status
        .as_ref()
        .and_then(|s| s.kubeconfig_secret_ref.as_ref())
        .map(|r| r.name.clone())
        .filter(|n| !n.is_empty())
    else {
        bail!(
            "unable to get the kubeconfig secret from identity {}: it has no kubeconfig secret reference yet",
            identity.name_any()
        );
    };
    Api::<Secret>::namespaced(client.clone(), ns)
        .get(&secret)
        .await
        .with_context(|| {
            format!(
                "unable to get the kubeconfig secret from identity {}",
                identity.name_any()
            )
        })?;
    Ok(options_from_slice(&slice, &secret, template_ref))
}

/// The admission webhook refuses a VirtualNode named as an existing Node; say so before
/// writing.
async fn refuse_existing_node(client: &Client, name: &str) -> anyhow::Result<()> {
    if Api::<Node>::all(client.clone())
        .get_opt(name)
        .await
        .context("Unable to create virtual node")?
        .is_some()
    {
        bail!("Unable to create virtual node: node {name} already exists");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_need_a_namespace_and_a_name() {
        assert_eq!(
            parse_namespaced("liqo/virtual-kubelet-default").unwrap(),
            ("liqo".into(), "virtual-kubelet-default".into())
        );
        for bad in ["x", "/x", "x/", "a/b/c", ""] {
            assert!(
                parse_namespaced(bad)
                    .unwrap_err()
                    .to_string()
                    .starts_with("--vk-options-template is not a valid namespaced name"),
                "{bad}"
            );
        }
    }

    #[test]
    fn key_values_name_the_flag() {
        let m = key_values("labels", &["a=1".into(), "b=".into()]).unwrap();
        assert_eq!(m["a"], "1");
        assert_eq!(m["b"], "");
        assert_eq!(
            key_values("node-selector", &["x".into()])
                .unwrap_err()
                .to_string(),
            "invalid --node-selector \"x\": use key=value"
        );
    }
}
