//! Building the consumer's ResourceSlice (`create resourceslice`, `peer`): labels, annotations,
//! spec from flags, quantities validated.
//!
//! Everything here is pure: the CLI validates and renders the whole object before it reads or
//! writes anything, so a bad `--cpu` never leaves a half-made slice behind.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use liqo_api::authentication::{ResourceSlice, ResourceSliceSpec};
use liqo_api::consts::{annotation, label, name};

/// What the user asked for, as typed (flags are validated by [`build`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SliceRequest {
    /// The slice's name (also the VirtualNode's and Node's).
    pub name: String,
    /// The provider's cluster ID.
    pub remote_cluster_id: String,
    /// `--class` (`default` or empty: the built-in class).
    pub class: String,
    /// `--cpu`.
    pub cpu: Option<String>,
    /// `--memory`.
    pub memory: Option<String>,
    /// `--pods`.
    pub pods: Option<String>,
    /// `--resource k=v` entries (comma lists already split by the flag parser, or not).
    pub resources: Vec<String>,
    /// Annotate the slice so that the VirtualNode creator makes a virtual node for it.
    pub create_virtual_node: bool,
}

/// Why a request cannot become a slice. Every message names the flag at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SliceError {
    /// A quantity flag does not hold a non-negative Kubernetes quantity.
    #[error("invalid --{flag} {value:?}: {why}")]
    Quantity {
        /// The flag (`cpu`, `memory`, `pods`).
        flag: String,
        /// What was typed.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// A `--resource` entry is not `name=quantity`.
    #[error("invalid --resource {0:?}: use name=quantity, such as nvidia.com/gpu=1")]
    ResourceEntry(String),
    /// A `--resource` entry whose quantity is not a non-negative Kubernetes quantity; the
    /// whole entry is named, as several may be given in one flag.
    #[error("invalid --resource {entry:?}: quantity {value:?} of {name:?}: {why}")]
    ResourceQuantity {
        /// The whole `name=quantity` entry, as typed.
        entry: String,
        /// The resource name.
        name: String,
        /// The quantity, as typed.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// A resource is given twice with different values.
    #[error("resource {name:?} is given twice ({first} and {second}): give it once")]
    Duplicate {
        /// The resource.
        name: String,
        /// Its first value.
        first: String,
        /// Its second value.
        second: String,
    },
    /// A class other than the built-in one.
    #[error(
        "--class {0:?} is not served by this Liqo: only the built-in class \"default\" is (upstream leaves other classes to external ResourceSlice class plugins, which this Liqo does not run)"
    )]
    Class(String),
    /// The slice name is not a valid object name.
    #[error(
        "invalid ResourceSlice name {0:?}: it names the virtual node too, so it must be a DNS label (lowercase letters, digits and '-', at most 63 characters)"
    )]
    Name(String),
    /// The cluster ID is not a DNS label.
    #[error("invalid --remote-cluster-id {0:?}: a cluster ID is a DNS label")]
    ClusterId(String),
}

/// Whether `class` is the built-in class (`default` or empty).
pub fn is_builtin_class(class: &str) -> bool {
    class.is_empty() || class == name::DEFAULT_RESOURCE_SLICE_CLASS
}

/// Whether `s` is a DNS-1123 label.
fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks a Kubernetes quantity: `<number><suffix>` with a decimal-SI (`m`, `k`, `M`, …),
/// binary-SI (`Ki`, `Mi`, …) or exponent (`e3`) suffix, not negative. `integer` refuses
/// fractions (pods).
///
/// # Errors
/// The reason, for [`SliceError::Quantity`].
pub fn check_quantity(value: &str, integer: bool) -> Result<(), String> {
    let text = value.trim();
    if text.is_empty() {
        return Err("it is empty".into());
    }
    if text.starts_with('-') {
        return Err("it must not be negative".into());
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    let number_len = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_len);
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || number.matches('.').count() > 1 {
        return Err("it is not a quantity such as 2, 500m, 4Gi or 1e3".into());
    }
    let exponent_ok = |s: &str| {
        let s = s.strip_prefix(['e', 'E']).unwrap_or("x");
        let s = s.strip_prefix(['+', '-']).unwrap_or(s);
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    };
    // The units a quantity may carry, or a decimal exponent (any size is syntax, not value).
    let suffix_ok = crate::quantity::suffix_exponents(suffix).is_some() || exponent_ok(suffix);
    if !suffix_ok {
        return Err(format!(
            "unit {suffix:?} is not one of m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei"
        ));
    }
    if integer && (number.contains('.') || !matches!(suffix, "" | "k" | "M" | "G")) {
        return Err("it must be a whole number".into());
    }
    Ok(())
}

