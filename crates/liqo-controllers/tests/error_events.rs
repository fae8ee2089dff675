//! The error paths of the controllers on a real installed cluster (the controller manager runs
//! as a pod through the test node agent): each malformed object gets a Warning Event naming
//! why, and no controller writes what it would have written for a valid one.

#[path = "common/events.rs"]
mod events;
#[path = "common/install.rs"]
mod install;
#[path = "common/objects.rs"]
mod objects;

use std::sync::LazyLock;
use std::time::Duration;

use futures::future::join_all;
use install::LIQO;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client};
use liqo_api::ipam::Network;
use liqo_testenv::Env;
use objects::{api_for, b64, create, namespace, read, secret, tenant_namespace};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(90);
const CLUSTER: &str = "events";

static ENV: LazyLock<Env> = LazyLock::new(|| install::start_installed(CLUSTER, "events-local"));

/// The IPAM cases conflict with the preinstalled external CIDR: it must be granted first.
async fn await_external_cidr(client: &Client) {
    let granted = |n: Option<&Network>| n.and_then(|n| n.status.as_ref()?.cidr.clone()).is_some();
    liqo_kube::wait::object(
        Api::<Network>::namespaced(client.clone(), LIQO),
        "external-cidr",
        "the external-cidr Network to be granted",
        WAIT,
        granted,
        |n| format!("{n:?}"),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

fn peer_label(peer: &str) -> Value {
    json!({"liqo.io/remote-cluster-id": peer})
}

fn template_ref(kind: &str, name: &str) -> Value {
    json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": kind, "name": name})
}

/// A Deployment template whose image the node agent never runs.
fn inert_deployment() -> Value {
    json!({"spec": {
        "selector": {"matchLabels": {"app": "inert"}},
        "template": {"metadata": {"labels": {"app": "inert"}},
            "spec": {"containers": [{"name": "gateway", "image": "example.invalid/inert:1"}]}}}})
}

/// One malformed object and what its controller must say about it.
struct Case {
    name: &'static str,
    /// Objects the subject needs, created in order before it.
    setup: Vec<Value>,
    /// The malformed object.
    subject: Value,
    /// Warning Events expected about it: reason and a substring of the note.
    events: Vec<(&'static str, String)>,
    /// JSON pointers of what no controller may write.
    unchanged: &'static [&'static str],
    /// The controller retries: what it wrote is read back after the Events' second occurrence.
    retried: bool,
}

/// Namespaces the cases live in.
fn namespaces() -> Vec<Value> {
    vec![
        namespace("ev-gateways", json!({})),
        namespace("ev-wg", json!({})),
        namespace("ev-net", json!({})),
        namespace("ev-nonces", json!({})),
        namespace("ev-identity", json!({})),
        tenant_namespace("liqo-tenant-signer", "signer"),
        // Two namespaces claiming the same cluster: the lookup cannot choose.
        tenant_namespace("ev-twin-a", "twin"),
        tenant_namespace("ev-twin-b", "twin"),
    ]
}

fn gateway_cases() -> Vec<Case> {
    let server = |name: &str, labels: Value, spec: Value| {
        json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "GatewayServer",
            "metadata": {"name": name, "namespace": "ev-gateways", "labels": labels}, "spec": spec})
    };
    let default_template = json!({"serverTemplateRef": {
        "apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServerTemplate",
        "name": "wireguard-server", "namespace": LIQO}});
    vec![
        Case {
            name: "gateway without a peer",
            setup: vec![],
            subject: server("no-peer", json!({}), default_template),
            events: vec![(
                "MissingRemoteClusterID",
                "missing label \"liqo.io/remote-cluster-id\"".into(),
            )],
            unchanged: &["/status"],
            retried: false,
        },
        Case {
            name: "gateway without a template reference",
            setup: vec![],
            subject: server("no-ref", peer_label("gwpeer"), json!({"mtu": 1340})),
            events: vec![("MissingTemplateRef", "no template reference".into())],
            unchanged: &["/status"],
            retried: false,
        },
        Case {
            name: "gateway naming a missing template",
            setup: vec![],
            subject: json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "GatewayClient",
                "metadata": {"name": "no-template", "namespace": "ev-gateways", "labels": peer_label("gwpeer")},
                "spec": {"clientTemplateRef": template_ref("WgGatewayClientTemplate", "missing")}}),
            events: vec![("TemplateNotFound", "template \"missing\" not found".into())],
            unchanged: &["/status"],
            retried: true,
        },
        Case {
            name: "gateway whose template does not render",
            setup: vec![broken_template("ev-gateways", "broken")],
            subject: server(
                "bad-template",
                peer_label("gwpeer"),
                json!({"serverTemplateRef": template_ref("WgGatewayServerTemplate", "broken")}),
            ),
            events: vec![(
                "InvalidTemplate",
                "failed to render the template name".into(),
            )],
            unchanged: &["/status"],
            retried: false,
        },
    ]
}

