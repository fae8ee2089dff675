//! `liqoctl network connect` (networking.md §7.2): the local cluster hosts the gateway client,
//! the remote one the server; the flow is `flows::network::connect`.

use std::time::Duration;

use liqo_api::consts::name;

use super::common::CommonArgs;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flows::network::{self as net, ConnectOptions, TemplateFlags};
use crate::printer::Scope;
use crate::{interrupt, journal};

/// Connect two clusters' networks (local = gateway client, remote = gateway server).
#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Skip the gateway template checks.
    #[arg(long)]
    skip_validation: bool,
    /// Resource of the server template kind (group/version/resource).
    #[arg(long, default_value = name::GATEWAY_SERVER_TEMPLATE_TYPE)]
    gw_server_type: String,
    /// Name of the server template.
    #[arg(long, default_value = name::GATEWAY_SERVER_TEMPLATE)]
    gw_server_template_name: String,
    /// Namespace of the server template (default: the remote Liqo namespace).
    #[arg(long, default_value = "")]
    gw_server_template_namespace: String,
    /// Service type of the gateway server.
    #[arg(long, default_value = "LoadBalancer", value_parser = ["LoadBalancer", "NodePort", "ClusterIP"])]
    gw_server_service_type: String,
    /// UDP port of the gateway server Service.
    #[arg(long, default_value_t = name::DEFAULT_GATEWAY_PORT)]
    gw_server_service_port: u16,
    /// Fixed node port of the gateway server Service (0: Kubernetes chooses).
    #[arg(long, default_value_t = 0)]
    gw_server_service_nodeport: u16,
    /// Fixed load-balancer IP of the gateway server Service.
    #[arg(long, default_value = "")]
    gw_server_service_loadbalancerip: String,
    /// Resource of the client template kind (group/version/resource).
    #[arg(long, default_value = name::GATEWAY_CLIENT_TEMPLATE_TYPE)]
    gw_client_type: String,
    /// Name of the client template.
    #[arg(long, default_value = name::GATEWAY_CLIENT_TEMPLATE)]
    gw_client_template_name: String,
    /// Namespace of the client template (default: the local Liqo namespace).
    #[arg(long, default_value = "")]
    gw_client_template_namespace: String,
    /// Address the client dials instead of the server's (e.g. behind NAT).
    #[arg(long, default_value = "")]
    gw_client_address: String,
    /// Port the client dials instead of the server's (0: the server's).
    #[arg(long, default_value_t = 0)]
    gw_client_port: u16,
    /// Tunnel MTU (must be equal on both sides).
    #[arg(long, default_value_t = name::DEFAULT_MTU)]
    mtu: u32,
    /// Do not exchange the gateways' public keys.
    #[arg(long)]
    disable_sharing_keys: bool,
}

impl ConnectArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        journal::begin(self.undo(ctx));
        interrupt::step(Scope::Global, "Connecting to both clusters");
        let peers = self.common.peers(ctx).await?;
        let timeout = self.common.timeout;
        let deadline = crate::flags::deadline(timeout);
        let options = self.options();
        let flow = net::connect(&peers.local, &peers.remote, &options, deadline);
        // Each wait takes what is left of --timeout and names what it awaited; this bound only
        // catches API calls that hang.
        match tokio::time::timeout(timeout.saturating_add(Duration::from_secs(2)), flow).await {
            Ok(result) => result.map(|()| ExitStatus::Success),
            Err(_) => Err(interrupt::timed_out(
                &format!("connecting the network with cluster {}", peers.remote.id),
                timeout,
            )),
        }
    }

    fn options(&self) -> ConnectOptions {
        ConnectOptions {
            client_namespace: self.common.local_namespace(),
            server_namespace: self.common.remote_namespace(),
            skip_validation: self.skip_validation,
            server_template: TemplateFlags {
                type_: self.gw_server_type.clone(),
                name: self.gw_server_template_name.clone(),
                namespace: self.gw_server_template_namespace.clone(),
            },
            client_template: TemplateFlags {
                type_: self.gw_client_type.clone(),
                name: self.gw_client_template_name.clone(),
                namespace: self.gw_client_template_namespace.clone(),
            },
            service_type: self.gw_server_service_type.clone(),
            service_port: self.gw_server_service_port,
            service_node_port: self.gw_server_service_nodeport,
            service_load_balancer_ip: self.gw_server_service_loadbalancerip.clone(),
            client_address: self.gw_client_address.clone(),
            client_port: self.gw_client_port,
            mtu: self.mtu,
            share_keys: !self.disable_sharing_keys,
            wait: self.common.wait,
        }
    }

    /// `liqoctl network reset` with this run's cluster and namespace flags.
    fn undo(&self, ctx: &Ctx) -> journal::Undo {
        let c = &self.common;
        let mut extra = vec!["--skip-confirm".to_string()];
        for (name, value, default) in [
            ("namespace", &c.namespace, ""),
            ("remote-namespace", &c.remote_namespace, ""),
            ("liqo-namespace", &c.liqo_namespace, name::LIQO_NAMESPACE),
            (
                "remote-liqo-namespace",
                &c.remote_liqo_namespace,
                name::LIQO_NAMESPACE,
            ),
        ] {
            if value != default {
                extra.push(journal::flag("", name, value));
            }
        }
        journal::Undo::new(&ctx.global.local, &c.remote, &["network", "reset"], &extra)
    }
}
