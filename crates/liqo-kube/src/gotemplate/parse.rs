//! Lexing and parsing of the Go text/template subset: text, `{{ pipelines }}` with trim
//! markers and comments, `if`/`else if`/`else`, `range`, `with`, variables, literals and
//! parenthesised pipelines.

use super::TemplateError;

/// A parsed template body.
pub(super) type List = Vec<Node>;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Text(String),
    Action(Pipeline),
    If {
        branches: Vec<(Pipeline, List)>,
        otherwise: Option<List>,
    },
    Range {
        pipe: Pipeline,
        body: List,
        otherwise: Option<List>,
    },
    With {
        pipe: Pipeline,
        body: List,
        otherwise: Option<List>,
    },
}

/// `$a, $b := cmd | cmd`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pipeline {
    pub decl: Vec<String>,
    pub cmds: Vec<Vec<Arg>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Arg {
    /// `.A.B` from dot; empty = dot itself.
    Field(Vec<String>),
    /// `$x.A.B`; `$` is the root.
    Var(String, Vec<String>),
    /// `(pipeline).A.B`.
    Sub(Box<Pipeline>, Vec<String>),
    /// A function name.
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(String),
    Dot,
    Var(String),
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    LParen,
    RParen,
    Pipe,
    Declare,
    Comma,
}

/// A token and whether whitespace preceded it (`.A.B` chains fields, `.A .B` does not).
type Spanned = (Tok, bool);

fn err(msg: impl Into<String>) -> TemplateError {
    TemplateError::Parse(msg.into())
}

/// Splits `src` into text and action token lists, applying trim markers and dropping comments.
fn segments(src: &str) -> Result<Vec<Result<String, Vec<Spanned>>>, TemplateError> {
    let mut out: Vec<Result<String, Vec<Spanned>>> = Vec::new();
    let mut rest = src;
    let mut trim_next = false;
    while !rest.is_empty() {
        let Some(open) = rest.find("{{") else {
            push_text(&mut out, rest, trim_next);
            break;
        };
        let mut text = &rest[..open];
        let mut inner = &rest[open + 2..];
        if inner.starts_with('-') && inner[1..].starts_with(char::is_whitespace) {
            text = text.trim_end();
            inner = &inner[1..];
        }
        push_text(&mut out, text, trim_next);
        let trimmed = inner.trim_start();
        if let Some(comment) = trimmed.strip_prefix("/*") {
            let end = comment.find("*/").ok_or_else(|| err("unclosed comment"))?;
            let after = comment[end + 2..].trim_start();
            let (close, trim) = if let Some(a) = after.strip_prefix("-}}") {
                (a, true)
            } else if let Some(a) = after.strip_prefix("}}") {
                (a, false)
            } else {
                return Err(err("comment ends before closing delimiter"));
            };
            rest = close;
            trim_next = trim;
            continue;
        }
        let (tokens, after, trim) = lex_action(inner)?;
        out.push(Err(tokens));
        rest = after;
        trim_next = trim;
    }
    Ok(out)
}

fn push_text(out: &mut Vec<Result<String, Vec<Spanned>>>, text: &str, trim_start: bool) {
    let text = if trim_start { text.trim_start() } else { text };
    if !text.is_empty() {
        out.push(Ok(text.to_string()));
    }
}

/// Lexes one action up to its closing `}}`; returns the tokens, the rest of the source and
/// whether the action ended with a right trim marker.
fn lex_action(src: &str) -> Result<(Vec<Spanned>, &str, bool), TemplateError> {
    let mut tokens = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut spaced = true;
    loop {
        let Some(&c) = bytes.get(i) else {
            return Err(err("unclosed action"));
        };
        if c.is_ascii_whitespace() {
            let rest = &src[i..];
            let trimmed = rest.trim_start();
            if let Some(after) = trimmed.strip_prefix("-}}") {
                return Ok((tokens, after, true));
            }
            i += rest.len() - trimmed.len();
            spaced = true;
            continue;
        }
        if src[i..].starts_with("}}") {
            return Ok((tokens, &src[i + 2..], false));
        }
        let start = i;
        let tok = match c {
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b'|' => {
                i += 1;
                Tok::Pipe
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' if bytes.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Declare
            }
            b'"' => {
                let (s, len) = lex_quoted(&src[i..])?;
                i += len;
                Tok::Str(s)
            }
            b'`' => {
                let end = src[i + 1..]
                    .find('`')
                    .ok_or_else(|| err("unterminated raw string"))?;
                let s = src[i + 1..i + 1 + end].to_string();
                i += end + 2;
                Tok::Str(s)
            }
            b'.' if !bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit()) => {
                i += 1;
                let name = take_word(&src[i..]);
                i += name.len();
                if name.is_empty() {
                    Tok::Dot
                } else {
                    Tok::Field(name.to_string())
                }
            }
            b'$' => {
                i += 1;
                let name = take_word(&src[i..]);
                i += name.len();
                Tok::Var(format!("${name}"))
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let len = src[i..]
                    .find(|ch: char| {
                        !(ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '+' | '-'))
                    })
                    .unwrap_or(src.len() - i);
                let text = &src[i..i + len];
                let text = text.strip_suffix('-').unwrap_or(text);
                i += text.len();
                lex_number(text)?
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let name = take_word(&src[i..]);
                i += name.len();
                Tok::Ident(name.to_string())
            }
            _ => return Err(err(format!("unexpected {:?} in action", c as char))),
        };
        debug_assert!(i > start);
        tokens.push((tok, spaced));
        spaced = false;
    }
}

