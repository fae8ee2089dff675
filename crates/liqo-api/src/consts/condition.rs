//! Condition types, reasons and messages that are not (or not only) Rust enums. The condition
//! types and statuses upstream's schemas enumerate are enums next to their kinds.

/// Reasons and messages of ForeignCluster conditions
/// ([`ConditionType`](crate::core::ConditionType)).
pub mod foreign_cluster {
    /// `NetworkConfigurationStatus=Ready`.
    pub const REASON_NETWORK_CONFIGURATION_PRESENCE: &str = "NetworkConfigurationPresence";
    /// Message of [`REASON_NETWORK_CONFIGURATION_PRESENCE`].
    pub const MESSAGE_NETWORK_CONFIGURATION_PRESENCE: &str =
        "The network configuration of the peer cluster is present";
    /// `NetworkConfigurationStatus=NotReady`: no Configuration.
    pub const REASON_NETWORK_CONFIGURATION_MISSING: &str = "NetworkConfigurationMissing";
    /// `NetworkGateway{Server,Client}Status=Ready`.
    pub const REASON_GATEWAYS_READY: &str = "GatewaysReady";
    /// `NetworkGateway{Server,Client}Status=NotReady`: no ready replica.
    pub const REASON_GATEWAYS_NOT_READY: &str = "GatewaysNotReady";
    /// `NetworkGateway{Server,Client}Status=SomeNotReady`: some replicas unavailable.
    pub const REASON_GATEWAYS_SOME_NOT_READY: &str = "GatewaysSomeNotReady";
    /// `NetworkGatewayPresence=Ready`: a gateway exists.
    pub const REASON_GATEWAY_PRESENCE: &str = "GatewayPresence";
    /// `NetworkGatewayPresence=NotReady`: no gateway.
    pub const REASON_GATEWAY_MISSING: &str = "GatewayMissing";
    /// `NetworkConnectionStatus=Established`: Connection `Connected`.
    pub const REASON_CONNECTION_ESTABLISHED: &str = "ConnectionEstablished";
    /// `NetworkConnectionStatus=Pending`: Connection `Connecting`.
    pub const REASON_CONNECTION_PENDING: &str = "ConnectionPending";
    /// `NetworkConnectionStatus=Error`: Connection in another state.
    pub const REASON_CONNECTION_ERROR: &str = "ConnectionError";
    /// `NetworkConnectionStatus=NotReady`: no Connection.
    pub const REASON_CONNECTION_MISSING: &str = "ConnectionMissing";
    /// `AuthTenantStatus=Ready`.
    pub const REASON_TENANT_READY: &str = "TenantReady";
    /// Message of [`REASON_TENANT_READY`].
    pub const MESSAGE_TENANT_READY: &str = "The tenant has been successfully configured";
    /// `AuthTenantStatus=NotReady`.
    pub const REASON_TENANT_NOT_READY: &str = "TenantNotReady";
    /// Message of [`REASON_TENANT_NOT_READY`].
    pub const MESSAGE_TENANT_NOT_READY: &str = "The tenant is not correctly configured";
    /// `AuthIdentityControlPlaneStatus=Ready`: the kubeconfig Secret exists.
    pub const REASON_IDENTITY_READY: &str = "IdentityReady";
    /// `AuthIdentityControlPlaneStatus=NotReady`.
    pub const REASON_IDENTITY_NOT_READY: &str = "IdentityNotReady";
    /// `OffloadingVirtualNodeStatus=Ready`.
    pub const REASON_VIRTUAL_NODES_READY: &str = "VirtualNodesReady";
    /// `OffloadingVirtualNodeStatus=NotReady`.
    pub const REASON_VIRTUAL_NODES_NOT_READY: &str = "VirtualNodesNotReady";
    /// `OffloadingNodeStatus=Ready`.
    pub const REASON_NODES_READY: &str = "NodesReady";
    /// `OffloadingNodeStatus=NotReady`.
    pub const REASON_NODES_NOT_READY: &str = "NodesNotReady";
    /// `APIServerStatus=Established`.
    pub const REASON_API_SERVER_READY: &str = "APIServerReady";
    /// Message of [`REASON_API_SERVER_READY`].
    pub const MESSAGE_API_SERVER_READY: &str = "The foreign cluster API Server is ready";
    /// `APIServerStatus=Error`.
    pub const REASON_API_SERVER_NOT_READY: &str = "APIServerNotReady";
    /// Message of [`REASON_API_SERVER_NOT_READY`].
    pub const MESSAGE_API_SERVER_NOT_READY: &str = "The foreign cluster API Server is not ready";
}

