//! The bad-input matrix: every refused invocation of the two-cluster commands, install,
//! uninstall and version exits with the right code, says the cause on its first error line, and
//! leaves all three clusters exactly as they were (a snapshot of every object before and after).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use assert_cmd::Command;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, ServiceAccount};
use kube::api::PostParams;
use kube::runtime::wait::await_condition;
use kube::{Api, Client};
use liqo_testenv::Env;

/// alpha and beta have Liqo; bare does not. Shared by every case, never peered.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    common::installed_env(&[("alpha", "alpha-id"), ("beta", "beta-id")], &["bare"])
});

/// One refused invocation.
struct Case {
    name: &'static str,
    args: Vec<String>,
    /// Extra environment (`KUBECONFIG`).
    env: Vec<(&'static str, String)>,
    code: i32,
    /// The first stderr line that is not progress (`INFO: …`), exactly or as a prefix.
    first_line: Expect,
}

enum Expect {
    Exact(String),
    Prefix(String),
}

fn case(name: &'static str, args: &[&str], code: i32, first_line: Expect) -> Case {
    Case {
        name,
        args: args.iter().map(ToString::to_string).collect(),
        env: Vec::new(),
        code,
        first_line,
    }
}

fn exact(s: impl Into<String>) -> Expect {
    Expect::Exact(s.into())
}

fn prefix(s: impl Into<String>) -> Expect {
    Expect::Prefix(s.into())
}

/// The files the cases point at, in a directory removed at the end.
struct Files {
    dir: PathBuf,
}

impl Files {
    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn write(&self, name: &str, text: &str) -> String {
        std::fs::write(self.dir.join(name), text).expect("fixture written");
        self.path(name)
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn kubeconfig_text(cluster: &str) -> String {
    std::fs::read_to_string(ENV.cluster(cluster).kubeconfig()).expect("kubeconfig readable")
}

/// The value of `key: value` in a testenv kubeconfig (one cluster, one user).
fn field(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("{key} in kubeconfig"))
        .to_string()
}

/// A token kubeconfig for `server` trusting `ca_data`.
fn token_kubeconfig(server: &str, ca_data: &str, user: &str, token: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: {server}
    certificate-authority-data: {ca_data}
users:
- name: {user}
  user:
    token: {token}
contexts:
- name: c
  context:
    cluster: c
    user: {user}
current-context: c
"
    )
}

/// A ServiceAccount on alpha bound to no role: its token authenticates and may do nothing.
async fn powerless_token(client: &Client) -> String {
    let sa: ServiceAccount = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "nobody", "namespace": "default"}
    }))
    .expect("service account");
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), "default");
    match api.create(&PostParams::default(), &sa).await {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 409 => {}
        Err(e) => panic!("creating ServiceAccount nobody: {e}"),
    }
    let request: TokenRequest = serde_json::from_value(serde_json::json!({
        "spec": {"audiences": [], "expirationSeconds": 3600}
    }))
    .expect("token request");
    api.create_token_request("nobody", &PostParams::default(), &request)
        .await
        .expect("token issued")
        .status
        .expect("token status")
        .token
        .expect("token")
}

/// A namespace with the tenant namespace's name, created before the snapshots.
async fn squat(client: &Client, name: &str, labels: serde_json::Value) {
    let ns: Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": name, "labels": labels}}))
            .expect("namespace");
    match Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
    {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 409 => {}
        Err(e) => panic!("creating namespace {name}: {e}"),
    }
    // Kubernetes fills a new namespace with its CA ConfigMap and default ServiceAccount: wait
    // for both, or they would show up as a change made by the next case.
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), name);
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), name);
    let filled = async {
        await_condition(cms, "kube-root-ca.crt", |o: Option<&ConfigMap>| o.is_some()).await?;
        await_condition(sas, "default", |o: Option<&ServiceAccount>| o.is_some()).await
    };
    tokio::time::timeout(Duration::from_secs(60), filled)
        .await
        .expect("namespace filled within 60s")
        .expect("watching the namespace");
}

/// liqoctl with `args` and only `env` from the kubeconfig variables; no terminal.
fn run(args: &[String], env: &[(&str, String)], home: &Path) -> std::process::Output {
    let mut cmd = Command::cargo_bin("liqoctl").expect("liqoctl is built");
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        // No ~/.kube/config of the machine running the tests leaks in.
        .env("HOME", home)
        .timeout(Duration::from_secs(120));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("liqoctl runs")
}

