//! The authentication handshake: Tenants built by the consumer and checked by the provider
//! (pure), CSRs byte-identical to upstream's (pure), and certificates issued through the
//! Kubernetes CSR API (I/O).

pub mod bindings;
pub mod certificate;
pub mod csr;
pub mod identity;
pub mod in_band;
pub mod peering_user;
pub mod renewal;
pub mod resource_slice;
pub mod steps;
pub mod tenant;
