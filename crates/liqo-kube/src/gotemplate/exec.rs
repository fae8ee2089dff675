//! Execution of a parsed template over JSON data with Go's semantics: truthiness, `%v`
//! printing, field access, variables and the built-in functions (`and`, `or`, `not`, `len`,
//! `index`, `eq`/`ne`/`lt`/`le`/`gt`/`ge`, `print`, `printf`, `println`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::TemplateError;
use super::parse::{Arg, List, Node, Pipeline};

/// A value during execution. `Missing` is Go's "no value" (an absent map key); `Nil` a nil
/// pointer (JSON `null`).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Missing,
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
}

impl From<&serde_json::Value> for Val {
    fn from(v: &serde_json::Value) -> Self {
        use serde_json::Value as J;
        match v {
            J::Null => Val::Nil,
            J::Bool(b) => Val::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => Val::Float(n.as_f64().unwrap_or_default()),
            },
            J::String(s) => Val::Str(s.clone()),
            J::Array(a) => Val::List(a.iter().map(Val::from).collect()),
            J::Object(o) => Val::Map(o.iter().map(|(k, v)| (k.clone(), v.into())).collect()),
        }
    }
}

impl Val {
    /// Go's truth: false, 0, nil and empty values are false.
    pub(super) fn truth(&self) -> bool {
        match self {
            Val::Missing | Val::Nil => false,
            Val::Bool(b) => *b,
            Val::Int(i) => *i != 0,
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::List(l) => !l.is_empty(),
            Val::Map(m) => !m.is_empty(),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Val::Missing => "no value",
            Val::Nil => "nil",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Float(_) => "float64",
            Val::Str(_) => "string",
            Val::List(_) => "slice",
            Val::Map(_) => "map",
        }
    }
}

