//! EndpointSlice reflection (spec offloading.md §6.1 step 5): each EndpointSlice of a Service
//! in an accepted namespace becomes a ShadowEndpointSlice of the same name in the twin, which
//! the provider's ShadowEndpointSlice controller turns into a real EndpointSlice of the
//! reflected (selectorless) Service. Deleted with the original.
//!
//! Addresses are written as the provider reaches them: an endpoint on this virtual node is an
//! offloaded pod, whose consumer-view address is translated back to the provider's own; any
//! other endpoint is a consumer pod and keeps its address (the clusters' pod CIDRs are
//! distinct; a consumer CIDR the provider remaps is not handled yet).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointSlice};
use kube::api::DeleteParams;
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::consts::{field_manager, label};
use liqo_api::offloading::{EndpointSliceTemplate, ShadowEndpointSlice, ShadowEndpointSliceSpec};
use tokio::sync::watch;

use super::mapping::{IpTranslation, Mappings};
use super::queue::{Key, Queue};
use crate::remote::Remote;

/// The label Kubernetes puts on a Service's EndpointSlices.
pub const SERVICE_NAME: &str = "kubernetes.io/service-name";
const RESYNC: Duration = Duration::from_secs(300);

/// The ShadowEndpointSlice of local `slice` for remote namespace `remote_ns`, with the
/// addresses of endpoints on virtual node `node` translated back by `ips`.
pub fn render(
    slice: &EndpointSlice,
    remote_ns: &str,
    node: &str,
    ips: &IpTranslation,
) -> ShadowEndpointSlice {
    let endpoints = slice
        .endpoints
        .iter()
        .flatten()
        .map(|e| remote_endpoint(e, node, ips))
        .collect();
    let template = EndpointSliceTemplate {
        address_type: Some(slice.address_type.clone()),
        endpoints: Some(endpoints),
        ports: slice.ports.clone(),
    };
    let mut shadow = ShadowEndpointSlice::new(
        &slice.name_any(),
        ShadowEndpointSliceSpec {
            template: Some(template),
        },
    );
    let mut labels = BTreeMap::from([(
        label::MANAGED_BY.to_owned(),
        label::MANAGED_BY_REFLECTION.to_owned(),
    )]);
    if let Some(service) = slice.labels().get(SERVICE_NAME) {
        labels.insert(SERVICE_NAME.to_owned(), service.clone());
    }
    shadow.metadata.namespace = Some(remote_ns.to_owned());
    shadow.metadata.labels = Some(labels);
    shadow
}

/// One endpoint as the provider sees it: addresses, conditions and hostname; where it runs
/// on the consumer (node, zone, pod, hints) means nothing there.
fn remote_endpoint(endpoint: &Endpoint, node: &str, ips: &IpTranslation) -> Endpoint {
    let offloaded = endpoint.node_name.as_deref() == Some(node);
    let addresses = endpoint
        .addresses
        .iter()
        .map(|a| {
            if offloaded {
                ips.untranslate(a)
            } else {
                a.clone()
            }
        })
        .collect();
    Endpoint {
        addresses,
        conditions: endpoint.conditions.clone(),
        hostname: endpoint.hostname.clone(),
        ..Endpoint::default()
    }
}

fn is_reflection<K: Resource>(object: &K) -> bool {
    object.labels().get(label::MANAGED_BY).map(String::as_str) == Some(label::MANAGED_BY_REFLECTION)
}

/// What the EndpointSlice reflector works from.
#[derive(Debug)]
pub struct SliceReflector {
    remote: Remote,
    mappings: watch::Receiver<Mappings>,
    node: String,
    ips: IpTranslation,
    local_slices: Store<EndpointSlice>,
}

/// Reflects the EndpointSlices of accepted namespaces with `workers` workers until dropped.
/// One cluster-wide watch of Services' slices (the virtual kubelet reads them everywhere),
/// filtered by the mappings at reconcile time.
pub async fn run(
    local: Client,
    remote: Remote,
    mappings: watch::Receiver<Mappings>,
    (node, ips): (String, IpTranslation),
    workers: usize,
) {
    let queue = Queue::default();
    let (local_slices, writer) = reflector::store();
    let api = Api::<EndpointSlice>::all(local);
    let feed = feed(api, writer, queue.clone());
    let reflector = Arc::new(SliceReflector {
        remote,
        mappings: mappings.clone(),
        node,
        ips,
        local_slices: local_slices.clone(),
    });
    let work = queue.run(workers, move |key| {
        let r = reflector.clone();
        async move { r.reconcile(&key).await }
    });
    // A namespace accepted (or left) has its slices queued; the resync is a safety net.
    let follow = async {
        if local_slices.wait_until_ready().await.is_err() {
            return;
        }
        let mut mappings = mappings.clone();
        let mut tick = tokio::time::interval(RESYNC);
        loop {
            queue_all(&queue, &local_slices);
            tokio::select! {
                changed = mappings.changed() => if changed.is_err() { return },
                _ = tick.tick() => {}
            }
        }
    };
    tokio::join!(feed, work, follow);
}

fn queue_all(queue: &Queue, slices: &Store<EndpointSlice>) {
    for s in slices.state() {
        queue.add(Key::new(s.namespace().unwrap_or_default(), s.name_any()));
    }
}

