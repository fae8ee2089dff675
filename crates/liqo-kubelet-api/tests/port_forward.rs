//! Port-forward through a real API server to kubelets served by this crate, whose backend
//! connects to a local TCP echo server:
//! - the real `kubectl port-forward` to a Node that declares `ExtendWebSocketsToKubelet` (its
//!   WebSocket tunnelling SPDY reaches the kubelet as is) and to one that does not (the API
//!   server turns it into a SPDY upgrade): two connections each, one of them over 64 KiB, and
//!   a refused port printed by kubectl;
//! - kube-rs `Api::<Pod>::portforward` (the `v4.channel.k8s.io` WebSocket);
//! - a caller without credentials: 401.

use std::net::{IpAddr, Ipv4Addr};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use hyper::StatusCode;
use k8s_openapi::api::core::v1::{
    DaemonEndpoint, Node, NodeAddress, NodeDaemonEndpoints, NodeStatus, Pod, ServiceAccount,
};
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client, Config};
use liqo_kubelet_api::certificates::{ServingRequest, kubelet_tls};
use liqo_kubelet_api::{
    Backend, LogRequest, LogStream, PortForwardRequest, PortStream, Refusal, WEBSOCKET_FEATURE,
    auth,
};
use liqo_testenv::Env;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

const CLUSTER: &str = "port-forward";
/// The pod port the backend serves (to the echo server); any other is refused.
const POD_PORT: u16 = 8080;
const REFUSED_PORT: u16 = 9;
/// Over SPDY's 64 KiB initial window, so it only passes if neither side stalls on it.
const BIG: usize = 300 * 1024;
/// How long any one step may take.
const STEP: Duration = Duration::from_secs(60);

/// Connects the pod's POD_PORT to the echo server; records every call.
#[derive(Clone)]
struct EchoBackend {
    echo_port: u16,
    calls: Arc<Mutex<Vec<PortForwardRequest>>>,
}

impl Backend for EchoBackend {
    fn logs(&self, _: LogRequest) -> BoxFuture<'static, Result<LogStream, Refusal>> {
        Box::pin(async { Err(Refusal::new(StatusCode::NOT_FOUND, "no logs here")) })
    }

    fn port_forward(
        &self,
        request: PortForwardRequest,
    ) -> BoxFuture<'static, Result<Box<dyn PortStream>, Refusal>> {
        self.calls.lock().unwrap().push(request.clone());
        let echo_port = self.echo_port;
        Box::pin(async move {
            if request.port != POD_PORT {
                return Err(Refusal::new(
                    StatusCode::BAD_GATEWAY,
                    format!("nothing listens on port {}", request.port),
                ));
            }
            let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, echo_port))
                .await
                .map_err(|e| Refusal::new(StatusCode::BAD_GATEWAY, e.to_string()))?;
            Ok(Box::new(stream) as Box<dyn PortStream>)
        })
    }
}

/// A TCP echo server: each connection's bytes back until it half-closes.
async fn echo_server() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = conn.into_split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
                let _ = w.shutdown().await;
            });
        }
    });
    port
}

/// Serves the kubelet API of `node` on 127.0.0.1 (certificate from the kubelet-serving
/// signer, which the API server verifies) and registers the Node pointing at it.
async fn kubelet(admin: &Client, node: &str, websockets: bool, backend: EchoBackend) -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let request = ServingRequest {
        node_name: node.into(),
        ips: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        self_approve: true,
        timeout: STEP,
    };
    let tls = kubelet_tls(admin, &request).await.unwrap();
    let authn = auth::Authenticator::new(admin.clone(), node);
    // Serves until the test process ends.
    let _server = liqo_kubelet_api::serve(listener, &tls, authn, backend).unwrap();

    let nodes: Api<Node> = Api::all(admin.clone());
    let fresh: Node = serde_json::from_value(json!({"metadata": {"name": node}})).unwrap();
    nodes.create(&PostParams::default(), &fresh).await.unwrap();
    let status = NodeStatus {
        addresses: Some(vec![NodeAddress {
            type_: "InternalIP".into(),
            address: "127.0.0.1".into(),
        }]),
        daemon_endpoints: Some(NodeDaemonEndpoints {
            kubelet_endpoint: Some(DaemonEndpoint {
                port: i32::from(port),
            }),
        }),
        declared_features: websockets.then(|| vec![WEBSOCKET_FEATURE.to_string()]),
        ..Default::default()
    };
    nodes
        .patch_status(
            node,
            &PatchParams::default(),
            &Patch::Merge(json!({"status": status})),
        )
        .await
        .unwrap();
    port
}

