//! The installed control plane runs the nonce creator and signer (authentication handshake
//! steps 3 and 5) on a real test cluster.

mod common;

use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, stderr};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Secret;
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

#[tokio::test]
async fn the_provider_fills_a_nonce_once_in_the_tenant_namespace() {
    let client = ENV.cluster("nonce").client();
    let labels = json!({"liqo.io/nonce": "true", "liqo.io/remote-cluster-id": "consumer-one"});
    let api = tenant_secret(&client, "consumer-one", "liqo-nonce", labels, json!({})).await;
    let filled = |s: Option<&Secret>| data(s, "nonce").is_some();
    let secret = tokio::time::timeout(WAIT, await_condition(api.clone(), "liqo-nonce", filled))
        .await
        .expect("the nonce creator fills the nonce")
        .unwrap();
    let nonce = data(secret.as_ref(), "nonce").unwrap();
    assert_eq!(nonce.len(), 88, "64 random bytes, base64");
    // Never rotated: the controller leaves an existing nonce alone.
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
}
