//! What `unpeer` would delete, per cluster, read without writing: the objects its steps delete
//! (slices, virtual nodes, the control-plane Identity, the Tenant, the nonces, certificate
//! caches, the network objects, the ForeignClusters, the tenant namespaces) and everything
//! they own, transitively, in the tenant namespace — found by owner references over every
//! namespaced kind the cluster serves. `--dry-run` prints it; an empty plan means nothing is
//! peered.

use std::collections::BTreeSet;

use anyhow::Context as _;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Namespace, Node, Secret};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::{ApiResource, DynamicObject, ListParams};
use kube::discovery::{Discovery, Scope as ApiScope, verbs};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{label, name};
use liqo_api::core::ForeignCluster;
use liqo_kube::auth::identity::controlplane_name;

use crate::flows::foreign_cluster;
use crate::flows::offload::{slices_selector, virtual_nodes_selector};
use crate::peers::Side;

/// Where the virtual kubelet keeps its Node's heartbeat Lease.
const NODE_LEASE_NAMESPACE: &str = "kube-node-lease";

/// One object to delete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Its API group, version and plural, to reach it.
    pub group: String,
    pub version: String,
    pub plural: String,
}

impl Item {
    /// How to reach the object's kind.
    pub fn api_resource(&self) -> ApiResource {
        let api_version = if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        ApiResource {
            group: self.group.clone(),
            version: self.version.clone(),
            api_version,
            kind: self.kind.clone(),
            plural: self.plural.clone(),
        }
    }
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// What the run removes, besides the offloading and the authentication.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    /// The network and the ForeignClusters (not when the reverse peering stays).
    pub network: bool,
    /// The tenant namespaces.
    pub namespaces: bool,
}

/// Which role a side plays in the direction being removed; `Both` for `--force`, which
/// removes both directions' local objects (the peer is gone for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Consumer,
    Provider,
    Both,
}

/// The objects unpeer deletes on `side`, sorted.
pub async fn side_plan(side: &Side, role: Role, scope: Scope) -> anyhow::Result<Vec<Item>> {
    let client = &side.client;
    let peer = side.peer.as_str();
    let mut items = BTreeSet::new();
    let kinds = listable(client).await?;
    let tenant_ns = liqo_kube::tenant_namespace::lookup(client, peer)
        .await
        .with_context(|| format!("failed to look up the tenant namespace for cluster {peer}"))?
        .map(|n| n.name_any());
    if role != Role::Provider {
        // Virtual nodes' Nodes are cluster-wide.
        let selector = format!(
            "{},{}={}",
            virtual_nodes_selector(peer),
            label::TYPE,
            label::TYPE_VIRTUAL_NODE
        );
        let nodes = Api::<Node>::all(client.clone())
            .list(&ListParams::default().labels(&selector))
            .await;
        for node in visible(nodes).context("failed to list the virtual nodes' Nodes")? {
            items.insert(item(
                &ApiResource::erase::<Node>(&()),
                None,
                &node.name_any(),
            ));
            // Its heartbeat Lease, owned by the Node.
            let lease = ApiResource::erase::<Lease>(&());
            items.insert(item(
                &lease,
                Some(NODE_LEASE_NAMESPACE.into()),
                &node.name_any(),
            ));
        }
        // Slices may live outside the tenant namespace (create resourceslice -n).
        for (ar, o) in list_all(client, &kinds, "authentication.liqo.io", "ResourceSlice").await? {
            if has_labels(&o, &slices_selector(peer)) {
                items.insert(item(&ar, o.namespace(), &o.name_any()));
            }
        }
    }
    if let Some(ns) = &tenant_ns {
        let objects = namespace_objects(client, &kinds, ns).await?;
        let roots: Vec<usize> = objects
            .iter()
            .enumerate()
            .filter(|(_, (ar, o))| is_root(ar, o, side, role, scope))
            .map(|(i, _)| i)
            .collect();
        for i in owned_closure(&objects, &roots) {
            let (ar, o) = &objects[i];
            items.insert(item(ar, o.namespace(), &o.name_any()));
        }
        if role != Role::Consumer {
            items.extend(issuing_csrs(client, &objects, &roots, peer).await?);
        }
        if scope.namespaces {
            for (ar, o) in &objects {
                items.insert(item(ar, o.namespace(), &o.name_any()));
            }
            items.insert(item(&ApiResource::erase::<Namespace>(&()), None, ns));
        }
    }
    items.extend(cluster_role_bindings(client, peer, role, scope).await?);
    // A user who may not read ForeignClusters (a peering user) sees none to delete.
    let fc = match foreign_cluster::lookup(client, peer).await {
        Err(e) if crate::exit::is_forbidden(&e) => None,
        found => found?,
    };
    if scope.network
        && let Some(fc) = fc
    {
        items.insert(item(
            &ApiResource::erase::<ForeignCluster>(&()),
            None,
            &fc.name_any(),
        ));
    }
    Ok(items.into_iter().collect())
}