/// The first stderr line that is not a progress line.
fn first_problem(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .find(|l| !l.starts_with("INFO: ") && !l.trim().is_empty())
}

async fn snapshots(clients: &[Client; 3]) -> [BTreeSet<String>; 3] {
    let (a, b, c) = tokio::join!(
        common::snapshot(&clients[0]),
        common::snapshot(&clients[1]),
        common::snapshot(&clients[2]),
    );
    [a, b, c]
}

#[allow(clippy::too_many_lines)] // the table is the test
fn cases(f: &Files, nobody_token: &str) -> Vec<Case> {
    let kc = |c: &str| common::kubeconfig(ENV.cluster(c).kubeconfig());
    let rkc = |c: &str| common::remote_kubeconfig(ENV.cluster(c).kubeconfig());
    let path = |c: &str| ENV.cluster(c).kubeconfig().display().to_string();
    let server = |c: &str| ENV.cluster(c).server().trim_end_matches('/').to_string();
    let alpha = kubeconfig_text("alpha");
    let beta = kubeconfig_text("beta");
    let alpha_ca = field(&alpha, "certificate-authority-data");

    let missing = f.path("missing.yaml");
    let dir = f.dir.display().to_string();
    let empty = f.write("empty.yaml", "\n");
    let not_yaml = f.write("not-yaml.yaml", "this: is: not: a kubeconfig");
    let configmap = f.write(
        "configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    let closed = f.write(
        "closed.yaml",
        &alpha.replace(&field(&alpha, "server"), "https://127.0.0.1:1"),
    );
    let other_ca = f.write(
        "other-ca.yaml",
        &alpha.replace(&alpha_ca, &field(&beta, "certificate-authority-data")),
    );
    // beta's admin certificate, which alpha's CA did not sign.
    let foreign_cert = f.write(
        "foreign-cert.yaml",
        &alpha
            .replace(
                &field(&alpha, "client-certificate-data"),
                &field(&beta, "client-certificate-data"),
            )
            .replace(
                &field(&alpha, "client-key-data"),
                &field(&beta, "client-key-data"),
            ),
    );
    let bad_token = f.write(
        "bad-token.yaml",
        &token_kubeconfig(&server("alpha"), &alpha_ca, "stranger", "not-a-token"),
    );
    let nobody = f.write(
        "nobody.yaml",
        &token_kubeconfig(&server("alpha"), &alpha_ca, "nobody", nobody_token),
    );
    // alpha again, through another address: only the cluster IDs can tell.
    let alias = f.write(
        "alias.yaml",
        &alpha.replace("https://127.0.0.1:", "https://localhost:"),
    );
    let flag = |name: &str, value: &str| format!("--{name}={value}");
    let forbidden_cm = "Forbidden: configmaps \"liqo-clusterid-configmap\" is forbidden: User \"system:serviceaccount:default:nobody\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"liqo\"";
    let timeout_err = |value: &str, why: &str| {
        exact(format!(
            "error: invalid value '{value}' for '--timeout <TIMEOUT>': invalid timeout \"{value}\": {why}"
        ))
    };
    let not_set = exact(
        "ERRO: the remote cluster is not set: pass --remote-kubeconfig (and --remote-context if needed)",
    );

    vec![
        // Kubeconfig files, remote side.
        case(
            "remote kubeconfig missing",
            &[
                &kc("alpha"),
                "authenticate",
                &flag("remote-kubeconfig", &missing),
            ],
            1,
            exact(format!(
                "ERRO: cannot read --remote-kubeconfig {missing}: no such file"
            )),
        ),
        case(
            "remote kubeconfig is a directory",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &flag("remote-kubeconfig", &dir),
            ],
            1,
            exact(format!(
                "ERRO: cannot read --remote-kubeconfig {dir}: it is a directory, not a kubeconfig file"
            )),
        ),
        case(
            "remote kubeconfig empty",
            &[
                &kc("alpha"),
                "authenticate",
                &flag("remote-kubeconfig", &empty),
            ],
            1,
            exact(format!(
                "ERRO: --remote-kubeconfig {empty} is empty: it is not a kubeconfig"
            )),
        ),
        case(
            "remote kubeconfig not YAML",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &flag("remote-kubeconfig", &not_yaml),
            ],
            1,
            prefix(format!(
                "ERRO: --remote-kubeconfig {not_yaml} is not a kubeconfig: invalid YAML"
            )),
        ),
        case(
            "remote kubeconfig is a ConfigMap",
            &[
                &kc("alpha"),
                "network",
                "disconnect",
                "--skip-confirm",
                &flag("remote-kubeconfig", &configmap),
            ],
            1,
            exact(format!(
                "ERRO: --remote-kubeconfig {configmap} is not a kubeconfig: it is a ConfigMap, not a Config"
            )),
        ),
        case(
            "unknown remote context",
            &[
                &kc("alpha"),
                "authenticate",
                &rkc("beta"),
                "--remote-context=nope",
            ],
            1,
            exact(format!(
                "ERRO: --remote-context \"nope\" is not defined in --remote-kubeconfig {} (contexts: beta)",
                path("beta")
            )),
        ),
        case(
            "unknown remote user",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--remote-user=nope",
            ],
            1,
            exact(format!(
                "ERRO: --remote-user \"nope\" is not defined in --remote-kubeconfig {} (users: beta)",
                path("beta")
            )),
        ),
        // Kubeconfig files, local side.
        case(
            "local kubeconfig missing",
            &[&flag("kubeconfig", &missing), "authenticate", &rkc("beta")],
            1,
            exact(format!(
                "ERRO: cannot read --kubeconfig {missing}: no such file"
            )),
        ),
        case(
            "local kubeconfig is a directory",
            &[&flag("kubeconfig", &dir), "install"],
            1,
            exact(format!(
                "ERRO: cannot read --kubeconfig {dir}: it is a directory, not a kubeconfig file"
            )),
        ),
        case(
            "local kubeconfig empty",
            &[&flag("kubeconfig", &empty), "uninstall", "--skip-confirm"],
            1,
            exact(format!(
                "ERRO: --kubeconfig {empty} is empty: it is not a kubeconfig"
            )),
        ),
        case(
            "unknown local context",
            &[&kc("alpha"), "install", "--context=nope"],
            1,
            exact(format!(
                "ERRO: --context \"nope\" is not defined in --kubeconfig {} (contexts: alpha)",
                path("alpha")
            )),
        ),
        case(
            "local kubeconfig not a kubeconfig, on version",
            &[&flag("kubeconfig", &not_yaml), "version"],
            1,
            prefix(format!(
                "WARN: --kubeconfig {not_yaml} is not a kubeconfig: invalid YAML"
            )),
        ),
        Case {
            env: vec![("KUBECONFIG", missing.clone())],
            ..case(
                "KUBECONFIG missing",
                &["network", "reset", "--skip-confirm", &rkc("beta")],
                1,
                exact(format!(
                    "ERRO: cannot read KUBECONFIG={missing}: no such file"
                )),
            )
        },
        // Which clusters.
        case(
            "same cluster on both sides",
            &[&kc("alpha"), "authenticate", &rkc("alpha")],
            1,
            exact(format!(
                "ERRO: local and remote clusters must be different: the local and remote kubeconfigs both reach {}",
                server("alpha")
            )),
        ),
        case(
            "same cluster through two addresses",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &flag("remote-kubeconfig", &alias),
            ],
            1,
            exact(
                "ERRO: local and remote clusters must be different: both have cluster ID \"alpha-id\" (the same cluster through two contexts?)",
            ),
        ),
        case(
            "Liqo not installed remotely",
            &[&kc("alpha"), "authenticate", &rkc("bare")],
            1,
            exact(format!(
                "ERRO: Liqo is not installed in the remote cluster ({}): namespace \"liqo\" does not exist; run `liqoctl install` there first, or pass the namespace Liqo is installed in",
                server("bare")
            )),
        ),
        case(
            "Liqo not installed locally",
            &[
                &kc("bare"),
                "network",
                "reset",
                "--skip-confirm",
                &rkc("alpha"),
            ],
            1,
            prefix(format!(
                "ERRO: Liqo is not installed in the local cluster ({}): namespace \"liqo\" does not exist",
                server("bare")
            )),
        ),
        case(
            "missing Liqo namespace via -n",
            &[&kc("alpha"), "authenticate", &rkc("beta"), "-n", "nosuch"],
            1,
            prefix(format!(
                "ERRO: Liqo is not installed in the local cluster ({}): namespace \"nosuch\" does not exist",
                server("alpha")
            )),
        ),
        case(
            "remote Liqo namespace without Liqo",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--remote-liqo-namespace=default",
            ],
            1,
            exact(format!(
                "ERRO: Liqo is not installed in the remote cluster ({}) in namespace \"default\": the namespace exists but has no ConfigMap liqo-clusterid-configmap; run `liqoctl install` there first",
                server("beta")
            )),
        ),
        case(
            "missing Liqo namespace via --liqo-namespace on reset",
            &[
                &kc("alpha"),
                "network",
                "reset",
                "--skip-confirm",
                &rkc("beta"),
                "--liqo-namespace=nosuch",
            ],
            1,
            prefix(format!(
                "ERRO: Liqo is not installed in the local cluster ({}): namespace \"nosuch\" does not exist",
                server("alpha")
            )),
        ),
        case(
            "missing tenant namespace via -n on connect",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "-n",
                "nosuch",
            ],
            1,
            exact("ERRO: local cluster: namespace nosuch (given by --namespace) does not exist"),
        ),
        case(
            "missing remote tenant namespace on connect",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--remote-namespace=nosuch",
            ],
            1,
            exact(
                "ERRO: remote cluster: namespace nosuch (given by --remote-namespace) does not exist",
            ),
        ),
        case(
            "missing --remote-kubeconfig on authenticate",
            &[&kc("alpha"), "authenticate"],
            1,
            not_set,
        ),
        case(
            "missing --remote-kubeconfig on disconnect",
            &[&kc("alpha"), "network", "disconnect", "--skip-confirm"],
            1,
            exact(
                "ERRO: the remote cluster is not set: pass --remote-kubeconfig (and --remote-context if needed)",
            ),
        ),
        // Transport and credentials.
        case(
            "remote server unreachable",
            &[
                &kc("beta"),
                "authenticate",
                &flag("remote-kubeconfig", &closed),
            ],
            1,
            exact(format!(
                "ERRO: cannot reach the remote cluster at https://127.0.0.1:1 (--remote-kubeconfig {closed}): connection refused"
            )),
        ),
        case(
            "local server unreachable",
            &[&flag("kubeconfig", &closed), "install"],
            1,
            exact(format!(
                "ERRO: cannot reach the local cluster at https://127.0.0.1:1 (--kubeconfig {closed}): connection refused"
            )),
        ),
        case(
            "local server unreachable, on version",
            &[&flag("kubeconfig", &closed), "version"],
            1,
            exact(format!(
                "WARN: cannot reach the local cluster at https://127.0.0.1:1 (--kubeconfig {closed}): connection refused"
            )),
        ),
        case(
            "remote server from an unknown CA",
            &[
                &kc("beta"),
                "network",
                "connect",
                &flag("remote-kubeconfig", &other_ca),
            ],
            1,
            exact(format!(
                "ERRO: TLS handshake with the remote cluster at {} failed (--remote-kubeconfig {other_ca}): invalid peer certificate: UnknownIssuer: the server's certificate is not signed by the kubeconfig's certificate-authority",
                server("alpha")
            )),
        ),
        case(
            "local server from an unknown CA",
            &[
                &flag("kubeconfig", &other_ca),
                "uninstall",
                "--skip-confirm",
            ],
            1,
            prefix(format!(
                "ERRO: TLS handshake with the local cluster at {} failed (--kubeconfig {other_ca}): invalid peer certificate: UnknownIssuer",
                server("alpha")
            )),
        ),
        case(
            "remote client certificate from another CA (401)",
            &[
                &kc("beta"),
                "authenticate",
                &flag("remote-kubeconfig", &foreign_cert),
            ],
            1,
            exact(format!(
                "ERRO: the remote cluster at {} rejected the credentials of user \"alpha\" in --remote-kubeconfig {foreign_cert} (401 Unauthorized): check --remote-user or renew the credentials",
                server("alpha")
            )),
        ),
        case(
            "local bad token (401)",
            &[
                &flag("kubeconfig", &bad_token),
                "network",
                "disconnect",
                "--skip-confirm",
                &rkc("beta"),
            ],
            1,
            exact(format!(
                "ERRO: the local cluster at {} rejected the credentials of user \"stranger\" in --kubeconfig {bad_token} (401 Unauthorized): check --user or renew the credentials",
                server("alpha")
            )),
        ),
        case(
            "remote user without rights (403)",
            &[
                &kc("beta"),
                "authenticate",
                &flag("remote-kubeconfig", &nobody),
            ],
            1,
            exact(format!(
                "ERRO: cannot read the remote cluster ID (ConfigMap liqo/liqo-clusterid-configmap) at {}: {forbidden_cm}",
                server("alpha")
            )),
        ),
        case(
            "local user without rights (403), on install",
            &[&flag("kubeconfig", &nobody), "install"],
            1,
            exact(format!(
                "ERRO: failed to read the cluster identity (ConfigMap liqo/liqo-clusterid-configmap): {forbidden_cm}"
            )),
        ),
        case(
            "local user without rights (403), on uninstall",
            &[&flag("kubeconfig", &nobody), "uninstall", "--skip-confirm"],
            1,
            prefix(
                "ERRO: failed to list ForeignClusters: Forbidden: foreignclusters.core.liqo.io is forbidden: User \"system:serviceaccount:default:nobody\" cannot list resource \"foreignclusters\"",
            ),
        ),
        // Timeouts: clap's usage errors, exit 2.
        case(
            "negative timeout as a separate argument",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--timeout",
                "-1s",
            ],
            2,
            timeout_err("-1s", "it must be positive, such as 90s or 2m"),
        ),
        case(
            "negative timeout on authenticate",
            &[
                &kc("alpha"),
                "authenticate",
                &rkc("beta"),
                "--timeout",
                "-1s",
            ],
            2,
            timeout_err("-1s", "it must be positive, such as 90s or 2m"),
        ),
        case(
            "zero timeout",
            &[&kc("alpha"), "authenticate", &rkc("beta"), "--timeout=0s"],
            2,
            timeout_err("0s", "it must be greater than zero"),
        ),
        case(
            "unknown timeout unit",
            &[&kc("alpha"), "install", "--timeout=5x"],
            2,
            timeout_err("5x", "unit \"x\" is not one of ns, us, µs, ms, s, m, h"),
        ),
        case(
            "absurd timeout on uninstall",
            &[
                &kc("alpha"),
                "uninstall",
                "--skip-confirm",
                "--timeout=1000000h",
            ],
            2,
            timeout_err("1000000h", "it exceeds the maximum of one year (8760h)"),
        ),
        case(
            "absurd timeout on reset",
            &[
                &kc("alpha"),
                "network",
                "reset",
                "--skip-confirm",
                &rkc("beta"),
                "--timeout",
                "1000000h",
            ],
            2,
            timeout_err("1000000h", "it exceeds the maximum of one year (8760h)"),
        ),
        // Other flag values.
        case(
            "bad service type",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--gw-server-service-type=Bogus",
            ],
            2,
            prefix("error: invalid value 'Bogus' for '--gw-server-service-type"),
        ),
        case(
            "bad output format",
            &[&kc("alpha"), "install", "--dry-run", "-o", "xml"],
            2,
            prefix("error: invalid value 'xml' for '--output <OUTPUT>'"),
        ),
        case(
            "unknown gateway server template",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--gw-server-template-name=missing",
            ],
            1,
            prefix(
                "ERRO: (remote) An error occurred while checking gateway server template \"missing/liqo\"",
            ),
        ),
        case(
            "in-band authentication without a network",
            &[&kc("alpha"), "authenticate", &rkc("beta"), "--in-band"],
            1,
            prefix("ERRO: no IP found"),
        ),
        case(
            "remote kubeconfig missing, on version",
            &[
                &kc("alpha"),
                "version",
                &flag("remote-kubeconfig", &missing),
            ],
            1,
            exact(format!(
                "WARN: (remote) cannot read --remote-kubeconfig {missing}: no such file"
            )),
        ),
    ]
}

