//! What the lineage view says about one session (the one under the pointer or the keyboard):
//! its title, where it was forked and when, its lane, its label and note; and the label and
//! note edited in a dialog (a label chosen from those used before, or typed).

use dioxus::prelude::*;

use crate::components::{fork_point, Dialog};
use crate::lineage::graph::Note;
use crate::lineage::map::kind_mark;
use crate::lineage::remote::{LABEL_CHARS, NOTE_CHARS};
use crate::platform::now_ms;
use crate::route::Route;
use crate::state::{use_lineage, use_remote_lineage};
use crate::text::{age, count, display_title};

/// The id of the details box (the map is described by it).
pub const DETAILS_ID: &str = "map-details";

/// The details of `session`, or a hint when there is none.
#[component]
pub fn Details(session: Option<String>, now: f64) -> Element {
    let lineage = use_lineage().0;
    let mut editing = use_signal(|| None::<(String, String)>);
    let graph = lineage.read();
    let Some(session) = session else {
        return rsx! {
            div { id: DETAILS_ID, class: "map-details muted",
                "Point at a session, or move to it with the arrow keys, to see where it came from. Enter opens it."
            }
        };
    };
    let edge = graph.parent_of(&session).cloned();
    let title = edge
        .as_ref()
        .map(|e| e.child_title.clone())
        .or_else(|| graph.title_of(&session))
        .unwrap_or_default();
    let title = display_title(&title).to_owned();
    let (_, kind) = kind_mark(edge.as_ref());
    let messages = graph.messages.get(&session).copied();
    let active = graph.active.get(&session).copied();
    let note = graph.note_of(&session).cloned();
    let deleted = graph.is_deleted(&session);
    let edit = (session.clone(), title.clone());
    rsx! {
        div { id: DETAILS_ID, class: "map-details",
            p { class: "details-head",
                strong { "{title}" }
                span { class: "badge", "{kind}" }
                if deleted {
                    span { class: "badge deleted-badge", "deleted" }
                }
                if let Some(label) = note.as_ref().map(|n| n.label.clone()).filter(|l| !l.is_empty()) {
                    span { class: "badge label", "{label}" }
                }
            }
            p { class: "muted",
                if let Some(edge) = &edge {
                    "Forked from {display_title(&edge.parent_title)} · {fork_point(edge)} · {age(now, edge.created)}"
                } else {
                    "The root of its tree"
                }
                if let Some(n) = messages { " · {count(n as usize, \"message\")}" }
                if let Some(at) = active { " · active {age(now, at)}" }
            }
            if let Some(worktree) = edge.as_ref().and_then(|e| e.worktree.clone()) {
                p { class: "muted", "In worktree {worktree.name}" if !worktree.branch.is_empty() { " (branch {worktree.branch})" } }
            }
            if let Some(text) = note.as_ref().map(|n| n.note.clone()).filter(|n| !n.is_empty()) {
                p { class: "note-text", "{text}" }
            }
            div { class: "actions",
                Link { class: "button", to: Route::Session { id: session.clone() }, "Open" }
                button {
                    id: "edit-note",
                    r#type: "button",
                    onclick: move |_| editing.set(Some(edit.clone())),
                    if note.is_some() { "Edit label and note" } else { "Add label or note" }
                }
            }
        }
        if let Some((session, title)) = editing() {
            NoteEditor {
                session,
                title,
                on_close: move |_| {
                    editing.set(None);
                    crate::platform::focus("edit-note");
                },
            }
        }
    }
}

/// Checks a label and note as typed: trimmed, a label on one line and short, a note of a few
/// lines. The reason when they will not do.
pub fn checked_note(label: &str, note: &str) -> Result<(String, String), String> {
    let label = label.trim();
    if label.contains(['\n', '\r']) {
        return Err("A label is one line: put the rest in the note.".into());
    }
    if label.chars().count() > LABEL_CHARS {
        return Err(format!(
            "A label is a short word or two ({LABEL_CHARS} characters at most): put the rest in the note."
        ));
    }
    let note = note.trim();
    if note.chars().count() > NOTE_CHARS {
        return Err(format!(
            "The note is too long: {NOTE_CHARS} characters at most (it has {}).",
            note.chars().count()
        ));
    }
    Ok((label.to_owned(), note.to_owned()))
}

