//! The kubelet API on one real test cluster: who may read a container log. No credentials →
//! 401; a ServiceAccount token without RBAC → 403 naming the missing permission; the same token
//! once bound to `system:kubelet-api-admin` → the log; the admin's client certificate (verified
//! against the cluster's client CA) → the log, streamed.

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use hyper::StatusCode;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{ConfigMap, ServiceAccount};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use kube::api::PostParams;
use kube::{Api, Client, Config};
use liqo_kubelet_api::tls::TlsOptions;
use liqo_kubelet_api::{Backend, LogRequest, LogStream, Refusal, auth};
use liqo_testenv::Env;
use serde_json::json;

const CLUSTER: &str = "kubelet-api";
const NODE: &str = "node-under-test";

/// Serves one container, `demo/web/web`, whose log is two lines.
struct TwoLines;

impl Backend for TwoLines {
    fn logs(&self, req: LogRequest) -> BoxFuture<'static, Result<LogStream, Refusal>> {
        let known = (
            req.namespace.as_str(),
            req.pod.as_str(),
            req.container.as_str(),
        ) == ("demo", "web", "web");
        async move {
            if !known {
                return Err(Refusal::new(StatusCode::NOT_FOUND, "no such container"));
            }
            let lines = ["line 1\n", "line 2\n"].map(|l| Ok(Bytes::from(l)));
            Ok(futures::stream::iter(lines).boxed())
        }
        .boxed()
    }
}

/// A client of `url` with the admin's credentials replaced by `auth` (`None`: anonymous).
async fn caller(env: &Env, url: &str, auth: Option<kube::config::AuthInfo>) -> Client {
    let kubeconfig =
        kube::config::Kubeconfig::read_from(env.cluster(CLUSTER).kubeconfig()).unwrap();
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    config.cluster_url = url.parse().unwrap();
    config.accept_invalid_certs = true;
    config.root_cert = None;
    if let Some(auth) = auth {
        config.auth_info = auth;
    }
    Client::try_from(config).unwrap()
}

async fn get(client: &Client, path: &str) -> Result<String, (u16, String)> {
    let request = http::Request::get(path).body(Vec::new()).unwrap();
    client.request_text(request).await.map_err(|e| match e {
        kube::Error::Api(status) => (status.code, status.message),
        other => panic!("not an HTTP refusal: {other}"),
    })
}

#[tokio::test]
async fn only_authorised_callers_read_logs() {
    let env = Env::builder().cluster(CLUSTER).start().await.unwrap();
    let admin = env.cluster(CLUSTER).client();

    // The cluster's client CA, where a kubelet reads it.
    let authn: ConfigMap = Api::namespaced(admin.clone(), "kube-system")
        .get("extension-apiserver-authentication")
        .await
        .unwrap();
    let client_ca = authn.data.unwrap()["client-ca-file"].clone();
    let serving = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let tls = TlsOptions {
        cert_chain_pem: serving.cert.pem(),
        key_pem: serving.signing_key.serialize_pem(),
        client_verifier: Some(auth::client_verifier(&client_ca).unwrap()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let server = liqo_kubelet_api::serve(
        listener,
        &tls,
        auth::Authenticator::new(admin.clone(), NODE),
        TwoLines,
    )
    .unwrap();
    let log_path = "/containerLogs/demo/web/web?follow=true";

    // 1. Anonymous: refused before anything else happens.
    let anonymous = caller(&env, &url, Some(kube::config::AuthInfo::default())).await;
    let (code, message) = get(&anonymous, log_path).await.unwrap_err();
    assert_eq!(code, 401, "{message}");
    assert!(
        message.contains("no client certificate and no bearer token"),
        "{message}"
    );

    // 2. A ServiceAccount's token without RBAC: authenticated, then refused by the review.
    let sas: Api<ServiceAccount> = Api::namespaced(admin.clone(), "default");
    sas.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
        "metadata": {"name": "log-reader"}}))
        .unwrap(),
    )
    .await
    .unwrap();
    let request: TokenRequest = serde_json::from_value(json!({"spec": {"audiences": []}})).unwrap();
    let token = sas
        .create_token_request("log-reader", &PostParams::default(), &request)
        .await
        .unwrap()
        .status
        .unwrap()
        .token
        .expect("a token issued");
    let with_token = kube::config::AuthInfo {
        token: Some(token.into()),
        ..Default::default()
    };
    let reader = caller(&env, &url, Some(with_token)).await;
    let (code, message) = get(&reader, log_path).await.unwrap_err();
    assert_eq!(code, 403, "{message}");
    assert!(
        message.contains("user=system:serviceaccount:default:log-reader")
            && message.contains("subresource=proxy")
            && message.contains(&format!("name={NODE}")),
        "{message}"
    );

    // 3. Bound to the role the API server's kubelet client has: the log.
    let binding: ClusterRoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "log-reader-kubelet-api"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
            "name": "system:kubelet-api-admin"},
        "subjects": [{"kind": "ServiceAccount", "name": "log-reader", "namespace": "default"}],
    }))
    .unwrap();
    Api::<ClusterRoleBinding>::all(admin.clone())
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    // The authorizer reads RBAC from the API server's informers, which may lag the write:
    // asked again (each ask a round trip) until it agrees, for at most 10 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut answer = get(&reader, log_path).await;
    while answer.is_err() && std::time::Instant::now() < deadline {
        answer = get(&reader, log_path).await;
    }
    assert_eq!(answer.unwrap(), "line 1\nline 2\n");

    // 4. The admin's client certificate: verified by TLS, user from its subject; a container
    //    the backend does not know is its 404.
    let admin_caller = caller(&env, &url, None).await;
    assert_eq!(
        get(&admin_caller, log_path).await.unwrap(),
        "line 1\nline 2\n"
    );
    let (code, _) = get(&admin_caller, "/containerLogs/demo/web/other")
        .await
        .unwrap_err();
    assert_eq!(code, 404);
    server.abort();
}