/// A Running pod bound to `node` (kubectl port-forward wants Running; nothing else looks).
async fn running_pod(admin: &Client, name: &str, node: &str) {
    let pods: Api<Pod> = Api::namespaced(admin.clone(), "default");
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"nodeName": node, "automountServiceAccountToken": false,
            "containers": [{"name": "web", "image": "example.invalid/web"}]},
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    pods.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"phase": "Running"}})),
    )
    .await
    .unwrap();
}

/// `kubectl port-forward pod/<pod> :<port>` and the local port it reports.
async fn kubectl_forward(env: &Env, pod: &str, port: u16) -> (Child, u16) {
    let bins = liqo_testenv::Binaries::locate(&liqo_testenv::Binaries::default_dir()).unwrap();
    let mut child = Command::new(bins.kubectl)
        .arg("--kubeconfig")
        .arg(env.cluster(CLUSTER).kubeconfig())
        .args(["-n", "default", "port-forward", &format!("pod/{pod}")])
        .arg(format!(":{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let local = tokio::time::timeout(STEP, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            // "Forwarding from 127.0.0.1:40123 -> 8080"
            if let Some(rest) = line.strip_prefix("Forwarding from 127.0.0.1:") {
                return rest.split(' ').next().unwrap().parse::<u16>().unwrap();
            }
        }
        panic!("kubectl port-forward ended before forwarding");
    })
    .await
    .expect("kubectl reports its local port");
    // kubectl prints a line per connection; it must not block on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, local)
}

/// Sends `payload` on a fresh connection to `local`, half-closes, and returns what came back
/// before the far end closed.
async fn echo_through(local: u16, payload: Vec<u8>) -> Vec<u8> {
    let conn = TcpStream::connect((Ipv4Addr::LOCALHOST, local))
        .await
        .unwrap();
    let (mut r, mut w) = conn.into_split();
    let send = async move {
        w.write_all(&payload).await.unwrap();
        w.shutdown().await.unwrap();
    };
    let receive = async move {
        let mut back = Vec::new();
        r.read_to_end(&mut back).await.unwrap();
        back
    };
    let ((), back) = tokio::time::timeout(STEP, async { tokio::join!(send, receive) })
        .await
        .expect("the echo comes back");
    back
}

