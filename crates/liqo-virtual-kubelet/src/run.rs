//! The start-up sequence of spec offloading.md §6.1: leader election, the provider's client,
//! the VirtualNode, reflection, the kubelet API, then the Node.

use std::time::Duration;

use anyhow::Context;
use k8s_openapi::api::coordination::v1::Lease;
use kube::{Api, Client};
use liqo_api::offloading::VirtualNode;
use liqo_kube::leader::{Elector, LeaderError};

use crate::args::Args;
use crate::kubelet;
use crate::node::registration::{FALLBACK_KUBELET_VERSION, NodeParams};
use crate::node::{self, NodeConfig};
use crate::reflection::{
    self, mapping::IpTranslation, mapping::Mappings, pods::translate::Offload,
};
use crate::remote::Remote;

/// Term of the leader-election Lease `<nodename>` in the tenant namespace (renewed every 5 s).
const LEADER_LEASE_DURATION: Duration = Duration::from_secs(15);
/// A leader that could not renew for this long gives up (client-go's renew deadline).
const RENEW_DEADLINE: Duration = Duration::from_secs(10);

/// Runs the virtual kubelet until `shutdown` resolves.
///
/// # Errors
/// When the local cluster or the kubeconfig Secret cannot be read, the leader Lease is lost
/// (the process exits 1 and the Deployment restarts it as a standby), or the Node loop fails.
pub async fn run(
    args: Args,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    let access = liqo_kube::client::Access {
        kubeconfig: args.kubeconfig.clone(),
        ..Default::default()
    };
    let (local, local_config) = access
        .client()
        .await
        .context("failed to build the client of the local cluster")?;

    // Step 2: active/passive replicas; a standby blocks here.
    let elector = Elector::new(
        Api::<Lease>::namespaced(local.clone(), &args.tenant_namespace),
        args.nodename.clone(),
        args.pod_name.clone(),
        LEADER_LEASE_DURATION,
    );
    tokio::select! {
        () = &mut shutdown => return Ok(()),
        acquired = elector.acquire() => acquired.with_context(|| {
            format!("failed to take the leader Lease {}/{}", args.tenant_namespace, args.nodename)
        })?,
    }
    tracing::info!(identity = %args.pod_name, lease = %args.nodename, "became leader");

    // Step 3: the provider's client, reloaded with its Secret.
    let (remote, _reload) = Remote::start(
        local.clone(),
        &args.tenant_namespace,
        &args.foreign_kubeconfig_secret_name,
    )
    .await?;
    let _reload = AbortOnDrop(_reload);

    // Step 4: the VirtualNode must exist; the Node loop watches it and the ForeignCluster.
    let vn_ns = args.virtual_node_namespace().to_string();
    let vn_name = args.virtual_node_name().to_string();
    let virtual_node = Api::<VirtualNode>::namespaced(local.clone(), &vn_ns)
        .get(&vn_name)
        .await
        .map_err(|e| anyhow::anyhow!(liqo_kube::api_error::render(&e)))
        .with_context(|| {
            format!(
                "failed to read VirtualNode {vn_ns}/{vn_name} (VIRTUALNODE_NAME, POD_NAMESPACE)"
            )
        })?;

    // Step 5: reflection (one virtual node per provider here, so the VirtualNode's leader
    // Lease also gates it; upstream's second Lease matters only for several per provider).
    let (mappings_tx, mappings) = tokio::sync::watch::channel(Mappings::new());
    let reflection = reflection::run(
        local.clone(),
        remote.clone(),
        reflection_config(&args, &virtual_node, &local_config.cluster_url),
        mappings_tx,
    );
    tokio::pin!(reflection);

    // Step 6: the kubelet API (`kubectl logs`), its port bound before the Node advertises it.
    let kubelet_api = kubelet::start(
        local.clone(),
        remote.clone(),
        mappings,
        kubelet_config(&args)?,
    )
    .await
    .context("failed to start the kubelet API")?;
    tokio::pin!(kubelet_api);

    // Step 7: the Node, or nothing to do but reflection.
    let node_loop = async {
        if !args.create_node {
            return std::future::pending().await;
        }
        let config = node_config(&args, &local, (vn_ns, vn_name)).await;
        node::run(local.clone(), remote, config).await
    };
    tokio::pin!(node_loop);
    let mut renew = tokio::time::interval(elector.renew_period());
    let mut renewed = tokio::time::Instant::now();
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            result = &mut node_loop => return result.context("the Node loop stopped"),
            () = &mut reflection => anyhow::bail!("reflection stopped"),
            () = &mut kubelet_api => anyhow::bail!("the kubelet API stopped"),
            _ = renew.tick() => match elector.renew().await {
                Ok(()) => renewed = tokio::time::Instant::now(),
                Err(e @ LeaderError::Lost { .. }) => return Err(e).context("leadership lost"),
                Err(e) if renewed.elapsed() >= RENEW_DEADLINE => {
                    return Err(e).context("leadership lost: the Lease could not be renewed in time");
                }
                Err(e) => tracing::warn!(error = format!("{e:#}"), "leader Lease renewal failed, retrying"),
            },
        }
    }
    tracing::info!("shutting down");
    elector.release().await;
    Ok(())
}

