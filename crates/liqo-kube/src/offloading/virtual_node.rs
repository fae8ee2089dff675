//! The VirtualNode spec mutation (spec offloading.md §4.6), shared by `create virtualnode` and
//! the VirtualNode creator, and the virtual-kubelet Deployment a VkOptionsTemplate defaults to
//! (§5.1).