/// A server template whose name is an unterminated Go template action.
fn broken_template(ns: &str, name: &str) -> Value {
    json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServerTemplate",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"objectKind": {"apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServer"},
            "template": {"metadata": {"name": "{{ .Name "}, "spec": {}}}})
}

fn nonce_cases() -> Vec<Case> {
    let nonce = json!({"liqo.io/nonce": "true"});
    let signed = json!({"liqo.io/signed-nonce": "true"});
    let with_peer = |labels: &Value, peer: &str| {
        let mut labels = labels.clone();
        labels["liqo.io/remote-cluster-id"] = json!(peer);
        labels
    };
    let to_sign = json!({"nonce": b64("a nonce to sign")});
    vec![
        Case {
            name: "signed-nonce Secret without a peer",
            setup: vec![],
            subject: secret(
                "ev-nonces",
                "signer-no-peer",
                signed.clone(),
                to_sign.clone(),
            ),
            events: vec![(
                "MissingRemoteClusterID",
                "Secret lacks the liqo.io/remote-cluster-id label".into(),
            )],
            unchanged: &["/data"],
            retried: false,
        },
        Case {
            name: "signed-nonce Secret without a nonce",
            setup: vec![],
            subject: secret(
                "liqo-tenant-signer",
                "signer-no-nonce",
                with_peer(&signed, "signer"),
                json!({}),
            ),
            events: vec![("NonceMissing", "Secret has no nonce to sign yet".into())],
            unchanged: &["/data"],
            retried: false,
        },
        Case {
            name: "signed-nonce Secret of a cluster with two tenant namespaces",
            setup: vec![],
            subject: secret(
                "ev-twin-a",
                "signer-twin",
                with_peer(&signed, "twin"),
                to_sign,
            ),
            events: vec![(
                "TenantNamespaceNotFound",
                "multiple tenant namespaces found for clusterid twin".into(),
            )],
            unchanged: &["/data"],
            retried: true,
        },
        Case {
            name: "nonce Secret without a peer",
            setup: vec![],
            subject: secret("ev-nonces", "creator-no-peer", nonce.clone(), json!({})),
            events: vec![(
                "MissingClusterID",
                "Secret lacks the liqo.io/remote-cluster-id label".into(),
            )],
            unchanged: &["/data"],
            retried: false,
        },
        Case {
            name: "nonce Secret of a cluster without a tenant namespace",
            setup: vec![],
            subject: secret(
                "ev-nonces",
                "creator-ghost",
                with_peer(&nonce, "ghost"),
                json!({}),
            ),
            events: vec![(
                "TenantNamespaceNotFound",
                "no tenant namespace for cluster ghost".into(),
            )],
            unchanged: &["/data"],
            retried: true,
        },
        Case {
            name: "nonce Secret outside its tenant namespace",
            setup: vec![],
            subject: secret(
                "ev-nonces",
                "creator-elsewhere",
                with_peer(&nonce, "signer"),
                json!({}),
            ),
            events: vec![(
                "WrongNamespace",
                "Secret must be in the tenant namespace liqo-tenant-signer".into(),
            )],
            unchanged: &["/data"],
            retried: false,
        },
    ]
}

