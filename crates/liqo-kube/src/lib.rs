//! Shared Kubernetes I/O for the CLI and the controllers: clients from kubeconfigs and contexts,
//! server-side apply, watch-based waits, and the pure planning helpers they feed.

pub mod api_error;
pub mod apply;
pub mod auth;
pub mod client;
pub mod crypto;
pub mod duration;
pub mod foreign_cluster;
pub mod gotemplate;
pub mod install;
pub mod ipam;
pub mod kubeconfig;
pub mod leader;
pub mod logging;
pub mod network;
pub mod offloading;
pub mod quantity;
pub mod reconcile;
pub mod serve;
pub mod tenant_namespace;
pub mod wait;
