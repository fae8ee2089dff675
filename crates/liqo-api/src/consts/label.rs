//! Label keys, and the fixed values some of them take.

// --- Peering and tenancy ---------------------------------------------------------------------

/// ID of the *other* cluster, on every per-peer object (tenant namespace, Tenant, Identity,
/// ResourceSlice, networking objects, VirtualNode, kubeconfig Secrets, …): the lookup key.
pub const REMOTE_CLUSTER_ID: &str = "liqo.io/remote-cluster-id";
/// Marks a tenant namespace (value [`TRUE`]).
pub const TENANT_NAMESPACE: &str = "liqo.io/tenant-namespace";
/// `true` on objects the CRD replicator copies to the provider; `false` on the copies.
pub const REPLICATION: &str = "liqo.io/replication";
/// The cluster a replicated object is destined to (the provider's ID).
pub const REMOTE_ID: &str = "liqo.io/remoteID";
/// On replicas: the cluster the object comes from (the consumer's ID).
pub const ORIGIN_ID: &str = "liqo.io/originID";
/// `true` on replicas created by the CRD replicator.
pub const REPLICATED: &str = "liqo.io/replicated";
/// Removed from replicas by the CRD replicator.
pub const OWNERSHIP: &str = "liqo.io/ownership";
/// On kubeconfig Secrets: `ControlPlane` or `ResourceSlice` (see
/// [`IdentityType::as_str`](crate::authentication::IdentityType::as_str)).
pub const IDENTITY_TYPE: &str = "liqo.io/identity-type";
/// On ResourceSlice Identities and VirtualNodes: the name of their ResourceSlice.
pub const RESOURCE_SLICE_NAME: &str = "liqo.io/resourceslice-name";
/// Marks the nonce Secret in the provider (value [`TRUE`]).
pub const NONCE: &str = "liqo.io/nonce";
/// Marks the signed-nonce Secret in the consumer (value [`TRUE`]).
pub const SIGNED_NONCE: &str = "liqo.io/signed-nonce";
/// Marks the CertificateSigningRequests of the identity provider (value [`TRUE`]).
pub const REMOTE_TENANT_CSR: &str = "liqo.io/remote-tenant-csr";
/// On a peering user's RoleBindings and CSR: `liqo-peer-user-<consumer ID>`.
pub const PEERING_USER_NAME: &str = "liqo.io/peering-user-name";
/// Cluster label naming the Kubernetes provider (`liqo.io/provider=<name>`), set by install.
pub const PROVIDER: &str = "liqo.io/provider";

/// The value `true` of boolean labels.
pub const TRUE: &str = "true";
/// The value `false` of boolean labels.
pub const FALSE: &str = "false";

// --- Kubernetes recommended labels ----------------------------------------------------------

/// `app.kubernetes.io/name`, used to discover Liqo's ConfigMaps, ClusterRoles and pods.
pub const APP_NAME: &str = "app.kubernetes.io/name";
/// `app.kubernetes.io/component`.
pub const APP_COMPONENT: &str = "app.kubernetes.io/component";
/// `app.kubernetes.io/managed-by` (value [`MANAGED_BY_LIQO`] on Liqo-made bindings).
pub const APP_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// `app.kubernetes.io/part-of` (value [`PART_OF_LIQO`] on the chart's objects).
pub const APP_PART_OF: &str = "app.kubernetes.io/part-of";
/// [`APP_NAME`] of the cluster-ID ConfigMap.
pub const APP_NAME_CLUSTER_ID_CONFIGMAP: &str = "clusterid-configmap";
/// [`APP_NAME`] of the ClusterRoles bound in the provider's tenant namespace for a consumer.
pub const APP_NAME_REMOTE_CONTROLPLANE: &str = "remote-controlplane";
/// [`APP_NAME`] of the ClusterRoles bound cluster-wide for a consumer.
pub const APP_NAME_VIRTUAL_KUBELET_REMOTE_CLUSTERWIDE: &str = "virtual-kubelet-remote-clusterwide";
/// [`APP_NAME`] (and [`APP_COMPONENT`]) of the controller-manager Deployment.
pub const APP_NAME_CONTROLLER_MANAGER: &str = "controller-manager";
/// [`APP_NAME`] of the API-server proxy Deployment/Service.
pub const APP_NAME_PROXY: &str = "proxy";
/// [`APP_COMPONENT`] of the Role/ClusterRole granted to peering users.
pub const APP_COMPONENT_PEERING_USER: &str = "peering-user";
/// [`APP_MANAGED_BY`] value on objects Liqo creates.
pub const MANAGED_BY_LIQO: &str = "liqo";
/// [`APP_PART_OF`] value on the chart's objects.
pub const PART_OF_LIQO: &str = "liqo";

