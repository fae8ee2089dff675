//! The command line, with upstream's flag names: the VirtualNode controller (ours or upstream's)
//! renders them into the virtual-kubelet Deployment (spec offloading.md §5.1, §4.7.3).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::ArgAction;

use crate::reflection::pods::translate::ApiServer;

/// The port of an `https` URL without one.
const DEFAULT_HTTPS_PORT: u16 = 443;

/// The Liqo virtual kubelet: registers the Node of one VirtualNode and keeps it alive while
/// the provider answers.
#[derive(Debug, Clone, clap::Parser)]
// A repeated flag takes its last value, as with Go's pflag (template extraArgs may repeat one).
#[command(name = "virtual-kubelet", version, args_override_self = true)]
pub struct Args {
    /// Kubeconfig of the local (consumer) cluster; else `KUBECONFIG`, else in-cluster.
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Cluster ID of the provider.
    #[arg(long)]
    pub foreign_cluster_id: String,
    /// Secret (in the tenant namespace) holding the provider's kubeconfig under `kubeconfig`.
    #[arg(long)]
    pub foreign_kubeconfig_secret_name: String,
    /// Name of the Node (= the VirtualNode's name).
    #[arg(long)]
    pub nodename: String,
    /// The Node's InternalIP (the pod's IP).
    #[arg(long, env = "POD_IP", default_value = "127.0.0.1")]
    pub node_ip: String,
    /// The tenant namespace of the provider.
    #[arg(long)]
    pub tenant_namespace: String,
    /// The Liqo namespace.
    #[arg(long, default_value = liqo_api::consts::name::LIQO_NAMESPACE)]
    pub liqo_namespace: String,
    /// This (consumer) cluster's ID.
    #[arg(long, default_value = "")]
    pub home_cluster_id: String,
    /// A local pod CIDR (repeatable).
    #[arg(long = "local-podcidr")]
    pub local_pod_cidrs: Vec<String>,

    /// Reflect PersistentVolumeClaims of the Liqo storage class.
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub enable_storage: bool,
    /// The provider's storage class behind the Liqo one.
    #[arg(long, default_value = "")]
    pub remote_real_storage_class_name: String,
    /// Reflect Ingresses.
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub enable_ingress: bool,
    /// The provider's ingress class.
    #[arg(long, default_value = "")]
    pub remote_real_ingress_class_name: String,
    /// Reflect LoadBalancer Services.
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub enable_load_balancer: bool,
    /// The provider's load-balancer class.
    #[arg(long, default_value = "")]
    pub remote_real_load_balancer_class_name: String,

    /// Reflection workers and policies (reflection comes with a later issue: accepted, unused).
    #[command(flatten)]
    pub reflection: Reflection,

    /// Annotations added to the Node (`k=v,...`).
    #[arg(long, default_value = "", value_parser = parse_pairs)]
    pub node_extra_annotations: BTreeMap<String, String>,
    /// Labels added to the Node (`k=v,...`).
    #[arg(long, default_value = "", value_parser = parse_pairs)]
    pub node_extra_labels: BTreeMap<String, String>,
    /// Serve Prometheus metrics (accepted; metrics come with a later issue).
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub metrics_enabled: bool,
    /// Address of the metrics endpoint.
    #[arg(long, default_value = ":8082")]
    pub metrics_address: String,

    /// Create and maintain the Node.
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub create_node: bool,
    /// Make the Node's readiness depend on the peer's networking.
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub node_check_network: bool,
    /// The provider's pod CIDR as the provider sees it (repeatable).
    #[arg(long)]
    pub remote_pod_cidr: Vec<String>,
    /// The provider's pod CIDR as remapped here (repeatable).
    #[arg(long)]
    pub remote_pod_cidr_remap: Vec<String>,
    /// The provider's external CIDR as the provider sees it (repeatable).
    #[arg(long)]
    pub remote_external_cidr: Vec<String>,
    /// The provider's external CIDR as remapped here (repeatable).
    #[arg(long)]
    pub remote_external_cidr_remap: Vec<String>,

