//! The offloading part of an installation: the controller-manager flags of the provider-side
//! defaults (validated here, before anything is written) and the default VkOptionsTemplate.

use std::collections::BTreeMap;

use liqo_api::consts::name;
use liqo_api::offloading::{
    ReflectionType, ReflectorConfig, VkOptionsTemplate, VkOptionsTemplateSpec,
};

use super::{InstallParams, meta};
use crate::offloading::resource_slice::check_quantity;

/// What `liqoctl install` sets about offloading; `None`/empty leaves the controller-manager
/// default (upstream chart values: cpu=4, memory=8Gi, pods=110, ephemeral-storage=20Gi; class
/// enabled; no classes, labels or storage; enforcement `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffloadingParams {
    /// `--default-node-resources` (`k=v,...`).
    pub default_node_resources: Option<BTreeMap<String, String>>,
    /// `--default-resource-slice-class-enabled`.
    pub default_class_enabled: Option<bool>,
    /// `--ingress-classes`.
    pub ingress_classes: Vec<String>,
    /// `--load-balancer-classes`.
    pub load_balancer_classes: Vec<String>,
    /// `--cluster-labels` (`k=v,...`).
    pub cluster_labels: BTreeMap<String, String>,
    /// `--enable-storage`.
    pub enable_storage: bool,
    /// `--real-storage-class-name`.
    pub real_storage_class: Option<String>,
    /// `--default-limits-enforcement` (`Hard`, `Soft`, `None`).
    pub default_limits_enforcement: Option<String>,
}

/// Accepted values of `--default-limits-enforcement`.
pub const LIMITS_ENFORCEMENTS: &[&str] = &["Hard", "Soft", "None"];

/// Parses `k=v,k=v` for the install flag `flag`.
///
/// # Errors
/// A pair without `=` or with an empty key, naming the flag.
pub fn parse_pairs(flag: &str, text: &str) -> Result<BTreeMap<String, String>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
            _ => Err(format!(
                "invalid {flag} {pair:?}: use key=value pairs separated by commas"
            )),
        })
        .collect()
}

impl OffloadingParams {
    /// Checks every value the way the controller manager (and the API server, for labels)
    /// would take it.
    ///
    /// # Errors
    /// The first bad value, naming its flag.
    pub fn validate(&self) -> Result<(), String> {
        for (key, value) in self.default_node_resources.iter().flatten() {
            check_quantity(value, key == "pods").map_err(|why| {
                format!("invalid --default-node-resources {key}={value:?}: {why}")
            })?;
        }
        for (key, value) in &self.cluster_labels {
            check_label(key, value)
                .map_err(|why| format!("invalid --cluster-labels {key}={value:?}: {why}"))?;
        }
        for (flag, classes) in [
            ("--ingress-classes", &self.ingress_classes),
            ("--load-balancer-classes", &self.load_balancer_classes),
        ] {
            if classes.iter().any(|c| c.trim().is_empty()) {
                return Err(format!("invalid {flag}: a class name is empty"));
            }
        }
        if let Some(mode) = &self.default_limits_enforcement
            && !LIMITS_ENFORCEMENTS.contains(&mode.as_str())
        {
            return Err(format!(
                "invalid --default-limits-enforcement {mode:?}: use one of {}",
                LIMITS_ENFORCEMENTS.join(", ")
            ));
        }
        Ok(())
    }

    /// The controller-manager args for what differs from its defaults (a plain install keeps
    /// the Deployment as it was).
    pub fn controller_manager_args(&self) -> Vec<String> {
        let pairs = |map: &BTreeMap<String, String>| {
            map.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut args = Vec::new();
        if let Some(resources) = &self.default_node_resources {
            args.push(format!("--default-node-resources={}", pairs(resources)));
        }
        if let Some(enabled) = self.default_class_enabled {
            args.push(format!("--default-resource-slice-class-enabled={enabled}"));
        }
        if !self.ingress_classes.is_empty() {
            args.push(format!(
                "--ingress-classes={}",
                self.ingress_classes.join(",")
            ));
        }
        if !self.load_balancer_classes.is_empty() {
            args.push(format!(
                "--load-balancer-classes={}",
                self.load_balancer_classes.join(",")
            ));
        }
        if !self.cluster_labels.is_empty() {
            args.push(format!("--cluster-labels={}", pairs(&self.cluster_labels)));
        }
        if self.enable_storage {
            args.push("--enable-storage".to_owned());
        }
        if let Some(class) = &self.real_storage_class {
            args.push(format!("--real-storage-class-name={class}"));
        }
        if let Some(mode) = &self.default_limits_enforcement {
            args.push(format!("--default-limits-enforcement={mode}"));
        }
        args
    }
}

/// A label `key=value` as the API server accepts it on a Node: an optional DNS-subdomain
/// prefix and `/`, a name of at most 63 characters; a value of at most 63 characters, both
/// alphanumeric at the ends with `-`, `_`, `.` inside.
fn check_label(key: &str, value: &str) -> Result<(), String> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.ends_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let dns = prefix.len() <= 253
            && prefix.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            });
        if !dns {
            return Err("the key prefix must be a lowercase DNS subdomain".into());
        }
    }
    if !name_ok(name) {
        return Err("the key must be at most 63 alphanumeric characters, '-', '_' or '.'".into());
    }
    if !value.is_empty() && !name_ok(value) {
        return Err("the value must be at most 63 alphanumeric characters, '-', '_' or '.'".into());
    }
    Ok(())
}

