//! `--selector`: one cluster-selector term per flag, written in label-selector syntax
//! (`region=eu,tier in (a,b),!legacy`), as upstream liqoctl accepts it. Requirements of one
//! flag are ANDed; several flags are alternative terms (ORed).

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm};

/// Parses one `--selector` value into a node-selector term.
///
/// # Errors
/// What is wrong, naming the requirement at fault.
pub fn parse_term(text: &str) -> Result<NodeSelectorTerm, String> {
    let parts = split_top_level(text)?;
    if parts.iter().all(|p| p.trim().is_empty()) {
        return Err("the selector is empty: use key=value, key!=value, key in (a,b), key notin (a,b), key or !key".into());
    }
    let expressions = parts
        .iter()
        .map(|p| parse_requirement(p.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NodeSelectorTerm {
        match_expressions: Some(expressions),
        match_fields: None,
    })
}

/// Splits at the commas outside parentheses.
fn split_top_level(text: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0u32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' if depth == 0 => depth = 1,
            '(' => return Err(format!("nested parentheses in {text:?}")),
            ')' if depth == 1 => depth = 0,
            ')' => return Err(format!("unbalanced ')' in {text:?}")),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("unclosed '(' in {text:?}"));
    }
    parts.push(&text[start..]);
    Ok(parts)
}

fn requirement(
    key: &str,
    operator: &str,
    values: Vec<String>,
) -> Result<NodeSelectorRequirement, String> {
    check_key(key)?;
    for v in &values {
        check_value(v)?;
    }
    Ok(NodeSelectorRequirement {
        key: key.to_owned(),
        operator: operator.to_owned(),
        values: (!values.is_empty()).then_some(values),
    })
}

fn parse_requirement(req: &str) -> Result<NodeSelectorRequirement, String> {
    if req.is_empty() {
        return Err("an empty requirement (two commas in a row, or a trailing comma)".into());
    }
    if let Some(key) = req.strip_prefix('!') {
        return requirement(key.trim(), "DoesNotExist", Vec::new());
    }
    if let Some(open) = req.find('(') {
        let head: Vec<&str> = req[..open].split_whitespace().collect();
        let operator = match head.as_slice() {
            [_, "in"] => "In",
            [_, "notin"] => "NotIn",
            _ => {
                return Err(format!(
                    "{req:?}: a set must read `key in (a,b)` or `key notin (a,b)`"
                ));
            }
        };
        let Some(inner) = req[open + 1..].strip_suffix(')') else {
            return Err(format!("{req:?}: nothing may follow the closing ')'"));
        };
        let values: Vec<String> = inner.split(',').map(|v| v.trim().to_owned()).collect();
        if values.iter().all(String::is_empty) {
            return Err(format!("{req:?}: the set of values is empty"));
        }
        return requirement(head[0], operator, values);
    }
    for (op, operator) in [("!=", "NotIn"), ("==", "In"), ("=", "In")] {
        if let Some((key, value)) = req.split_once(op) {
            return requirement(key.trim(), operator, vec![value.trim().to_owned()]);
        }
    }
    if req.contains(['<', '>']) {
        return Err(format!("{req:?}: the operators < and > are not supported"));
    }
    if req.split_whitespace().count() > 1 {
        return Err(format!(
            "{req:?}: unknown operator (use =, ==, !=, in, notin or !)"
        ));
    }
    requirement(req, "Exists", Vec::new())
}

/// A label key: optional `<dns subdomain>/` prefix and a name of at most 63 characters.
fn check_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if prefix.len() > 253 || !prefix.split('.').all(label_ok) {
            return Err(format!(
                "invalid label key {key:?}: the prefix must be a DNS subdomain"
            ));
        }
    }
    if name.is_empty() || !name_ok(name) {
        return Err(format!(
            "invalid label key {key:?}: at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
        ));
    }
    Ok(())
}

fn check_value(value: &str) -> Result<(), String> {
    if value.is_empty() || name_ok(value) {
        Ok(())
    } else {
        Err(format!(
            "invalid label value {value:?}: at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
        ))
    }
}

fn name_ok(s: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    s.len() <= 63
        && edge(s.chars().next())
        && edge(s.chars().last())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(text: &str) -> Vec<(String, String, Vec<String>)> {
        parse_term(text)
            .unwrap()
            .match_expressions
            .unwrap()
            .into_iter()
            .map(|r| (r.key, r.operator, r.values.unwrap_or_default()))
            .collect()
    }

    fn one(key: &str, op: &str, values: &[&str]) -> (String, String, Vec<String>) {
        let values = values.iter().map(|v| (*v).to_owned()).collect();
        (key.to_owned(), op.to_owned(), values)
    }

    #[test]
    fn every_label_selector_form() {
        assert_eq!(
            ops("region=eu, tier in (a, b),zone notin (x),liqo.io/gpu,!legacy,env==prod,team!=ops"),
            [
                one("region", "In", &["eu"]),
                one("tier", "In", &["a", "b"]),
                one("zone", "NotIn", &["x"]),
                one("liqo.io/gpu", "Exists", &[]),
                one("legacy", "DoesNotExist", &[]),
                one("env", "In", &["prod"]),
                one("team", "NotIn", &["ops"]),
            ]
        );
        // An empty value is a valid label value.
        assert_eq!(ops("region="), [one("region", "In", &[""])]);
    }

    #[test]
    fn malformed_selectors_say_why() {
        for (text, why) in [
            ("", "empty"),
            ("a=b,", "empty requirement"),
            ("tier in (a,b", "unclosed"),
            ("tier in a,b)", "unbalanced"),
            ("tier within (a)", "key in (a,b)"),
            ("tier in ()", "empty"),
            ("tier in (a) x", "closing"),
            ("cpu>4", "not supported"),
            ("region eu", "unknown operator"),
            ("-bad=x", "invalid label key"),
            ("Bad_Prefix/x=y", "prefix"),
            ("a=b c", "invalid label value"),
        ] {
            let err = parse_term(text).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }
}
