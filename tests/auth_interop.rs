//! Authentication next to upstream Liqo's CLI and keys: a Tenant last written by another
//! client (upstream's create-or-update, an older CSR encoding) is taken over and its cached
//! certificate re-issued; a certificate that cannot be issued is named by a Warning Event the
//! CLI's timeout shows; a consumer with an RSA cluster key authenticates.

mod common;
#[path = "common/installs.rs"]
mod installs;

use std::sync::LazyLock;
use std::time::Duration;

use common::{kubeconfig, liqoctl, remote_kubeconfig, stderr};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::ByteString;
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::Tenant;
use liqo_kube::auth::tenant::{render_controlplane_csr, status_certifies_spec_key};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);
/// Upstream's liqoctl writes the Tenant with controller-runtime's create-or-update and no
/// explicit field manager: the API server names the manager after the User-Agent's program.
const UPSTREAM_MANAGER: &str = "liqoctl";

/// A consumer and a provider installed as usual, and a consumer installed with an RSA key.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    let env = Env::builder()
        .cluster("ai-consumer")
        .cluster("ai-provider")
        .cluster("ai-rsa")
        .start_blocking()
        .expect("test clusters start");
    // All three at once (an install mostly waits for its cluster's pods).
    let installs = [
        ("ai-consumer", None),
        ("ai-provider", None),
        ("ai-rsa", Some("--tls-compatibility-mode")),
    ]
    .into_iter()
    .map(|(cluster, extra)| {
        let mut flags = vec![format!("--cluster-id={cluster}-id")];
        flags.extend(extra.map(String::from));
        (cluster, flags)
    })
    .collect();
    installs::install_all(&env, installs);
    env
});

fn authenticate(consumer: &str, provider: &str, extra: &[&str]) -> std::process::Output {
    let (c, p) = (
        kubeconfig(ENV.cluster(consumer).kubeconfig()),
        remote_kubeconfig(ENV.cluster(provider).kubeconfig()),
    );
    let mut args = vec![c.as_str(), "authenticate", p.as_str()];
    args.extend(extra);
    liqoctl(&args)
}

/// `data.<key>` of `secret`.
fn data(secret: Option<&Secret>, key: &str) -> Option<Vec<u8>> {
    Some(secret?.data.as_ref()?.get(key)?.0.clone())
}

/// The consumer's private key, as `authentication-keys` holds it.
async fn cluster_key(client: &Client, key: &str) -> String {
    let secret = Api::<Secret>::namespaced(client.clone(), "liqo")
        .get("authentication-keys")
        .await
        .unwrap();
    String::from_utf8(data(Some(&secret), key).unwrap()).unwrap()
}

/// Waits until the certificate cache of `consumer` in `namespace` holds `csr`.
async fn await_cache_of(client: &Client, namespace: &str, csr: &[u8]) -> Secret {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let holds = |s: Option<&Secret>| data(s, "csr").as_deref() == Some(csr);
    tokio::time::timeout(WAIT, await_condition(api, "liqo-remote-certificate", holds))
        .await
        .expect("the tenant controller caches a certificate for the Tenant's CSR")
        .unwrap()
        .unwrap()
}

async fn csr_count(client: &Client) -> usize {
    Api::<CertificateSigningRequest>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .len()
}

/// The CSR this project's releases sent before they matched Go's bytes: rcgen's subject
/// order (CN first) and UTF8String.
fn older_csr(consumer: &str, key_pem: &str) -> String {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "liqo.io");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, consumer);
    params
        .serialize_request(&rcgen::KeyPair::from_pem(key_pem).unwrap())
        .unwrap()
        .pem()
        .unwrap()
}

/// Waits for an Event with `reason` about `name` in `namespace`; returns its note.
async fn await_event(client: &Client, namespace: &str, name: &str, reason: &str) -> String {
    let events: Api<Event> = Api::namespaced(client.clone(), namespace);
    let mut stream = watcher::watcher(events, watcher::Config::default())
        .applied_objects()
        .boxed();
    let found = async {
        while let Some(event) = stream.try_next().await.unwrap() {
            let about = event.regarding.as_ref().and_then(|r| r.name.as_deref());
            if event.reason.as_deref() == Some(reason) && about == Some(name) {
                return event.note.unwrap_or_default();
            }
        }
        panic!("the event watch ended");
    };
    tokio::time::timeout(WAIT, found)
        .await
        .unwrap_or_else(|_| panic!("no {reason} Event about {name} in {namespace}"))
}

