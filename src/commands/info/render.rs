//! The human output of `liqoctl info`: a tree of sections and entries drawn as one box per
//! checker, with its title in the upper border (cli.md §6.3). Pure: the caller prints.

use console::{Style, measure_text_width};

/// Narrowest box, as upstream draws them.
const MIN_WIDTH: usize = 80;
/// Indentation of the root entries, and the extra indentation of each nested level.
const ROOT_INDENT: usize = 2;
const LEVEL_INDENT: usize = 4;

/// How a value is coloured (on a colour terminal only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Healthy, accepted.
    Good,
    /// Unhealthy, not accepted.
    Bad,
    /// Disabled.
    Off,
    /// Alerts and version skews.
    Warn,
}

impl Tone {
    fn style(self) -> Style {
        match self {
            Tone::Plain => Style::new(),
            Tone::Good => Style::new().green().bold(),
            Tone::Bad => Style::new().red().bold(),
            Tone::Off => Style::new().cyan().bright().bold(),
            Tone::Warn => Style::new().yellow(),
        }
    }
}

/// A piece of text and its colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub tone: Tone,
}

impl Text {
    pub fn plain(text: impl Into<String>) -> Self {
        Self::toned(text, Tone::Plain)
    }

    pub fn toned(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            text: text.into(),
            tone,
        }
    }

    fn show(&self, color: bool) -> String {
        if color && self.tone != Tone::Plain {
            self.tone
                .style()
                .force_styling(true)
                .apply_to(&self.text)
                .to_string()
        } else {
            self.text.clone()
        }
    }
}

/// One line of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `Key: value`, or a key line followed by one bullet per value.
    Entry { key: String, values: Vec<Text> },
    /// A line of its own (`✔    Liqo is healthy`).
    Line(Text),
    /// A nested section: its title line, then its items one level deeper.
    Section(Section),
}

/// A titled (or, at the root, untitled) list of items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub title: Option<String>,
    pub items: Vec<Item>,
}

impl Section {
    pub fn titled(title: impl Into<String>) -> Self {
        Self {
            title: Some(title.into()),
            items: Vec::new(),
        }
    }

    /// `key: value` with a plain value.
    pub fn entry(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.entry_text(key, Text::plain(value))
    }

    pub fn entry_text(&mut self, key: impl Into<String>, value: Text) -> &mut Self {
        self.entries(key, vec![value])
    }

    /// A key with any number of values: inline when one, bullets otherwise.
    pub fn entries(&mut self, key: impl Into<String>, values: Vec<Text>) -> &mut Self {
        self.items.push(Item::Entry {
            key: key.into(),
            values,
        });
        self
    }

    pub fn line(&mut self, text: Text) -> &mut Self {
        self.items.push(Item::Line(text));
        self
    }

    pub fn section(&mut self, section: Section) -> &mut Self {
        self.items.push(Item::Section(section));
        self
    }
}