/// The Configuration condition (a standard `metav1.Condition`).
pub mod configuration {
    /// Type of the condition telling that every remote CIDR is remapped.
    pub const TYPE_NETWORK_CIDRS_CONFIGURED: &str = "NetworkCIDRsConfigured";
    /// Reason when it is `True`.
    pub const REASON_NETWORK_CIDRS_CONFIGURED: &str = "NetworkCIDRsConfigured";
    /// Message when it is `True`.
    pub const MESSAGE_NETWORK_CIDRS_CONFIGURED: &str = "All network CIDRs are configured";
    /// Reason when it is `False`.
    pub const REASON_WAITING_FOR_NETWORKS: &str = "WaitingForNetworks";
    /// Message when it is `False`.
    pub const MESSAGE_WAITING_FOR_NETWORKS: &str = "Waiting for all networks to be ready";
}

/// Reasons and messages of ResourceSlice conditions
/// ([`ResourceSliceConditionType`](crate::authentication::ResourceSliceConditionType)).
pub mod resource_slice {
    /// `Authentication=Accepted`.
    pub const REASON_AUTHENTICATION_ACCEPTED: &str = "ResourceSliceAuthenticationAccepted";
    /// Message of [`REASON_AUTHENTICATION_ACCEPTED`].
    pub const MESSAGE_AUTHENTICATION_ACCEPTED: &str = "ResourceSlice authentication accepted";
    /// `Authentication=Denied`.
    pub const REASON_AUTHENTICATION_DENIED: &str = "ResourceSliceAuthenticationDenied";
    /// Message of [`REASON_AUTHENTICATION_DENIED`].
    pub const MESSAGE_AUTHENTICATION_DENIED: &str = "ResourceSlice authentication denied";
    /// `Resources=Accepted`.
    pub const REASON_RESOURCES_ACCEPTED: &str = "ResourceSliceResourcesAccepted";
    /// Message of [`REASON_RESOURCES_ACCEPTED`].
    pub const MESSAGE_RESOURCES_ACCEPTED: &str = "ResourceSlice resources accepted";
    /// `Resources=Denied` (tenant drained, or cordoned before any answer).
    pub const REASON_RESOURCES_DENIED: &str = "ResourceSliceResourcesDenied";
    /// Message of [`REASON_RESOURCES_DENIED`].
    pub const MESSAGE_RESOURCES_DENIED: &str = "ResourceSlice resources denied";
    /// `Resources=Denied`: the built-in class is disabled on the provider.
    pub const REASON_DEFAULT_CLASS_DISABLED: &str = "DefaultResourceSliceClassDisabled";
    /// Message of [`REASON_DEFAULT_CLASS_DISABLED`].
    pub const MESSAGE_DEFAULT_CLASS_DISABLED: &str =
        "the default ResourceSlice class has been administratively disabled on the provider";
}

/// Reasons of NamespaceOffloading remote-namespace conditions
/// ([`RemoteNamespaceConditionType`](crate::offloading::RemoteNamespaceConditionType)).
pub mod namespace_offloading {
    /// `OffloadingRequired=True`.
    pub const REASON_CLUSTER_SELECTED: &str = "ClusterSelected";
    /// `OffloadingRequired=False`.
    pub const REASON_CLUSTER_NOT_SELECTED: &str = "ClusterNotSelected";
    /// `Ready=True`.
    pub const REASON_NAMESPACE_CREATED: &str = "NamespaceCreated";
    /// `Ready=False`: creation keeps failing.
    pub const REASON_CREATION_LOOP_BACK_OFF: &str = "CreationLoopBackOff";
    /// `Ready=False`: being deleted.
    pub const REASON_TERMINATING: &str = "Terminating";
    /// `Ready=False`: being created.
    pub const REASON_CREATING: &str = "Creating";
}

