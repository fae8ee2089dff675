//! Server-side-apply field managers of this project's components: `liqoctl` for the CLI,
//! `liqo.io/<controller-name>` for each controller.

/// The CLI.
pub const LIQOCTL: &str = "liqoctl";
/// Prefix of every controller's field manager.
pub const CONTROLLER_PREFIX: &str = "liqo.io/";

macro_rules! controller {
    ($(#[$doc:meta])* $name:ident = $controller:literal) => {
        $(#[$doc])*
        pub const $name: &str = concat!("liqo.io/", $controller);
    };
}

controller!(
    /// ForeignCluster controller.
    FOREIGN_CLUSTER = "foreigncluster"
);
controller!(
    /// Nonce creator (provider).
    NONCE_CREATOR = "nonce-creator"
);
controller!(
    /// Nonce signer (consumer).
    NONCE_SIGNER = "nonce-signer"
);
controller!(
    /// Tenant controller (provider).
    TENANT = "tenant"
);
controller!(
    /// Identity controller (consumer).
    IDENTITY = "identity"
);
controller!(
    /// ResourceSlice identity creator (consumer).
    IDENTITY_CREATOR = "identity-creator"
);
controller!(
    /// Local ResourceSlice controller (consumer).
    RESOURCE_SLICE_LOCAL = "resourceslice-local"
);
controller!(
    /// Remote ResourceSlice controller (provider).
    RESOURCE_SLICE_REMOTE = "resourceslice-remote"
);
controller!(
    /// Quota creator (provider).
    RESOURCE_SLICE_QUOTA_CREATOR = "resourceslice-quotacreator"
);
controller!(
    /// VirtualNode creator (consumer).
    VIRTUAL_NODE_CREATOR = "virtualnode-creator"
);
controller!(
    /// Local renewer (consumer).
    RENEW_LOCAL = "renew-local"
);
controller!(
    /// Remote renewer (provider).
    RENEW_REMOTE = "renew-remote"
);
controller!(
    /// CRD replicator.
    CRD_REPLICATOR = "crdreplicator"
);
controller!(
    /// Configuration (remapping) controller.
    CONFIGURATION = "configuration"
);
controller!(
    /// Network (IPAM) controller.
    NETWORK = "network"
);
controller!(
    /// GatewayServer operator.
    GATEWAY_SERVER = "gatewayserver"
);
controller!(
    /// GatewayClient operator.
    GATEWAY_CLIENT = "gatewayclient"
);
controller!(
    /// WgGatewayServer controller.
    WG_GATEWAY_SERVER = "wggatewayserver"
);
controller!(
    /// WgGatewayClient controller.
    WG_GATEWAY_CLIENT = "wggatewayclient"
);
controller!(
    /// The gateway's Connection controller.
    CONNECTION = "connection"
);
controller!(
    /// VirtualNode controller.
    VIRTUAL_NODE = "virtualnode"
);
controller!(
    /// NamespaceMap controller (provider).
    NAMESPACE_MAP = "namespacemap"
);
controller!(
    /// NamespaceOffloading controller.
    NAMESPACE_OFFLOADING = "namespaceoffloading"
);
controller!(
    /// The virtual node agent.
    VIRTUAL_KUBELET = "virtual-kubelet"
);

#[cfg(test)]
mod tests {
    #[test]
    fn controller_managers_carry_the_prefix() {
        assert_eq!(super::TENANT, "liqo.io/tenant");
        assert!(super::WG_GATEWAY_SERVER.starts_with(super::CONTROLLER_PREFIX));
    }
}
