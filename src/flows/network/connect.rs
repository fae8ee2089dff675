//! `connect` (networking.md §7.2): configurations both ways, the gateway server on one side,
//! the client on the other, and their public keys swapped. Everything that can be checked is
//! checked on both clusters before the first write, so a refusal leaves both untouched.

use std::time::Duration;

use anyhow::{Context as _, anyhow};
use k8s_openapi::api::core::v1::Service;
use kube::api::{Patch, PatchParams};
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::name;
use liqo_api::networking::{
    Configuration, EndpointStatus, GatewayClient, GatewayServer, PublicKey, ServiceType,
};
use liqo_kube::auth::steps;
use liqo_kube::network::configuration as netcfg;
use liqo_kube::network::gateway::{self, ServerParams, TemplateRef};
use liqo_kube::network::lookup::{by_peer, name_for_peer};

use super::namespaces::{check_no_duplicates, ensure_namespaces, plan_namespaces};
use super::templates::Templates;
use super::waits::{await_connection, await_deployment, await_key, await_server_endpoint};
use super::{ConnectOptions, Net, left};
use crate::flows::head_start;
use crate::peers::Side;
use crate::printer::Scope;
use crate::{interrupt, journal};

const FIELD_MANAGER: &str = liqo_api::consts::field_manager::LIQOCTL;

/// Connects the networks of `client` (hosting the gateway client) and `server` (hosting the
/// server) within `deadline`; the lines follow the spec's order, each on its cluster's scope.
pub async fn connect(
    client: &Side,
    server: &Side,
    opts: &ConnectOptions,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let (mut client, mut server) = (Net::new(client), Net::new(server));
    let templates = opts.check_templates(&client, &server).await?;
    let flags = [&opts.client_namespace, &opts.server_namespace];
    let plans = plan_namespaces([&client, &server], flags).await?;
    check_no_duplicates([&client, &server], &plans).await?;
    // Steps 1–2 only read: run before the namespaces are made.
    let client_cfg = retrieve(&client).await?;
    let server_cfg = retrieve(&server).await?;
    ensure_namespaces([&mut client, &mut server], plans).await?;
    opts.connect(
        &client,
        &server,
        templates,
        [client_cfg, server_cfg],
        deadline,
    )
    .await
}

