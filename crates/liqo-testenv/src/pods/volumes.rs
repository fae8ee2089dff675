//! Secret, ConfigMap and emptyDir volumes: written as files in the pod's directory and bind
//! mounted at their `mountPath` in a private mount namespace of the container's process.
//!
//! The mount points are created on the host when missing (empty directories); what is mounted
//! on them is visible to the container only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{ConfigMap, Container, KeyToPath, Pod, Secret};
use kube::{Api, Client, ResourceExt};

/// Writes every supported volume of `pod` under `pod_dir/volumes/<name>`.
///
/// # Errors
/// A message naming the missing Secret/ConfigMap or the unwritable file (the kubelet's
/// `FailedMount`).
pub async fn materialize(
    client: &Client,
    pod: &Pod,
    pod_dir: &Path,
) -> Result<BTreeMap<String, PathBuf>, String> {
    let ns = pod.namespace().unwrap_or_default();
    let mut out = BTreeMap::new();
    for volume in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
        let dir = pod_dir.join("volumes").join(&volume.name);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let files: BTreeMap<String, Vec<u8>> = if let Some(source) = &volume.secret {
            let name = source.secret_name.clone().unwrap_or_default();
            let secret = Api::<Secret>::namespaced(client.clone(), &ns)
                .get(&name)
                .await
                .map_err(|e| format!("volume {}: Secret {ns}/{name}: {e}", volume.name))?;
            let data = secret
                .data
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.0))
                .collect();
            select(data, source.items.as_deref())
        } else if let Some(source) = &volume.config_map {
            let name = source.name.clone();
            let cm = Api::<ConfigMap>::namespaced(client.clone(), &ns)
                .get(&name)
                .await
                .map_err(|e| format!("volume {}: ConfigMap {ns}/{name}: {e}", volume.name))?;
            let data = cm
                .data
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.into_bytes()))
                .collect();
            select(data, source.items.as_deref())
        } else if volume.empty_dir.is_some() {
            BTreeMap::new()
        } else {
            // Other volume types are not mounted; a container that needs one fails visibly.
            continue;
        };
        for (path, bytes) in files {
            let file = dir.join(&path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&file, bytes)
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        }
        out.insert(volume.name.clone(), dir);
    }
    Ok(out)
}

/// The data keys a volume shows: all of them, or the `items` renamed to their paths.
fn select(
    data: BTreeMap<String, Vec<u8>>,
    items: Option<&[KeyToPath]>,
) -> BTreeMap<String, Vec<u8>> {
    match items {
        None => data,
        Some(items) => items
            .iter()
            .filter_map(|i| Some((i.path.clone(), data.get(&i.key)?.clone())))
            .collect(),
    }
}

/// The bind mounts of `container`: (source directory, target path, read-only).
pub fn mounts(
    container: &Container,
    volumes: &BTreeMap<String, PathBuf>,
) -> Vec<(PathBuf, String, bool)> {
    container
        .volume_mounts
        .iter()
        .flatten()
        .filter_map(|m| {
            let source = volumes.get(&m.name)?;
            let source = match m.sub_path.as_deref() {
                Some(sub) if !sub.is_empty() => source.join(sub),
                _ => source.clone(),
            };
            Some((source, m.mount_path.clone(), m.read_only.unwrap_or(false)))
        })
        .collect()
}

/// Wraps `program args` so it runs in a private mount namespace with `mounts` in place.
pub fn wrap(
    program: &Path,
    args: &[String],
    mounts: &[(PathBuf, String, bool)],
) -> (PathBuf, Vec<String>) {
    if mounts.is_empty() {
        return (program.to_path_buf(), args.to_vec());
    }
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut script = String::from("set -e");
    for (source, target, read_only) in mounts {
        let (src, dst) = (quote(&source.display().to_string()), quote(target));
        let make_target = if source.is_dir() {
            format!("mkdir -p {dst}")
        } else {
            format!("mkdir -p \"$(dirname {dst})\"; touch {dst}")
        };
        script.push_str(&format!("; {make_target}; mount --bind {src} {dst}"));
        if *read_only {
            script.push_str(&format!("; mount -o remount,bind,ro {dst}"));
        }
    }
    script.push_str("; exec \"$@\"");
    let mut wrapped = vec![
        "--mount".to_string(),
        "--propagation".into(),
        "private".into(),
        "--".into(),
        "/bin/sh".into(),
    ];
    wrapped.extend([
        "-c".to_string(),
        script,
        "sh".into(),
        program.display().to_string(),
    ]);
    wrapped.extend(args.iter().cloned());
    (PathBuf::from("/usr/bin/unshare"), wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_rename_keys_and_drop_the_others() {
        let data = BTreeMap::from([
            ("a".to_string(), b"1".to_vec()),
            ("b".to_string(), b"2".to_vec()),
        ]);
        let items = vec![KeyToPath {
            key: "a".into(),
            path: "sub/x".into(),
            mode: None,
        }];
        assert_eq!(
            select(data, Some(&items)),
            BTreeMap::from([("sub/x".to_string(), b"1".to_vec())])
        );
    }

    #[test]
    fn wrapping_mounts_in_a_private_namespace_then_execs_the_program() {
        let (program, args) = wrap(
            Path::new("/bin/prog"),
            &["--x".into()],
            &[(PathBuf::from("/v/keys"), "/etc/k'eys".into(), true)],
        );
        assert_eq!(program, PathBuf::from("/usr/bin/unshare"));
        assert_eq!(
            &args[..5],
            ["--mount", "--propagation", "private", "--", "/bin/sh"]
        );
        assert!(
            args[6].contains(r"mount --bind '/v/keys' '/etc/k'\''eys'"),
            "{}",
            args[6]
        );
        assert!(args[6].contains("remount,bind,ro") && args[6].ends_with("exec \"$@\""));
        assert_eq!(&args[7..], ["sh", "/bin/prog", "--x"]);
        assert_eq!(wrap(Path::new("/p"), &[], &[]).0, PathBuf::from("/p"));
    }
}