fn quantity(flag: &str, value: &str, integer: bool) -> Result<Quantity, SliceError> {
    check_quantity(value, integer).map_err(|why| SliceError::Quantity {
        flag: flag.into(),
        value: value.into(),
        why,
    })?;
    Ok(Quantity(value.trim().to_string()))
}

/// The requested resources: `--cpu`, `--memory`, `--pods`, then each `--resource`; empty values
/// are skipped (as upstream), a resource given twice with different values is refused.
///
/// # Errors
/// [`SliceError`] naming the flag at fault.
pub fn resources(req: &SliceRequest) -> Result<BTreeMap<String, Quantity>, SliceError> {
    let mut out: BTreeMap<String, Quantity> = BTreeMap::new();
    let mut put = |key: &str, q: Quantity| match out.get(key) {
        Some(prev) if prev != &q => Err(SliceError::Duplicate {
            name: key.into(),
            first: prev.0.clone(),
            second: q.0,
        }),
        _ => {
            out.insert(key.into(), q);
            Ok(())
        }
    };
    for (flag, value, integer) in [
        ("cpu", &req.cpu, false),
        ("memory", &req.memory, false),
        ("pods", &req.pods, true),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            put(flag, quantity(flag, v, integer)?)?;
        }
    }
    for entry in req.resources.iter().flat_map(|e| e.split(',')) {
        if entry.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = entry.split_once('=') else {
            return Err(SliceError::ResourceEntry(entry.into()));
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(SliceError::ResourceEntry(entry.into()));
        }
        if value.trim().is_empty() {
            continue;
        }
        check_quantity(value, key == "pods").map_err(|why| SliceError::ResourceQuantity {
            entry: entry.trim().into(),
            name: key.into(),
            value: value.trim().into(),
            why,
        })?;
        put(key, Quantity(value.trim().to_string()))?;
    }
    Ok(out)
}

/// The slice `req` describes, in the consumer's tenant namespace `namespace` (§1 #2): labels
/// `liqo.io/replication=true`, `liqo.io/remoteID` and `liqo.io/remote-cluster-id` = provider,
/// annotation `liqo.io/create-virtual-node=true` unless `--no-virtual-node`, spec class,
/// provider ID and the non-empty resources.
///
/// # Errors
/// [`SliceError`] for a bad name, cluster ID, class or quantity.
pub fn build(req: &SliceRequest, namespace: &str) -> Result<ResourceSlice, SliceError> {
    if !is_dns_label(&req.name) {
        return Err(SliceError::Name(req.name.clone()));
    }
    if !is_dns_label(&req.remote_cluster_id) {
        return Err(SliceError::ClusterId(req.remote_cluster_id.clone()));
    }
    if !is_builtin_class(&req.class) {
        return Err(SliceError::Class(req.class.clone()));
    }
    let resources = resources(req)?;
    let labels = BTreeMap::from([
        (label::REPLICATION.to_string(), label::TRUE.to_string()),
        (label::REMOTE_ID.to_string(), req.remote_cluster_id.clone()),
        (
            label::REMOTE_CLUSTER_ID.to_string(),
            req.remote_cluster_id.clone(),
        ),
    ]);
    let annotations = req.create_virtual_node.then(|| {
        BTreeMap::from([(
            annotation::CREATE_VIRTUAL_NODE.to_string(),
            label::TRUE.to_string(),
        )])
    });
    Ok(ResourceSlice {
        metadata: ObjectMeta {
            name: Some(req.name.clone()),
            namespace: Some(namespace.to_string()),
            labels: Some(labels),
            annotations,
            ..Default::default()
        },
        spec: ResourceSliceSpec {
            consumer_cluster_id: None,
            provider_cluster_id: Some(req.remote_cluster_id.clone()),
            resources: (!resources.is_empty()).then_some(resources),
            class: Some(req.class.clone()),
            csr: None,
        },
        status: None,
    })
}

