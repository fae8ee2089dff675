//! A recursive comparison of two OpenAPI v3 schemas (ours against upstream's): field names,
//! types, required-ness, enum values, formats and the validation and server-side-apply keywords
//! of [`KEYWORDS`], walking properties, list items and map values.

use std::collections::BTreeSet;

use serde_json::Value;

/// Keywords that change what the API server accepts or how server-side apply merges: compared
/// for equality at every node.
pub const KEYWORDS: &[&str] = &[
    "default",
    "pattern",
    "maxItems",
    "x-kubernetes-validations",
    "x-kubernetes-map-type",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
];

/// What a comparison found.
#[derive(Debug, Default)]
pub struct Report {
    /// Differences that break compatibility: a field we define that upstream lacks, or a
    /// different type, format, enum or required set.
    pub mismatches: Vec<String>,
    /// Upstream fields we do not define (paths).
    pub missing: Vec<String>,
    /// Fields we keep opaque (`x-kubernetes-preserve-unknown-fields`) where upstream has a
    /// typed schema (paths).
    pub opaque: Vec<String>,
}

/// Compares `ours` with `upstream` below `path`, adding to `report`.
pub fn compare(ours: &Value, upstream: &Value, path: &str, report: &mut Report) {
    let (o_type, u_type) = (type_of(ours), type_of(upstream));
    if o_type != u_type {
        report
            .mismatches
            .push(format!("{path}: type {o_type:?}, upstream {u_type:?}"));
        return;
    }
    let (o_enum, u_enum) = (strings(&ours["enum"]), strings(&upstream["enum"]));
    if o_enum != u_enum {
        report
            .mismatches
            .push(format!("{path}: enum {o_enum:?}, upstream {u_enum:?}"));
    }
    if ours["format"] != upstream["format"] {
        report.mismatches.push(format!(
            "{path}: format {}, upstream {}",
            ours["format"], upstream["format"]
        ));
    }
    for key in KEYWORDS {
        if ours[key] != upstream[key] {
            report.mismatches.push(format!(
                "{path}: {key} {}, upstream {}",
                ours[key], upstream[key]
            ));
        }
    }
    let opaque =
        ours["x-kubernetes-preserve-unknown-fields"] == true && ours.get("properties").is_none();
    if opaque {
        if upstream["x-kubernetes-preserve-unknown-fields"] != true {
            report.opaque.push(path.to_owned());
        }
        return;
    }
    compare_properties(ours, upstream, path, report);
    if ours.get("items").is_some() || upstream.get("items").is_some() {
        compare(
            &ours["items"],
            &upstream["items"],
            &format!("{path}[]"),
            report,
        );
    }
    let (o_map, u_map) = (
        &ours["additionalProperties"],
        &upstream["additionalProperties"],
    );
    if o_map.is_object() || u_map.is_object() {
        compare(o_map, u_map, &format!("{path}{{}}"), report);
    }
}

fn compare_properties(ours: &Value, upstream: &Value, path: &str, report: &mut Report) {
    let empty = serde_json::Map::new();
    let o_props = ours["properties"].as_object().unwrap_or(&empty);
    let u_props = upstream["properties"].as_object().unwrap_or(&empty);
    if o_props.is_empty() && u_props.is_empty() {
        return;
    }
    let (o_req, u_req) = (strings(&ours["required"]), strings(&upstream["required"]));
    if o_req != u_req {
        report
            .mismatches
            .push(format!("{path}: required {o_req:?}, upstream {u_req:?}"));
    }
    for (name, schema) in o_props {
        let child = format!("{path}.{name}");
        match u_props.get(name) {
            Some(theirs) => compare(schema, theirs, &child, report),
            None => report
                .mismatches
                .push(format!("{child}: not in upstream's schema")),
        }
    }
    for name in u_props.keys().filter(|name| !o_props.contains_key(*name)) {
        report.missing.push(format!("{path}.{name}"));
    }
}

/// The type of a schema node; `int-or-string` for `x-kubernetes-int-or-string` nodes.
fn type_of(schema: &Value) -> Option<&str> {
    if schema["x-kubernetes-int-or-string"] == true {
        return Some("int-or-string");
    }
    schema["type"].as_str()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|items| items.iter().map(|v| v.to_string()).collect())
        .unwrap_or_default()
}

/// Whether `text` names `field` as a whole word (not as part of a longer identifier).
pub fn names_field(text: &str, field: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(field).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + field.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[test]
fn differences_are_classified() {
    let ours = serde_json::json!({"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string", "enum": ["X"], "x-kubernetes-list-type": "atomic"},
        "b": {"type": "integer"},
        "t": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
    }});
    let upstream = serde_json::json!({"type": "object", "properties": {
        "a": {"type": "string", "enum": ["X", "Y"]},
        "c": {"type": "string"},
        "t": {"type": "object", "properties": {"deep": {"type": "string"}}},
    }});
    let mut report = Report::default();
    compare(&ours, &upstream, "root", &mut report);
    // enum of `a`, list type of `a`, required, `b` unknown upstream.
    assert_eq!(report.mismatches.len(), 4, "{report:?}");
    assert_eq!(report.missing, ["root.c"]);
    assert_eq!(report.opaque, ["root.t"]);
    assert!(names_field("the `spec.clusterID` field", "clusterID"));
    assert!(!names_field("the clusterIDs list", "clusterID"));
}