impl ConnectOptions {
    async fn connect(
        &self,
        local: &Net<'_>,
        remote: &Net<'_>,
        templates: Templates,
        [local_cfg, remote_cfg]: [Configuration; 2],
        deadline: tokio::time::Instant,
    ) -> anyhow::Result<()> {
        // `local` is the client side, `remote` the server side.
        let (local_ns, remote_ns) = (namespace(local)?, namespace(remote)?);
        // Steps 3–4: each side's own Configuration (retrieved in steps 1–2), given to the other.
        set_up(local, &local_ns, remote_cfg).await?;
        set_up(remote, &remote_ns, local_cfg).await?;
        // Steps 5–6: the remote side is watched while the local one is awaited.
        let remote_done = configured(remote, &remote_ns, deadline);
        let local_done = configured(local, &local_ns, deadline);
        let (local_done, remote_done) =
            head_start::alongside(await_configured(local, local_done), remote_done).await;
        local_done?;
        await_configured(remote, remote_done.finish()).await?;
        // Steps 7–8 (checked before step 1).
        self.report_templates(local, remote, &templates);
        let Templates {
            server: server_template,
            client: client_template,
        } = templates;
        // Steps 9–10.
        check_initialized(local, &local_ns).await?;
        check_initialized(remote, &remote_ns).await?;
        // Step 11: a peering in the other direction already owns the gateways.
        interrupt::step(
            Scope::Global,
            "Checking for gateways in the reverse direction",
        );
        if reverse_exists(local, &local_ns, remote, &remote_ns).await? {
            // Upstream stops silently here (§12.1); say why nothing more happens.
            local.printer.info(format!(
                "Gateways already exist in the reverse direction (cluster {} hosts the server): nothing to do",
                &local.id
            ));
            return Ok(());
        }
        // Steps 12–14.
        let server = self
            .ensure_server(remote, &remote_ns, server_template)
            .await?;
        let server_name = server.name_any();
        await_deployment(remote, &remote_ns, &server_name, deadline).await?;
        let endpoint = await_server_endpoint(remote, &remote_ns, &server_name, deadline).await?;
        // Steps 15–16.
        let client = self
            .ensure_client(local, &local_ns, endpoint, client_template)
            .await?;
        let client_name = client.name_any();
        await_deployment(local, &local_ns, &client_name, deadline).await?;
        if !self.share_keys {
            return Ok(());
        }
        // Steps 17–21.
        let server_key = await_key(
            remote,
            &remote_ns,
            &server_name,
            "server",
            deadline,
            |gw: &GatewayServer| gw.status.as_ref().and_then(|s| s.secret_ref.clone()),
        )
        .await?;
        ensure_public_key(local, &local_ns, &remote.id, server_key, &client).await?;
        let client_key = await_key(
            local,
            &local_ns,
            &client_name,
            "client",
            deadline,
            |gw: &GatewayClient| gw.status.as_ref().and_then(|s| s.secret_ref.clone()),
        )
        .await?;
        ensure_public_key(remote, &remote_ns, &local.id, client_key, &server).await?;
        if !self.wait {
            return Ok(());
        }
        // Steps 22–23.
        await_connection(remote, &remote_ns, deadline, false).await?;
        await_connection(local, &local_ns, deadline, false).await?;
        await_connection(local, &local_ns, deadline, true).await?;
        await_connection(remote, &remote_ns, deadline, true).await?;
        Ok(())
    }

    pub(super) fn server_params(&self, template: TemplateRef) -> ServerParams {
        let service_type = match self.service_type.as_str() {
            "NodePort" => ServiceType::NodePort,
            "ClusterIP" => ServiceType::ClusterIP,
            _ => ServiceType::LoadBalancer,
        };
        ServerParams {
            service_type,
            port: i32::from(self.service_port),
            node_port: (self.service_node_port != 0).then_some(i32::from(self.service_node_port)),
            load_balancer_ip: Some(self.service_load_balancer_ip.clone()).filter(|s| !s.is_empty()),
            mtu: i64::from(self.mtu),
            template,
        }
    }

    /// Step 12: the GatewayServer, recreated when its Service no longer matches the flags.
    async fn ensure_server(
        &self,
        side: &Net<'_>,
        ns: &str,
        template: TemplateRef,
    ) -> anyhow::Result<GatewayServer> {
        let params = self.server_params(template);
        let api: Api<GatewayServer> = Api::namespaced(side.client.clone(), ns);
        let printer = &side.printer;
        side.step(
            "Setting up gateway server",
            "An error occurred while setting up gateway server",
            |_| "Gateway server correctly set up".into(),
            async {
                let (existing, name) = existing_for_peer(&api, &side.peer).await?;
                let mut recreated = false;
                if existing.is_some() {
                    let services: Api<Service> = Api::namespaced(side.client.clone(), ns);
                    let svc = services
                        .get_opt(&format!("{}{name}", name::GATEWAY_PREFIX))
                        .await
                        .context("failed to read the gateway server Service")?;
                    if svc.is_some_and(|s| gateway::service_differs(&s, &params)) {
                        // With what it owns: the new server's keys Secret has the old one's
                        // name, and the garbage collector would delete it under the new one.
                        liqo_kube::wait::deleted_with_dependents::<GatewayServer>(
                            &side.client,
                            ns,
                            &name,
                            &super::teardown::gateway_dependents(),
                            Some(deadline_from_now()),
                        )
                        .await?;
                        printer.info("Deleted existing gateway server");
                        recreated = true;
                    }
                }
                let gw = gateway::gateway_server(&name, ns, &side.peer, &params);
                let applied = apply(&api, &name, &gw).await?;
                if existing.is_none() || recreated {
                    journal::created(side.scope, &applied);
                }
                anyhow::Ok(applied)
            },
        )
        .await
    }

