//! The provider's tenant controller, as installed by `liqoctl install`: a Tenant signed with the
//! consumer's key over the provider's nonce gets a working, least-privilege certificate; a
//! forged one is refused with an Event; deletion removes the cluster-wide binding.

mod common;

use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, stderr};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::Tenant;
use liqo_kube::auth::tenant;
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

static ENV: LazyLock<Env> = LazyLock::new(|| {
    let env = Env::builder()
        .cluster("provider")
        .start_blocking()
        .expect("cluster starts");
    let out = liqoctl(&[
        &kubeconfig(env.cluster("provider").kubeconfig()),
        "install",
        "--cluster-id=provider-id",
    ]);
    assert!(out.status.success(), "install failed: {}", stderr(&out));
    env
});

/// What the CLI does on the provider: a tenant namespace and a nonce for `consumer`.
async fn nonce_for(client: &Client, consumer: &str) -> (String, Vec<u8>) {
    let ns = liqo_kube::tenant_namespace::ensure(client, consumer, "test")
        .await
        .unwrap()
        .name_any();
    let secret: Secret = serde_json::from_value(json!({"metadata": {"name": "liqo-nonce",
        "labels": {"liqo.io/nonce": "true", "liqo.io/remote-cluster-id": consumer}}}))
    .unwrap();
    let api: Api<Secret> = Api::namespaced(client.clone(), &ns);
    api.create(&PostParams::default(), &secret).await.unwrap();
    let filled = |s: Option<&Secret>| s.and_then(|s| s.data.as_ref()?.get("nonce")).is_some();
    let secret = tokio::time::timeout(WAIT, await_condition(api, "liqo-nonce", filled))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    (ns, secret.data.unwrap()["nonce"].0.clone())
}

/// The Tenant a consumer with `key` builds after signing `nonce`.
fn render_tenant(
    consumer: &str,
    ns: &str,
    key: &str,
    nonce: &[u8],
    proxy: Option<&str>,
) -> Result<Tenant, tenant::HandshakeError> {
    let signature = liqo_kube::crypto::sign(key, nonce).unwrap();
    let keys = liqo_kube::crypto::ClusterKeys {
        private_pem: key.into(),
        public_pem: None,
    };
    tenant::render_tenant(consumer, ns, &keys, &signature, proxy)
}

fn consumer_key() -> String {
    rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
        .unwrap()
        .serialize_pem()
}

async fn apply_tenant(client: &Client, tenant: &Tenant) -> Api<Tenant> {
    let api: Api<Tenant> = Api::namespaced(client.clone(), &tenant.namespace().unwrap());
    api.patch(
        &tenant.name_any(),
        &PatchParams::apply("test"),
        &Patch::Apply(tenant),
    )
    .await
    .unwrap();
    api
}

/// A client acting with the consumer's certificate and key.
async fn as_consumer(tenant: &Tenant, key: &str) -> Client {
    use base64::Engine;
    let params = tenant.status.clone().unwrap().auth_params.unwrap();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: p\n  cluster:\n    server: {}\n    certificate-authority-data: {}\nusers:\n- name: c\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\ncontexts:\n- name: x\n  context: {{cluster: p, user: c}}\ncurrent-context: x\n",
        params.api_server.unwrap(),
        b64(&params.ca.unwrap().0),
        b64(&params.signed_crt.unwrap().0),
        b64(key.as_bytes())
    );
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    Client::try_from(config).unwrap()
}

