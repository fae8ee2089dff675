//! GatewayServer and GatewayClient operators (networking.md §5.5): each gateway is rendered
//! through its template into a controller-owned child (a WgGatewayServer/WgGatewayClient with
//! the default templates), and the child's endpoint, keys Secret and internal endpoint are
//! copied back into the gateway's status. Editing a default template re-renders the gateways
//! that use it.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::ObjectReference;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::{field_manager, label};
use liqo_api::networking::{
    GatewayClient, GatewayServer, WgGatewayClient, WgGatewayClientTemplate, WgGatewayServer,
    WgGatewayServerTemplate,
};
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::instrument;

use crate::context::{Context, Retry};
use crate::networking::gateway_render::{self, ChildParams};

/// A missing template of a kind that is not watched is looked for again after this.
const RETRY: Duration = Duration::from_secs(5);
/// Only the default child and template kinds are watched: a resync picks up the status of
/// children of other kinds.
const RESYNC: Duration = Duration::from_secs(300);

/// Annotations and labels for the rendered Service.
type ServiceMetadata = (BTreeMap<String, String>, BTreeMap<String, String>);

/// A failed reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An API call failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// The template reference is malformed.
    #[error("invalid template reference: {0}")]
    TemplateRef(String),
}

impl Retry for Error {
    fn is_transient(&self) -> bool {
        match self {
            Self::Reconcile(e) => e.is_transient(),
            Self::TemplateRef(_) => false,
        }
    }
}

/// What differs between the two operators.
pub trait GatewayKind:
    Resource<DynamicType = (), Scope = NamespaceResourceScope>
    + Clone
    + Debug
    + DeserializeOwned
    + Serialize
    + Send
    + Sync
    + 'static
{
    /// The default child kind, watched so its status flows back.
    type Child: Resource<DynamicType = ()>
        + Clone
        + Debug
        + DeserializeOwned
        + Send
        + Sync
        + 'static;
    /// The default template kind, watched so edits re-render.
    type Template: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + Debug
        + DeserializeOwned
        + Send
        + Sync
        + 'static;
    /// Controller name (metrics, logs).
    const NAME: &'static str;
    /// Server-side-apply field manager.
    const FIELD_MANAGER: &'static str;
    /// The template reference.
    fn template_ref(&self) -> Option<&ObjectReference>;
    /// The Go-named template data.
    fn data(&self, peer: &str) -> Value;
    /// Service annotations and labels merged into the child (server only).
    fn service_metadata(&self) -> Option<ServiceMetadata>;
    /// The status (as JSON) for an applied child.
    fn status_for(child: &Value) -> Value;
    /// The current status (as JSON).
    fn current_status(&self) -> Value;
}

impl GatewayKind for GatewayServer {
    type Child = WgGatewayServer;
    type Template = WgGatewayServerTemplate;
    const NAME: &'static str = "gatewayserver";
    const FIELD_MANAGER: &'static str = field_manager::GATEWAY_SERVER;

    fn template_ref(&self) -> Option<&ObjectReference> {
        self.spec.server_template_ref.as_ref()
    }

    fn data(&self, peer: &str) -> Value {
        gateway_render::server_data(self, peer)
    }

    fn service_metadata(&self) -> Option<ServiceMetadata> {
        Some((
            self.spec.service_annotations.clone().unwrap_or_default(),
            self.spec.service_labels.clone().unwrap_or_default(),
        ))
    }

    fn status_for(child: &Value) -> Value {
        serde_json::to_value(gateway_render::server_status(child)).unwrap_or_default()
    }

    fn current_status(&self) -> Value {
        serde_json::to_value(self.status.clone().unwrap_or_default()).unwrap_or_default()
    }
}

impl GatewayKind for GatewayClient {
    type Child = WgGatewayClient;
    type Template = WgGatewayClientTemplate;
    const NAME: &'static str = "gatewayclient";
    const FIELD_MANAGER: &'static str = field_manager::GATEWAY_CLIENT;