/// The default VkOptionsTemplate `<liqoNs>/virtual-kubelet-default`: this release's image as
/// the virtual kubelet and upstream's chart defaults (one replica, Node created, network
/// checked, no metrics, the chart's reflector workers and types).
pub(super) fn default_vk_options_template(params: &InstallParams) -> VkOptionsTemplate {
    let reflector = |workers, type_: Option<ReflectionType>| ReflectorConfig { workers, type_ };
    let deny = || Some(ReflectionType::DenyList);
    let reflectors = [
        ("pod", reflector(10, None)),
        ("service", reflector(3, deny())),
        ("endpointslice", reflector(10, None)),
        ("ingress", reflector(3, deny())),
        ("configmap", reflector(3, deny())),
        ("secret", reflector(3, deny())),
        ("serviceaccount", reflector(3, None)),
        ("persistentvolumeclaim", reflector(3, None)),
        ("event", reflector(3, deny())),
    ];
    VkOptionsTemplate {
        metadata: meta(name::VK_OPTIONS_TEMPLATE, Some(&params.namespace), &[]),
        spec: VkOptionsTemplateSpec {
            container_image: params.image.clone(),
            create_node: true,
            disable_network_check: false,
            metrics_enabled: false,
            replicas: Some(1),
            reflectors_config: Some(
                reflectors
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            ),
            // As the chart: offloaded pods get their consumer ServiceAccount tokens.
            extra_args: Some(vec!["--enable-apiserver-support=true".into()]),
            ..VkOptionsTemplateSpec::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> BTreeMap<String, String> {
        parse_pairs("--x", text).unwrap()
    }

    #[test]
    fn plain_install_sets_no_offloading_flag() {
        assert!(
            OffloadingParams::default()
                .controller_manager_args()
                .is_empty()
        );
        assert_eq!(OffloadingParams::default().validate(), Ok(()));
    }

    #[test]
    fn flags_map_to_the_controller_manager_flags() {
        let p = OffloadingParams {
            default_node_resources: Some(pairs("cpu=8,memory=16Gi")),
            default_class_enabled: Some(false),
            ingress_classes: vec!["nginx".into(), "traefik".into()],
            load_balancer_classes: vec!["metallb".into()],
            cluster_labels: pairs("region=eu,tier=gold"),
            enable_storage: true,
            real_storage_class: Some("standard".into()),
            default_limits_enforcement: Some("Soft".into()),
        };
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(
            p.controller_manager_args(),
            [
                "--default-node-resources=cpu=8,memory=16Gi",
                "--default-resource-slice-class-enabled=false",
                "--ingress-classes=nginx,traefik",
                "--load-balancer-classes=metallb",
                "--cluster-labels=region=eu,tier=gold",
                "--enable-storage",
                "--real-storage-class-name=standard",
                "--default-limits-enforcement=Soft",
            ]
        );
    }

    #[test]
    fn bad_values_name_their_flag() {
        let bad_quantity = OffloadingParams {
            default_node_resources: Some(pairs("cpu=lots")),
            ..OffloadingParams::default()
        };
        let e = bad_quantity.validate().unwrap_err();
        assert!(
            e.starts_with("invalid --default-node-resources cpu=\"lots\""),
            "{e}"
        );
        let fractional_pods = OffloadingParams {
            default_node_resources: Some(pairs("pods=1.5")),
            ..OffloadingParams::default()
        };
        assert!(fractional_pods.validate().is_err());
        for label in [
            "bad key=x",
            "k=bad value",
            "-k=v",
            "Foo.com/k=v",
            &format!("k={}", "a".repeat(64)),
        ] {
            let p = OffloadingParams {
                cluster_labels: pairs(label),
                ..OffloadingParams::default()
            };
            let e = p.validate().unwrap_err();
            assert!(e.starts_with("invalid --cluster-labels "), "{label}: {e}");
        }
        let ok = OffloadingParams {
            cluster_labels: pairs("topology.kubernetes.io/region=eu-west-1,empty="),
            ..OffloadingParams::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let mode = OffloadingParams {
            default_limits_enforcement: Some("Strict".into()),
            ..OffloadingParams::default()
        };
        assert!(
            mode.validate()
                .unwrap_err()
                .contains("--default-limits-enforcement")
        );
        let e = parse_pairs("--cluster-labels", "novalue").unwrap_err();
        assert!(e.starts_with("invalid --cluster-labels \"novalue\""), "{e}");
    }
}
