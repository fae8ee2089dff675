//! RBAC of the control plane and the ClusterRoles the tenant controller binds for consumers.

use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use liqo_api::consts::{label, name};

use super::{CONTROLLER_MANAGER, meta};
use crate::apply::{ApplyError, Manifest};

/// ClusterRole of the remote-controlplane binding (authentication.md §8).
pub const REMOTE_CONTROLPLANE: &str = name::REMOTE_CONTROLPLANE_CLUSTER_ROLE;
/// ClusterRole bound cluster-wide to a consumer's group.
pub const REMOTE_CLUSTERWIDE: &str = "liqo-virtual-kubelet-remote-clusterwide";
/// ClusterRole bound to each virtual kubelet's ServiceAccount (`liqo-node-<vn>`).
pub const VIRTUAL_KUBELET_LOCAL: &str = name::VIRTUAL_KUBELET_LOCAL_CLUSTER_ROLE;

/// The signer of kubelet serving certificates.
const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
    let strings = |items: &[&str]| Some(items.iter().map(ToString::to_string).collect());
    PolicyRule {
        api_groups: strings(groups),
        resources: strings(resources),
        verbs: verbs.iter().map(ToString::to_string).collect(),
        ..Default::default()
    }
}

/// The controller manager's own permissions. It binds the consumer roles, so it also holds
/// `bind`/`escalate` on roles, approves client CSRs for the kube-apiserver-client signer and the
/// virtual kubelets' serving CSRs for the kubelet-serving signer.
fn controller_manager_rules() -> Vec<PolicyRule> {
    let liqo_groups = [
        "core.liqo.io",
        "authentication.liqo.io",
        "networking.liqo.io",
        "ipam.liqo.io",
        "offloading.liqo.io",
    ];
    let mut signer = rule(&["certificates.k8s.io"], &["signers"], &["approve", "sign"]);
    signer.resource_names = Some(vec![name::CSR_SIGNER.to_string()]);
    // The virtual kubelets' serving certificates: approved here, signed by the cluster.
    let mut kubelet_serving = rule(&["certificates.k8s.io"], &["signers"], &["approve"]);
    kubelet_serving.resource_names = Some(vec![KUBELET_SERVING_SIGNER.to_string()]);
    vec![
        rule(&liqo_groups, &["*"], ALL_VERBS),
        rule(
            &[""],
            &[
                "namespaces",
                "secrets",
                "configmaps",
                "serviceaccounts",
                "services",
                "pods",
                "nodes",
                "endpoints",
            ],
            ALL_VERBS,
        ),
        rule(
            &["", "events.k8s.io"],
            &["events"],
            &["create", "patch", "update"],
        ),
        // The VirtualNode controller drains virtual Nodes through Evictions (PDBs honoured).
        rule(&[""], &["pods/eviction"], &["create"]),
        // The pod-status controller marks pods of an unavailable virtual Node not Ready.
        rule(&[""], &["pods/status"], &["get", "patch"]),
        rule(&["apps"], &["deployments"], ALL_VERBS),
        rule(&["discovery.k8s.io"], &["endpointslices"], ALL_VERBS),
        // The provider lists its StorageClasses for the slices when storage is enabled.
        rule(
            &["storage.k8s.io"],
            &["storageclasses"],
            &["get", "list", "watch"],
        ),
        rule(&["coordination.k8s.io"], &["leases"], ALL_VERBS),
        rule(
            &["rbac.authorization.k8s.io"],
            &[
                "roles",
                "rolebindings",
                "clusterroles",
                "clusterrolebindings",
            ],
            &[ALL_VERBS, &["bind", "escalate"]].concat(),
        ),
        rule(
            &["certificates.k8s.io"],
            &[
                "certificatesigningrequests",
                "certificatesigningrequests/approval",
                "certificatesigningrequests/status",
            ],
            ALL_VERBS,
        ),
        signer,
        kubelet_serving,
        rule(&["authentication.k8s.io"], &["tokenreviews"], &["create"]),
        rule(
            &["authorization.k8s.io"],
            &["subjectaccessreviews"],
            &["create"],
        ),
        rule(
            &["apiextensions.k8s.io"],
            &["customresourcedefinitions"],
            &["get", "list", "watch"],
        ),
        // The webhook server puts its CA into the webhook configurations' caBundle.
        rule(
            &["admissionregistration.k8s.io"],
            &[
                "mutatingwebhookconfigurations",
                "validatingwebhookconfigurations",
            ],
            &["get", "list", "watch", "patch"],
        ),
    ]
}

