//! WgGatewayServer and WgGatewayClient controllers (networking.md §5.6, §5.7): the gateway's
//! ServiceAccount and ClusterRoleBinding (removed by the `networking.liqo.io/clusterrolebinding`
//! finalizer), its keys Secret, its Deployment and (server) Service, and the status: endpoint
//! from the Service, internal endpoint from the active pod, keys Secret reference.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod, Secret, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::common::DeploymentTemplate;
use liqo_api::consts::{field_manager, finalizer, label};
use liqo_api::networking::{
    EndpointStatus, InternalGatewayEndpoint, ServiceTemplate, WgGatewayClient,
    WgGatewayClientStatus, WgGatewayServer, WgGatewayServerStatus,
};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tracing::instrument;

use crate::context::{Context, Retry};
use crate::networking::wg_render::{self as render, Gateway};

/// A safety net: every input is watched.
const RESYNC: Duration = Duration::from_secs(300);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// More than one keys Secret for the peer in the namespace.
    #[error("multiple keys Secrets for cluster {0} in namespace {1}")]
    MultipleSecrets(String, String),
    /// Key generation failed.
    #[error("failed to generate the WireGuard keys")]
    Keys(#[source] rand_core::Error),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        match self {
            Self::Reconcile(e) => e.is_transient(),
            // An administrator has to remove the extra Secret.
            Self::MultipleSecrets(..) => false,
            Self::Keys(_) => true,
        }
    }
}

/// What differs between the server and the client controller.
pub trait WgKind:
    Resource<DynamicType = (), Scope = NamespaceResourceScope>
    + Clone
    + Debug
    + DeserializeOwned
    + Serialize
    + Send
    + Sync
    + 'static
{
    /// Controller name (metrics, logs).
    const NAME: &'static str;
    /// Server-side-apply field manager.
    const FIELD_MANAGER: &'static str;
    /// Kind of the gateway that owns the keys Secret (`GatewayServer`/`GatewayClient`).
    const GATEWAY_KIND: &'static str;
    /// The Deployment to run.
    fn deployment(&self) -> &DeploymentTemplate;
    /// The Service to expose (server only).
    fn service(&self) -> Option<&ServiceTemplate>;
    /// A user-provided keys Secret.
    fn secret_name(&self) -> Option<&str>;
    /// The status to write.
    fn render_status(observed: Observed) -> Value;
    /// The current status.
    fn current_status(&self) -> Value;
}

/// What the reconcile observed, for the status.
#[derive(Debug, Default)]
pub struct Observed {
    /// The keys Secret.
    pub secret: Option<Secret>,
    /// Server only: where clients reach it.
    pub endpoint: Option<EndpointStatus>,
    /// The active pod.
    pub internal: Option<InternalGatewayEndpoint>,
}

impl WgKind for WgGatewayServer {
    const NAME: &'static str = "wggatewayserver";
    const FIELD_MANAGER: &'static str = field_manager::WG_GATEWAY_SERVER;
    const GATEWAY_KIND: &'static str = "GatewayServer";

    fn deployment(&self) -> &DeploymentTemplate {
        &self.spec.deployment
    }

    fn service(&self) -> Option<&ServiceTemplate> {
        Some(&self.spec.service)
    }

    fn secret_name(&self) -> Option<&str> {
        self.spec.secret_ref.as_ref().map(|r| r.name.as_str())
    }

    fn render_status(observed: Observed) -> Value {
        let status = WgGatewayServerStatus {
            secret_ref: observed.secret.as_ref().map(render::secret_ref),
            endpoint: observed.endpoint,
            internal_endpoint: observed.internal,
        };
        serde_json::to_value(status).unwrap_or_default()
    }

    fn current_status(&self) -> Value {
        serde_json::to_value(self.status.clone().unwrap_or_default()).unwrap_or_default()
    }
}

impl WgKind for WgGatewayClient {
    const NAME: &'static str = "wggatewayclient";
    const FIELD_MANAGER: &'static str = field_manager::WG_GATEWAY_CLIENT;
    const GATEWAY_KIND: &'static str = "GatewayClient";

    fn deployment(&self) -> &DeploymentTemplate {
        &self.spec.deployment
    }

    fn service(&self) -> Option<&ServiceTemplate> {
        None
    }

