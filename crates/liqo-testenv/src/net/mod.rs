//! The test network of an environment, when it asks for one: a Linux bridge in the host
//! network namespace plays "the internet" (the WAN), each cluster's node is a network
//! namespace plugged into it, and behind each node a pod bridge holds the cluster's pod CIDR.
//! Test pods are plain network namespaces on that pod bridge; the node agent puts each
//! ordinary pod in a sandbox there too.
//!
//! Names carry a random environment id, so environments of parallel test threads and
//! processes never clash:
//!
//! | what | name | address |
//! |---|---|---|
//! | WAN bridge (host netns) | `lw-<id>` | `172.31.X.1/24`, X random and unused on the host |
//! | node netns | `lt-<id>-<cluster>` | `eth0` `172.31.X.(2+i)/24` for the i-th cluster, default route via `172.31.X.1` |
//! | node veth, host side | `lv-<id>-<i>` | port of `lw-<id>` |
//! | pod bridge (node netns) | `cbr0` | first address of the pod CIDR |
//! | test pod netns | `lt-<id>-<cluster>.<pod>` | `eth0` from the pod CIDR, `.10` onwards |
//! | pod sandbox netns | `lt-<id>-<cluster>.p<uid hash>` | `eth0` from the pod CIDR's upper half (see `sandbox`) |
//!
//! Each node namespace masquerades its pods' traffic leaving by the WAN (table
//! [`EGRESS_TABLE`]), so pods reach the host's API server as from behind a real node.
//!
//! The environment's directory records the id (`network.json`) before anything is created, so
//! a test process killed before its teardown has its leftovers removed by the next start.

mod cidr;
pub(crate) mod host_routes;
mod ip;
mod pod;
mod sandbox;
mod setns;

use std::net::Ipv4Addr;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::{Deserialize, Serialize};

pub use cidr::Ipv4Cidr;
pub(crate) use ip::{apply_nft, exec_in};
use ip::{run, run_ip, run_ip_batch, run_ip_batch_forced};
pub use pod::{PingReport, TestPod, ping_in};
pub use sandbox::{Sandbox, Sandboxes};
pub use setns::{connect_in, listen_in};

use crate::Error;

/// Where every WAN subnet is taken from, one /24 per environment.
const WAN_SPACE: Ipv4Addr = Ipv4Addr::new(172, 31, 0, 0);
/// Pod CIDR of a cluster that names none.
pub const DEFAULT_POD_CIDR: &str = "10.244.0.0/16";
/// Name of the pod bridge inside each node namespace.
pub const POD_BRIDGE: &str = "cbr0";
/// Name of the node's WAN interface inside its namespace.
pub const NODE_INTERFACE: &str = "eth0";
/// Host number of the first test pod in the pod CIDR (`.10`).
const FIRST_TEST_POD_HOST: u32 = 10;
/// Host number of the first node on the WAN (the host bridge is `.1`).
const FIRST_NODE_HOST: u32 = 2;
/// The nftables table (family `ip`) in each node namespace masquerading pods' egress.
pub const EGRESS_TABLE: &str = "liqo-testenv-egress";
/// File in the environment directory naming the network's id.
const NETWORK_FILE: &str = "network.json";
/// Where `ip netns` keeps named namespaces.
const NETNS_DIR: &str = "/run/netns";
/// Attempts at finding an unused WAN subnet and bridge name.
const WAN_ATTEMPTS: usize = 32;

/// A node's place on the test network, as the node agent needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeNetwork {
    /// The node's address on the WAN: its InternalIP, the IP of its gateway pods and the
    /// ingress IP of its LoadBalancer Services.
    pub node_ip: Ipv4Addr,
    /// The node's network namespace (a name under `/run/netns`).
    pub netns: String,
    /// The host's address on the WAN bridge: the API server is reachable there from the node.
    pub host_ip: Ipv4Addr,
    /// The cluster's pod CIDR, on the node's pod bridge: ordinary pods get their address here.
    pub pod_cidr: Ipv4Cidr,
}

/// What an environment records about its network, so another process can remove it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct NetworkRecord {
    /// The random id in every name.
    pub id: String,
    /// The WAN bridge.
    pub bridge: String,
    /// The host's address on it.
    pub host_ip: Ipv4Addr,
}

impl NetworkRecord {
    fn netns_prefix(&self) -> String {
        netns_prefix(&self.id)
    }
}

fn netns_prefix(id: &str) -> String {
    format!("lt-{id}-")
}