    /// Step 15: the GatewayClient dialling the server's endpoint (or the address/port flags).
    async fn ensure_client(
        &self,
        side: &Net<'_>,
        ns: &str,
        server_endpoint: EndpointStatus,
        template: TemplateRef,
    ) -> anyhow::Result<GatewayClient> {
        let api: Api<GatewayClient> = Api::namespaced(side.client.clone(), ns);
        let mut endpoint = EndpointStatus {
            ports: None,
            ..server_endpoint
        };
        if !self.client_address.is_empty() {
            endpoint.addresses = Some(vec![self.client_address.clone()]);
        }
        if self.client_port != 0 {
            endpoint.port = Some(i32::from(self.client_port));
        }
        side.step(
            "Setting up gateway client",
            "An error occurred while setting up gateway client",
            |_| "Gateway client correctly set up".into(),
            async {
                let (existing, name) = existing_for_peer(&api, &side.peer).await?;
                let gw = gateway::gateway_client(
                    &name,
                    ns,
                    &side.peer,
                    endpoint,
                    i64::from(self.mtu),
                    &template,
                );
                apply_journaled(side, &api, &name, &gw, existing.is_none()).await
            },
        )
        .await
    }
}

/// Deletions inside a step get a fixed bound: the step's own deadline is the command's.
fn deadline_from_now() -> Duration {
    Duration::from_secs(60)
}

pub(super) fn namespace(side: &Net<'_>) -> anyhow::Result<String> {
    side.namespace.clone().ok_or_else(|| {
        anyhow!(
            "the tenant namespace of cluster {} does not exist in cluster {}",
            &side.peer,
            &side.id
        )
    })
}

/// The object of kind `K` for `peer` in `api`, if any, and the name to apply: its own, or the
/// peer's ID for a new one (an object made under another name keeps it).
async fn existing_for_peer<K>(api: &Api<K>, peer: &str) -> anyhow::Result<(Option<K>, String)>
where
    K: Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let existing = by_peer(api, peer).await?;
    let name = existing
        .as_ref()
        .map_or_else(|| peer.to_string(), ResourceExt::name_any);
    Ok((existing, name))
}

/// Server-side apply of a typed object, returning what the server holds.
async fn apply<K>(api: &Api<K>, name: &str, object: &K) -> anyhow::Result<K>
where
    K: Resource<DynamicType = ()>
        + Clone
        + serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    api.patch(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(object),
    )
    .await
    .with_context(|| format!("failed to apply {} {name}", K::kind(&())))
}

/// [`apply`], journaling the object when `new` (no object for the peer existed before).
async fn apply_journaled<K>(
    side: &Net<'_>,
    api: &Api<K>,
    name: &str,
    object: &K,
    new: bool,
) -> anyhow::Result<K>
where
    K: Resource<DynamicType = ()>
        + Clone
        + serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let applied = apply(api, name, object).await?;
    if new {
        journal::created(side.scope, &applied);
    }
    Ok(applied)
}

/// Steps 1–2.
async fn retrieve(side: &Net<'_>) -> anyhow::Result<Configuration> {
    side.step(
        "Retrieving network configuration",
        "An error occurred while retrieving network configuration",
        |_| "Network configuration correctly retrieved".into(),
        netcfg::forge_own(&side.client, &side.liqo_namespace, &side.id),
    )
    .await
}

