//! Routes and NAT kept in line, forever, with the peer's Configuration and with this cluster's
//! IP objects (their aliases, see [`crate::ip_mapping`]).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::Context as _;
use futures::{StreamExt, TryStreamExt};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, ResourceExt};
use liqo_api::ipam::IP;
use liqo_api::networking::Configuration;

use crate::control::Identity;
use crate::ip_mapping;
use crate::netconf;
use crate::plan::{self, Plan};

/// Delay before retrying a failed route installation.
const RETRY: Duration = Duration::from_secs(2);

/// A change from one of the two watches (boxed: the objects are large and of unequal size).
enum Change {
    Configuration(Box<watcher::Event<Configuration>>),
    Ip(Box<watcher::Event<IP>>),
}

/// Installs the plan of the peer's Configuration and of every IP mapping, again on each change;
/// a failed installation is retried.
pub async fn watch_configuration(client: Client, id: Identity, tunnel: String, peer: Ipv4Addr) {
    let configurations: Api<Configuration> = Api::namespaced(client.clone(), &id.namespace);
    let by_peer = watcher::Config::default().labels(&id.selector());
    let configurations = watcher(configurations, by_peer)
        .default_backoff()
        .map_ok(|e| Change::Configuration(Box::new(e)));
    let ips = watcher(Api::<IP>::all(client), watcher::Config::default())
        .default_backoff()
        .map_ok(|e| Change::Ip(Box::new(e)));
    let mut stream = futures::stream::select(configurations.boxed(), ips.boxed());
    let (mut cfgs, mut ips) = (Known::default(), Known::default());
    let mut applied: Option<Plan> = None;
    let mut failed = false;
    loop {
        let event = if failed {
            // On timeout, retry the last plan.
            tokio::time::timeout(RETRY, stream.try_next()).await.ok()
        } else {
            Some(stream.try_next().await)
        };
        match event {
            Some(Ok(Some(Change::Configuration(event)))) => cfgs.track(*event),
            Some(Ok(Some(Change::Ip(event)))) => ips.track(*event),
            Some(Ok(None)) => return,
            Some(Err(e)) => {
                // The IP watch fails when its CRD is missing (an upstream control plane
                // without it): routes still follow the Configuration.
                tracing::warn!(error = %e, "Configuration or IP watch failed");
                continue;
            }
            None => {}
        }
        let wanted = desired_plan(&cfgs.known, &ips.known);
        if failed || wanted != applied {
            let result = install(wanted.clone(), tunnel.clone(), peer).await;
            failed = result.is_err();
            match result {
                Ok(()) => applied = wanted,
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "failed to install routes and NAT")
                }
            }
        }
    }
}

/// The objects of one watch, by `namespace/name`; a relist replaces them at its end.
#[derive(Debug)]
struct Known<K> {
    known: BTreeMap<String, K>,
    listing: BTreeMap<String, K>,
}

impl<K> Default for Known<K> {
    fn default() -> Self {
        Self {
            known: BTreeMap::new(),
            listing: BTreeMap::new(),
        }
    }
}

impl<K: ResourceExt> Known<K> {
    fn track(&mut self, event: watcher::Event<K>) {
        let key = |k: &K| format!("{}/{}", k.namespace().unwrap_or_default(), k.name_any());
        match event {
            watcher::Event::Apply(k) => {
                self.known.insert(key(&k), k);
            }
            watcher::Event::Delete(k) => {
                self.known.remove(&key(&k));
            }
            watcher::Event::Init => self.listing.clear(),
            watcher::Event::InitApply(k) => {
                self.listing.insert(key(&k), k);
            }
            watcher::Event::InitDone => self.known = std::mem::take(&mut self.listing),
        }
    }
}

/// The plan of the first (by name) Configuration of the peer with every IP mapping; `None`
/// until one is ready or when it cannot be planned (logged).
fn desired_plan(
    cfgs: &BTreeMap<String, Configuration>,
    ips: &BTreeMap<String, IP>,
) -> Option<Plan> {
    if cfgs.len() > 1 {
        tracing::warn!(
            count = cfgs.len(),
            "several Configurations for the peer, using the first by name"
        );
    }
    let (name, cfg) = cfgs.iter().next()?;
    let mut plan = match plan::plan_configuration(cfg) {
        Ok(plan) => plan?,
        Err(e) => {
            tracing::warn!(configuration = %name, error = %e, "Configuration cannot be applied");
            return None;
        }
    };
    plan.ip_mappings = ips.values().filter_map(ip_mapping::mapping_of).collect();
    plan.ip_mappings.sort();
    plan.ip_mappings.dedup_by_key(|m| m.alias);
    Some(plan)
}

async fn install(plan: Option<Plan>, tunnel: String, peer: Ipv4Addr) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || match &plan {
        Some(plan) => {
            netconf::apply_plan(plan, &tunnel, peer)?;
            tracing::info!(remaps = ?plan.remaps, ip_mappings = ?plan.ip_mappings, "routes and NAT installed");
            Ok(())
        }
        None => netconf::remove_plan(),
    })
    .await
    .context("route installer panicked")?
}