/// The WAN of one environment: its bridge and subnet.
#[derive(Debug)]
pub(crate) struct Wan {
    record: NetworkRecord,
    subnet: Ipv4Cidr,
}

impl Wan {
    /// Creates the bridge on a /24 of 172.31.0.0/16 that no interface of the host uses,
    /// recording its name in `env_dir` first.
    ///
    /// # Errors
    /// When `ip` fails, or no unused subnet or name is found.
    pub(crate) fn create(env_dir: &Path) -> Result<Self, Error> {
        for _ in 0..WAN_ATTEMPTS {
            let [a, b, c, d] = random_bytes();
            let id = format!("{a:02x}{b:02x}{c:02x}");
            let third = 1 + d % 254;
            let subnet: Ipv4Cidr = format!("172.31.{third}.0/24")
                .parse()
                .expect("invariant: a valid CIDR");
            let record = NetworkRecord {
                bridge: format!("lw-{id}"),
                host_ip: subnet.host(1).expect("invariant: a /24 has .1"),
                id,
            };
            if subnet_in_use(&subnet, None)? {
                continue;
            }
            save_record(env_dir, &record)?;
            let mac = ip::stable_mac(ip::MacKind::Bridge, record.host_ip);
            let add = [
                "link",
                "add",
                &record.bridge,
                "address",
                &mac,
                "type",
                "bridge",
            ];
            match run_ip(&add, None) {
                Ok(_) => {}
                // Another environment got the same name: the record must not name its bridge.
                Err(Error::Network { detail, .. }) if detail.contains("File exists") => {
                    let _ = std::fs::remove_file(env_dir.join(NETWORK_FILE));
                    continue;
                }
                Err(e) => {
                    let _ = std::fs::remove_file(env_dir.join(NETWORK_FILE));
                    return Err(e);
                }
            }
            let wan = Self { record, subnet };
            match wan.configure_bridge() {
                Ok(true) => return Ok(wan),
                Ok(false) => wan.remove(env_dir),
                Err(e) => {
                    wan.remove(env_dir);
                    return Err(e);
                }
            }
        }
        Err(Error::State(format!(
            "no unused /24 in {WAN_SPACE}/16 for a test network after {WAN_ATTEMPTS} attempts"
        )))
    }

    /// Gives the bridge its address; `false` when the subnet turns out to be taken: two
    /// environments starting together may pick the same one, and both see the clash here
    /// (each added its address before looking).
    fn configure_bridge(&self) -> Result<bool, Error> {
        let bridge = &self.record.bridge;
        let cidr = format!("{}/{}", self.record.host_ip, self.subnet.prefix());
        run_ip_batch(
            None,
            &[
                format!("addr add {cidr} dev {bridge}"),
                format!("link set {bridge} up"),
            ],
        )?;
        if subnet_in_use(&self.subnet, Some(bridge))? {
            return Ok(false);
        }
        tracing::debug!(bridge = %bridge, subnet = %self.subnet, "test WAN created");
        Ok(true)
    }

    /// The bridge's name.
    pub(crate) fn bridge(&self) -> &str {
        &self.record.bridge
    }

    /// The host's address on the bridge.
    pub(crate) fn host_ip(&self) -> Ipv4Addr {
        self.record.host_ip
    }

