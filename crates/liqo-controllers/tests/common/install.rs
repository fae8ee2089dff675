//! A test cluster with Liqo installed as `liqoctl install` does (the controller manager runs as
//! a pod through the test node agent).

use std::path::Path;
use std::time::Duration;

use liqo_kube::install::{self, InstallParams};
use liqo_testenv::Env;

const WAIT: Duration = Duration::from_secs(90);
/// The Liqo namespace of the installation.
pub const LIQO: &str = "liqo";

/// Starts the cluster `name` and installs Liqo in it with cluster ID `cluster_id` and the
/// spec's worked-example CIDRs; blocks until the controller manager is available.
pub fn start_installed(name: &str, cluster_id: &str) -> Env {
    let bin = liqo_testenv::pods::PodsConfig::default_bin_dir().join("liqo-controller-manager");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p liqo-controllers --bins`",
        bin.display()
    );
    let env = Env::builder()
        .cluster(name)
        .start_blocking()
        .expect("cluster starts");
    let kubeconfig = env.cluster(name).kubeconfig().to_path_buf();
    let server = env.cluster(name).server().to_string();
    let cluster_id = cluster_id.to_string();
    // A runtime of its own: the tests' runtimes are not running yet, or are busy.
    std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(install_liqo(&kubeconfig, server, cluster_id))
    })
    .join()
    .expect("Liqo installs");
    env
}

/// What `liqoctl install` does, from the same plan.
async fn install_liqo(kubeconfig: &Path, server: String, cluster_id: String) {
    let access = liqo_kube::client::Access {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        ..Default::default()
    };
    let (client, _) = access.client().await.unwrap();
    let params = InstallParams {
        namespace: LIQO.into(),
        cluster_id,
        pod_cidrs: vec!["10.243.0.0/16".into()],
        service_cidr: "10.96.0.0/12".into(),
        external_cidr: "10.70.0.0/16".into(),
        internal_cidr: "10.80.0.0/16".into(),
        image: install::default_image(env!("CARGO_PKG_VERSION")),
        keys: Some(install::generate_keys().unwrap()),
        api_server_url: Some(server),
        tls_compatibility_mode: false,
    };
    let manifests = install::render(&params).unwrap();
    let first = |k: &str| k == "CustomResourceDefinition" || k == "Namespace";
    for m in manifests.iter().filter(|m| first(&m.resource.kind)) {
        m.apply(&client, install::FIELD_MANAGER).await.unwrap();
    }
    for m in manifests
        .iter()
        .filter(|m| m.resource.kind == "CustomResourceDefinition")
    {
        let name = m.object.metadata.name.clone().unwrap();
        install::await_crd_established(&client, &name, WAIT)
            .await
            .unwrap();
    }
    for m in manifests.iter().filter(|m| !first(&m.resource.kind)) {
        m.apply(&client, install::FIELD_MANAGER).await.unwrap();
    }
    install::await_deployment_available(&client, LIQO, install::CONTROLLER_MANAGER, WAIT)
        .await
        .unwrap();
}