#[tokio::test]
async fn a_tenant_rewritten_by_another_cli_is_taken_over_and_its_stale_certificate_reissued() {
    let consumer = ENV.cluster("ai-consumer").client();
    let provider = ENV.cluster("ai-provider").client();
    let out = authenticate("ai-consumer", "ai-provider", &[]);
    assert!(out.status.success(), "authenticate: {}", stderr(&out));
    let ns = "liqo-tenant-ai-consumer-id";
    let tenants: Api<Tenant> = Api::namespaced(provider.clone(), ns);
    let key = cluster_key(&consumer, "privateKey").await;
    let ours = render_controlplane_csr("ai-consumer-id", &key).unwrap();
    let cache = await_cache_of(&provider, ns, ours.as_bytes()).await;
    let first_cert = data(Some(&cache), "certificate").unwrap();

    // Another CLI rewrites the Tenant the way upstream's does (a whole-object update, manager
    // `liqoctl`), with the CSR bytes of this project's older releases. The controller checks
    // that CSR against the Tenant's key and re-issues instead of failing on the cache.
    let older = older_csr("ai-consumer-id", &key);
    assert_ne!(older, ours);
    let mut rewritten = tenants.get("ai-consumer-id").await.unwrap();
    rewritten.spec.csr = Some(ByteString(older.clone().into_bytes()));
    let params = PostParams {
        field_manager: Some(UPSTREAM_MANAGER.into()),
        ..Default::default()
    };
    tenants
        .replace("ai-consumer-id", &params, &rewritten)
        .await
        .unwrap();
    let cache = await_cache_of(&provider, ns, older.as_bytes()).await;
    assert_ne!(data(Some(&cache), "certificate").unwrap(), first_cert);
    await_event(&provider, ns, "ai-consumer-id", "CertificateReissued").await;
    let before = csr_count(&provider).await;

    // Without force, our field manager's apply now conflicts with that update: the 409 the
    // CLI used to stop on.
    let mut applied = rewritten.clone();
    applied.metadata = kube::api::ObjectMeta {
        name: applied.metadata.name,
        namespace: applied.metadata.namespace,
        labels: applied.metadata.labels,
        ..Default::default()
    };
    applied.status = None;
    applied.spec.csr = Some(ByteString(ours.clone().into_bytes()));
    let conflict = tenants
        .patch(
            "ai-consumer-id",
            &PatchParams::apply("liqoctl"),
            &Patch::Apply(&applied),
        )
        .await;
    assert!(
        matches!(conflict, Err(kube::Error::Api(ref e)) if e.code == 409),
        "an unforced apply conflicts: {conflict:?}"
    );

    // The CLI takes the Tenant over, and the controller re-issues for the CLI's CSR.
    let out = authenticate("ai-consumer", "ai-provider", &[]);
    assert!(out.status.success(), "re-authenticate: {}", stderr(&out));
    let tenant = tenants.get("ai-consumer-id").await.unwrap();
    assert_eq!(tenant.spec.csr.as_ref().unwrap().0, ours.as_bytes());
    let cache = await_cache_of(&provider, ns, ours.as_bytes()).await;
    let reissued = data(Some(&cache), "certificate").unwrap();
    assert_eq!(
        csr_count(&provider).await,
        before + 1,
        "one new certificate"
    );
    let settled = |t: Option<&Tenant>| {
        t.is_some_and(|t| {
            t.status
                .as_ref()
                .and_then(|s| s.auth_params.as_ref()?.signed_crt.as_ref())
                .is_some_and(|c| c.0 == reissued)
        })
    };
    let tenant = tokio::time::timeout(WAIT, await_condition(tenants, "ai-consumer-id", settled))
        .await
        .expect("the status carries the re-issued certificate")
        .unwrap()
        .unwrap();
    assert!(status_certifies_spec_key(&tenant));
    let ours_now = tenant
        .managed_fields()
        .iter()
        .find(|f| {
            f.manager.as_deref() == Some("liqoctl") && f.operation.as_deref() == Some("Apply")
        })
        .and_then(|f| f.fields_v1.as_ref())
        .map(|f| f.0.to_string())
        .unwrap_or_default();
    assert!(
        ours_now.contains("f:csr"),
        "the CLI owns spec.csr: {ours_now}"
    );
}

