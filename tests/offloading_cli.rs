//! The offloading commands of liqoctl on one pair of installed, authenticated clusters, in
//! sequence: `create resourceslice -o yaml` prints and writes nothing; `create resourceslice`
//! gets both conditions Accepted and a second run writes nothing; a namesake slice for another
//! provider is refused; `get kubeconfig` of the slice identity authenticates on the provider;
//! `cordon|uncordon|drain|activate tenant` and `cordon|uncordon resourceslice` on the provider;
//! `delete resourceslice --wait` returns once the slice and its provider replica are gone.

mod common;
#[path = "common/flows.rs"]
#[allow(dead_code)] // shared with tests/cli_flows.rs, which uses the rest
mod flows;
#[path = "common/installs.rs"]
mod installs;
#[path = "common/versions.rs"]
mod versions;

use std::process::Output;

use common::{kubeconfig, remote_kubeconfig, stderr, stdout};
use flows::{ok, run, tenant_ns, within};
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::core::v1::{Namespace, Node, Secret};
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::wait::await_condition;
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{
    Identity, ResourceSlice, ResourceSliceConditionStatus, ResourceSliceConditionType, Tenant,
    TenantCondition,
};
use liqo_api::offloading::{Quota, VirtualNode};
use liqo_testenv::Env;

const CONSUMER: &str = "ocli-c";
const PROVIDER: &str = "ocli-p";
const C_ID: &str = "ocli-c-id";
const P_ID: &str = "ocli-p-id";
const SLICE: &str = "cli-a";
const SLICE_B: &str = "cli-b";

const CREATED: &str = "INFO: Creating ResourceSlice
INFO: ResourceSlice created
INFO: Waiting for ResourceSlice authentication to be accepted
INFO: ResourceSlice authentication: Accepted
INFO: ResourceSlice resources: Accepted
";

