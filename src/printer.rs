//! The one place liqoctl prints: progress, warnings and errors on stderr (spinners and colours
//! on a terminal, plain `INFO: (local) …` lines otherwise), data on stdout.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use console::Style;
use indicatif::{ProgressBar, ProgressStyle};

/// Spinner frames, as upstream liqoctl draws them.
const SPINNER_FRAMES: &[&str] = &[
    "⠈⠁", "⠈⠑", "⠈⠱", "⠈⡱", "⢀⡱", "⢄⡱", "⢄⡱", "⢆⡱", "⢎⡱", "⢎⡰", "⢎⡠", "⢎⡀", "⢎⠁", "⠎⠁", "⠊⠁",
];
const SPINNER_TICK: Duration = Duration::from_millis(100);

/// A running spinner: its id, its text with the scope, and the hold it started under.
type Running = (u64, String, Option<Arc<Mutex<Hold>>>);

/// The running spinners, oldest first: what an interruption names. Two flows may run at
/// once (`peer` builds the tunnel while it authenticates), so this is a list, not a slot.
static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());
static NEXT_SPINNER: AtomicU64 = AtomicU64::new(0);

/// The newest running step whose line is visible (`(local) Creating nonce`): a held step's
/// lines are not printed yet, and are dropped if the command stops.
pub fn current_step() -> Option<String> {
    let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    running
        .iter()
        .rev()
        .find(|(_, _, hold)| hold.as_ref().is_none_or(|h| released(h)))
        .map(|(_, text, _)| text.clone())
}

fn released(hold: &Mutex<Hold>) -> bool {
    hold.lock().unwrap_or_else(|e| e.into_inner()).released
}

fn start_step(text: String, hold: Option<Arc<Mutex<Hold>>>) -> u64 {
    let id = NEXT_SPINNER.fetch_add(1, Ordering::Relaxed);
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((id, text, hold));
    id
}

fn end_step(id: u64) {
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(running, _, _)| *running != id);
}

/// Which cluster a line is about, on two-cluster commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The cluster of `--kubeconfig` (the consumer).
    Local,
    /// The cluster of `--remote-kubeconfig` (the provider).
    Remote,
    /// Both.
    Global,
}

