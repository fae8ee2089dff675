//! `liqoctl generate …`: objects for the other cluster, printed to stdout.

mod identity;
mod peering_user;
mod tenant;

use anyhow::Context as _;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// Generate objects to apply in another cluster.
#[derive(Debug, clap::Subcommand)]
pub enum Generate {
    /// Consumer side: sign a provider's nonce and print the Tenant to apply there.
    #[command(alias = "tenants")]
    Tenant(tenant::GenerateTenantArgs),
    /// Provider side: print the control-plane Identity a consumer applies.
    #[command(alias = "identities")]
    Identity(identity::GenerateIdentityArgs),
    /// Provider side: create a user a consumer can peer with, and print its kubeconfig.
    PeeringUser(peering_user::GeneratePeeringUserArgs),
}

impl Generate {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        match self {
            Generate::Tenant(args) => args.run(ctx).await,
            Generate::Identity(args) => args.run(ctx).await,
            Generate::PeeringUser(args) => args.run(ctx).await,
        }
    }
}

/// Output format of generated objects.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

/// Prints an object the Kubernetes-printer way (YAML, or JSON indented by 4 spaces).
pub fn print_object<T: Serialize>(ctx: &Ctx, object: &T, format: Format) -> anyhow::Result<()> {
    let text = match format {
        Format::Yaml => serde_norway::to_string(object).context("failed to render YAML")?,
        Format::Json => {
            let mut out = Vec::new();
            let mut serializer = serde_json::Serializer::with_formatter(
                &mut out,
                serde_json::ser::PrettyFormatter::with_indent(b"    "),
            );
            object
                .serialize(&mut serializer)
                .context("failed to render JSON")?;
            String::from_utf8(out).context("JSON is UTF-8")? + "\n"
        }
    };
    ctx.printer.data(text);
    Ok(())
}
