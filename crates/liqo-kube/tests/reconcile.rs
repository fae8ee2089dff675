//! The reconcile plumbing against a real API server: finalizers pinned to the resourceVersion
//! that was read (a stale copy gets a 409, which is transient), a forced apply that changes
//! nothing leaves the object alone, and a status apply is skipped when the status is equal.

use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Service, ServiceSpec, ServiceStatus};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{DeleteParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client, ResourceExt};
use liqo_api::core::{ForeignCluster, ForeignClusterSpec, ForeignClusterStatus, RoleType};
use liqo_kube::reconcile::{self, ReconcileError};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);
const MANAGER: &str = "liqo-kube-reconcile-test";
const NS: &str = "default";

fn expect_conflict(result: Result<impl std::fmt::Debug, ReconcileError>, what: &str) {
    let error = result.expect_err(what);
    assert_eq!(error.status_code(), Some(409), "{what}: {error}");
    assert!(error.is_transient(), "{what}: a conflict is retried soon");
}

async fn finalizers_are_pinned_to_the_read_version(client: &Client) {
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), NS);
    let mut cm = ConfigMap::default();
    cm.metadata.name = Some("finalized".into());
    let read = api.create(&PostParams::default(), &cm).await.unwrap();

    assert!(
        reconcile::add_finalizer(client, &read, "test.liqo.io/a")
            .await
            .unwrap(),
        "added"
    );
    // `read` is stale now: writing through it would drop `a`.
    expect_conflict(
        reconcile::add_finalizer(client, &read, "test.liqo.io/b").await,
        "add through a stale copy",
    );
    let current = api.get("finalized").await.unwrap();
    assert_eq!(current.finalizers(), ["test.liqo.io/a"]);
    assert!(
        !reconcile::add_finalizer(client, &current, "test.liqo.io/a")
            .await
            .unwrap(),
        "already there: no write"
    );
    assert_eq!(
        api.get("finalized").await.unwrap().resource_version(),
        current.resource_version()
    );
    reconcile::add_finalizer(client, &current, "test.liqo.io/b")
        .await
        .unwrap();
    expect_conflict(
        reconcile::remove_finalizer(client, &current, "test.liqo.io/a").await,
        "remove through a stale copy",
    );

    // Deletion waits for the finalizers; removing the last one lets the object go.
    api.delete("finalized", &DeleteParams::default())
        .await
        .unwrap();
    let deleting = api.get("finalized").await.unwrap();
    assert!(deleting.metadata.deletion_timestamp.is_some());
    reconcile::remove_finalizer(client, &deleting, "test.liqo.io/a")
        .await
        .unwrap();
    let deleting = api.get("finalized").await.unwrap();
    assert_eq!(deleting.finalizers(), ["test.liqo.io/b"]);
    reconcile::remove_finalizer(client, &deleting, "test.liqo.io/b")
        .await
        .unwrap();
    assert!(api.get_opt("finalized").await.unwrap().is_none(), "gone");
    // The object vanished: removing again is fine (not a 404 error).
    reconcile::remove_finalizer(client, &deleting, "test.liqo.io/b")
        .await
        .unwrap();
}

async fn an_unchanged_apply_writes_nothing(client: &Client) {
    let mut cm = ConfigMap {
        metadata: ObjectMeta {
            name: Some("applied".into()),
            namespace: Some(NS.into()),
            ..Default::default()
        },
        data: Some([("k".to_string(), "v".to_string())].into()),
        ..Default::default()
    };
    let first = reconcile::apply(client, &cm, MANAGER).await.unwrap();
    // A copy read back (resourceVersion, managedFields, uid) applies the same as the render.
    let again = reconcile::apply(client, &first, MANAGER).await.unwrap();
    assert_eq!(again.resource_version(), first.resource_version());
    assert!(
        again
            .managed_fields()
            .iter()
            .any(|f| f.manager.as_deref() == Some(MANAGER)),
        "{:?}",
        again.managed_fields()
    );
    cm.data = Some([("k".to_string(), "w".to_string())].into());
    let changed = reconcile::apply(client, &cm, MANAGER).await.unwrap();
    assert_ne!(changed.resource_version(), first.resource_version());
}

async fn an_equal_status_is_not_written(client: &Client) {
    let api: Api<Service> = Api::namespaced(client.clone(), NS);
    let svc = Service {
        metadata: ObjectMeta {
            name: Some("status".into()),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            type_: Some("LoadBalancer".into()),
            ports: Some(vec![serde_json::from_value(json!({"port": 80})).unwrap()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = api.create(&PostParams::default(), &svc).await.unwrap();
    let status: ServiceStatus = serde_json::from_value(
        json!({"loadBalancer": {"ingress": [{"ip": "203.0.113.9", "ipMode": "VIP"}]}}),
    )
    .unwrap();
    assert!(
        reconcile::apply_status(client, &created, &status, MANAGER)
            .await
            .unwrap(),
        "a new status is written"
    );
    let written = api.get("status").await.unwrap();
    assert_ne!(written.resource_version(), created.resource_version());
    assert_eq!(written.status.as_ref(), Some(&status));
    assert!(
        !reconcile::apply_status(client, &written, &status, MANAGER)
            .await
            .unwrap(),
        "the same status is skipped"
    );
    assert_eq!(
        api.get("status").await.unwrap().resource_version(),
        written.resource_version(),
        "nothing was written"
    );
}

/// A status write for an object deleted meanwhile fails with a 404 (not transient) and does
/// not bring it back (a Liqo kind: its status strategy does not create on update).
async fn a_status_write_for_a_deleted_object_is_not_found(client: &Client) {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd = liqo_api::crd::all()
        .into_iter()
        .find(|c| c.spec.names.kind == "ForeignCluster")
        .expect("the ForeignCluster CRD is generated");
    crds.patch(
        &crd.name_any(),
        &PatchParams::apply(MANAGER).force(),
        &Patch::Apply(&crd),
    )
    .await
    .unwrap();
    await_condition(crds, &crd.name_any(), conditions::is_crd_established())
        .await
        .unwrap();
    let api: Api<ForeignCluster> = Api::all(client.clone());
    let fc = ForeignCluster::new(
        "gone",
        ForeignClusterSpec {
            cluster_id: "gone".into(),
        },
    );
    let created = api.create(&PostParams::default(), &fc).await.unwrap();
    api.delete("gone", &DeleteParams::default()).await.unwrap();
    let status = ForeignClusterStatus {
        role: RoleType::Provider,
        ..Default::default()
    };
    let gone = reconcile::apply_status(client, &created, &status, MANAGER)
        .await
        .expect_err("the ForeignCluster is gone");
    assert_eq!(gone.status_code(), Some(404), "{gone}");
    assert!(!gone.is_transient());
    assert!(gone.to_string().contains("ForeignCluster gone"), "{gone}");
    assert!(
        api.get_opt("gone").await.unwrap().is_none(),
        "not re-created"
    );
}

#[tokio::test]
async fn finalizers_apply_and_status_against_a_real_api_server() {
    let env = Env::builder()
        .cluster("reconcile")
        .network(false)
        .start()
        .await
        .expect("the test cluster starts");
    let client = env.cluster("reconcile").client();
    tokio::time::timeout(WAIT, async {
        finalizers_are_pinned_to_the_read_version(&client).await;
        an_unchanged_apply_writes_nothing(&client).await;
        an_equal_status_is_not_written(&client).await;
        a_status_write_for_a_deleted_object_is_not_found(&client).await;
    })
    .await
    .expect("the scenarios finish within a minute");
}
