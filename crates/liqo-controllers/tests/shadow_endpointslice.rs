//! The provider's ShadowEndpointSlice controller on one real test cluster, run in-process
//! alone (only Liqo's CRDs installed; Kubernetes' own controllers run, its EndpointSlice
//! controller among them): a ShadowEndpointSlice of a selectorless Service gets its
//! EndpointSlice with the template's endpoints, the labels and a controller ownerRef; a
//! template change follows; the slice deleted by hand comes back; deleting the
//! ShadowEndpointSlice removes the slice (garbage collection).

#[path = "common/in_process.rs"]
mod in_process;
#[allow(dead_code)]
#[path = "common/objects.rs"]
mod objects;
#[path = "common/until.rs"]
mod until;

use std::time::Duration;

use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::offloading::ShadowEndpointSlice;
use liqo_controllers::offloading::shadow_endpointslice::{self, MANAGED_BY, MANAGED_BY_VALUE};
use liqo_testenv::Env;
use serde_json::json;

const CLUSTER: &str = "sheps-provider";
const NS: &str = "sheps-twin";
const WAIT: Duration = Duration::from_secs(30);
const GC_WAIT: Duration = Duration::from_secs(120);

/// [`until::object`] bounded by [`WAIT`].
async fn until<K: until::Watched>(
    api: &Api<K>,
    name: &str,
    what: &str,
    done: impl Fn(Option<&K>) -> bool,
) -> Option<K> {
    until::object(api, name, what, WAIT, done).await
}

/// Starts the cluster and the controller in this process.
async fn start() -> (Env, Client) {
    let (env, client, ctx) = in_process::start(CLUSTER, "provider-id", true).await;
    tokio::spawn(shadow_endpointslice::run(ctx));
    (env, client)
}

fn shadow(addresses: &[&str]) -> ShadowEndpointSlice {
    let endpoints: Vec<_> = addresses
        .iter()
        .map(|a| json!({"addresses": [a], "conditions": {"ready": true}}))
        .collect();
    serde_json::from_value(json!({
        "apiVersion": "offloading.liqo.io/v1beta1", "kind": "ShadowEndpointSlice",
        "metadata": {"name": "web-abc", "namespace": NS, "labels": {
            "kubernetes.io/service-name": "web", "liqo.io/managed-by": "reflection"}},
        "spec": {"template": {
            "addressType": "IPv4",
            "endpoints": endpoints,
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        }},
    }))
    .unwrap()
}

fn addresses(slice: Option<&EndpointSlice>) -> Vec<String> {
    slice
        .and_then(|s| s.endpoints.clone())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|e| e.addresses)
        .collect()
}

#[tokio::test]
async fn shadow_endpointslice_lifecycle() {
    let (_env, client) = start().await;
    objects::create(&client, &objects::namespace(NS, json!({})))
        .await
        .unwrap();
    // The reflected Service: no selector, as the virtual kubelet writes it.
    let service = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": NS},
        "spec": {"ports": [{"name": "http", "port": 80, "targetPort": 8080}]}});
    objects::create(&client, &service).await.unwrap();
    let shadows: Api<ShadowEndpointSlice> = Api::namespaced(client.clone(), NS);
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), NS);

    // 1. Created: the template's contents, the labels, controlled by the ShadowEndpointSlice.
    let created = shadows
        .create(&PostParams::default(), &shadow(&["10.244.0.5"]))
        .await
        .unwrap();
    let slice = until(&slices, "web-abc", "EndpointSlice web-abc created", |s| {
        s.is_some()
    })
    .await
    .unwrap();
    assert_eq!(addresses(Some(&slice)), ["10.244.0.5"]);
    assert_eq!(slice.address_type, "IPv4");
    assert_eq!(slice.ports.as_ref().unwrap()[0].port, Some(8080));
    let labels = slice.labels();
    assert_eq!(labels["kubernetes.io/service-name"], "web");
    assert_eq!(labels[MANAGED_BY], MANAGED_BY_VALUE);
    let owners = slice.owner_references();
    assert_eq!(owners.len(), 1, "{owners:?}");
    assert_eq!(owners[0].kind, "ShadowEndpointSlice");
    assert_eq!(
        Some(owners[0].uid.as_str()),
        created.metadata.uid.as_deref()
    );
    assert_eq!(owners[0].controller, Some(true));

    // 2. The template changes: the slice follows (and Kubernetes' controller left it alone).
    let change = json!({"spec": {"template": shadow(&["10.244.0.6", "10.243.0.9"]).spec.template}});
    shadows
        .patch("web-abc", &PatchParams::default(), &Patch::Merge(&change))
        .await
        .unwrap();
    until(&slices, "web-abc", "the slice's endpoints updated", |s| {
        addresses(s) == ["10.244.0.6", "10.243.0.9"]
    })
    .await;

    // 3. Deleted by hand: it comes back.
    let old_uid = slice.uid();
    slices
        .delete("web-abc", &DeleteParams::default())
        .await
        .unwrap();
    until(&slices, "web-abc", "the deleted slice re-created", |s| {
        s.is_some_and(|s| s.uid() != old_uid) && addresses(s).len() == 2
    })
    .await;

    // 4. The ShadowEndpointSlice deleted: the garbage collector removes the slice.
    shadows
        .delete("web-abc", &DeleteParams::default())
        .await
        .unwrap();
    // Kubernetes' garbage collector learns of a new CRD's kind only at its periodic discovery
    // resync (30 s), and a loaded CI machine has been seen to need longer: a wider bound here.
    until::object(
        &slices,
        "web-abc",
        "the slice garbage-collected",
        GC_WAIT,
        |s| s.is_none(),
    )
    .await;
    assert!(shadows.get_opt("web-abc").await.unwrap().is_none());
}