    /// How often the provider is pinged; 0 disables the ping.
    #[arg(long, default_value = "10s", value_parser = liqo_kube::duration::parse)]
    pub node_ping_interval: Duration,
    /// How long a ping may take.
    #[arg(long, default_value = "1s", value_parser = liqo_kube::duration::parse)]
    pub node_ping_timeout: Duration,
    /// Term of the node heartbeat Lease (renewed every quarter of it).
    #[arg(long, default_value = "40s", value_parser = liqo_kube::duration::parse)]
    pub node_lease_duration: Duration,

    /// Port of the kubelet API (served in a later issue; advertised as the daemon endpoint).
    #[arg(long, default_value_t = 10250)]
    pub listen_port: u16,
    /// Offloaded pods that mount a ServiceAccount token get one of their consumer ServiceAccount,
    /// and reach this cluster's API server (the chart passes it; off: no token remotely).
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub enable_apiserver_support: bool,
    /// Host (name or IP) of this (home) cluster's API server as offloaded pods reach it from the
    /// provider, their `KUBERNETES_SERVICE_HOST`; else the host this virtual kubelet itself
    /// uses, unless it is loopback.
    #[arg(long, default_value = "")]
    pub home_api_server_host: String,
    /// Port of that API server, their `KUBERNETES_SERVICE_PORT`; else the port this virtual
    /// kubelet itself uses.
    #[arg(long)]
    pub home_api_server_port: Option<u16>,
    /// Do not reflect pod IPs (accepted, later issue).
    #[arg(long, default_value_t = false, num_args = 0..=1, default_missing_value = "true", action = ArgAction::Set)]
    pub disable_ip_reflection: bool,
    /// Serving certificate type of the kubelet API (accepted, later issue).
    #[arg(long, default_value = "kubelet")]
    pub certificate_type: String,

    /// This replica's identity for leader election.
    #[arg(long, env = "POD_NAME", default_value = "virtual-kubelet")]
    pub pod_name: String,
    /// The namespace of this pod and of the VirtualNode.
    #[arg(long, env = "POD_NAMESPACE")]
    pub pod_namespace: Option<String>,
    /// The VirtualNode's name (else `--nodename`).
    #[arg(long, env = "VIRTUALNODE_NAME")]
    pub virtual_node_name: Option<String>,
    /// Log as JSON lines.
    #[arg(long)]
    pub log_json: bool,
}

impl Args {
    /// The VirtualNode's name: `VIRTUALNODE_NAME`, else the Node's.
    pub fn virtual_node_name(&self) -> &str {
        self.virtual_node_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.nodename)
    }

    /// The home API server for offloaded pods: `--home-api-server-host`/`-port`, else what
    /// `own` (this process's API server URL) names, unless its host is loopback (the provider
    /// cannot reach that): then `Err` says why there is none.
    ///
    /// # Errors
    /// A message for the log when no address can be given.
    pub fn home_api_server(&self, own: &http::Uri) -> Result<ApiServer, String> {
        let own_host = own
            .host()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'));
        let host = match (self.home_api_server_host.trim(), own_host) {
            (flag, _) if !flag.is_empty() => flag.to_owned(),
            (_, Some(h)) if !is_loopback(h) => h.to_owned(),
            (_, h) => {
                return Err(format!(
                    "this virtual kubelet reaches its API server at {} (loopback), which the provider cannot reach; set --home-api-server-host",
                    h.unwrap_or("no host")
                ));
            }
        };
        let port = self
            .home_api_server_port
            .or_else(|| own.port_u16())
            .unwrap_or(DEFAULT_HTTPS_PORT);
        Ok(ApiServer { host, port })
    }

    /// The namespace of the VirtualNode: the pod's, else the tenant namespace.
    pub fn virtual_node_namespace(&self) -> &str {
        self.pod_namespace
            .as_deref()
            .filter(|ns| !ns.is_empty())
            .unwrap_or(&self.tenant_namespace)
    }
}