/// The fields of a spec the user chooses (the rest is the consumer controller's); `""` and
/// `default` are the same built-in class.
fn requested(
    spec: &ResourceSliceSpec,
) -> (Option<&String>, Option<&BTreeMap<String, Quantity>>, &str) {
    let resources = spec.resources.as_ref().filter(|r| !r.is_empty());
    let class = spec.class.as_deref().unwrap_or_default();
    let class = if is_builtin_class(class) {
        name::DEFAULT_RESOURCE_SLICE_CLASS
    } else {
        class
    };
    (spec.provider_cluster_id.as_ref(), resources, class)
}

/// `existing` updated to `desired` (§8.1 step 2): labels and annotations merged (the
/// create-virtual-node annotation is never removed), the spec replaced wholesale, which clears
/// `consumerClusterID` and `csr` so that the consumer controller issues a new CSR and the
/// provider signs again. `None` when `existing` already has the labels, annotations and
/// requested spec: unlike upstream, which rewrites the spec (and so re-signs) on every run, a
/// repeated `create resourceslice` writes nothing.
pub fn merge(existing: &ResourceSlice, desired: &ResourceSlice) -> Option<ResourceSlice> {
    let mut merged = existing.clone();
    let union = |have: &Option<BTreeMap<String, String>>,
                 want: &Option<BTreeMap<String, String>>| {
        let mut out = have.clone().unwrap_or_default();
        out.extend(want.clone().unwrap_or_default());
        (!out.is_empty()).then_some(out)
    };
    merged.metadata.labels = union(&existing.metadata.labels, &desired.metadata.labels);
    merged.metadata.annotations = union(
        &existing.metadata.annotations,
        &desired.metadata.annotations,
    );
    let same_spec = requested(&existing.spec) == requested(&desired.spec);
    if same_spec {
        if merged.metadata == existing.metadata {
            return None;
        }
    } else {
        merged.spec = desired.spec.clone();
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> SliceRequest {
        SliceRequest {
            name: "rs1".into(),
            remote_cluster_id: "prov".into(),
            class: "default".into(),
            create_virtual_node: true,
            ..Default::default()
        }
    }

    fn q(s: &str) -> Quantity {
        Quantity(s.into())
    }

    #[test]
    fn the_slice_carries_the_replication_labels_annotation_and_spec() {
        let mut r = req();
        r.cpu = Some("2".into());
        r.memory = Some("4Gi".into());
        r.pods = Some("".into());
        r.resources = vec!["nvidia.com/gpu=1,ephemeral-storage=".into()];
        let s = build(&r, "liqo-tenant-prov").unwrap();
        let labels = s.metadata.labels.unwrap();
        assert_eq!(labels["liqo.io/replication"], "true");
        assert_eq!(labels["liqo.io/remoteID"], "prov");
        assert_eq!(labels["liqo.io/remote-cluster-id"], "prov");
        assert_eq!(
            s.metadata.annotations.unwrap()["liqo.io/create-virtual-node"],
            "true"
        );
        assert_eq!(s.metadata.namespace.as_deref(), Some("liqo-tenant-prov"));
        assert_eq!(s.spec.provider_cluster_id.as_deref(), Some("prov"));
        assert_eq!(s.spec.class.as_deref(), Some("default"));
        assert_eq!(
            s.spec.resources.unwrap(),
            BTreeMap::from([
                ("cpu".into(), q("2")),
                ("memory".into(), q("4Gi")),
                ("nvidia.com/gpu".into(), q("1")),
            ])
        );
        assert!(s.spec.csr.is_none() && s.spec.consumer_cluster_id.is_none());
    }

    #[test]
    fn no_virtual_node_means_no_annotation_and_no_resources_means_none() {
        let mut r = req();
        r.create_virtual_node = false;
        let s = build(&r, "ns").unwrap();
        assert!(s.metadata.annotations.is_none());
        assert!(s.spec.resources.is_none());
    }

    #[test]
    fn bad_quantities_name_their_flag() {
        let err = |f: fn(&mut SliceRequest)| {
            let mut r = req();
            f(&mut r);
            build(&r, "ns").unwrap_err().to_string()
        };
        assert_eq!(
            err(|r| r.cpu = Some("abc".into())),
            "invalid --cpu \"abc\": it is not a quantity such as 2, 500m, 4Gi or 1e3"
        );
        assert_eq!(
            err(|r| r.memory = Some("-1Gi".into())),
            "invalid --memory \"-1Gi\": it must not be negative"
        );
        assert_eq!(
            err(|r| r.pods = Some("1.5".into())),
            "invalid --pods \"1.5\": it must be a whole number"
        );
        assert!(
            err(|r| r.memory = Some("4GB".into()))
                .starts_with("invalid --memory \"4GB\": unit \"GB\"")
        );
        assert!(
            err(|r| r.resources = vec!["gpu".into()]).starts_with("invalid --resource \"gpu\"")
        );
        assert_eq!(
            err(|r| r.resources = vec!["cpu=1,nvidia.com/gpu=x".into()]),
            "invalid --resource \"nvidia.com/gpu=x\": quantity \"x\" of \"nvidia.com/gpu\": it is not a quantity such as 2, 500m, 4Gi or 1e3"
        );
        assert_eq!(
            err(|r| r.resources = vec!["pods=1.5".into()]),
            "invalid --resource \"pods=1.5\": quantity \"1.5\" of \"pods\": it must be a whole number"
        );
        assert_eq!(
            err(|r| {
                r.cpu = Some("2".into());
                r.resources = vec!["cpu=3".into()];
            }),
            "resource \"cpu\" is given twice (2 and 3): give it once"
        );
    }

    #[test]
    fn quantities_follow_kubernetes_syntax() {
        for ok in ["1", "500m", "1.5", "4Gi", "1e3", "2E-1", "+3", ".5", "10k"] {
            assert_eq!(check_quantity(ok, false), Ok(()), "{ok}");
        }
        for bad in ["", "abc", "1..2", "Gi", "1 Gi", "1x", "-0"] {
            assert!(check_quantity(bad, false).is_err(), "{bad}");
        }
        assert!(check_quantity("110", true).is_ok());
        assert!(check_quantity("1k", true).is_ok());
        assert!(check_quantity("500m", true).is_err());
        assert!(check_quantity("1Ki", true).is_err());
    }

    #[test]
    fn only_the_builtin_class_and_valid_names_are_accepted() {
        let mut r = req();
        r.class = String::new();
        assert!(build(&r, "ns").is_ok());
        r.class = "gold".into();
        assert!(matches!(build(&r, "ns"), Err(SliceError::Class(c)) if c == "gold"));
        let mut r = req();
        r.name = "Bad_Name".into();
        assert!(matches!(build(&r, "ns"), Err(SliceError::Name(_))));
        let mut r = req();
        r.remote_cluster_id = "x.y".into();
        assert!(matches!(build(&r, "ns"), Err(SliceError::ClusterId(_))));
    }

    #[test]
    fn merging_keeps_foreign_metadata_replaces_the_spec_and_is_a_noop_when_equal() {
        let desired = build(&req(), "ns").unwrap();
        let mut existing = desired.clone();
        existing.spec.consumer_cluster_id = Some("cons".into());
        existing.spec.csr = Some(k8s_openapi::ByteString(b"csr".to_vec()));
        existing
            .metadata
            .labels
            .get_or_insert_default()
            .insert("team".into(), "a".into());
        assert_eq!(merge(&existing, &desired), None, "nothing to change");
        let mut unset_class = existing.clone();
        unset_class.spec.class = None;
        assert_eq!(
            merge(&unset_class, &desired),
            None,
            "no class is the built-in class"
        );

        let mut no_vn = req();
        no_vn.create_virtual_node = false;
        let without = build(&no_vn, "ns").unwrap();
        assert_eq!(
            merge(&existing, &without),
            None,
            "the create-virtual-node annotation is never removed"
        );

        let mut bigger = req();
        bigger.cpu = Some("8".into());
        let merged = merge(&existing, &build(&bigger, "ns").unwrap()).unwrap();
        assert_eq!(merged.metadata.labels.as_ref().unwrap()["team"], "a");
        assert!(merged.spec.csr.is_none(), "a new CSR will be issued");
        assert!(merged.spec.consumer_cluster_id.is_none());
        assert_eq!(merged.spec.resources.unwrap()["cpu"], q("8"));
    }
}
