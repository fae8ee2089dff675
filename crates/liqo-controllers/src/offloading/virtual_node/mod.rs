//! VirtualNode controller (spec offloading.md §5): defaults `spec.template` from the
//! VkOptionsTemplate (upstream's mutating webhook, §4.7, done here — see
//! [`liqo_kube::offloading::virtual_node::defaults`]), runs the virtual kubelet (ServiceAccount,
//! ClusterRoleBinding, Deployment `vk-<vn>`), keeps the `VirtualKubelet`/`Node` conditions,
//! ensures the provider's NamespaceMap, and tears everything down behind the
//! `virtualnode-controller.liqo.io/finalizer` ([`deletion`]).
//!
//! Upstream quirk 8: upstream drains in one worker and polls without deadline, so one stuck pod
//! blocks every deletion. Here each VirtualNode reconciles on its own (kube-runtime runs
//! different objects concurrently), a drain that is not done requeues instead of waiting, and a
//! pod still there after [`deletion::POD_DEADLINE`] is deleted with grace period 0.

pub mod conditions;
pub mod deletion;

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::api::{ListParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::{annotation, field_manager, finalizer, label, name};
use liqo_api::core::ForeignCluster;
use liqo_api::ipam::Network;
use liqo_api::networking::Configuration;
use liqo_api::offloading::{
    NamespaceMap, NamespaceMapSpec, VirtualNode, VirtualNodeCondition,
    VirtualNodeConditionStatus as Status, VirtualNodeConditionType as Type, VirtualNodeStatus,
    VkOptionsTemplate,
};
use liqo_kube::offloading::virtual_node as vnb;
use liqo_kube::reconcile::{self, ReconcileError, ResultExt};
use tracing::instrument;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "virtualnode";
/// Field manager of everything this controller writes.
const MANAGER: &str = field_manager::VIRTUAL_NODE;
/// A safety net: the inputs are watched.
const RESYNC: Duration = Duration::from_secs(300);

/// How a reconcile ended.
enum Outcome {
    /// Done until something changes.
    Done,
    /// Look again after this long (a drain or a pod shutdown in progress).
    Requeue(Duration),
    /// The finalizer was removed: the object is gone, no status to write.
    Released,
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let controller = Controller::new(
        Api::<VirtualNode>::all(client.clone()),
        watcher::Config::default(),
    );
    let store = controller.store();
    let vk_selector = format!(
        "{}={}",
        label::OFFLOADING_COMPONENT,
        label::OFFLOADING_COMPONENT_VIRTUAL_KUBELET
    );
    let by_label = store.clone();
    let by_config = store.clone();
    let by_fc = store;
    let controller = controller
        .watches(
            Api::<Deployment>::all(client.clone()),
            watcher::Config::default().labels(&vk_selector),
            |d| {
                let ns = d.namespace()?;
                let vn = d.labels().get(label::VIRTUAL_NODE)?;
                Some(ObjectRef::new(vn).within(&ns))
            },
        )
        // A deletion waits for the virtual kubelet's pods to stop: their events, not a
        // recheck timer, move it on (unpeer waited up to 3 s per virtual node).
        .watches(
            Api::<Pod>::all(client.clone()),
            watcher::Config::default().labels(&vk_selector),
            |p| {
                let ns = p.namespace()?;
                let vn = p.labels().get(label::VIRTUAL_NODE)?;
                Some(ObjectRef::new(vn).within(&ns))
            },
        )
        .watches(
            Api::<NamespaceMap>::all(client.clone()),
            watcher::Config::default(),
            move |nm| of_cluster(&by_label, nm.labels().get(label::REMOTE_CLUSTER_ID)),
        )
        .watches(
            Api::<Configuration>::all(client.clone()),
            watcher::Config::default(),
            move |cfg| of_cluster(&by_config, cfg.labels().get(label::REMOTE_CLUSTER_ID)),
        )
        .watches(
            Api::<ForeignCluster>::all(client),
            watcher::Config::default(),
            move |fc| of_cluster(&by_fc, Some(&fc.spec.cluster_id)),
        );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

/// The VirtualNodes of `cluster` (the watches on per-peer objects).
fn of_cluster(store: &Store<VirtualNode>, cluster: Option<&String>) -> Vec<ObjectRef<VirtualNode>> {
    let Some(cluster) = cluster else {
        return Vec::new();
    };
    store
        .state()
        .iter()
        .filter(|vn| vn.spec.cluster_id.as_ref() == Some(cluster))
        .map(|vn| ObjectRef::from_obj(vn.as_ref()))
        .collect()
}

fn error_policy(vn: Arc<VirtualNode>, error: &ReconcileError, ctx: Arc<Context>) -> Action {
    ctx.retry(NAME, &*vn, error)
}

#[instrument(skip_all, fields(name = %vn.name_any(), ns = vn.namespace()))]
async fn reconcile(vn: Arc<VirtualNode>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let mut conditions = vn
        .status
        .as_ref()
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default();
    let outcome = if vn.meta().deletion_timestamp.is_some() {
        if !reconcile::has_finalizer(&*vn, finalizer::VIRTUAL_NODE) {
            return Ok(Action::await_change());
        }
        deletion::run(&ctx, &vn, deletion::Mode::Delete, &mut conditions).await
    } else {
        ensure(&ctx, &vn, &mut conditions).await
    };
    // §5.2 step 7: the status is written whatever happened (also on errors).
    if !matches!(outcome, Ok(Outcome::Released)) {
        write_status(&ctx, &vn, conditions).await?;
    }
    let action = match outcome? {
        Outcome::Done => Action::requeue(RESYNC),
        Outcome::Requeue(after) => Action::requeue(after),
        Outcome::Released => Action::await_change(),
    };
    Ok(action)
}

async fn write_status(
    ctx: &Context,
    vn: &VirtualNode,
    conditions: Vec<VirtualNodeCondition>,
) -> Result<(), ReconcileError> {
    let status = VirtualNodeStatus {
        conditions: Some(conditions),
    };
    match reconcile::apply_status(&ctx.client, vn, &status, MANAGER).await {
        Err(e) if e.status_code() == Some(404) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// §5.2: the not-deleting path.
async fn ensure(
    ctx: &Context,
    vn: &VirtualNode,
    conditions: &mut Vec<VirtualNodeCondition>,
) -> Result<Outcome, ReconcileError> {
    // Not reconciled yet = just created: where upstream's webhook defaults (on CREATE).
    let created = !reconcile::has_finalizer(vn, finalizer::VIRTUAL_NODE);
    let now = Time(k8s_openapi::jiff::Timestamp::now());
    let vn_name = vn.name_any();
    // Upstream's webhook refuses this at creation (§4.7: `node <name> already exists`).
    if let Some(node) = Api::<Node>::all(ctx.client.clone())
        .get_opt(&vn_name)
        .await
        .api(format!("read Node {vn_name}"))?
        && !deletion::is_virtual_node_of(&node, vn)
    {
        let message = format!("node {vn_name} already exists");
        let changed = conditions::set_with(
            conditions,
            Type::VirtualKubelet,
            Status::None,
            &message,
            &now,
        );
        if changed {
            let note = format!("{message}: the virtual kubelet is not started");
            ctx.event(vn, EventType::Warning, "NodeAlreadyExists", note)
                .await;
        }
        // No finalizer either: a refused VirtualNode is deleted without the routine.
        return Ok(Outcome::Done);
    }
    let template = read_template(ctx, vn).await?;
    let vn = &default_spec(ctx, vn, &template.spec, created).await?;
    // 1. The finalizer, before anything outside the VirtualNode is written; its update
    // triggers the next reconcile.
    if reconcile::add_finalizer(&ctx.client, vn, finalizer::VIRTUAL_NODE).await? {
        return Ok(Outcome::Done);
    }
    let create_node = vn.spec.create_node.unwrap_or(template.spec.create_node);

    // 2.
    conditions::set(conditions, Type::VirtualKubelet, Status::Creating, &now);
    let node_status = if create_node {
        Status::Creating
    } else {
        Status::None
    };
    conditions::set(conditions, Type::Node, node_status, &now);
    // 3.
    let cluster = vn.spec.cluster_id.clone().unwrap_or_default();
    ensure_identity(ctx, vn, &cluster).await?;
    // 4.
    let remote_cidrs = network_args(ctx, &cluster).await?;
    // 5.
    ensure_deployment(ctx, vn, remote_cidrs.as_deref()).await?;
    // 6.
    conditions::set(conditions, Type::VirtualKubelet, Status::Running, &now);
    if create_node {
        conditions::set(conditions, Type::Node, Status::Running, &now);
    }
    // 8. Without a Node, make sure there is none (drained first).
    if !create_node
        && let Outcome::Requeue(after) =
            deletion::run(ctx, vn, deletion::Mode::NodeOnly, conditions).await?
    {
        ensure_namespace_map(ctx, vn, &cluster).await?;
        return Ok(Outcome::Requeue(after));
    }
    // 9.
    ensure_namespace_map(ctx, vn, &cluster).await?;
    Ok(Outcome::Done)
}

/// The VkOptionsTemplate of `vn`: its reference, else `<liqoNs>/virtual-kubelet-default`.
async fn read_template(
    ctx: &Context,
    vn: &VirtualNode,
) -> Result<VkOptionsTemplate, ReconcileError> {
    let reference = vn.spec.vk_options_template_ref.as_ref();
    let ns = reference
        .and_then(|r| r.namespace.clone())
        .unwrap_or_else(|| ctx.liqo_namespace.clone());
    let template_name = reference
        .and_then(|r| r.name.clone())
        .unwrap_or_else(|| name::VK_OPTIONS_TEMPLATE.to_owned());
    let found = Api::<VkOptionsTemplate>::namespaced(ctx.client.clone(), &ns)
        .get_opt(&template_name)
        .await
        .api(format!("read VkOptionsTemplate {ns}/{template_name}"))?;
    match found {
        Some(t) => Ok(t),
        None => {
            let message = format!("VkOptionsTemplate {ns}/{template_name} not found");
            ctx.event(
                vn,
                EventType::Warning,
                "VkOptionsTemplateNotFound",
                message.clone(),
            )
            .await;
            Err(ReconcileError::Waiting(message))
        }
    }
}

/// §4.7.2–3 done by the controller: `spec.template` (on the first reconcile, with what the
/// client put there as overrides, as upstream's webhook does on CREATE; later only while it
/// has no container), the createNode/disableNetworkCheck defaults and the offloading patch
/// keys, then the managed args. Written back (with this controller's field manager, pinned to
/// the read resourceVersion) only when something changed.
async fn default_spec(
    ctx: &Context,
    vn: &VirtualNode,
    template: &liqo_api::offloading::VkOptionsTemplateSpec,
    created: bool,
) -> Result<VirtualNode, ReconcileError> {
    let mut desired = vn.clone();
    if created || vnb::needs_template(&desired) {
        let cidrs = local_pod_cidrs(ctx).await?;
        let inputs = vnb::DeploymentInputs {
            home_cluster_id: &ctx.cluster_id,
            liqo_namespace: &ctx.liqo_namespace,
            local_pod_cidrs: &cidrs,
        };
        vnb::default_template(&mut desired, template, &inputs);
    }
    vnb::ensure_managed_args(&mut desired, template);
    if desired.spec == vn.spec {
        return Ok(desired);
    }
    let ns = vn.namespace().unwrap_or_default();
    let params = PostParams {
        field_manager: Some(MANAGER.to_owned()),
        ..PostParams::default()
    };
    Api::<VirtualNode>::namespaced(ctx.client.clone(), &ns)
        .replace(&vn.name_any(), &params, &desired)
        .await
        .api(format!(
            "default the spec of VirtualNode {ns}/{}",
            vn.name_any()
        ))
}

/// The local pod CIDRs (`--local-podcidr`): the granted pod-cidr Networks of the Liqo
/// namespace; none when networking is not installed.
async fn local_pod_cidrs(ctx: &Context) -> Result<Vec<String>, ReconcileError> {
    let selector = format!(
        "{}={}",
        label::IPAM_NETWORK_TYPE,
        label::IPAM_NETWORK_TYPE_POD_CIDR
    );
    let mut networks = Api::<Network>::namespaced(ctx.client.clone(), &ctx.liqo_namespace)
        .list(&ListParams::default().labels(&selector))
        .await
        .api("list the pod-cidr Networks")?
        .items;
    networks.sort_by_key(ResourceExt::name_any);
    Ok(networks
        .into_iter()
        .filter_map(|n| n.status.and_then(|s| s.cidr))
        .filter(|c| !c.is_empty())
        .collect())
}

/// §5.2 step 3: ServiceAccount `<vn>` and ClusterRoleBinding `liqo-node-<vn>`.
async fn ensure_identity(
    ctx: &Context,
    vn: &VirtualNode,
    cluster: &str,
) -> Result<(), ReconcileError> {
    let ns = vn.namespace().unwrap_or_default();
    let vn_name = vn.name_any();
    let sa = ServiceAccount {
        metadata: ObjectMeta {
            name: Some(vn_name.clone()),
            namespace: Some(ns.clone()),
            ..ObjectMeta::default()
        },
        ..ServiceAccount::default()
    };
    reconcile::apply(&ctx.client, &sa, MANAGER).await?;
    let crb = ClusterRoleBinding {
        metadata: ObjectMeta {
            name: Some(binding_name(&vn_name)),
            labels: Some(
                [
                    (label::APP_MANAGED_BY, label::MANAGED_BY_LIQO),
                    (label::REMOTE_CLUSTER_ID, cluster),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            ),
            ..ObjectMeta::default()
        },
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".to_owned()),
            kind: "ClusterRole".into(),
            name: name::VIRTUAL_KUBELET_LOCAL_CLUSTER_ROLE.into(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: vn_name,
            namespace: Some(ns),
            api_group: None,
        }]),
    };
    reconcile::apply(&ctx.client, &crb, MANAGER).await?;
    Ok(())
}

/// `liqo-node-<vn>`, cut to the 253 characters of an object name.
pub fn binding_name(vn: &str) -> String {
    let mut name = format!("{}{vn}", name::VIRTUAL_NODE_BINDING_PREFIX);
    name.truncate(253);
    name
}

/// §5.2 step 4: the ForeignCluster of the provider must exist; with its networking module
/// enabled, so must the network Configuration, with its CIDRs remapped: the remote CIDR args.
async fn network_args(ctx: &Context, cluster: &str) -> Result<Option<Vec<String>>, ReconcileError> {
    let Some(fc) = deletion::foreign_cluster(ctx, cluster).await? else {
        return Err(ReconcileError::Waiting(format!(
            "no ForeignCluster for cluster {cluster}"
        )));
    };
    let networking = fc
        .status
        .as_ref()
        .and_then(|s| s.modules.as_ref())
        .is_some_and(|m| m.networking.enabled);
    let selector = format!("{}={cluster}", label::REMOTE_CLUSTER_ID);
    let configs = Api::<Configuration>::all(ctx.client.clone())
        .list(&ListParams::default().labels(&selector))
        .await
        .api(format!("list the Configurations of cluster {cluster}"))?;
    // A Configuration counts even before the ForeignCluster's networking module follows it
    // (its controller lags a pass), so that the virtual kubelet is rendered once.
    let Some(cfg) = configs.items.first() else {
        if !networking {
            return Ok(None);
        }
        return Err(ReconcileError::Waiting(format!(
            "no network Configuration for cluster {cluster}"
        )));
    };
    match vnb::remote_cidr_args(cfg) {
        Some(args) => Ok(Some(args)),
        // Upstream starts the virtual kubelet without the remote CIDRs and rolls it out again
        // once they are remapped (a second pod; the peering reported unhealthy for seconds):
        // wait for the remap instead, which the Configuration watch brings.
        None => Err(ReconcileError::Waiting(format!(
            "the network Configuration {} of cluster {cluster} has no remapped CIDRs yet",
            cfg.name_any()
        ))),
    }
}

/// §5.2 step 5: the Deployment of `spec.template`, with the remote CIDR args and the
/// offloading-patch hash; owned by the VirtualNode.
async fn ensure_deployment(
    ctx: &Context,
    vn: &VirtualNode,
    remote_cidrs: Option<&[String]>,
) -> Result<(), ReconcileError> {
    let template = vn.spec.template.clone().unwrap_or_default();
    let mut meta: ObjectMeta = template.metadata.unwrap_or_default().into();
    let ns = vn.namespace().unwrap_or_default();
    meta.namespace = Some(meta.namespace.unwrap_or_else(|| ns.clone()));
    let dep_name = meta
        .name
        .clone()
        .unwrap_or_else(|| format!("{}{}", name::VIRTUAL_KUBELET_PREFIX, vn.name_any()));
    meta.name = Some(dep_name.clone());
    meta.owner_references = vn.controller_owner_ref(&()).map(|o| vec![o]);
    let mut spec = template.spec.unwrap_or_default();
    if let Some(remote) = remote_cidrs
        && let Some(container) = spec
            .template
            .spec
            .as_mut()
            .and_then(|p| p.containers.first_mut())
    {
        vnb::set_remote_cidr_args(container.args.get_or_insert_default(), remote);
    }
    let hash = vnb::offloading_patch_hash(vn.spec.offloading_patch.as_ref());
    spec.template
        .metadata
        .get_or_insert_default()
        .annotations
        .get_or_insert_default()
        .insert(annotation::OFFLOADING_PATCH_HASH.to_owned(), hash);
    let deployment = Deployment {
        metadata: meta,
        spec: Some(spec),
        status: None,
    };
    let existed = Api::<Deployment>::namespaced(ctx.client.clone(), &ns)
        .get_metadata_opt(&dep_name)
        .await
        .api(format!("read Deployment {ns}/{dep_name}"))?
        .is_some();
    reconcile::apply(&ctx.client, &deployment, MANAGER).await?;
    if !existed {
        let note = format!("virtual kubelet Deployment {ns}/{dep_name} created");
        ctx.event(vn, EventType::Normal, "VkCreated", note).await;
    }
    Ok(())
}

/// §5.2 step 9: exactly one NamespaceMap for the provider, `<P>` in its tenant namespace.
async fn ensure_namespace_map(
    ctx: &Context,
    vn: &VirtualNode,
    cluster: &str,
) -> Result<(), ReconcileError> {
    let selector = format!(
        "{}={cluster},{}={},{}={cluster}",
        label::REMOTE_CLUSTER_ID,
        label::REPLICATION,
        label::TRUE,
        label::REMOTE_ID
    );
    let existing = Api::<NamespaceMap>::all(ctx.client.clone())
        .list_metadata(&ListParams::default().labels(&selector))
        .await
        .api(format!("list the NamespaceMaps of cluster {cluster}"))?;
    if !existing.items.is_empty() {
        return Ok(());
    }
    let ns = match liqo_kube::tenant_namespace::lookup(&ctx.client, cluster).await {
        Ok(Some(ns)) => ns.name_any(),
        // The VirtualNode lives in the tenant namespace unless someone put it elsewhere.
        _ => vn.namespace().unwrap_or_default(),
    };
    let mut nm = NamespaceMap::new(cluster, NamespaceMapSpec::default());
    nm.metadata.namespace = Some(ns.clone());
    nm.metadata.labels = Some(
        [
            (label::REMOTE_CLUSTER_ID, cluster),
            (label::REPLICATION, label::TRUE),
            (label::REMOTE_ID, cluster),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    );
    let params = PostParams {
        field_manager: Some(MANAGER.to_owned()),
        ..PostParams::default()
    };
    match Api::<NamespaceMap>::namespaced(ctx.client.clone(), &ns)
        .create(&params, &nm)
        .await
    {
        Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
        other => other
            .map(|_| ())
            .api(format!("create NamespaceMap {ns}/{cluster}")),
    }
}