/// ClusterRoles and bindings of an installation.
pub(super) fn render(namespace: &str) -> Result<Vec<Manifest>, ApplyError> {
    let manager = ClusterRole {
        metadata: meta(CONTROLLER_MANAGER, None, &[]),
        rules: Some(controller_manager_rules()),
        ..Default::default()
    };
    let binding = ClusterRoleBinding {
        metadata: meta(CONTROLLER_MANAGER, None, &[]),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "ClusterRole".into(),
            name: CONTROLLER_MANAGER.into(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: CONTROLLER_MANAGER.into(),
            namespace: Some(namespace.into()),
            ..Default::default()
        }]),
    };
    let remote_controlplane = ClusterRole {
        metadata: meta(
            REMOTE_CONTROLPLANE,
            None,
            &[(label::APP_NAME, label::APP_NAME_REMOTE_CONTROLPLANE)],
        ),
        rules: Some(vec![
            rule(
                &["authentication.liqo.io"],
                &[
                    "renews",
                    "renews/status",
                    "resourceslices",
                    "resourceslices/status",
                ],
                ALL_VERBS,
            ),
            rule(
                &["offloading.liqo.io"],
                &["namespacemaps", "namespacemaps/status"],
                ALL_VERBS,
            ),
        ]),
        ..Default::default()
    };
    let remote_clusterwide = ClusterRole {
        metadata: meta(
            REMOTE_CLUSTERWIDE,
            None,
            &[(
                label::APP_NAME,
                label::APP_NAME_VIRTUAL_KUBELET_REMOTE_CLUSTERWIDE,
            )],
        ),
        rules: Some(vec![rule(
            &["metrics.liqo.io"],
            &["scrape/metrics"],
            &["get", "list", "watch"],
        )]),
        ..Default::default()
    };
    let mut out = vec![
        Manifest::from_typed(&manager)?,
        Manifest::from_typed(&binding)?,
        Manifest::from_typed(&remote_controlplane)?,
        Manifest::from_typed(&remote_clusterwide)?,
        Manifest::from_typed(&gateway_role())?,
        Manifest::from_typed(&virtual_kubelet_local_role())?,
        Manifest::from_typed(&virtual_kubelet_remote_role())?,
    ];
    out.extend(peering_user_roles(namespace)?);
    Ok(out)
}

/// ClusterRole bound to each gateway's ServiceAccount (networking.md §1): the gateway reads
/// its PublicKeys, Configurations and gateway objects, owns its Connection, elects a leader
/// among replicas and reports Events.
fn gateway_role() -> ClusterRole {
    const READ: &[&str] = &["get", "list", "watch"];
    ClusterRole {
        metadata: meta(name::GATEWAY_CLUSTER_ROLE, None, &[]),
        rules: Some(vec![
            rule(
                &["networking.liqo.io"],
                &[
                    "publickeies",
                    "configurations",
                    "gatewayservers",
                    "gatewayclients",
                ],
                READ,
            ),
            // The aliases it maps to local addresses (the API-server proxy's).
            rule(&["ipam.liqo.io"], &["ips"], READ),
            rule(
                &["networking.liqo.io"],
                &["connections", "connections/status"],
                &["get", "list", "watch", "create", "update", "patch"],
            ),
            rule(
                &["coordination.k8s.io"],
                &["leases"],
                &["create", "get", "update"],
            ),
            rule(&["", "events.k8s.io"], &["events"], &["create", "patch"]),
        ]),
        ..Default::default()
    }
}

/// ClusterRole of the virtual kubelets in the consumer (offloading.md §1 #10), bound to each
/// one's ServiceAccount by the VirtualNode controller: its Node and heartbeat Lease, its
/// leader-election Leases, its kubeconfig Secret, its VirtualNode and ForeignCluster, Events,
/// serving-certificate CSRs, and read access to what reflection mirrors (with write access to
/// the local pods' status it reports back, and tokens of the offloaded pods' ServiceAccounts).
fn virtual_kubelet_local_role() -> ClusterRole {
    const READ: &[&str] = &["get", "list", "watch"];
    const WRITE: &[&str] = &[
        "get", "list", "watch", "create", "update", "patch", "delete",
    ];
    ClusterRole {
        metadata: meta(VIRTUAL_KUBELET_LOCAL, None, &[]),
        rules: Some(vec![
            rule(&[""], &["nodes"], WRITE),
            rule(&[""], &["nodes/status"], &["get", "update", "patch"]),
            rule(&["coordination.k8s.io"], &["leases"], WRITE),
            rule(&[""], &["secrets"], READ),
            rule(&["offloading.liqo.io"], &["virtualnodes"], READ),
            rule(
                &["offloading.liqo.io"],
                &["namespacemaps", "namespaceoffloadings"],
                READ,
            ),
            rule(&["core.liqo.io"], &["foreignclusters"], READ),
            rule(&["", "events.k8s.io"], &["events"], &["create", "patch"]),
            rule(
                &["certificates.k8s.io"],
                &["certificatesigningrequests"],
                &["get", "list", "watch", "create"],
            ),
            rule(
                &[""],
                &["pods"],
                &["get", "list", "watch", "update", "patch", "delete"],
            ),
            rule(&[""], &["pods/status"], &["get", "update", "patch"]),
            rule(
                &[""],
                &[
                    "services",
                    "endpoints",
                    "configmaps",
                    "serviceaccounts",
                    "persistentvolumeclaims",
                    "persistentvolumes",
                ],
                READ,
            ),
            rule(&["discovery.k8s.io"], &["endpointslices"], READ),
            rule(&["networking.k8s.io"], &["ingresses"], READ),
            rule(&["storage.k8s.io"], &["storageclasses"], READ),
            // Offloaded pods get tokens of their ServiceAccounts, bound to the local pods.
            rule(&[""], &["serviceaccounts/token"], &["create"]),
            // The kubelet API authenticates bearer tokens and authorises every caller.
            rule(&["authentication.k8s.io"], &["tokenreviews"], &["create"]),
            rule(
                &["authorization.k8s.io"],
                &["subjectaccessreviews"],
                &["create"],
            ),
        ]),
        ..Default::default()
    }
}

