//! Finalizers, so that either implementation can release what the other added.

/// On ForeignClusters while the API-server checker runs.
pub const API_SERVER_CHECKER: &str = "api-server-checker.liqo.io/finalizer";
/// On Tenants: the cluster-wide bindings are removed first.
pub const TENANT: &str = "tenant.liqo.io/finalizer";
/// On ControlPlane kubeconfig Secrets while the CRD replicator uses them.
pub const CRD_REPLICATOR_OPERATOR: &str = "crdreplicator.liqo.io/operator";
/// On replicated objects (ResourceSlice, NamespaceMap, Renew) until their replica is gone.
pub const CRD_REPLICATOR_RESOURCE: &str = "crdreplicator.liqo.io/resource";
/// On VirtualNodes until the node is drained and deleted.
pub const VIRTUAL_NODE: &str = "virtualnode-controller.liqo.io/finalizer";
/// On a provider's NamespaceMap replica until its twin namespaces are deleted.
pub const NAMESPACE_MAP: &str = "namespacemap-controller.liqo.io/finalizer";
/// On NamespaceOffloadings until the offloading is undone.
pub const NAMESPACE_OFFLOADING: &str = "namespaceoffloading-controller.liqo.io/finalizer";
/// On WgGatewayServers/WgGatewayClients until their ClusterRoleBindings are deleted.
pub const GATEWAY_CLUSTER_ROLE_BINDING: &str = "networking.liqo.io/clusterrolebinding";
/// On Networks (not preinstalled ones) until the IPAM released the CIDR.
pub const NETWORK_IPAM: &str = "network.ipam.liqo.io/finalizer";
/// On IPs (not preinstalled ones) until the IPAM released the address.
pub const IP_IPAM: &str = "ip.ipam.liqo.io/finalizer";