/// liqoctl on `cluster` with `args`.
async fn on(env: &Env, cluster: &str, args: &[&str]) -> Output {
    let mut all = vec![kubeconfig(env.cluster(cluster).kubeconfig())];
    all.extend(args.iter().map(|a| (*a).to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    run(&all).await
}

/// `create resourceslice <name> --remote-cluster-id <P> --no-virtual-node <extra>` on the
/// consumer (no virtual node: this file tests the CLI, tests/offloading.rs the node).
async fn create_slice(env: &Env, name: &str, extra: &[&str]) -> Output {
    let id = format!("--remote-cluster-id={P_ID}");
    let mut args = vec![
        "create",
        "resourceslice",
        name,
        &id,
        "--no-virtual-node",
        "--timeout=60s",
    ];
    args.extend(extra);
    on(env, CONSUMER, &args).await
}

fn first_error(out: &Output) -> String {
    stderr(out)
        .lines()
        .find(|l| l.starts_with("ERRO: "))
        .unwrap_or_default()
        .to_string()
}

async fn tenant_condition(p: &Client) -> TenantCondition {
    Api::<Tenant>::namespaced(p.clone(), &tenant_ns(C_ID))
        .get(C_ID)
        .await
        .unwrap()
        .spec
        .tenant_condition
        .unwrap_or_default()
}

/// Waits until the consumer's slice `name` has `Resources=<want>`.
async fn await_resources(c: &Client, name: &str, want: ResourceSliceConditionStatus) {
    let slices: Api<ResourceSlice> = Api::namespaced(c.clone(), &tenant_ns(P_ID));
    let done = move |s: Option<&ResourceSlice>| {
        s.and_then(|s| s.condition_status(ResourceSliceConditionType::Resources)) == Some(want)
    };
    within(
        &format!("slice {name} Resources={want:?}"),
        await_condition(slices, name, done),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn offloading_commands_on_one_authenticated_pair() {
    // Both installs at once (flows::installed runs them one after the other).
    let env = tokio::task::spawn_blocking(|| {
        installs::installed_env(&[(CONSUMER, C_ID), (PROVIDER, P_ID)], &[])
    })
    .await
    .expect("env thread");
    let (c, p) = (
        env.cluster(CONSUMER).client(),
        env.cluster(PROVIDER).client(),
    );
    let out = run(&[
        &kubeconfig(env.cluster(CONSUMER).kubeconfig()),
        "authenticate",
        &remote_kubeconfig(env.cluster(PROVIDER).kubeconfig()),
    ])
    .await;
    ok("authenticate", &out);
    flows::await_settled(&c, &p, C_ID, P_ID).await;

    dry_run_prints_and_writes_nothing(&env, &c, &p).await;
    let slice = create_accepted_then_idempotent(&env, &c, &p).await;
    namesake_for_another_provider_is_refused(&env, &c, &p).await;
    slice_identity_kubeconfig_works_on_the_provider(&env, &slice).await;
    tenant_administration(&env, &c, &p).await;
    slice_cordon(&env, &p).await;
    virtual_node_from_the_slice(&env, &c, &p).await;
    delete_waits_for_the_replica(&env, &c, &p).await;
    denied_authentication_ends_the_wait(&env, &p).await;
}

async fn dry_run_prints_and_writes_nothing(env: &Env, c: &Client, p: &Client) {
    let before = versions::pair(c, p).await;
    let out = create_slice(env, SLICE, &["--cpu=1", "--memory=2Gi", "-o", "yaml"]).await;
    ok("create resourceslice -o yaml", &out);
    let printed: ResourceSlice = serde_norway::from_str(&stdout(&out)).unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("apiVersion: authentication.liqo.io/v1beta1")
            && text.contains("kind: ResourceSlice"),
        "{text}"
    );
    assert_eq!(
        printed.metadata.namespace.as_deref(),
        Some(tenant_ns(P_ID).as_str())
    );
    let labels = printed.metadata.labels.clone().unwrap();
    assert_eq!(labels["liqo.io/replication"], "true");
    assert_eq!(labels["liqo.io/remoteID"], P_ID);
    assert_eq!(labels["liqo.io/remote-cluster-id"], P_ID);
    assert!(printed.metadata.annotations.is_none(), "--no-virtual-node");
    let resources = printed.spec.resources.clone().unwrap();
    assert_eq!(resources["cpu"].0, "1");
    assert_eq!(resources["memory"].0, "2Gi");
    assert_eq!(printed.spec.class.as_deref(), Some("default"));
    assert_eq!(printed.spec.provider_cluster_id.as_deref(), Some(P_ID));
    assert_eq!(stderr(&out), "", "a dry run prints no progress");
    let changed = versions::pair_changes(&before, &versions::pair(c, p).await);
    assert!(changed.is_empty(), "-o yaml wrote: {changed:?}");
}

async fn create_accepted_then_idempotent(env: &Env, c: &Client, p: &Client) -> ResourceSlice {
    let out = create_slice(env, SLICE, &["--cpu=1", "--memory=2Gi"]).await;
    ok("create resourceslice", &out);
    assert_eq!(stderr(&out), CREATED);
    let slices: Api<ResourceSlice> = Api::namespaced(c.clone(), &tenant_ns(P_ID));
    let slice = slices.get(SLICE).await.unwrap();
    assert!(slice.is_accepted(), "{:?}", slice.status);
    let granted = slice.status.as_ref().unwrap().resources.clone().unwrap();
    assert_eq!(granted["cpu"].0, "1");
    assert_eq!(granted["memory"].0, "2Gi");

    // What the controllers add after the CLI returns: the slice Identity's kubeconfig on the
    // consumer, the Quota on the provider; then a second run must write nothing at all.
    let identities: Api<Identity> = Api::namespaced(c.clone(), &tenant_ns(P_ID));
    let has_kubeconfig = |i: Option<&Identity>| {
        i.and_then(|i| i.status.as_ref()?.kubeconfig_secret_ref.as_ref())
            .is_some()
    };
    within(
        "the slice Identity's kubeconfig",
        await_condition(
            identities,
            &format!("resourceslice-{SLICE}"),
            has_kubeconfig,
        ),
    )
    .await
    .unwrap();
    let quotas: Api<Quota> = Api::namespaced(p.clone(), &tenant_ns(C_ID));
    liqo_kube::wait::list(
        quotas,
        "",
        "the slice's Quota",
        flows::WAIT,
        |q: &[Quota]| Ok(!q.is_empty()),
        |q: &[Quota]| format!("{} Quotas", q.len()),
    )
    .await
    .unwrap();
    let before = versions::pair(c, p).await;
    let out = create_slice(env, SLICE, &["--cpu=1", "--memory=2Gi"]).await;
    ok("create resourceslice again", &out);
    assert_eq!(stderr(&out), CREATED);
    let changed = versions::pair_changes(&before, &versions::pair(c, p).await);
    assert!(changed.is_empty(), "the second run wrote: {changed:?}");
    slices.get(SLICE).await.unwrap()
}

async fn namesake_for_another_provider_is_refused(env: &Env, c: &Client, p: &Client) {
    // Another provider's tenant namespace, as authenticate would label it.
    let ns: Namespace = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "liqo-tenant-ghost-id", "labels": {
            "liqo.io/tenant-namespace": "true", "liqo.io/remote-cluster-id": "ghost-id"}}
    }))
    .unwrap();
    Api::<Namespace>::all(c.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let before = versions::pair(c, p).await;
    let out = on(
        env,
        CONSUMER,
        &[
            "create",
            "resourceslice",
            SLICE,
            "--remote-cluster-id=ghost-id",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        first_error(&out),
        format!(
            "ERRO: a ResourceSlice named \"{SLICE}\" already exists in namespace \"{}\": slice names are unique in the cluster, since the virtual node takes the slice's name; choose another name",
            tenant_ns(P_ID)
        )
    );
    let changed = versions::pair_changes(&before, &versions::pair(c, p).await);
    assert!(changed.is_empty(), "the refused create wrote: {changed:?}");
}

async fn slice_identity_kubeconfig_works_on_the_provider(env: &Env, slice: &ResourceSlice) {
    let identity = format!("resourceslice-{SLICE}");
    let id = format!("--remote-cluster-id={P_ID}");
    let out = on(env, CONSUMER, &["get", "kubeconfig", &identity, &id]).await;
    ok("get kubeconfig", &out);
    let client = common::client_from_kubeconfig(&stdout(&out)).await;
    let review: SelfSubjectReview = serde_json::from_value(serde_json::json!({})).unwrap();
    let review = Api::<SelfSubjectReview>::all(client)
        .create(&PostParams::default(), &review)
        .await
        .unwrap();
    let user = review.status.unwrap().user_info.unwrap();
    let name = user.username.unwrap();
    assert!(name.starts_with(&format!("{SLICE}-")), "user {name}");
    assert!(
        user.groups.unwrap_or_default().iter().any(|g| g == C_ID),
        "the consumer's organization"
    );
    assert!(slice.spec.csr.is_some());
    // A slice's name instead of its identity's is pointed at the right one.
    let out = on(env, CONSUMER, &["get", "kubeconfig", SLICE, &id]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        first_error(&out).ends_with(&format!(
            "the identity of ResourceSlice \"{SLICE}\" is \"{identity}\""
        )),
        "{}",
        stderr(&out)
    );
}

async fn tenant_administration(env: &Env, c: &Client, p: &Client) {
    let admin = |verb: &'static str| async move {
        on(env, PROVIDER, &[verb, "tenant", C_ID, "--skip-confirm"]).await
    };
    let out = admin("cordon").await;
    ok("cordon tenant", &out);
    assert_eq!(stderr(&out), format!("INFO: Tenant \"{C_ID}\" cordoned\n"));
    assert_eq!(tenant_condition(p).await, TenantCondition::Cordoned);
    let out = admin("cordon").await;
    ok("cordon tenant again", &out);
    assert_eq!(
        stderr(&out),
        format!("INFO: Tenant \"{C_ID}\" already cordoned\n")
    );
    let out = admin("drain").await;
    ok("drain tenant", &out);
    assert_eq!(tenant_condition(p).await, TenantCondition::Drained);
    // A drained tenant denies the resources of every slice.
    await_resources(c, SLICE, ResourceSliceConditionStatus::Denied).await;
    for verb in ["uncordon", "cordon"] {
        let out = admin(verb).await;
        assert_eq!(out.status.code(), Some(1), "{verb}: {}", stderr(&out));
        assert!(
            first_error(&out).starts_with(&format!(
                "ERRO: Unable to {verb} tenant \"{C_ID}\": the tenant is Drained: {verb} tenant applies only to a tenant that is "
            )),
            "{}",
            stderr(&out)
        );
        assert_eq!(tenant_condition(p).await, TenantCondition::Drained);
    }
    // A new slice is authenticated but gets no resources: a warning, exit 0.
    let out = create_slice(env, SLICE_B, &[]).await;
    ok("create resourceslice on a drained tenant", &out);
    assert!(
        stderr(&out).ends_with("INFO: ResourceSlice authentication: Accepted\nWARN: ResourceSlice resources not accepted. The provider cluster may have cordoned the tenant or the resourceslice\n"),
        "{}",
        stderr(&out)
    );
    let out = admin("activate").await;
    ok("activate tenant", &out);
    assert_eq!(stderr(&out), format!("INFO: Tenant \"{C_ID}\" activated\n"));
    assert_eq!(tenant_condition(p).await, TenantCondition::Active);
    await_resources(c, SLICE, ResourceSliceConditionStatus::Accepted).await;
    let out = admin("uncordon").await;
    ok("uncordon an active tenant", &out);
    assert_eq!(
        stderr(&out),
        format!("INFO: Tenant \"{C_ID}\" already uncordoned\n")
    );
    let id = format!("--remote-cluster-id={P_ID}");
    let out = on(
        env,
        CONSUMER,
        &[
            "delete",
            "resourceslice",
            SLICE_B,
            &id,
            "--wait",
            "--timeout=60s",
        ],
    )
    .await;
    ok("delete the second slice", &out);
}

