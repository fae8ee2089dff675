//! `liqoctl docs` (hidden): the reference pages, man pages and completion scripts generated
//! from the clap tree, so the committed copies can be refreshed with one command.
//!
//! The output is deterministic (no dates, no absolute paths, pages sorted by command) so
//! tests/generated.rs can compare it with what is committed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Arg, Command, CommandFactory as _};

use super::completion::{self, BIN_NAME, Shell};
use crate::cli::Cli;
use crate::ctx::Ctx;
use crate::exit::ExitStatus;

/// The Markdown reference pages, one per command and an index.
const REFERENCE_DIR: &str = "docs/reference";
/// The man pages, one per command.
const MAN_DIR: &str = "docs/man";
/// The completion scripts, one per shell.
const COMPLETIONS_DIR: &str = "completions";
const MAN_SECTION: &str = "1";
const GENERATED_NOTE: &str = "<!-- Generated from the command tree by `liqoctl docs --out .` (`make docs`): do not edit. -->";

/// Write the reference pages, man pages and completion scripts generated from this command tree.
///
/// Under `--out` it replaces the generated files of docs/reference/, docs/man/ and completions/
/// (run it from the repository root as `liqoctl docs --out .`).
// `--help` shows the doc comment of `Command::Docs`.
#[derive(Debug, clap::Args)]
pub struct DocsArgs {
    /// The directory to write docs/reference/, docs/man/ and completions/ into.
    #[arg(long, default_value = ".")]
    out: PathBuf,
}

impl DocsArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self { out } = self;
        let files = render_all()?;
        let written = write_all(&out, &files)?;
        ctx.printer.success(format_args!(
            "{} generated files under {} ({written} changed)",
            files.len(),
            out.display()
        ));
        Ok(ExitStatus::Success)
    }
}

/// One visible command of the tree: its words (`["liqoctl", "get", "tenant"]`), definition,
/// and the ids of the global flags it inherits from its parent (documented there).
struct Page {
    words: Vec<String>,
    cmd: Command,
    inherited: BTreeSet<String>,
}

impl Page {
    /// The file stem shared by the reference page and the man page (`liqoctl-get-tenant`).
    fn stem(&self) -> String {
        self.words.join("-")
    }

    fn title(&self) -> String {
        self.words.join(" ")
    }
}

/// Every generated file, by path relative to `--out`.
fn render_all() -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut root = Cli::command()
        .bin_name(BIN_NAME)
        .disable_help_subcommand(true);
    root.build();
    let mut pages = Vec::new();
    collect(
        &root,
        vec![BIN_NAME.to_owned()],
        BTreeSet::new(),
        &mut pages,
    );
    pages.sort_by(|a, b| a.words.cmp(&b.words));

    let mut files = BTreeMap::new();
    for page in &pages {
        let md = render_markdown(page);
        files.insert(
            format!("{REFERENCE_DIR}/{}.md", page.stem()),
            md.into_bytes(),
        );
        let man = render_man(page).with_context(|| format!("failed to render {}", page.title()))?;
        files.insert(format!("{MAN_DIR}/{}.{MAN_SECTION}", page.stem()), man);
    }
    files.insert(
        format!("{REFERENCE_DIR}/README.md"),
        render_index(&pages).into_bytes(),
    );
    for shell in Shell::ALL {
        let script = completion::render(shell)?;
        files.insert(
            format!("{COMPLETIONS_DIR}/{}", shell.file_name()),
            script.into_bytes(),
        );
    }
    Ok(files)
}

/// `cmd` and its visible subcommands, depth first; hidden commands (like this one) are left out.
fn collect(cmd: &Command, words: Vec<String>, inherited: BTreeSet<String>, pages: &mut Vec<Page>) {
    let globals: BTreeSet<String> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub_words = words.clone();
        sub_words.push(sub.get_name().to_owned());
        collect(sub, sub_words, globals.clone(), pages);
    }
    pages.push(Page {
        words,
        cmd: cmd.clone(),
        inherited,
    });
}

/// Writes `files` under `out`, removing generated files that no longer are; returns how many
/// files changed. Files whose content is unchanged are not rewritten.
fn write_all(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<usize> {
    let mut changed = 0;
    for dir in [REFERENCE_DIR, MAN_DIR, COMPLETIONS_DIR] {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("failed to create --out directory {}", dir.display()))?;
        for stale in generated_files_in(&dir)? {
            let relative = stale
                .strip_prefix(out)
                .expect("invariant: listed under --out");
            if !files.contains_key(&relative.to_string_lossy().replace('\\', "/")) {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("failed to remove stale {}", stale.display()))?;
                changed += 1;
            }
        }
    }
    for (relative, content) in files {
        let path = out.join(relative);
        if std::fs::read(&path).is_ok_and(|old| old == *content) {
            continue;
        }
        std::fs::write(&path, content)
            .with_context(|| format!("failed to write {}", path.display()))?;
        changed += 1;
    }
    Ok(changed)
}

