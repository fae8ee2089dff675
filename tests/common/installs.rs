//! Test clusters with Liqo installed by `liqoctl install` on all clusters at once (an install
//! mostly waits for its cluster's pods, so the installs overlap instead of adding up): the
//! `common` helpers, re-exported for the files that name this module, and one with Liqo
//! namespaces.

#![allow(dead_code)] // each test binary uses a different subset

use liqo_testenv::Env;

// Each test binary uses a different subset of these.
#[allow(unused_imports)]
pub use crate::common::{install_all, installed_env, installed_network_env};

/// Clusters `(name, cluster ID, Liqo namespace)` installed with `--namespace`.
pub fn installed_env_with_namespaces(clusters: &[(&str, &str, &str)]) -> Env {
    let mut builder = Env::builder();
    for (name, _, _) in clusters {
        builder = builder.cluster(name);
    }
    let env = builder.start_blocking().expect("test clusters start");
    let flags = clusters
        .iter()
        .map(|(cluster, id, ns)| {
            let flags = vec![format!("--cluster-id={id}"), format!("--namespace={ns}")];
            (*cluster, flags)
        })
        .collect();
    install_all(&env, flags);
    env
}
