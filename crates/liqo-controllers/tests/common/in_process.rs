//! One bare test cluster (optionally with Liqo's CRDs) and the Context to run one controller in
//! this test process, alone: nothing else reconciles the objects a test writes by hand.
//! Included with `#[path = "common/in_process.rs"] mod in_process;`.

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use liqo_controllers::context::{Context, Metrics};
use liqo_controllers::offloading::settings::Settings;
use liqo_testenv::Env;

/// Bound on the CRDs becoming Established.
const CRDS_WAIT: Duration = Duration::from_secs(30);

/// Starts cluster `name`, installs Liqo's CRDs when `crds`, and returns the Context of a
/// controller manager of cluster `cluster_id`.
pub async fn start(name: &str, cluster_id: &str, crds: bool) -> (Env, Client, Arc<Context>) {
    let env = Env::builder()
        .cluster(name)
        .start_blocking()
        .expect("cluster starts");
    let client = env.cluster(name).client();
    if crds {
        for crd in liqo_kube::install::render_crds().unwrap() {
            crd.apply(&client, "test").await.unwrap();
            let crd_name = crd.object.metadata.name.clone().unwrap();
            liqo_kube::install::await_crd_established(&client, &crd_name, CRDS_WAIT)
                .await
                .unwrap();
        }
    }
    let mut registry = prometheus_client::registry::Registry::default();
    let ctx = Context::new(
        client.clone(),
        cluster_id.into(),
        "liqo".into(),
        Metrics::register(&mut registry),
        None,
        Settings::default(),
    );
    (env, client, ctx)
}
