//! The gateway's Kubernetes side: the peer's PublicKey configures the tunnel, the Connection
//! `gw-<name>` reports its health, and the peer's Configuration drives routes and NAT.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::jiff::Timestamp;
use kube::api::{ObjectMeta, Patch, PatchParams};
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource};
use liqo_api::consts::label::REMOTE_CLUSTER_ID;
use liqo_api::networking::{
    Connection, ConnectionSpec, ConnectionStatus, ConnectionStatusValue, ConnectionType,
    GatewayClient, GatewayServer, PublicKey,
};
use serde_json::json;
use tokio::sync::mpsc;

use crate::args::Mode;
use crate::dataplane::Shared;
use crate::health::{StatusGate, Update};

/// Server-side-apply field manager of the gateway.
pub const FIELD_MANAGER: &str = "liqo.io/gateway";
/// Delay before retrying a failed write or route installation.
const RETRY: Duration = Duration::from_secs(2);

/// Who this gateway is, from its flags.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Name of the GatewayServer/GatewayClient.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The peer's cluster ID.
    pub peer: String,
    /// UID of the GatewayServer/GatewayClient.
    pub gateway_uid: String,
    /// Server or client.
    pub mode: Mode,
}

impl Identity {
    /// The label selector of the peer's objects.
    pub fn selector(&self) -> String {
        format!("{REMOTE_CLUSTER_ID}={}", self.peer)
    }

    /// The Connection's name: `gw-<name>`.
    pub fn connection_name(&self) -> String {
        format!("gw-{}", self.name)
    }
}

