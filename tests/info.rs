//! `liqoctl info` and `liqoctl info peer` on real clusters: a consumer authenticated with a
//! provider and holding an accepted slice with its virtual node, read from both sides (boxes,
//! `-o json|yaml`, `--get` and its errors, unknown peers, the recorded Liqo versions and their
//! skew); and a bare cluster, first without Liqo (the not-installed error), then with only
//! upstream's ForeignCluster CRD and upstream-shaped ForeignClusters (their module statuses, a
//! Warning Event as an alert, collection problems as warnings).

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with tests/cli_flows.rs, which uses the rest
mod flows;

use std::process::Output;

use common::{kubeconfig, remote_kubeconfig, stderr, stdout};
use flows::{ok, run, within};
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::annotation::{LOCAL_LIQO_VERSION, PEER_LIQO_VERSION};
use liqo_api::core::{ConditionStatusType, ForeignCluster, Module};
use liqo_testenv::Env;
use serde_json::{Value, json};

const CONSUMER: &str = "info-c";
const PROVIDER: &str = "info-p";
const BARE: &str = "info-bare";
const C_ID: &str = "info-c-id";
const P_ID: &str = "info-p-id";
/// `peer` names the slice, and so its virtual node, after the provider.
const SLICE: &str = P_ID;
const UPSTREAM_PEER: &str = "up-peer";
const UPSTREAM_OTHER: &str = "up-other";

