//! `core.liqo.io`: the ForeignCluster, one module per peering module it reports on.

pub mod crd_replicator;
pub mod foreign_cluster;
