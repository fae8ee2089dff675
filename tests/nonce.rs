//! The installed control plane runs the nonce creator and signer (authentication handshake
//! steps 3 and 5) on a real test cluster.

mod common;

use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, stderr};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Pod, Secret};
use k8s_openapi::api::events::v1::Event;
use kube::api::PostParams;
use kube::runtime::wait::await_condition;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

/// One cluster with Liqo installed by `liqoctl install`.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    let env = Env::builder()
        .cluster("nonce")
        .start_blocking()
        .expect("cluster starts");
    let out = liqoctl(&[
        &kubeconfig(env.cluster("nonce").kubeconfig()),
        "install",
        "--cluster-id=nonce-cluster",
    ]);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    env
});

fn data(secret: Option<&Secret>, key: &str) -> Option<Vec<u8>> {
    secret?.data.as_ref()?.get(key).map(|v| v.0.clone())
}

async fn tenant_secret(
    client: &Client,
    cluster_id: &str,
    name: &str,
    labels: serde_json::Value,
    string_data: serde_json::Value,
) -> Api<Secret> {
    let ns = liqo_kube::tenant_namespace::ensure(client, cluster_id, "test")
        .await
        .unwrap();
    let ns = kube::ResourceExt::name_any(&ns);
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": name, "labels": labels}, "stringData": string_data
    }))
    .unwrap();
    let api: Api<Secret> = Api::namespaced(client.clone(), &ns);
    api.create(&PostParams::default(), &secret).await.unwrap();
    api
}

/// The nonce creator's successful reconciles, from the controller manager's `/metrics`.
async fn creator_reconciles(client: &Client) -> u64 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pods = Api::<Pod>::namespaced(client.clone(), "liqo")
        .list(&Default::default())
        .await
        .unwrap();
    let ip = pods
        .items
        .iter()
        .filter(|p| kube::ResourceExt::name_any(*p).starts_with("liqo-controller-manager"))
        .find_map(|p| p.status.as_ref()?.pod_ip.clone())
        .expect("a running controller manager");
    let mut stream = tokio::net::TcpStream::connect((ip.as_str(), METRICS_PORT))
        .await
        .unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).await.unwrap();
    body.lines()
        .filter(|l| l.contains("controller=\"nonce-creator\"") && l.contains("result=\"ok\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .next()
        .unwrap_or(0)
}

const METRICS_PORT: u16 = 8082;

/// Held by the tests that make the nonce creator reconcile, so that its reconcile count is
/// theirs alone while they hold it.
static CREATOR: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits until the nonce creator has completed at least `count` successful reconciles.
async fn await_creator_reconciles(client: &Client, count: u64) {
    let mut changes = watcher::watcher(
        Api::<Secret>::all(client.clone()),
        watcher::Config::default().labels("liqo.io/nonce"),
    )
    .boxed();
    // The count moves only after a reconcile, and a reconcile follows a change: re-read on each
    // change, and on a bounded tick for the one that lands after the last change was seen.
    let reached = async {
        loop {
            if creator_reconciles(client).await >= count {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(200), changes.next()).await;
        }
    };
    tokio::time::timeout(WAIT, reached)
        .await
        .unwrap_or_else(|_| panic!("the nonce creator never reached {count} reconciles"));
}

#[tokio::test]
async fn the_provider_fills_a_nonce_once_in_the_tenant_namespace() {
    let client = ENV.cluster("nonce").client();
    let _alone = CREATOR.lock().await;
    let before = creator_reconciles(&client).await;
    let labels = json!({"liqo.io/nonce": "true", "liqo.io/remote-cluster-id": "consumer-one"});
    let api = tenant_secret(&client, "consumer-one", "liqo-nonce", labels, json!({})).await;
    let filled = |s: Option<&Secret>| data(s, "nonce").is_some();
    let secret = tokio::time::timeout(WAIT, await_condition(api.clone(), "liqo-nonce", filled))
        .await
        .expect("the nonce creator fills the nonce")
        .unwrap();
    let nonce = data(secret.as_ref(), "nonce").unwrap();
    assert_eq!(nonce.len(), 88, "64 random bytes, base64");

    // Never rotated: force a reconcile with the nonce present (what `liqoctl create nonce`
    // re-applying the Secret does), wait until one has run after the one that filled it, and
    // the nonce is the same.
    let touched = json!({"metadata": {"annotations": {"test/touched": "1"}}});
    api.patch(
        "liqo-nonce",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(&touched),
    )
    .await
    .unwrap();
    await_creator_reconciles(&client, before + 2).await;
    let again = api.get("liqo-nonce").await.unwrap();
    assert_eq!(data(Some(&again), "nonce").unwrap(), nonce);
}

#[tokio::test]
async fn the_consumer_signs_a_nonce_with_its_cluster_key() {
    let client = ENV.cluster("nonce").client();
    let nonce = liqo_kube::crypto::generate_nonce().unwrap();
    let labels =
        json!({"liqo.io/signed-nonce": "true", "liqo.io/remote-cluster-id": "provider-one"});
    let api = tenant_secret(
        &client,
        "provider-one",
        "liqo-signed-nonce",
        labels,
        json!({"nonce": nonce}),
    )
    .await;
    let signed = |s: Option<&Secret>| data(s, "signedNonce").is_some();
    let secret = tokio::time::timeout(WAIT, await_condition(api, "liqo-signed-nonce", signed))
        .await
        .expect("the nonce signer signs")
        .unwrap();
    let signature = data(secret.as_ref(), "signedNonce").unwrap();
    let keys = Api::<Secret>::namespaced(client, "liqo")
        .get("authentication-keys")
        .await
        .unwrap();
    let public = data(Some(&keys), "publicKey").unwrap();
    liqo_kube::crypto::verify(&public, nonce.as_bytes(), &signature)
        .expect("signed with the cluster key");
}

#[tokio::test]
async fn a_nonce_secret_outside_its_tenant_namespace_is_refused_with_an_event() {
    let client = ENV.cluster("nonce").client();
    let _alone = CREATOR.lock().await;
    let before = creator_reconciles(&client).await;
    liqo_kube::tenant_namespace::ensure(&client, "consumer-two", "test")
        .await
        .unwrap();
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "misplaced", "labels": {"liqo.io/nonce": "true", "liqo.io/remote-cluster-id": "consumer-two"}}
    }))
    .unwrap();
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "default");
    secrets
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let mut stream = watcher::watcher(events, watcher::Config::default())
        .applied_objects()
        .boxed();
    let wrong_namespace = async {
        while let Some(event) = stream.try_next().await.unwrap() {
            if event.reason.as_deref() == Some("WrongNamespace") {
                return event;
            }
        }
        panic!("the event watch ended");
    };
    let event = tokio::time::timeout(WAIT, wrong_namespace)
        .await
        .expect("a WrongNamespace event");
    assert!(
        event
            .note
            .as_deref()
            .unwrap()
            .contains("liqo-tenant-consumer-two")
    );
    assert_eq!(
        event.regarding.as_ref().unwrap().name.as_deref(),
        Some("misplaced")
    );
    assert!(
        data(Some(&secrets.get("misplaced").await.unwrap()), "nonce").is_none(),
        "no nonce outside the tenant ns"
    );
    // Release the creator only once its reconcile of this Secret is counted.
    await_creator_reconciles(&client, before + 1).await;
}
