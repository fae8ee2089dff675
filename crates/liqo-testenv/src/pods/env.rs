//! A container's environment and arguments, resolved as the kubelet does.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Container, Pod, Secret};
use kube::{Api, Client, ResourceExt};

/// Expands `$(VAR)` references from `vars`; `$$` escapes; unknown references stay as written.
pub fn expand(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(close) = tail.strip_prefix("$(").and_then(|t| t.find(')')) {
            let name = &tail[2..2 + close];
            match vars.get(name) {
                Some(value) => out.push_str(value),
                None => out.push_str(&tail[..close + 3]),
            }
            rest = &tail[close + 3..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The value of a `fieldRef` path for `pod`.
pub fn field_value(pod: &Pod, path: &str, pod_ip: &str) -> Option<String> {
    let spec = pod.spec.as_ref();
    match path {
        "metadata.name" => Some(pod.name_any()),
        "metadata.namespace" => pod.namespace(),
        "metadata.uid" => pod.uid(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
        "status.podIP" | "status.hostIP" => Some(pod_ip.to_string()),
        _ => None,
    }
}

/// Resolves `container`'s environment (values, field refs, Secret and ConfigMap refs).
///
/// # Errors
/// A message naming the missing Secret/ConfigMap key, as the kubelet's CreateContainerConfigError.
pub async fn resolve(
    client: &Client,
    pod: &Pod,
    container: &Container,
    pod_ip: &str,
) -> Result<BTreeMap<String, String>, String> {
    let ns = pod.namespace().unwrap_or_default();
    let mut vars = BTreeMap::new();
    for source in container.env_from.iter().flatten() {
        let prefix = source.prefix.clone().unwrap_or_default();
        if let Some(cm) = &source.config_map_ref {
            let data = config_map(client, &ns, &cm.name).await?;
            vars.extend(data.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)));
        }
        if let Some(secret) = &source.secret_ref {
            let data = secret_data(client, &ns, &secret.name).await?;
            vars.extend(data.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)));
        }
    }
    for env in container.env.iter().flatten() {
        let value = match (&env.value, &env.value_from) {
            (Some(value), _) => expand(value, &vars),
            (None, Some(from)) => {
                if let Some(field) = &from.field_ref {
                    field_value(pod, &field.field_path, pod_ip).unwrap_or_default()
                } else if let Some(key) = &from.config_map_key_ref {
                    let data = config_map(client, &ns, &key.name).await?;
                    data.get(&key.key).cloned().ok_or_else(|| {
                        format!("key {} not found in ConfigMap {ns}/{}", key.key, key.name)
                    })?
                } else if let Some(key) = &from.secret_key_ref {
                    let data = secret_data(client, &ns, &key.name).await?;
                    data.get(&key.key).cloned().ok_or_else(|| {
                        format!("key {} not found in Secret {ns}/{}", key.key, key.name)
                    })?
                } else {
                    String::new()
                }
            }
            (None, None) => String::new(),
        };
        vars.insert(env.name.clone(), value);
    }
    Ok(vars)
}

async fn config_map(
    client: &Client,
    ns: &str,
    name: &str,
) -> Result<BTreeMap<String, String>, String> {
    let cm = Api::<ConfigMap>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .map_err(|e| format!("ConfigMap {ns}/{name}: {e}"))?;
    Ok(cm.data.unwrap_or_default())
}

async fn secret_data(
    client: &Client,
    ns: &str,
    name: &str,
) -> Result<BTreeMap<String, String>, String> {
    let secret = Api::<Secret>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .map_err(|e| format!("Secret {ns}/{name}: {e}"))?;
    let mut out: BTreeMap<String, String> = secret
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
        .collect();
    for (k, v) in secret.string_data.unwrap_or_default() {
        out.insert(k, v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_follows_kubernetes_rules() {
        let vars = BTreeMap::from([("A".to_string(), "1".to_string())]);
        assert_eq!(expand("--x=$(A)", &vars), "--x=1");
        assert_eq!(expand("$(B)", &vars), "$(B)");
        assert_eq!(expand("$$(A)", &vars), "$(A)");
        assert_eq!(expand("cost $5", &vars), "cost $5");
    }
}
