//! Offloading: pure builders shared by the CLI and the controllers (ResourceSlices, the
//! VirtualNode spec mutation, the virtual-kubelet Deployment) and Node predicates.

pub mod node;
pub mod resource_slice;
pub mod virtual_node;