/// The files of `dir` this command owns: only those, so a stray file of the user's survives.
fn generated_files_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let scripts: Vec<String> = Shell::ALL.iter().map(|s| s.file_name()).collect();
    let owned = |name: &str| {
        (name.starts_with(BIN_NAME) && (name.ends_with(".md") || name.ends_with(".1")))
            || name == "README.md"
            || scripts.iter().any(|s| s == name)
    };
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("failed to list {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("failed to list {}", dir.display()))?;
        if entry.file_type().is_ok_and(|t| t.is_file())
            && entry.file_name().to_str().is_some_and(owned)
        {
            found.push(entry.path());
        }
    }
    Ok(found)
}

fn render_man(page: &Page) -> anyhow::Result<Vec<u8>> {
    let version = page.cmd.get_version().unwrap_or_default();
    let man = clap_mangen::Man::new(page.cmd.clone())
        .title(page.stem())
        .section(MAN_SECTION)
        .source(format!("{BIN_NAME} {version}"))
        .manual("liqoctl manual");
    let mut out = Vec::new();
    man.render(&mut out)
        .context("failed to render the man page")?;
    Ok(out)
}

/// The index: every command as a nested list, with its one-line description.
fn render_index(pages: &[Page]) -> String {
    let mut md = format!("{GENERATED_NOTE}\n\n# {BIN_NAME} command reference\n\n");
    md.push_str(
        "One page per command, generated from the command tree; the same content is in the man \
         pages of [docs/man](../man) (`man -l docs/man/liqoctl-peer.1`).\n\n",
    );
    for page in pages {
        let depth = page.words.len() - 1;
        let _ = writeln!(
            md,
            "{}- [`{}`]({}.md): {}",
            "  ".repeat(depth),
            page.title(),
            page.stem(),
            text(&about(&page.cmd))
        );
    }
    md
}

fn render_markdown(page: &Page) -> String {
    let cmd = &page.cmd;
    let mut md = format!("{GENERATED_NOTE}\n\n# {}\n\n", page.title());
    let long_about = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|s| s.to_string())
        .unwrap_or_default();
    if !long_about.is_empty() {
        let _ = write!(md, "{}\n\n", long_about.trim_end());
    }
    let aliases: Vec<String> = cmd
        .get_visible_aliases()
        .map(|a| format!("`{a}`"))
        .collect();
    if !aliases.is_empty() {
        let _ = write!(md, "Aliases: {}.\n\n", aliases.join(", "));
    }
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let _ = write!(md, "## Usage\n\n```text\n{}\n```\n\n", usage.trim_end());
    render_subcommands(&mut md, page);
    render_arguments(&mut md, cmd);
    render_options(&mut md, page);
    if page.words.len() > 1 {
        let parent = &page.words[..page.words.len() - 1];
        let _ = writeln!(
            md,
            "## See also\n\n- [`{}`]({}.md)",
            parent.join(" "),
            parent.join("-")
        );
    }
    md
}

fn render_subcommands(md: &mut String, page: &Page) {
    let subs: Vec<&Command> = page
        .cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .collect();
    if subs.is_empty() {
        return;
    }
    md.push_str("## Commands\n\n| Command | Description |\n| --- | --- |\n");
    let mut rows: Vec<(String, String)> = subs
        .iter()
        .map(|sub| {
            let name = sub.get_name();
            let link = format!("[`{} {name}`]({}-{name}.md)", page.title(), page.stem());
            (link, text(&about(sub)))
        })
        .collect();
    rows.sort();
    for (link, about) in rows {
        let _ = writeln!(md, "| {link} | {about} |");
    }
    md.push('\n');
}

fn render_arguments(md: &mut String, cmd: &Command) {
    let args: Vec<&Arg> = cmd.get_positionals().filter(|a| !a.is_hide_set()).collect();
    if args.is_empty() {
        return;
    }
    md.push_str("## Arguments\n\n| Argument | Default | Description |\n| --- | --- | --- |\n");
    for arg in args {
        let names = value_names(arg);
        let shown = if arg.is_required_set() {
            format!("<{names}>")
        } else {
            format!("[{names}]")
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            code(&shown),
            default(arg),
            description(arg)
        );
    }
    md.push('\n');
}

/// The command's own options, then a link to the parent's page for the global ones it inherits.
fn render_options(md: &mut String, page: &Page) {
    let args: Vec<&Arg> = page
        .cmd
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
        .filter(|a| !page.inherited.contains(a.get_id().as_str()))
        .collect();
    md.push_str("## Options\n\n| Option | Default | Description |\n| --- | --- | --- |\n");
    for arg in args {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            flag(arg),
            default(arg),
            description(arg)
        );
    }
    md.push('\n');
    if page.words.len() > 1 {
        let parent = &page.words[..page.words.len() - 1];
        let ancestors = if parent.len() > 1 {
            " (and of its parents)"
        } else {
            ""
        };
        let _ = write!(
            md,
            "The global options of [`{}`]({}.md#options){ancestors} apply too.\n\n",
            parent.join(" "),
            parent.join("-")
        );
    }
}