/// The content lines of `section` at `level` (root = 0), coloured when `color`.
fn lines(section: &Section, level: usize, color: bool, out: &mut Vec<String>) {
    let indent = |level: usize| " ".repeat(ROOT_INDENT + LEVEL_INDENT * level);
    let level = match &section.title {
        Some(title) => {
            out.push(format!("{}{title}", indent(level)));
            level + 1
        }
        None => level,
    };
    // Values of one section line up after the longest key.
    let key_width = section
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Entry { key, values } if values.len() == 1 => Some(measure_text_width(key)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for item in &section.items {
        match item {
            Item::Entry { key, values } if values.len() == 1 => {
                let pad = " ".repeat(key_width - measure_text_width(key));
                out.push(format!(
                    "{}{key}:{pad} {}",
                    indent(level),
                    values[0].show(color)
                ));
            }
            Item::Entry { key, values } => {
                out.push(format!("{}{key}:", indent(level)));
                for value in values {
                    out.push(format!("{}• {}", indent(level + 1), value.show(color)));
                }
            }
            Item::Line(text) => out.push(format!("{}{}", indent(level), text.show(color))),
            Item::Section(inner) => lines(inner, level, color, out),
        }
    }
}

/// `section` in a box titled `title`, at least [`MIN_WIDTH`] columns wide, ending in a newline.
pub fn render_box(title: &str, section: &Section, color: bool) -> String {
    let mut content = Vec::new();
    lines(section, 0, color, &mut content);
    let title_width = measure_text_width(title);
    // Inside width: the widest line plus a margin, the title with its rule, or the minimum.
    let inner = content
        .iter()
        .map(|l| measure_text_width(l) + ROOT_INDENT)
        .chain([title_width + 4, MIN_WIDTH - 2])
        .max()
        .unwrap_or(MIN_WIDTH - 2);
    let mut out = format!("┌─ {title} {}┐\n", "─".repeat(inner - title_width - 3));
    for line in &content {
        let pad = " ".repeat(inner - measure_text_width(line));
        out.push_str(&format!("│{line}{pad}│\n"));
    }
    out.push_str(&format!("└{}┘\n", "─".repeat(inner)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Section {
        let mut root = Section::default();
        root.entry("Cluster ID", "cool-firefly")
            .entry("Version", "v1.0.0")
            .entry("K8s API server", "https://172.18.0.2:6443");
        let mut labels = Section::titled("Cluster labels");
        labels.entry("region", "eu").entry("tier", "gold");
        root.section(labels);
        root
    }

    #[test]
    fn a_box_has_the_title_in_its_border_and_aligned_values() {
        let text = render_box("Local installation info", &sample(), false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("┌─ Local installation info ─"),
            "{text}"
        );
        assert!(lines[0].ends_with('┐'));
        assert_eq!(
            lines[1].trim_end_matches(['│', ' ']),
            "│  Cluster ID:     cool-firefly"
        );
        assert_eq!(
            lines[2].trim_end_matches(['│', ' ']),
            "│  Version:        v1.0.0"
        );
        assert_eq!(
            lines[3].trim_end_matches(['│', ' ']),
            "│  K8s API server: https://172.18.0.2:6443"
        );
        assert_eq!(lines[4].trim_end_matches(['│', ' ']), "│  Cluster labels");
        assert_eq!(lines[5].trim_end_matches(['│', ' ']), "│      region: eu");
        assert_eq!(lines[6].trim_end_matches(['│', ' ']), "│      tier:   gold");
        assert!(lines[7].starts_with('└') && lines[7].ends_with('┘'));
        for line in &lines {
            assert_eq!(measure_text_width(line), MIN_WIDTH, "{line:?}");
        }
    }

    #[test]
    fn several_values_become_bullets_and_long_lines_widen_the_box() {
        let mut root = Section::default();
        let long = "x".repeat(120);
        root.entries(
            "Pod CIDRs",
            vec![Text::plain("10.0.0.0/16"), Text::plain(&long)],
        )
        .entry("Service CIDR", "10.96.0.0/12");
        let text = render_box("Network", &root, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1].trim_end_matches(['│', ' ']), "│  Pod CIDRs:");
        assert_eq!(
            lines[2].trim_end_matches(['│', ' ']),
            "│      • 10.0.0.0/16"
        );
        assert_eq!(
            lines[4].trim_end_matches(['│', ' ']),
            "│  Service CIDR: 10.96.0.0/12"
        );
        let width = measure_text_width(lines[0]);
        assert!(width > MIN_WIDTH);
        assert!(
            lines.iter().all(|l| measure_text_width(l) == width),
            "{text}"
        );
    }

    #[test]
    fn colours_only_when_asked_and_do_not_break_the_border() {
        let mut root = Section::default();
        root.entry_text("Status", Text::toned("Healthy", Tone::Good));
        let plain = render_box("Network", &root, false);
        assert!(!plain.contains('\u{1b}'));
        let coloured = render_box("Network", &root, true);
        assert!(coloured.contains("\u{1b}["), "{coloured:?}");
        let widths: Vec<usize> = coloured.lines().map(measure_text_width).collect();
        assert!(widths.iter().all(|w| *w == MIN_WIDTH), "{widths:?}");
    }
}
