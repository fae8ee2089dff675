//! The test clusters behave as real Kubernetes clusters: isolated, with a working CSR signer,
//! namespace and garbage-collector controllers, a scheduler and a Ready node.

use std::sync::LazyLock;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::certificates::v1::{
    CertificateSigningRequest, CertificateSigningRequestSpec,
};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Node, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client, ResourceExt};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

/// Two clusters shared by the tests of this file (each test uses its own object names).
static ENV: LazyLock<Env> = LazyLock::new(|| {
    Env::builder()
        .cluster("alpha")
        .cluster("beta")
        .start_blocking()
        .expect("test clusters start")
});

fn client(name: &str) -> Client {
    ENV.cluster(name).client()
}

async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("fixture deserializes")
}

#[tokio::test]
async fn objects_created_in_one_cluster_are_absent_in_the_other() {
    let (alpha, beta) = (client("alpha"), client("beta"));
    let ns: Namespace = from_json(json!({"metadata": {"name": "isolation"}}));
    Api::<Namespace>::all(alpha.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();

    let crd: CustomResourceDefinition = from_json(json!({
        "metadata": {"name": "widgets.example.liqo.io"},
        "spec": {
            "group": "example.liqo.io",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "scope": "Namespaced",
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]
        }
    }));
    let crds = Api::<CustomResourceDefinition>::all(alpha.clone());
    crds.create(&PostParams::default(), &crd).await.unwrap();
    within(
        "the CRD to be established",
        await_condition(
            crds,
            "widgets.example.liqo.io",
            conditions::is_crd_established(),
        ),
    )
    .await
    .unwrap();

    let gvk = GroupVersionKind::gvk("example.liqo.io", "v1", "Widget");
    let ar = ApiResource::from_gvk(&gvk);
    let widget: DynamicObject = from_json(json!({
        "apiVersion": "example.liqo.io/v1", "kind": "Widget",
        "metadata": {"name": "w1", "namespace": "isolation"}, "spec": {"size": 3}
    }));
    let created = Api::<DynamicObject>::namespaced_with(alpha.clone(), "isolation", &ar)
        .create(&PostParams::default(), &widget)
        .await
        .unwrap();
    assert_eq!(created.data["spec"]["size"], 3);

    assert!(
        Api::<Namespace>::all(beta.clone())
            .get_opt("isolation")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        Api::<CustomResourceDefinition>::all(beta.clone())
            .get_opt("widgets.example.liqo.io")
            .await
            .unwrap()
            .is_none()
    );
    let in_beta = Api::<DynamicObject>::namespaced_with(beta, "isolation", &ar)
        .get_opt("w1")
        .await;
    assert!(
        matches!(in_beta, Err(kube::Error::Api(ref e)) if e.code == 404),
        "widget API must not exist in beta: {in_beta:?}"
    );
}

#[tokio::test]
async fn approved_csr_is_signed_and_the_certificate_authenticates() {
    let alpha = client("alpha");
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "csr-test-user");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "csr-test-group");
    let request = params.serialize_request(&key).unwrap().pem().unwrap();

    let csrs = Api::<CertificateSigningRequest>::all(alpha.clone());
    let csr = CertificateSigningRequest {
        metadata: kube::api::ObjectMeta {
            name: Some("csr-test".into()),
            ..Default::default()
        },
        spec: CertificateSigningRequestSpec {
            request: ByteString(request.into_bytes()),
            signer_name: "kubernetes.io/kube-apiserver-client".into(),
            usages: Some(vec!["client auth".into()]),
            ..Default::default()
        },
        status: None,
    };
    csrs.create(&PostParams::default(), &csr).await.unwrap();
    let approval = json!({"status": {"conditions": [{
        "type": "Approved", "status": "True", "reason": "TestApproval", "message": "approved by the testenv test"
    }]}});
    csrs.patch_approval(
        "csr-test",
        &PatchParams::default(),
        &Patch::Merge(&approval),
    )
    .await
    .unwrap();
    let issued = |csr: Option<&CertificateSigningRequest>| {
        csr.and_then(|c| c.status.as_ref())
            .and_then(|s| s.certificate.as_ref())
            .is_some_and(|c| !c.0.is_empty())
    };
    let signed = within(
        "the CSR to be signed",
        await_condition(csrs, "csr-test", issued),
    )
    .await
    .unwrap()
    .unwrap();
    let cert_pem = String::from_utf8(signed.status.unwrap().certificate.unwrap().0).unwrap();

    // The cluster accepts the certificate: the API server names the user and group in it.
    let mut kubeconfig =
        kube::config::Kubeconfig::read_from(ENV.cluster("alpha").kubeconfig()).unwrap();
    let user = kubeconfig.auth_infos[0].auth_info.as_mut().unwrap();
    user.client_certificate_data = Some(base64_encode(&cert_pem));
    user.client_key_data = Some(base64_encode(&key.serialize_pem()).into());
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    let as_user = Client::try_from(config).unwrap();
    let review: SelfSubjectReview =
        from_json(json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}));
    let reviewed = Api::<SelfSubjectReview>::all(as_user)
        .create(&PostParams::default(), &review)
        .await
        .unwrap();
    let info = reviewed.status.unwrap().user_info.unwrap();
    assert_eq!(info.username.as_deref(), Some("csr-test-user"));
    assert!(info.groups.unwrap().contains(&"csr-test-group".to_string()));
}