fn wg_cases() -> Vec<Case> {
    let client = |name: &str, labels: Value, secret_ref: Option<&str>| {
        let mut spec = json!({"deployment": inert_deployment()});
        if let Some(secret) = secret_ref {
            spec["secretRef"] = json!({"name": secret});
        }
        json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayClient",
            "metadata": {"name": name, "namespace": "ev-wg", "labels": labels}, "spec": spec})
    };
    let keys = json!({"privateKey": b64("private"), "publicKey": b64("public")});
    vec![
        Case {
            name: "WireGuard gateway without a peer",
            setup: vec![],
            subject: client("no-peer", json!({}), None),
            events: vec![(
                "MissingRemoteClusterID",
                "missing label \"liqo.io/remote-cluster-id\"".into(),
            )],
            unchanged: &["/status"],
            retried: false,
        },
        Case {
            name: "WireGuard gateway naming a missing keys Secret",
            setup: vec![],
            subject: client("absent-keys", peer_label("wgpeer"), Some("absent")),
            events: vec![
                ("KeysSecretCheckFailed", "Secret absent not found".into()),
                ("MissingSecretRef", "WireGuard keys secret not found".into()),
            ],
            unchanged: &["/status"],
            retried: false,
        },
        Case {
            name: "WireGuard gateway naming a Secret without keys",
            setup: vec![secret(
                "ev-wg",
                "no-keys",
                json!({}),
                json!({"other": b64("x")}),
            )],
            subject: client("keyless", peer_label("wgpeer"), Some("no-keys")),
            events: vec![(
                "KeysSecretCheckFailed",
                "Secret no-keys has no privateKey".into(),
            )],
            unchanged: &["/status"],
            retried: false,
        },
        Case {
            name: "WireGuard gateway naming another peer's keys",
            setup: vec![secret("ev-wg", "other-keys", peer_label("other"), keys)],
            subject: client("foreign-keys", peer_label("wgpeer"), Some("other-keys")),
            events: vec![(
                "KeysSecretCheckFailed",
                "Secret is labelled for cluster \"other\", not \"wgpeer\"".into(),
            )],
            unchanged: &["/status"],
            retried: false,
        },
    ]
}

fn network_cases() -> Vec<Case> {
    let network = |name: &str, cidr: &str| {
        json!({"apiVersion": "ipam.liqo.io/v1alpha1", "kind": "Network",
            "metadata": {"name": name, "namespace": "ev-net",
                "labels": {"ipam.liqo.io/network-not-remapped": "true"}},
            "spec": {"cidr": cidr}})
    };
    vec![
        Case {
            name: "Configuration without a peer",
            setup: vec![],
            subject: json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "Configuration",
                "metadata": {"name": "no-peer", "namespace": "ev-net"},
                "spec": {"remote": {"cidr": {"pod": ["10.200.0.0/16"], "external": ["10.201.0.0/16"]}}}}),
            events: vec![(
                "MissingRemoteClusterID",
                "Configuration lacks the liqo.io/remote-cluster-id label".into(),
            )],
            unchanged: &["/status", "/spec/local"],
            retried: false,
        },
        Case {
            name: "Network asking, not remapped, for a CIDR already granted",
            setup: vec![],
            subject: network("taken", "10.70.0.0/16"),
            events: vec![(
                "AcquisitionFailed",
                "CIDR 10.70.0.0/16 not acquired: network 10.70.0.0/16 is not available".into(),
            )],
            unchanged: &["/status"],
            retried: true,
        },
        Case {
            name: "Network asking for an IPv6 CIDR",
            setup: vec![],
            subject: network("ipv6", "fd00::/64"),
            events: vec![(
                "AcquisitionFailed",
                "CIDR fd00::/64 not acquired: invalid IPv4 CIDR \"fd00::/64\"".into(),
            )],
            unchanged: &["/status"],
            retried: true,
        },
    ]
}

