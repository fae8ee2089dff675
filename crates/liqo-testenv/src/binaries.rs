//! Where the Kubernetes binaries built by `make k8s` live.

use std::path::{Path, PathBuf};

use crate::Error;

/// Environment variable overriding the binaries directory.
pub const BIN_DIR_ENV: &str = "LIQO_TESTENV_BIN";

/// Paths of the control-plane binaries of a test cluster.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// etcd.
    pub etcd: PathBuf,
    /// kube-apiserver.
    pub apiserver: PathBuf,
    /// kube-controller-manager.
    pub controller_manager: PathBuf,
    /// kube-scheduler.
    pub scheduler: PathBuf,
    /// kubectl, for humans and demos.
    pub kubectl: PathBuf,
}

impl Binaries {
    /// The default directory: `$LIQO_TESTENV_BIN`, else `.testenv/bin` at the workspace root.
    pub fn default_dir() -> PathBuf {
        match std::env::var_os(BIN_DIR_ENV) {
            Some(dir) => PathBuf::from(dir),
            None => {
                let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.testenv/bin");
                dir.canonicalize().unwrap_or(dir)
            }
        }
    }

    /// Finds every binary in `dir`.
    ///
    /// # Errors
    /// [`Error::MissingBinary`] naming the first one absent, and how to build it.
    pub fn locate(dir: &Path) -> Result<Self, Error> {
        let find = |name: &'static str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::MissingBinary { name, path })
            }
        };
        Ok(Self {
            etcd: find("etcd")?,
            apiserver: find("kube-apiserver")?,
            controller_manager: find("kube-controller-manager")?,
            scheduler: find("kube-scheduler")?,
            kubectl: find("kubectl")?,
        })
    }
}
