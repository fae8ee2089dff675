//! A Go `text/template` subset (pure) and upstream's gateway-template tree rendering
//! (networking.md §5.5 "Template rendering rules"), so that templates written for upstream
//! Liqo render the same here.
//!
//! Supported: text with `{{ }}` actions, trim markers `{{-`/`-}}`, comments, field chains
//! (`.Spec.Endpoint.Port`), variables (`$`, `$x := …`), `if`/`else if`/`else`, `range` (with
//! `$i, $e :=` and `else`), `with`, pipelines (`|`), parenthesised pipelines, string, raw
//! string, integer, float, bool and `nil` literals, and the built-ins `and`, `or`, `not`, `len`,
//! `index`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `print`, `printf`, `println`. Not supported:
//! `define`/`template`/`block`, `break`/`continue`, `call`, `slice`, `html`, `js`, `urlquery`.
//!
//! Data is JSON: objects stand for Go structs and maps (an absent key is Go's `<no value>`),
//! `null` for a nil pointer (`<nil>`, false in `if`).

mod exec;
mod parse;

use serde_json::{Map, Value};

/// A template that failed to parse or execute.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The text is not a template of the supported subset.
    #[error("template: {0}")]
    Parse(String),
    /// Execution failed (bad field access, wrong arguments, …).
    #[error("template: executing: {0}")]
    Exec(String),
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    list: parse::List,
}

impl Template {
    /// Parses `src`.
    ///
    /// # Errors
    /// [`TemplateError::Parse`] on syntax outside the supported subset.
    pub fn parse(src: &str) -> Result<Self, TemplateError> {
        Ok(Self {
            list: parse::parse(src)?,
        })
    }

    /// Executes the template with `data` as dot.
    ///
    /// # Errors
    /// [`TemplateError::Exec`] as Go's `Execute` would fail.
    pub fn execute(&self, data: &Value) -> Result<String, TemplateError> {
        let mut out = String::new();
        exec::Exec::new(data.into()).run(&self.list, &mut out)?;
        Ok(out)
    }
}

/// Parses and executes `src` with `data`.
///
/// # Errors
/// As [`Template::parse`] and [`Template::execute`].
pub fn render_str(src: &str, data: &Value) -> Result<String, TemplateError> {
    Template::parse(src)?.execute(data)
}

/// Renders a template tree as upstream's `RenderTemplate` does:
///
/// - a string is executed; unless `force_string`, a result that parses as a decimal integer
///   becomes a JSON integer (`"{{ .Spec.Endpoint.Port }}"` → `51840`);
/// - an object that has a `labels` or `annotations` key renders all its values in string mode;
/// - a key `?name` whose string value contains a `{{ X }}` expression becomes `name`, its
///   value is wrapped in `{{if X}}…{{end}}`, and it is omitted when it renders to `""` or `0`;
/// - other scalars are kept, or formatted as text in string mode.
///
/// # Errors
/// The first [`TemplateError`] of any string in the tree.
pub fn render_tree(obj: &Value, data: &Value, force_string: bool) -> Result<Value, TemplateError> {
    match obj {
        Value::String(src) => {
            let text = render_str(src, data)?;
            if !force_string && let Some(n) = go_atoi(&text) {
                return Ok(Value::from(n));
            }
            Ok(Value::String(text))
        }
        Value::Object(map) => {
            let force =
                force_string || map.contains_key("labels") || map.contains_key("annotations");
            let mut out = Map::new();
            for (key, value) in map {
                let (key, value, optional) = optional_field(key, value);
                let rendered = render_tree(&value, data, force)?;
                if !(optional && is_zero(&rendered)) {
                    out.insert(key, rendered);
                }
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .map(|v| render_tree(v, data, force_string))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Null if force_string => Ok(Value::String("<nil>".into())),
        Value::Bool(_) | Value::Number(_) if force_string => {
            Ok(Value::String(exec::format_value(&obj.into())))
        }
        other => Ok(other.clone()),
    }
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, fits in 64 bits.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `reflect.Value.IsZero` for what a render yields: `""`, `0`, `false`, `null`.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// Upstream's `preProcessOptional`: `?key: "…{{ X }}…"` → `key: "{{if X}}…{{ X }}…{{end}}"`.
fn optional_field(key: &str, value: &Value) -> (String, Value, bool) {
    if let (Some(stripped), Value::String(s)) = (key.strip_prefix('?'), value)
        && let Some(variable) = first_variable(s)
    {
        let wrapped = format!("{{{{if {variable}}}}}{s}{{{{end}}}}");
        return (stripped.to_string(), Value::String(wrapped), true);
    }
    (key.to_string(), value.clone(), false)
}

/// The first match of upstream's `{{\s*(.\S+)\s*}}`: a single-token expression such as
/// `.Spec.Endpoint.NodePort`; `{{ index .X 0 }}` does not match.
fn first_variable(s: &str) -> Option<String> {
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let body = after.trim_start();
        let token_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let token = &body[..token_len];
        // `.\S+` is greedy but must leave a closing `}}`, possibly glued to the token.
        let candidate = match token.rfind("}}") {
            Some(i) if i >= 2 => Some(&token[..i]),
            Some(_) => None,
            None if body[token_len..].trim_start().starts_with("}}")
                && token.chars().count() >= 2 =>
            {
                Some(token)
            }
            None => None,
        };
        if let Some(c) = candidate {
            return Some(c.to_string());
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests;
