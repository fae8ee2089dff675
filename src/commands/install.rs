//! `liqoctl install`: puts the Liqo control plane in a cluster, idempotently.

use std::time::Duration;

use anyhow::{Context as _, bail};
use liqo_kube::apply::Manifest;
use liqo_kube::install::{self as plan, AuthKeys, FIELD_MANAGER, InstallParams};

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::{parse_api_server_url, parse_timeout};

/// Install or upgrade Liqo in the selected cluster.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// The namespace to install Liqo in.
    #[arg(short = 'n', long = "namespace", default_value = plan::LIQO_NAMESPACE)]
    namespace: String,
    /// This cluster's ID (a DNS label); generated when absent, immutable once installed.
    #[arg(long)]
    cluster_id: Option<String>,
    /// Pod CIDR of this cluster (repeatable).
    #[arg(long = "pod-cidr", default_value = "10.244.0.0/16")]
    pod_cidrs: Vec<String>,
    /// Service CIDR of this cluster.
    #[arg(long, default_value = "10.96.0.0/12")]
    service_cidr: String,
    /// External CIDR: where peers see this cluster's addresses mapped.
    #[arg(long, default_value = liqo_api::consts::name::DEFAULT_EXTERNAL_CIDR)]
    external_cidr: String,
    /// Internal CIDR of the gateway fabric.
    #[arg(long, default_value = liqo_api::consts::name::DEFAULT_INTERNAL_CIDR)]
    internal_cidr: String,
    /// Control-plane image (default: this release's image).
    #[arg(long)]
    image: Option<String>,
    /// API server URL consumers reach this cluster at (default: the kubeconfig's server).
    #[arg(long, value_parser = parse_api_server_url)]
    api_server_url: Option<String>,
    /// Bound on the whole installation (a Go duration: 90s, 10m, 1h; at most 8760h).
    #[arg(long, default_value = "10m", value_parser = parse_timeout)]
    timeout: Duration,
    /// Generate an RSA-2048 cluster key instead of Ed25519 (for API servers or clients that
    /// cannot use Ed25519). Like upstream's flag, it applies to a newly created key only.
    #[arg(long)]
    tls_compatibility_mode: bool,
    #[command(flatten)]
    offloading: OffloadingArgs,
    /// Print the manifests instead of applying them.
    #[arg(long)]
    dry_run: bool,
    /// Output format of --dry-run.
    #[arg(
        short = 'o',
        long,
        value_enum,
        default_value = "yaml",
        requires = "dry_run"
    )]
    output: Format,
}

/// What this cluster offers as a provider (the controller manager's offloading defaults).
#[derive(Debug, clap::Args)]
struct OffloadingArgs {
    /// Resources a ResourceSlice gets for keys it does not request, as k=v pairs separated by
    /// commas (default: cpu=4,memory=8Gi,pods=110,ephemeral-storage=20Gi).
    #[arg(long)]
    default_node_resources: Option<String>,
    /// Serve ResourceSlices of the built-in class (`default`).
    #[arg(long, action = clap::ArgAction::Set)]
    default_resource_slice_class_enabled: Option<bool>,
    /// Ingress classes offered to consumers, separated by commas (the first is the default).
    #[arg(long, value_delimiter = ',')]
    ingress_classes: Vec<String>,
    /// Load-balancer classes offered to consumers, separated by commas (the first is the
    /// default).
    #[arg(long, value_delimiter = ',')]
    load_balancer_classes: Vec<String>,
    /// Labels of this cluster, given to the virtual nodes of its consumers (k=v pairs
    /// separated by commas).
    #[arg(long)]
    cluster_labels: Option<String>,
    /// Let consumers use this cluster's storage classes.
    #[arg(long)]
    enable_storage: bool,
    /// The storage class offered as the default (default: the cluster's default class).
    #[arg(long)]
    real_storage_class_name: Option<String>,
    /// limitsEnforcement of the Quotas created for consumers: Hard, Soft or None.
    #[arg(long)]
    default_limits_enforcement: Option<String>,
}

impl OffloadingArgs {
    /// The validated settings; an error names the flag at fault.
    fn params(self) -> anyhow::Result<plan::OffloadingParams> {
        let pairs = |flag: &str, text: Option<String>| {
            text.map(|t| plan::parse_pairs(flag, &t))
                .transpose()
                .map_err(anyhow::Error::msg)
        };
        let params = plan::OffloadingParams {
            default_node_resources: pairs("--default-node-resources", self.default_node_resources)?,
            default_class_enabled: self.default_resource_slice_class_enabled,
            ingress_classes: self.ingress_classes,
            load_balancer_classes: self.load_balancer_classes,
            cluster_labels: pairs("--cluster-labels", self.cluster_labels)?.unwrap_or_default(),
            enable_storage: self.enable_storage,
            real_storage_class: self.real_storage_class_name,
            default_limits_enforcement: self.default_limits_enforcement,
        };
        params.validate().map_err(anyhow::Error::msg)?;
        Ok(params)
    }
}