fn item(ar: &ApiResource, namespace: Option<String>, name: &str) -> Item {
    Item {
        kind: ar.kind.clone(),
        namespace,
        name: name.into(),
        group: ar.group.clone(),
        version: ar.version.clone(),
        plural: ar.plural.clone(),
    }
}

/// Whether `o` is one of the objects the steps delete themselves.
fn is_root(ar: &ApiResource, o: &DynamicObject, side: &Side, role: Role, scope: Scope) -> bool {
    let peer = side.peer.as_str();
    let (kind, name) = (ar.kind.as_str(), o.name_any());
    let liqo = ar.group.ends_with("liqo.io");
    let for_peer = has_labels(o, &format!("{}={peer}", label::REMOTE_CLUSTER_ID));
    let network =
        liqo && matches!(kind, "GatewayClient" | "GatewayServer" | "Configuration") && for_peer;
    if scope.network && network {
        return true;
    }
    let consumer = || {
        let controlplane = controlplane_name(peer);
        (liqo && kind == "ResourceSlice" && has_labels(o, &slices_selector(peer)))
            || (liqo && kind == "VirtualNode" && for_peer)
            || (liqo && matches!(kind, "Identity" | "Renew") && name == controlplane)
            || (kind == "Secret" && ar.group.is_empty() && name == name::SIGNED_NONCE_SECRET)
    };
    let provider = || {
        // The consumer's replicas (slices, namespace maps), its Tenant, its Renew's replica,
        // the nonce it was issued and the certificates cached for it.
        let from_peer = has_labels(
            o,
            &format!("{}=true,{}={peer}", label::REPLICATED, label::ORIGIN_ID),
        );
        let secret = kind == "Secret" && ar.group.is_empty();
        (liqo && matches!(kind, "ResourceSlice" | "NamespaceMap") && from_peer)
            || (liqo && kind == "Tenant" && name == peer)
            || (liqo && kind == "Renew" && name == controlplane_name(&side.id))
            || (secret && name == name::NONCE_SECRET)
            || (secret && for_peer && name.starts_with(name::REMOTE_CERTIFICATE_SECRET))
    };
    match role {
        Role::Consumer => consumer(),
        Role::Provider => provider(),
        Role::Both => consumer() || provider(),
    }
}

/// Whether `o` has every `k=v` of `selector`.
fn has_labels(o: &DynamicObject, selector: &str) -> bool {
    let labels = o.labels();
    selector.split(',').all(|kv| match kv.split_once('=') {
        Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
        None => labels.contains_key(kv),
    })
}

/// The indexes of `roots` and of every object they own, transitively.
fn owned_closure(objects: &[(ApiResource, DynamicObject)], roots: &[usize]) -> Vec<usize> {
    let mut inside: BTreeSet<usize> = roots.iter().copied().collect();
    let mut uids: BTreeSet<String> = roots.iter().filter_map(|i| objects[*i].1.uid()).collect();
    loop {
        let before = inside.len();
        for (i, (_, o)) in objects.iter().enumerate() {
            if !inside.contains(&i) && o.owner_references().iter().any(|r| uids.contains(&r.uid)) {
                inside.insert(i);
                uids.extend(o.uid());
            }
        }
        if inside.len() == before {
            return inside.into_iter().collect();
        }
    }
}

