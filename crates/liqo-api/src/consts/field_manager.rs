//! Server-side-apply field managers of this project's components: `liqoctl` for the CLI,
//! `liqo.io/<controller-name>` for each controller.

/// The CLI.
pub const LIQOCTL: &str = "liqoctl";
/// Prefix of every controller's field manager.
pub const CONTROLLER_PREFIX: &str = "liqo.io/";

macro_rules! controllers {
    ($($(#[$doc:meta])* $name:ident = $controller:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: &str = concat!("liqo.io/", $controller);
        )*
        /// Every controller's field manager, in declaration order.
        pub const CONTROLLERS: &[&str] = &[$($name),*];
    };
}

controllers! {
    /// ForeignCluster controller.
    FOREIGN_CLUSTER = "foreigncluster";
    /// Nonce creator (provider).
    NONCE_CREATOR = "nonce-creator";
    /// Nonce signer (consumer).
    NONCE_SIGNER = "nonce-signer";
    /// Tenant controller (provider).
    TENANT = "tenant";
    /// Identity controller (consumer).
    IDENTITY = "identity";
    /// ResourceSlice identity creator (consumer).
    IDENTITY_CREATOR = "identity-creator";
    /// Local ResourceSlice controller (consumer).
    RESOURCE_SLICE_LOCAL = "resourceslice-local";
    /// Remote ResourceSlice controller (provider).
    RESOURCE_SLICE_REMOTE = "resourceslice-remote";
    /// Quota creator (provider).
    RESOURCE_SLICE_QUOTA_CREATOR = "resourceslice-quotacreator";
    /// VirtualNode creator (consumer).
    VIRTUAL_NODE_CREATOR = "virtualnode-creator";
    /// Local renewer (consumer).
    RENEW_LOCAL = "renew-local";
    /// Remote renewer (provider).
    RENEW_REMOTE = "renew-remote";
    /// CRD replicator.
    CRD_REPLICATOR = "crdreplicator";
    /// Configuration (remapping) controller.
    CONFIGURATION = "configuration";
    /// Network (IPAM) controller.
    NETWORK = "network";
    /// IP (IPAM) controller, which also keeps the API-server proxy's IP.
    IP = "ip";
    /// GatewayServer operator.
    GATEWAY_SERVER = "gatewayserver";
    /// GatewayClient operator.
    GATEWAY_CLIENT = "gatewayclient";
    /// WgGatewayServer controller.
    WG_GATEWAY_SERVER = "wggatewayserver";
    /// WgGatewayClient controller.
    WG_GATEWAY_CLIENT = "wggatewayclient";
    /// The gateway's Connection controller.
    CONNECTION = "connection";
    /// VirtualNode controller.
    VIRTUAL_NODE = "virtualnode";
    /// NamespaceMap controller (provider).
    NAMESPACE_MAP = "namespacemap";
    /// NamespaceOffloading controller.
    NAMESPACE_OFFLOADING = "namespaceoffloading";
    /// The virtual node agent.
    VIRTUAL_KUBELET = "virtual-kubelet";
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_controller_has_its_own_prefixed_field_manager() {
        // Two controllers sharing a manager would own each other's fields: on an object both
        // write, each apply would remove what the other set, with no conflict reported.
        let distinct: BTreeSet<&str> = CONTROLLERS.iter().copied().collect();
        assert_eq!(distinct.len(), CONTROLLERS.len(), "{CONTROLLERS:?}");
        assert!(!distinct.contains(LIQOCTL));
        for manager in CONTROLLERS {
            let name = manager
                .strip_prefix(CONTROLLER_PREFIX)
                .unwrap_or_else(|| panic!("{manager} lacks {CONTROLLER_PREFIX}"));
            // The API server refuses managers over 128 characters; upstream names are
            // lowercase words joined by '-'.
            assert!(manager.len() <= 128, "{manager}");
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{manager}"
            );
        }
    }
}