/// How --dry-run prints manifests.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Yaml,
    Json,
}

impl InstallArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            namespace,
            cluster_id,
            pod_cidrs,
            service_cidr,
            external_cidr,
            internal_cidr,
            image,
            api_server_url,
            timeout,
            tls_compatibility_mode,
            offloading,
            dry_run,
            output,
        } = self;
        // Every flag is checked before anything is read or written.
        let offloading = offloading.params()?;
        for cidr in pod_cidrs
            .iter()
            .chain([&service_cidr, &external_cidr, &internal_cidr])
        {
            validate_cidr(cidr)?;
        }
        if let Some(id) = &cluster_id
            && !plan::is_dns_label(id)
        {
            bail!(
                "invalid --cluster-id {id:?}: use lowercase letters, digits and '-' (at most 63, a DNS label)"
            );
        }
        let image = image.unwrap_or_else(|| plan::default_image(env!("CARGO_PKG_VERSION")));
        let mut params = InstallParams {
            namespace,
            cluster_id: String::new(),
            pod_cidrs,
            service_cidr,
            external_cidr,
            internal_cidr,
            image,
            keys: None,
            api_server_url: api_server_url.clone(),
            tls_compatibility_mode,
        };
        if dry_run {
            params.cluster_id = match cluster_id {
                Some(id) => id,
                None => plan::generate_cluster_id().context("failed to generate a cluster ID")?,
            };
            // The keys are generated in the cluster's Secret at install time, never printed.
            let redacted = "<generated at install time>".to_string();
            params.keys = Some(AuthKeys {
                private_pem: redacted.clone(),
                public_pem: redacted,
            });
            print_manifests(ctx, &plan::render_with(&params, &offloading)?, output)?;
            return Ok(ExitStatus::Success);
        }
        let cluster = ctx.local().await?;
        if params.api_server_url.is_none() {
            params.api_server_url = Some(
                cluster
                    .config
                    .cluster_url
                    .to_string()
                    .trim_end_matches('/')
                    .to_string(),
            );
        }
        let client = cluster.client;
        let spinner = ctx.printer.spinner("Initializing installer");
        let existing = plan::observe_cluster_id(&client, &params.namespace)
            .await
            .with_context(|| {
                format!(
                    "failed to read the cluster identity (ConfigMap {}/{})",
                    params.namespace,
                    liqo_api::consts::name::CLUSTER_ID_CONFIGMAP
                )
            })?;
        params.cluster_id = match (existing, cluster_id) {
            (Some(current), Some(wanted)) if current != wanted => {
                spinner.fail("Initializing installer");
                bail!(
                    "this cluster is installed with cluster ID {current:?}, which cannot change: drop --cluster-id or pass --cluster-id={current}"
                );
            }
            (Some(current), _) => current,
            (None, Some(wanted)) => wanted,
            (None, None) => {
                plan::generate_cluster_id().context("failed to generate a cluster ID")?
            }
        };
        let stored = plan::observe_keys(&client, &params.namespace)
            .await
            .context("failed to read the authentication keys")?;
        // Keys are never rotated: an RSA key keeps the cluster in compatibility mode on a
        // re-install without the flag.
        params.tls_compatibility_mode |= stored == Some(plan::StoredKeys::Rsa);
        if stored.is_none() {
            let keys = if tls_compatibility_mode {
                plan::generate_rsa_keys().map_err(anyhow::Error::from)
            } else {
                plan::generate_keys().map_err(anyhow::Error::from)
            };
            params.keys = Some(keys.context("failed to generate the cluster key pair")?);
        }
        spinner.success(format_args!(
            "Installer initialized (cluster ID {})",
            params.cluster_id
        ));

        let spinner = ctx
            .printer
            .spinner("Installing or upgrading Liqo... (this may take a few minutes)");
        let result =
            tokio::time::timeout(timeout, apply(ctx, &client, &params, &offloading, timeout)).await;
        match result {
            Ok(Ok(())) => spinner.success("Liqo installed"),
            Ok(Err(e)) => {
                spinner.fail("Installation failed");
                return Err(e);
            }
            Err(_) => {
                spinner.fail("Installation failed");
                bail!(
                    "timed out after {}s installing Liqo: re-run with a larger --timeout; the installation resumes where it stopped",
                    timeout.as_secs()
                );
            }
        }
        // Upstream points at `liqoctl peer`, which does not exist here yet: name what does.
        ctx.printer.success("All Set! You can now peer this cluster with another one: `liqoctl peer --remote-kubeconfig <provider kubeconfig>` (see liqoctl peer --help)");
        ctx.printer
            .info("Make sure to use the same version of Liqo on all remote clusters");
        Ok(ExitStatus::Success)
    }
}