/// The Connection as the gateway owns it (networking.md §3.7), without status.
pub fn render_connection(id: &Identity) -> Connection {
    let api_version = format!(
        "{}/{}",
        liqo_api::networking::GROUP,
        liqo_api::networking::VERSION
    );
    let (kind, wg_kind, type_) = match id.mode {
        Mode::Server => ("GatewayServer", "WgGatewayServer", ConnectionType::Server),
        Mode::Client => ("GatewayClient", "WgGatewayClient", ConnectionType::Client),
    };
    let mut connection = Connection::new(
        &id.connection_name(),
        ConnectionSpec {
            type_,
            // Upstream quirk kept on purpose: the Wg kind with the GatewayServer/Client UID.
            gateway_ref: ObjectReference {
                api_version: Some(api_version.clone()),
                kind: Some(wg_kind.to_string()),
                name: Some(id.name.clone()),
                namespace: Some(id.namespace.clone()),
                uid: Some(id.gateway_uid.clone()),
                ..Default::default()
            },
        },
    );
    connection.metadata = ObjectMeta {
        name: Some(id.connection_name()),
        namespace: Some(id.namespace.clone()),
        labels: Some([(REMOTE_CLUSTER_ID.to_string(), id.peer.clone())].into()),
        owner_references: Some(vec![OwnerReference {
            api_version,
            kind: kind.to_string(),
            name: id.name.clone(),
            uid: id.gateway_uid.clone(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    connection
}

/// Whether the gateway's owner stands: present with the UID the gateway was started for, and
/// not being deleted. A Connection written for any other owner would outlive it.
pub fn owner_stands(owner: Option<&ObjectMeta>, uid: &str) -> bool {
    owner.is_some_and(|m| m.uid.as_deref() == Some(uid) && m.deletion_timestamp.is_none())
}

/// Reads the gateway's owner (the GatewayServer/GatewayClient `id.name`) and tells whether it
/// stands ([`owner_stands`]).
///
/// # Errors
/// The read failure.
pub async fn read_owner(client: &Client, id: &Identity) -> anyhow::Result<bool> {
    let meta = match id.mode {
        Mode::Server => Api::<GatewayServer>::namespaced(client.clone(), &id.namespace)
            .get_opt(&id.name)
            .await
            .map(|o| o.map(|o| o.metadata)),
        Mode::Client => Api::<GatewayClient>::namespaced(client.clone(), &id.namespace)
            .get_opt(&id.name)
            .await
            .map(|o| o.map(|o| o.metadata)),
    }
    .with_context(|| {
        format!(
            "failed to read the gateway's owner {}/{}",
            id.namespace, id.name
        )
    })?;
    Ok(owner_stands(meta.as_ref(), &id.gateway_uid))
}

/// Applies the Connection and sets its status to Connecting when it has none, or when `fresh`
/// (this process's first ensure). Upstream only does the former; but a fresh process has
/// measured nothing yet, so whatever an earlier process wrote is stale, and keeping it would
/// hide a gateway restart. Returns the status value it then has, or `None` when the owner is
/// deleting or gone: then nothing is written.
///
/// The apply creates a missing Connection, so the owner is read first: upstream's gateway
/// re-creates its Connection while its GatewayServer/Client is being deleted (the garbage
/// collector removes it again later, after `network disconnect` has returned). An owner
/// deleted between the read and the apply still leaves one, which the garbage collector
/// removes (its owner reference names the deleted UID) and `disconnect --wait` awaits; the
/// re-read after the apply makes this process stop writing to it.
///
/// # Errors
/// The read, apply or status write failure.
pub async fn ensure_connection(
    api: &Api<Connection>,
    id: &Identity,
    fresh: bool,
) -> anyhow::Result<Option<ConnectionStatusValue>> {
    let client = api.clone().into_client();
    if !read_owner(&client, id).await? {
        return Ok(None);
    }
    let name = id.connection_name();
    let applied = api
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(render_connection(id)),
        )
        .await
        .with_context(|| format!("failed to apply Connection {}/{name}", id.namespace))?;
    if !read_owner(&client, id).await? {
        return Ok(None);
    }
    match applied.status.and_then(|s| s.value) {
        Some(ConnectionStatusValue::Connecting) => {
            return Ok(Some(ConnectionStatusValue::Connecting));
        }
        Some(value) if !fresh => return Ok(Some(value)),
        _ => {}
    }
    let connecting = ConnectionStatus {
        value: Some(ConnectionStatusValue::Connecting),
        latency: None,
    };
    write_status(api, &name, &connecting).await?;
    Ok(Some(ConnectionStatusValue::Connecting))
}

/// Writes the Connection's status (server-side apply on the status subresource) and returns
/// the Connection.
///
/// # Errors
/// The write failure.
pub async fn write_status(
    api: &Api<Connection>,
    name: &str,
    status: &ConnectionStatus,
) -> anyhow::Result<Connection> {
    let body = json!({
        "apiVersion": Connection::api_version(&()),
        "kind": Connection::kind(&()),
        "metadata": {"name": name},
        "status": status,
    });
    api.patch_status(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(body),
    )
    .await
    .with_context(|| format!("failed to write the status of Connection {name}"))
}

/// Configures the tunnel from the peer's PublicKeys, forever. The first valid key also
/// ensures the Connection, then calls `connected` once (to start the health reporting).
pub async fn watch_public_keys(
    client: Client,
    id: Identity,
    shared: Arc<Shared>,
    connected: tokio::sync::oneshot::Sender<ConnectionStatusValue>,
) {
    let api: Api<PublicKey> = Api::namespaced(client.clone(), &id.namespace);
    let connections: Api<Connection> = Api::namespaced(client, &id.namespace);
    let config = watcher::Config::default().labels(&id.selector());
    let mut stream = watcher(api, config)
        .default_backoff()
        .applied_objects()
        .boxed();
    let mut connected = Some(connected);
    loop {
        let key = match stream.try_next().await {
            Ok(Some(key)) => key,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "PublicKey watch failed");
                continue;
            }
        };
        let name = key.metadata.name.clone().unwrap_or_default();
        let bytes = key.spec.public_key.map(|b| b.0).unwrap_or_default();
        let Ok(public) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            tracing::warn!(publickey = %name, len = bytes.len(), "PublicKey is not 32 bytes, ignored");
            continue;
        };
        if shared.set_peer(public) {
            tracing::info!(publickey = %name, peer = %id.peer, "peer configured");
        }
        // Every key event re-ensures the Connection (upstream does it on every reconcile), so
        // a deleted Connection comes back while its owner stands; the health reporting starts
        // after the first one.
        let Some(value) = ensure_until_done(&connections, &id, connected.is_some()).await else {
            tracing::info!(owner = %id.name, "the gateway's owner is deleting or gone: Connection not written");
            continue;
        };
        if let Some(tx) = connected.take() {
            let _ = tx.send(value);
        }
    }
}

async fn ensure_until_done(
    api: &Api<Connection>,
    id: &Identity,
    fresh: bool,
) -> Option<ConnectionStatusValue> {
    loop {
        match ensure_connection(api, id, fresh).await {
            Ok(value) => {
                tracing::debug!(connection = %id.connection_name(), status = ?value, "Connection ensured");
                return value;
            }
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "failed to ensure the Connection");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Writes health updates to the Connection's status, filtered by `gate`, forever. Each change
/// of value, and a persisting Error every [`EVENT_REFRESH`], also publishes an Event on the
/// Connection whose note is `explain(connected)`: the status has no room for the cause.
pub async fn report_status(
    client: Client,
    id: Identity,
    mut gate: StatusGate,
    mut updates: mpsc::Receiver<Update>,
    explain: impl Fn(bool) -> String,
) {
    let api: Api<Connection> = Api::namespaced(client.clone(), &id.namespace);
    let events = Recorder::new(
        client,
        Reporter {
            controller: "liqo-gateway".into(),
            instance: std::env::var("POD_NAME").ok(),
        },
    );
    let name = id.connection_name();
    let mut last_value = None;
    let mut last_event: Option<tokio::time::Instant> = None;
    while let Some(update) = updates.recv().await {
        let now = Timestamp::now();
        if !gate.should_write(&update.value, now) {
            continue;
        }
        match write_status(&api, &name, &update.render_status()).await {
            Ok(connection) => {
                let changed = last_value.as_ref() != Some(&update.value);
                if changed {
                    tracing::info!(connection = %name, status = %update.value, latency = ?update.latency, "connection status changed");
                } else {
                    tracing::debug!(connection = %name, latency = ?update.latency, "connection status refreshed");
                }
                let stale = last_event.is_none_or(|at| at.elapsed() >= EVENT_REFRESH);
                let error = update.value == ConnectionStatusValue::Error;
                if changed || (error && stale) {
                    let event = status_event(&update.value, explain(!error));
                    if let Err(e) = events.publish(&event, &connection.object_ref(&())).await {
                        tracing::warn!(error = %e, "failed to publish the Connection event");
                    }
                    last_event = Some(tokio::time::Instant::now());
                }
                last_value = Some(update.value.clone());
                gate.written(update.value, now);
            }
            Err(e) => tracing::warn!(
                error = format!("{e:#}"),
                "failed to write the Connection status"
            ),
        }
    }
}

/// How often a persisting Error re-publishes its (possibly changed) cause.
pub const EVENT_REFRESH: Duration = Duration::from_secs(30);

/// The Event for a Connection now `value`, with its cause.
fn status_event(value: &ConnectionStatusValue, note: String) -> Event {
    let (type_, reason) = match value {
        ConnectionStatusValue::Connected => (EventType::Normal, "Connected"),
        ConnectionStatusValue::Error => (EventType::Warning, "ConnectionError"),
        _ => (EventType::Normal, "Connecting"),
    };
    Event {
        type_,
        reason: reason.into(),
        note: Some(note),
        action: "CheckConnection".into(),
        secondary: None,
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    use super::*;

    fn meta(uid: &str, deleting: bool) -> ObjectMeta {
        ObjectMeta {
            uid: Some(uid.into()),
            deletion_timestamp: deleting.then(|| Time(Timestamp::now())),
            ..Default::default()
        }
    }

    #[test]
    fn only_a_present_owner_with_our_uid_and_no_deletion_stands() {
        assert!(owner_stands(Some(&meta("u1", false)), "u1"));
        assert!(!owner_stands(None, "u1"), "gone");
        assert!(!owner_stands(Some(&meta("u1", true)), "u1"), "deleting");
        assert!(
            !owner_stands(Some(&meta("u2", false)), "u1"),
            "re-created under the same name: another owner"
        );
    }
}
