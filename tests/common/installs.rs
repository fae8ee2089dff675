//! Test clusters with Liqo installed by `liqoctl install`, as `common::installed_env` and
//! `common::installed_network_env` make them, but installed on all clusters at once: an
//! install mostly waits for its cluster's pods, so the installs overlap instead of adding up.

#![allow(dead_code)] // each test binary uses a different subset

use liqo_testenv::Env;

use crate::common::{kubeconfig, liqoctl, stderr};

/// `installed` are (cluster, cluster ID) pairs; `bare` clusters get no Liqo.
pub fn installed_env(installed: &[(&str, &str)], bare: &[&str]) -> Env {
    let mut builder = Env::builder();
    for name in installed.iter().map(|(c, _)| c).chain(bare) {
        builder = builder.cluster(name);
    }
    let env = builder.start_blocking().expect("test clusters start");
    let flags = installed
        .iter()
        .map(|(cluster, id)| (*cluster, vec![format!("--cluster-id={id}")]))
        .collect();
    install_all(&env, flags);
    env
}

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

/// Clusters on a test network, each `(cluster, cluster ID, pod CIDR)` installed with
/// `--pod-cidr`.
pub fn installed_network_env(clusters: &[(&str, &str, &str)]) -> Env {
    let mut builder = Env::builder().network(true);
    for (name, _, pod_cidr) in clusters {
        builder =
            builder.cluster_config(liqo_testenv::ClusterConfig::new(*name).pod_cidr(*pod_cidr));
    }
    let env = builder.start_blocking().expect("test clusters start");
    let flags = clusters
        .iter()
        .map(|(cluster, id, pod_cidr)| {
            let flags = vec![
                format!("--cluster-id={id}"),
                format!("--pod-cidr={pod_cidr}"),
            ];
            (*cluster, flags)
        })
        .collect();
    install_all(&env, flags);
    env
}

/// `liqoctl install` with each cluster's flags, all at once; panics naming the first cluster
/// whose install failed.
pub fn install_all(env: &Env, installs: Vec<(&str, Vec<String>)>) {
    std::thread::scope(|scope| {
        let runs: Vec<_> = installs
            .iter()
            .map(|(cluster, flags)| {
                scope.spawn(move || {
                    let kc = kubeconfig(env.cluster(cluster).kubeconfig());
                    let mut args = vec![kc.as_str(), "install"];
                    args.extend(flags.iter().map(String::as_str));
                    liqoctl(&args)
                })
            })
            .collect();
        for ((cluster, _), run) in installs.iter().zip(runs) {
            let out = run.join().expect("install thread");
            assert!(
                out.status.success(),
                "install on {cluster} failed: {}",
                stderr(&out)
            );
        }
    });
}
