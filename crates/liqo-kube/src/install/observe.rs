//! What an installation finds in, and waits for from, the cluster.

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::name;
use liqo_api::ipam::Network;

use crate::wait::{self, WaitError};

/// The cluster ID already stored in the cluster, if Liqo was installed before.
///
/// # Errors
/// On API errors other than NotFound.
pub async fn observe_cluster_id(
    client: &Client,
    namespace: &str,
) -> Result<Option<String>, kube::Error> {
    let cm = Api::<ConfigMap>::namespaced(client.clone(), namespace)
        .get_opt(name::CLUSTER_ID_CONFIGMAP)
        .await?;
    Ok(cm.and_then(|cm| cm.data?.get(name::CLUSTER_ID_KEY).cloned()))
}

/// The stored authentication key pair (it is never replaced): `None` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredKeys {
    /// An RSA key: the cluster runs in TLS compatibility mode whatever the flags say.
    Rsa,
    /// Ed25519, or a key this version cannot read (left alone: authenticate names it).
    Other,
}

/// The authentication key pair already stored, if any.
///
/// # Errors
/// On API errors other than NotFound.
pub async fn observe_keys(
    client: &Client,
    namespace: &str,
) -> Result<Option<StoredKeys>, kube::Error> {
    let secret = Api::<Secret>::namespaced(client.clone(), namespace)
        .get_opt(name::AUTHENTICATION_KEYS_SECRET)
        .await?;
    Ok(secret.map(|secret| {
        let private = secret
            .data
            .as_ref()
            .and_then(|d| d.get(name::PRIVATE_KEY_KEY))
            .and_then(|k| String::from_utf8(k.0.clone()).ok());
        let rsa = private
            .and_then(|pem| crate::crypto::ClusterKey::from_pem(&pem).ok())
            .is_some_and(|key| key.rsa_modulus_bits().is_some());
        if rsa {
            StoredKeys::Rsa
        } else {
            StoredKeys::Other
        }
    }))
}

/// Waits until the CRD `name` is Established.
///
/// # Errors
/// [`WaitError`] naming the CRD and its last conditions.
pub async fn await_crd_established(
    client: &Client,
    crd: &str,
    timeout: Duration,
) -> Result<(), WaitError> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let established = |c: Option<&CustomResourceDefinition>| {
        c.and_then(|c| c.status.as_ref()?.conditions.as_ref())
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
            })
    };
    let describe = |c: Option<&CustomResourceDefinition>| match c
        .and_then(|c| c.status.as_ref()?.conditions.clone())
    {
        Some(cs) => cs
            .iter()
            .map(|c| format!("{}={}", c.type_, c.status))
            .collect::<Vec<_>>()
            .join(", "),
        None => "no conditions yet".into(),
    };
    wait::object(
        api,
        crd,
        &format!("CRD {crd} to be Established"),
        timeout,
        established,
        describe,
    )
    .await?;
    Ok(())
}

/// Waits until the Deployment has its replicas updated and available.
///
/// # Errors
/// [`WaitError`] with the replica counts and the latest condition message.
pub async fn await_deployment_available(
    client: &Client,
    namespace: &str,
    deployment: &str,
    timeout: Duration,
) -> Result<(), WaitError> {
    let api: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let available = |d: Option<&Deployment>| {
        let Some(d) = d else { return false };
        let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let Some(status) = &d.status else {
            return false;
        };
        status.observed_generation >= d.metadata.generation
            && status.updated_replicas.unwrap_or(0) >= want
            && status.available_replicas.unwrap_or(0) >= want
    };
    let describe = |d: Option<&Deployment>| match d.and_then(|d| d.status.clone()) {
        Some(s) => format!(
            "{} updated, {} available; {}",
            s.updated_replicas.unwrap_or(0),
            s.available_replicas.unwrap_or(0),
            s.conditions
                .unwrap_or_default()
                .last()
                .and_then(|c| c.message.clone())
                .unwrap_or_default()
        ),
        None => "no status yet".into(),
    };
    let what = format!("Deployment {namespace}/{deployment} to be available");
    wait::object(api, deployment, &what, timeout, available, describe).await?;
    Ok(())
}

/// Waits until the controller manager's IPAM has granted every Network the installation put in
/// `namespace`: until then `network connect` has no CIDR to exchange.
///
/// # Errors
/// [`WaitError`] naming the Networks still without a CIDR.
pub async fn await_networks_granted(
    client: &Client,
    namespace: &str,
    timeout: Duration,
) -> Result<(), WaitError> {
    let api: Api<Network> = Api::namespaced(client.clone(), namespace);
    let pending = |nets: &[Network]| -> Vec<String> {
        nets.iter()
            .filter(|n| n.status.as_ref().and_then(|s| s.cidr.as_ref()).is_none())
            .map(ResourceExt::name_any)
            .collect()
    };
    wait::list(
        api,
        super::PART_OF_SELECTOR,
        &format!("the IPAM to grant the Networks in {namespace}"),
        timeout,
        |nets| Ok(!nets.is_empty() && pending(nets).is_empty()),
        |nets| match pending(nets) {
            _ if nets.is_empty() => "no Network found".into(),
            p => format!("without a CIDR in their status: {}", p.join(", ")),
        },
    )
    .await?;
    Ok(())
}

/// The controller-manager container of the installation in `namespace`, if any.
///
/// # Errors
/// When the Deployments cannot be listed.
pub async fn observe_controller_manager(
    client: &Client,
    namespace: &str,
) -> Result<Option<k8s_openapi::api::core::v1::Container>, kube::Error> {
    let params = kube::api::ListParams::default().labels(super::CONTROLLER_MANAGER_SELECTOR);
    let list = Api::<Deployment>::namespaced(client.clone(), namespace)
        .list(&params)
        .await?;
    Ok(list
        .items
        .into_iter()
        .flat_map(|d| {
            d.spec
                .into_iter()
                .flat_map(|s| s.template.spec.into_iter().flat_map(|p| p.containers))
        })
        .find(|c| c.name == super::CONTROLLER_MANAGER_CONTAINER))
}
