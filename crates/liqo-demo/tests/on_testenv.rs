//! The demo workload as a pod of a real testenv cluster: its answer carries the pod's name and
//! namespace (downward API), a ConfigMap value (env) and a Secret file (volume).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::Api;
use kube::api::PostParams;
use kube::runtime::wait::{await_condition, conditions};
use liqo_testenv::Env;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(60);

fn get(ip: &str, path: &str) -> std::io::Result<String> {
    let mut conn = TcpStream::connect((ip, 8080))?;
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(conn, "GET {path} HTTP/1.1\r\nHost: demo\r\n\r\n")?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer)?;
    Ok(answer)
}

#[tokio::test]
async fn the_demo_pod_reports_its_pod_config_map_and_secret() {
    let bin = std::env::temp_dir().join(format!("liqo-demo-bin-{}", std::process::id()));
    std::fs::create_dir_all(&bin).unwrap();
    let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_liqo-demo"), bin.join("liqo-demo"));
    let env = Env::builder()
        .cluster("demo")
        .project_bin_dir(&bin)
        .start()
        .await
        .expect("test cluster starts");
    let client = env.cluster("demo").client();
    let pp = PostParams::default();
    let cm: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "demo"}, "data": {"message": "hello from a ConfigMap"}}))
    .unwrap();
    Api::<ConfigMap>::namespaced(client.clone(), "default")
        .create(&pp, &cm)
        .await
        .unwrap();
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "demo"}, "stringData": {"token": "from-a-secret"}}))
    .unwrap();
    Api::<Secret>::namespaced(client.clone(), "default")
        .create(&pp, &secret)
        .await
        .unwrap();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "demo-1"},
        "spec": {
            "containers": [{
                "name": "demo", "image": "ghcr.io/liqoctl-rs/liqo:test",
                "command": ["/usr/local/bin/liqo-demo"],
                "env": [
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "DEMO_MESSAGE", "valueFrom": {"configMapKeyRef": {"name": "demo", "key": "message"}}},
                    {"name": "DEMO_SECRET_FILE", "value": "/etc/demo/token"}
                ],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 1},
                "volumeMounts": [{"name": "secret", "mountPath": "/etc/demo"}]
            }],
            "volumes": [{"name": "secret", "secret": {"secretName": "demo"}}]
        }
    }))
    .unwrap();
    let pods = Api::<Pod>::namespaced(client, "default");
    pods.create(&pp, &pod).await.unwrap();
    let ready = tokio::time::timeout(
        WAIT,
        await_condition(pods.clone(), "demo-1", conditions::is_pod_running()),
    )
    .await
    .expect("the demo pod runs within a minute")
    .unwrap()
    .unwrap();
    let ip = ready.status.unwrap().pod_ip.unwrap();
    // Running is reported once the process started; readiness (the probe) says it listens.
    let is_ready = |p: Option<&Pod>| {
        p.and_then(|p| p.status.as_ref()?.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
    };
    tokio::time::timeout(WAIT, await_condition(pods.clone(), "demo-1", is_ready))
        .await
        .expect("the demo pod is Ready within a minute")
        .unwrap();
    let answer = get(&ip, "/whoami").unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    for part in [
        "\"pod\":\"demo-1\"",
        "\"namespace\":\"default\"",
        &format!("\"podIP\":\"{ip}\""),
        "\"message\":\"hello from a ConfigMap\"",
        "\"secret\":\"from-a-secret\"",
        "\"path\":\"/whoami\"",
    ] {
        assert!(answer.contains(part), "missing {part} in {answer}");
    }
    drop(env);
    let _ = std::fs::remove_dir_all(bin);
}
