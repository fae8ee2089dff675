//! `offloading.liqo.io`: what the provider grants and how the consumer turns it into a
//! virtual node.

pub mod settings;
pub mod virtual_node;
pub mod vn_creator;
