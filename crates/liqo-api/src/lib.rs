//! Types for every `*.liqo.io` kind this project reads or writes, the well-known strings shared
//! with upstream Liqo (labels, annotations, finalizers, condition types) and CRD generation.
//! No I/O lives here: this crate is data and pure functions only.
//!
//! One module per API group: [`core`](crate::core), [`authentication`], [`networking`], [`ipam`],
//! [`offloading`]; shared structures in [`common`], well-known strings in [`consts`], the CRDs
//! in [`crd`].

mod schema;

pub mod authentication;
pub mod common;
pub mod consts;
pub mod core;
pub mod crd;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod ipam;
pub mod networking;
pub mod offloading;