impl Scope {
    fn label(self) -> &'static str {
        match self {
            Scope::Local => "local",
            Scope::Remote => "remote",
            Scope::Global => "global",
        }
    }

    fn style(self) -> Style {
        match self {
            Scope::Local => Style::new().cyan().bright(),
            Scope::Remote => Style::new().magenta().bright(),
            Scope::Global => Style::new(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Level {
    Info,
    Success,
    Warn,
    Error,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Info | Level::Success => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERRO",
        }
    }

    fn style(self) -> Style {
        match self {
            Level::Info => Style::new().black().bright(),
            Level::Success => Style::new().green(),
            Level::Warn => Style::new().yellow(),
            Level::Error => Style::new().red(),
        }
    }
}

/// Prints progress for one command.
#[derive(Debug, Clone)]
pub struct Printer {
    tty: bool,
    color: bool,
    quiet: bool,
    verbose: bool,
    scope: Option<Scope>,
    /// Lines held back until a [`Gate`] opens (see [`Printer::held`]).
    hold: Option<Arc<Mutex<Hold>>>,
}

#[derive(Debug, Default)]
struct Hold {
    lines: Vec<String>,
    released: bool,
}

/// Opens a held printer: what it queued is printed, and later lines go straight out.
#[derive(Debug)]
pub struct Gate(Arc<Mutex<Hold>>);

impl Gate {
    /// Prints the queued lines in order; from now on the printer prints at once.
    pub fn release(self) {
        let mut hold = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        for line in hold.lines.drain(..) {
            let _ = writeln!(err, "{line}");
        }
        hold.released = true;
    }
}

impl Printer {
    /// Decides TTY mode on stdout (as upstream does) and colours on `NO_COLOR`.
    pub fn new(quiet: bool, verbose: bool) -> Self {
        let tty = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Self {
            tty,
            color,
            quiet,
            verbose,
            scope: None,
            hold: None,
        }
    }

    /// The cluster this printer's lines are about (`Global` when unscoped).
    pub fn scope(&self) -> Scope {
        self.scope.unwrap_or(Scope::Global)
    }

    /// Whether output is styled: on a terminal, unless `NO_COLOR` is set.
    pub fn color(&self) -> bool {
        self.color
    }

    /// A printer whose lines (its scoped copies' too) wait until the gate is released, so
    /// that a flow running concurrently with another prints in the order of a sequential run.
    /// Its spinners do not animate while held.
    pub fn held(&self) -> (Self, Gate) {
        let hold = Arc::new(Mutex::new(Hold::default()));
        let printer = Self {
            hold: Some(hold.clone()),
            ..self.clone()
        };
        (printer, Gate(hold))
    }

    /// Whether lines are being held back now.
    pub fn holding(&self) -> bool {
        self.hold
            .as_ref()
            .is_some_and(|h| !h.lock().unwrap_or_else(|e| e.into_inner()).released)
    }

    /// The same printer, prefixing lines with `scope` on a terminal.
    pub fn scoped(&self, scope: Scope) -> Self {
        Self {
            scope: Some(scope),
            ..self.clone()
        }
    }

    /// A neutral note.
    pub fn info(&self, msg: impl std::fmt::Display) {
        self.line(Level::Info, &msg.to_string());
    }

    /// A note shown only with `--verbose`.
    pub fn verbose(&self, msg: impl std::fmt::Display) {
        if self.verbose {
            self.line(Level::Info, &msg.to_string());
        }
    }

    /// A completed step.
    pub fn success(&self, msg: impl std::fmt::Display) {
        self.line(Level::Success, &msg.to_string());
    }

    /// A non-fatal problem.
    pub fn warn(&self, msg: impl std::fmt::Display) {
        self.line(Level::Warn, &msg.to_string());
    }

    /// A failure.
    pub fn error(&self, msg: impl std::fmt::Display) {
        // Errors are shown even with --quiet.
        let this = Self {
            quiet: false,
            ..self.clone()
        };
        this.line(Level::Error, &msg.to_string());
    }

    /// Data for stdout (objects, kubeconfigs, versions).
    pub fn data(&self, text: impl std::fmt::Display) {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }

    /// Starts a spinner for a step that takes time.
    pub fn spinner(&self, text: impl Into<String>) -> Spinner {
        let text = text.into();
        let id = start_step(self.with_scope(&text), self.hold.clone());
        if self.quiet {
            return Spinner {
                printer: self.clone(),
                text,
                bar: None,
                id,
            };
        }
        if !self.tty || self.holding() {
            self.raw(&self.format_line(Level::Info, &text));
            return Spinner {
                printer: self.clone(),
                text,
                bar: None,
                id,
            };
        }
        let bar = ProgressBar::new_spinner();
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .expect("invariant: the spinner template is valid")
            .tick_strings(SPINNER_FRAMES);
        bar.set_style(style);
        bar.set_message(self.decorate_scope(&text));
        bar.enable_steady_tick(SPINNER_TICK);
        Spinner {
            printer: self.clone(),
            text,
            bar: Some(bar),
            id,
        }
    }

    /// `(scope) msg` without colours, or `msg` when unscoped.
    fn with_scope(&self, msg: &str) -> String {
        match self.scope {
            Some(scope) => format!("({}) {msg}", scope.label()),
            None => msg.to_string(),
        }
    }

    fn decorate_scope(&self, msg: &str) -> String {
        match self.scope {
            Some(scope) => {
                let label = format!("({})", scope.label());
                let label = if self.color {
                    scope.style().apply_to(label).to_string()
                } else {
                    label
                };
                format!("{label} {msg}")
            }
            _ => msg.to_string(),
        }
    }

    fn line(&self, level: Level, msg: &str) {
        if self.quiet {
            return;
        }
        self.raw(&self.format_line(level, msg));
    }

    /// One output line: `WORD: (scope) msg` off a terminal, decorated on one. Upstream drops
    /// the scope off a terminal, so the two sides of a two-cluster command print identical
    /// lines; we keep it (the `WORD: ` prefix stays, for scripts that match on it).
    fn format_line(&self, level: Level, msg: &str) -> String {
        if !self.tty {
            return format!("{}: {}", level.word(), self.with_scope(msg));
        }
        let word = if self.color {
            level.style().apply_to(level.word()).to_string()
        } else {
            level.word().into()
        };
        let body = self.decorate_scope(msg);
        // Continuation lines align with the message column.
        let indent = " ".repeat(level.word().len() + 2);
        format!(" {word} {}", body.replace('\n', &format!("\n{indent}")))
    }

    fn raw(&self, text: &str) {
        if let Some(hold) = &self.hold {
            let mut hold = hold.lock().unwrap_or_else(|e| e.into_inner());
            if !hold.released {
                hold.lines.push(text.to_string());
                return;
            }
        }
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }
}

/// A running step; ends in success, a warning or a failure line.
#[derive(Debug)]
pub struct Spinner {
    printer: Printer,
    text: String,
    bar: Option<ProgressBar>,
    id: u64,
}

impl Spinner {
    fn finish(self, level: Level, msg: Option<String>) {
        end_step(self.id);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let msg = msg.unwrap_or_else(|| self.text.clone());
        match level {
            Level::Error => self.printer.error(msg),
            _ => self.printer.line(level, &msg),
        }
    }

    /// The step succeeded.
    pub fn success(self, msg: impl std::fmt::Display) {
        self.finish(Level::Success, Some(msg.to_string()));
    }

    /// The step ended with a warning.
    pub fn warn(self, msg: impl std::fmt::Display) {
        self.finish(Level::Warn, Some(msg.to_string()));
    }

    /// The step failed.
    pub fn fail(self, msg: impl std::fmt::Display) {
        self.finish(Level::Error, Some(msg.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printer(tty: bool) -> Printer {
        Printer {
            tty,
            color: false,
            quiet: false,
            verbose: false,
            scope: None,
            hold: None,
        }
    }

    /// One test for the process-wide list of running steps, so no other test races it.
    #[test]
    fn the_newest_visible_spinner_is_the_current_step() {
        let p = Printer {
            quiet: true,
            ..printer(false)
        };
        let remote = p.scoped(Scope::Remote).spinner("Creating nonce");
        assert_eq!(current_step().as_deref(), Some("(remote) Creating nonce"));
        remote.success("Nonce created");
        assert_eq!(current_step(), None);
        let older = p.spinner("older");
        let newer = p.spinner("newer");
        older.success("done");
        assert_eq!(current_step().as_deref(), Some("newer"));
        let (held, gate) = p.held();
        let hidden = held.spinner("held");
        assert_eq!(current_step().as_deref(), Some("newer"));
        gate.release();
        assert_eq!(current_step().as_deref(), Some("held"));
        hidden.success("x");
        newer.success("y");
        assert_eq!(current_step(), None);
    }

    #[test]
    fn a_held_printer_queues_until_released_then_prints_at_once() {
        let (held, gate) = printer(false).held();
        let scoped = held.scoped(Scope::Local);
        scoped.success("one");
        held.spinner("two").success("three");
        {
            let hold = held.hold.as_ref().unwrap().lock().unwrap();
            assert_eq!(
                hold.lines,
                ["INFO: (local) one", "INFO: two", "INFO: three"]
            );
        }
        assert!(held.holding());
        gate.release();
        assert!(!scoped.holding());
        assert!(held.hold.as_ref().unwrap().lock().unwrap().lines.is_empty());
    }

    #[test]
    fn plain_lines_have_the_upstream_words_and_keep_the_scope() {
        let p = printer(false).scoped(Scope::Local);
        assert_eq!(
            p.format_line(Level::Success, "Tenant correctly generated"),
            "INFO: (local) Tenant correctly generated"
        );
        let r = printer(false).scoped(Scope::Remote);
        assert_eq!(
            r.format_line(Level::Warn, "careful"),
            "WARN: (remote) careful"
        );
        assert_eq!(
            printer(false).format_line(Level::Error, "boom"),
            "ERRO: boom"
        );
    }

    #[test]
    fn terminal_lines_carry_the_scope_and_align_continuations() {
        let p = printer(true).scoped(Scope::Remote);
        assert_eq!(
            p.format_line(Level::Info, "Nonce retrieved"),
            " INFO (remote) Nonce retrieved"
        );
        let g = printer(true).scoped(Scope::Global);
        assert_eq!(
            g.format_line(Level::Error, "a\nb"),
            " ERRO (global) a\n      b"
        );
        assert_eq!(printer(true).format_line(Level::Warn, "x"), " WARN x");
    }
}
