//! Well-known strings shared with upstream Liqo, copied exactly: label and annotation keys (and
//! their fixed values), finalizers, condition reasons and messages, default object names and
//! the field managers of this project's components.

pub mod annotation;
pub mod condition;
pub mod field_manager;
pub mod finalizer;
pub mod label;
pub mod name;