fn identity_cases() -> Vec<Case> {
    let identity = |name: &str, spec: Value| {
        json!({"apiVersion": "authentication.liqo.io/v1beta1", "kind": "Identity",
            "metadata": {"name": name, "namespace": "ev-identity"}, "spec": spec})
    };
    let mut frozen = secret(
        "ev-identity",
        "kubeconfig-frozen",
        json!({}),
        json!({"kubeconfig": b64("stale")}),
    );
    frozen["immutable"] = json!(true);
    vec![
        Case {
            name: "Identity whose kubeconfig Secret is immutable",
            setup: vec![frozen],
            subject: identity(
                "frozen",
                json!({"clusterID": "provider", "type": "ResourceSlice",
                    "authParams": {"apiServer": "https://127.0.0.1:1"}}),
            ),
            events: vec![(
                "KubeconfigEnsureFailed",
                "failed to apply kubeconfig-frozen: Invalid: Secret \"kubeconfig-frozen\" is invalid: \
                 data: Forbidden: field is immutable"
                    .into(),
            )],
            unchanged: &["/status"],
            retried: true,
        },
        Case {
            name: "control-plane Identity without a certificate",
            setup: vec![],
            subject: identity(
                "no-cert",
                json!({"clusterID": "provider", "type": "ControlPlane",
                    "namespace": "liqo-tenant-provider",
                    "authParams": {"apiServer": "https://127.0.0.1:1"}}),
            ),
            events: vec![(
                "KubeconfigUnusable",
                "the kubeconfig of Identity no-cert is unusable: Failed to infer provided \
                 configuration: failed to load client certificate"
                    .into(),
            )],
            unchanged: &["/spec/authParams"],
            retried: true,
        },
    ]
}