/// Go's `%v`.
pub(super) fn format_value(v: &Val) -> String {
    match v {
        Val::Missing => "<no value>".into(),
        Val::Nil => "<nil>".into(),
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => format_float(*f),
        Val::Str(s) => s.clone(),
        Val::List(l) => format!(
            "[{}]",
            l.iter().map(format_value).collect::<Vec<_>>().join(" ")
        ),
        Val::Map(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", format_value(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Go's `%v` of a float64: shortest representation, exponent form below 1e-4 and from 1e21.
fn format_float(f: f64) -> String {
    let exp = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if (-4..21).contains(&exp) {
        return format!("{f}");
    }
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((mantissa, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn err(msg: impl Into<String>) -> TemplateError {
    TemplateError::Exec(msg.into())
}

pub(super) struct Exec {
    root: Val,
    vars: Vec<(String, Val)>,
}

impl Exec {
    pub(super) fn new(root: Val) -> Self {
        Self {
            vars: vec![("$".into(), root.clone())],
            root,
        }
    }

    pub(super) fn run(&mut self, list: &List, out: &mut String) -> Result<(), TemplateError> {
        let dot = self.root.clone();
        self.list(list, &dot, out)
    }

    fn list(&mut self, list: &List, dot: &Val, out: &mut String) -> Result<(), TemplateError> {
        let mark = self.vars.len();
        for node in list {
            self.node(node, dot, out)?;
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn node(&mut self, node: &Node, dot: &Val, out: &mut String) -> Result<(), TemplateError> {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(pipe) => {
                let v = self.pipeline(pipe, dot)?;
                if pipe.decl.is_empty() {
                    out.push_str(&format_value(&v));
                }
            }
            Node::If {
                branches,
                otherwise,
            } => {
                let mark = self.vars.len();
                let mut taken = false;
                for (cond, body) in branches {
                    if self.pipeline(cond, dot)?.truth() {
                        self.list(body, dot, out)?;
                        taken = true;
                        break;
                    }
                }
                if let (false, Some(body)) = (taken, otherwise) {
                    self.list(body, dot, out)?;
                }
                self.vars.truncate(mark);
            }
            Node::With {
                pipe,
                body,
                otherwise,
            } => {
                let mark = self.vars.len();
                let v = self.pipeline(pipe, dot)?;
                if v.truth() {
                    self.list(body, &v, out)?;
                } else if let Some(body) = otherwise {
                    self.list(body, dot, out)?;
                }
                self.vars.truncate(mark);
            }
            Node::Range {
                pipe,
                body,
                otherwise,
            } => self.range(pipe, body, otherwise.as_ref(), dot, out)?,
        }
        Ok(())
    }

    fn range(
        &mut self,
        pipe: &Pipeline,
        body: &List,
        otherwise: Option<&List>,
        dot: &Val,
        out: &mut String,
    ) -> Result<(), TemplateError> {
        let mark = self.vars.len();
        let decl = pipe.decl.clone();
        let bare = Pipeline {
            decl: Vec::new(),
            cmds: pipe.cmds.clone(),
        };
        let v = self.pipeline(&bare, dot)?;
        let items: Vec<(Val, Val)> = match v {
            Val::List(l) => l
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Val::Int(i as i64), v))
                .collect(),
            Val::Map(m) => m.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
            Val::Int(n) => (0..n).map(|i| (Val::Int(i), Val::Int(i))).collect(),
            Val::Missing | Val::Nil => Vec::new(),
            other => {
                return Err(err(format!(
                    "range can't iterate over {}",
                    format_value(&other)
                )));
            }
        };
        if let (true, Some(body)) = (items.is_empty(), otherwise) {
            self.list(body, dot, out)?;
        }
        for (key, value) in items {
            match decl.as_slice() {
                [] => {}
                [one] => self.vars.push((one.clone(), value.clone())),
                [k, v, ..] => {
                    self.vars.push((k.clone(), key));
                    self.vars.push((v.clone(), value.clone()));
                }
            }
            self.list(body, &value, out)?;
            self.vars.truncate(mark);
        }
        Ok(())
    }

    fn pipeline(&mut self, pipe: &Pipeline, dot: &Val) -> Result<Val, TemplateError> {
        let mut last: Option<Val> = None;
        for cmd in &pipe.cmds {
            last = Some(self.command(cmd, dot, last)?);
        }
        let v = last.unwrap_or(Val::Missing);
        for name in &pipe.decl {
            self.vars.push((name.clone(), v.clone()));
        }
        Ok(v)
    }

    fn command(
        &mut self,
        cmd: &[Arg],
        dot: &Val,
        piped: Option<Val>,
    ) -> Result<Val, TemplateError> {
        if let Some(Arg::Ident(name)) = cmd.first() {
            return self.call(name, &cmd[1..], dot, piped);
        }
        if cmd.len() > 1 || piped.is_some() {
            return Err(err(format!(
                "can't give argument to non-function {:?}",
                cmd[0]
            )));
        }
        self.arg(&cmd[0], dot)
    }

    fn arg(&mut self, arg: &Arg, dot: &Val) -> Result<Val, TemplateError> {
        match arg {
            Arg::Field(chain) => walk(dot.clone(), chain),
            Arg::Var(name, chain) => {
                let v = self
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| err(format!("undefined variable: {name}")))?;
                walk(v, chain)
            }
            Arg::Sub(pipe, chain) => {
                let v = self.pipeline(pipe, dot)?;
                walk(v, chain)
            }
            Arg::Ident(name) => self.call(name, &[], dot, None),
            Arg::Str(s) => Ok(Val::Str(s.clone())),
            Arg::Int(i) => Ok(Val::Int(*i)),
            Arg::Float(f) => Ok(Val::Float(*f)),
            Arg::Bool(b) => Ok(Val::Bool(*b)),
            Arg::Nil => Ok(Val::Nil),
        }
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Arg],
        dot: &Val,
        piped: Option<Val>,
    ) -> Result<Val, TemplateError> {
        // `and`/`or` evaluate lazily, so `and .X (index .X 0)` is safe on an empty list.
        if name == "and" || name == "or" {
            let total = args.len() + usize::from(piped.is_some());
            if total == 0 {
                return Err(err(format!("wrong number of args for {name}")));
            }
            let mut last = Val::Missing;
            for arg in args {
                last = self.arg(arg, dot)?;
                if last.truth() != (name == "and") {
                    return Ok(last);
                }
            }
            return Ok(piped.unwrap_or(last));
        }
        let mut vals = args
            .iter()
            .map(|a| self.arg(a, dot))
            .collect::<Result<Vec<_>, _>>()?;
        vals.extend(piped);
        builtin(name, vals)
    }
}

fn walk(mut v: Val, chain: &[String]) -> Result<Val, TemplateError> {
    for field in chain {
        v = match v {
            Val::Map(mut m) => m.remove(field).unwrap_or(Val::Missing),
            Val::Missing => Val::Missing,
            Val::Nil => return Err(err(format!("nil pointer evaluating .{field}"))),
            other => {
                return Err(err(format!(
                    "can't evaluate field {field} in type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(v)
}

fn builtin(name: &str, args: Vec<Val>) -> Result<Val, TemplateError> {
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            )))
        }
    };
    match name {
        "not" => {
            arity(1)?;
            Ok(Val::Bool(!args[0].truth()))
        }
        "len" => {
            arity(1)?;
            let n = match &args[0] {
                Val::Str(s) => s.len(),
                Val::List(l) => l.len(),
                Val::Map(m) => m.len(),
                other => return Err(err(format!("len of type {}", other.type_name()))),
            };
            Ok(Val::Int(n as i64))
        }
        "index" => {
            let mut it = args.into_iter();
            let mut v = it
                .next()
                .ok_or_else(|| err("wrong number of args for index"))?;
            for key in it {
                v = index(v, &key)?;
            }
            Ok(v)
        }
        "eq" => {
            if args.len() < 2 {
                return Err(err("missing argument for comparison"));
            }
            for other in &args[1..] {
                if compare(&args[0], other)? == std::cmp::Ordering::Equal {
                    return Ok(Val::Bool(true));
                }
            }
            Ok(Val::Bool(false))
        }
        "ne" | "lt" | "le" | "gt" | "ge" => {
            arity(2)?;
            let ord = compare(&args[0], &args[1])?;
            let ordered = !matches!(name, "ne") && matches!(args[0], Val::Bool(_));
            if ordered {
                return Err(err("invalid type for comparison"));
            }
            use std::cmp::Ordering::*;
            Ok(Val::Bool(match name {
                "ne" => ord != Equal,
                "lt" => ord == Less,
                "le" => ord != Greater,
                "gt" => ord == Greater,
                _ => ord != Less,
            }))
        }
        "print" => Ok(Val::Str(sprint(&args))),
        "println" => Ok(Val::Str(
            args.iter().map(format_value).collect::<Vec<_>>().join(" ") + "\n",
        )),
        "printf" => {
            let mut it = args.into_iter();
            let Some(Val::Str(format)) = it.next() else {
                return Err(err("printf needs a format string"));
            };
            Ok(Val::Str(sprintf(&format, &it.collect::<Vec<_>>())))
        }
        other => Err(err(format!("function {other:?} not defined"))),
    }
}

fn index(v: Val, key: &Val) -> Result<Val, TemplateError> {
    match (v, key) {
        (Val::List(l), Val::Int(i)) => {
            let n = l.len();
            usize::try_from(*i)
                .ok()
                .and_then(|i| l.into_iter().nth(i))
                .ok_or_else(|| {
                    err(format!(
                        "error calling index: index out of range: {i} (len {n})"
                    ))
                })
        }
        (Val::Str(s), Val::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| s.as_bytes().get(i).copied())
            .map(|b| Val::Int(i64::from(b)))
            .ok_or_else(|| err(format!("error calling index: index out of range: {i}"))),
        // A missing map key gives the zero value of the (string) element type.
        (Val::Map(mut m), Val::Str(k)) => Ok(m.remove(k).unwrap_or(Val::Str(String::new()))),
        (Val::Nil | Val::Missing, _) => Err(err("error calling index: index of untyped nil")),
        (v, k) => Err(err(format!(
            "error calling index: cannot index {} with {}",
            v.type_name(),
            k.type_name()
        ))),
    }
}

fn compare(a: &Val, b: &Val) -> Result<std::cmp::Ordering, TemplateError> {
    use std::cmp::Ordering;
    let incompatible = || err("error calling comparison: incompatible types for comparison");
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Ok(x.cmp(y)),
        (Val::Int(x), Val::Float(y)) => (*x as f64).partial_cmp(y).ok_or_else(incompatible),
        (Val::Float(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)).ok_or_else(incompatible),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y).ok_or_else(incompatible),
        (Val::Str(x), Val::Str(y)) => Ok(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Ok(x.cmp(y)),
        (Val::Nil, Val::Nil) => Ok(Ordering::Equal),
        (Val::Missing, _) | (_, Val::Missing) => {
            Err(err("error calling comparison: invalid type for comparison"))
        }
        _ => Err(incompatible()),
    }
}

/// `fmt.Sprint`: a space between operands when neither is a string.
fn sprint(args: &[Val]) -> String {
    let mut out = String::new();
    for (i, v) in args.iter().enumerate() {
        let is_str = |v: &Val| matches!(v, Val::Str(_));
        if i > 0 && !is_str(v) && !is_str(&args[i - 1]) {
            out.push(' ');
        }
        out.push_str(&format_value(v));
    }
    out
}

/// `fmt.Sprintf` for the common verbs: `%v %s %d %q %t %x %X %f %%`, flags `-` and `0`,
/// width and precision.
fn sprintf(format: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut left, mut zero) = (false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            width.push(d);
        }
        let mut precision = None;
        if chars.next_if_eq(&'.').is_some() {
            let mut p = String::new();
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                p.push(d);
            }
            precision = Some(p.parse::<usize>().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        let text = match (verb, arg) {
            ('d', Val::Int(i)) => i.to_string(),
            ('x', Val::Int(i)) => format!("{i:x}"),
            ('X', Val::Int(i)) => format!("{i:X}"),
            ('x', Val::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('f', Val::Float(f)) => format!("{f:.*}", precision.unwrap_or(6)),
            ('f', Val::Int(i)) => format!("%!f(int={i})"),
            ('q', Val::Str(s)) => format!("{s:?}"),
            ('t', Val::Bool(b)) => b.to_string(),
            ('s', Val::Str(s)) => match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s.clone(),
            },
            ('v' | 's', v) => format_value(v),
            (verb, v) => format!("%!{verb}({}={})", v.type_name(), format_value(v)),
        };
        let width: usize = width.parse().unwrap_or(0);
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            let fill = if zero { '0' } else { ' ' };
            out.extend(std::iter::repeat_n(fill, pad));
            out.push_str(&text);
        }
    }
    let extra: Vec<&Val> = args.collect();
    if !extra.is_empty() {
        let list: Vec<String> = extra
            .iter()
            .map(|v| format!("{}={}", v.type_name(), format_value(v)))
            .collect();
        let _ = write!(out, "%!(EXTRA {})", list.join(", "));
    }
    out
}
