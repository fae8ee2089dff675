//! The committed generated files (docs/reference/, docs/man/, completions/) are what the built
//! binary generates from its command tree today, and the bash script really completes.
//! No clusters: this is a fast test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// The directories `liqoctl docs` owns, relative to the repository root.
const GENERATED_DIRS: [&str; 3] = ["docs/reference", "docs/man", "completions"];
const REFRESH: &str =
    "make docs (or: cargo build --bin liqoctl && target/debug/liqoctl docs --out .)";
const TIMEOUT: Duration = Duration::from_secs(60);

fn liqoctl(args: &[&str]) -> Output {
    Command::cargo_bin("liqoctl")
        .expect("liqoctl is built")
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .output()
        .expect("liqoctl runs")
}

/// A fresh directory under Cargo's scratch space for integration tests, removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> Self {
        let path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("scratch dir is created");
        Self(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// File name → content of the files directly in `dir` (none if it does not exist); dotfiles
/// (`.gitkeep`) are not generated and not compared.
fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.expect("directory entry"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let content = std::fs::read(e.path()).expect("file reads");
            (e.file_name().to_string_lossy().into_owned(), content)
        })
        .collect()
}

/// What differs between the freshly generated `dir` and the committed one, one line per file.
fn differences(dir: &str, generated: &Path, committed: &Path) -> Vec<String> {
    let fresh = files_in(&generated.join(dir));
    let old = files_in(&committed.join(dir));
    let names: BTreeSet<&String> = fresh.keys().chain(old.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| match (fresh.get(name), old.get(name)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(_), Some(_)) => Some(format!("{dir}/{name} is stale")),
            (Some(_), None) => Some(format!("{dir}/{name} is missing from the checkout")),
            (None, Some(_)) => Some(format!(
                "{dir}/{name} is no longer generated (its command was removed or renamed)"
            )),
            (None, None) => unreachable!("the name came from one of the maps"),
        })
        .collect()
}

#[test]
fn committed_reference_man_pages_and_completions_are_up_to_date() {
    let scratch = ScratchDir::new("generated");
    let out_dir = scratch.0.to_str().expect("scratch path is UTF-8");
    let out = liqoctl(&["docs", "--out", out_dir]);
    assert!(
        out.status.success(),
        "liqoctl docs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let problems: Vec<String> = GENERATED_DIRS
        .iter()
        .flat_map(|dir| differences(dir, &scratch.0, repo))
        .collect();
    assert!(
        problems.is_empty(),
        "the committed generated files differ from the command tree:\n  {}\nrefresh them with `{REFRESH}` and commit the result",
        problems.join("\n  ")
    );
    // Sanity: the comparison saw real pages, not two empty directories.
    assert!(repo.join("docs/reference/liqoctl-peer.md").is_file());
    assert!(repo.join("docs/man/liqoctl-peer.1").is_file());
}

#[test]
fn completion_prints_the_committed_script_for_each_shell() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "liqoctl.bash"),
        ("zsh", "_liqoctl"),
        ("fish", "liqoctl.fish"),
        ("powershell", "_liqoctl.ps1"),
    ] {
        let out = liqoctl(&["completion", shell]);
        assert!(out.status.success(), "completion {shell} failed");
        assert!(out.stderr.is_empty(), "completion {shell} wrote on stderr");
        let committed = std::fs::read(repo.join("completions").join(file)).expect(file);
        assert!(
            out.stdout == committed,
            "completions/{file} is stale: refresh with `{REFRESH}`"
        );
    }
}

#[test]
fn completion_refuses_an_unknown_shell_naming_the_choices() {
    let out = liqoctl(&["completion", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
    assert!(
        stderr.contains("[possible values: bash, zsh, fish, powershell]"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// Loads the bash script into a real bash and asks it to complete `words` (the last one is
/// being typed): the candidates bash would offer.
fn bash_complete(script: &Path, words: &[&str]) -> BTreeSet<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}' && COMP_WORDS=({}) && COMP_CWORD={} && COMP_LINE='{}' && COMP_POINT=${{#COMP_LINE}} \
         && _liqoctl liqoctl '{}' '{}' && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash could not complete {words:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_commands_and_enum_values_but_not_hidden_commands() {
    let scratch = ScratchDir::new("bash-completion");
    let script = scratch.0.join("liqoctl.bash");
    std::fs::write(&script, liqoctl(&["completion", "bash"]).stdout).expect("script is saved");

    let commands = bash_complete(&script, &["liqoctl", "pe"]);
    assert_eq!(commands, BTreeSet::from(["peer".to_owned()]));
    let all = bash_complete(&script, &["liqoctl", ""]);
    assert!(
        all.contains("unpeer") && all.contains("completion"),
        "{all:?}"
    );
    assert!(
        !all.contains("docs"),
        "the hidden docs command is offered: {all:?}"
    );

    let shells = bash_complete(&script, &["liqoctl", "completion", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.contains(shell), "{shell} is not offered: {shells:?}");
    }
    let zsh = bash_complete(&script, &["liqoctl", "completion", "z"]);
    assert_eq!(zsh, BTreeSet::from(["zsh".to_owned()]));
    let service_types = bash_complete(
        &script,
        &[
            "liqoctl",
            "network",
            "connect",
            "--gw-server-service-type",
            "",
        ],
    );
    let expected = ["ClusterIP", "LoadBalancer", "NodePort"].map(str::to_owned);
    assert_eq!(service_types, BTreeSet::from(expected));
    let outputs = bash_complete(&script, &["liqoctl", "generate", "tenant", "-o", ""]);
    assert_eq!(outputs, BTreeSet::from(["json", "yaml"].map(str::to_owned)));
}

#[test]
fn docs_refuses_an_out_directory_it_cannot_create_and_writes_nothing() {
    let scratch = ScratchDir::new("docs-bad-out");
    let file = scratch.0.join("not-a-dir");
    std::fs::write(&file, "x").expect("file is written");
    let out = liqoctl(&["docs", "--out", file.to_str().expect("UTF-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("failed to create --out directory"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&file).expect("file reads"), b"x");
}
