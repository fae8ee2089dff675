//! `liqoctl offload namespace` / `unoffload namespace` on one real cluster with Liqo installed
//! (its controller manager runs the NamespaceOffloading controller), no peering: hostile input
//! is refused before anything is written, with the flag or object at fault on the first line;
//! `-o yaml` prints and writes nothing; offloading without any virtual node ends in
//! `NoClusterSelected`, reported as a warning with exit 0; a second run changes nothing; a
//! changed naming strategy is refused; `unoffload` asks for confirmation (declined without a
//! terminal) and with `--skip-confirm` waits until the NamespaceOffloading is gone. Last, with
//! the controller manager removed, the wait times out naming what it awaited and what it saw,
//! and a `--timeout` too short for the first request leaves nothing written.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with other flow tests
mod flows;

use std::process::Output;
use std::time::Duration;

use common::{kubeconfig, stderr, stdout};
use flows::{first_line, installed, ok, run};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{ApiResource, ListParams, PostParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::{finalizer, label};
use liqo_api::offloading::{NamespaceOffloading, OffloadingPhase};
use liqo_testenv::Env;

const CLUSTER: &str = "offcli";
const ID: &str = "offcli-id";
const NS: &str = "demo";

async fn on(env: &Env, args: &[&str]) -> Output {
    let mut all = vec![kubeconfig(env.cluster(CLUSTER).kubeconfig())];
    all.extend(args.iter().map(|a| (*a).to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    run(&all).await
}

async fn offloadings(client: &Client) -> Vec<String> {
    Api::<NamespaceOffloading>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|o| format!("{}/{}", o.namespace().unwrap_or_default(), o.name_any()))
        .collect()
}

/// Asserts a refusal whose first stderr line contains `first`, and that nothing was created.
async fn refused(env: &Env, client: &Client, args: &[&str], first: &str) {
    let out = on(env, args).await;
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} succeeded: {err}");
    assert!(first_line(&err).contains(first), "{args:?}: {err}");
    assert_eq!(offloadings(client).await, Vec::<String>::new(), "{args:?}");
}

async fn scheduling_label(client: &Client) -> Option<String> {
    let ns = Api::<Namespace>::all(client.clone()).get(NS).await.unwrap();
    ns.labels().get(label::SCHEDULING_ENABLED).cloned()
}

#[tokio::test]
async fn offload_and_unoffload_namespace() {
    let env = installed(&[(CLUSTER, ID)]).await;
    let client = env.cluster(CLUSTER).client();
    let namespace: Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": NS}})).unwrap();
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &namespace)
        .await
        .unwrap();
    let offload = ["offload", "namespace", NS];

    // --- Hostile input: refused, nothing written. ---
    let bad_strategy = [&offload[..], &["--namespace-mapping-strategy", "Same"]].concat();
    refused(&env, &client, &bad_strategy, "--namespace-mapping-strategy").await;
    let bad_pods = [&offload[..], &["--pod-offloading-strategy", "Anywhere"]].concat();
    refused(&env, &client, &bad_pods, "--pod-offloading-strategy").await;
    let stray_name = [&offload[..], &["--remote-namespace-name", "far"]].concat();
    refused(&env, &client, &stray_name, "--remote-namespace-name").await;
    let no_name = [
        &offload[..],
        &["--namespace-mapping-strategy", "SelectedName"],
    ]
    .concat();
    refused(&env, &client, &no_name, "--remote-namespace-name").await;
    let bad_selector = [&offload[..], &["--selector", "tier in (a"]].concat();
    refused(&env, &client, &bad_selector, "--selector").await;
    let bad_operator = [&offload[..], &["--selector", "region ~ eu"]].concat();
    refused(&env, &client, &bad_operator, "--selector").await;
    let missing = ["offload", "namespace", "nowhere"];
    refused(&env, &client, &missing, "namespace \"nowhere\" not found").await;

    // --- -o yaml prints the object and writes nothing. ---
    let out = on(&env, &[&offload[..], &["-o", "yaml"]].concat()).await;
    ok("offload -o yaml", &out);
    let text = stdout(&out);
    assert!(
        text.starts_with("apiVersion: offloading.liqo.io/v1beta1\nkind: NamespaceOffloading\n"),
        "{text}"
    );
    assert!(
        text.contains("namespace: demo\n") && text.ends_with("status: {}\n---\n"),
        "{text}"
    );
    assert_eq!(offloadings(&client).await, Vec::<String>::new());

    // --- No virtual node: NoClusterSelected, said as a warning, exit 0. ---
    let out = on(&env, &offload).await;
    ok("offload namespace", &out);
    let err = stderr(&out);
    assert!(
        err.contains("INFO: Offloading of namespace \"demo\" enabled\n"),
        "{err}"
    );
    assert!(
        err.contains("WARN: Offloading completed, but no cluster was selected"),
        "{err}"
    );
    let api: Api<NamespaceOffloading> = Api::namespaced(client.clone(), NS);
    let nso = api.get("offloading").await.unwrap();
    let status = nso.status.clone().unwrap();
    assert_eq!(
        status.offloading_phase,
        Some(OffloadingPhase::NoClusterSelected)
    );
    assert_eq!(
        status.remote_namespace_name.as_deref(),
        Some("demo-offcli-id")
    );
    assert_eq!(status.observed_generation, nso.metadata.generation);
    assert!(
        nso.finalizers()
            .contains(&finalizer::NAMESPACE_OFFLOADING.to_owned())
    );
    assert_eq!(scheduling_label(&client).await.as_deref(), Some("true"));

    // --- Idempotent; an immutable field is refused with its flag named. ---
    let out = on(&env, &offload).await;
    ok("second offload namespace", &out);
    assert!(
        stderr(&out).contains("already enabled, unchanged"),
        "{}",
        stderr(&out)
    );
    let again = api.get("offloading").await.unwrap();
    assert_eq!(again.resource_version(), nso.resource_version());
    let change = [
        &offload[..],
        &["--namespace-mapping-strategy", "EnforceSameName"],
    ]
    .concat();
    let out = on(&env, &change).await;
    assert!(!out.status.success());
    assert!(
        first_line(&stderr(&out)).contains("--namespace-mapping-strategy"),
        "{}",
        stderr(&out)
    );
    let unchanged = api.get("offloading").await.unwrap();
    assert_eq!(unchanged.resource_version(), nso.resource_version());

    // --- unoffload: confirmation required, then gone. ---
    let unoffload = ["unoffload", "namespace", NS];
    let out = on(&env, &unoffload).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(api.get_opt("offloading").await.unwrap().is_some());
    let out = on(&env, &[&unoffload[..], &["--skip-confirm"]].concat()).await;
    ok("unoffload namespace", &out);
    let err = stderr(&out);
    assert!(
        err.contains("INFO: Unoffloading of namespace \"demo\" completed\n"),
        "{err}"
    );
    assert!(api.get_opt("offloading").await.unwrap().is_none());
    assert_eq!(scheduling_label(&client).await, None);
    let out = on(&env, &[&unoffload[..], &["--skip-confirm"]].concat()).await;
    ok("second unoffload namespace", &out);
    assert!(
        stderr(&out).contains("is not offloaded: nothing to do"),
        "{}",
        stderr(&out)
    );

    // --- Timeouts: the whole command is bounded, and the wait says what it waited for. ---
    let out = on(&env, &[&offload[..], &["--timeout", "1ns"]].concat()).await;
    assert!(!out.status.success());
    let err = stderr(&out);
    let expected = "timed out after 1ns (--timeout) while checking the namespaces";
    assert!(first_line(&err).contains(expected), "{err}");
    assert_eq!(offloadings(&client).await, Vec::<String>::new());
    let kinds = [
        ApiResource::erase::<ReplicaSet>(&()),
        ApiResource::erase::<Pod>(&()),
    ];
    let gone = liqo_kube::wait::deleted_with_dependents::<Deployment>(
        &client,
        "liqo",
        liqo_kube::install::CONTROLLER_MANAGER,
        &kinds,
        Some(Duration::from_secs(60)),
    );
    assert!(gone.await.unwrap(), "the controller manager was installed");
    let out = on(&env, &[&offload[..], &["--timeout", "2s"]].concat()).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("INFO: Offloading of namespace \"demo\" enabled\n"),
        "{err}"
    );
    let expected = "ERRO: Failed waiting for offloading of namespace \"demo\" to complete: \
        timed out after 2s waiting for offloading of namespace \"demo\" to complete \
        (phase Ready, NoClusterSelected, SomeFailed or AllFailed; --timeout 2s); \
        last state: no phase yet (is the Liqo controller manager running?)";
    assert!(err.contains(expected), "{err}");
    // What the failed run made, and the command that undoes it.
    assert!(
        err.contains("(local) NamespaceOffloading demo/offloading"),
        "{err}"
    );
    assert!(
        err.contains("unoffload namespace demo --skip-confirm"),
        "{err}"
    );
}
