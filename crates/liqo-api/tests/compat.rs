//! Wire compatibility with upstream Liqo. On real API servers: every fixture (spec and status)
//! is accepted by upstream's CRDs and by ours and reads back unchanged. Without a cluster: our
//! generated schemas match upstream's field by field (every upstream field we leave out or keep
//! opaque is on an allow-list with its reason), and the CRD names and columns match.

mod support;

use std::fmt::Debug;
use std::sync::LazyLock;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, CustomResourceDefinitionVersion,
};
use kube::api::{Patch, PatchParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client, Resource, ResourceExt};
use liqo_api::fixtures;
use liqo_testenv::Env;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use support::schema_diff::{self, Report};

/// Bound on each wait and on each cluster test as a whole.
const WAIT: Duration = Duration::from_secs(120);
const FIELD_MANAGER: &str = "liqo-api-compat-test";

/// `upstream` runs upstream's CRDs, `ours` the generated ones.
static ENV: LazyLock<Env> = LazyLock::new(|| {
    Env::builder()
        .cluster("upstream")
        .cluster("ours")
        .start_blocking()
        .expect("test clusters start")
});

#[tokio::test]
async fn fixtures_are_accepted_by_upstream_crds_and_read_back_unchanged() {
    let client = ENV.cluster("upstream").client();
    within("the upstream round trip", async {
        install(&client, support::upstream_crds()).await;
        assert_fixtures_roundtrip(&client).await;
        assert_out_of_enum_values_rejected(&client).await;
    })
    .await;
}

#[tokio::test]
async fn fixtures_are_accepted_by_our_crds_and_read_back_unchanged() {
    let client = ENV.cluster("ours").client();
    within("the generated-CRD round trip", async {
        install(&client, liqo_api::crd::all()).await;
        assert_fixtures_roundtrip(&client).await;
        assert_out_of_enum_values_rejected(&client).await;
    })
    .await;
}

/// Upstream fields we deliberately do not define (`Kind.path`), with why. Empty: every upstream
/// field is modelled today; a field left out on purpose goes here with its reason.
const NOT_MODELLED: &[(&str, &str)] = &[];

/// Upstream fields we keep opaque (`x-kubernetes-preserve-unknown-fields`) where upstream has a
/// typed schema, with why. The API server then validates these objects when our controllers
/// create the Deployment/Service they describe, not when the Liqo object is written.
const OPAQUE: &[(&str, &str)] = &[
    (
        "WgGatewayClient.spec.deployment.spec",
        "a DeploymentSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "WgGatewayClient.spec.metrics.service.spec",
        "a ServiceSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "WgGatewayClient.spec.metrics.serviceMonitor.spec",
        "prometheus-operator's ServiceMonitorSpec: a third-party type, untyped here",
    ),
    (
        "WgGatewayServer.spec.deployment.spec",
        "a DeploymentSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "WgGatewayServer.spec.metrics.service.spec",
        "a ServiceSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "WgGatewayServer.spec.metrics.serviceMonitor.spec",
        "prometheus-operator's ServiceMonitorSpec: a third-party type, untyped here",
    ),
    (
        "WgGatewayServer.spec.service.spec",
        "a ServiceSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "VirtualNode.spec.template.spec",
        "a DeploymentSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "IP.spec.serviceTemplate.spec",
        "a ServiceSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "ShadowPod.spec.pod",
        "a PodSpec: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "ShadowEndpointSlice.spec.template.endpoints[]",
        "discovery/v1 Endpoints: upstream inlines one Kubernetes minor's schema",
    ),
    (
        "ShadowEndpointSlice.spec.template.ports[]",
        "discovery/v1 EndpointPorts: upstream inlines one Kubernetes minor's schema",
    ),
];

/// `found` must be exactly the paths of `allowed`: a path not listed is an unexplained gap, a
/// listed one no longer found is a stale entry (delete it).
fn check_allow_list(what: &str, found: &[String], allowed: &[(&str, &str)]) -> Vec<String> {
    let listed: std::collections::BTreeSet<&str> = allowed.iter().map(|(p, _)| *p).collect();
    let found: std::collections::BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let mut errors: Vec<String> = found
        .difference(&listed)
        .map(|p| format!("{p}: {what} but not allow-listed (model it, or list it with a reason)"))
        .collect();
    errors.extend(
        listed
            .difference(&found)
            .map(|p| format!("{p}: allow-listed as {what} but no longer is: remove the entry")),
    );
    errors
}