async fn info(env: &Env, cluster: &str, args: &[&str]) -> Output {
    let mut all = vec![kubeconfig(env.cluster(cluster).kubeconfig()), "info".into()];
    all.extend(args.iter().map(|a| (*a).to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    run(&all).await
}

/// The JSON on stdout of a successful run.
fn json_of(what: &str, out: &Output) -> Value {
    ok(what, out);
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{what}: {e}\n{}", stdout(out)))
}

/// Asserts exit 1 with `message` on stderr and nothing on stdout.
fn fails_with(what: &str, out: &Output, message: &str) {
    assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(out));
    assert!(
        stderr(out).contains(message),
        "{what}: {message:?} missing from:\n{}",
        stderr(out)
    );
    assert_eq!(stdout(out), "", "{what}: nothing on stdout");
}

fn healthy(module: &Module) -> bool {
    module.enabled
        && module.conditions.iter().flatten().all(|c| {
            matches!(
                c.status,
                ConditionStatusType::Ready | ConditionStatusType::Established
            )
        })
}

/// Waits until the ForeignCluster `peer` has `ready` modules enabled and healthy.
async fn await_modules(client: &Client, peer: &str, ready: fn(&liqo_api::core::Modules) -> bool) {
    let fcs: Api<ForeignCluster> = Api::all(client.clone());
    let done = move |fc: Option<&ForeignCluster>| {
        fc.and_then(|f| f.status.as_ref()?.modules.as_ref())
            .is_some_and(ready)
    };
    within(
        &format!("ForeignCluster {peer} modules"),
        await_condition(fcs, peer, done),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn info_describes_real_and_upstream_shaped_peerings() {
    // The pair on a test network (so that `peer` builds the tunnel too), the bare cluster
    // beside it.
    let pair = tokio::task::spawn_blocking(|| {
        common::installed_network_env(&[
            (CONSUMER, C_ID, "10.243.0.0/16"),
            (PROVIDER, P_ID, "10.244.0.0/16"),
        ])
    });
    let bare = tokio::task::spawn_blocking(|| {
        Env::builder()
            .cluster(BARE)
            .start_blocking()
            .expect("the bare cluster starts")
    });
    let (env, bare) = (pair.await.unwrap(), bare.await.unwrap());
    let (c, p) = (
        env.cluster(CONSUMER).client(),
        env.cluster(PROVIDER).client(),
    );

    // Without Liqo's namespace: the not-installed error, on a bare cluster and with a wrong -n.
    let not_installed = "Liqo is not installed in the current cluster!";
    fails_with(
        "info on a bare cluster",
        &info(&bare, BARE, &[]).await,
        not_installed,
    );
    let out = info(&env, CONSUMER, &["-n", "nowhere", "peer"]).await;
    fails_with("info peer -n nowhere", &out, not_installed);
    assert!(stderr(&out).contains("liqoctl install"), "{}", stderr(&out));

    // A whole peering: tunnel, authentication, a slice named after the provider and its
    // virtual node, with both Liqo versions recorded.
    let out = run(&[
        &kubeconfig(env.cluster(CONSUMER).kubeconfig()),
        "peer",
        &remote_kubeconfig(env.cluster(PROVIDER).kubeconfig()),
        "--timeout=120s",
    ])
    .await;
    ok("peer", &out);
    await_modules(&c, P_ID, |m| {
        healthy(&m.networking) && healthy(&m.authentication) && healthy(&m.offloading)
    })
    .await;
    await_modules(&p, C_ID, |m| {
        healthy(&m.networking) && healthy(&m.authentication)
    })
    .await;

    consumer_info(&env).await;
    consumer_queries(&env).await;
    peer_info(&env, &c).await;
    upstream_shaped(&bare).await;
}

/// `info` on the consumer: boxes, JSON, YAML with the network; the provider's view.
async fn consumer_info(env: &Env) {
    let out = info(env, CONSUMER, &[]).await;
    ok("info", &out);
    let text = stdout(&out);
    for needle in [
        "┌─ Local installation info ",
        &format!("Cluster ID:     {C_ID}"),
        "┌─ Installation health ",
        "✔    Liqo is healthy",
        "┌─ Active peerings ",
        P_ID,
        "Role:                  Provider",
        "Networking status:     Healthy",
        "Authentication status: Healthy",
        "Offloading status:     Healthy",
        "Liqo version:          ",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(
        !text.contains("┌─ Network "),
        "no network box without -v:\n{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colours off a terminal");
    assert!(
        !stderr(&out).contains("WARN"),
        "nothing to warn about: {}",
        stderr(&out)
    );
    assert!(
        text.lines().all(|l| console_width(l) >= 80),
        "boxes ≥ 80 columns:\n{text}"
    );

    let data = json_of("info -o json", &info(env, CONSUMER, &["-o", "json"]).await);
    assert_eq!(data["local"]["clusterID"], C_ID);
    // Both clusters run this build: each is the other's recorded peer version.
    let version = data["local"]["version"].as_str().unwrap().to_string();
    assert!(!version.is_empty(), "{data:#}");
    assert!(
        data["local"]["APIServerAddr"]
            .as_str()
            .unwrap()
            .starts_with("https://"),
        "{data:#}"
    );
    assert_eq!(data["health"]["healthy"], true, "{data:#}");
    assert!(
        data.get("network").is_none(),
        "network only with -v: {data:#}"
    );
    assert_eq!(
        data["peerings"]["peers"],
        json!([{
            "clusterID": P_ID, "role": "Provider", "networkingStatus": "Healthy",
            "authenticationStatus": "Healthy", "offloadingStatus": "Healthy", "liqoVersion": version,
        }])
    );

    let out = info(env, CONSUMER, &["-v", "-o", "yaml"]).await;
    ok("info -v -o yaml", &out);
    let data: Value = serde_norway::from_str(&stdout(&out)).unwrap();
    let network = &data["network"];
    assert!(
        !network["podCIDRs"].as_array().unwrap().is_empty(),
        "{network:#}"
    );
    for key in ["serviceCIDR", "externalCIDR", "internalCIDR"] {
        assert!(
            network[key].as_str().unwrap().contains('/'),
            "{key}: {network:#}"
        );
    }
    let out = info(env, CONSUMER, &["-v"]).await;
    ok("info -v", &out);
    assert!(stdout(&out).contains("┌─ Network "), "{}", stdout(&out));
    assert!(stdout(&out).contains("Pod CIDRs"), "{}", stdout(&out));

    // On a terminal: colours, unless NO_COLOR says otherwise.
    let args = [
        kubeconfig(env.cluster(CONSUMER).kubeconfig()),
        "info".to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, text) = flows::liqoctl_on_tty(&args, "").await;
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Liqo is healthy") && !text.contains('\u{1b}'),
        "NO_COLOR: {text}"
    );
    let (code, text) = on_colour_tty(&args).await;
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("\u{1b}[32m"),
        "green statuses on a terminal: {text:?}"
    );

    let data = json_of(
        "info -o json (provider)",
        &info(env, PROVIDER, &["-o", "json"]).await,
    );
    assert_eq!(
        data["peerings"]["peers"],
        json!([{
            "clusterID": C_ID, "role": "Consumer", "networkingStatus": "Healthy",
            "authenticationStatus": "Healthy", "offloadingStatus": "Disabled", "liqoVersion": version,
        }])
    );
}

/// liqoctl on a pseudo-terminal without `NO_COLOR`: stdout and stderr, exit code.
async fn on_colour_tty(args: &[&str]) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin("liqoctl");
    let command = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    let out = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm")
            .timeout(flows::WAIT)
            .output()
            .expect("script runs")
    })
    .await
    .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).replace('\r', ""),
    )
}

