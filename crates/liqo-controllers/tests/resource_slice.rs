//! The ResourceSlice controllers on two real installed clusters, authenticated: the consumer
//! completes a slice (IDs, CSR), the provider authenticates it, grants resources by the
//! Tenant's state and creates its Quota; the consumer turns the answer into an Identity whose
//! kubeconfig works on the provider and is confined. The replication between the two is done
//! by hand here (as the CRD replicator would), so the provider side is tested on its own terms.
//! One pair of clusters, the scenarios in sequence.

#[path = "common/events.rs"]
mod events;
#[path = "common/install.rs"]
mod install;
#[path = "common/slices.rs"]
mod slices;

use std::collections::BTreeMap;

use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{
    Identity, ResourceSlice, ResourceSliceConditionStatus as Status,
    ResourceSliceConditionType as Type, Tenant,
};
use liqo_api::consts::condition::resource_slice as reason;
use liqo_api::offloading::{LimitsEnforcement, Quota};
use liqo_kube::auth::csr::resource_slice_subject;
use liqo_kube::auth::resource_slice::render_csr;
use liqo_kube::auth::steps;
use liqo_testenv::Env;
use serde_json::{Value, json};
use slices::{WAIT, apply_json, copy_status_back, until};

const CONSUMER: &str = "rs-consumer";
const PROVIDER: &str = "rs-provider";

struct Pair {
    consumer: Client,
    provider: Client,
    /// `<TNc>`, `<TNp>`.
    tnc: String,
    tnp: String,
}

impl Pair {
    fn origins(&self) -> Api<ResourceSlice> {
        Api::namespaced(self.consumer.clone(), &self.tnc)
    }

    fn replicas(&self) -> Api<ResourceSlice> {
        Api::namespaced(self.provider.clone(), &self.tnp)
    }

    /// A local slice in `<TNc>` requesting `resources` (with `csr` preset, if given); waits
    /// for the local controller to complete it, then replicates it by hand into `<TNp>`.
    /// The local slice `name` as the user writes it (labels of offloading.md §1 #2).
    fn origin(&self, name: &str, spec: Value) -> Value {
        json!({
            "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
            "metadata": {"name": name, "namespace": self.tnc, "labels": {
                "liqo.io/replication": "true", "liqo.io/remoteID": PROVIDER,
                "liqo.io/remote-cluster-id": PROVIDER,
            }},
            "spec": spec,
        })
    }

    async fn slice(&self, name: &str, resources: Value, csr: Option<&str>) -> ResourceSlice {
        let mut spec = json!({"class": "default", "resources": resources});
        if let Some(csr) = csr {
            spec["csr"] = json!(b64(csr));
            spec["consumerClusterID"] = json!(CONSUMER);
            spec["providerClusterID"] = json!(PROVIDER);
        }
        apply_json(&self.origins(), name, self.origin(name, spec)).await;
        let origin = until(
            &self.origins(),
            name,
            "the local controller to complete the slice",
            |s: &ResourceSlice| {
                s.spec.csr.is_some()
                    && s.spec.consumer_cluster_id.is_some()
                    && s.spec.provider_cluster_id.is_some()
            },
        )
        .await;
        self.replicate(&origin).await;
        origin
    }

    /// Writes the provider's replica of `origin` (labels of offloading.md §1 #3, spec copied).
    async fn replicate(&self, origin: &ResourceSlice) {
        let name = origin.name_any();
        let replica = json!({
            "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
            "metadata": {"name": name, "namespace": self.tnp, "labels": {
                "liqo.io/replication": "false", "liqo.io/replicated": "true",
                "liqo.io/originID": CONSUMER, "liqo.io/remote-cluster-id": CONSUMER,
                "liqo.io/remoteID": PROVIDER,
            }},
            "spec": origin.spec,
        });
        apply_json(&self.replicas(), &name, replica).await;
    }

    async fn answered(
        &self,
        name: &str,
        what: &str,
        done: impl Fn(&ResourceSlice) -> bool,
    ) -> ResourceSlice {
        until(&self.replicas(), name, what, done).await
    }

