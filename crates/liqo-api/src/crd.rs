//! The CustomResourceDefinitions of every kind in this crate, generated from the Rust types and
//! finished to look like upstream's (root `apiVersion`/`kind`/`metadata` properties, `spec`
//! required only where upstream requires it), and their multi-document YAML.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, JSONSchemaProps,
};
use kube::CustomResourceExt;

use crate::{authentication, core, ipam, networking, offloading};

/// Every CRD of this crate, ordered by group and kind.
pub fn all() -> Vec<CustomResourceDefinition> {
    vec![
        finish(authentication::Identity::crd(), SpecRequired::No),
        finish(authentication::Renew::crd(), SpecRequired::No),
        finish(authentication::ResourceSlice::crd(), SpecRequired::No),
        finish(authentication::Tenant::crd(), SpecRequired::No),
        finish(core::ForeignCluster::crd(), SpecRequired::No),
        finish(ipam::IP::crd(), SpecRequired::Yes),
        finish(ipam::Network::crd(), SpecRequired::Yes),
        finish(networking::Configuration::crd(), SpecRequired::No),
        finish(networking::Connection::crd(), SpecRequired::No),
        finish(networking::GatewayClient::crd(), SpecRequired::No),
        finish(networking::GatewayServer::crd(), SpecRequired::No),
        finish(networking::PublicKey::crd(), SpecRequired::No),
        finish(networking::WgGatewayClient::crd(), SpecRequired::No),
        finish(networking::WgGatewayClientTemplate::crd(), SpecRequired::No),
        finish(networking::WgGatewayServer::crd(), SpecRequired::No),
        finish(networking::WgGatewayServerTemplate::crd(), SpecRequired::No),
        finish(offloading::NamespaceMap::crd(), SpecRequired::No),
        finish(offloading::NamespaceOffloading::crd(), SpecRequired::Yes),
        finish(offloading::Quota::crd(), SpecRequired::Yes),
        finish(offloading::ShadowEndpointSlice::crd(), SpecRequired::No),
        finish(offloading::ShadowPod::crd(), SpecRequired::No),
        finish(offloading::VirtualNode::crd(), SpecRequired::No),
        finish(offloading::VkOptionsTemplate::crd(), SpecRequired::No),
    ]
}

/// `crds` as one multi-document YAML stream (`---` before each document), ready for
/// `kubectl apply -f`.
pub fn to_yaml(crds: &[CustomResourceDefinition]) -> String {
    crds.iter()
        .map(|crd| {
            let doc = serde_norway::to_string(crd)
                .expect("invariant: a CRD is plain data with string keys and serializes to YAML");
            format!("---\n{doc}")
        })
        .collect()
}

/// Whether upstream's schema lists `spec` as required at the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SpecRequired {
    Yes,
    No,
}

/// Brings a derived CRD closer to upstream's: the standard root properties, and `spec`
/// required only where upstream requires it (kube-derive always requires it; upstream's Go
/// clients always send it, so the difference only matters for hand-written objects).
fn finish(mut crd: CustomResourceDefinition, spec: SpecRequired) -> CustomResourceDefinition {
    for version in &mut crd.spec.versions {
        let Some(root) = version
            .schema
            .as_mut()
            .and_then(|s| s.open_api_v3_schema.as_mut())
        else {
            continue;
        };
        let properties = root.properties.get_or_insert_with(Default::default);
        for field in ["apiVersion", "kind"] {
            properties
                .entry(field.to_owned())
                .or_insert_with(|| typed("string"));
        }
        properties
            .entry("metadata".to_owned())
            .or_insert_with(|| typed("object"));
        if spec == SpecRequired::No
            && let Some(required) = root.required.as_mut()
        {
            required.retain(|field| field != "spec");
            if required.is_empty() {
                root.required = None;
            }
        }
    }
    crd
}