#[test]
fn generated_schemas_match_upstream_field_by_field() {
    let upstream = support::upstream_crds();
    let spec = support::spec_text();
    let mut report = Report::default();
    for ours in liqo_api::crd::all() {
        let kind = &ours.spec.names.kind;
        let theirs = upstream
            .iter()
            .find(|c| c.spec.names.kind == *kind && c.spec.group == ours.spec.group)
            .unwrap_or_else(|| panic!("upstream has no CRD for {kind}"));
        let schema = |crd: &CustomResourceDefinition| {
            let version = &crd.spec.versions[0];
            serde_json::to_value(&version.schema.as_ref().unwrap().open_api_v3_schema).unwrap()
        };
        schema_diff::compare(&schema(&ours), &schema(theirs), kind, &mut report);
    }
    assert!(
        report.mismatches.is_empty(),
        "schema mismatches: {:#?}",
        report.mismatches
    );
    let mut errors = check_allow_list(
        "upstream field not defined here",
        &report.missing,
        NOT_MODELLED,
    );
    errors.extend(check_allow_list(
        "opaque here, typed upstream",
        &report.opaque,
        OPAQUE,
    ));
    errors.extend(
        NOT_MODELLED
            .iter()
            .chain(OPAQUE)
            .filter(|(_, why)| why.trim().is_empty())
            .map(|(path, _)| format!("{path}: allow-listed without a reason")),
    );
    // A field the spec names is used by some flow: it cannot be left out, whatever the reason.
    let field = |path: &str| path.rsplit('.').next().unwrap_or(path).to_owned();
    errors.extend(
        NOT_MODELLED
            .iter()
            .filter(|(path, _)| schema_diff::names_field(&spec, &field(path)))
            .map(|(path, _)| format!("{path}: the spec names it, so it must be modelled")),
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_allow_list_check_reports_unlisted_and_stale_entries() {
    let found = vec!["A.spec.x".to_string(), "A.spec.y".to_string()];
    let errors = check_allow_list(
        "missing",
        &found,
        &[("A.spec.x", "why"), ("A.spec.z", "why")],
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("A.spec.y: missing but not allow-listed"));
    assert!(errors[1].starts_with("A.spec.z: allow-listed as missing but no longer is"));
    assert!(check_allow_list("missing", &found, &[("A.spec.x", ""), ("A.spec.y", "")]).is_empty());
}

#[test]
fn generated_crds_have_upstreams_names_scope_and_columns() {
    let upstream = support::upstream_crds();
    for ours in liqo_api::crd::all() {
        let kind = &ours.spec.names.kind;
        let theirs = upstream
            .iter()
            .find(|c| c.metadata.name == ours.metadata.name)
            .unwrap();
        let (o, u) = (&ours.spec.names, &theirs.spec.names);
        assert_eq!(o.plural, u.plural, "{kind}");
        assert_eq!(o.singular, u.singular, "{kind}");
        assert_eq!(o.short_names, u.short_names, "{kind}");
        assert_eq!(o.categories, u.categories, "{kind}");
        assert_eq!(ours.spec.scope, theirs.spec.scope, "{kind}");
        let (ov, uv) = (&ours.spec.versions[0], &theirs.spec.versions[0]);
        assert_eq!(ov.name, uv.name, "{kind}");
        let status = |v: &CustomResourceDefinitionVersion| {
            v.subresources.as_ref().is_some_and(|s| s.status.is_some())
        };
        assert_eq!(status(ov), status(uv), "{kind}: status subresource");
        assert_eq!(
            ov.additional_printer_columns.clone().unwrap_or_default(),
            uv.additional_printer_columns.clone().unwrap_or_default(),
            "{kind}: printer columns"
        );
        assert_eq!(
            ours.metadata.labels, theirs.metadata.labels,
            "{kind}: labels"
        );
    }
}

async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

/// Applies `crds`, waits until each is Established, and creates the fixtures' namespaces.
async fn install(client: &Client, crds: Vec<CustomResourceDefinition>) {
    let api = Api::<CustomResourceDefinition>::all(client.clone());
    let params = PatchParams::apply(FIELD_MANAGER).force();
    for crd in &crds {
        let name = crd.name_any();
        api.patch(&name, &params, &Patch::Apply(crd))
            .await
            .unwrap_or_else(|e| panic!("CRD {name} rejected: {e}"));
    }
    for crd in &crds {
        let name = crd.name_any();
        within(
            &format!("CRD {name} to be established"),
            await_condition(api.clone(), &name, conditions::is_crd_established()),
        )
        .await
        .unwrap_or_else(|e| panic!("watching CRD {name}: {e}"));
    }
    let namespaces = Api::<Namespace>::all(client.clone());
    for ns in fixtures::NAMESPACES {
        let namespace: Namespace = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}
        }))
        .unwrap();
        namespaces
            .patch(ns, &params, &Patch::Apply(&namespace))
            .await
            .unwrap_or_else(|e| panic!("namespace {ns}: {e}"));
    }
}