/// Creates the case's objects, awaits each expected Event, then checks nothing was written.
async fn run(client: &Client, case: &Case) -> Result<(), String> {
    for object in &case.setup {
        create(client, object).await?;
    }
    let created = create(client, &case.subject).await?;
    let ns = created["metadata"]["namespace"]
        .as_str()
        .unwrap_or_default();
    let uid = created["metadata"]["uid"].as_str().unwrap_or_default();
    for (reason, expected) in &case.events {
        let times = if case.retried { 2 } else { 1 };
        let note = events::await_event(client, ns, uid, ("Warning", reason), times, WAIT).await?;
        if !note.contains(expected.as_str()) {
            return Err(format!(
                "the {reason} Event says {note:?}, not {expected:?}"
            ));
        }
        // API errors in the server's words, never kube's Debug dump of the Status.
        if note.contains("Status {") {
            return Err(format!("the {reason} Event dumps a Status: {note:?}"));
        }
    }
    let after = read(client, &case.subject).await?;
    for pointer in case.unchanged {
        let (before, now) = (created.pointer(pointer), after.pointer(pointer));
        if before != now {
            return Err(format!("{pointer} was written: {before:?} → {now:?}"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn malformed_objects_get_a_warning_event_and_nothing_written() {
    let client = ENV.cluster(CLUSTER).client();
    await_external_cidr(&client).await;
    for ns in namespaces() {
        create(&client, &ns).await.unwrap();
    }
    let cases: Vec<Case> = [
        gateway_cases(),
        nonce_cases(),
        wg_cases(),
        network_cases(),
        identity_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let results = join_all(cases.iter().map(|case| run(&client, case))).await;
    let failures: Vec<String> = cases
        .iter()
        .zip(results)
        .filter_map(|(case, r)| r.err().map(|e| format!("{}: {e}", case.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_fixed_template_renders_the_gateway_that_refused_it() {
    let client = ENV.cluster(CLUSTER).client();
    create(&client, &namespace("ev-fixed", json!({})))
        .await
        .unwrap();
    let template = broken_template("ev-fixed", "fixable");
    create(&client, &template).await.unwrap();
    // The reference leaves the namespace out: it defaults to the gateway's.
    let gateway = json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "GatewayServer",
        "metadata": {"name": "fixed", "namespace": "ev-fixed", "labels": peer_label("gwpeer")},
        "spec": {"serverTemplateRef": template_ref("WgGatewayServerTemplate", "fixable")}});
    let created = create(&client, &gateway).await.unwrap();
    let uid = created["metadata"]["uid"].as_str().unwrap();
    events::await_event(
        &client,
        "ev-fixed",
        uid,
        ("Warning", "InvalidTemplate"),
        1,
        WAIT,
    )
    .await
    .unwrap();

    // A template rendering an inert child (another template object) once repaired.
    let repair = json!({"apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServerTemplate",
        "spec": {"objectKind": {"apiVersion": "networking.liqo.io/v1beta1", "kind": "WgGatewayServerTemplate"},
            "template": {"metadata": {"name": "{{ .Name }}-child"}, "spec": {}}}});
    api_for(&client, &template)
        .patch("fixable", &PatchParams::default(), &Patch::Merge(&repair))
        .await
        .unwrap();
    let reconciled = |g: Option<&liqo_api::networking::GatewayServer>| {
        g.and_then(|g| g.status.as_ref()?.server_ref.as_ref()?.name.clone())
            .is_some()
    };
    let fixed = liqo_kube::wait::object(
        Api::namespaced(client.clone(), "ev-fixed"),
        "fixed",
        "the GatewayServer to render its repaired template",
        WAIT,
        reconciled,
        |g| format!("{:?}", g.and_then(|g| g.status.clone())),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap();
    let server_ref = fixed.status.unwrap().server_ref.unwrap();
    assert_eq!(
        (server_ref.kind.as_deref(), server_ref.name.as_deref()),
        (Some("WgGatewayServerTemplate"), Some("fixed-child"))
    );
}

#[tokio::test]
async fn a_nonce_is_made_once_its_namespace_becomes_the_tenant_namespace() {
    let client = ENV.cluster(CLUSTER).client();
    let ns = namespace("ev-late", json!({}));
    create(&client, &ns).await.unwrap();
    let labels = json!({"liqo.io/nonce": "true", "liqo.io/remote-cluster-id": "late"});
    let created = create(&client, &secret("ev-late", "nonce", labels, json!({})))
        .await
        .unwrap();
    let uid = created["metadata"]["uid"].as_str().unwrap();
    let refusal = ("Warning", "TenantNamespaceNotFound");
    events::await_event(&client, "ev-late", uid, refusal, 1, WAIT)
        .await
        .unwrap();

    // Labelling the namespace changes nothing in the Secret: only a retry notices it.
    let tenant = tenant_namespace("ev-late", "late");
    api_for(&client, &ns)
        .patch("ev-late", &PatchParams::default(), &Patch::Merge(&tenant))
        .await
        .unwrap();
    let has_nonce = |s: Option<&k8s_openapi::api::core::v1::Secret>| {
        s.and_then(|s| s.data.as_ref()?.get("nonce"))
            .is_some_and(|n| !n.0.is_empty())
    };
    liqo_kube::wait::object(
        Api::namespaced(client.clone(), "ev-late"),
        "nonce",
        "the nonce to be generated",
        WAIT,
        has_nonce,
        |s| {
            format!(
                "data keys {:?}",
                s.and_then(|s| s
                    .data
                    .as_ref()
                    .map(|d| d.keys().cloned().collect::<Vec<_>>()))
            )
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}
