//! The network flows (networking.md §7): `connect` exchanges the Configurations, makes the
//! gateway server on one side and the client on the other and swaps their keys; `teardown`
//! deletes the gateways and, on reset, the Configurations. The sides are given by role (gateway
//! client, gateway server) so that `peer --gw-server-service-location Consumer` swaps them.

mod connect;
mod namespaces;
mod teardown;
mod templates;
mod waits;

use std::ops::Deref;
use std::time::Duration;

pub use connect::connect;
pub use teardown::teardown;
// The namespaced Liqo objects the network flows look up by peer and wait on.
use liqo_kube::reconcile::NamespacedObject as TenantObject;

use crate::peers::Side;

/// A side of the network flows: the cluster and the namespace its network objects live in
/// (`None` until resolved, or when it does not exist and is not to be created).
pub struct Net<'a> {
    side: &'a Side,
    namespace: Option<String>,
}

impl Deref for Net<'_> {
    type Target = Side;

    fn deref(&self) -> &Side {
        self.side
    }
}

impl<'a> Net<'a> {
    fn new(side: &'a Side) -> Self {
        Self {
            side,
            namespace: None,
        }
    }
}

/// The namespace of a side's network objects as a flag gives it: empty (or `default`) means
/// the tenant namespace of the peer.
#[derive(Debug, Clone, Default)]
pub struct NamespaceFlag {
    /// The flag's value.
    pub value: String,
    /// The flag's name, for messages (`--namespace`).
    pub flag: &'static str,
}

/// A gateway template, as `group/version/resource`, name and namespace (empty: the side's
/// Liqo namespace).
#[derive(Debug, Clone)]
pub struct TemplateFlags {
    pub type_: String,
    pub name: String,
    pub namespace: String,
}

/// What `connect` does, from the flags of `network connect` or `peer`.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Where the client side's network objects go.
    pub client_namespace: NamespaceFlag,
    /// Where the server side's network objects go.
    pub server_namespace: NamespaceFlag,
    pub skip_validation: bool,
    pub server_template: TemplateFlags,
    pub client_template: TemplateFlags,
    /// `LoadBalancer`, `NodePort` or `ClusterIP`.
    pub service_type: String,
    pub service_port: u16,
    /// 0: Kubernetes chooses.
    pub service_node_port: u16,
    /// Empty: none.
    pub service_load_balancer_ip: String,
    /// Empty: the server's address.
    pub client_address: String,
    /// 0: the server's port.
    pub client_port: u16,
    pub mtu: u32,
    pub share_keys: bool,
    /// Wait for the Connections to be established.
    pub wait: bool,
}

/// What `teardown` deletes.
#[derive(Debug, Clone)]
pub struct TeardownOptions {
    /// Where the local side's network objects are.
    pub local_namespace: NamespaceFlag,
    /// Where the remote side's network objects are.
    pub remote_namespace: NamespaceFlag,
    /// Also delete the Configurations (`reset`), not only the gateways (`disconnect`).
    pub configurations: bool,
    /// Return only when everything deleted is gone.
    pub wait: bool,
}

/// The time left before `deadline`.
fn left(deadline: tokio::time::Instant) -> Duration {
    deadline.saturating_duration_since(tokio::time::Instant::now())
}