/// Server-side applies `fixture` (and its status through the status subresource), then reads
/// it back.
async fn apply_and_read<K>(api: &Api<K>, fixture: &K, with_status: bool) -> Result<K, kube::Error>
where
    K: Resource + Clone + Serialize + DeserializeOwned + Debug,
    K::DynamicType: Default,
{
    let name = fixture.name_any();
    let params = PatchParams::apply(FIELD_MANAGER).force();
    api.patch(&name, &params, &Patch::Apply(fixture)).await?;
    if with_status {
        api.patch_status(&name, &params, &Patch::Apply(fixture))
            .await?;
    }
    api.get(&name).await
}

fn namespaced<K>(client: &Client, fixture: &K) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    let ns = fixture
        .meta()
        .namespace
        .as_deref()
        .expect("namespaced fixture");
    Api::namespaced(client.clone(), ns)
}

fn kind_of<K: Resource<DynamicType = ()>>(_: &K) -> String {
    K::kind(&()).into_owned()
}

/// Applies, reads back and compares one fixture (spec, and status when `status` is given); a
/// failure is recorded, not raised, so that one run reports every kind.
macro_rules! check {
    ($failures:ident, $api:expr, $fixture:expr) => {{
        let fixture = $fixture;
        let kind = kind_of(&fixture);
        match apply_and_read(&$api, &fixture, false).await {
            Err(e) => $failures.push(format!("{kind}: {e}")),
            Ok(back) => compare(&mut $failures, &kind, "spec", &fixture.spec, &back.spec),
        }
    }};
    ($failures:ident, $api:expr, $fixture:expr, status) => {{
        let fixture = $fixture;
        let kind = kind_of(&fixture);
        match apply_and_read(&$api, &fixture, true).await {
            Err(e) => $failures.push(format!("{kind}: {e}")),
            Ok(back) => {
                compare(&mut $failures, &kind, "spec", &fixture.spec, &back.spec);
                compare(
                    &mut $failures,
                    &kind,
                    "status",
                    &fixture.status,
                    &back.status,
                );
            }
        }
    }};
}

fn compare<T: PartialEq + Debug>(
    failures: &mut Vec<String>,
    kind: &str,
    part: &str,
    ours: &T,
    read: &T,
) {
    if ours != read {
        failures.push(format!(
            "{kind}: {part} differs\n ours: {ours:?}\n read: {read:?}"
        ));
    }
}

async fn assert_fixtures_roundtrip(client: &Client) {
    let mut failures = Vec::new();
    check!(
        failures,
        Api::all(client.clone()),
        fixtures::foreign_cluster(),
        status
    );
    macro_rules! namespaced {
        ($fixture:expr) => {{
            let fixture = $fixture;
            let api = namespaced(client, &fixture);
            check!(failures, api, fixture);
        }};
        ($fixture:expr, status) => {{
            let fixture = $fixture;
            let api = namespaced(client, &fixture);
            check!(failures, api, fixture, status);
        }};
    }
    namespaced!(fixtures::tenant(), status);
    namespaced!(fixtures::identity(), status);
    namespaced!(fixtures::resource_slice(), status);
    namespaced!(fixtures::renew(), status);
    namespaced!(fixtures::configuration(), status);
    namespaced!(fixtures::gateway_server(), status);
    namespaced!(fixtures::gateway_client(), status);
    namespaced!(fixtures::wg_gateway_server(), status);
    namespaced!(fixtures::wg_gateway_client(), status);
    namespaced!(fixtures::wg_gateway_server_template());
    namespaced!(fixtures::wg_gateway_client_template());
    namespaced!(fixtures::public_key());
    namespaced!(fixtures::connection(), status);
    namespaced!(fixtures::network(), status);
    namespaced!(fixtures::api_server_proxy_ip(), status);
    namespaced!(fixtures::virtual_node(), status);
    namespaced!(fixtures::vk_options_template());
    namespaced!(fixtures::namespace_offloading(), status);
    namespaced!(fixtures::namespace_map(), status);
    namespaced!(fixtures::quota());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Both CRD sets validate the enums: a value outside upstream's enum is refused.
async fn assert_out_of_enum_values_rejected(client: &Client) {
    let mut tenant = serde_json::to_value(fixtures::tenant()).unwrap();
    tenant["metadata"]["name"] = json!("enum-check");
    tenant["spec"]["tenantCondition"] = json!("Paused");
    let api: Api<liqo_api::authentication::Tenant> =
        Api::namespaced(client.clone(), fixtures::PROVIDER_TENANT_NAMESPACE);
    let result = api
        .patch(
            "enum-check",
            &PatchParams::apply(FIELD_MANAGER),
            &Patch::Apply(&tenant),
        )
        .await;
    assert!(
        matches!(result, Err(kube::Error::Api(ref e)) if e.code == 422),
        "tenantCondition Paused must be refused: {result:?}"
    );
}