fn console_width(line: &str) -> usize {
    line.chars().count()
}

/// `--get` on the consumer: fields, the shortcut, objects in the format, errors.
async fn consumer_queries(env: &Env) {
    for query in ["local.clusterid", "clusterid", "Local.ClusterID"] {
        let out = info(env, CONSUMER, &["--get", query]).await;
        ok(query, &out);
        assert_eq!(stdout(&out), format!("{C_ID}\n"), "--get {query}");
    }
    let out = info(env, CONSUMER, &["-g", "network.podcidrs"]).await;
    ok("--get network.podcidrs", &out);
    assert!(
        stdout(&out).starts_with("- "),
        "a YAML list: {}",
        stdout(&out)
    );
    let peers = json_of(
        "--get peerings.peers -o json",
        &info(env, CONSUMER, &["-g", "peerings.peers", "-o", "json"]).await,
    );
    assert_eq!(peers[0]["clusterID"], P_ID);

    let out = info(env, CONSUMER, &["--get", "local.nope"]).await;
    fails_with(
        "--get local.nope",
        &out,
        r#"invalid query "local.nope": "nope" not found"#,
    );
    let out = info(env, CONSUMER, &["--get", "local.clusterid.more"]).await;
    let message = r#"invalid query "local.clusterid.more": "clusterid" is not an object"#;
    fails_with("--get local.clusterid.more", &out, message);
}