async fn slice_cordon(env: &Env, p: &Client) {
    let replicas: Api<ResourceSlice> = Api::namespaced(p.clone(), &tenant_ns(C_ID));
    let id = format!("--remote-cluster-id={C_ID}");
    let out = on(
        env,
        PROVIDER,
        &["cordon", "resourceslice", SLICE, &id, "--skip-confirm"],
    )
    .await;
    ok("cordon resourceslice", &out);
    assert_eq!(
        stderr(&out),
        format!("INFO: ResourceSlice \"{SLICE}\" cordoned\n")
    );
    let replica = replicas.get(SLICE).await.unwrap();
    assert_eq!(
        replica
            .metadata
            .annotations
            .unwrap_or_default()
            .get("liqo.io/cordon")
            .map(String::as_str),
        Some("true")
    );
    let out = on(
        env,
        PROVIDER,
        &["uncordon", "rs", SLICE, &id, "--skip-confirm"],
    )
    .await;
    ok("uncordon resourceslice", &out);
    let replica = replicas.get(SLICE).await.unwrap();
    assert!(
        !replica
            .metadata
            .annotations
            .unwrap_or_default()
            .contains_key("liqo.io/cordon")
    );
}

/// `create virtualnode` in slice mode with an explicit VkOptionsTemplate (upstream quirk 2
/// crashed there): `-o yaml` writes nothing, then a Ready Node with the slice's resources;
/// `delete virtualnode --remote-cluster-id --wait` (quirk 4) removes it.
async fn virtual_node_from_the_slice(env: &Env, c: &Client, p: &Client) {
    const VN: &str = "cli-vn";
    let id = format!("--remote-cluster-id={P_ID}");
    let create = [
        "create",
        "virtualnode",
        VN,
        &id,
        "--resource-slice-name",
        SLICE,
    ];
    let before = versions::pair(c, p).await;
    let mut dry = create.to_vec();
    dry.extend(["-o", "yaml"]);
    let out = on(env, CONSUMER, &dry).await;
    ok("create virtualnode -o yaml", &out);
    let printed: VirtualNode = serde_norway::from_str(&stdout(&out)).unwrap();
    assert_eq!(printed.spec.cluster_id.as_deref(), Some(P_ID));
    assert_eq!(
        printed
            .spec
            .kubeconfig_secret_ref
            .as_ref()
            .map(|r| r.name.as_str()),
        Some(format!("kubeconfig-resourceslice-{SLICE}").as_str())
    );
    let hard = printed.spec.resource_quota.clone().unwrap().hard.unwrap();
    assert_eq!(
        (hard["cpu"].0.as_str(), hard["memory"].0.as_str()),
        ("1", "2Gi")
    );
    assert_eq!(printed.spec.create_node, Some(true));
    assert_eq!(printed.spec.disable_network_check, Some(false));
    let changed = versions::pair_changes(&before, &versions::pair(c, p).await);
    assert!(changed.is_empty(), "-o yaml wrote: {changed:?}");

    // A real Node's name is refused before writing.
    let real = Api::<Node>::all(c.clone())
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .next()
        .unwrap()
        .name_any();
    let clash = [
        "create",
        "virtualnode",
        &real,
        &id,
        "--resource-slice-name",
        SLICE,
    ];
    let out = on(env, CONSUMER, &clash).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        first_error(&out),
        format!("ERRO: Unable to create virtual node: node {real} already exists")
    );

    let mut real_run = create.to_vec();
    real_run.extend([
        "--vk-options-template=liqo/virtual-kubelet-default",
        "--timeout=90s",
    ]);
    let out = on(env, CONSUMER, &real_run).await;
    ok("create virtualnode", &out);
    assert_eq!(
        stderr(&out),
        format!(
            "INFO: Creating virtual node\nINFO: Virtual node created\nINFO: Waiting for node {VN} to be Ready\nINFO: Node {VN} is Ready\n"
        )
    );
    let node = Api::<Node>::all(c.clone()).get(VN).await.unwrap();
    assert!(liqo_kube::offloading::node::is_ready(&node));
    let vn = Api::<VirtualNode>::namespaced(c.clone(), &tenant_ns(P_ID))
        .get(VN)
        .await
        .unwrap();
    assert!(
        vn.metadata.owner_references.is_none(),
        "the CLI's VirtualNode is not owned"
    );
    assert_eq!(
        vn.spec
            .vk_options_template_ref
            .as_ref()
            .and_then(|r| r.name.as_deref()),
        Some("virtual-kubelet-default")
    );

    let out = on(
        env,
        CONSUMER,
        &["delete", "virtualnode", VN, &id, "--wait", "--timeout=90s"],
    )
    .await;
    ok("delete virtualnode --wait", &out);
    assert!(
        stderr(&out).ends_with("INFO: Ensured virtual node absence\n"),
        "{}",
        stderr(&out)
    );
    assert!(
        Api::<Node>::all(c.clone())
            .get_opt(VN)
            .await
            .unwrap()
            .is_none()
    );
}

