//! Annotation keys.

/// On a consumer's ResourceSlice: create a VirtualNode once it is accepted (`true`).
pub const CREATE_VIRTUAL_NODE: &str = "liqo.io/create-virtual-node";
/// On a provider's ResourceSlice replica: the slice is cordoned (`true`).
pub const CORDON: &str = "liqo.io/cordon";
/// On a provider's ResourceSlice replicas: their Tenant is cordoned (`true`).
pub const CORDON_TENANT: &str = "liqo.io/cordon-tenant";
/// On ControlPlane kubeconfig Secrets: the provider's tenant namespace for this consumer.
pub const REMOTE_TENANT_NAMESPACE: &str = "liqo.io/remote-tenant-namespace";
/// On an Identity: force a certificate renewal (`true`; consumer-driven renewal, ≤ v1.1).
pub const RENEW: &str = "liqo.io/renew";
/// On Helm-installed Networks and IPs: no IPAM finalizer is added (`true`).
pub const PREINSTALLED: &str = "liqo.io/preinstalled";
/// On objects rendered from a gateway template: the label keys that came from the template,
/// sorted, each followed by `,`.
pub const TEMPLATE_LABELS: &str = "liqo.io/template-labels";
/// As [`TEMPLATE_LABELS`], for annotations.
pub const TEMPLATE_ANNOTATIONS: &str = "liqo.io/template-annotations";
/// On a provider's twin namespace: `<namespace>/<name>` of the NamespaceMap managing it.
pub const MANAGED_BY_NAMESPACE_MAP: &str = "liqo.io/managed-by-namespace-map";
/// On a provider's twin namespace: the consumer's namespace name.
pub const ORIGINAL_NAME: &str = "liqo.io/original-name";
/// On the virtual-kubelet pod template: SHA-256 (hex) of the VirtualNode's offloading patch.
pub const OFFLOADING_PATCH_HASH: &str = "liqo.io/offloading-patch-hash";
/// On a ForeignCluster: the peer is gone for good (`true`).
pub const FOREIGN_CLUSTER_PERMANENTLY_UNREACHABLE: &str =
    "liqo.io/foreign-cluster-permanently-unreachable";
/// On a ForeignCluster, written by `liqoctl peer`: the peer cluster's Liqo version when it
/// was peered (upstream records none, so its users cannot see a skew: liqo#3143).
pub const PEER_LIQO_VERSION: &str = "liqo.io/peer-liqo-version";
/// On a ForeignCluster, written by `liqoctl peer`: this cluster's Liqo version when it was
/// peered.
pub const LOCAL_LIQO_VERSION: &str = "liqo.io/local-liqo-version";
/// On a pod offloaded by a virtual kubelet: `propagate` (its own pod anti-affinity goes to the
/// provider as is), `soft` or `hard` (pods sharing its labels preferred / required on
/// different provider nodes).
pub const ANTI_AFFINITY_PRESET: &str = "liqo.io/anti-affinity-preset";
/// With a `soft`/`hard` preset: the comma-separated label keys the anti-affinity matches
/// (else every label of the pod).
pub const ANTI_AFFINITY_LABELS: &str = "liqo.io/anti-affinity-labels";
