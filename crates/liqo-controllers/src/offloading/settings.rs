//! What an administrator configures about offloading (controller-manager flags, set by
//! `liqoctl install`): the resources a slice gets by default, which slice classes and
//! ingress/load-balancer classes this cluster offers as a provider, and its cluster labels.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Offloading settings of one controller manager.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Resources granted for keys a slice does not request (upstream chart
    /// `offloading.defaultNodeResources`).
    pub default_node_resources: BTreeMap<String, Quantity>,
    /// Whether slices of the built-in class (`default` / empty) are served.
    pub default_class_enabled: bool,
    /// Ingress classes offered to consumers; the first is the default.
    pub ingress_classes: Vec<String>,
    /// Load-balancer classes offered to consumers; the first is the default.
    pub load_balancer_classes: Vec<String>,
    /// Labels every consumer's virtual node gets (`status.nodeLabels` of a slice).
    pub cluster_labels: BTreeMap<String, String>,
    /// Whether consumers may use this cluster's storage classes.
    pub storage_enabled: bool,
    /// The storage class offered as the default (else the cluster's default class).
    pub real_storage_class: Option<String>,
    /// Default `limitsEnforcement` of the Quotas the provider creates.
    pub default_limits_enforcement: String,
}

impl Default for Settings {
    fn default() -> Self {
        let defaults = [
            ("cpu", "4"),
            ("memory", "8Gi"),
            ("pods", "110"),
            ("ephemeral-storage", "20Gi"),
        ];
        Self {
            default_node_resources: defaults
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Quantity(v.to_owned())))
                .collect(),
            default_class_enabled: true,
            ingress_classes: Vec::new(),
            load_balancer_classes: Vec::new(),
            cluster_labels: BTreeMap::new(),
            storage_enabled: false,
            real_storage_class: None,
            default_limits_enforcement: "None".into(),
        }
    }
}

/// Parses `k=v,k=v` (the form of `--default-node-resources` and `--cluster-labels`).
///
/// # Errors
/// A pair without `=` or with an empty key.
pub fn parse_pairs(text: &str) -> Result<BTreeMap<String, String>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
            _ => Err(format!("{pair:?} is not key=value")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_upstreams_chart_values() {
        let s = Settings::default();
        let got: Vec<_> = s
            .default_node_resources
            .iter()
            .map(|(k, v)| format!("{k}={}", v.0))
            .collect();
        assert_eq!(
            got,
            ["cpu=4", "ephemeral-storage=20Gi", "memory=8Gi", "pods=110"]
        );
        assert!(s.default_class_enabled);
    }

    #[test]
    fn pairs_parse_and_refuse_garbage() {
        let p = parse_pairs("cpu=2, memory=1Gi").unwrap();
        assert_eq!(p["cpu"], "2");
        assert_eq!(p["memory"], "1Gi");
        assert!(parse_pairs("").unwrap().is_empty());
        assert!(parse_pairs("cpu").is_err());
        assert!(parse_pairs("=1").is_err());
    }
}