    fn template_ref(&self) -> Option<&ObjectReference> {
        self.spec.client_template_ref.as_ref()
    }

    fn data(&self, peer: &str) -> Value {
        gateway_render::client_data(self, peer)
    }

    fn service_metadata(&self) -> Option<ServiceMetadata> {
        None
    }

    fn status_for(child: &Value) -> Value {
        serde_json::to_value(gateway_render::client_status(child)).unwrap_or_default()
    }

    fn current_status(&self) -> Value {
        serde_json::to_value(self.status.clone().unwrap_or_default()).unwrap_or_default()
    }
}

/// The API of the object a `(apiVersion, kind)` names, its resource guessed naively.
fn dynamic_api(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    ns: &str,
) -> Result<Api<DynamicObject>, Error> {
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    if version.is_empty() || kind.is_empty() {
        return Err(Error::TemplateRef(format!("{api_version:?} {kind:?}")));
    }
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let resource = ApiResource::from_gvk_with_plural(&gvk, &gateway_render::kind_to_resource(kind));
    Ok(Api::namespaced_with(client.clone(), ns, &resource))
}

#[instrument(skip_all, fields(name = %gw.name_any(), ns = gw.namespace()))]
async fn reconcile<G: GatewayKind>(gw: Arc<G>, ctx: Arc<Context>) -> Result<Action, Error> {
    if gw.meta().deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let ns = gw.namespace().unwrap_or_default();
    let warn = |reason: &'static str, note: String| {
        let ctx = ctx.clone();
        let gw = gw.clone();
        async move { ctx.event(&*gw, EventType::Warning, reason, note).await }
    };
    let Some(peer) = gw.labels().get(label::REMOTE_CLUSTER_ID).cloned() else {
        let note = format!("missing label {:?}", label::REMOTE_CLUSTER_ID);
        warn("MissingRemoteClusterID", note).await;
        return Ok(Action::await_change());
    };
    let Some(template_ref) = gw.template_ref().cloned() else {
        warn("MissingTemplateRef", "no template reference".into()).await;
        return Ok(Action::await_change());
    };
    let Some(template) = read_template(&ctx, &template_ref, &ns).await? else {
        let note = format!(
            "template {:?} not found",
            template_ref.name.unwrap_or_default()
        );
        warn("TemplateNotFound", note).await;
        return Ok(Action::requeue(RETRY));
    };
    let owner = gw
        .controller_owner_ref(&())
        .expect("invariant: a gateway from the API has a name and uid");
    let params = ChildParams {
        namespace: &ns,
        peer: &peer,
        owner,
        service_metadata: gw.service_metadata(),
    };
    let template_spec = template.data.get("spec").cloned().unwrap_or(Value::Null);
    let child = match gateway_render::render_child(&template_spec, &gw.data(&peer), &params) {
        Ok(child) => child,
        Err(e) => {
            warn("InvalidTemplate", crate::context::error_chain(&e)).await;
            return Ok(Action::await_change());
        }
    };
    let applied = apply_child::<G>(&ctx, &child, &ns).await?;
    let status = G::status_for(&applied);
    if status != gw.current_status() {
        reconcile::apply_status(&ctx.client, &*gw, &status, G::FIELD_MANAGER).await?;
        let note = format!("Reconciled {} {:?}", G::kind(&()), gw.name_any());
        ctx.event(&*gw, EventType::Normal, "Reconciled", note).await;
    }
    Ok(Action::requeue(RESYNC))
}

async fn read_template(
    ctx: &Context,
    template_ref: &ObjectReference,
    ns: &str,
) -> Result<Option<DynamicObject>, Error> {
    let api = dynamic_api(
        &ctx.client,
        template_ref.api_version.as_deref().unwrap_or_default(),
        template_ref.kind.as_deref().unwrap_or_default(),
        template_ref.namespace.as_deref().unwrap_or(ns),
    )?;
    Ok(api
        .get_opt(template_ref.name.as_deref().unwrap_or_default())
        .await
        .api("read the gateway template")?)
}

