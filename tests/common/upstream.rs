//! Objects our controllers wrote, replayed onto a cluster that runs upstream Liqo's CRDs (from
//! `shared/liqo-crds`): each must be accepted and read back with spec and status unchanged, so
//! nothing we write is refused or silently pruned by an upstream installation.

use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{ApiResource, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_testenv::Env;
use serde_json::{Value, json};

const FIELD_MANAGER: &str = "liqoctl-upstream-crd-test";
const WAIT: Duration = Duration::from_secs(60);

/// Every object of kind `K` in `client`'s cluster, with its API coordinates.
pub async fn capture<K>(client: &Client) -> Vec<(ApiResource, DynamicObject)>
where
    K: Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let resource = ApiResource::erase::<K>(&());
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
    let list = api.list(&ListParams::default()).await.unwrap();
    list.items
        .into_iter()
        .map(|o| (resource.clone(), o))
        .collect()
}

/// Starts a bare cluster, installs upstream's CRDs and replays `objects` onto it: create, then
/// the status through its subresource, then a read that must give back the same spec and status.
pub async fn assert_accepted(objects: Vec<(ApiResource, DynamicObject)>) {
    assert!(!objects.is_empty(), "nothing captured to replay");
    let env = tokio::task::spawn_blocking(|| {
        Env::builder()
            .cluster("upstream-crds")
            .start_blocking()
            .expect("the upstream-CRD cluster starts")
    })
    .await
    .unwrap();
    let client = env.cluster("upstream-crds").client();
    install_upstream_crds(&client).await;
    for (resource, object) in objects {
        replay(&client, &resource, &object).await;
    }
}

/// Every CRD of upstream Liqo, one per YAML file of `shared/liqo-crds` beside the repository
/// (as in CI's checkout).
fn upstream_crds() -> Vec<CustomResourceDefinition> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/liqo-crds"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no CRD in {}", dir.display());
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            serde_norway::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a CRD: {e}", path.display()))
        })
        .collect()
}

async fn install_upstream_crds(client: &Client) {
    let api = Api::<CustomResourceDefinition>::all(client.clone());
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let crds = upstream_crds();
    for crd in &crds {
        api.patch(&crd.name_any(), &params, &Patch::Apply(crd))
            .await
            .unwrap_or_else(|e| panic!("upstream CRD {} refused: {e}", crd.name_any()));
    }
    for crd in &crds {
        liqo_kube::install::await_crd_established(client, &crd.name_any(), WAIT)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

async fn replay(client: &Client, resource: &ApiResource, object: &DynamicObject) {
    let what = format!(
        "{} {}/{}",
        resource.kind,
        object.namespace().unwrap_or_default(),
        object.name_any()
    );
    let api: Api<DynamicObject> = match object.namespace() {
        Some(ns) => {
            ensure_namespace(client, &ns).await;
            Api::namespaced_with(client.clone(), &ns, resource)
        }
        None => Api::all_with(client.clone(), resource),
    };
    let mut body = serde_json::to_value(object).unwrap();
    body["apiVersion"] = resource.api_version.clone().into();
    body["kind"] = resource.kind.clone().into();
    // Only what the writer chose: server-set fields go, and owners and finalizers too (they
    // name objects of the other cluster; the garbage collector would delete the replay).
    let metadata = json!({
        "name": object.name_any(),
        "namespace": object.namespace(),
        "labels": object.metadata.labels,
        "annotations": object.metadata.annotations,
    });
    body["metadata"] = metadata;
    let status = body.as_object_mut().unwrap().remove("status");
    let created: DynamicObject = serde_json::from_value(body.clone()).unwrap();
    let created = api
        .create(&PostParams::default(), &created)
        .await
        .unwrap_or_else(|e| panic!("upstream's CRD refuses {what}: {e}"));
    if let Some(status) = status.clone().filter(|s| !s.is_null()) {
        let mut with_status = serde_json::to_value(&created).unwrap();
        with_status["status"] = status;
        let with_status: DynamicObject = serde_json::from_value(with_status).unwrap();
        api.replace_status(&object.name_any(), &PostParams::default(), &with_status)
            .await
            .unwrap_or_else(|e| panic!("upstream's CRD refuses the status of {what}: {e}"));
    }
    let back = serde_json::to_value(api.get(&object.name_any()).await.unwrap()).unwrap();
    for part in ["spec", "status"] {
        let sent = if part == "status" {
            status.clone().unwrap_or(Value::Null)
        } else {
            body.get(part).cloned().unwrap_or(Value::Null)
        };
        let stored = back.get(part).cloned().unwrap_or(Value::Null);
        assert_eq!(
            stored, sent,
            "upstream's CRD changed the {part} of {what} (pruned or defaulted)"
        );
    }
}

async fn ensure_namespace(client: &Client, name: &str) {
    let namespace: Namespace = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}
    }))
    .unwrap();
    Api::<Namespace>::all(client.clone())
        .patch(
            name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&namespace),
        )
        .await
        .unwrap_or_else(|e| panic!("namespace {name}: {e}"));
}
