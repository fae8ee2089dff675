//! What one run created: the objects a command wrote that did not exist before it (an object
//! that existed and was updated is not listed), so that a failure, a timeout or an interrupt
//! says what is left in each cluster and which commands undo it.
//!
//! One liqoctl process runs one command, so the journal is process-wide: the flows record into
//! it, `main` reports it when the command fails or is interrupted.

use std::sync::Mutex;

use kube::{Resource, ResourceExt};

use crate::flags::{ClusterArgs, RemoteClusterArgs};
use crate::printer::{Printer, Scope};

/// One object this run created.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    scope: Scope,
    kind: String,
    namespace: Option<String>,
    name: String,
}

/// How to undo what a command creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The liqoctl command deleting the objects (tenant namespaces excepted).
    pub command: String,
    /// kubectl's flags selecting the local cluster.
    pub local_kubectl: String,
    /// kubectl's flags selecting the remote cluster.
    pub remote_kubectl: String,
}

impl Undo {
    /// `liqoctl <local flags> <words> <remote flags> <extra>` with the flags of this run.
    pub fn new(
        local: &ClusterArgs,
        remote: &RemoteClusterArgs,
        words: &[&str],
        extra: &[String],
    ) -> Self {
        let mut command = vec!["liqoctl".to_string()];
        command.extend(local_flags(local));
        command.extend(words.iter().map(|w| w.to_string()));
        command.extend(remote_flags(remote, "remote-"));
        command.extend(extra.iter().cloned());
        Self {
            command: command.join(" "),
            local_kubectl: local_flags(local).join(" "),
            remote_kubectl: remote_flags(remote, "").join(" "),
        }
    }
}

#[derive(Debug)]
struct Journal {
    entries: Vec<Entry>,
    undo: Vec<Undo>,
}

static JOURNAL: Mutex<Journal> = Mutex::new(Journal {
    entries: Vec::new(),
    undo: Vec::new(),
});

fn with<T>(f: impl FnOnce(&mut Journal) -> T) -> T {
    // A panic while holding the lock leaves a usable journal: recover it.
    let mut journal = JOURNAL.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut journal)
}

/// Starts journaling a command whose objects `undo` removes (a composed command adds one per
/// part).
pub fn begin(undo: Undo) {
    with(|j| {
        if !j.undo.contains(&undo) {
            j.undo.push(undo);
        }
    });
}

/// Records that this run created `object` in the cluster of `scope`.
pub fn created<K: Resource<DynamicType = ()>>(scope: Scope, object: &K) {
    created_named(
        scope,
        &K::kind(&()),
        object.namespace().as_deref(),
        &object.name_any(),
    );
}

/// Records that this run created the object `kind` `namespace/name`.
pub fn created_named(scope: Scope, kind: &str, namespace: Option<&str>, name: &str) {
    let entry = Entry {
        scope,
        kind: kind.into(),
        namespace: namespace.map(String::from),
        name: name.into(),
    };
    with(|j| {
        if !j.entries.contains(&entry) {
            j.entries.push(entry);
        }
    });
}

/// Whether the running command keeps a journal (called [`begin`]): of the others, liqoctl
/// cannot say what they wrote.
pub fn is_active() -> bool {
    with(|j| !j.undo.is_empty())
}

/// What this run left in place and how to undo it; `None` when it created nothing.
pub fn report() -> Option<String> {
    with(|j| render(&j.entries, &j.undo))
}

/// Prints [`report`] as a warning, if there is anything to report.
pub fn print_left(printer: &Printer) {
    if let Some(text) = report() {
        printer.warn(text);
    }
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Local => "(local)",
        Scope::Remote => "(remote)",
        Scope::Global => "(global)",
    }
}

fn render(entries: &[Entry], undo: &[Undo]) -> Option<String> {
    if entries.is_empty() {
        return None;
    }
    let mut text = String::from("This run created these objects and left them in place:");
    for e in entries {
        let path = match &e.namespace {
            Some(ns) => format!("{ns}/{}", e.name),
            None => e.name.clone(),
        };
        text.push_str(&format!("\n  {} {} {path}", scope_label(e.scope), e.kind));
    }
    text.push_str("\nRun the same command again to finish, or undo with:");
    let (namespaces, objects): (Vec<&Entry>, Vec<&Entry>) =
        entries.iter().partition(|e| e.kind == "Namespace");
    if !objects.is_empty() {
        for u in undo {
            text.push_str(&format!("\n  {}", u.command));
        }
    }
    // Neither unauthenticate nor network reset deletes tenant namespaces (upstream keeps them
    // too): the namespaces this run made go by hand.
    for ns in namespaces {
        let flags = undo.first().map_or("", |u| match ns.scope {
            Scope::Remote => u.remote_kubectl.as_str(),
            _ => u.local_kubectl.as_str(),
        });
        let flags = if flags.is_empty() {
            String::new()
        } else {
            format!(" {flags}")
        };
        text.push_str(&format!("\n  kubectl{flags} delete namespace {}", ns.name));
    }
    Some(text)
}