    /// Creates the node namespace of the `index`-th cluster, its WAN link and its pod bridge.
    ///
    /// # Errors
    /// When `ip` fails (the namespace already exists, say).
    pub(crate) fn add_node(
        &self,
        cluster: &str,
        index: usize,
        pod_cidr: Ipv4Cidr,
    ) -> Result<ClusterNet, Error> {
        let host = u32::try_from(index)
            .ok()
            .and_then(|i| self.subnet.host(FIRST_NODE_HOST + i))
            .ok_or_else(|| Error::State(format!("no WAN address left for cluster {cluster}")))?;
        let pod_gateway = pod_cidr.host(1).ok_or_else(|| {
            Error::State(format!(
                "pod CIDR {pod_cidr} of cluster {cluster} has no room"
            ))
        })?;
        let netns = format!("{}{cluster}", self.record.netns_prefix());
        let veth = format!("lv-{}-{index}", self.record.id);
        let bridge = &self.record.bridge;
        run_ip_batch(
            None,
            &[
                format!("netns add {netns}"),
                format!(
                    "link add {veth} type veth peer name {NODE_INTERFACE} address {} netns {netns}",
                    ip::stable_mac(ip::MacKind::Interface, host)
                ),
                format!("link set {veth} master {bridge} up"),
            ],
        )?;
        run_ip_batch(
            Some(&netns),
            &[
                format!(
                    "addr add {host}/{} dev {NODE_INTERFACE}",
                    self.subnet.prefix()
                ),
                format!("link set {NODE_INTERFACE} up"),
                "link set lo up".into(),
                format!("route add default via {}", self.record.host_ip),
                format!(
                    "link add {POD_BRIDGE} address {} type bridge",
                    ip::stable_mac(ip::MacKind::Bridge, pod_gateway)
                ),
                format!(
                    "addr add {pod_gateway}/{} dev {POD_BRIDGE}",
                    pod_cidr.prefix()
                ),
                format!("link set {POD_BRIDGE} up"),
            ],
        )?;
        // The node routes between its pods, the WAN and (later) the gateways' tunnels.
        run(
            exec_in(&netns, "sysctl", &["-qw", "net.ipv4.ip_forward=1"]),
            "enable forwarding in",
            &netns,
        )?;
        // Pods reach the host (their API server) and the WAN from the node's address, as
        // behind a real node; tunnel traffic leaves by the gateway's interface, unchanged.
        let egress = format!(
            "table ip {EGRESS_TABLE} {{ chain postrouting {{ type nat hook postrouting priority srcnat; policy accept; oifname \"{NODE_INTERFACE}\" ip saddr {pod_cidr} masquerade; }}; }}"
        );
        run(
            exec_in(&netns, "nft", &[&egress]),
            "masquerade pod egress in",
            &netns,
        )?;
        Ok(ClusterNet {
            node: NodeNetwork {
                node_ip: host,
                netns,
                host_ip: self.record.host_ip,
                pod_cidr,
            },
            pod_cidr,
            next_pod: AtomicU32::new(0),
        })
    }

    /// Removes the bridge, every namespace of the environment and the record.
    pub(crate) fn remove(&self, env_dir: &Path) {
        teardown(&self.record);
        let _ = std::fs::remove_file(env_dir.join(NETWORK_FILE));
    }
}

/// Removes the network recorded in `env_dir`, if any (`testenv down`, stale directories).
pub(crate) fn remove_recorded(env_dir: &Path) {
    let path = env_dir.join(NETWORK_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    match serde_json::from_str::<NetworkRecord>(&text) {
        Ok(record) => teardown(&record),
        Err(e) => tracing::warn!(path = %path.display(), error = %e, "malformed network record"),
    }
    let _ = std::fs::remove_file(path);
}

fn save_record(env_dir: &Path, record: &NetworkRecord) -> Result<(), Error> {
    std::fs::create_dir_all(env_dir).map_err(|e| Error::io("create", env_dir, e))?;
    let path = env_dir.join(NETWORK_FILE);
    let json = serde_json::to_string_pretty(record).expect("invariant: the record serializes");
    std::fs::write(&path, json).map_err(|e| Error::io("write", &path, e))
}

/// Best effort: host-side veths first (their peers go with them at once), then the
/// namespaces (test pods before nodes), then the bridge.
fn teardown(record: &NetworkRecord) {
    let mut lines = Vec::new();
    if let Ok(ports) = run_ip(&["-o", "link", "show", "master", &record.bridge], None) {
        for port in ports.lines().filter_map(link_name) {
            lines.push(format!("link del {port}"));
        }
    }
    let prefix = record.netns_prefix();
    let mut namespaces: Vec<String> = std::fs::read_dir(NETNS_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    namespaces.sort_by_key(|n| std::cmp::Reverse(n.contains('.')));
    lines.extend(namespaces.iter().map(|n| format!("netns del {n}")));
    lines.push(format!("link del {}", record.bridge));
    if let Err(e) = run_ip_batch_forced(&lines) {
        tracing::debug!(bridge = %record.bridge, error = %e, "test network teardown incomplete");
    }
}

/// The interface name of an `ip -o link` line (`7: lv-0a0b0c-0@if2: <...`).
fn link_name(line: &str) -> Option<&str> {
    let name = line.split(": ").nth(1)?;
    Some(name.split('@').next().unwrap_or(name))
}

/// Whether an interface other than `ours` has an IPv4 address overlapping `subnet`.
fn subnet_in_use(subnet: &Ipv4Cidr, ours: Option<&str>) -> Result<bool, Error> {
    let out = run_ip(&["-o", "-4", "addr", "show"], None)?;
    Ok(addresses_overlapping(&out, subnet, ours))
}

/// Parses `ip -o -4 addr show` (`3: lw-x    inet 172.31.4.1/24 ...`) for overlaps (pure).
fn addresses_overlapping(out: &str, subnet: &Ipv4Cidr, ours: Option<&str>) -> bool {
    out.lines().any(|line| {
        let mut words = line.split_whitespace();
        let dev = words.nth(1).unwrap_or_default();
        let cidr = words
            .skip_while(|w| *w != "inet")
            .nth(1)
            .and_then(|c| c.parse::<Ipv4Cidr>().ok());
        Some(dev) != ours && cidr.is_some_and(|c| c.overlaps(subnet))
    })
}

/// A cluster's node namespace and pod network.
#[derive(Debug)]
pub(crate) struct ClusterNet {
    pub(crate) node: NodeNetwork,
    pub(crate) pod_cidr: Ipv4Cidr,
    next_pod: AtomicU32,
}

impl ClusterNet {
    /// Creates a test pod: a namespace with a veth on the pod bridge, the next free address of
    /// the pod CIDR and a default route via the bridge.
    pub(crate) fn add_test_pod(&self, name: &str) -> Result<TestPod, Error> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(Error::State(format!(
                "test pod name {name:?} is not a DNS label (a-z, 0-9, -)"
            )));
        }
        let n = self.next_pod.fetch_add(1, Ordering::Relaxed);
        let cidr = self.pod_cidr;
        let (ip, gateway) = match (cidr.host(FIRST_TEST_POD_HOST + n), cidr.host(1)) {
            (Some(ip), Some(gw)) => (ip, gw),
            _ => {
                return Err(Error::State(format!(
                    "pod CIDR {cidr} has no address left for test pod {name}"
                )));
            }
        };
        let node = &self.node.netns;
        let netns = format!("{node}.{name}");
        let veth = format!("vp{n}");
        ip::plug_into_bridge(
            node,
            POD_BRIDGE,
            &veth,
            &netns,
            (ip, cidr.prefix()),
            gateway,
        )?;
        Ok(TestPod { netns, ip })
    }
}

