//! Types for every `*.liqo.io` kind this project reads or writes, the well-known strings shared
//! with upstream Liqo (labels, annotations, finalizers, condition types) and CRD generation.
//! No I/O lives here: this crate is data and pure functions only.
