//! The one diff view, for a turn, a whole session, compare's Code view and bring-back
//! ([`DiffView`]), and the compact change lines that open it ([`TurnChanges`],
//! [`SessionChanges`]), fetching the patches only when opened. Patch text is server data:
//! it is only ever text in the DOM, never markup.

use dioxus::prelude::*;

use super::action::use_action;
use crate::api::FileChange;
use crate::changes::{fetch_turns, TurnChange};
use crate::diff::{by_file, parse_patch, FileSection, Hunk, LineKind, Totals};
use crate::shared::Shared;

/// A view with at most this many lines opens its files at once; a longer one starts with its
/// files closed, so a huge diff costs nothing until a file is opened.
const OPEN_AT_ONCE: usize = 400;
/// An open file draws this many lines, then more on request.
const LINES_PER_STEP: usize = 500;

/// Files and their diffs: one collapsible section per file (a button: Enter or Space opens
/// it) with its status and counts, then its patches as numbered lines marked + and −.
#[component]
pub fn DiffView(sections: Shared<Vec<FileSection>>) -> Element {
    let total: usize = use_memo(use_reactive!(|sections| sections
        .iter()
        .map(FileSection::lines)
        .sum()))();
    if sections.is_empty() {
        return rsx! { p { class: "muted diff-empty", "No file changed." } };
    }
    let open = total <= OPEN_AT_ONCE;
    rsx! {
        ul { class: "diff-view", aria_label: "Changed files",
            for (index, section) in sections.iter().enumerate() {
                FileEntry { key: "{section.file}", sections: sections.clone(), index, open }
            }
        }
    }
}

/// One file of a [`DiffView`].
#[component]
fn FileEntry(sections: Shared<Vec<FileSection>>, index: usize, open: bool) -> Element {
    let mut expanded = use_signal(|| open);
    let Some(section) = sections.get(index) else {
        return rsx! {};
    };
    let status_class = section.status.replace(", then ", "-");
    let lines = section.lines();
    let size = if expanded() || lines == 0 {
        String::new()
    } else {
        format!(" · {lines} lines")
    };
    rsx! {
        li { class: "diff-file",
            button {
                r#type: "button",
                class: "diff-file-toggle",
                aria_expanded: expanded(),
                onclick: move |_| expanded.toggle(),
                span { class: "diff-caret", aria_hidden: "true", if expanded() { "▾" } else { "▸" } }
                span { class: "diff-path", "{section.file}" }
                span { class: "badge diff-status diff-status-{status_class}", "{section.status}" }
                span { class: "diff-counts",
                    span { class: "diff-added", "+{section.added}" }
                    " "
                    span { class: "diff-removed", "−{section.removed}" }
                    span { class: "muted", "{size}" }
                }
            }
            if expanded() {
                for (n, patch) in section.patches.iter().enumerate() {
                    div { key: "{n}", class: "diff-patch",
                        if !patch.label.is_empty() {
                            p { class: "diff-turn muted", "{patch.label}" }
                        }
                        PatchLines { file: section.file.clone(), patch: Shared::from(patch.patch.clone()) }
                    }
                }
            }
        }
    }
}