/// Cases run after the tenant namespaces are squatted (see [`squat`]): alpha's tenant
/// namespace for beta exists without labels, beta's for alpha is labelled for a third cluster.
fn squat_cases() -> Vec<Case> {
    let kc = |c: &str| common::kubeconfig(ENV.cluster(c).kubeconfig());
    let rkc = |c: &str| common::remote_kubeconfig(ENV.cluster(c).kubeconfig());
    let unlabelled = "ERRO: local cluster: namespace liqo-tenant-beta-id exists but is not the tenant namespace of cluster beta-id: label liqo.io/remote-cluster-id is missing (expected \"beta-id\"), label liqo.io/tenant-namespace is missing (expected \"true\")";
    let foreign = "ERRO: local cluster: namespace liqo-tenant-alpha-id exists but is not the tenant namespace of cluster alpha-id: label liqo.io/remote-cluster-id is \"gamma-id\" (expected \"alpha-id\")";
    vec![
        case(
            "tenant namespace squatted by an unlabelled namespace, on authenticate",
            &[&kc("alpha"), "authenticate", &rkc("beta")],
            1,
            exact(unlabelled),
        ),
        case(
            "tenant namespace squatted by an unlabelled namespace, on connect",
            &[&kc("alpha"), "network", "connect", &rkc("beta")],
            1,
            exact(unlabelled),
        ),
        case(
            "tenant namespace labelled for another cluster, on authenticate",
            &[&kc("beta"), "authenticate", &rkc("alpha")],
            1,
            exact(foreign),
        ),
        case(
            "tenant namespace labelled for another cluster, on connect",
            &[&kc("beta"), "network", "connect", &rkc("alpha")],
            1,
            exact(foreign),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stderr)] // the case count is part of the closing note
async fn refused_input_names_its_cause_first_and_changes_no_cluster() {
    let clients = [
        ENV.cluster("alpha").client(),
        ENV.cluster("beta").client(),
        ENV.cluster("bare").client(),
    ];
    let dir = std::env::temp_dir().join(format!("liqoctl-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("home")).expect("fixture dir");
    let files = Files { dir };
    let token = powerless_token(&clients[0]).await;
    let home = files.dir.join("home");
    let mut failures = Vec::new();
    let cases = cases(&files, &token);
    run_table(&cases, &clients, &home, &mut failures).await;
    let before_squat = snapshots(&clients).await;
    squat(&clients[0], "liqo-tenant-beta-id", serde_json::json!({})).await;
    squat(
        &clients[1],
        "liqo-tenant-alpha-id",
        serde_json::json!({"liqo.io/tenant-namespace": "true", "liqo.io/remote-cluster-id": "gamma-id"}),
    )
    .await;
    // The snapshots see a namespace appear: the no-change checks can fail.
    let after_squat = snapshots(&clients).await;
    let added: Vec<_> = after_squat[0].difference(&before_squat[0]).collect();
    assert!(
        added.contains(&&"/Namespace /liqo-tenant-beta-id".to_string()),
        "the snapshot sees the squatted namespace: {added:?}"
    );
    let squats = squat_cases();
    run_table(&squats, &clients, &home, &mut failures).await;
    let total = cases.len() + squats.len();
    eprintln!("bad-input matrix: {total} cases, {} failed", failures.len());
    assert!(total >= 30, "the matrix has {total} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs each case between two snapshots of every cluster; collects what went wrong.
async fn run_table(cases: &[Case], clients: &[Client; 3], home: &Path, failures: &mut Vec<String>) {
    for case in cases {
        let before = snapshots(clients).await;
        let out = run(&case.args, &case.env, home);
        let after = snapshots(clients).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = first_problem(&stderr).unwrap_or("");
        let line_ok = match &case.first_line {
            Expect::Exact(want) => first == want,
            Expect::Prefix(want) => first.starts_with(want.as_str()),
        };
        let mut problems = Vec::new();
        if out.status.code() != Some(case.code) {
            problems.push(format!("exit {:?}, want {}", out.status.code(), case.code));
        }
        if !line_ok {
            problems.push(format!(
                "first line {first:?}, want {}",
                match &case.first_line {
                    Expect::Exact(w) => format!("{w:?}"),
                    Expect::Prefix(w) => format!("prefix {w:?}"),
                }
            ));
        }
        for (name, (b, a)) in ["alpha", "beta", "bare"]
            .iter()
            .zip(before.iter().zip(&after))
        {
            let added: Vec<_> = a.difference(b).collect();
            let removed: Vec<_> = b.difference(a).collect();
            if !added.is_empty() || !removed.is_empty() {
                problems.push(format!("{name} changed: +{added:?} -{removed:?}"));
            }
        }
        if stderr.contains("Status {")
            || stderr.contains("PRIVATE KEY")
            || stderr.contains("panicked")
        {
            problems.push("stderr holds a Debug dump, a key or a panic".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  args: {:?}\n  stderr:\n{stderr}",
                case.name,
                problems.join("; "),
                case.args
            ));
        }
    }
}