#[tokio::test]
async fn a_signed_tenant_gets_a_least_privilege_certificate_and_deletion_unbinds_it() {
    let provider = ENV.cluster("provider").client();
    let (ns, nonce) = nonce_for(&provider, "consumer-good").await;
    let key = consumer_key();
    let tenant = render_tenant("consumer-good", &ns, &key, &nonce, None).unwrap();
    let api = apply_tenant(&provider, &tenant).await;
    let issued = |t: Option<&Tenant>| {
        t.and_then(|t| t.status.as_ref()?.auth_params.as_ref()?.signed_crt.as_ref())
            .is_some()
    };
    let tenant = tokio::time::timeout(WAIT, await_condition(api.clone(), "consumer-good", issued))
        .await
        .expect("the tenant controller issues a certificate")
        .unwrap()
        .unwrap();
    assert_eq!(
        tenant.status.as_ref().unwrap().tenant_namespace.as_deref(),
        Some(ns.as_str())
    );
    assert!(
        tenant
            .finalizers()
            .contains(&"tenant.liqo.io/finalizer".to_string())
    );

    let consumer = as_consumer(&tenant, &key).await;
    let review: SelfSubjectReview = serde_json::from_value(json!({})).unwrap();
    let me = Api::<SelfSubjectReview>::all(consumer.clone())
        .create(&PostParams::default(), &review)
        .await
        .unwrap();
    let user = me.status.unwrap().user_info.unwrap();
    assert_eq!(user.username.as_deref(), Some("consumer-good"));
    assert!(user.groups.unwrap().contains(&"liqo.io".to_string()));
    assert!(
        common::can(
            &consumer,
            "create",
            "authentication.liqo.io",
            "resourceslices",
            &ns
        )
        .await
    );
    assert!(
        common::can(
            &consumer,
            "watch",
            "offloading.liqo.io",
            "namespacemaps",
            &ns
        )
        .await
    );
    assert!(
        !common::can(&consumer, "get", "", "secrets", &ns).await,
        "no Secrets in its tenant namespace"
    );
    assert!(
        !common::can(
            &consumer,
            "create",
            "authentication.liqo.io",
            "resourceslices",
            "liqo"
        )
        .await
    );
    assert!(
        !common::can(
            &consumer,
            "list",
            "authentication.liqo.io",
            "resourceslices",
            ""
        )
        .await,
        "nothing cluster-wide"
    );

    // Re-applying the same Tenant is a no-op (no reconcile at all), so force one: clear the
    // status' auth params. The controller must fill them again from the cache: the same
    // certificate, and no new CSR.
    let csrs: Api<CertificateSigningRequest> = Api::all(provider.clone());
    let csr_count = csrs.list(&ListParams::default()).await.unwrap().items.len();
    let cleared = json!({"status": {"authParams": null}});
    let patched = api
        .patch_status(
            "consumer-good",
            &PatchParams::default(),
            &Patch::Merge(&cleared),
        )
        .await
        .unwrap();
    assert!(
        patched.status.and_then(|s| s.auth_params).is_none(),
        "the status was cleared"
    );
    // The watch starts after the clear: what it sees filled, the controller filled again.
    let same = tokio::time::timeout(WAIT, await_condition(api.clone(), "consumer-good", issued))
        .await
        .expect("the tenant controller fills the auth params again")
        .unwrap()
        .unwrap();
    assert_eq!(
        same.status
            .as_ref()
            .unwrap()
            .auth_params
            .as_ref()
            .unwrap()
            .signed_crt,
        tenant.status.unwrap().auth_params.unwrap().signed_crt,
        "the cached certificate"
    );
    assert_eq!(
        csrs.list(&ListParams::default()).await.unwrap().items.len(),
        csr_count,
        "no new CSR for a cached certificate"
    );

    let bindings: Api<ClusterRoleBinding> = Api::all(provider.clone());
    let crb = "liqo-binding-liqo-virtual-kubelet-remote-clusterwide-consumer-good";
    assert!(bindings.get_opt(crb).await.unwrap().is_some());
    api.delete("consumer-good", &Default::default())
        .await
        .unwrap();
    let uid = same.metadata.uid.unwrap();
    tokio::time::timeout(
        WAIT,
        await_condition(api, "consumer-good", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        bindings.get_opt(crb).await.unwrap().is_none(),
        "the cluster-wide binding goes with the Tenant"
    );
}

/// Waits for an Event with `reason` in `namespace` and returns its note.
async fn await_event(client: &Client, namespace: &str, reason: &str) -> String {
    let events: Api<Event> = Api::namespaced(client.clone(), namespace);
    let mut stream = watcher::watcher(events, watcher::Config::default())
        .applied_objects()
        .boxed();
    let found = async {
        while let Some(event) = stream.try_next().await.unwrap() {
            if event.reason.as_deref() == Some(reason) {
                return event.note.unwrap_or_default();
            }
        }
        panic!("event watch ended");
    };
    tokio::time::timeout(WAIT, found)
        .await
        .unwrap_or_else(|_| panic!("no {reason} event in {namespace}"))
}

#[tokio::test]
async fn a_tenant_signed_over_another_clusters_nonce_is_refused_with_an_event() {
    let provider = ENV.cluster("provider").client();
    let (ns, _) = nonce_for(&provider, "consumer-replay").await;
    let (_, other_nonce) = nonce_for(&provider, "consumer-other").await;
    let replayed =
        render_tenant("consumer-replay", &ns, &consumer_key(), &other_nonce, None).unwrap();
    let api = apply_tenant(&provider, &replayed).await;
    let note = await_event(&provider, &ns, "SignatureVerificationFailed").await;
    assert!(
        note.contains("signature verification failed for Tenant \"consumer-replay\""),
        "{note}"
    );
    let tenant = api.get("consumer-replay").await.unwrap();
    assert!(
        tenant.status.and_then(|s| s.auth_params).is_none(),
        "no certificate for a refused Tenant"
    );
}

#[tokio::test]
async fn a_tenant_whose_signature_is_not_from_its_key_is_refused_with_an_event() {
    let provider = ENV.cluster("provider").client();
    let (ns, nonce) = nonce_for(&provider, "consumer-forged").await;
    let mut forged = render_tenant("consumer-forged", &ns, &consumer_key(), &nonce, None).unwrap();
    let thief = consumer_key();
    forged.spec.signature = Some(k8s_openapi::ByteString(
        liqo_kube::crypto::sign(&thief, &nonce).unwrap(),
    ));
    let api = apply_tenant(&provider, &forged).await;
    await_event(&provider, &ns, "SignatureVerificationFailed").await;
    let tenant = api.get("consumer-forged").await.unwrap();
    assert!(tenant.status.and_then(|s| s.auth_params).is_none());
}

/// A CSR that does not name the consumer is refused with `InvalidCSR` (upstream's reason), the
/// status stays empty, and the CLI's wait for the status says why when it gives up.
#[tokio::test]
async fn a_tenant_with_an_invalid_csr_is_refused_with_an_event_the_cli_wait_shows() {
    let provider = ENV.cluster("provider").client();
    let (ns, nonce) = nonce_for(&provider, "consumer-badcsr").await;
    let key = consumer_key();
    let mut bad = render_tenant("consumer-badcsr", &ns, &key, &nonce, None).unwrap();
    let other_cn = tenant::render_controlplane_csr("someone-else", &key).unwrap();
    bad.spec.csr = Some(k8s_openapi::ByteString(other_cn.into_bytes()));
    let api = apply_tenant(&provider, &bad).await;
    let note = await_event(&provider, &ns, "InvalidCSR").await;
    assert!(
        note.contains("common name is not the consumer cluster ID \"consumer-badcsr\""),
        "{note}"
    );
    let err = liqo_kube::auth::steps::await_tenant_status(
        &provider,
        &ns,
        "consumer-badcsr",
        Duration::from_secs(3),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("last state: status empty")
            && err.contains("last Event: Warning InvalidCSR: invalid CSR: common name is not the consumer cluster ID"),
        "{err}"
    );
    let tenant = api.get("consumer-badcsr").await.unwrap();
    assert!(tenant.status.and_then(|s| s.auth_params).is_none());
}
