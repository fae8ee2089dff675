//! `offloading.liqo.io`: what the provider grants and how the consumer turns it into a
//! virtual node.

pub mod kubelet_serving;
pub mod namespace_map;
pub mod namespace_offloading;
pub mod pod_status;
pub mod settings;
pub mod shadow_endpointslice;
pub mod shadow_pod;
pub mod virtual_node;
pub mod vn_creator;