/// Steps 3–4: the peer's Configuration in this side's network namespace (name kept if one
/// exists under another name).
async fn set_up(side: &Net<'_>, ns: &str, mut cfg: Configuration) -> anyhow::Result<()> {
    let api: Api<Configuration> = Api::namespaced(side.client.clone(), ns);
    side.step(
        "Setting up network configuration",
        "An error occurred while setting up network configuration",
        |_| "Network configuration correctly set up".into(),
        async {
            let (existing, name) = existing_for_peer(&api, &side.peer).await?;
            cfg.metadata.name = Some(name.clone());
            cfg.metadata.namespace = Some(ns.into());
            apply_journaled(side, &api, &name, &cfg, existing.is_none()).await
        },
    )
    .await
    .map(drop)
}

/// Steps 5–6: the step printed around `done` (see [`configured`]).
async fn await_configured(
    side: &Net<'_>,
    done: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    side.step(
        "Waiting for configuration to be applied",
        "Failed waiting for configuration to be applied",
        |_| "Configuration applied successfully".into(),
        done,
    )
    .await
}

/// Until the peer's Configuration in `ns` is remapped (NetworkCIDRsConfigured).
async fn configured(
    side: &Net<'_>,
    ns: &str,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let api: Api<Configuration> = Api::namespaced(side.client.clone(), ns);
    let name = name_for_peer(&api, &side.peer, &side.peer).await?;
    let what = format!("Configuration {ns}/{name} to be NetworkCIDRsConfigured");
    steps::await_object(
        api.clone(),
        &name,
        &what,
        left(deadline),
        |c| c.is_some_and(Configuration::is_configured),
        netcfg::describe,
    )
    .await
    .map(drop)
    .map_err(anyhow::Error::from)
}

/// Steps 9–10.
async fn check_initialized(side: &Net<'_>, ns: &str) -> anyhow::Result<()> {
    let api: Api<Configuration> = Api::namespaced(side.client.clone(), ns);
    interrupt::step(side.scope, "Checking network is initialized correctly");
    let spinner = side
        .printer
        .spinner("Checking network is initialized correctly");
    let reset_hint =
        "If the issue persist, you can try to reset the network with `liqoctl network reset`";
    let message = match by_peer(&api, &side.peer).await {
        Ok(Some(cfg)) if cfg.is_configured() => {
            spinner.success("Network correctly initialized");
            return Ok(());
        }
        Ok(Some(_)) => {
            format!("network Configuration status is not set yet. Retry later. {reset_hint}")
        }
        Ok(None) => format!(
            "Network Configuration not found. Retry to issue `liqoctl network connect`. {reset_hint}"
        ),
        Err(e) => format!(
            "Network Configuration not found. Retry to issue `liqoctl network connect`. {reset_hint}: {}",
            crate::exit::one_line(&e.into())
        ),
    };
    spinner.fail(&message);
    Err(crate::exit::Reported(message).into())
}

/// Step 11.
async fn reverse_exists(
    local: &Net<'_>,
    local_ns: &str,
    remote: &Net<'_>,
    remote_ns: &str,
) -> anyhow::Result<bool> {
    let servers: Api<GatewayServer> = Api::namespaced(local.client.clone(), local_ns);
    let clients: Api<GatewayClient> = Api::namespaced(remote.client.clone(), remote_ns);
    Ok(by_peer(&servers, &local.peer).await?.is_some()
        || by_peer(&clients, &remote.peer).await?.is_some())
}

/// Steps 19/21: the peer's key as a PublicKey owned by the local gateway.
async fn ensure_public_key<G>(
    side: &Net<'_>,
    ns: &str,
    key_owner: &str,
    key: Vec<u8>,
    gateway: &G,
) -> anyhow::Result<()>
where
    G: Resource<DynamicType = ()>,
{
    let api: Api<PublicKey> = Api::namespaced(side.client.clone(), ns);
    side.step(
        "Creating public key",
        "An error occurred while creating public key",
        |_| "Public key correctly created".into(),
        async {
            let (existing, name) = existing_for_peer(&api, key_owner).await?;
            let pk =
                gateway::public_key(&name, ns, key_owner, key, gateway::owner_reference(gateway));
            apply_journaled(side, &api, &name, &pk, existing.is_none()).await
        },
    )
    .await
    .map(drop)
}