#[tokio::test]
async fn a_certificate_that_cannot_be_issued_is_named_by_the_event_the_cli_timeout_shows() {
    // ai-consumer provides to ai-provider here: its certificate cache for that consumer is an
    // immutable Secret of another CSR, so issuing succeeds but storing fails, every time.
    let provider = ENV.cluster("ai-consumer").client();
    let ns = liqo_kube::tenant_namespace::ensure(&provider, "ai-provider-id", "test")
        .await
        .unwrap()
        .name_any();
    let cache: Secret = serde_json::from_value(json!({
        "metadata": {"name": "liqo-remote-certificate",
            "labels": {"liqo.io/remote-cluster-id": "ai-provider-id"}},
        "immutable": true,
        "stringData": {"csr": "stale", "certificate": "stale"},
    }))
    .unwrap();
    let secrets: Api<Secret> = Api::namespaced(provider.clone(), &ns);
    secrets
        .create(&PostParams::default(), &cache)
        .await
        .unwrap();

    let out = authenticate("ai-provider", "ai-consumer", &["--timeout=25s"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let first = err
        .lines()
        .find(|l| l.starts_with("ERRO"))
        .unwrap_or_default();
    assert!(
        first.contains(&format!(
            "waiting for the tenant controller to fill Tenant {ns}/ai-provider-id"
        )),
        "{err}"
    );
    assert!(
        err.contains("last Event: Warning AuthParamsFailed: certificate of cluster ai-provider-id not issued: failed to store the certificate cache: Invalid:")
            && err.contains("immutable"),
        "{err}"
    );
    assert!(
        !err.contains("Status {"),
        "no Debug dump of the API status: {err}"
    );

    // Once the cache can be written, the controller's retry issues the certificate.
    secrets
        .delete("liqo-remote-certificate", &Default::default())
        .await
        .unwrap();
    let tenants: Api<Tenant> = Api::namespaced(provider, &ns);
    let issued = |t: Option<&Tenant>| t.is_some_and(status_certifies_spec_key);
    tokio::time::timeout(WAIT, await_condition(tenants, "ai-provider-id", issued))
        .await
        .expect("the retry issues the certificate")
        .unwrap();
}

#[tokio::test]
async fn a_consumer_with_an_rsa_cluster_key_authenticates() {
    let consumer = ENV.cluster("ai-rsa").client();
    let provider = ENV.cluster("ai-provider").client();
    let private = cluster_key(&consumer, "privateKey").await;
    let key = liqo_kube::crypto::ClusterKey::from_pem(&private).unwrap();
    assert_eq!(
        key.rsa_modulus_bits(),
        Some(2048),
        "install made an RSA key"
    );
    let public = cluster_key(&consumer, "publicKey").await;

    let out = authenticate("ai-rsa", "ai-provider", &[]);
    assert!(out.status.success(), "authenticate: {}", stderr(&out));
    // The Tenant carries the Secret's public key as stored, and an RSA-signed CSR.
    let tenant = Api::<Tenant>::namespaced(provider, "liqo-tenant-ai-rsa-id")
        .get("ai-rsa-id")
        .await
        .unwrap();
    assert_eq!(tenant.spec.public_key.unwrap().0, public.as_bytes());
    let csr = String::from_utf8(tenant.spec.csr.unwrap().0).unwrap();
    assert_eq!(csr, render_controlplane_csr("ai-rsa-id", &private).unwrap());

    // The consumer's identity works on the provider as cluster ai-rsa-id, with its RSA key.
    let secret = Api::<Secret>::namespaced(consumer, "liqo-tenant-ai-provider-id")
        .get("kubeconfig-controlplane-ai-provider-id")
        .await
        .unwrap();
    let text = String::from_utf8(data(Some(&secret), "kubeconfig").unwrap()).unwrap();
    let as_consumer = common::client_from_kubeconfig(&text).await;
    let review: SelfSubjectReview = serde_json::from_value(json!({})).unwrap();
    let me = Api::<SelfSubjectReview>::all(as_consumer)
        .create(&PostParams::default(), &review)
        .await
        .unwrap();
    let user = me.status.unwrap().user_info.unwrap();
    assert_eq!(user.username.as_deref(), Some("ai-rsa-id"));
    assert!(user.groups.unwrap().contains(&"liqo.io".to_string()));
}

/// A peering user of a cluster installed with `--tls-compatibility-mode` gets an RSA key by
/// default (`--tls-compatibility-mode=auto`), and an Ed25519 one when asked.
#[tokio::test]
async fn peering_users_of_an_rsa_cluster_get_rsa_keys_by_default() {
    let rsa = kubeconfig(ENV.cluster("ai-rsa").kubeconfig());
    // Upstream's `generate peering-user` reads the mode from the controller manager's args; a
    // re-install without the flag keeps it, the stored key being RSA.
    let out = liqoctl(&[rsa.as_str(), "install", "--cluster-id=ai-rsa-id"]);
    assert!(out.status.success(), "re-install: {}", stderr(&out));
    let deployment = kube::Api::<k8s_openapi::api::apps::v1::Deployment>::namespaced(
        ENV.cluster("ai-rsa").client(),
        "liqo",
    )
    .get("liqo-controller-manager")
    .await
    .unwrap();
    let args = deployment.spec.unwrap().template.spec.unwrap().containers[0]
        .args
        .clone()
        .unwrap_or_default();
    assert!(
        args.contains(&"--tls-compatibility-mode".to_string()),
        "{args:?}"
    );
    for (consumer, flag, bits) in [
        ("pu-auto", None, Some(2048)),
        ("pu-ed25519", Some("--tls-compatibility-mode=false"), None),
    ] {
        let id = format!("--consumer-cluster-id={consumer}");
        let mut args = vec![rsa.as_str(), "generate", "peering-user", id.as_str()];
        args.extend(flag);
        let out = liqoctl(&args);
        assert!(out.status.success(), "{consumer}: {}", stderr(&out));
        let text = common::stdout(&out);
        let parsed: serde_norway::Value = serde_norway::from_str(&text).unwrap();
        let data = parsed["users"][0]["user"]["client-key-data"]
            .as_str()
            .unwrap();
        use base64::Engine;
        let pem = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        let key =
            liqo_kube::crypto::ClusterKey::from_pem(std::str::from_utf8(&pem).unwrap()).unwrap();
        assert_eq!(key.rsa_modulus_bits(), bits, "{consumer}");
    }
}