    fn secret_name(&self) -> Option<&str> {
        self.spec.secret_ref.as_ref().map(|r| r.name.as_str())
    }

    fn render_status(observed: Observed) -> Value {
        let status = WgGatewayClientStatus {
            secret_ref: observed.secret.as_ref().map(render::secret_ref),
            internal_endpoint: observed.internal,
        };
        serde_json::to_value(status).unwrap_or_default()
    }

    fn current_status(&self) -> Value {
        serde_json::to_value(self.status.clone().unwrap_or_default()).unwrap_or_default()
    }
}

#[instrument(skip_all, fields(name = %wg.name_any(), ns = wg.namespace()))]
async fn reconcile<W: WgKind>(wg: Arc<W>, ctx: Arc<Context>) -> Result<Action, Error> {
    let ns = wg.namespace().unwrap_or_default();
    if wg.meta().deletion_timestamp.is_some() {
        delete_bindings(&ctx, &wg.name_any(), &ns).await?;
        reconcile::remove_finalizer(&ctx.client, &*wg, finalizer::GATEWAY_CLUSTER_ROLE_BINDING)
            .await?;
        return Ok(Action::await_change());
    }
    let Some(peer) = wg.labels().get(label::REMOTE_CLUSTER_ID).cloned() else {
        let note = format!("missing label {:?}", label::REMOTE_CLUSTER_ID);
        ctx.event(&*wg, EventType::Warning, "MissingRemoteClusterID", note)
            .await;
        return Ok(Action::await_change());
    };
    let gw = Gateway {
        name: wg.name_any(),
        namespace: ns.clone(),
        peer,
        owner: wg
            .controller_owner_ref(&())
            .expect("invariant: a gateway from the API has a name and uid"),
    };
    ensure_identity(&ctx, &*wg, &gw).await?;
    if reconcile::add_finalizer(&ctx.client, &*wg, finalizer::GATEWAY_CLUSTER_ROLE_BINDING).await? {
        return Ok(Action::await_change());
    }
    let secret = ensure_keys(&ctx, &*wg, &gw).await?;
    let secret_name = secret.as_ref().and_then(|s| s.metadata.name.as_deref());
    if secret.is_none() {
        let note = "WireGuard keys secret not found".to_string();
        ctx.event(&*wg, EventType::Warning, "MissingSecretRef", note)
            .await;
    }
    let deployment = render::render_deployment(&gw, wg.deployment(), secret_name);
    reconcile::apply(&ctx.client, &deployment, W::FIELD_MANAGER).await?;

    let pods = observe_active_pods(&ctx, &ns).await?;
    let active = render::active_pod(&pods, &gw);
    let mut observed = Observed {
        internal: active.map(render::internal_endpoint),
        ..Default::default()
    };
    if let Some(template) = wg.service() {
        observed.endpoint = ensure_service(&ctx, &*wg, &gw, template, active).await?;
    }
    observed.secret = secret;
    let status = W::render_status(observed);
    if status != wg.current_status() {
        reconcile::apply_status(&ctx.client, &*wg, &status, W::FIELD_MANAGER).await?;
        tracing::info!(status = %status, "gateway status updated");
        let note = format!(
            "WireGuard gateway {} reconciled",
            W::GATEWAY_KIND.trim_start_matches("Gateway").to_lowercase()
        );
        ctx.event(&*wg, EventType::Normal, "Reconciled", note).await;
    }
    Ok(Action::requeue(RESYNC))
}

/// The gateway pods' ServiceAccount and its binding to the `liqo-gateway` ClusterRole.
async fn ensure_identity<W: WgKind>(ctx: &Context, wg: &W, gw: &Gateway) -> Result<(), Error> {
    let sa = render::service_account_name(wg.deployment());
    let account = render::render_service_account(gw, &sa);
    reconcile::apply(&ctx.client, &account, W::FIELD_MANAGER).await?;
    let crb = render::render_cluster_role_binding(gw, &sa);
    reconcile::apply(&ctx.client, &crb, W::FIELD_MANAGER).await?;
    Ok(())
}