impl SliceReflector {
    /// Brings the twin's ShadowEndpointSlice of `key` in step with the local slice.
    async fn reconcile(&self, key: &Key) -> Result<(), String> {
        // Unmapped: its twin, and whatever is in it, goes with the provider's namespace.
        let Some(remote_ns) = self.mappings.borrow().get(&key.ns).cloned() else {
            return Ok(());
        };
        let local = self
            .local_slices
            .get(&ObjectRef::new(&key.name).within(&key.ns));
        let client = self.remote.client();
        let api: Api<ShadowEndpointSlice> = Api::namespaced(client.clone(), &remote_ns);
        let existing = api
            .get_opt(&key.name)
            .await
            .map_err(|e| fail("read", &remote_ns, key, &e))?;
        let Some(slice) = local.filter(|s| s.meta().deletion_timestamp.is_none()) else {
            if existing.as_ref().is_some_and(is_reflection) {
                match api.delete(&key.name, &DeleteParams::default()).await {
                    Ok(_) => {}
                    Err(kube::Error::Api(s)) if s.code == 404 => {}
                    Err(e) => return Err(fail("delete", &remote_ns, key, &e)),
                }
            }
            return Ok(());
        };
        if existing.as_ref().is_some_and(|o| !is_reflection(o)) {
            tracing::warn!(key = %key, remote = %remote_ns,
                "EndpointSlice not reflected: the provider has a ShadowEndpointSlice of that name not made by reflection");
            return Ok(());
        }
        // Endpoints for a provider Service someone else made would hijack it.
        if let Some(service) = slice.labels().get(SERVICE_NAME) {
            let theirs = Api::<Service>::namespaced(client.clone(), &remote_ns)
                .get_opt(service)
                .await
                .map_err(|e| fail("read the Service of", &remote_ns, key, &e))?
                .is_some_and(|s| !is_reflection(&s));
            if theirs {
                tracing::warn!(key = %key, remote = %remote_ns, service,
                    "EndpointSlice not reflected: the provider's Service of that name is not a reflection");
                return Ok(());
            }
        }
        let shadow = render(&slice, &remote_ns, &self.node, &self.ips);
        liqo_kube::reconcile::apply(&client, &shadow, field_manager::VIRTUAL_KUBELET)
            .await
            .map(|_| ())
            .map_err(|e| super::render(&e))
    }
}

fn fail(verb: &str, remote_ns: &str, key: &Key, e: &kube::Error) -> String {
    format!(
        "failed to {verb} the ShadowEndpointSlice of {key} in {remote_ns}: {}",
        liqo_kube::api_error::render(e)
    )
}

/// Caches the local slices that belong to a Service and queues each change.
async fn feed(
    api: Api<EndpointSlice>,
    writer: reflector::store::Writer<EndpointSlice>,
    queue: Queue,
) {
    let config = watcher::Config::default().labels(SERVICE_NAME);
    let stream = reflector::reflector(writer, watcher::watcher(api, config).default_backoff());
    let mut stream = std::pin::pin!(stream);
    let mut relist = super::relist::Relist::default();
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => {
                let key_of = |s: &EndpointSlice| {
                    Some(Key::new(s.namespace().unwrap_or_default(), s.name_any()))
                };
                relist
                    .keys(&event, key_of)
                    .into_iter()
                    .for_each(|k| queue.add(k));
            }
            Err(e) => tracing::debug!(error = %e, "local EndpointSlice watch error, retrying"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slice() -> EndpointSlice {
        serde_json::from_value(json!({
            "metadata": {"name": "web-abc", "namespace": "demo", "uid": "u",
                "labels": {SERVICE_NAME: "web",
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "web",
                    "uid": "s", "controller": true}]},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [
                {"addresses": ["10.71.0.5"], "nodeName": "liqo-p", "zone": "z",
                    "conditions": {"ready": true, "serving": true, "terminating": false},
                    "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "demo"}},
                {"addresses": ["10.243.0.9"], "nodeName": "worker",
                    "conditions": {"ready": false}, "hostname": "h"},
            ],
        }))
        .unwrap()
    }

    #[test]
    fn offloaded_endpoints_are_translated_back_and_local_ones_kept() {
        let ips = IpTranslation::new(&["10.244.0.0/16".into()], &["10.71.0.0/16".into()]);
        let shadow = render(&slice(), "demo-c", "liqo-p", &ips);
        assert_eq!(shadow.name_any(), "web-abc");
        assert_eq!(shadow.namespace().as_deref(), Some("demo-c"));
        let t = shadow.spec.template.unwrap();
        assert_eq!(t.address_type.as_deref(), Some("IPv4"));
        assert_eq!(t.ports.unwrap()[0].port, Some(8080));
        let eps = t.endpoints.unwrap();
        assert_eq!(eps[0].addresses, ["10.244.0.5"]);
        assert_eq!(eps[1].addresses, ["10.243.0.9"]);
        assert_eq!(eps[0].conditions.as_ref().unwrap().ready, Some(true));
        assert_eq!(eps[1].conditions.as_ref().unwrap().ready, Some(false));
        assert_eq!(eps[1].hostname.as_deref(), Some("h"));
        for e in &eps {
            assert_eq!(e.node_name, None);
            assert_eq!(e.target_ref, None);
            assert_eq!(e.zone, None);
        }
    }

    #[test]
    fn only_the_service_name_and_the_mark_are_labels() {
        let shadow = render(&slice(), "demo-c", "liqo-p", &IpTranslation::default());
        let labels = shadow.labels();
        assert_eq!(labels.len(), 2, "{labels:?}");
        assert_eq!(labels[SERVICE_NAME], "web");
        assert!(is_reflection(&shadow));
        assert!(shadow.owner_references().is_empty());
        assert_eq!(shadow.metadata.uid, None);
    }
}
