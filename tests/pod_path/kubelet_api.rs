//! The kubelet API of the virtual node in tests/pod_path.rs: `kubectl logs|exec|attach` and
//! `port-forward` of an offloaded pod reach the provider's pod; an anonymous caller is refused.

use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;

use crate::pods::{self, ClientPod, FollowedLog, kubectl};
use crate::{NS, SPEC, peer_pair};

/// `kubectl logs` and `exec` of an offloaded pod (the API server → the virtual kubelet's kubelet
/// API → the provider's pod): the request made above is in the log; `-f` still streams a request
/// made 16 s later (upstream cuts follows short, liqo#2523); attach shows the provider
/// container's output from then on; exec runs in the provider's pod with its exit code; a
/// caller without credentials is refused by the kubelet API itself (upstream serves anyone).
pub async fn logs_exec_and_attach_reach_the_provider(
    pod: &Pod,
    vk_ips: &[String],
    client: &ClientPod,
) {
    let kc = peer_pair::env().cluster(SPEC.c).kubeconfig().to_path_buf();
    let name = pod.name_any();
    let log = kubectl(&kc, &["logs", "-n", NS, &name]).await;
    assert!(
        log.contains("\"GET / HTTP/1.1\" 200"),
        "{name}'s log: {log}"
    );

    let mut followed = FollowedLog::start(&kc, &["-n", NS, &name]);
    followed.until("\"GET / HTTP/1.1\"", pods::WAIT).await;
    // Past the 15 s upstream's follow gives up at; the wait is the point of the check.
    tokio::time::sleep(std::time::Duration::from_secs(16)).await;
    let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap();
    client.get(&format!("http://{ip}:8080/after-16s")).await;
    followed
        .until("GET /after-16s", std::time::Duration::from_secs(10))
        .await;

    // attach: the provider container's output from now on; its stdin is not open there.
    let url = format!("http://{ip}:8080/attached");
    let request = async { drop(client.get(&url).await) };
    pods::attach_sees(&kc, (NS, &name, "demo"), request, "GET /attached").await;
    let stdin = pods::kubectl_command(&kc, &["attach", "-i", "-n", NS, &name, "-c", "demo"])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&stdin.stderr);
    assert!(
        !stdin.status.success() && err.contains("stdin is not open"),
        "attach -i: {err}"
    );

    // exec runs in the provider's pod: its namespace is the twin, its Secret is mounted; the
    // exit code and stdin come through.
    let whoami = kubectl(
        &kc,
        &[
            "exec",
            "-n",
            NS,
            &name,
            "-c",
            "demo",
            "--",
            "liqo-demo",
            "whoami",
        ],
    )
    .await;
    let remote_ns = format!("{NS}-{}", SPEC.c_id);
    for part in [
        format!("\"pod\":\"{name}\""),
        format!("\"namespace\":\"{remote_ns}\""),
        "\"secret\":\"s3cr3t\"".to_owned(),
    ] {
        assert!(
            whoami.contains(&part),
            "missing {part} in exec output {whoami}"
        );
    }
    let failing = pods::kubectl_command(
        &kc,
        &[
            "exec",
            "-n",
            NS,
            &name,
            "--",
            "liqo-demo",
            "--port",
            "not-a-port",
        ],
    )
    .output()
    .await
    .unwrap();
    assert_eq!(
        failing.status.code(),
        Some(2),
        "the remote exit code: {}",
        String::from_utf8_lossy(&failing.stderr)
    );
    assert!(
        String::from_utf8_lossy(&failing.stderr).contains("not-a-port"),
        "{}",
        String::from_utf8_lossy(&failing.stderr)
    );

    let url = format!("https://{}:10250", vk_ips[0]);
    let mut config = kube::Config::new(url.parse().unwrap());
    config.accept_invalid_certs = true;
    let anonymous = kube::Client::try_from(config).unwrap();
    let path = format!("/containerLogs/{NS}/{name}/demo");
    let refused = anonymous
        .request_text(http::Request::get(path).body(Vec::new()).unwrap())
        .await;
    match refused {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 401, "{status:?}"),
        other => panic!("an anonymous log request was not refused with 401: {other:?}"),
    }
}

/// `kubectl port-forward` of an offloaded pod (the API server → the virtual kubelet → the
/// provider's API server → the provider's kubelet → the pod's port): two connections each get
/// the provider pod's answer; a port nothing listens on ends its connection, and kubectl
/// prints the provider's reason.
pub async fn port_forward_reaches_the_provider(pod: &Pod) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let kc = peer_pair::env().cluster(SPEC.c).kubeconfig().to_path_buf();
    let name = pod.name_any();
    let target = format!("pod/{name}");
    let mut child = pods::kubectl_command(&kc, &["port-forward", "-n", NS, &target, ":8080", ":9"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    // "Forwarding from 127.0.0.1:<local> -> <remote>", one per port.
    let mut local = std::collections::BTreeMap::new();
    let forwarding = async {
        while local.len() < 2 {
            let line = stdout
                .next_line()
                .await
                .unwrap()
                .expect("kubectl port-forward ended");
            let Some(rest) = line.strip_prefix("Forwarding from 127.0.0.1:") else {
                continue;
            };
            let (from, to) = rest.split_once(" -> ").unwrap();
            local.insert(to.to_owned(), from.parse::<u16>().unwrap());
        }
    };
    tokio::time::timeout(pods::WAIT, forwarding)
        .await
        .expect("kubectl port-forward printed its two ports");
    let get = |port: u16, path: &'static str| async move {
        let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let request = format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).await.map(|_| answer)
    };
    for path in ["/forwarded-1", "/forwarded-2"] {
        let answer = tokio::time::timeout(pods::WAIT, get(local["8080"], path))
            .await
            .expect("an answer through port-forward")
            .unwrap();
        if !answer.starts_with("HTTP/1.1 200") {
            let mut said = Vec::new();
            let drain = async {
                while let Ok(Some(line)) = stderr.next_line().await {
                    said.push(line);
                }
            };
            let _ = tokio::time::timeout(std::time::Duration::from_secs(3), drain).await;
            panic!("{path} through port-forward got {answer:?}; kubectl said {said:?}");
        }
        assert!(answer.contains(&format!("\"pod\":\"{name}\"")), "{answer}");
    }
    // Port 9: the connection ends without an answer, and kubectl says why.
    let refused = tokio::time::timeout(pods::WAIT, get(local["9"], "/"))
        .await
        .expect("the forwarded connection to port 9 ended");
    assert!(
        refused.as_deref().map_or(true, str::is_empty),
        "port 9 answered: {refused:?}"
    );
    let reason = async {
        loop {
            let line = stderr.next_line().await.unwrap().expect("kubectl ended");
            if line.contains("error forwarding port 9") {
                return line;
            }
        }
    };
    let line = tokio::time::timeout(pods::WAIT, reason)
        .await
        .expect("kubectl printed why port 9 failed");
    assert!(line.to_lowercase().contains("refused"), "{line}");
    drop(child);
}