async fn delete_waits_for_the_replica(env: &Env, c: &Client, p: &Client) {
    let id = format!("--remote-cluster-id={P_ID}");
    let out = on(
        env,
        CONSUMER,
        &[
            "delete",
            "resourceslice",
            SLICE,
            &id,
            "--wait",
            "--timeout=60s",
        ],
    )
    .await;
    ok("delete resourceslice --wait", &out);
    assert_eq!(
        stderr(&out),
        "INFO: Deleting ResourceSlice
INFO: ResourceSlice deleted
INFO: Waiting for ResourceSlice to be deleted
INFO: Ensured ResourceSlice absence
"
    );
    let origin = Api::<ResourceSlice>::namespaced(c.clone(), &tenant_ns(P_ID));
    assert!(origin.get_opt(SLICE).await.unwrap().is_none());
    let replica = Api::<ResourceSlice>::namespaced(p.clone(), &tenant_ns(C_ID));
    assert!(
        replica.get_opt(SLICE).await.unwrap().is_none(),
        "the replica goes before the origin's finalizer"
    );
    let out = on(env, CONSUMER, &["delete", "resourceslice", SLICE, &id]).await;
    ok("delete resourceslice again", &out);
    assert!(stderr(&out).contains("ResourceSlice already absent"));
}