/// `info peer` on both sides, unknown peers, and the versions `liqoctl peer` records.
async fn peer_info(env: &Env, c: &Client) {
    let out = info(env, CONSUMER, &["peer"]).await;
    ok("info peer", &out);
    let text = stdout(&out);
    for needle in [
        "┌─ Peer cluster info ",
        "┌─ Network ",
        "┌─ Authentication ",
        "┌─ Offloading ",
        &format!("Cluster ID:   {P_ID}"),
        "Version skew: none",
        "Pod CIDR:      10.244.0.0/16",
        "Role:    Server",
        "Resource slice accepted",
        "Action: Consuming",
        SLICE,
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }

    let data = json_of(
        "info peer -o json",
        &info(env, CONSUMER, &["peer", P_ID, "-o", "json"]).await,
    );
    let peer = &data[P_ID];
    let version = local_version(env).await;
    assert_eq!(
        peer["info"],
        json!({"clusterID": P_ID, "role": "Provider", "liqoVersion": version, "versionSkew": "none"})
    );
    // The provider's pod CIDR, not remapped (it does not overlap ours); its gateway serves.
    let network = &peer["network"];
    assert_eq!(network["status"], "Healthy", "{network:#}");
    assert_eq!(
        network["CIDRs"]["remote"]["pod"],
        json!(["10.244.0.0/16"]),
        "{network:#}"
    );
    assert_eq!(network["gateway"]["role"], "Server", "{network:#}");
    assert!(
        network["gateway"]["port"].as_i64().unwrap() > 0,
        "{network:#}"
    );
    assert!(
        !network["gateway"]["address"].as_array().unwrap().is_empty(),
        "{network:#}"
    );
    let auth = &peer["authentication"];
    assert_eq!(auth["status"], "Healthy");
    assert!(
        auth["APIServerAddr"].as_str().unwrap().starts_with("http"),
        "{auth:#}"
    );
    let slice = &auth["resourceSlices"][0];
    assert_eq!(
        (&slice["name"], &slice["action"], &slice["accepted"]),
        (&json!(SLICE), &json!("Consuming"), &json!(true))
    );
    assert!(slice["resources"]["cpu"].is_string(), "{slice:#}");
    let offloading = &peer["offloading"];
    assert_eq!(offloading["status"], "Healthy");
    let vn = &offloading["virtualNodes"][0];
    assert_eq!(
        (&vn["resourceSlice"], &vn["status"]),
        (&json!(SLICE), &json!("Healthy")),
        "{vn:#}"
    );
    assert!(
        !vn["secret"].as_str().unwrap().is_empty() && vn["resources"]["cpu"].is_string(),
        "{vn:#}"
    );

    let data = json_of(
        "info peer -o json (provider)",
        &info(env, PROVIDER, &["peer", "-o", "json"]).await,
    );
    let slice = &data[C_ID]["authentication"]["resourceSlices"][0];
    assert_eq!(
        (&slice["action"], &slice["accepted"]),
        (&json!("Providing"), &json!(true)),
        "{data:#}"
    );
    assert_eq!(data[C_ID]["info"]["role"], "Consumer");
    let network = &data[C_ID]["network"];
    assert_eq!(
        network["CIDRs"]["remote"]["pod"],
        json!(["10.243.0.0/16"]),
        "{network:#}"
    );
    assert_eq!(network["gateway"]["role"], "Client", "{network:#}");

    // One cluster: the query may leave out its ID.
    for query in ["info.role", &format!("{P_ID}.info.role")] {
        let out = info(env, CONSUMER, &["peer", "--get", query]).await;
        ok(query, &out);
        assert_eq!(stdout(&out), "Provider\n", "--get {query}");
    }
    let out = info(env, CONSUMER, &["peer", "nope", P_ID, "other"]).await;
    fails_with(
        "info peer nope",
        &out,
        r#"Peer clusters "nope, other" not found in active peerings"#,
    );

    // Another recorded peer version: the skew against ours.
    let local = local_version(env).await;
    let annotations = json!({"metadata": {"annotations": {PEER_LIQO_VERSION: "v0.0.1", LOCAL_LIQO_VERSION: "v0.0.1"}}});
    Api::<ForeignCluster>::all(c.clone())
        .patch(P_ID, &PatchParams::default(), &Patch::Merge(annotations))
        .await
        .unwrap();
    let data = json_of(
        "info peer -o json (versions)",
        &info(env, CONSUMER, &["peer", "-o", "json"]).await,
    );
    assert_eq!(data[P_ID]["info"]["liqoVersion"], "v0.0.1");
    assert_eq!(
        data[P_ID]["info"]["versionSkew"],
        format!("local {local}, peer v0.0.1 (major.minor differ)")
    );
    let out = info(env, CONSUMER, &["peer"]).await;
    ok("info peer (versions)", &out);
    assert!(
        stdout(&out).contains("Liqo version: v0.0.1"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("Version skew: local "),
        "{}",
        stdout(&out)
    );
}

/// The consumer's Liqo version, by `--get`.
async fn local_version(env: &Env) -> String {
    let out = info(env, CONSUMER, &["-g", "local.version"]).await;
    ok("--get local.version", &out);
    stdout(&out).trim().to_string()
}

/// Upstream's ForeignCluster CRD only: what upstream's controller writes, read back.
async fn upstream_shaped(env: &Env) {
    let client = env.cluster(BARE).client();
    install_upstream_foreign_cluster_crd(&client).await;
    let tenant_ns = format!("liqo-tenant-{UPSTREAM_PEER}");
    for ns in ["liqo", tenant_ns.as_str()] {
        let namespace: Namespace =
            serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap();
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .unwrap();
    }
    // Installed (as far as info can tell), no peerings yet.
    let out = info(env, BARE, &["peer"]).await;
    ok("info peer without peerings", &out);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("INFO: No active peerings"),
        "{}",
        stderr(&out)
    );
    let out = info(env, BARE, &["peer", "-o", "json"]).await;
    assert_eq!(
        json_of("info peer -o json without peerings", &out),
        json!({})
    );
    let out = info(env, BARE, &[]).await;
    ok("info without peerings", &out);
    assert!(
        stdout(&out).contains("│  No active peerings"),
        "{}",
        stdout(&out)
    );

    let message = |m: &str| m.to_string();
    apply_foreign_cluster(&client, UPSTREAM_PEER, json!({
        "role": "Provider",
        "apiServerUrl": "https://172.18.0.9:6443",
        "foreignProxyUrl": "http://10.70.0.4:8118",
        "tenantNamespace": {"local": tenant_ns, "remote": "liqo-tenant-bare"},
        "modules": {
            "networking": {"enabled": true, "conditions": [
                {"type": "NetworkConfigurationStatus", "status": "Ready", "reason": "NetworkConfigurationPresence",
                 "message": message("The network configuration of the peer cluster is present"),
                 "lastTransitionTime": "2025-07-08T18:40:00Z"},
                {"type": "NetworkConnectionStatus", "status": "Error", "reason": "ConnectionError",
                 "message": message("The network connection with the foreign cluster is in error"),
                 "lastTransitionTime": "2025-07-08T18:41:00Z"},
            ]},
            "authentication": {"enabled": true, "conditions": [
                {"type": "AuthIdentityControlPlaneStatus", "status": "Ready", "reason": "IdentityReady",
                 "message": "The identity has been successfully configured", "lastTransitionTime": "2025-07-08T18:40:00Z"},
            ]},
            "offloading": {"enabled": false},
        },
        "conditions": [{"type": "APIServerStatus", "status": "Established", "reason": "APIServerReady",
                        "message": "The foreign cluster API Server is ready", "lastTransitionTime": "2025-07-08T18:40:00Z"}],
    })).await;
    apply_foreign_cluster(&client, UPSTREAM_OTHER, json!({
        "role": "Unknown",
        "modules": {"networking": {"enabled": false}, "authentication": {"enabled": false}, "offloading": {"enabled": false}},
    })).await;
    let event: Event = serde_json::from_value(json!({
        "metadata": {"name": "up-peer-connection.1", "namespace": tenant_ns},
        "eventTime": "2025-07-08T18:41:00.000000Z", "reportingController": "liqo.io/connection",
        "reportingInstance": "gw-up-peer", "action": "Check", "type": "Warning",
        "reason": "ConnectionFailed", "note": "handshake timed out",
        "regarding": {"apiVersion": "networking.liqo.io/v1beta1", "kind": "Connection", "name": UPSTREAM_PEER, "namespace": tenant_ns},
    }))
    .unwrap();
    Api::<Event>::namespaced(client.clone(), &tenant_ns)
        .create(&PostParams::default(), &event)
        .await
        .unwrap();

    // No controller manager, no cluster ID, no Liqo CRDs but one: warnings, not a failure.
    let out = info(env, BARE, &["-o", "json"]).await;
    let data = json_of("info on upstream-shaped clusters", &out);
    assert!(
        stderr(&out).contains("WARN"),
        "collection problems are warnings: {}",
        stderr(&out)
    );
    assert_eq!(
        data["peerings"]["peers"],
        json!([
            {"clusterID": UPSTREAM_OTHER, "role": "Unknown", "networkingStatus": "Disabled",
             "authenticationStatus": "Disabled", "offloadingStatus": "Disabled"},
            {"clusterID": UPSTREAM_PEER, "role": "Provider", "networkingStatus": "Unhealthy",
             "authenticationStatus": "Healthy", "offloadingStatus": "Disabled", "liqoVersion": "v1.0.0"},
        ])
    );

    let out = info(env, BARE, &["peer", UPSTREAM_PEER, "-o", "json"]).await;
    let data = json_of("info peer (upstream-shaped)", &out);
    let unserved = "WARN: unable to get the ResourceSlices of cluster up-peer: the API is not served by this cluster (its CRD is not installed)";
    assert!(stderr(&out).contains(unserved), "{}", stderr(&out));
    let peer = &data[UPSTREAM_PEER];
    assert_eq!(
        peer["info"],
        json!({"clusterID": UPSTREAM_PEER, "role": "Provider", "liqoVersion": "v1.0.0",
               "versionSkew": "local v1.1.0, peer v1.0.0 (major.minor differ)"})
    );
    assert_eq!(peer["network"]["status"], "Unhealthy");
    assert_eq!(
        peer["network"]["alerts"],
        json!([
            "The network connection with the foreign cluster is in error",
            "Last Warning Event on Connection up-peer: ConnectionFailed: handshake timed out",
        ])
    );
    assert_eq!(peer["authentication"]["status"], "Healthy");
    assert_eq!(
        peer["authentication"]["APIServerAddr"],
        "http://10.70.0.4:8118"
    );
    assert_eq!(peer["offloading"]["status"], "Disabled");

    // Two clusters: a query starts with one's ID.
    let out = info(env, BARE, &["peer", "--get", "info.role"]).await;
    let message = r#"cluster "info" in query "info.role" is not among the requested clusters"#;
    fails_with("info peer --get info.role (two clusters)", &out, message);
    let out = info(
        env,
        BARE,
        &["peer", "--get", &format!("{UPSTREAM_PEER}.info.role")],
    )
    .await;
    ok("--get up-peer.info.role", &out);
    assert_eq!(stdout(&out), "Provider\n");
    let out = info(env, BARE, &["peer"]).await;
    ok("info peer (boxes, upstream-shaped)", &out);
    let text = stdout(&out);
    assert!(
        text.contains("• Last Warning Event on Connection up-peer"),
        "{text}"
    );
    assert_eq!(text.matches("┌─ Peer cluster info ").count(), 2, "{text}");
    assert!(
        text.contains("┘\n\n\n┌─ Peer cluster info "),
        "two blank lines between clusters:\n{text}"
    );
}