/// Two connections through kubectl to `pod` (one over 64 KiB, both open at once), then a
/// refused port as kubectl reports it.
async fn kubectl_forwards(env: &Env, pod: &str, calls: &Arc<Mutex<Vec<PortForwardRequest>>>) {
    let before = calls.lock().unwrap().len();
    let (mut child, local) = kubectl_forward(env, pod, POD_PORT).await;
    let big: Vec<u8> = (0..BIG).map(|i| (i % 251) as u8).collect();
    let (back_big, back_small) = tokio::join!(
        echo_through(local, big.clone()),
        echo_through(local, b"second connection".to_vec())
    );
    assert!(
        back_big == big,
        "{} of {BIG} bytes came back",
        back_big.len()
    );
    assert_eq!(back_small, b"second connection");
    {
        let calls = calls.lock().unwrap();
        let expected = PortForwardRequest {
            namespace: "default".into(),
            pod: pod.into(),
            port: POD_PORT,
        };
        assert_eq!(
            calls[before..],
            [expected.clone(), expected],
            "one call a connection"
        );
    }
    child.kill().await.unwrap();

    // A refusal: kubectl prints the backend's message and gives up the connection.
    let (mut child, local) = kubectl_forward(env, pod, REFUSED_PORT).await;
    let mut conn = TcpStream::connect((Ipv4Addr::LOCALHOST, local))
        .await
        .unwrap();
    // kubectl may close the connection before or after these bytes: either is fine.
    let _ = conn.write_all(b"anyone?").await;
    let mut back = Vec::new();
    let _ = tokio::time::timeout(STEP, conn.read_to_end(&mut back)).await;
    assert!(back.is_empty(), "a refused port echoed {back:?}");
    let mut stderr = child.stderr.take().unwrap();
    let mut printed = String::new();
    let wanted = format!(
        "error forwarding port {REFUSED_PORT} to pod default/{pod}: nothing listens on port \
         {REFUSED_PORT}"
    );
    tokio::time::timeout(STEP, async {
        let mut buf = [0; 4096];
        while !printed.contains(&wanted) {
            let n = stderr.read(&mut buf).await.unwrap();
            assert!(n > 0, "kubectl ended without the refusal: {printed}");
            printed.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("kubectl did not print the refusal: {printed}"));
    let _ = child.kill().await;
}

async fn anonymous_status(env: &Env, kubelet_port: u16, path: &str) -> u16 {
    let kubeconfig =
        kube::config::Kubeconfig::read_from(env.cluster(CLUSTER).kubeconfig()).unwrap();
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    config.cluster_url = format!("https://127.0.0.1:{kubelet_port}").parse().unwrap();
    config.accept_invalid_certs = true;
    config.root_cert = None;
    config.auth_info = kube::config::AuthInfo::default();
    let client = Client::try_from(config).unwrap();
    let request = http::Request::get(path).body(Vec::new()).unwrap();
    match client.request_text(request).await {
        Err(kube::Error::Api(status)) => status.code,
        other => panic!("not an HTTP refusal: {other:?}"),
    }
}

#[tokio::test]
async fn kubectl_and_kube_rs_forward_ports_through_the_api_server() {
    let env = Env::builder().cluster(CLUSTER).start().await.unwrap();
    let admin = env.cluster(CLUSTER).client();
    let backend = EchoBackend {
        echo_port: echo_server().await,
        calls: Arc::default(),
    };
    let calls = backend.calls.clone();
    let ws_port = kubelet(&admin, "pf-websocket", true, backend.clone()).await;
    kubelet(&admin, "pf-spdy", false, backend).await;
    // Pods need their namespace's ServiceAccount, which the controller manager creates.
    let sas: Api<ServiceAccount> = Api::namespaced(admin.clone(), "default");
    let has_default =
        kube::runtime::wait::await_condition(sas, "default", |sa: Option<&_>| sa.is_some());
    tokio::time::timeout(STEP, has_default)
        .await
        .unwrap()
        .unwrap();
    running_pod(&admin, "web-ws", "pf-websocket").await;
    running_pod(&admin, "web-spdy", "pf-spdy").await;

    // 1. Unauthenticated: refused before any upgrade.
    let path = "/portForward/default/web-ws";
    assert_eq!(anonymous_status(&env, ws_port, path).await, 401);

    // 2. kubectl, WebSocket-tunnelled SPDY straight to the kubelet.
    kubectl_forwards(&env, "web-ws", &calls).await;
    // 3. kubectl through an API server that upgrades to SPDY for a node without the feature.
    kubectl_forwards(&env, "web-spdy", &calls).await;

    // 4. kube-rs: the v4 channel protocol, both through the API server.
    let pods: Api<Pod> = Api::namespaced(admin.clone(), "default");
    let mut forwarder = pods.portforward("web-ws", &[POD_PORT]).await.unwrap();
    let mut stream = forwarder.take_stream(POD_PORT).unwrap();
    stream.write_all(b"over channels").await.unwrap();
    let mut back = [0; 13];
    tokio::time::timeout(STEP, stream.read_exact(&mut back))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&back, b"over channels");
    drop(stream);
    forwarder.abort();
    let mut refused = pods.portforward("web-ws", &[REFUSED_PORT]).await.unwrap();
    let error = refused.take_error(REFUSED_PORT).unwrap();
    let message = tokio::time::timeout(STEP, error).await.unwrap();
    assert_eq!(
        message.as_deref(),
        Some("error forwarding port 9 to pod default/web-ws: nothing listens on port 9")
    );
}