    async fn set_tenant_condition(&self, condition: &str) {
        let patch = json!({"spec": {"tenantCondition": condition}});
        Api::<Tenant>::namespaced(self.provider.clone(), &self.tnp)
            .patch(CONSUMER, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap_or_else(|e| panic!("set the Tenant {condition}: {e}"));
    }
}

fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn status_of(s: &ResourceSlice, type_: Type) -> Option<Status> {
    s.condition_status(type_)
}

fn quantities(s: &ResourceSlice) -> BTreeMap<String, String> {
    s.status
        .as_ref()
        .and_then(|st| st.resources.as_ref())
        .map(|r| r.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect())
        .unwrap_or_default()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Both clusters installed (in parallel) and authenticated.
fn start() -> (Env, Env) {
    std::thread::scope(|s| {
        let c = s.spawn(|| install::start_installed("rs-c", CONSUMER));
        let p = s.spawn(|| install::start_installed("rs-p", PROVIDER));
        (
            c.join().expect("consumer starts"),
            p.join().expect("provider starts"),
        )
    })
}

#[tokio::test]
async fn slices_are_authenticated_granted_and_confined() {
    let (c_env, p_env) = tokio::task::spawn_blocking(start).await.unwrap();
    let consumer = c_env.cluster("rs-c").client();
    let provider = p_env.cluster("rs-p").client();
    let (tnc, tnp) =
        slices::authenticate(&consumer, &provider, CONSUMER, PROVIDER, install::LIQO).await;
    let pair = Pair {
        consumer,
        provider,
        tnc,
        tnp,
    };
    let keys = steps::read_private_key(&pair.consumer, install::LIQO)
        .await
        .unwrap();

    // The consumer completes the slice: IDs, and the CSR byte-identical to upstream's.
    let origin = pair
        .slice("slice-a", json!({"cpu": "2", "nvidia.com/gpu": "1"}), None)
        .await;
    assert_eq!(origin.spec.consumer_cluster_id.as_deref(), Some(CONSUMER));
    assert_eq!(origin.spec.provider_cluster_id.as_deref(), Some(PROVIDER));
    let expected_csr = render_csr("slice-a", CONSUMER, &keys.private_pem).unwrap();
    assert_eq!(origin.spec.csr.as_ref().unwrap().0, expected_csr.as_bytes());

    // The provider authenticates and grants: defaults merged with the request.
    let replica = pair
        .answered("slice-a", "slice-a to be accepted", |s| {
            status_of(s, Type::Authentication) == Some(Status::Accepted)
                && status_of(s, Type::Resources) == Some(Status::Accepted)
        })
        .await;
    let granted = map(&[
        ("cpu", "2"),
        ("memory", "8Gi"),
        ("pods", "110"),
        ("ephemeral-storage", "20Gi"),
        ("nvidia.com/gpu", "1"),
    ]);
    assert_eq!(quantities(&replica), granted);
    let auth = replica.condition(Type::Authentication).unwrap();
    assert_eq!(
        auth.reason.as_deref(),
        Some(reason::REASON_AUTHENTICATION_ACCEPTED)
    );
    assert_eq!(
        auth.message.as_deref(),
        Some(reason::MESSAGE_AUTHENTICATION_ACCEPTED)
    );
    let params = replica
        .status
        .as_ref()
        .unwrap()
        .auth_params
        .clone()
        .unwrap();
    assert_eq!(
        params.api_server.as_deref(),
        Some(p_env.cluster("rs-p").server())
    );
    assert!(
        params
            .signed_crt
            .as_ref()
            .is_some_and(|c| c.0.starts_with(b"-----BEGIN CERTIFICATE-----"))
    );
    let cache = Api::<Secret>::namespaced(pair.provider.clone(), &pair.tnp)
        .get("liqo-remote-certificate-slice-a")
        .await
        .expect("the certificate cache Secret");
    assert_eq!(
        cache
            .labels()
            .get("liqo.io/remote-cluster-id")
            .map(String::as_str),
        Some(CONSUMER)
    );

    // The Quota of the slice's user.
    let cn = resource_slice_subject("slice-a", CONSUMER).common_name;
    let quotas: Api<Quota> = Api::namespaced(pair.provider.clone(), &pair.tnp);
    let quota = until(&quotas, &cn, "the Quota of slice-a", |_| true).await;
    assert_eq!(quota.spec.user, cn);
    assert_eq!(quota.spec.limits_enforcement, Some(LimitsEnforcement::None));
    let quota_resources: BTreeMap<String, String> = quota
        .spec
        .resources
        .iter()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect();
    assert_eq!(quota_resources, granted);
    assert_eq!(quota.spec.cordoned, None);
    assert_eq!(quota.owner_references()[0].uid, replica.uid().unwrap());

    // The consumer's Identity and its kubeconfig: it works on the provider, and only as the
    // slice's user in the consumer's group.
    copy_status_back(&pair.origins(), &replica).await;
    assert_identity_works_and_is_confined(&pair, &cn).await;

    // Upstream quirk 7: a request key removed is no longer granted (nor in the Quota); a
    // cordon annotation cordons the Quota.
    let fewer_spec = json!({"class": "default", "resources": {"cpu": "2"}});
    let origin = apply_json(
        &pair.origins(),
        "slice-a",
        pair.origin("slice-a", fewer_spec),
    )
    .await;
    pair.replicate(&origin).await;
    let fewer = pair
        .answered("slice-a", "nvidia.com/gpu to be no longer granted", |s| {
            !quantities(s).contains_key("nvidia.com/gpu")
        })
        .await;
    assert_eq!(quantities(&fewer).len(), 4, "{:?}", quantities(&fewer));
    let annotate = json!({"metadata": {"annotations": {"liqo.io/cordon": "true"}}});
    pair.replicas()
        .patch("slice-a", &PatchParams::default(), &Patch::Merge(&annotate))
        .await
        .unwrap();
    until(
        &quotas,
        &cn,
        "the Quota to follow the grant and the cordon",
        |q: &Quota| {
            !q.spec.resources.contains_key("nvidia.com/gpu") && q.spec.cordoned == Some(true)
        },
    )
    .await;

    // A CSR of another key on the accepted slice: Authentication Denied, the grant left as
    // it was (upstream quirk 6), and the consumer deletes the slice's Identity.
    let stranger = liqo_kube::install::generate_keys().unwrap();
    let bad = render_csr("slice-a", CONSUMER, &stranger.private_pem).unwrap();
    let bad_spec = json!({"class": "default", "resources": {"cpu": "2"}, "csr": b64(&bad)});
    let origin = apply_json(&pair.origins(), "slice-a", pair.origin("slice-a", bad_spec)).await;
    pair.replicate(&origin).await;
    let refused = pair
        .answered("slice-a", "slice-a's new CSR to be refused", |s| {
            status_of(s, Type::Authentication) == Some(Status::Denied)
        })
        .await;
    assert_eq!(
        refused.condition(Type::Resources),
        fewer.condition(Type::Resources)
    );
    assert_eq!(quantities(&refused), quantities(&fewer));
    copy_status_back(&pair.origins(), &refused).await;
    let identities: Api<Identity> = Api::namespaced(pair.consumer.clone(), &pair.tnc);
    let gone = |i: Option<&Identity>| i.is_none();
    liqo_kube::wait::object(
        identities,
        "resourceslice-slice-a",
        "the Identity to go",
        WAIT,
        gone,
        |i| format!("{i:?}"),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    events::await_event(
        &pair.consumer,
        &pair.tnc,
        &origin.uid().unwrap(),
        ("Normal", "IdentityDeleted"),
        1,
        WAIT,
    )
    .await
    .unwrap();

    // A CSR made with another key: Authentication Denied, and Resources not evaluated.
    assert_bad_csr_is_denied_without_resources(&pair).await;

    // A cordoned tenant: a new slice is authenticated but its resources denied; an accepted
    // slice keeps its grant untouched, and every replica of the consumer is annotated
    // cordon-tenant, which cordons its Quota (offloading.md §8.8). slice-a's own cordon goes
    // first, so only the tenant's cordon can cordon its Quota.
    let uncordon = json!({"metadata": {"annotations": {"liqo.io/cordon": null}}});
    pair.replicas()
        .patch("slice-a", &PatchParams::default(), &Patch::Merge(&uncordon))
        .await
        .unwrap();
    until(&quotas, &cn, "the Quota to be uncordoned", |q: &Quota| {
        q.spec.cordoned.is_none()
    })
    .await;
    pair.set_tenant_condition("Cordoned").await;
    pair.slice("slice-c", json!({"cpu": "1"}), None).await;
    let c = pair
        .answered("slice-c", "slice-c to be answered", |s| {
            status_of(s, Type::Resources).is_some()
        })
        .await;
    assert_eq!(status_of(&c, Type::Authentication), Some(Status::Accepted));
    let resources = c.condition(Type::Resources).unwrap();
    assert_eq!(
        (resources.status, resources.reason.as_deref()),
        (Status::Denied, Some(reason::REASON_RESOURCES_DENIED))
    );
    assert!(quantities(&c).is_empty());
    let a = pair.replicas().get("slice-a").await.unwrap();
    assert_eq!(
        a.condition(Type::Resources),
        fewer.condition(Type::Resources),
        "cordoning leaves accepted slices as they are"
    );
    assert_tenant_cordon(&pair, &quotas, &cn, true).await;
    pair.set_tenant_condition("Active").await;
    assert_tenant_cordon(&pair, &quotas, &cn, false).await;

    // A drained tenant: every slice is denied.
    pair.set_tenant_condition("Drained").await;
    pair.answered("slice-a", "slice-a to be denied once drained", |s| {
        status_of(s, Type::Resources) == Some(Status::Denied)
    })
    .await;

    assert_name_clash_gets_no_csr(&pair).await;
}

/// Both replicas (slice-a granted, slice-c created while cordoned) carry the tenant's cordon
/// annotation, and slice-a's Quota is cordoned, exactly when `cordoned`.
async fn assert_tenant_cordon(pair: &Pair, quotas: &Api<Quota>, cn: &str, cordoned: bool) {
    let expected = cordoned.then_some("true");
    for name in ["slice-a", "slice-c"] {
        let what = format!("{name} to have liqo.io/cordon-tenant={expected:?}");
        pair.answered(name, &what, |s| {
            s.annotations()
                .get("liqo.io/cordon-tenant")
                .map(String::as_str)
                == expected
        })
        .await;
    }
    let what = format!("the Quota of slice-a to be cordoned={cordoned}");
    until(quotas, cn, &what, |q: &Quota| {
        q.spec.cordoned == cordoned.then_some(true)
    })
    .await;
}

async fn assert_identity_works_and_is_confined(pair: &Pair, cn: &str) {
    let identities: Api<Identity> = Api::namespaced(pair.consumer.clone(), &pair.tnc);
    let identity = until(
        &identities,
        "resourceslice-slice-a",
        "the slice's Identity and its kubeconfig",
        |i: &Identity| {
            i.status
                .as_ref()
                .and_then(|s| s.kubeconfig_secret_ref.as_ref())
                .is_some()
        },
    )
    .await;
    assert_eq!(
        identity
            .labels()
            .get("liqo.io/resourceslice-name")
            .map(String::as_str),
        Some("slice-a")
    );
    assert_eq!(
        identity
            .labels()
            .get("liqo.io/remote-cluster-id")
            .map(String::as_str),
        Some(PROVIDER)
    );
    let secret_name = identity.status.unwrap().kubeconfig_secret_ref.unwrap().name;
    assert_eq!(secret_name, "kubeconfig-resourceslice-slice-a");
    let secret = Api::<Secret>::namespaced(pair.consumer.clone(), &pair.tnc)
        .get(&secret_name)
        .await
        .unwrap();
    assert_eq!(
        secret
            .labels()
            .get("liqo.io/identity-type")
            .map(String::as_str),
        Some("ResourceSlice")
    );
    assert_eq!(
        secret
            .labels()
            .get("liqo.io/remote-cluster-id")
            .map(String::as_str),
        Some(PROVIDER)
    );
    let kubeconfig = String::from_utf8(secret.data.unwrap()["kubeconfig"].0.clone()).unwrap();
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    let slice_client = Client::try_from(config).unwrap();

    let review = Api::<SelfSubjectReview>::all(slice_client.clone())
        .create(&PostParams::default(), &SelfSubjectReview::default())
        .await
        .expect("the slice kubeconfig authenticates on the provider");
    let user = review.status.unwrap().user_info.unwrap();
    assert_eq!(user.username.as_deref(), Some(cn));
    assert!(
        user.groups
            .unwrap_or_default()
            .iter()
            .any(|g| g == CONSUMER)
    );

    // What the provider grants the slice user (authentication.md §8): the cluster-wide
    // metrics role through the consumer's group; nothing in the Liqo or tenant namespace.
    let can = |ns: Option<&str>, group: &str, resource: &str, verb: &str| {
        let client = slice_client.clone();
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        let attributes = ResourceAttributes {
            namespace: ns.map(Into::into),
            group: Some(group.into()),
            resource: Some(resource.into()),
            subresource: Some(subresource.into()).filter(|s: &String| !s.is_empty()),
            verb: Some(verb.into()),
            ..Default::default()
        };
        async move {
            let review = SelfSubjectAccessReview {
                spec: SelfSubjectAccessReviewSpec {
                    resource_attributes: Some(attributes),
                    ..Default::default()
                },
                ..Default::default()
            };
            Api::<SelfSubjectAccessReview>::all(client)
                .create(&PostParams::default(), &review)
                .await
                .unwrap()
                .status
                .unwrap()
                .allowed
        }
    };
    assert!(can(None, "metrics.liqo.io", "scrape/metrics", "get").await);
    assert!(!can(Some(install::LIQO), "", "secrets", "list").await);
    assert!(!can(Some(&pair.tnp), "", "secrets", "list").await);
    assert!(
        !can(
            Some(&pair.tnp),
            "authentication.liqo.io",
            "resourceslices",
            "get"
        )
        .await
    );
    assert!(!can(None, "", "namespaces", "list").await);
    let denied = Api::<Secret>::namespaced(slice_client.clone(), install::LIQO)
        .list(&ListParams::default())
        .await;
    assert!(
        matches!(denied, Err(kube::Error::Api(ref e)) if e.code == 403),
        "{denied:?}"
    );
    let denied = Api::<Namespace>::all(slice_client)
        .list(&ListParams::default())
        .await;
    assert!(
        matches!(denied, Err(kube::Error::Api(ref e)) if e.code == 403),
        "{denied:?}"
    );
}

async fn assert_bad_csr_is_denied_without_resources(pair: &Pair) {
    let stranger = liqo_kube::install::generate_keys().unwrap();
    let bad = render_csr("slice-bad", CONSUMER, &stranger.private_pem).unwrap();
    pair.slice("slice-bad", json!({"cpu": "1"}), Some(&bad))
        .await;
    let denied = pair
        .answered("slice-bad", "slice-bad to be denied", |s| {
            status_of(s, Type::Authentication) == Some(Status::Denied)
        })
        .await;
    let auth = denied.condition(Type::Authentication).unwrap();
    assert_eq!(
        auth.reason.as_deref(),
        Some(reason::REASON_AUTHENTICATION_DENIED)
    );
    // Upstream quirk 6: upstream would go on and grant resources.
    assert_eq!(status_of(&denied, Type::Resources), None);
    assert!(quantities(&denied).is_empty());
    assert!(denied.status.as_ref().unwrap().auth_params.is_none());
    let note = events::await_event(
        &pair.provider,
        &pair.tnp,
        &denied.uid().unwrap(),
        ("Warning", "InvalidCSR"),
        1,
        WAIT,
    )
    .await
    .unwrap();
    assert!(note.contains("not the Tenant's public key"), "{note}");
    let quota = resource_slice_subject("slice-bad", CONSUMER).common_name;
    assert!(
        Api::<Quota>::namespaced(pair.provider.clone(), &pair.tnp)
            .get_opt(&quota)
            .await
            .unwrap()
            .is_none()
    );
}

/// A younger local slice named like one in another namespace gets its IDs but no CSR, until
/// the older one goes.
async fn assert_name_clash_gets_no_csr(pair: &Pair) {
    let ns = "clash";
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
    apply_json(&Api::<Namespace>::all(pair.consumer.clone()), ns, namespace).await;
    let api: Api<ResourceSlice> = Api::namespaced(pair.consumer.clone(), ns);
    let slice = json!({
        "apiVersion": "authentication.liqo.io/v1beta1", "kind": "ResourceSlice",
        "metadata": {"name": "slice-a", "namespace": ns, "labels": {
            "liqo.io/replication": "true", "liqo.io/remoteID": PROVIDER,
            "liqo.io/remote-cluster-id": PROVIDER,
        }},
        "spec": {"class": "default"},
    });
    let created = apply_json(&api, "slice-a", slice).await;
    let note = events::await_event(
        &pair.consumer,
        ns,
        &created.uid().unwrap(),
        ("Warning", "NameClash"),
        1,
        WAIT,
    )
    .await
    .unwrap();
    assert!(note.contains(&format!("{}/slice-a", pair.tnc)), "{note}");
    let completed = until(
        &api,
        "slice-a",
        "the IDs of the clashing slice",
        |s: &ResourceSlice| s.spec.consumer_cluster_id.is_some(),
    )
    .await;
    assert!(completed.spec.csr.is_none(), "a clashing slice gets no CSR");
    // Once the older slice is gone the name is free: the younger one gets its CSR.
    pair.origins()
        .delete("slice-a", &Default::default())
        .await
        .unwrap();
    until(
        &api,
        "slice-a",
        "the CSR once the older slice is gone",
        |s: &ResourceSlice| s.spec.csr.is_some(),
    )
    .await;
}