/// A Tenant key that is not the consumer's makes the provider deny the next slice's CSR: the
/// command reports the denial with its reason instead of waiting for its timeout.
async fn denied_authentication_ends_the_wait(env: &Env, p: &Client) {
    const DENIED: &str = "cli-d";
    let tenants: Api<Tenant> = Api::namespaced(p.clone(), &tenant_ns(C_ID));
    let original = tenants.get(C_ID).await.unwrap().spec.public_key.unwrap();
    // The provider's own key: valid, and not the consumer's.
    let keys: Secret = Api::namespaced(p.clone(), "liqo")
        .get("authentication-keys")
        .await
        .unwrap();
    let other = keys.data.unwrap()["publicKey"].clone();
    assert_ne!(other, original);
    let set_key = |key: k8s_openapi::ByteString| {
        let tenants = tenants.clone();
        async move {
            let patch = serde_json::json!({"spec": {"publicKey": key}});
            tenants
                .patch(C_ID, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .unwrap();
        }
    };
    set_key(other).await;
    let started = std::time::Instant::now();
    let out = create_slice(env, DENIED, &[]).await;
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        first_error(&out),
        format!(
            "ERRO: Failed waiting for ResourceSlice authentication to be accepted: the provider denied the authentication of ResourceSlice \"{DENIED}\": ResourceSliceAuthenticationDenied: ResourceSlice authentication denied"
        )
    );
    assert!(
        took.as_secs() < 40,
        "reported in {took:?}, not at the 60 s timeout"
    );
    set_key(original).await;
    let id = format!("--remote-cluster-id={P_ID}");
    let out = on(
        env,
        CONSUMER,
        &[
            "delete",
            "resourceslice",
            DENIED,
            &id,
            "--wait",
            "--timeout=60s",
        ],
    )
    .await;
    ok("delete the denied slice", &out);
}
