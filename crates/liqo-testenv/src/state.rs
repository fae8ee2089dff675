//! What a running cluster leaves in its directory, so `testenv status` and `testenv down` can
//! find it from another process.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// File name of a cluster's state, inside its directory.
pub const STATE_FILE: &str = "state.json";

/// One process of a cluster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ComponentState {
    /// Component name.
    pub name: String,
    /// Process id.
    pub pid: u32,
    /// Log file.
    pub log: PathBuf,
}

/// A cluster as recorded on disk.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClusterState {
    /// Cluster name.
    pub name: String,
    /// Admin kubeconfig.
    pub kubeconfig: PathBuf,
    /// API server URL.
    pub server: String,
    /// Its processes.
    pub components: Vec<ComponentState>,
    /// Its node's place on the test network, when the environment has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NodeNetworkState>,
}

/// A node on the test network, as recorded on disk.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NodeNetworkState {
    /// The node's address on the WAN.
    pub node_ip: Ipv4Addr,
    /// Its network namespace.
    pub netns: String,
    /// The cluster's pod CIDR.
    pub pod_cidr: String,
    /// The host's address on the WAN bridge.
    pub host_ip: Ipv4Addr,
}

impl ClusterState {
    /// Writes the state into `cluster_dir`.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, cluster_dir: &Path) -> Result<(), Error> {
        let path = cluster_dir.join(STATE_FILE);
        let json = serde_json::to_string_pretty(self).expect("invariant: state serializes");
        std::fs::write(&path, json).map_err(|e| Error::io("write", &path, e))
    }

    /// Reads every cluster recorded below `env_dir`, sorted by name.
    ///
    /// # Errors
    /// When the directory cannot be read or holds a malformed state file.
    pub fn load_all(env_dir: &Path) -> Result<Vec<Self>, Error> {
        let entries = std::fs::read_dir(env_dir).map_err(|e| Error::io("read", env_dir, e))?;
        let mut states = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| Error::io("read", env_dir, e))?
                .path()
                .join(STATE_FILE);
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
            let state = serde_json::from_str(&text)
                .map_err(|e| Error::State(format!("malformed {}: {e}", path.display())))?;
            states.push(state);
        }
        states.sort_by(|a: &Self, b| a.name.cmp(&b.name));
        Ok(states)
    }
}