fn typed(type_: &str) -> JSONSchemaProps {
    JSONSchemaProps {
        type_: Some(type_.to_owned()),
        ..JSONSchemaProps::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(crds: &'a [CustomResourceDefinition], kind: &str) -> &'a CustomResourceDefinition {
        crds.iter()
            .find(|c| c.spec.names.kind == kind)
            .unwrap_or_else(|| panic!("no CRD for {kind}"))
    }

    /// (kind, group, version, plural, scope, has status subresource), from upstream's YAMLs.
    const UPSTREAM: &[(&str, &str, &str, &str, &str, bool)] = &[
        (
            "ForeignCluster",
            "core.liqo.io",
            "v1beta1",
            "foreignclusters",
            "Cluster",
            true,
        ),
        (
            "Tenant",
            "authentication.liqo.io",
            "v1beta1",
            "tenants",
            "Namespaced",
            true,
        ),
        (
            "Identity",
            "authentication.liqo.io",
            "v1beta1",
            "identities",
            "Namespaced",
            true,
        ),
        (
            "ResourceSlice",
            "authentication.liqo.io",
            "v1beta1",
            "resourceslices",
            "Namespaced",
            true,
        ),
        (
            "Renew",
            "authentication.liqo.io",
            "v1beta1",
            "renews",
            "Namespaced",
            true,
        ),
        (
            "Configuration",
            "networking.liqo.io",
            "v1beta1",
            "configurations",
            "Namespaced",
            true,
        ),
        (
            "GatewayServer",
            "networking.liqo.io",
            "v1beta1",
            "gatewayservers",
            "Namespaced",
            true,
        ),
        (
            "GatewayClient",
            "networking.liqo.io",
            "v1beta1",
            "gatewayclients",
            "Namespaced",
            true,
        ),
        (
            "WgGatewayServer",
            "networking.liqo.io",
            "v1beta1",
            "wggatewayservers",
            "Namespaced",
            true,
        ),
        (
            "WgGatewayClient",
            "networking.liqo.io",
            "v1beta1",
            "wggatewayclients",
            "Namespaced",
            true,
        ),
        (
            "WgGatewayServerTemplate",
            "networking.liqo.io",
            "v1beta1",
            "wggatewayservertemplates",
            "Namespaced",
            false,
        ),
        (
            "WgGatewayClientTemplate",
            "networking.liqo.io",
            "v1beta1",
            "wggatewayclienttemplates",
            "Namespaced",
            false,
        ),
        (
            "PublicKey",
            "networking.liqo.io",
            "v1beta1",
            "publickeies",
            "Namespaced",
            false,
        ),
        (
            "Connection",
            "networking.liqo.io",
            "v1beta1",
            "connections",
            "Namespaced",
            true,
        ),
        (
            "Network",
            "ipam.liqo.io",
            "v1alpha1",
            "networks",
            "Namespaced",
            true,
        ),
        (
            "VirtualNode",
            "offloading.liqo.io",
            "v1beta1",
            "virtualnodes",
            "Namespaced",
            true,
        ),
        (
            "VkOptionsTemplate",
            "offloading.liqo.io",
            "v1beta1",
            "vkoptionstemplates",
            "Namespaced",
            false,
        ),
        (
            "NamespaceOffloading",
            "offloading.liqo.io",
            "v1beta1",
            "namespaceoffloadings",
            "Namespaced",
            true,
        ),
        (
            "NamespaceMap",
            "offloading.liqo.io",
            "v1beta1",
            "namespacemaps",
            "Namespaced",
            true,
        ),
        (
            "Quota",
            "offloading.liqo.io",
            "v1beta1",
            "quotas",
            "Namespaced",
            false,
        ),
        (
            "ShadowPod",
            "offloading.liqo.io",
            "v1beta1",
            "shadowpods",
            "Namespaced",
            true,
        ),
        (
            "ShadowEndpointSlice",
            "offloading.liqo.io",
            "v1beta1",
            "shadowendpointslices",
            "Namespaced",
            false,
        ),
        ("IP", "ipam.liqo.io", "v1alpha1", "ips", "Namespaced", true),
    ];

    #[test]
    fn every_kind_has_upstreams_group_version_plural_scope_and_subresources() {
        let crds = all();
        assert_eq!(crds.len(), UPSTREAM.len());
        for &(kind, group, version, plural, scope, status) in UPSTREAM {
            let crd = find(&crds, kind);
            assert_eq!(crd.spec.group, group, "{kind}");
            assert_eq!(crd.spec.names.plural, plural, "{kind}");
            assert_eq!(crd.spec.scope, scope, "{kind}");
            assert_eq!(
                crd.metadata.name.as_deref(),
                Some(&*format!("{plural}.{group}"))
            );
            assert_eq!(
                crd.spec.names.categories.as_deref(),
                Some(&["liqo".to_owned()][..])
            );
            let [v] = &crd.spec.versions[..] else {
                panic!("{kind}: one version expected")
            };
            assert_eq!(v.name, version, "{kind}");
            assert!(v.served && v.storage, "{kind}");
            let has_status = v.subresources.as_ref().is_some_and(|s| s.status.is_some());
            assert_eq!(has_status, status, "{kind}: status subresource");
        }
    }

    #[test]
    fn short_names_are_upstreams() {
        let crds = all();
        let short = |kind| {
            find(&crds, kind)
                .spec
                .names
                .short_names
                .clone()
                .unwrap_or_default()
        };
        assert_eq!(short("PublicKey"), ["pk", "pkies", "pkey"]);
        assert_eq!(short("VirtualNode"), ["vn", "vnode", "virno", "vno"]);
        assert_eq!(short("ForeignCluster"), ["fc"]);
        assert_eq!(short("GatewayServer"), ["gws", "gwserver"]);
        assert_eq!(short("Quota"), ["qt"]);
        assert_eq!(short("ShadowPod"), ["shp", "shpod"]);
        assert_eq!(short("ShadowEndpointSlice"), ["shes", "sheps", "seps"]);
        assert!(short("Renew").is_empty());
    }

    #[test]
    fn template_crds_carry_the_gateway_template_label() {
        let crds = all();
        for kind in ["WgGatewayServerTemplate", "WgGatewayClientTemplate"] {
            let labels = find(&crds, kind)
                .metadata
                .labels
                .clone()
                .unwrap_or_default();
            assert_eq!(
                labels
                    .get(crate::consts::label::GATEWAY_TEMPLATE)
                    .map(String::as_str),
                Some("true")
            );
        }
    }

    #[test]
    fn spec_is_required_only_where_upstream_requires_it() {
        let crds = all();
        let required = |kind| {
            let v = &find(&crds, kind).spec.versions[0];
            let root = v
                .schema
                .as_ref()
                .unwrap()
                .open_api_v3_schema
                .as_ref()
                .unwrap();
            root.required.clone().unwrap_or_default()
        };
        assert_eq!(required("Network"), ["spec"]);
        assert_eq!(required("NamespaceOffloading"), ["spec"]);
        assert_eq!(required("Quota"), ["spec"]);
        assert!(required("Tenant").is_empty());
    }

    #[test]
    fn yaml_has_one_document_per_crd_and_parses_back() {
        let crds = all();
        let yaml = to_yaml(&crds);
        assert_eq!(yaml.matches("---\n").count(), crds.len());
        let parsed: Vec<CustomResourceDefinition> = serde_norway::Deserializer::from_str(&yaml)
            .map(|doc| serde::Deserialize::deserialize(doc).unwrap())
            .collect();
        assert_eq!(parsed, crds);
    }
}
