//! `authentication.liqo.io`: nonces, Tenants, Identities, certificate renewal.

pub mod identity;
pub mod nonce_creator;
pub mod nonce_signer;
pub mod renew_local;
pub mod resource_slice;
mod secret_data;
pub mod tenant;
mod tenant_secret;
