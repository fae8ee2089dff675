//! `liqoctl generate peering-user`: a restricted user of this (provider) cluster for one
//! consumer, printed as a kubeconfig (not stored anywhere).

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{ObjectMeta, PostParams};
use kube::{Api, ResourceExt};
use liqo_api::consts::{condition, field_manager, label, name};
use liqo_kube::auth::peering_user::KeyType;
use liqo_kube::auth::{certificate, peering_user};
use liqo_kube::install::{PEERING_USER_LIQO_NS, PEERING_USER_TENANT_NS};
use liqo_kube::tenant_namespace;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Create a user allowed to peer with this cluster from one consumer, and print its kubeconfig.
#[derive(Debug, clap::Args)]
pub struct GeneratePeeringUserArgs {
    /// The consumer's cluster ID.
    #[arg(long)]
    consumer_cluster_id: String,
    /// The Liqo namespace.
    #[arg(long, default_value = name::LIQO_NAMESPACE)]
    liqo_namespace: String,
    /// Key type of the user: `true` asks for RSA-2048 (for clusters in TLS compatibility mode),
    /// `false` for Ed25519, `auto` follows the controller manager's `--tls-compatibility-mode`.
    #[arg(long, value_enum, default_value = "auto")]
    tls_compatibility_mode: TlsMode,
}

/// `--tls-compatibility-mode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TlsMode {
    Auto,
    True,
    False,
}

impl GeneratePeeringUserArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            consumer_cluster_id: consumer,
            liqo_namespace,
            tls_compatibility_mode,
        } = self;
        ctx.printer
            .warn("Note that this functionality is currently not supported in EKS clusters");
        ctx.printer
            .warn("Please take note of this kubeconfig as it is not stored.");
        ctx.printer.warn(format_args!("Note that it can only be used to peer with this cluster from a cluster with ID {consumer}"));
        let cluster = ctx.local().await?;
        let client = cluster.client;
        let wants_rsa = match tls_compatibility_mode {
            TlsMode::True => true,
            TlsMode::False => false,
            TlsMode::Auto => controller_manager_wants_rsa(&client, &liqo_namespace).await?,
        };
        let key_type = if wants_rsa {
            KeyType::Rsa2048
        } else {
            KeyType::Ed25519
        };
        let tenant_ns = tenant_namespace::ensure(&client, &consumer, field_manager::LIQOCTL)
            .await
            .context("unable to create the tenant namespace")?
            .name_any();
        let spinner = ctx
            .printer
            .spinner("Generating a user for peering with this cluster");
        let (key, csr, common_name) = peering_user::render_csr(&consumer, key_type)
            .context("failed to generate the peering user's key")?;
        let user = peering_user::user_name(&consumer);
        let metadata = ObjectMeta {
            name: Some(user.clone()),
            labels: Some([(label::PEERING_USER_NAME.to_string(), user.clone())].into()),
            ..Default::default()
        };
        let cert = match certificate::issue_with(
            &client,
            csr.as_bytes(),
            metadata,
            condition::csr::MESSAGE_APPROVED_BY_LIQOCTL,
        )
        .await
        {
            Ok(cert) => cert,
            Err(certificate::CertificateError::Api(_, kube::Error::Api(e))) if e.code == 409 => {
                spinner.fail("Generating a user for peering with this cluster");
                bail!(
                    "a peering user for cluster {consumer} already exists: remove it with `liqoctl delete peering-user --consumer-cluster-id {consumer}` first"
                );
            }
            Err(e) => return Err(e.into()),
        };
        for binding in peering_user::render_bindings(
            &consumer,
            &common_name,
            &liqo_namespace,
            &tenant_ns,
            PEERING_USER_LIQO_NS,
            PEERING_USER_TENANT_NS,
        ) {
            let api: Api<RoleBinding> =
                Api::namespaced(client.clone(), &binding.namespace().unwrap_or_default());
            api.create(&PostParams::default(), &binding)
                .await
                .with_context(|| format!("failed to create RoleBinding {}", binding.name_any()))?;
        }
        let ca = Api::<ConfigMap>::namespaced(client, &liqo_namespace)
            .get("kube-root-ca.crt")
            .await
            .context("failed to read the cluster CA")?
            .data
            .and_then(|d| d.get("ca.crt").cloned())
            .unwrap_or_default();
        let server = cluster.config.cluster_url.to_string();
        spinner.success("User generated successfully");
        let kubeconfig = peering_user::render_kubeconfig(
            &consumer,
            server.trim_end_matches('/'),
            &ca,
            &cert,
            &key,
            &tenant_ns,
        );
        ctx.printer.data(kubeconfig);
        Ok(ExitStatus::Success)
    }
}

/// Whether this cluster is in TLS compatibility mode: its controller manager runs with
/// `--tls-compatibility-mode` (bare or `=true`), as upstream checks, or its cluster key is RSA.
/// The second test is ours: `liqoctl install --tls-compatibility-mode` makes the RSA key itself
/// and records the mode only in that key.
async fn controller_manager_wants_rsa(
    client: &kube::Client,
    namespace: &str,
) -> anyhow::Result<bool> {
    let container = liqo_kube::install::observe_controller_manager(client, namespace).await?;
    let args = container.and_then(|c| c.args).unwrap_or_default();
    let flagged = args.into_iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a == "--tls-compatibility-mode" || a == "--tls-compatibility-mode=true"
    });
    if flagged {
        return Ok(true);
    }
    // An unreadable or missing key says nothing about the mode: Ed25519, upstream's default.
    let keys = liqo_kube::auth::steps::read_private_key(client, namespace).await;
    let rsa = keys.ok().is_some_and(|k| {
        liqo_kube::crypto::ClusterKey::from_pem(&k.private_pem)
            .is_ok_and(|key| key.rsa_modulus_bits().is_some())
    });
    Ok(rsa)
}
