//! `-o json|yaml` and `--get a.b.c` over the collected data (cli.md §6.4–5). Pure.

use serde_json::Value;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Yaml,
}

/// Queries that stand for longer ones on `liqoctl info` (matched case-insensitively).
const LOCAL_SHORTCUTS: &[(&str, &str)] = &[("clusterid", "local.clusterid")];

/// A `--get` path that does not lead to a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("invalid query {query:?}: {segment:?} not found")]
    NotFound { query: String, segment: String },
    #[error("invalid query {query:?}: {segment:?} is not an object")]
    NotAnObject { query: String, segment: String },
    #[error("cluster {cluster:?} in query {query:?} is not among the requested clusters")]
    UnknownCluster { query: String, cluster: String },
}

/// `data` in `format` (YAML when none), keys sorted, ending in one newline.
pub fn render(data: &Value, format: Option<Format>) -> anyhow::Result<String> {
    let text = match format {
        Some(Format::Json) => serde_json::to_string_pretty(data)?,
        Some(Format::Yaml) | None => serde_norway::to_string(data)?,
    };
    Ok(format!("{}\n", text.trim_end_matches('\n')))
}

/// A selected value as `--get` prints it: scalars bare, objects and lists in `format`.
pub fn render_selected(value: &Value, format: Option<Format>) -> anyhow::Result<String> {
    match value {
        Value::String(s) => Ok(format!("{s}\n")),
        Value::Bool(_) | Value::Number(_) | Value::Null => Ok(format!("{value}\n")),
        Value::Array(_) | Value::Object(_) => render(value, format),
    }
}

/// The key of `map` that `segment` names: exactly, else ignoring case.
fn field<'a>(map: &'a serde_json::Map<String, Value>, segment: &str) -> Option<&'a Value> {
    map.get(segment).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(segment))
            .map(|(_, v)| v)
    })
}

/// Follows `query` (dot-separated, a leading dot allowed) from the root map `data`. A missing
/// or null field is "not found"; a step into a scalar or a list is "not an object".
pub fn select<'a>(data: &'a Value, query: &str) -> Result<&'a Value, QueryError> {
    let query = query.trim_start_matches('.');
    let mut segments = query.split('.');
    let mut previous = segments.next().unwrap_or_default();
    let not_found = |segment: &str| QueryError::NotFound {
        query: query.to_string(),
        segment: segment.to_string(),
    };
    let mut current = data
        .as_object()
        .and_then(|m| field(m, previous))
        .filter(|v| !v.is_null())
        .ok_or_else(|| not_found(previous))?;
    for segment in segments {
        let Some(map) = current.as_object() else {
            return Err(QueryError::NotAnObject {
                query: query.to_string(),
                segment: previous.to_string(),
            });
        };
        current = field(map, segment)
            .filter(|v| !v.is_null())
            .ok_or_else(|| not_found(segment))?;
        previous = segment;
    }
    Ok(current)
}

/// `select` on `liqoctl info`'s data, after expanding the shortcuts.
pub fn select_local<'a>(data: &'a Value, query: &str) -> Result<&'a Value, QueryError> {
    let expanded = LOCAL_SHORTCUTS
        .iter()
        .find(|(short, _)| short.eq_ignore_ascii_case(query))
        .map_or(query, |(_, long)| long);
    select(data, expanded)
}