// --- Pod security (tenant namespaces) -------------------------------------------------------

/// Pod-security audit level of tenant namespaces (value [`PRIVILEGED`]).
pub const POD_SECURITY_AUDIT: &str = "pod-security.kubernetes.io/audit";
/// Pod-security enforce level of tenant namespaces (value [`PRIVILEGED`]).
pub const POD_SECURITY_ENFORCE: &str = "pod-security.kubernetes.io/enforce";
/// Pod-security warn level of tenant namespaces (value [`PRIVILEGED`]).
pub const POD_SECURITY_WARN: &str = "pod-security.kubernetes.io/warn";
/// The pod-security level of tenant namespaces (gateway pods are privileged).
pub const PRIVILEGED: &str = "privileged";

// --- Networking -----------------------------------------------------------------------------

/// `true` on gateway keys Secrets and PublicKeys.
pub const GATEWAY_RESOURCE: &str = "networking.liqo.io/gateway-resource";
/// `true` on the CRDs of gateway template kinds.
pub const GATEWAY_TEMPLATE: &str = "networking.liqo.io/gatewaytemplate";
/// On gateway pods (value [`GATEWAY_COMPONENT_GATEWAY`]).
pub const GATEWAY_COMPONENT: &str = "networking.liqo.io/component";
/// [`GATEWAY_COMPONENT`] of gateway pods.
pub const GATEWAY_COMPONENT_GATEWAY: &str = "gateway";
/// `true` on the active gateway pod; part of the server Service's selector.
pub const GATEWAY_ACTIVE: &str = "networking.liqo.io/active";
/// Name of the Wg* gateway, on its pods and ClusterRoleBinding.
pub const GATEWAY_NAME: &str = "networking.liqo.io/gateway-name";
/// Namespace of the Wg* gateway, on its pods and ClusterRoleBinding.
pub const GATEWAY_NAMESPACE: &str = "networking.liqo.io/gateway-namespace";
/// Which component applies a FirewallConfiguration (e.g. `gateway`).
pub const FIREWALL_CATEGORY: &str = "networking.liqo.io/firewall-category";
/// Sub-selection of a FirewallConfiguration (e.g. `ip-mapping`, `fabric`).
pub const FIREWALL_SUBCATEGORY: &str = "networking.liqo.io/firewall-subcategory";
/// The single peer or node a FirewallConfiguration is for.
pub const FIREWALL_UNIQUE: &str = "networking.liqo.io/firewall-unique";
/// Which component applies a RouteConfiguration (e.g. `gateway`).
pub const ROUTE_CATEGORY: &str = "networking.liqo.io/route-category";
/// Sub-selection of a RouteConfiguration (e.g. `fabric`, `fabric-node`).
pub const ROUTE_SUBCATEGORY: &str = "networking.liqo.io/route-subcategory";
/// The single peer or node a RouteConfiguration is for.
pub const ROUTE_UNIQUE: &str = "networking.liqo.io/route-unique";
/// The `gateway` value of the category labels.
pub const CATEGORY_GATEWAY: &str = "gateway";
/// On Networks made for a Configuration: [`CIDR_TYPE_POD`] or [`CIDR_TYPE_EXTERNAL`].
pub const CIDR_TYPE: &str = "configuration.liqo.io/cidr-type";
/// [`CIDR_TYPE`] of a remote pod CIDR.
pub const CIDR_TYPE_POD: &str = "pod";
/// [`CIDR_TYPE`] of a remote external CIDR.
pub const CIDR_TYPE_EXTERNAL: &str = "external";
/// Readiness marker of a Configuration in Liqo ≤ 1.1 (value [`TRUE`]); a condition since 1.2.
pub const CONFIGURATION_CONFIGURED: &str = "configuration.liqo.io/configured";
/// Role of a local Network installed by Helm (`pod-cidr`, `service-cidr`, …).
pub const IPAM_NETWORK_TYPE: &str = "ipam.liqo.io/network-type";
/// [`IPAM_NETWORK_TYPE`] of the pod CIDR.
pub const IPAM_NETWORK_TYPE_POD_CIDR: &str = "pod-cidr";
/// [`IPAM_NETWORK_TYPE`] of the service CIDR.
pub const IPAM_NETWORK_TYPE_SERVICE_CIDR: &str = "service-cidr";
/// [`IPAM_NETWORK_TYPE`] of the external CIDR.
pub const IPAM_NETWORK_TYPE_EXTERNAL_CIDR: &str = "external-cidr";
/// [`IPAM_NETWORK_TYPE`] of the internal CIDR.
pub const IPAM_NETWORK_TYPE_INTERNAL_CIDR: &str = "internal-cidr";
/// [`IPAM_NETWORK_TYPE`] of reserved subnets.
pub const IPAM_NETWORK_TYPE_RESERVED: &str = "reserved";
/// `true` on Networks acquired as is, never remapped.
pub const IPAM_NETWORK_NOT_REMAPPED: &str = "ipam.liqo.io/network-not-remapped";
/// `true` on Networks acquired non-exclusively.
pub const IPAM_NETWORK_SHARED: &str = "ipam.liqo.io/network-shared";
/// Role of an IP object (e.g. [`IPAM_IP_TYPE_API_SERVER_PROXY`]).
pub const IPAM_IP_TYPE: &str = "ipam.liqo.io/ip-type";
/// [`IPAM_IP_TYPE`] of the API-server proxy IP.
pub const IPAM_IP_TYPE_API_SERVER_PROXY: &str = "api-server-proxy";