fn take_word(s: &str) -> &str {
    let end = s
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

fn lex_quoted(s: &str) -> Result<(String, usize), TemplateError> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, ch)) = chars.next() {
        match ch {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let (_, esc) = chars.next().ok_or_else(|| err("unterminated string"))?;
                out.push(match esc {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    '0' => '\0',
                    other => return Err(err(format!("unsupported escape \\{other}"))),
                });
            }
            '\n' => return Err(err("newline in string")),
            ch => out.push(ch),
        }
    }
    Err(err("unterminated string"))
}

fn lex_number(text: &str) -> Result<Tok, TemplateError> {
    let bad = || err(format!("bad number syntax: {text:?}"));
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let int = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(&hex.replace('_', ""), 16).ok()
    } else {
        digits.replace('_', "").parse::<i64>().ok()
    };
    if let Some(n) = int {
        return Ok(Tok::Int(if neg { -n } else { n }));
    }
    let f: f64 = digits.parse().map_err(|_| bad())?;
    Ok(Tok::Float(if neg { -f } else { f }))
}

/// Parses a whole template.
pub(super) fn parse(src: &str) -> Result<List, TemplateError> {
    let segments = segments(src)?;
    let mut parser = Parser {
        segments: segments.into_iter().peekable(),
    };
    let (list, end) = parser.list()?;
    match end {
        None => Ok(list),
        Some(End::End) => Err(err("unexpected {{end}}")),
        Some(End::Else(_)) => Err(err("unexpected {{else}}")),
    }
}

/// What closed a list: `{{end}}`, `{{else}}` or `{{else if …}}` (the tokens after `else`).
enum End {
    End,
    Else(Vec<Spanned>),
}

struct Parser {
    segments: std::iter::Peekable<std::vec::IntoIter<Result<String, Vec<Spanned>>>>,
}

impl Parser {
    fn list(&mut self) -> Result<(List, Option<End>), TemplateError> {
        let mut list = Vec::new();
        while let Some(segment) = self.segments.next() {
            let tokens = match segment {
                Ok(text) => {
                    list.push(Node::Text(text));
                    continue;
                }
                Err(tokens) => tokens,
            };
            let keyword = match tokens.first() {
                Some((Tok::Ident(k), _)) => k.as_str(),
                None => return Err(err("missing value for command")),
                _ => "",
            };
            match keyword {
                "end" if tokens.len() == 1 => return Ok((list, Some(End::End))),
                "end" => return Err(err("unexpected tokens after end")),
                "else" => return Ok((list, Some(End::Else(tokens[1..].to_vec())))),
                "if" => list.push(self.if_chain(&tokens[1..])?),
                "range" | "with" => {
                    let pipe = pipeline(&tokens[1..], true)?;
                    let (body, otherwise) = self.body_else(keyword)?;
                    list.push(if keyword == "range" {
                        Node::Range {
                            pipe,
                            body,
                            otherwise,
                        }
                    } else {
                        Node::With {
                            pipe,
                            body,
                            otherwise,
                        }
                    });
                }
                "define" | "template" | "block" | "break" | "continue" => {
                    return Err(err(format!("{{{{{keyword}}}}} is not supported")));
                }
                _ => list.push(Node::Action(pipeline(&tokens, true)?)),
            }
        }
        Ok((list, None))
    }

    /// A body and its optional `{{else}}` body, up to `{{end}}`.
    fn body_else(&mut self, what: &str) -> Result<(List, Option<List>), TemplateError> {
        let (body, end) = self.list()?;
        match end {
            Some(End::End) => Ok((body, None)),
            Some(End::Else(rest)) if rest.is_empty() => {
                let (otherwise, end) = self.list()?;
                match end {
                    Some(End::End) => Ok((body, Some(otherwise))),
                    _ => Err(err(format!("expected end after else in {what}"))),
                }
            }
            Some(End::Else(_)) => Err(err(format!("else with arguments in {what}"))),
            None => Err(err(format!("unexpected EOF in {what}"))),
        }
    }

