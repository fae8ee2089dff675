//! The waits of `network connect` on what the controllers and gateways make: the gateway
//! Deployments, the server's endpoint, the keys Secrets and the Connections.

use anyhow::{Context as _, anyhow};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use liqo_api::consts::name;
use liqo_api::networking::{Connection, EndpointStatus, GatewayServer};
use liqo_kube::auth::steps;
use liqo_kube::network::lookup::{by_peer, peer_selector};
use liqo_kube::wait;

use super::{Net, TenantObject, left};

/// Steps 13 and 16: the gateway Deployment has a ready replica.
pub(super) async fn await_deployment(
    side: &Net<'_>,
    ns: &str,
    gateway: &str,
    deadline: tokio::time::Instant,
) -> anyhow::Result<()> {
    let name = format!("{}{gateway}", name::GATEWAY_PREFIX);
    let api: Api<Deployment> = Api::namespaced(side.client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(side.client.clone(), ns);
    let result = side
        .step(
            format!("Waiting for gateway pod {name} to be ready"),
            format!("Failed waiting for gateway pod {name} to be ready"),
            |_| format!("Gateway pod {name} is ready"),
            steps::await_object(
                api,
                &name,
                &format!("Deployment {ns}/{name} to have a ready replica"),
                left(deadline),
                |d| ready_replicas(d) > 0,
                |d| match d {
                    None => "Deployment not created yet (is the liqo-controller-manager running?)"
                        .into(),
                    Some(d) => format!("{} ready replicas", ready_replicas(Some(d))),
                },
            ),
        )
        .await;
    if result.is_err() {
        // The pod's own state says why (image, crash, …): print it after the failure line.
        if let Some(why) = pod_state(&pods, gateway).await {
            side.printer.info(why);
        }
    }
    result.map(drop)
}

fn ready_replicas(d: Option<&Deployment>) -> i32 {
    d.and_then(|d| d.status.as_ref())
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0)
}