/// The API server URL `server` (`https://127.0.0.1:PORT`) as reached at `host` instead.
pub(crate) fn server_at(server: &str, host: Ipv4Addr) -> String {
    let port = server
        .parse::<http::Uri>()
        .ok()
        .and_then(|u| u.port_u16())
        .unwrap_or(443);
    format!("https://{host}:{port}")
}

fn random_bytes() -> [u8; 4] {
    let mut bytes = [0u8; 4];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut bytes);
    }
    if bytes == [0; 4] {
        // No /dev/urandom: the pid and the clock still differ between environments.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        bytes = (nanos ^ std::process::id().rotate_left(16)).to_be_bytes();
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_other_interfaces_count_as_in_use() {
        let out = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n\
                   5: lw-aaaaaa    inet 172.31.7.1/24 scope global lw-aaaaaa\\ valid_lft forever\n\
                   6: vpn0    inet 172.31.200.9/16 scope global vpn0\n";
        let s7: Ipv4Cidr = "172.31.7.0/24".parse().unwrap();
        assert!(addresses_overlapping(out, &s7, None));
        assert!(
            addresses_overlapping(out, &s7, Some("lw-aaaaaa")),
            "vpn0's /16 covers it"
        );
        let only_ours = "5: lw-aaaaaa    inet 172.31.7.1/24 scope global lw-aaaaaa\n";
        assert!(!addresses_overlapping(only_ours, &s7, Some("lw-aaaaaa")));
        assert!(addresses_overlapping(only_ours, &s7, Some("lw-bbbbbb")));
    }

    #[test]
    fn link_names_drop_the_peer_suffix() {
        assert_eq!(
            link_name("7: lv-0a0b0c-0@if2: <BROADCAST,MULTICAST,UP> mtu 1500"),
            Some("lv-0a0b0c-0")
        );
        assert_eq!(link_name("3: cbr0: <BROADCAST>"), Some("cbr0"));
    }

    #[test]
    fn the_server_is_reached_at_the_host_address_on_the_same_port() {
        let host = Ipv4Addr::new(172, 31, 4, 1);
        assert_eq!(
            server_at("https://127.0.0.1:23456", host),
            "https://172.31.4.1:23456"
        );
    }
}
