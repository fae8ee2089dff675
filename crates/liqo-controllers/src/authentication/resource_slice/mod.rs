//! ResourceSlices: the consumer completes its slices (cluster IDs, CSR) and turns the
//! provider's answer into an Identity; the provider authenticates each replicated slice,
//! grants its resources by the Tenant's state, and creates the Quota its user runs under.

pub mod identity_creator;
pub mod local;
pub mod quota;
pub mod remote;
mod status;