async fn apply(
    ctx: &Ctx,
    client: &kube::Client,
    params: &InstallParams,
    offloading: &plan::OffloadingParams,
    timeout: Duration,
) -> anyhow::Result<()> {
    let manifests = plan::render_with(params, offloading)?;
    let (crds, rest): (Vec<&Manifest>, Vec<&Manifest>) = manifests.iter().partition(|m| {
        m.resource.kind == "CustomResourceDefinition" || m.resource.kind == "Namespace"
    });
    for m in &crds {
        m.apply(client, FIELD_MANAGER).await?;
    }
    for m in crds
        .iter()
        .filter(|m| m.resource.kind == "CustomResourceDefinition")
    {
        let name = m.object.metadata.name.clone().unwrap_or_default();
        plan::await_crd_established(client, &name, timeout).await?;
    }
    for m in &rest {
        m.apply(client, FIELD_MANAGER).await?;
        ctx.printer
            .verbose(format_args!("{} applied", m.describe()));
    }
    plan::await_deployment_available(client, &params.namespace, plan::CONTROLLER_MANAGER, timeout)
        .await?;
    plan::await_networks_granted(client, &params.namespace, timeout).await?;
    Ok(())
}

fn print_manifests(ctx: &Ctx, manifests: &[Manifest], format: Format) -> anyhow::Result<()> {
    let mut out = String::new();
    for m in manifests {
        match format {
            Format::Yaml => {
                out.push_str("---\n");
                out.push_str(&serde_norway::to_string(&m.object).context("failed to render YAML")?);
            }
            Format::Json => {
                out.push_str(
                    &serde_json::to_string_pretty(&m.object).context("failed to render JSON")?,
                );
                out.push('\n');
            }
        }
    }
    ctx.printer.data(out);
    Ok(())
}

fn validate_cidr(cidr: &str) -> anyhow::Result<()> {
    let valid = cidr.split_once('/').is_some_and(|(ip, len)| {
        ip.parse::<std::net::IpAddr>().is_ok_and(|ip| {
            len.parse::<u8>()
                .is_ok_and(|l| l <= if ip.is_ipv4() { 32 } else { 128 })
        })
    });
    if !valid {
        bail!("invalid CIDR {cidr:?}: use an address and prefix length such as 10.244.0.0/16");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        offloading: OffloadingArgs,
    }

    fn params(args: &[&str]) -> anyhow::Result<plan::OffloadingParams> {
        let cli = Cli::try_parse_from(std::iter::once("install").chain(args.iter().copied()))?;
        cli.offloading.params()
    }

    #[test]
    fn offloading_flags_reach_the_controller_manager_args() {
        let p = params(&[
            "--default-node-resources=cpu=8,memory=16Gi",
            "--cluster-labels=region=eu",
            "--ingress-classes=nginx,traefik",
            "--default-resource-slice-class-enabled=false",
        ])
        .unwrap();
        assert_eq!(
            p.controller_manager_args(),
            [
                "--default-node-resources=cpu=8,memory=16Gi",
                "--default-resource-slice-class-enabled=false",
                "--ingress-classes=nginx,traefik",
                "--cluster-labels=region=eu",
            ]
        );
        assert!(params(&[]).unwrap().controller_manager_args().is_empty());
    }

    #[test]
    fn bad_offloading_values_name_their_flag() {
        for (args, message) in [
            (
                &["--default-node-resources=cpu=lots"][..],
                "invalid --default-node-resources cpu=\"lots\"",
            ),
            (
                &["--default-node-resources=cpu"][..],
                "invalid --default-node-resources \"cpu\"",
            ),
            (&["--cluster-labels=a b=c"][..], "invalid --cluster-labels"),
            (
                &["--default-limits-enforcement=Strict"][..],
                "invalid --default-limits-enforcement",
            ),
        ] {
            let e = params(args).unwrap_err().to_string();
            assert!(e.starts_with(message), "{args:?}: {e}");
        }
    }
}