/// The label and note of `session`, edited.
#[component]
pub fn NoteEditor(session: String, title: String, on_close: EventHandler<()>) -> Element {
    let state = use_lineage();
    let remote = use_remote_lineage();
    let known = use_hook(|| {
        state
            .0
            .peek()
            .note_of(&session)
            .cloned()
            .unwrap_or_default()
    });
    let mut label = use_signal(|| known.label.clone());
    let mut text = use_signal(|| known.note.clone());
    let mut problem = use_signal(|| None::<String>);
    let used = state.0.read().labels();
    let mut keep = move |session: String, label: String, note: String| {
        let at = now_ms();
        let saved = state.update(|l| {
            l.set_note(
                &session,
                Note {
                    label: label.clone(),
                    note: note.clone(),
                    at,
                },
            );
        });
        match saved {
            Ok(()) => {
                remote.changed(&session);
                on_close.call(());
            }
            Err(why) => problem.set(Some(why)),
        }
    };
    let save = {
        let session = session.clone();
        move |event: FormEvent| {
            event.prevent_default();
            match checked_note(&label.peek(), &text.peek()) {
                Ok((label, note)) => keep(session.clone(), label, note),
                Err(why) => problem.set(Some(why)),
            }
        }
    };
    let remove = {
        let session = session.clone();
        move |_| keep(session.clone(), String::new(), String::new())
    };
    rsx! {
        Dialog { role: "dialog", heading: format!("Label and note: “{title}”"), on_cancel: move |_| on_close.call(()),
            form { class: "note-editor", onsubmit: save,
                label { r#for: "note-label", "Label" }
                input {
                    id: "note-label",
                    list: "labels-used",
                    autocomplete: "off",
                    placeholder: "winner, dead end, …",
                    value: "{label}",
                    oninput: move |e| label.set(e.value()),
                    onmounted: move |e: MountedEvent| async move {
                        let _ = e.set_focus(true).await;
                    },
                }
                datalist { id: "labels-used",
                    for used in used.iter() {
                        option { key: "{used}", value: "{used}" }
                    }
                }
                if !used.is_empty() {
                    div { class: "label-choices", role: "group", aria_label: "Labels used before",
                        span { class: "muted", "Used before: " }
                        for used in used.into_iter().take(12) {
                            button {
                                key: "{used}",
                                r#type: "button",
                                class: "chip",
                                aria_pressed: if *label.read() == used { "true" } else { "false" },
                                onclick: {
                                    let used = used.clone();
                                    move |_| label.set(used.clone())
                                },
                                "{used}"
                            }
                        }
                    }
                }
                label { r#for: "note-text", "Note" }
                textarea {
                    id: "note-text",
                    rows: "4",
                    placeholder: "Why this branch, what it tried, what came of it",
                    value: "{text}",
                    oninput: move |e| text.set(e.value()),
                }
                if let Some(why) = problem() {
                    p { class: "notice failed", role: "alert", "{why}" }
                }
                div { class: "actions",
                    button { r#type: "submit", class: "primary", "Save" }
                    if !known.is_empty() {
                        button { r#type: "button", onclick: remove, "Remove label and note" }
                    }
                    button { r#type: "button", onclick: move |_| on_close.call(()), "Cancel" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short_and_notes_a_few_lines() {
        assert_eq!(
            checked_note("  winner ", " fast\nand right  "),
            Ok(("winner".into(), "fast\nand right".into()))
        );
        assert!(checked_note("dead\nend", "")
            .unwrap_err()
            .contains("one line"));
        let long = "x".repeat(LABEL_CHARS + 1);
        assert!(checked_note(&long, "").unwrap_err().contains("short word"));
        let essay = "y".repeat(NOTE_CHARS + 5);
        let why = checked_note("", &essay).unwrap_err();
        assert!(why.contains(&format!("it has {}", NOTE_CHARS + 5)), "{why}");
        assert_eq!(checked_note("", ""), Ok((String::new(), String::new())));
    }
}
