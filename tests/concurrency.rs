//! Concurrent first runs: several `authenticate` (or `network connect`) started at once on
//! two fresh clusters all succeed and leave one object of each kind, as one run would.

mod common;
#[path = "common/converge.rs"]
mod converge;
#[path = "common/installs.rs"]
mod installs;

use std::process::{Command, Output, Stdio};
use std::sync::LazyLock;

use common::{kubeconfig, remote_kubeconfig, stderr};
use converge::liqoctl_bin;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::ListParams;
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::authentication::{Identity, Tenant};
use liqo_api::networking::{Configuration, Connection, GatewayClient, GatewayServer, PublicKey};
use liqo_testenv::Env;
use serde::de::DeserializeOwned;

/// How many runs start at once (the issue saw 1–2 of 3 fail).
const RUNS: usize = 3;

static AUTH: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_env(
        &[("consumer", "consumer-id"), ("provider", "provider-id")],
        &[],
    )
});

static NET: LazyLock<Env> = LazyLock::new(|| {
    installs::installed_network_env(&[
        ("local", "local-id", "10.243.0.0/16"),
        ("remote", "remote-id", "10.244.0.0/16"),
    ])
});

/// Starts `RUNS` liqoctl processes with `args` at once and waits for all.
fn all_at_once(args: &[String]) -> Vec<Output> {
    let children: Vec<_> = (0..RUNS)
        .map(|_| {
            Command::new(liqoctl_bin())
                .args(args)
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("liqoctl starts")
        })
        .collect();
    // Every run is bounded by its own --timeout.
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("liqoctl exits"))
        .collect()
}

fn assert_all_succeeded(outs: &[Output]) {
    for (i, out) in outs.iter().enumerate() {
        assert!(
            out.status.success(),
            "run {i} of {RUNS} failed ({:?}):\n{}",
            out.status.code(),
            stderr(out)
        );
    }
}

/// Names of the `K` in `ns` (all namespaces for `None`) matching `selector`.
async fn names<K>(client: &Client, ns: Option<&str>, selector: &str) -> Vec<String>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug,
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
{
    let api: Api<K> = match ns {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let list = api
        .list(&ListParams::default().labels(selector))
        .await
        .expect("list");
    list.items.iter().map(ResourceExt::name_any).collect()
}

async fn tenant_namespaces(client: &Client, peer: &str) -> Vec<String> {
    Api::<Namespace>::all(client.clone())
        .list(&ListParams::default().labels(&liqo_kube::tenant_namespace::selector(peer)))
        .await
        .expect("list namespaces")
        .items
        .iter()
        .map(ResourceExt::name_any)
        .collect()
}

fn peer(id: &str) -> String {
    format!("liqo.io/remote-cluster-id={id}")
}

#[tokio::test]
async fn concurrent_first_authentications_all_succeed_with_one_object_each() {
    let (c, p) = (
        AUTH.cluster("consumer").client(),
        AUTH.cluster("provider").client(),
    );
    let args = [
        kubeconfig(AUTH.cluster("consumer").kubeconfig()),
        "authenticate".into(),
        remote_kubeconfig(AUTH.cluster("provider").kubeconfig()),
    ];
    let outs = tokio::task::spawn_blocking(move || all_at_once(&args))
        .await
        .unwrap();
    assert_all_succeeded(&outs);

    assert_eq!(
        tenant_namespaces(&c, "provider-id").await,
        ["liqo-tenant-provider-id"]
    );
    assert_eq!(
        tenant_namespaces(&p, "consumer-id").await,
        ["liqo-tenant-consumer-id"]
    );
    let (cns, pns) = (
        Some("liqo-tenant-provider-id"),
        Some("liqo-tenant-consumer-id"),
    );
    assert_eq!(names::<Tenant>(&p, None, "").await, ["consumer-id"]);
    assert_eq!(
        names::<Identity>(&c, None, "").await,
        ["controlplane-provider-id"]
    );
    assert_eq!(
        names::<Secret>(&p, pns, "liqo.io/nonce").await,
        ["liqo-nonce"]
    );
    assert_eq!(
        names::<Secret>(&c, cns, "liqo.io/signed-nonce").await,
        ["liqo-signed-nonce"]
    );
    assert_eq!(
        names::<Secret>(&c, cns, "liqo.io/identity-type=ControlPlane").await,
        ["kubeconfig-controlplane-provider-id"]
    );
}

/// The race itself, without process start-up spreading the runs apart: every call lists
/// (nothing) before any creates, so all but one meet AlreadyExists and must adopt.
#[tokio::test]
async fn concurrent_tenant_namespace_ensures_adopt_the_one_created() {
    let client = AUTH.cluster("consumer").client();
    let calls =
        (0..10).map(|_| liqo_kube::tenant_namespace::ensure_created(&client, "racer-id", "test"));
    let results = futures::future::join_all(calls).await;
    let created = results
        .iter()
        .map(|r| r.as_ref().map(|e| e.created).map_err(ToString::to_string))
        .collect::<Result<Vec<bool>, String>>()
        .expect("every concurrent ensure succeeds");
    assert_eq!(created.iter().filter(|c| **c).count(), 1, "{created:?}");
    assert_eq!(
        tenant_namespaces(&client, "racer-id").await,
        ["liqo-tenant-racer-id"]
    );
}

#[tokio::test]
async fn concurrent_first_network_connects_all_succeed_with_one_object_each() {
    let (l, r) = (
        NET.cluster("local").client(),
        NET.cluster("remote").client(),
    );
    let args = [
        kubeconfig(NET.cluster("local").kubeconfig()),
        "network".into(),
        "connect".into(),
        remote_kubeconfig(NET.cluster("remote").kubeconfig()),
        "--wait".into(),
        "--timeout=150s".into(),
    ];
    let outs = tokio::task::spawn_blocking(move || all_at_once(&args))
        .await
        .unwrap();
    assert_all_succeeded(&outs);

    assert_eq!(
        tenant_namespaces(&l, "remote-id").await,
        ["liqo-tenant-remote-id"]
    );
    assert_eq!(
        tenant_namespaces(&r, "local-id").await,
        ["liqo-tenant-local-id"]
    );
    let (lns, rns) = (Some("liqo-tenant-remote-id"), Some("liqo-tenant-local-id"));
    let (lp, rp) = (peer("remote-id"), peer("local-id"));
    assert_eq!(names::<Configuration>(&l, lns, &lp).await, ["remote-id"]);
    assert_eq!(names::<Configuration>(&r, rns, &rp).await, ["local-id"]);
    assert_eq!(names::<GatewayClient>(&l, None, "").await, ["remote-id"]);
    assert_eq!(names::<GatewayServer>(&r, None, "").await, ["local-id"]);
    assert!(names::<GatewayServer>(&l, None, "").await.is_empty());
    assert!(names::<GatewayClient>(&r, None, "").await.is_empty());
    assert_eq!(names::<PublicKey>(&l, lns, &lp).await, ["remote-id"]);
    assert_eq!(names::<PublicKey>(&r, rns, &rp).await, ["local-id"]);
    assert_eq!(names::<Connection>(&l, lns, &lp).await.len(), 1);
    assert_eq!(names::<Connection>(&r, rns, &rp).await.len(), 1);
    assert_eq!(names::<Deployment>(&l, lns, "").await, ["gw-remote-id"]);
    assert_eq!(names::<Deployment>(&r, rns, "").await, ["gw-local-id"]);
}