/// Applies the rendered child; returns it as the API server stored it (with its status).
async fn apply_child<G: GatewayKind>(
    ctx: &Context,
    child: &Value,
    ns: &str,
) -> Result<Value, Error> {
    let api = dynamic_api(
        &ctx.client,
        child["apiVersion"].as_str().unwrap_or_default(),
        child["kind"].as_str().unwrap_or_default(),
        ns,
    )?;
    let name = child["metadata"]["name"].as_str().unwrap_or_default();
    let applied = api
        .patch(
            name,
            &PatchParams::apply(G::FIELD_MANAGER).force(),
            &Patch::Apply(child),
        )
        .await
        .api("apply the gateway child")?;
    Ok(serde_json::to_value(&applied).unwrap_or_default())
}

fn error_policy<G: GatewayKind>(gw: Arc<G>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.retry(G::NAME, &*gw, error)
}

/// Whether the gateway `gw` uses the template object `t`. A reference without a namespace
/// names a template in the gateway's own, as [`read_template`] reads it: comparing the raw
/// field left such gateways stuck on a broken template after it was repaired.
fn references<G: GatewayKind, T: Resource<DynamicType = ()>>(gw: &G, t: &T) -> bool {
    gw.template_ref().is_some_and(|r| {
        let namespace = r.namespace.as_deref().or(gw.meta().namespace.as_deref());
        r.kind.as_deref() == Some(&*T::kind(&()))
            && r.name.as_deref() == t.meta().name.as_deref()
            && namespace == t.meta().namespace.as_deref()
    })
}

/// Runs the operator of `G` until the stream ends.
pub async fn run<G: GatewayKind>(ctx: Arc<Context>) {
    let gateways: Api<G> = Api::all(ctx.client.clone());
    let controller = Controller::new(gateways, watcher::Config::default());
    let store = controller.store();
    let controller = controller
        .owns(
            Api::<G::Child>::all(ctx.client.clone()),
            watcher::Config::default(),
        )
        .watches(
            Api::<G::Template>::all(ctx.client.clone()),
            watcher::Config::default(),
            move |template| {
                store
                    .state()
                    .into_iter()
                    .filter(|gw| references(&**gw, &template))
                    .map(|gw| ObjectRef::from_obj(&*gw))
                    .collect::<Vec<_>>()
            },
        )
        .run(reconcile::<G>, error_policy::<G>, ctx.clone());
    ctx.drive(G::NAME, controller).await;
}

#[cfg(test)]
mod tests {
    use liqo_api::networking::{GatewayServer, WgGatewayServerTemplate};
    use serde_json::json;

    fn server(template_ref: serde_json::Value) -> GatewayServer {
        serde_json::from_value(json!({
            "apiVersion": "networking.liqo.io/v1beta1", "kind": "GatewayServer",
            "metadata": {"name": "gw", "namespace": "liqo-tenant-b"},
            "spec": {"serverTemplateRef": template_ref}
        }))
        .unwrap()
    }

    fn template(namespace: &str) -> WgGatewayServerTemplate {
        serde_json::from_value(json!({
            "apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServerTemplate",
            "metadata": {"name": "t", "namespace": namespace}, "spec": {}
        }))
        .unwrap()
    }

    #[test]
    fn a_reference_without_namespace_names_a_template_in_the_gateways() {
        let implicit = server(json!({"kind": "WgGatewayServerTemplate", "name": "t"}));
        assert!(super::references(&implicit, &template("liqo-tenant-b")));
        assert!(!super::references(&implicit, &template("liqo")));
        let explicit =
            server(json!({"kind": "WgGatewayServerTemplate", "name": "t", "namespace": "liqo"}));
        assert!(super::references(&explicit, &template("liqo")));
        assert!(!super::references(&explicit, &template("liqo-tenant-b")));
        let other_kind = server(json!({"kind": "WgGatewayClientTemplate", "name": "t"}));
        assert!(!super::references(&other_kind, &template("liqo-tenant-b")));
    }
}