// --- Offloading -----------------------------------------------------------------------------

/// On virtual Nodes (value [`TYPE_VIRTUAL_NODE`]); pods are steered with it.
pub const TYPE: &str = "liqo.io/type";
/// [`TYPE`] of virtual Nodes.
pub const TYPE_VIRTUAL_NODE: &str = "virtual-node";
/// On virtual-kubelet Deployments and pods: the VirtualNode's name.
pub const VIRTUAL_NODE: &str = "liqo.io/virtual-node";
/// On virtual-kubelet Deployments and pods (value [`OFFLOADING_COMPONENT_VIRTUAL_KUBELET`]).
pub const OFFLOADING_COMPONENT: &str = "offloading.liqo.io/component";
/// [`OFFLOADING_COMPONENT`] of the virtual kubelet.
pub const OFFLOADING_COMPONENT_VIRTUAL_KUBELET: &str = "virtual-kubelet";
/// On ShadowPods: the virtual node of the local pod.
pub const OFFLOADING_NODENAME: &str = "offloading.liqo.io/nodename";
/// On ShadowPods: the consumer's cluster ID.
pub const OFFLOADING_ORIGIN: &str = "offloading.liqo.io/origin";
/// On ShadowPods: the provider's cluster ID.
pub const OFFLOADING_DESTINATION: &str = "offloading.liqo.io/destination";
/// `true` on namespaces whose pods the Liqo pod webhook patches.
pub const SCHEDULING_ENABLED: &str = "liqo.io/scheduling-enabled";
/// `true` on local pods offloaded through a ShadowPod.
pub const SHADOW_POD: &str = "liqo.io/shadowPod";
/// `true` on offloaded pods while their virtual Node is not Ready.
pub const REMOTE_UNAVAILABLE: &str = "liqo.io/remote-unavailable";
/// On remote pods: [`MANAGED_BY_SHADOWPOD`].
pub const MANAGED_BY: &str = "liqo.io/managed-by";
/// [`MANAGED_BY`] of pods created from a ShadowPod.
pub const MANAGED_BY_SHADOWPOD: &str = "shadowpod";
/// [`MANAGED_BY`] of the copies the virtual kubelet reflects into a twin namespace.
pub const MANAGED_BY_REFLECTION: &str = "reflection";
/// On ShadowPods in the provider: the user (slice identity CN) that created them.
pub const CREATOR_USER: &str = "liqo.io/creator-user";
/// On virtual Nodes: `true` iff the provider offers storage classes.
pub const STORAGE_AVAILABLE: &str = "storage.liqo.io/available";
/// On virtual Nodes: `agent`.
pub const KUBERNETES_ROLE: &str = "kubernetes.io/role";
/// On virtual Nodes: `virtual-kubelet`.
pub const NODE_TYPE: &str = "type";
/// [`NODE_TYPE`] of virtual Nodes.
pub const NODE_TYPE_VIRTUAL_KUBELET: &str = "virtual-kubelet";
/// `true` on virtual Nodes.
pub const EXCLUDE_FROM_EXTERNAL_LOAD_BALANCERS: &str =
    "node.kubernetes.io/exclude-from-external-load-balancers";
/// `true` on virtual Nodes (legacy form of the above).
pub const EXCLUDE_BALANCER: &str = "alpha.service-controller.kubernetes.io/exclude-balancer";
