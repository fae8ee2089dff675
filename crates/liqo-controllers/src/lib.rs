//! The Liqo control plane: one reconciler module per primary kind, wired into the
//! `liqo-controller-manager` binary, and the virtual node agent.

pub mod health;
pub mod manager;