/// ClusterRole the provider's NamespaceMap controller binds, in each twin namespace, to the
/// consumer's group (offloading.md §1 #18): what its virtual kubelets reflect there. Pods
/// are asked for through ShadowPods and read back; their logs, exec, attach and port-forward
/// are what the consumer's kubelet API forwards.
fn virtual_kubelet_remote_role() -> ClusterRole {
    const READ: &[&str] = &["get", "list", "watch"];
    ClusterRole {
        metadata: meta(name::VIRTUAL_KUBELET_REMOTE_CLUSTER_ROLE, None, &[]),
        rules: Some(vec![
            rule(
                &["offloading.liqo.io"],
                &["shadowpods", "shadowendpointslices"],
                ALL_VERBS,
            ),
            rule(&["offloading.liqo.io"], &["shadowpods/status"], READ),
            rule(&[""], &["pods"], &["get", "list", "watch", "delete"]),
            rule(&[""], &["pods/status"], READ),
            rule(&[""], &["pods/log"], &["get"]),
            rule(
                &[""],
                &["pods/exec", "pods/attach", "pods/portforward"],
                &["get", "create"],
            ),
            rule(
                &[""],
                &[
                    "services",
                    "configmaps",
                    "secrets",
                    "serviceaccounts",
                    "persistentvolumeclaims",
                ],
                ALL_VERBS,
            ),
            rule(&["discovery.k8s.io"], &["endpointslices"], READ),
            rule(&["networking.k8s.io"], &["ingresses"], ALL_VERBS),
            rule(&["", "events.k8s.io"], &["events"], READ),
        ]),
        ..Default::default()
    }
}

/// Role in the Liqo namespace of a peering user (authentication.md §9.4).
pub const PEERING_USER_LIQO_NS: &str = "liqo-peering-user-liqo-ns";
/// ClusterRole a peering user gets in its tenant namespace.
pub const PEERING_USER_TENANT_NS: &str = "liqo-peering-user-tenant-ns";

/// What `generate peering-user` binds. Beyond upstream's verbs, `patch` and `watch` where
/// liqoctl writes by server-side apply and waits by watch.
fn peering_user_roles(namespace: &str) -> Result<Vec<Manifest>, ApplyError> {
    let component = [(label::APP_COMPONENT, label::APP_COMPONENT_PEERING_USER)];
    const WRITE: &[&str] = &[
        "create", "delete", "get", "list", "watch", "update", "patch",
    ];
    let liqo_ns = k8s_openapi::api::rbac::v1::Role {
        metadata: meta(PEERING_USER_LIQO_NS, Some(namespace), &component),
        rules: Some(vec![
            rule(&[""], &["configmaps"], &["get", "list", "watch"]),
            rule(&["ipam.liqo.io"], &["ips"], &["get"]),
            rule(&["ipam.liqo.io"], &["networks"], &["get", "list"]),
            rule(
                &["networking.liqo.io"],
                &["wggatewayclienttemplates", "wggatewayservertemplates"],
                &["get", "list"],
            ),
        ]),
    };
    let tenant_ns = ClusterRole {
        metadata: meta(PEERING_USER_TENANT_NS, None, &component),
        rules: Some(vec![
            rule(&[""], &["namespaces", "services"], &["get"]),
            rule(&[""], &["secrets"], WRITE),
            rule(
                &["", "events.k8s.io"],
                &["events"],
                &["get", "list", "watch"],
            ),
            rule(&["apps"], &["deployments"], &["get"]),
            rule(&["authentication.liqo.io"], &["tenants"], WRITE),
            rule(
                &["ipam.liqo.io"],
                &["ips"],
                &["create", "delete", "get", "update", "patch"],
            ),
            rule(
                &["networking.liqo.io"],
                &[
                    "configurations",
                    "gatewayclients",
                    "gatewayservers",
                    "publickeies",
                ],
                WRITE,
            ),
            rule(
                &["networking.liqo.io"],
                &["connections"],
                &["get", "list", "watch"],
            ),
            rule(
                &["networking.liqo.io"],
                &["gatewayclients/status", "gatewayservers/status"],
                &["get"],
            ),
        ]),
        ..Default::default()
    };
    Ok(vec![
        Manifest::from_typed(&liqo_ns)?,
        Manifest::from_typed(&tenant_ns)?,
    ])
}