/// Every object in `ns` of every namespaced kind the cluster lists, Events excepted (they go
/// with the namespace and are not Liqo's).
async fn namespace_objects(
    client: &Client,
    kinds: &[ApiResource],
    ns: &str,
) -> anyhow::Result<Vec<(ApiResource, DynamicObject)>> {
    let mut out = Vec::new();
    for ar in kinds {
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, ar);
        match api.list(&ListParams::default()).await {
            Ok(list) => out.extend(list.items.into_iter().map(|o| (ar.clone(), o))),
            Err(kube::Error::Api(e)) if matches!(e.code, 403..=405) => {}
            Err(e) => {
                return Err(e).with_context(|| format!("failed to list {} in {ns}", ar.plural));
            }
        }
    }
    Ok(out)
}

/// Every object of `group`/`kind` in the cluster.
async fn list_all(
    client: &Client,
    kinds: &[ApiResource],
    group: &str,
    kind: &str,
) -> anyhow::Result<Vec<(ApiResource, DynamicObject)>> {
    let mut out = Vec::new();
    for ar in kinds {
        if ar.group != group || ar.kind != kind {
            continue;
        }
        let api: Api<DynamicObject> = Api::all_with(client.clone(), ar);
        let list = visible(api.list(&ListParams::default()).await)
            .with_context(|| format!("failed to list {}", ar.plural))?;
        out.extend(list.into_iter().map(|o| (ar.clone(), o)));
    }
    Ok(out)
}