/// The local cluster's kubectl flags (`--kubeconfig=… --context=…`), as given.
pub fn local_flags(local: &ClusterArgs) -> Vec<String> {
    flags(
        "",
        local.kubeconfig.as_deref(),
        [
            ("context", &local.context),
            ("cluster", &local.cluster),
            ("user", &local.user),
        ],
    )
}

/// The remote cluster's flags: with `prefix` "remote-" for liqoctl, "" for kubectl.
pub fn remote_flags(remote: &RemoteClusterArgs, prefix: &str) -> Vec<String> {
    flags(
        prefix,
        remote.remote_kubeconfig.as_deref(),
        [
            ("context", &remote.remote_context),
            ("cluster", &remote.remote_cluster),
            ("user", &remote.remote_user),
        ],
    )
}

fn flags(
    prefix: &str,
    kubeconfig: Option<&std::path::Path>,
    others: [(&str, &Option<String>); 3],
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(path) = kubeconfig {
        out.push(flag(prefix, "kubeconfig", &path.display().to_string()));
    }
    for (name, value) in others {
        if let Some(value) = value {
            out.push(flag(prefix, name, value));
        }
    }
    out
}

/// `--<prefix><name>=<value>`, quoted for a POSIX shell when needed.
pub fn flag(prefix: &str, name: &str, value: &str) -> String {
    format!("--{prefix}{name}={}", quote(value))
}

fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:@%+-,".contains(c));
    if plain {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(scope: Scope, kind: &str, ns: Option<&str>, name: &str) -> Entry {
        Entry {
            scope,
            kind: kind.into(),
            namespace: ns.map(String::from),
            name: name.into(),
        }
    }

    fn undo() -> Undo {
        Undo {
            command: "liqoctl --kubeconfig=a unauthenticate --remote-kubeconfig=b".into(),
            local_kubectl: "--kubeconfig=a".into(),
            remote_kubectl: "--kubeconfig=b".into(),
        }
    }

    #[test]
    fn nothing_created_reports_nothing() {
        assert_eq!(render(&[], &[undo()]), None);
    }

    #[test]
    fn the_report_lists_each_object_and_the_commands_undoing_them() {
        let entries = [
            entry(Scope::Local, "Namespace", None, "liqo-tenant-p"),
            entry(Scope::Remote, "Namespace", None, "liqo-tenant-c"),
            entry(Scope::Remote, "Secret", Some("liqo-tenant-c"), "liqo-nonce"),
        ];
        assert_eq!(
            render(&entries, &[undo()]).unwrap(),
            "This run created these objects and left them in place:
  (local) Namespace liqo-tenant-p
  (remote) Namespace liqo-tenant-c
  (remote) Secret liqo-tenant-c/liqo-nonce
Run the same command again to finish, or undo with:
  liqoctl --kubeconfig=a unauthenticate --remote-kubeconfig=b
  kubectl --kubeconfig=a delete namespace liqo-tenant-p
  kubectl --kubeconfig=b delete namespace liqo-tenant-c"
        );
        // Namespaces alone need no liqoctl command.
        let only_ns = render(&entries[..1], &[undo()]).unwrap();
        assert!(!only_ns.contains("unauthenticate"), "{only_ns}");
    }

    #[test]
    fn flags_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(
            flag("remote-", "kubeconfig", "/tmp/a.yaml"),
            "--remote-kubeconfig=/tmp/a.yaml"
        );
        assert_eq!(flag("", "context", "my ctx"), "--context='my ctx'");
        assert_eq!(flag("", "user", "it's"), r"--user='it'\''s'");
        let remote = RemoteClusterArgs {
            remote_kubeconfig: Some("/p".into()),
            remote_context: Some("c".into()),
            ..Default::default()
        };
        assert_eq!(
            remote_flags(&remote, ""),
            ["--kubeconfig=/p", "--context=c"]
        );
        assert_eq!(
            remote_flags(&remote, "remote-"),
            ["--remote-kubeconfig=/p", "--remote-context=c"]
        );
    }
}