async fn install_upstream_foreign_cluster_crd(client: &Client) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/liqo-crds/core.liqo.io_foreignclusters.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let crd: CustomResourceDefinition = serde_norway::from_str(&text).unwrap();
    Api::<CustomResourceDefinition>::all(client.clone())
        .create(&PostParams::default(), &crd)
        .await
        .unwrap();
    liqo_kube::install::await_crd_established(client, &crd.name_any(), flows::WAIT)
        .await
        .unwrap();
}

/// An upstream-made ForeignCluster: the object (with the versions `liqoctl peer` records on
/// `up-peer`), then its status through the status subresource.
async fn apply_foreign_cluster(client: &Client, id: &str, status: Value) {
    let api: Api<ForeignCluster> = Api::all(client.clone());
    let mut object = json!({
        "apiVersion": "core.liqo.io/v1beta1", "kind": "ForeignCluster",
        "metadata": {"name": id, "labels": {"liqo.io/remote-cluster-id": id}},
        "spec": {"clusterID": id},
    });
    if id == UPSTREAM_PEER {
        object["metadata"]["annotations"] =
            json!({PEER_LIQO_VERSION: "v1.0.0", LOCAL_LIQO_VERSION: "v1.1.0"});
    }
    let object: ForeignCluster = serde_json::from_value(object).unwrap();
    api.create(&PostParams::default(), &object).await.unwrap();
    api.patch_status(
        id,
        &PatchParams::default(),
        &Patch::Merge(json!({"status": status})),
    )
    .await
    .unwrap_or_else(|e| panic!("status of ForeignCluster {id}: {e}"));
}