macro_rules! reflection {
    ($($(#[$doc:meta])* $workers:ident, $kind:ident = $workers_flag:literal, $kind_flag:literal, $default:literal;)*) => {
        /// Upstream's `--<resource>-reflection-workers` / `--<resource>-reflection-type` flags.
        #[derive(Debug, Clone, clap::Args)]
        pub struct Reflection {
            $(
                $(#[$doc])*
                #[arg(long = $workers_flag, default_value_t = $default)]
                pub $workers: u32,
                /// Reflection policy: AllowList, DenyList or CustomLiqo.
                #[arg(long = $kind_flag, value_parser = ["AllowList", "DenyList", "CustomLiqo"])]
                pub $kind: Option<String>,
            )*
        }
    };
}

reflection! {
    /// Pod reflection workers.
    pod_workers, pod_type = "pod-reflection-workers", "pod-reflection-type", 10;
    /// Service reflection workers.
    service_workers, service_type = "service-reflection-workers", "service-reflection-type", 3;
    /// EndpointSlice reflection workers.
    endpointslice_workers, endpointslice_type = "endpointslice-reflection-workers", "endpointslice-reflection-type", 10;
    /// Ingress reflection workers.
    ingress_workers, ingress_type = "ingress-reflection-workers", "ingress-reflection-type", 3;
    /// ConfigMap reflection workers.
    configmap_workers, configmap_type = "configmap-reflection-workers", "configmap-reflection-type", 3;
    /// Secret reflection workers.
    secret_workers, secret_type = "secret-reflection-workers", "secret-reflection-type", 3;
    /// ServiceAccount reflection workers.
    serviceaccount_workers, serviceaccount_type = "serviceaccount-reflection-workers", "serviceaccount-reflection-type", 3;
    /// PersistentVolumeClaim reflection workers.
    persistentvolumeclaim_workers, persistentvolumeclaim_type = "persistentvolumeclaim-reflection-workers", "persistentvolumeclaim-reflection-type", 3;
    /// Event reflection workers.
    event_workers, event_type = "event-reflection-workers", "event-reflection-type", 3;
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `k=v,k2=v2` (pflag's StringToString); empty gives an empty map.
///
/// # Errors
/// A message naming the pair without `=` or with an empty key.
pub fn parse_pairs(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("invalid pair {pair:?} (expected key=value)"))?;
        let k = k.trim();
        if k.is_empty() {
            return Err(format!("invalid pair {pair:?} (empty key)"));
        }
        out.insert(k.to_string(), v.trim().to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The arguments the VirtualNode controller renders (§5.1 order, §4.7.3 managed args).
    fn controller_args() -> Vec<&'static str> {
        vec![
            "virtual-kubelet",
            "--foreign-cluster-id=provider-id",
            "--nodename=vn1",
            "--node-ip=10.0.0.7",
            "--tenant-namespace=liqo-tenant-provider-id",
            "--liqo-namespace=liqo",
            "--home-cluster-id=consumer-id",
            "--local-podcidr=10.243.0.0/16",
            "--local-podcidr=10.244.0.0/16",
            "--enable-storage",
            "--remote-real-storage-class-name=standard",
            "--enable-ingress",
            "--remote-real-ingress-class-name=nginx",
            "--enable-load-balancer",
            "--remote-real-load-balancer-class-name=metallb",
            "--pod-reflection-workers=10",
            "--service-reflection-workers=3",
            "--service-reflection-type=DenyList",
            "--endpointslice-reflection-workers=10",
            "--ingress-reflection-workers=3",
            "--ingress-reflection-type=DenyList",
            "--configmap-reflection-workers=3",
            "--configmap-reflection-type=DenyList",
            "--secret-reflection-workers=3",
            "--secret-reflection-type=DenyList",
            "--serviceaccount-reflection-workers=3",
            "--persistentvolumeclaim-reflection-workers=3",
            "--event-reflection-workers=3",
            "--event-reflection-type=DenyList",
            "--node-extra-annotations=a=1,b=2",
            "--node-extra-labels=zone=eu",
            "--enable-apiserver-support=true",
            "--metrics-enabled=true",
            "--metrics-address=:8082",
            "--remote-pod-cidr=10.200.0.0/16",
            "--remote-pod-cidr-remap=10.71.0.0/16",
            "--remote-external-cidr=10.70.0.0/16",
            "--remote-external-cidr-remap=10.72.0.0/16",
            "--foreign-kubeconfig-secret-name=kubeconfig-resourceslice-vn1",
            "--create-node=true",
            "--node-check-network=false",
        ]
    }

    #[test]
    fn every_argument_the_controller_renders_is_accepted() {
        let args = Args::try_parse_from(controller_args()).unwrap();
        assert_eq!(args.foreign_cluster_id, "provider-id");
        assert_eq!(args.nodename, "vn1");
        assert_eq!(args.node_ip, "10.0.0.7");
        assert_eq!(args.local_pod_cidrs, ["10.243.0.0/16", "10.244.0.0/16"]);
        assert!(args.enable_storage && args.enable_ingress && args.enable_load_balancer);
        assert_eq!(args.remote_real_load_balancer_class_name, "metallb");
        assert_eq!(args.reflection.service_type.as_deref(), Some("DenyList"));
        assert_eq!(args.reflection.pod_workers, 10);
        assert_eq!(
            args.node_extra_annotations.get("b").map(String::as_str),
            Some("2")
        );
        assert_eq!(
            args.node_extra_labels.get("zone").map(String::as_str),
            Some("eu")
        );
        assert!(args.create_node);
        assert!(!args.node_check_network);
        assert_eq!(args.remote_external_cidr_remap, ["10.72.0.0/16"]);
        // Upstream's heartbeat defaults (§6.3).
        assert_eq!(args.node_ping_interval, Duration::from_secs(10));
        assert_eq!(args.node_ping_timeout, Duration::from_secs(1));
        assert_eq!(args.node_lease_duration, Duration::from_secs(40));
    }

    #[test]
    fn the_foreign_cluster_and_its_kubeconfig_are_required() {
        for missing in ["--foreign-cluster-id", "--foreign-kubeconfig-secret-name"] {
            let argv: Vec<_> = controller_args()
                .into_iter()
                .filter(|a| !a.starts_with(missing))
                .collect();
            let err = Args::try_parse_from(argv).unwrap_err().to_string();
            assert!(err.contains(missing), "{err}");
        }
    }

    #[test]
    fn booleans_take_go_forms_and_bad_values_are_refused() {
        let mut argv = controller_args();
        argv.extend(["--create-node=false", "--node-ping-interval=0"]);
        let args = Args::try_parse_from(&argv).unwrap();
        assert!(!args.create_node);
        assert_eq!(args.node_ping_interval, Duration::ZERO);
        let mut bad = controller_args();
        bad.push("--service-reflection-type=Everything");
        assert!(Args::try_parse_from(bad).is_err());
        let mut bad = controller_args();
        bad.push("--node-lease-duration=forty");
        let err = Args::try_parse_from(bad).unwrap_err().to_string();
        assert!(err.contains("--node-lease-duration"), "{err}");
    }

    #[test]
    fn the_home_api_server_comes_from_the_flags_else_a_non_loopback_own_address() {
        let uri = |u: &str| u.parse::<http::Uri>().unwrap();
        let args = Args::try_parse_from(controller_args()).unwrap();
        let own = args.home_api_server(&uri("https://10.0.0.1:6443")).unwrap();
        assert_eq!((own.host.as_str(), own.port), ("10.0.0.1", 6443));
        let in_cluster = args.home_api_server(&uri("https://10.96.0.1")).unwrap();
        assert_eq!(in_cluster.port, 443);
        for loopback in [
            "https://127.0.0.1:6443",
            "https://localhost:6443",
            "https://[::1]:6443",
        ] {
            let err = args.home_api_server(&uri(loopback)).unwrap_err();
            assert!(err.contains("--home-api-server-host"), "{err}");
        }
        let mut argv = controller_args();
        argv.extend([
            "--home-api-server-host=api.home.example",
            "--home-api-server-port=8443",
        ]);
        let flagged = Args::try_parse_from(argv).unwrap();
        let api = flagged
            .home_api_server(&uri("https://127.0.0.1:6443"))
            .unwrap();
        assert_eq!((api.host.as_str(), api.port), ("api.home.example", 8443));
    }

    #[test]
    fn pairs_parse_like_pflag() {
        assert!(parse_pairs("").unwrap().is_empty());
        assert_eq!(parse_pairs("a=1, b=").unwrap().len(), 2);
        assert!(parse_pairs("novalue").is_err());
        assert!(parse_pairs("=v").is_err());
    }
}