/// `` `-n`, `--namespace <NAMESPACE>` ``.
fn flag(arg: &Arg) -> String {
    let mut names: Vec<String> = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    if arg.get_action().takes_values()
        && let Some(last) = names.last_mut()
    {
        let _ = write!(last, " <{}>", value_names(arg));
    }
    names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
}

fn value_names(arg: &Arg) -> String {
    let names = match arg.get_value_names() {
        Some(names) => names.iter().map(ToString::to_string).collect::<Vec<_>>(),
        None => vec![arg.get_id().as_str().to_uppercase()],
    };
    let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
    let joined = names.join("> <");
    if many { format!("{joined}...") } else { joined }
}

/// The default as `--help` shows it: only for flags that take a value.
fn default(arg: &Arg) -> String {
    if !arg.get_action().takes_values() || arg.is_hide_default_value_set() {
        return String::new();
    }
    let values: Vec<String> = arg
        .get_default_values()
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| code(&v.to_string_lossy()))
        .collect();
    values.join(", ")
}

/// Help text, then the accepted values, the environment variable and whether it is required.
fn description(arg: &Arg) -> String {
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let mut parts = vec![text(help.trim_end())];
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(help) => format!("{} ({})", code(v.get_name()), text(&help.to_string())),
            None => code(v.get_name()),
        })
        .collect();
    if arg.get_action().takes_values() && !values.is_empty() {
        parts.push(format!("Values: {}.", values.join(", ")));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        parts.push(format!("Environment: {}.", code(&env.to_string_lossy())));
    }
    if arg.is_required_set() && !arg.is_positional() {
        parts.push("Required.".to_owned());
    }
    parts.retain(|p| !p.is_empty());
    // clap drops a doc comment's final period; put it back before the notes that follow.
    if parts.len() > 1 && !parts[0].ends_with(['.', '!', '?']) {
        parts[0].push('.');
    }
    parts.join(" ")
}

fn about(cmd: &Command) -> String {
    cmd.get_about().map(|s| s.to_string()).unwrap_or_default()
}

/// Prose for a table cell: one line, no raw HTML, no column breaks.
fn text(s: &str) -> String {
    s.trim()
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("\n\n", "<br><br>")
        .replace('\n', " ")
}

/// A code span for a table cell.
fn code(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        render_all().expect("docs render")
    }

    #[test]
    fn every_visible_command_has_a_reference_page_and_a_man_page() {
        let files = files();
        for name in [
            "liqoctl",
            "liqoctl-peer",
            "liqoctl-get-kubeconfig",
            "liqoctl-version",
        ] {
            assert!(
                files.contains_key(&format!("docs/reference/{name}.md")),
                "{name}"
            );
            assert!(files.contains_key(&format!("docs/man/{name}.1")), "{name}");
        }
        assert!(files.contains_key("docs/reference/README.md"));
        assert!(files.contains_key("completions/_liqoctl"));
        // Hidden commands and clap's `help` have no page.
        assert!(
            !files
                .keys()
                .any(|k| k.contains("-docs") || k.contains("-help"))
        );
    }

    #[test]
    fn pages_show_usage_defaults_and_values() {
        let files = files();
        let page = String::from_utf8(files["docs/reference/liqoctl-version.md"].clone()).unwrap();
        assert!(page.contains("liqoctl version [OPTIONS]"), "{page}");
        assert!(
            page.contains("| `-n`, `--namespace <NAMESPACE>` | `liqo` |"),
            "{page}"
        );
        let page =
            String::from_utf8(files["docs/reference/liqoctl-completion.md"].clone()).unwrap();
        assert!(
            page.contains("`bash`, `zsh`, `fish`, `powershell`"),
            "{page}"
        );
    }

    #[test]
    fn output_is_deterministic_and_has_no_local_paths() {
        let first = files();
        assert_eq!(first, files());
        let cwd = std::env::current_dir().unwrap().display().to_string();
        for (name, content) in &first {
            assert!(
                !String::from_utf8_lossy(content).contains(&cwd),
                "{name} names {cwd}"
            );
        }
    }

    #[test]
    fn writing_twice_changes_nothing_and_removes_stale_pages() {
        let dir = std::env::temp_dir().join(format!("liqoctl-docs-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = files();
        assert_eq!(write_all(&dir, &files).unwrap(), files.len());
        let stale = dir.join("docs/reference/liqoctl-gone.md");
        let mine = dir.join("docs/reference/notes.txt");
        std::fs::write(&stale, "old").unwrap();
        std::fs::write(&mine, "kept").unwrap();
        assert_eq!(write_all(&dir, &files).unwrap(), 1);
        assert!(!stale.exists());
        assert!(mine.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