/// A cluster-wide list, empty when the user is refused it: a peering user on the provider sees
/// only its tenant namespace, and the plan is what this user can see (its deletes are limited
/// the same way).
fn visible<K: Clone>(
    listed: Result<kube::core::ObjectList<K>, kube::Error>,
) -> Result<Vec<K>, kube::Error> {
    match listed {
        Ok(list) => Ok(list.items),
        Err(kube::Error::Api(e)) if e.code == 403 => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The namespaced kinds the cluster lists.
async fn listable(client: &Client) -> anyhow::Result<Vec<ApiResource>> {
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .context("failed to discover the cluster's resources")?;
    let mut out = Vec::new();
    for group in discovery.groups() {
        for (ar, caps) in group.recommended_resources() {
            if caps.scope == ApiScope::Namespaced
                && caps.supports_operation(verbs::LIST)
                && ar.kind != "Event"
            {
                out.push(ar);
            }
        }
    }
    Ok(out)
}

/// The peer's cluster-wide bindings: the gateway's (network), the virtual kubelet's (a
/// consumer's virtual node) and the Tenant's (on a provider).
async fn cluster_role_bindings(
    client: &Client,
    peer: &str,
    role: Role,
    scope: Scope,
) -> anyhow::Result<Vec<Item>> {
    let selector = format!("{}={peer}", label::REMOTE_CLUSTER_ID);
    let found = Api::<ClusterRoleBinding>::all(client.clone())
        .list(&ListParams::default().labels(&selector))
        .await;
    let found = visible(found).context("failed to list the ClusterRoleBindings")?;
    let ar = ApiResource::erase::<ClusterRoleBinding>(&());
    Ok(found
        .iter()
        .filter(|b| {
            let name = b.name_any();
            let gateway = b.labels().contains_key(label::GATEWAY_NAME);
            (gateway && scope.network)
                || (name.starts_with("liqo-node-") && role != Role::Provider)
                || (name.starts_with("liqo-binding-") && role != Role::Consumer)
        })
        .map(|b| item(&ar, None, &b.name_any()))
        .collect())
}

/// The CSRs that issued the certificates cached in the planned certificate-cache Secrets.
async fn issuing_csrs(
    client: &Client,
    objects: &[(ApiResource, DynamicObject)],
    roots: &[usize],
    peer: &str,
) -> anyhow::Result<Vec<Item>> {
    let mut cached: Vec<Vec<u8>> = Vec::new();
    let caches = roots.iter().map(|i| &objects[*i]).filter(|(ar, o)| {
        ar.kind == "Secret"
            && o.name_any().starts_with(name::REMOTE_CERTIFICATE_SECRET)
            && has_labels(o, &format!("{}={peer}", label::REMOTE_CLUSTER_ID))
    });
    for (_, o) in caches {
        let ns = o.namespace().unwrap_or_default();
        let secret = Api::<Secret>::namespaced(client.clone(), &ns)
            .get_opt(&o.name_any())
            .await
            .with_context(|| format!("failed to read Secret {ns}/{}", o.name_any()))?;
        if let Some(csr) = secret.and_then(|s| s.data?.remove(name::CERTIFICATE_CACHE_CSR_KEY)) {
            cached.push(csr.0);
        }
    }
    if cached.is_empty() {
        return Ok(Vec::new());
    }
    let ours = format!("{}={}", label::REMOTE_TENANT_CSR, label::TRUE);
    let csrs = match Api::<CertificateSigningRequest>::all(client.clone())
        .list(&ListParams::default().labels(&ours))
        .await
    {
        Ok(list) => list.items,
        // A peering user may not list them: unauthenticate keeps them too.
        Err(kube::Error::Api(e)) if e.code == 403 => return Ok(Vec::new()),
        Err(e) => return Err(e).context("failed to list the CertificateSigningRequests"),
    };
    let ar = ApiResource::erase::<CertificateSigningRequest>(&());
    Ok(csrs
        .iter()
        .filter(|c| cached.contains(&c.spec.request.0))
        .map(|c| item(&ar, None, &c.name_any()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(
        kind: &str,
        name: &str,
        uid: &str,
        owner: Option<&str>,
    ) -> (ApiResource, DynamicObject) {
        let ar = ApiResource {
            group: String::new(),
            version: "v1".into(),
            api_version: "v1".into(),
            kind: kind.into(),
            plural: format!("{}s", kind.to_lowercase()),
        };
        let mut o = DynamicObject::new(name, &ar).within("ns");
        o.metadata.uid = Some(uid.into());
        o.metadata.labels = Some([("a".to_string(), "1".to_string())].into());
        if let Some(owner) = owner {
            o.metadata.owner_references = Some(vec![
                k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                    uid: owner.into(),
                    ..Default::default()
                },
            ]);
        }
        (ar, o)
    }

    #[test]
    fn the_plan_holds_the_roots_and_what_they_own_transitively_only() {
        let objects = vec![
            object("Secret", "grandchild", "3", Some("2")),
            object("Deployment", "root", "1", None),
            object("ReplicaSet", "child", "2", Some("1")),
            object("ConfigMap", "unrelated", "4", Some("9")),
        ];
        assert_eq!(owned_closure(&objects, &[1]), vec![0, 1, 2]);
        assert_eq!(owned_closure(&objects, &[]), Vec::<usize>::new());
    }

    #[test]
    fn selectors_match_every_pair() {
        let (_, o) = object("Secret", "s", "1", None);
        assert!(has_labels(&o, "a=1"));
        assert!(has_labels(&o, "a"));
        assert!(!has_labels(&o, "a=1,b=2"));
        assert!(!has_labels(&o, "a=2"));
    }

    #[test]
    fn items_print_as_kind_and_path() {
        let (ar, _) = object("Secret", "s", "1", None);
        assert_eq!(item(&ar, Some("ns".into()), "s").to_string(), "Secret ns/s");
        assert_eq!(item(&ar, None, "n").to_string(), "Secret n");
        assert_eq!(item(&ar, None, "n").api_resource().api_version, "v1");
    }
}
