//! The networking module of a ForeignCluster's status (networking.md §5.8): whether the peer's
//! Configuration exists, whether its gateway Deployments are ready, and the tunnel state from
//! its Connection.

use super::enabled_module;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentStatus};
use k8s_openapi::jiff::Timestamp;
use kube::api::ListParams;
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::condition::foreign_cluster as reason;
use liqo_api::consts::{label, name};
use liqo_api::core::{Condition, ConditionStatusType, ConditionType, Module};
use liqo_api::networking::{
    Configuration, Connection, ConnectionStatusValue, GatewayClient, GatewayServer,
};

/// What the cluster holds about the networking with one peer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkObserved {
    /// A Configuration for the peer exists.
    pub configuration: bool,
    /// A GatewayServer for the peer exists, with its Deployment's status if any.
    pub server: Option<Option<DeploymentStatus>>,
    /// A GatewayClient for the peer exists, with its Deployment's status if any.
    pub client: Option<Option<DeploymentStatus>>,
    /// The Connection's status value, when a Connection exists.
    pub connection: Option<Option<ConnectionStatusValue>>,
}

fn condition(
    type_: ConditionType,
    status: ConditionStatusType,
    why: &str,
    message: &str,
) -> Condition {
    Condition {
        type_,
        status,
        last_transition_time: None,
        reason: Some(why.into()),
        message: Some(message.into()),
    }
}

fn gateway_condition(type_: ConditionType, deployment: Option<&DeploymentStatus>) -> Condition {
    let ready = deployment.and_then(|d| d.ready_replicas).unwrap_or(0) > 0;
    let unavailable = deployment.and_then(|d| d.unavailable_replicas).unwrap_or(0) > 0;
    match (ready, unavailable) {
        (true, false) => condition(
            type_,
            ConditionStatusType::Ready,
            reason::REASON_GATEWAYS_READY,
            "All gateway replicas are ready",
        ),
        (true, true) => condition(
            type_,
            ConditionStatusType::SomeNotReady,
            reason::REASON_GATEWAYS_SOME_NOT_READY,
            "Some gateway replicas are not ready",
        ),
        (false, _) => condition(
            type_,
            ConditionStatusType::NotReady,
            reason::REASON_GATEWAYS_NOT_READY,
            "All gateway replicas are not ready",
        ),
    }
}

/// The networking module, enabled (as upstream) once any networking object for the peer
/// exists; `previous` keeps the transition time of unchanged conditions.
pub fn networking_module(
    observed: &NetworkObserved,
    previous: Option<&Module>,
    now: Timestamp,
) -> Module {
    let enabled = observed.configuration
        || observed.server.is_some()
        || observed.client.is_some()
        || observed.connection.is_some();
    if !enabled {
        return Module {
            enabled: false,
            conditions: None,
        };
    }
    let mut conditions = vec![if observed.configuration {
        condition(
            ConditionType::NetworkConfigurationStatus,
            ConditionStatusType::Ready,
            reason::REASON_NETWORK_CONFIGURATION_PRESENCE,
            reason::MESSAGE_NETWORK_CONFIGURATION_PRESENCE,
        )
    } else {
        condition(
            ConditionType::NetworkConfigurationStatus,
            ConditionStatusType::NotReady,
            reason::REASON_NETWORK_CONFIGURATION_MISSING,
            "The network configuration for the connection with the foreign cluster is missing",
        )
    }];
    conditions.push(if observed.server.is_none() && observed.client.is_none() {
        condition(
            ConditionType::NetworkGatewayPresence,
            ConditionStatusType::NotReady,
            reason::REASON_GATEWAY_MISSING,
            "The gateway resource connecting to the foreign cluster is missing",
        )
    } else {
        condition(
            ConditionType::NetworkGatewayPresence,
            ConditionStatusType::Ready,
            reason::REASON_GATEWAY_PRESENCE,
            "There is a gateway connecting to the foreign cluster",
        )
    });
    if let Some(server) = &observed.server {
        conditions.push(gateway_condition(
            ConditionType::NetworkGatewayServerStatus,
            server.as_ref(),
        ));
    }
    if let Some(client) = &observed.client {
        conditions.push(gateway_condition(
            ConditionType::NetworkGatewayClientStatus,
            client.as_ref(),
        ));
    }
    let connection = ConditionType::NetworkConnectionStatus;
    conditions.push(match &observed.connection {
        None => condition(
            connection,
            ConditionStatusType::NotReady,
            reason::REASON_CONNECTION_MISSING,
            "There is no network connection with the foreign cluster",
        ),
        Some(Some(ConnectionStatusValue::Connected)) => condition(
            connection,
            ConditionStatusType::Established,
            reason::REASON_CONNECTION_ESTABLISHED,
            "The network connection with the foreign cluster is established",
        ),
        Some(Some(ConnectionStatusValue::Connecting)) => condition(
            connection,
            ConditionStatusType::Pending,
            reason::REASON_CONNECTION_PENDING,
            "The network connection with the foreign cluster is connecting",
        ),
        Some(_) => condition(
            connection,
            ConditionStatusType::Error,
            reason::REASON_CONNECTION_ERROR,
            "The network connection with the foreign cluster is in error",
        ),
    });
    enabled_module(conditions, previous, now)
}

