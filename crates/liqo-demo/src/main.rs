//! The demo workload (being written).

fn main() {}
