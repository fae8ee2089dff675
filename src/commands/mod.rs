//! One module per subcommand; this file only dispatches.

mod activate;
mod authenticate;
mod completion;
mod cordon;
mod create;
mod delete;
mod docs;
mod drain;
mod generate;
mod get;
mod info;
mod install;
mod network;
mod offload;
mod peer;
mod unauthenticate;
mod uncordon;
mod uninstall;
mod unoffload;
mod unpeer;
mod version;

use clap::Subcommand;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::GlobalArgs;
use crate::printer::Printer;

/// liqoctl's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Provider side: grant a cordoned or drained consumer resources again.
    #[command(subcommand)]
    Activate(activate::Activate),
    /// Authenticate with a provider cluster (local = consumer, remote = provider).
    #[command(alias = "auth")]
    Authenticate(authenticate::AuthenticateArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completion(completion::CompletionArgs),
    /// Provider side: stop granting new resources to a consumer (Tenant or ResourceSlice).
    #[command(subcommand)]
    Cordon(cordon::Cordon),
    /// Create Liqo objects (out-of-band authentication, resource slices, virtual nodes).
    #[command(subcommand)]
    Create(create::Create),
    /// Delete Liqo objects.
    #[command(subcommand)]
    Delete(delete::Delete),
    /// Write the reference pages, man pages and completion scripts generated from this command
    /// tree.
    #[command(hide = true)]
    Docs(docs::DocsArgs),
    /// Provider side: revoke every resource granted to a consumer.
    #[command(subcommand)]
    Drain(drain::Drain),
    /// Generate objects to apply in another cluster.
    #[command(subcommand)]
    Generate(generate::Generate),
    /// Print Liqo data.
    #[command(subcommand)]
    Get(get::Get),
    /// Show the local Liqo installation and its peerings.
    Info(info::InfoArgs),
    /// Install or upgrade Liqo in the selected cluster.
    #[command(alias = "upgrade")]
    Install(install::InstallArgs),
    /// Manage the network between two clusters.
    #[command(subcommand)]
    Network(Box<network::Network>),
    /// Offload namespaces to the providers (consumer side).
    #[command(subcommand)]
    Offload(offload::Offload),
    /// Peer with a provider cluster: network, authentication, resource slice and virtual node
    /// (local = consumer, remote = provider).
    Peer(Box<peer::PeerArgs>),
    /// Remove the authentication with a provider cluster.
    #[command(alias = "unauth")]
    Unauthenticate(unauthenticate::UnauthenticateArgs),
    /// Tear down the peering with a provider cluster (local = consumer, remote = provider).
    Unpeer(unpeer::UnpeerArgs),
    /// Provider side: undo a cordon.
    #[command(subcommand)]
    Uncordon(uncordon::Uncordon),
    /// Uninstall Liqo from the selected cluster.
    Uninstall(uninstall::UninstallArgs),
    /// Stop offloading namespaces (consumer side).
    #[command(subcommand)]
    Unoffload(unoffload::Unoffload),
    /// Print the client and server versions.
    Version(version::VersionArgs),
}

/// Runs the parsed command line.
pub async fn run(
    command: Command,
    global: GlobalArgs,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    let ctx = Ctx { printer, global };
    match command {
        Command::Activate(cmd) => cmd.run(&ctx).await,
        Command::Authenticate(args) => args.run(&ctx).await,
        Command::Completion(args) => args.run(&ctx).await,
        Command::Cordon(cmd) => cmd.run(&ctx).await,
        Command::Create(cmd) => cmd.run(&ctx).await,
        Command::Delete(cmd) => cmd.run(&ctx).await,
        Command::Docs(args) => args.run(&ctx).await,
        Command::Drain(cmd) => cmd.run(&ctx).await,
        Command::Generate(cmd) => cmd.run(&ctx).await,
        Command::Get(cmd) => cmd.run(&ctx).await,
        Command::Info(args) => args.run(&ctx).await,
        Command::Install(args) => args.run(&ctx).await,
        Command::Network(cmd) => cmd.run(&ctx).await,
        Command::Offload(cmd) => cmd.run(&ctx).await,
        Command::Peer(args) => args.run(&ctx).await,
        Command::Unauthenticate(args) => args.run(&ctx).await,
        Command::Unpeer(args) => args.run(&ctx).await,
        Command::Uncordon(cmd) => cmd.run(&ctx).await,
        Command::Uninstall(args) => args.run(&ctx).await,
        Command::Unoffload(cmd) => cmd.run(&ctx).await,
        Command::Version(args) => args.run(&ctx).await,
    }
}