/// The pods labelled active gateways in `ns`.
async fn observe_active_pods(ctx: &Context, ns: &str) -> Result<Vec<Pod>, Error> {
    let selector = format!(
        "{}={},{}={}",
        label::GATEWAY_ACTIVE,
        label::TRUE,
        label::GATEWAY_COMPONENT,
        label::GATEWAY_COMPONENT_GATEWAY
    );
    Ok(Api::<Pod>::namespaced(ctx.client.clone(), ns)
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the gateway pods")?
        .items)
}

/// Applies the server Service and computes the endpoint from it; `None` while it cannot be
/// known yet (a NodePort before the active pod has a node).
async fn ensure_service<W: WgKind>(
    ctx: &Context,
    wg: &W,
    gw: &Gateway,
    template: &ServiceTemplate,
    active: Option<&Pod>,
) -> Result<Option<EndpointStatus>, Error> {
    let services: Api<Service> = Api::namespaced(ctx.client.clone(), &gw.namespace);
    let existing = services
        .get_opt(&gw.resource_name())
        .await
        .api("read the gateway Service")?;
    let service = render::render_service(gw, template, existing.as_ref());
    let applied = reconcile::apply(&ctx.client, &service, W::FIELD_MANAGER).await?;
    let node_port = applied.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("NodePort");
    let node = match active.and_then(|p| p.spec.as_ref()?.node_name.clone()) {
        Some(node) if node_port => Api::<Node>::all(ctx.client.clone())
            .get_opt(&node)
            .await
            .api("read the active gateway pod's Node")?,
        _ => None,
    };
    if node_port && active.is_none() {
        return Ok(None);
    }
    match render::endpoint_status(&applied, node.as_ref()) {
        Ok(endpoint) => Ok(Some(endpoint)),
        Err(e) => {
            ctx.event(
                wg,
                EventType::Warning,
                "EndpointStatusFailed",
                e.to_string(),
            )
            .await;
            Ok(None)
        }
    }
}

/// The keys Secret: the user's (checked and labelled) or the generated `gw-<gatewayName>`.
async fn ensure_keys<W: WgKind>(
    ctx: &Context,
    wg: &W,
    gw: &Gateway,
) -> Result<Option<Secret>, Error> {
    let api: Api<Secret> = Api::namespaced(ctx.client.clone(), &gw.namespace);
    if let Some(name) = wg.secret_name().filter(|n| !n.is_empty()) {
        let Some(secret) = api.get_opt(name).await.api("read the keys Secret")? else {
            ctx.event(
                wg,
                EventType::Warning,
                "KeysSecretCheckFailed",
                format!("Secret {name} not found"),
            )
            .await;
            return Ok(None);
        };
        if let Err(note) = render::check_keys_secret(&secret, &gw.peer) {
            ctx.event(wg, EventType::Warning, "KeysSecretCheckFailed", note)
                .await;
            return Ok(None);
        }
        let labels = secret.metadata.labels.clone().unwrap_or_default();
        if labels.get(label::GATEWAY_RESOURCE).map(String::as_str) != Some(label::TRUE)
            || !labels.contains_key(label::REMOTE_CLUSTER_ID)
        {
            let patch = json!({"metadata": {"labels": {label::GATEWAY_RESOURCE: label::TRUE, label::REMOTE_CLUSTER_ID: gw.peer}}});
            api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .api("label the keys Secret")?;
        }
        return Ok(Some(secret));
    }
    let selector = format!(
        "{}={},{}={}",
        label::GATEWAY_RESOURCE,
        label::TRUE,
        label::REMOTE_CLUSTER_ID,
        gw.peer
    );
    let mut existing = api
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the keys Secrets")?
        .items;
    match existing.len() {
        0 => {}
        1 => return Ok(existing.pop()),
        _ => {
            return Err(Error::MultipleSecrets(
                gw.peer.clone(),
                gw.namespace.clone(),
            ));
        }
    }
    let owner = gateway_owner(wg, W::GATEWAY_KIND);
    let gateway_name = owner.as_ref().map_or(gw.name.clone(), |o| o.name.clone());
    let (private, public) = generate_keys()?;
    let secret = render::render_keys_secret(gw, &gateway_name, owner, private, public);
    let params = PostParams {
        field_manager: Some(W::FIELD_MANAGER.into()),
        ..Default::default()
    };
    let created = api
        .create(&params, &secret)
        .await
        .api("create the keys Secret")?;
    ctx.event(
        wg,
        EventType::Normal,
        "KeysSecretEnforced",
        "Enforced keys secret".into(),
    )
    .await;
    Ok(Some(created))
}

