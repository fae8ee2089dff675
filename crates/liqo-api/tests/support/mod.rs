//! Shared by the compatibility tests: upstream's CRDs and spec text from `shared/` beside the
//! repository, and the structural schema comparison.

pub mod schema_diff;

use std::path::{Path, PathBuf};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

/// `shared/` beside the repository (as in CI's checkout).
fn shared_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).to_path_buf()
}

/// Every CRD of upstream Liqo, one per YAML file of `shared/liqo-crds`.
pub fn upstream_crds() -> Vec<CustomResourceDefinition> {
    let dir = shared_dir().join("liqo-crds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no CRD in {}", dir.display());
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            serde_norway::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a CRD: {e}", path.display()))
        })
        .collect()
}

/// The text of every spec file, concatenated.
pub fn spec_text() -> String {
    let dir = shared_dir().join("spec");
    let mut text = String::new();
    for entry in
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
    {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|ext| ext == "md") {
            text.push_str(&std::fs::read_to_string(&path).expect("readable spec file"));
        }
    }
    assert!(!text.is_empty(), "no spec in {}", dir.display());
    text
}
