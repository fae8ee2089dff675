//! The Liqo version a cluster runs (its controller manager's image tag), read before anything
//! is written so that a skew is said up front (liqo#3143: upstream never tells).

use anyhow::Context as _;
use kube::Client;

/// The tag of the Liqo controller manager's image in `namespace`.
pub async fn liqo_version(client: &Client, namespace: &str) -> anyhow::Result<String> {
    let container = liqo_kube::install::observe_controller_manager(client, namespace)
        .await
        .with_context(|| format!("failed to list the Liqo Deployments in namespace {namespace}"))?;
    let image = container.and_then(|c| c.image).with_context(|| {
        format!(
            "no Liqo controller manager found in namespace {namespace}: install Liqo with `liqoctl install`, or pass its namespace with -n"
        )
    })?;
    Ok(image
        .rsplit_once(':')
        .map_or(image.as_str(), |(_, tag)| tag)
        .to_string())
}

/// `major.minor` of a version such as `v1.2.0`.
pub fn major_minor(version: &str) -> String {
    version
        .trim_start_matches('v')
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether two versions differ in major.minor (a skew peering may not survive).
pub fn skewed(a: &str, b: &str) -> bool {
    major_minor(a) != major_minor(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_is_a_major_minor_difference() {
        assert!(!skewed("v1.2.0", "1.2.7"));
        assert!(skewed("v1.2.0", "v1.1.0"));
        assert!(skewed("0.1.0", "v1.2.0"));
    }
}
