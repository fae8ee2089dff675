//! The networking module as liqoctl drives it (networking.md §7): forging the Configurations,
//! gateways and PublicKeys it applies, the readiness predicates its waits use, and lookups of
//! per-peer objects by the `liqo.io/remote-cluster-id` label.

pub mod configuration;
pub mod gateway;
pub mod lookup;
