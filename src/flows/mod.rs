//! The flows two-cluster commands are made of, each taking plain option structs and the
//! [`Peers`](crate::peers::Peers) sides, so that `peer` composes what `network connect`,
//! `authenticate` and `create resourceslice` run instead of copying it. Commands are clap
//! structs plus a `run` over these.

pub mod auth;
pub mod foreign_cluster;
pub mod head_start;
pub mod network;
pub mod offload;
pub mod version;