fn base64_encode(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn deleting_a_namespace_with_objects_completes() {
    let beta = client("beta");
    let namespaces = Api::<Namespace>::all(beta.clone());
    let ns: Namespace = from_json(json!({"metadata": {"name": "doomed"}}));
    let ns = namespaces
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    for i in 0..3 {
        let cm: ConfigMap =
            from_json(json!({"metadata": {"name": format!("cm-{i}")}, "data": {"k": "v"}}));
        Api::<ConfigMap>::namespaced(beta.clone(), "doomed")
            .create(&PostParams::default(), &cm)
            .await
            .unwrap();
    }
    namespaces
        .delete("doomed", &Default::default())
        .await
        .unwrap();
    let uid = ns.uid().unwrap();
    within(
        "the namespace to be deleted",
        await_condition(namespaces, "doomed", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn owned_object_is_garbage_collected_after_its_owner() {
    let beta = client("beta");
    let cms = Api::<ConfigMap>::namespaced(beta.clone(), "default");
    let owner: ConfigMap = from_json(json!({"metadata": {"name": "gc-owner"}}));
    let owner = cms.create(&PostParams::default(), &owner).await.unwrap();
    let mut child: ConfigMap = from_json(json!({"metadata": {"name": "gc-child"}}));
    child.metadata.owner_references = Some(vec![OwnerReference {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        name: "gc-owner".into(),
        uid: owner.uid().unwrap(),
        ..Default::default()
    }]);
    let child = cms.create(&PostParams::default(), &child).await.unwrap();
    cms.delete("gc-owner", &Default::default()).await.unwrap();
    let uid = child.uid().unwrap();
    within(
        "the owned ConfigMap to be collected",
        await_condition(cms, "gc-child", conditions::is_deleted(&uid)),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn scheduler_binds_a_pod_to_the_registered_node() {
    let alpha = client("alpha");
    let pods = Api::<Pod>::namespaced(alpha.clone(), "default");
    let pod: Pod = from_json(json!({
        "metadata": {"name": "scheduled"},
        "spec": {"containers": [{"name": "main", "image": "example.invalid/app:1",
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}
    }));
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let bound = |p: Option<&Pod>| {
        p.and_then(|p| p.spec.as_ref())
            .and_then(|s| s.node_name.as_ref())
            .is_some()
    };
    let pod = within(
        "the pod to be bound",
        await_condition(pods, "scheduled", bound),
    )
    .await
    .unwrap()
    .unwrap();
    let node_name = pod.spec.unwrap().node_name.unwrap();
    assert_eq!(node_name, "alpha-worker");
    // Bound to the Node the agent registered, and that Node is Ready.
    let node = Api::<Node>::all(alpha).get(&node_name).await.unwrap();
    let ready = node
        .status
        .and_then(|s| s.conditions)
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_ == "Ready");
    assert_eq!(ready.map(|c| c.status).as_deref(), Some("True"));
}