/// One patch as a table of numbered lines, drawn [`LINES_PER_STEP`] at a time. Long lines
/// scroll inside the table's box, never widening the page.
#[component]
fn PatchLines(file: String, patch: Shared<String>) -> Element {
    let hunks = use_memo(use_reactive!(|patch| Shared::from(parse_patch(&patch))))();
    let mut shown = use_signal(|| LINES_PER_STEP);
    if hunks.is_empty() {
        return rsx! {
            p { class: "muted diff-unshown",
                "No text diff for this file: a binary file, or a change the server does not show as lines."
            }
        };
    }
    let total: usize = hunks.iter().map(|h| h.lines.len() + 1).sum();
    let limit = shown();
    let rows = rows(&hunks, limit);
    let left = total.saturating_sub(limit);
    rsx! {
        div { class: "diff-scroll", tabindex: "0", role: "region", aria_label: "Diff of {file}",
            table { class: "diff-table",
                tbody {
                    for (i, row) in rows.into_iter().enumerate() {
                        match row {
                            Row::Hunk(header) => rsx! {
                                tr { key: "{i}", class: "diff-hunk",
                                    td { colspan: "4", "{header}" }
                                }
                            },
                            Row::Line { kind, old, new, mark, text } => rsx! {
                                tr { key: "{i}", class: "diff-line diff-{kind}",
                                    td { class: "ln", "{old}" }
                                    td { class: "ln", "{new}" }
                                    td { class: "mark", "{mark}" }
                                    td { class: "code", "{text}" }
                                }
                            },
                        }
                    }
                }
            }
        }
        if left > 0 {
            button {
                r#type: "button",
                class: "link-button diff-more",
                onclick: move |_| shown.set(limit.saturating_add(LINES_PER_STEP)),
                "Show {left.min(LINES_PER_STEP)} more lines ({left} not shown)"
            }
        }
    }
}

/// A row of the table.
enum Row<'a> {
    Hunk(&'a str),
    Line {
        kind: &'static str,
        old: String,
        new: String,
        mark: &'static str,
        text: &'a str,
    },
}

/// The first `limit` rows of `hunks` (a hunk's header counts as a row).
fn rows(hunks: &[Hunk], limit: usize) -> Vec<Row<'_>> {
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut rows = Vec::with_capacity(limit.min(4096));
    for hunk in hunks {
        if rows.len() >= limit {
            break;
        }
        rows.push(Row::Hunk(&hunk.header));
        for line in &hunk.lines {
            if rows.len() >= limit {
                break;
            }
            rows.push(Row::Line {
                kind: match line.kind {
                    LineKind::Added => "added",
                    LineKind::Removed => "removed",
                    LineKind::Context => "context",
                    LineKind::Note => "note",
                },
                old: number(line.old),
                new: number(line.new),
                mark: line.mark(),
                text: &line.text,
            });
        }
    }
    rows
}

/// Where the patches of a change line come from, loaded when it is first opened.
#[derive(Clone, PartialEq)]
enum Loaded {
    Not,
    Ready(Shared<Vec<FileSection>>),
    Failed(String),
}

/// A turn that changed files, as the message closing it shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRef {
    pub session_id: String,
    /// The turn's user message.
    pub message_id: String,
    pub changes: Vec<FileChange>,
}

/// A turn's compact change line under its reply ("3 files changed, +12 −4"); opened, it
/// fetches the turn's diff (`GET /session/:id/diff?messageID=`) and shows it.
#[component]
pub fn TurnChanges(session_id: String, message_id: String, changes: Vec<FileChange>) -> Element {
    let totals = Totals::of(&changes);
    let turn = TurnChange {
        message_id,
        label: String::new(),
        changes,
    };
    rsx! {
        ChangesLine {
            class: "turn-changes",
            label: totals.line(),
            session_id,
            turns: vec![turn],
        }
    }
}

/// The session's changes in all (the sum of its turns; the server's own total is empty on
/// 1.18.33), opened into the same view, every turn's patch fetched then.
#[component]
pub fn SessionChanges(
    session_id: String,
    turns: Vec<TurnChange>,
    /// The page holds the newest messages only: `turns` are the ones among them.
    #[props(default)]
    partial: bool,
) -> Element {
    if turns.is_empty() {
        return rsx! {};
    }
    let totals = Totals::of(turns.iter().flat_map(|t| &t.changes));
    let label = format!(
        "{} in {}{}",
        totals.line(),
        crate::text::count(turns.len(), "turn"),
        if partial {
            " of the messages loaded"
        } else {
            ""
        }
    );
    rsx! {
        ChangesLine { class: "session-changes", label, session_id, turns }
    }
}

