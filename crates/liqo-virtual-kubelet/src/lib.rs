//! The Liqo virtual kubelet: one process per VirtualNode, in the consumer cluster. It elects a
//! leader among its replicas, builds the provider's client from the VirtualNode's kubeconfig
//! Secret, and keeps the consumer's `Node` for the provider (`node/`: registration, conditions,
//! the heartbeat Lease, the provider ping), reflects the offloaded workloads (`reflection/`) and
//! serves the kubelet HTTPS API for their logs (`kubelet/`, spec offloading.md §6.1 steps 5–6).

pub mod args;
pub mod kubelet;
pub mod node;
pub mod reflection;
pub mod remote;
mod run;

pub use run::run;