/// A non-controller reference to the GatewayServer/GatewayClient that controls `wg`.
fn gateway_owner<W: WgKind>(wg: &W, kind: &str) -> Option<OwnerReference> {
    let owner = wg
        .owner_references()
        .iter()
        .find(|o| o.controller == Some(true) && o.kind == kind)?;
    Some(OwnerReference {
        controller: None,
        block_owner_deletion: None,
        ..owner.clone()
    })
}

/// A fresh Curve25519 key pair, the private key clamped as `wg genkey` does.
pub fn generate_keys() -> Result<([u8; 32], [u8; 32]), Error> {
    use rand_core::RngCore;
    let mut private = [0u8; 32];
    rand_core::OsRng
        .try_fill_bytes(&mut private)
        .map_err(Error::Keys)?;
    private[0] &= 248;
    private[31] = (private[31] & 127) | 64;
    let secret = boringtun::x25519::StaticSecret::from(private);
    let public = boringtun::x25519::PublicKey::from(&secret);
    Ok((private, public.to_bytes()))
}

async fn delete_bindings(ctx: &Context, name: &str, ns: &str) -> Result<(), Error> {
    let api: Api<ClusterRoleBinding> = Api::all(ctx.client.clone());
    let selector = format!(
        "{}={name},{}={ns}",
        label::GATEWAY_NAME,
        label::GATEWAY_NAMESPACE
    );
    let bindings = api
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the gateway ClusterRoleBindings")?;
    for binding in bindings.items {
        match api
            .delete(&binding.name_any(), &DeleteParams::default())
            .await
        {
            Ok(_) => {
                tracing::info!(binding = %binding.name_any(), "gateway ClusterRoleBinding deleted")
            }
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => {
                return Err(ReconcileError::api("delete a gateway ClusterRoleBinding", e).into());
            }
        }
    }
    Ok(())
}

fn error_policy<W: WgKind>(wg: Arc<W>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry(W::NAME, &*wg, error)
}

/// The gateway a pod or binding names by its gateway-name/-namespace labels.
fn labelled_gateway<W: WgKind, O: ResourceExt>(o: &O) -> Option<ObjectRef<W>> {
    let labels = o.labels();
    let name = labels.get(label::GATEWAY_NAME)?;
    let ns = labels.get(label::GATEWAY_NAMESPACE)?;
    Some(ObjectRef::new(name).within(ns))
}

/// Maps a Node to every server when its readiness or addresses change: a NodePort endpoint is
/// the address of the active gateway pod's Node. The Node's periodic status reports change
/// neither and map to nothing.
fn node_mapper<W: WgKind>(
    servers: Store<W>,
) -> impl Fn(Node) -> Vec<ObjectRef<W>> + Send + Sync + 'static {
    let seen = std::sync::Mutex::new(std::collections::HashMap::<String, String>::new());
    move |node| {
        let status = node.status.as_ref();
        let ready = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
            .map(|c| c.status.clone());
        let addresses = status.and_then(|s| s.addresses.as_ref()).map(|a| {
            a.iter()
                .map(|a| format!("{}={}", a.type_, a.address))
                .collect::<Vec<_>>()
        });
        let fingerprint = format!("{ready:?} {addresses:?}");
        let mut seen = seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.insert(node.name_any(), fingerprint.clone()) == Some(fingerprint) {
            return Vec::new();
        }
        servers
            .state()
            .iter()
            .map(|wg| ObjectRef::from_obj(&**wg))
            .collect()
    }
}