    fn if_chain(&mut self, cond: &[Spanned]) -> Result<Node, TemplateError> {
        let mut branches = Vec::new();
        let mut cond = cond.to_vec();
        loop {
            let pipe = pipeline(&cond, true)?;
            let (body, end) = self.list()?;
            branches.push((pipe, body));
            match end {
                Some(End::End) => {
                    return Ok(Node::If {
                        branches,
                        otherwise: None,
                    });
                }
                Some(End::Else(rest)) if rest.is_empty() => {
                    let (otherwise, end) = self.list()?;
                    return match end {
                        Some(End::End) => Ok(Node::If {
                            branches,
                            otherwise: Some(otherwise),
                        }),
                        _ => Err(err("expected end after else in if")),
                    };
                }
                Some(End::Else(rest)) => match rest.first() {
                    Some((Tok::Ident(k), _)) if k == "if" => cond = rest[1..].to_vec(),
                    _ => return Err(err("else with arguments in if")),
                },
                None => return Err(err("unexpected EOF in if")),
            }
        }
    }
}

/// A pipeline, with an optional `$a[, $b] :=` declaration when `decl` allows it.
fn pipeline(tokens: &[Spanned], decl: bool) -> Result<Pipeline, TemplateError> {
    let mut vars = Vec::new();
    let mut rest = tokens;
    if decl {
        let declared = match tokens {
            [(Tok::Var(a), _), (Tok::Declare, _), ..] => Some((vec![a.clone()], 2)),
            [
                (Tok::Var(a), _),
                (Tok::Comma, _),
                (Tok::Var(b), _),
                (Tok::Declare, _),
                ..,
            ] => Some((vec![a.clone(), b.clone()], 4)),
            _ => None,
        };
        if let Some((names, skip)) = declared {
            vars = names;
            rest = &tokens[skip..];
        }
    }
    let mut cmds = Vec::new();
    let mut pos = 0;
    loop {
        let (cmd, used) = command(&rest[pos..])?;
        cmds.push(cmd);
        pos += used;
        match rest.get(pos) {
            None => break,
            Some((Tok::Pipe, _)) => pos += 1,
            Some((t, _)) => return Err(err(format!("unexpected {t:?} in pipeline"))),
        }
    }
    Ok(Pipeline { decl: vars, cmds })
}

/// One command: operands up to `|`, `)` or the end. Returns it and the tokens used.
fn command(tokens: &[Spanned]) -> Result<(Vec<Arg>, usize), TemplateError> {
    let mut args = Vec::new();
    let mut pos = 0;
    while let Some((tok, _)) = tokens.get(pos) {
        if matches!(tok, Tok::Pipe | Tok::RParen) {
            break;
        }
        let (arg, used) = operand(&tokens[pos..])?;
        args.push(arg);
        pos += used;
    }
    if args.is_empty() {
        return Err(err("missing value for command"));
    }
    Ok((args, pos))
}

fn operand(tokens: &[Spanned]) -> Result<(Arg, usize), TemplateError> {
    let (first, _) = &tokens[0];
    let mut pos = 1;
    let arg = match first {
        Tok::Dot => Arg::Field(Vec::new()),
        Tok::Field(f) => Arg::Field(vec![f.clone()]),
        Tok::Var(v) => Arg::Var(v.clone(), Vec::new()),
        Tok::Ident(name) => match name.as_str() {
            "true" => Arg::Bool(true),
            "false" => Arg::Bool(false),
            "nil" => Arg::Nil,
            _ => Arg::Ident(name.clone()),
        },
        Tok::Str(s) => Arg::Str(s.clone()),
        Tok::Int(n) => Arg::Int(*n),
        Tok::Float(f) => Arg::Float(*f),
        Tok::LParen => {
            let close = matching_paren(tokens)?;
            let inner = pipeline(&tokens[1..close], false)?;
            pos = close + 1;
            Arg::Sub(Box::new(inner), Vec::new())
        }
        other => return Err(err(format!("unexpected {other:?} in operand"))),
    };
    // Fields glued to the operand (no space before them) chain onto it.
    let mut chain = Vec::new();
    while let Some((Tok::Field(f), false)) = tokens.get(pos) {
        chain.push(f.clone());
        pos += 1;
    }
    let arg = match arg {
        Arg::Field(mut fields) => {
            fields.extend(chain);
            Arg::Field(fields)
        }
        Arg::Var(v, _) => Arg::Var(v, chain),
        Arg::Sub(p, _) => Arg::Sub(p, chain),
        other if chain.is_empty() => other,
        other => return Err(err(format!("unexpected field after {other:?}"))),
    };
    Ok((arg, pos))
}

fn matching_paren(tokens: &[Spanned]) -> Result<usize, TemplateError> {
    let mut depth = 0;
    for (i, (tok, _)) in tokens.iter().enumerate() {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    Err(err("unclosed left paren"))
}