/// The gateway pods' waiting/terminated reasons, for a failed wait.
async fn pod_state(pods: &Api<Pod>, gateway: &str) -> Option<String> {
    let selector = format!("{}={gateway}", liqo_api::consts::label::GATEWAY_NAME);
    let list = pods
        .list(&ListParams::default().labels(&selector))
        .await
        .ok()?;
    let lines: Vec<String> = list
        .items
        .iter()
        .flat_map(|p| {
            let pod = p.name_any();
            p.status
                .iter()
                .flat_map(|s| s.container_statuses.iter().flatten())
                .filter_map(move |c| {
                    let state = c.state.as_ref()?;
                    let (reason, message) = if let Some(w) = &state.waiting {
                        (w.reason.clone(), w.message.clone())
                    } else if let Some(t) =
                        &c.last_state.as_ref().and_then(|l| l.terminated.clone())
                    {
                        (t.reason.clone(), t.message.clone())
                    } else {
                        return None;
                    };
                    Some(format!(
                        "pod {pod} container {}: {} {}",
                        c.name,
                        reason.unwrap_or_default(),
                        message.unwrap_or_default()
                    ))
                })
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Step 14: the server's endpoint, with at least one non-empty address (upstream accepts
/// `[""]` from a NotReady node, §12.4).
pub(super) async fn await_server_endpoint(
    side: &Net<'_>,
    ns: &str,
    name: &str,
    deadline: tokio::time::Instant,
) -> anyhow::Result<EndpointStatus> {
    let api: Api<GatewayServer> = Api::namespaced(side.client.clone(), ns);
    let endpoint = |gw: Option<&GatewayServer>| {
        gw.and_then(|g| g.status.as_ref())
            .and_then(|s| s.endpoint.clone())
            .filter(|e| {
                e.addresses
                    .as_ref()
                    .is_some_and(|a| a.first().is_some_and(|x| !x.is_empty()))
            })
    };
    let gw = side.step(
        "Waiting for gateway server Service to be created",
        "Failed waiting for gateway server Service to be created",
        |_| "Gateway server Service created successfully".into(),
        steps::await_object(
            api,
            name,
            &format!("GatewayServer {ns}/{name} to publish an endpoint address"),
            left(deadline),
            |g| endpoint(g).is_some(),
            |g| match g.and_then(|g| g.status.as_ref()).and_then(|s| s.endpoint.as_ref()) {
                None => "no endpoint in the status (is the Service's load balancer or node address there?)".into(),
                Some(e) => format!(
                    "endpoint {} port {}",
                    e.addresses.as_deref().unwrap_or_default().join(","),
                    e.port.map_or_else(|| "unset".into(), |p| p.to_string())
                ),
            },
        ),
    )
    .await?;
    endpoint(gw.as_ref()).ok_or_else(|| anyhow!("the GatewayServer {ns}/{name} disappeared"))
}

/// Steps 17/20 then 18: the gateway's keys Secret, and its public key.
pub(super) async fn await_key<K>(
    side: &Net<'_>,
    ns: &str,
    name: &str,
    role: &str,
    deadline: tokio::time::Instant,
    secret_ref: impl Fn(&K) -> Option<k8s_openapi::api::core::v1::ObjectReference>,
) -> anyhow::Result<Vec<u8>>
where
    K: TenantObject,
{
    let api: Api<K> = Api::namespaced(side.client.clone(), ns);
    let found = side
        .step(
            format!("Waiting for gateway {role} Secret to be created"),
            format!("Failed waiting for gateway {role} Secret to be created"),
            |_| format!("Gateway {role} Secret created successfully"),
            steps::await_object(
                api,
                name,
                &format!("{} {ns}/{name} to reference its keys Secret", K::kind(&())),
                left(deadline),
                |g| g.and_then(&secret_ref).is_some(),
                |_| "no secretRef in the status yet".into(),
            ),
        )
        .await?;
    let reference = found
        .as_ref()
        .and_then(&secret_ref)
        .ok_or_else(|| anyhow!("{} {ns}/{name} disappeared", K::kind(&())))?;
    let secret_name = reference.name.unwrap_or_default();
    let secret_ns = reference.namespace.unwrap_or_else(|| ns.to_string());
    let secret = Api::<Secret>::namespaced(side.client.clone(), &secret_ns)
        .get(&secret_name)
        .await
        .with_context(|| format!("failed to read secret {secret_ns}/{secret_name}"))?;
    secret
        .data
        .and_then(|d| d.get(name::PUBLIC_KEY_KEY).map(|b| b.0.clone()))
        .ok_or_else(|| anyhow!("secret {secret_ns}/{secret_name} does not contain publicKey field"))
}

/// Steps 22 (`established` false) and 23 (true).
pub(super) async fn await_connection(
    side: &Net<'_>,
    ns: &str,
    deadline: tokio::time::Instant,
    established: bool,
) -> anyhow::Result<()> {
    let api: Api<Connection> = Api::namespaced(side.client.clone(), ns);
    let peer = side.peer.to_string();
    let (start, fail, ok, what) = if established {
        (
            "Waiting for Connection status to be established",
            "Failed waiting for Connection status to be established",
            "Connection is established",
            format!("the Connection to cluster {peer} in {ns} to be Connected"),
        )
    } else {
        (
            "Waiting for Connection to be created",
            "Failed waiting for Connection to be created",
            "Connection created successfully",
            format!("a Connection to cluster {peer} in {ns}"),
        )
    };
    let selector = peer_selector(&peer);
    // As steps::await_object does for one object: a timeout before the watch has listed
    // anything reports what a read just before the wait saw.
    let read = api
        .list(&ListParams::default().labels(&selector))
        .await
        .context("failed to list the Connections")?
        .items;
    let listed = std::sync::atomic::AtomicBool::new(false);
    let describe = |conns: &[Connection]| match conns {
        [] => {
            "no Connection yet (the gateway creates it when it gets the peer's public key)".into()
        }
        [conn] => format!(
            "Connection {} is {}",
            conn.name_any(),
            conn.status
                .as_ref()
                .and_then(|s| s.value.as_ref())
                .map_or("without status".to_string(), |v| format!("{v:?}"))
        ),
        many => format!("{} Connections", many.len()),
    };
    let waited = wait::list(
        api.clone(),
        &selector,
        &what,
        left(deadline),
        |conns: &[Connection]| {
            listed.store(true, std::sync::atomic::Ordering::Relaxed);
            match conns {
                [] => Ok(false),
                [conn] => Ok(!established || conn.is_connected()),
                _ => Err(format!(
                    "more than one Connection resource found for remote cluster {peer}"
                )),
            }
        },
        |conns| {
            if listed.load(std::sync::atomic::Ordering::Relaxed) {
                describe(conns)
            } else {
                describe(&read)
            }
        },
    );
    side.step(start, fail, |_| ok.into(), async {
        match waited.await {
            // The status has no room for the cause; the gateway puts it in an Event (for the
            // client: the endpoint it dials and what came back).
            Err(e) => Err(match by_peer(&api, &side.peer).await {
                Ok(Some(conn)) => {
                    e.with_last_event(&side.client, ns, "Connection", &conn.name_any())
                        .await
                }
                _ => e,
            }),
            Ok(found) => Ok(found),
        }
    })
    .await
    .map(drop)
}