/// `select` on `liqoctl info peer`'s data (cluster ID → checkers): the query starts with a
/// cluster ID, which may be left out when there is one cluster. A bare cluster ID selects
/// all of its data.
pub fn select_peer<'a>(data: &'a Value, query: &str) -> Result<&'a Value, QueryError> {
    let trimmed = query.trim_start_matches('.');
    let (first, rest) = trimmed.split_once('.').unwrap_or((trimmed, ""));
    let clusters = data
        .as_object()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default();
    let (cluster, rest) = match clusters.as_slice() {
        [only] if only.as_str() != first => (only.as_str(), trimmed),
        _ => (first, rest),
    };
    let cluster_data = data
        .get(cluster)
        .ok_or_else(|| QueryError::UnknownCluster {
            query: query.to_string(),
            cluster: cluster.to_string(),
        })?;
    if rest.is_empty() {
        return Ok(cluster_data);
    }
    select(cluster_data, rest)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn local() -> Value {
        json!({
            "local": {"clusterID": "cool-firefly", "labels": {"region": "eu"}, "APIServerAddr": "https://a:6443"},
            "health": {"healthy": false},
            "network": {"podCIDRs": ["10.0.0.0/16"], "serviceCIDR": "10.96.0.0/12"},
        })
    }

    #[test]
    fn fields_match_ignoring_case_and_the_shortcut_expands() {
        let data = local();
        assert_eq!(select_local(&data, "clusterid").unwrap(), "cool-firefly");
        assert_eq!(select_local(&data, "ClusterID").unwrap(), "cool-firefly");
        assert_eq!(
            select_local(&data, "local.clusterid").unwrap(),
            "cool-firefly"
        );
        assert_eq!(
            select_local(&data, ".local.apiserveraddr").unwrap(),
            "https://a:6443"
        );
        assert_eq!(
            select_local(&data, "network.podcidrs").unwrap(),
            &json!(["10.0.0.0/16"])
        );
        assert_eq!(
            select_local(&data, "health.healthy").unwrap(),
            &json!(false)
        );
    }

    #[test]
    fn bad_paths_name_the_segment() {
        let data = local();
        let err = |q: &str| select_local(&data, q).unwrap_err().to_string();
        assert_eq!(
            err("nothing"),
            r#"invalid query "nothing": "nothing" not found"#
        );
        assert_eq!(
            err("local.nope"),
            r#"invalid query "local.nope": "nope" not found"#
        );
        assert_eq!(
            err("local.clusterid.x"),
            r#"invalid query "local.clusterid.x": "clusterid" is not an object"#
        );
        assert_eq!(
            err("network.podcidrs.0"),
            r#"invalid query "network.podcidrs.0": "podcidrs" is not an object"#
        );
        assert_eq!(err(""), r#"invalid query "": "" not found"#);
    }

    #[test]
    fn scalars_print_bare_and_objects_in_the_format() {
        assert_eq!(render_selected(&json!("a"), None).unwrap(), "a\n");
        assert_eq!(render_selected(&json!(3), None).unwrap(), "3\n");
        assert_eq!(
            render_selected(&json!(true), Some(Format::Json)).unwrap(),
            "true\n"
        );
        let obj = json!({"b": 1, "a": [2]});
        assert_eq!(render_selected(&obj, None).unwrap(), "a:\n- 2\nb: 1\n");
        assert_eq!(
            render_selected(&obj, Some(Format::Json)).unwrap(),
            "{\n  \"a\": [\n    2\n  ],\n  \"b\": 1\n}\n"
        );
    }

    #[test]
    fn peer_queries_start_with_a_cluster_unless_there_is_one() {
        let one = json!({"p1": {"info": {"role": "Provider"}}});
        assert_eq!(select_peer(&one, "info.role").unwrap(), "Provider");
        assert_eq!(select_peer(&one, "p1.info.role").unwrap(), "Provider");
        assert_eq!(select_peer(&one, "p1").unwrap(), &one["p1"]);
        let two =
            json!({"p1": {"info": {"role": "Provider"}}, "p2": {"info": {"role": "Consumer"}}});
        assert_eq!(select_peer(&two, "p2.info.role").unwrap(), "Consumer");
        assert_eq!(
            select_peer(&two, "info.role").unwrap_err().to_string(),
            r#"cluster "info" in query "info.role" is not among the requested clusters"#
        );
        assert_eq!(
            select_peer(&two, "p1.info.nope").unwrap_err().to_string(),
            r#"invalid query "info.nope": "nope" not found"#
        );
    }
}