/// Runs the controller of `W` until the stream ends. Children and related objects are
/// watched through label selectors, so only gateway objects reach this process.
pub async fn run<W: WgKind>(ctx: Arc<Context>) {
    let gateways: Api<W> = Api::all(ctx.client.clone());
    let ours = || watcher::Config::default().labels(label::GATEWAY_NAME);
    let controller = Controller::new(gateways, watcher::Config::default());
    let store = controller.store();
    let servers = store.clone();
    let mut controller = controller
        .owns(Api::<Deployment>::all(ctx.client.clone()), ours())
        .owns(Api::<ServiceAccount>::all(ctx.client.clone()), ours())
        .watches(Api::<Pod>::all(ctx.client.clone()), ours(), |p| {
            labelled_gateway::<W, _>(&p)
        })
        .watches(
            Api::<ClusterRoleBinding>::all(ctx.client.clone()),
            ours(),
            |b| labelled_gateway::<W, _>(&b),
        )
        .watches(
            Api::<Secret>::all(ctx.client.clone()),
            watcher::Config::default().labels(&format!(
                "{}={},{}",
                label::GATEWAY_RESOURCE,
                label::TRUE,
                label::REMOTE_CLUSTER_ID
            )),
            // Upstream maps a keys Secret to `gw-<secret name>`, which never exists (§12.5):
            // here it goes to every gateway of the same peer in its namespace, and to those
            // naming it in spec.secretRef.
            move |secret| {
                let peer = secret.labels().get(label::REMOTE_CLUSTER_ID).cloned();
                store
                    .state()
                    .into_iter()
                    .filter(|wg| wg.namespace() == secret.namespace())
                    .filter(|wg| {
                        wg.labels().get(label::REMOTE_CLUSTER_ID) == peer.as_ref()
                            || wg.secret_name() == secret.metadata.name.as_deref()
                    })
                    .map(|wg| ObjectRef::from_obj(&*wg))
                    .collect::<Vec<_>>()
            },
        );
    if W::GATEWAY_KIND == "GatewayServer" {
        controller = controller
            .owns(Api::<Service>::all(ctx.client.clone()), ours())
            .watches(
                Api::<Node>::all(ctx.client.clone()),
                watcher::Config::default(),
                node_mapper(servers),
            );
    }
    let controller = controller.run(reconcile::<W>, error_policy::<W>, ctx.clone());
    ctx.drive(W::NAME, controller).await;
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Node, NodeAddress, NodeCondition, NodeStatus};
    use kube::runtime::{reflector, watcher};
    use liqo_api::networking::WgGatewayServer;

    fn node(ready: &str, ip: &str, heartbeat: i64) -> Node {
        let mut node = Node::default();
        node.metadata.name = Some("n1".into());
        node.status = Some(NodeStatus {
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: ready.into(),
                last_heartbeat_time: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                    k8s_openapi::jiff::Timestamp::from_second(heartbeat).unwrap(),
                )),
                ..Default::default()
            }]),
            addresses: Some(vec![NodeAddress {
                type_: "InternalIP".into(),
                address: ip.into(),
            }]),
            ..Default::default()
        });
        node
    }

    #[test]
    fn nodes_reach_the_servers_only_when_readiness_or_addresses_change() {
        let (store, mut writer) = reflector::store::<WgGatewayServer>();
        let mut server: WgGatewayServer = serde_json::from_value(serde_json::json!({
            "apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServer",
            "metadata": {"name": "gw", "namespace": "liqo-tenant-b"},
            "spec": {"deployment": {"spec": {"template": {"spec": {"containers": []}}}}, "service": {"spec": {}}}
        }))
        .unwrap();
        server.metadata.uid = Some("u1".into());
        writer.apply_watcher_event(&watcher::Event::Apply(server));
        let map = super::node_mapper(store);
        assert_eq!(map(node("False", "172.31.0.2", 1)).len(), 1, "first sight");
        assert!(
            map(node("False", "172.31.0.2", 2)).is_empty(),
            "heartbeat only"
        );
        assert_eq!(map(node("True", "172.31.0.2", 3)).len(), 1, "turned Ready");
        assert_eq!(map(node("True", "172.31.0.3", 4)).len(), 1, "new address");
    }

    #[test]
    fn generated_keys_are_a_curve25519_pair() {
        let (private, public) = super::generate_keys().unwrap();
        let (other, _) = super::generate_keys().unwrap();
        assert_ne!(private, other);
        assert_eq!(private[0] & 7, 0, "clamped");
        assert_eq!(private[31] & 0xc0, 0x40, "clamped");
        let secret = boringtun::x25519::StaticSecret::from(private);
        assert_eq!(
            boringtun::x25519::PublicKey::from(&secret).to_bytes(),
            public
        );
    }
}