/// Reads what [`networking_module`] needs about `peer`.
///
/// # Errors
/// When a list or get fails.
pub async fn observe(client: &Client, peer: &str) -> Result<NetworkObserved, kube::Error> {
    let selector = ListParams::default().labels(&format!("{}={peer}", label::REMOTE_CLUSTER_ID));
    let configuration = first::<Configuration>(client, &selector).await?.is_some();
    let server = first::<GatewayServer>(client, &selector).await?;
    let gateway_client = first::<GatewayClient>(client, &selector).await?;
    let connection = Api::<Connection>::all(client.clone())
        .list(&selector)
        .await?
        .items
        .into_iter()
        .next()
        .map(|c| c.status.and_then(|s| s.value));
    Ok(NetworkObserved {
        configuration,
        server: gateway_deployment(client, server).await?,
        client: gateway_deployment(client, gateway_client).await?,
        connection,
    })
}

/// `(namespace, name)` of the first `K` matching `selector`, in any namespace.
async fn first<K>(
    client: &Client,
    selector: &ListParams,
) -> Result<Option<(String, String)>, kube::Error>
where
    K: kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let list = Api::<K>::all(client.clone())
        .list_metadata(selector)
        .await?;
    Ok(list
        .items
        .into_iter()
        .next()
        .map(|m| (m.namespace().unwrap_or_default(), m.name_any())))
}

/// The status of the Deployment `gw-<name>` of the gateway at `(namespace, name)`, if any.
async fn gateway_deployment(
    client: &Client,
    gateway: Option<(String, String)>,
) -> Result<Option<Option<DeploymentStatus>>, kube::Error> {
    let Some((ns, gw)) = gateway else {
        return Ok(None);
    };
    let api: Api<Deployment> = Api::namespaced(client.clone(), &ns);
    let deployment = api
        .get_opt(&format!("{}{gw}", name::GATEWAY_PREFIX))
        .await?;
    Ok(Some(deployment.and_then(|d| d.status)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(m: &Module, t: ConditionType) -> Option<(ConditionStatusType, String)> {
        m.conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == t)
            .map(|c| (c.status, c.reason.clone().unwrap_or_default()))
    }

    #[test]
    fn a_peer_without_networking_has_the_module_off_and_a_partial_one_says_what_is_missing() {
        let off = networking_module(&NetworkObserved::default(), None, Timestamp::UNIX_EPOCH);
        assert_eq!((off.enabled, off.conditions), (false, None));
        let only_configuration = NetworkObserved {
            configuration: true,
            ..Default::default()
        };
        let m = networking_module(&only_configuration, None, Timestamp::UNIX_EPOCH);
        assert!(m.enabled);
        assert_eq!(
            status_of(&m, ConditionType::NetworkConfigurationStatus),
            Some((
                ConditionStatusType::Ready,
                "NetworkConfigurationPresence".into()
            ))
        );
        assert_eq!(
            status_of(&m, ConditionType::NetworkGatewayPresence),
            Some((ConditionStatusType::NotReady, "GatewayMissing".into()))
        );
        assert_eq!(
            status_of(&m, ConditionType::NetworkConnectionStatus),
            Some((ConditionStatusType::NotReady, "ConnectionMissing".into()))
        );
    }

    #[test]
    fn gateways_and_connection_map_to_their_conditions() {
        let ready = DeploymentStatus {
            ready_replicas: Some(1),
            ..Default::default()
        };
        let partial = DeploymentStatus {
            ready_replicas: Some(1),
            unavailable_replicas: Some(1),
            ..Default::default()
        };
        let observed = NetworkObserved {
            configuration: true,
            server: Some(Some(ready)),
            client: Some(Some(partial)),
            connection: Some(Some(ConnectionStatusValue::Connected)),
        };
        let now = Timestamp::UNIX_EPOCH;
        let m = networking_module(&observed, None, now);
        assert_eq!(
            status_of(&m, ConditionType::NetworkGatewayPresence),
            Some((ConditionStatusType::Ready, "GatewayPresence".into()))
        );
        assert_eq!(
            status_of(&m, ConditionType::NetworkGatewayServerStatus)
                .unwrap()
                .0,
            ConditionStatusType::Ready
        );
        assert_eq!(
            status_of(&m, ConditionType::NetworkGatewayClientStatus)
                .unwrap()
                .0,
            ConditionStatusType::SomeNotReady
        );
        assert_eq!(
            status_of(&m, ConditionType::NetworkConnectionStatus),
            Some((
                ConditionStatusType::Established,
                "ConnectionEstablished".into()
            ))
        );
        for (value, expected) in [
            (
                Some(ConnectionStatusValue::Connecting),
                ConditionStatusType::Pending,
            ),
            (
                Some(ConnectionStatusValue::Error),
                ConditionStatusType::Error,
            ),
            (None, ConditionStatusType::Error),
        ] {
            let o = NetworkObserved {
                connection: Some(value),
                ..observed.clone()
            };
            assert_eq!(
                status_of(
                    &networking_module(&o, None, now),
                    ConditionType::NetworkConnectionStatus
                )
                .unwrap()
                .0,
                expected
            );
        }
        let o = NetworkObserved {
            server: Some(None),
            ..observed.clone()
        };
        assert_eq!(
            status_of(
                &networking_module(&o, None, now),
                ConditionType::NetworkGatewayServerStatus
            )
            .unwrap()
            .0,
            ConditionStatusType::NotReady
        );
        // Unchanged conditions keep their transition time.
        let later = networking_module(&observed, Some(&m), Timestamp::now());
        assert_eq!(later, m);
    }
}