/// Conditions the virtual kubelet sets on its Node.
pub mod virtual_node {
    /// `Ready=True`.
    pub const REASON_KUBELET_READY: &str = "KubeletReady";
    /// Message of [`REASON_KUBELET_READY`].
    pub const MESSAGE_KUBELET_READY: &str = "The Liqo Virtual Kubelet is posting ready status";
    /// `Ready=False`.
    pub const REASON_KUBELET_NOT_READY: &str = "KubeletNotReady";
    /// Message of [`REASON_KUBELET_NOT_READY`].
    pub const MESSAGE_KUBELET_NOT_READY: &str = "The Liqo Virtual Kubelet is currently not ready";
    /// Type of the network condition of virtual Nodes.
    pub const TYPE_NETWORK_UNAVAILABLE: &str = "NetworkUnavailable";
    /// `NetworkUnavailable=True`.
    pub const REASON_NETWORKING_DOWN: &str = "LiqoNetworkingDown";
    /// `NetworkUnavailable=False`.
    pub const REASON_NETWORKING_UP: &str = "LiqoNetworkingUp";
    /// `MemoryPressure=True`.
    pub const REASON_MEMORY_PRESSURE: &str = "RemoteClusterHasMemoryPressure";
    /// `MemoryPressure=False`.
    pub const REASON_SUFFICIENT_MEMORY: &str = "RemoteClusterHasSufficientMemory";
    /// `DiskPressure=True`.
    pub const REASON_DISK_PRESSURE: &str = "RemoteClusterHasDiskPressure";
    /// `DiskPressure=False`.
    pub const REASON_NO_DISK_PRESSURE: &str = "RemoteClusterHasNoDiskPressure";
    /// `PIDPressure=True`.
    pub const REASON_PID_PRESSURE: &str = "RemoteClusterHasPIDPressure";
    /// `PIDPressure=False`.
    pub const REASON_NO_PID_PRESSURE: &str = "RemoteClusterHasNoPIDPressure";
    /// Reason of a local pod whose remote pod terminated without a ShadowPod.
    pub const REASON_REMOTE_POD_TERMINATED: &str = "RemotePodTerminated";
    /// Message of the pressure conditions when `False`.
    pub const MESSAGE_SUFFICIENT_RESOURCES: &str =
        "The remote cluster is advertising sufficient resources";
    /// Message of the pressure conditions when `True`.
    pub const MESSAGE_INSUFFICIENT_RESOURCES: &str =
        "The remote cluster is advertising no/insufficient resources";
    /// Message of [`REASON_NETWORKING_DOWN`].
    pub const MESSAGE_NETWORKING_DOWN: &str = "The Liqo cluster interconnection is down";
    /// Message of [`REASON_NETWORKING_UP`].
    pub const MESSAGE_NETWORKING_UP: &str = "The Liqo cluster interconnection is established";
}

/// Approval of CertificateSigningRequests.
pub mod csr {
    /// Reason of the `Approved` condition set by Liqo (identity provider and liqoctl).
    pub const REASON_APPROVED: &str = "IdentityManagerApproval";
    /// Message of the identity provider's approval.
    pub const MESSAGE_APPROVED_BY_IDENTITY_MANAGER: &str =
        "This CSR was approved by Liqo Identity Manager";
    /// Message of liqoctl's approval of a peering user's CSR.
    pub const MESSAGE_APPROVED_BY_LIQOCTL: &str = "This CSR was approved by liqoctl generate token";
}

/// ForeignCluster offloading reasons not in [`foreign_cluster`] (the partial states) and the
/// messages of the offloading conditions.
pub mod foreign_cluster_offloading {
    /// `OffloadingVirtualNodeStatus=SomeNotReady`.
    pub const REASON_VIRTUAL_NODES_SOME_NOT_READY: &str = "VirtualNodesSomeNotReady";
    /// Message of `OffloadingVirtualNodeStatus=Ready`.
    pub const MESSAGE_VIRTUAL_NODES_READY: &str = "All virtual nodes are ready";
    /// Message of `OffloadingVirtualNodeStatus=NotReady`.
    pub const MESSAGE_VIRTUAL_NODES_NOT_READY: &str = "All virtual nodes are not ready";
    /// Message of `OffloadingVirtualNodeStatus=SomeNotReady`.
    pub const MESSAGE_VIRTUAL_NODES_SOME_NOT_READY: &str = "Some virtual nodes are not ready";
    /// `OffloadingNodeStatus=SomeNotReady`.
    pub const REASON_NODES_SOME_NOT_READY: &str = "NodesSomeNotReady";
    /// Message of `OffloadingNodeStatus=Ready`.
    pub const MESSAGE_NODES_READY: &str = "All nodes are ready";
    /// Message of `OffloadingNodeStatus=NotReady`.
    pub const MESSAGE_NODES_NOT_READY: &str = "All nodes are not ready";
    /// Message of `OffloadingNodeStatus=SomeNotReady`.
    pub const MESSAGE_NODES_SOME_NOT_READY: &str = "Some nodes are not ready";
}