/// A line that opens into the diff of `turns`, fetched the first time it opens.
#[component]
fn ChangesLine(
    class: &'static str,
    label: String,
    session_id: String,
    turns: Vec<TurnChange>,
) -> Element {
    let mut open = use_signal(|| false);
    let mut loaded = use_signal(|| Loaded::Not);
    let fetch = use_action(
        move |client, (session_id, turns): (String, Vec<TurnChange>)| async move {
            match fetch_turns(&client, &session_id, &turns).await {
                Ok(diffs) => loaded.set(Loaded::Ready(Shared::from(by_file(&diffs)))),
                Err(error) => loaded.set(Loaded::Failed(format!(
                    "The changes could not be loaded: {error}"
                ))),
            }
            Ok(())
        },
    );
    let load = {
        let (session_id, turns) = (session_id.clone(), turns.clone());
        move || fetch.run((session_id.clone(), turns.clone()))
    };
    let mut toggle = {
        let load = load.clone();
        move || {
            open.toggle();
            if open() && matches!(*loaded.peek(), Loaded::Not | Loaded::Failed(_)) {
                load();
            }
        }
    };
    let body = match loaded() {
        _ if !open() => rsx! {},
        Loaded::Ready(sections) => rsx! { DiffView { sections } },
        Loaded::Failed(problem) => rsx! {
            p { class: "notice failed", role: "alert",
                "{problem} "
                button { r#type: "button", class: "link-button", onclick: move |_| load(), "Try again" }
            }
        },
        Loaded::Not => rsx! {
            p { class: "loading", role: "status",
                span { class: "spinner", aria_hidden: "true" }
                "Loading the changes…"
            }
        },
    };
    rsx! {
        div { class: "changes {class}",
            button {
                r#type: "button",
                class: "changes-line",
                aria_expanded: open(),
                onclick: move |_| toggle(),
                span { class: "diff-caret", aria_hidden: "true", if open() { "▾" } else { "▸" } }
                "{label}"
            }
            {body}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{FileDiff, FileStatus};

    fn render(sections: Vec<FileSection>) -> String {
        dioxus_ssr::render_element(rsx! { DiffView { sections: Shared::from(sections) } })
    }

    #[test]
    fn a_small_diff_opens_with_numbers_marks_and_escaped_text() {
        let diffs = vec![(
            String::new(),
            vec![FileDiff {
                change: FileChange {
                    file: "x.html".into(),
                    additions: 1.0,
                    deletions: 1.0,
                    status: FileStatus::Modified,
                },
                patch: "--- x\n+++ x\n@@ -1,2 +1,2 @@\n keep\n-<b>old</b>\n+<script>alert(1)</script>\n".into(),
            }],
        )];
        let html = render(by_file(&diffs));
        assert!(
            html.contains("aria-expanded=true") || html.contains("aria-expanded=\"true\""),
            "{html}"
        );
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains(">−<") && html.contains(">+<"),
            "marks: {html}"
        );
        assert!(html.contains("diff-line diff-removed"), "{html}");
        assert!(html.contains("@@ -1,2 +1,2 @@"), "{html}");
    }

    #[test]
    fn a_huge_diff_starts_closed_and_a_binary_says_so() {
        let big: String = (1..=5000).map(|i| format!("+line {i}\n")).collect();
        let diffs = vec![(
            String::new(),
            vec![
                FileDiff {
                    change: FileChange {
                        file: "big.txt".into(),
                        additions: 5000.0,
                        deletions: 0.0,
                        status: FileStatus::Added,
                    },
                    patch: format!("@@ -0,0 +1,5000 @@\n{big}"),
                },
                FileDiff {
                    change: FileChange {
                        file: "bin.dat".into(),
                        additions: 0.0,
                        deletions: 0.0,
                        status: FileStatus::Added,
                    },
                    patch: String::new(),
                },
            ],
        )];
        let html = render(by_file(&diffs));
        assert!(!html.contains("line 1<"), "closed until opened: {html}");
        assert!(html.contains("5001 lines"), "{html}");
        let hunks = parse_patch(&format!("@@ -0,0 +1,5000 @@\n{big}"));
        assert_eq!(rows(&hunks, LINES_PER_STEP).len(), LINES_PER_STEP);
        let binary = vec![(String::new(), diffs[0].1[1..].to_vec())];
        assert!(render(by_file(&binary)).contains("No text diff for this file"));
    }
}