fn reflection_config(args: &Args, vn: &VirtualNode, own: &http::Uri) -> reflection::Config {
    let support = args.enable_apiserver_support;
    let api_server = if support {
        args.home_api_server(own)
            .inspect(|a| {
                tracing::info!(host = %a.host, port = a.port, "offloaded pods reach this cluster's API server here");
            })
            .inspect_err(|why| {
                tracing::warn!("offloaded pods keep the provider's KUBERNETES_SERVICE_HOST/PORT: {why}");
            })
            .ok()
    } else {
        tracing::info!(
            "--enable-apiserver-support is off: offloaded pods get no ServiceAccount token"
        );
        None
    };
    reflection::Config {
        tenant_namespace: args.tenant_namespace.clone(),
        offload: Offload {
            node_name: args.nodename.clone(),
            home_cluster_id: args.home_cluster_id.clone(),
            foreign_cluster_id: args.foreign_cluster_id.clone(),
            patch: vn.spec.offloading_patch.clone().unwrap_or_default(),
            api_server_support: support,
            api_server,
        },
        ips: IpTranslation::new(&args.remote_pod_cidr, &args.remote_pod_cidr_remap),
        host_ip: args.node_ip.clone(),
        pod_workers: usize::try_from(args.reflection.pod_workers).unwrap_or(1),
        copy_workers: usize::try_from(
            args.reflection
                .configmap_workers
                .max(args.reflection.secret_workers),
        )
        .unwrap_or(1),
    }
}

fn kubelet_config(args: &Args) -> anyhow::Result<kubelet::Config> {
    let node_ip = args
        .node_ip
        .parse()
        .with_context(|| format!("--node-ip (POD_IP) {:?} is not an IP address", args.node_ip))?;
    Ok(kubelet::Config {
        node_name: args.nodename.clone(),
        node_ip,
        port: args.listen_port,
    })
}

async fn node_config(args: &Args, local: &Client, virtual_node: (String, String)) -> NodeConfig {
    // Upstream quirk 9 (kept): the kubelet version is the consumer's API server's.
    let kubelet_version = match local.apiserver_version().await {
        Ok(v) if !v.git_version.is_empty() => v.git_version,
        _ => FALLBACK_KUBELET_VERSION.into(),
    };
    NodeConfig {
        params: NodeParams {
            name: args.nodename.clone(),
            foreign_cluster_id: args.foreign_cluster_id.clone(),
            node_ip: args.node_ip.clone(),
            listen_port: args.listen_port,
            extra_labels: args.node_extra_labels.clone(),
            extra_annotations: args.node_extra_annotations.clone(),
            kubelet_version,
        },
        check_network: args.node_check_network,
        virtual_node,
        ping_interval: args.node_ping_interval,
        ping_timeout: args.node_ping_timeout,
        lease_duration: args.node_lease_duration,
    }
}

/// Aborts the task when dropped.
#[derive(Debug)]
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
