//! The command palette (Ctrl+K / ⌘K, or the header's button): one searchable list of actions
//! on the open session, the app's pages and every session by title. ↑/↓ choose, Enter runs,
//! Escape closes, and focus goes back to where it was.

use dioxus::prelude::*;

use super::dialog::Dialog;
use crate::commands::filter_by;
use crate::platform::{reveal, FocusMark};
use crate::route::Route;
use crate::state::{
    client, use_lineage, use_overlays, use_session_commands, use_settings, SessionCommand,
};
use crate::text::display_title;

const INPUT_ID: &str = "palette-input";
const LIST_ID: &str = "palette-list";

fn option_id(index: usize) -> String {
    format!("palette-option-{index}")
}

/// What an entry does.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Go(Route),
    Ask(SessionCommand),
    Help,
}

/// One line of the palette.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    label: String,
    /// "Session", "Page", "This session".
    kind: &'static str,
    target: Target,
}

/// The entries for the open session (`None` on other pages), with its parent when known.
fn entries(current: Option<(&str, Option<&str>)>, sessions: &[crate::api::Session]) -> Vec<Entry> {
    let mut all = Vec::new();
    let mut action = |label: &str, target: Target| {
        all.push(Entry {
            label: label.to_owned(),
            kind: "This session",
            target,
        })
    };
    if let Some((id, parent)) = current {
        action("Fork this session", Target::Ask(SessionCommand::Fork));
        action(
            "Fork into a worktree",
            Target::Ask(SessionCommand::Worktree),
        );
        action(
            "Rename this session",
            Target::Ask(SessionCommand::Rename(None)),
        );
        action(
            "Show in the lineage",
            Target::Go(Route::Lineage {
                focus: id.to_owned(),
            }),
        );
        if let Some(parent) = parent {
            action(
                "Compare with parent",
                Target::Go(Route::Compare {
                    a: parent.to_owned(),
                    b: id.to_owned(),
                }),
            );
        }
        action("Delete this session", Target::Ask(SessionCommand::Delete));
    }
    let mut page = |label: &str, target: Target| {
        all.push(Entry {
            label: label.to_owned(),
            kind: "Page",
            target,
        })
    };
    page("All sessions", Target::Go(Route::Sessions {}));
    page(
        "Lineage",
        Target::Go(Route::Lineage {
            focus: String::new(),
        }),
    );
    page("Settings", Target::Go(Route::Settings {}));
    page("Keyboard shortcuts", Target::Help);
    all.extend(sessions.iter().map(|s| Entry {
        label: display_title(&s.title).to_owned(),
        kind: "Session",
        target: Target::Go(Route::Session { id: s.id.clone() }),
    }));
    all
}

/// The palette, open.
#[component]
pub fn CommandPalette(on_close: EventHandler<()>) -> Element {
    let settings = use_settings();
    let lineage = use_lineage().0;
    let commands = use_session_commands();
    let mut overlays = use_overlays();
    let navigator = use_navigator();
    let route = use_route::<Route>();
    // Where focus was when the palette opened: it goes back there when the palette goes.
    let mark = use_hook(|| std::rc::Rc::new(FocusMark::here()));
    use_drop({
        let mark = mark.clone();
        move || mark.restore()
    });
    let mut query = use_signal(String::new);
    let mut active = use_signal(|| 0usize);
    let sessions = use_resource(move || {
        let client = client(&settings.read());
        async move { client.list_sessions().await }
    });
    let current_id = match &route {
        Route::Session { id } if crate::api::ids::is_session_id(id) => Some(id.clone()),
        _ => None,
    };
    let parent = current_id
        .as_deref()
        .and_then(|id| lineage.read().parent_of(id).map(|e| e.parent.clone()));
    let (listed, status) = match &*sessions.read() {
        Some(Ok(list)) => (list.clone(), None),
        Some(Err(error)) => (
            Vec::new(),
            Some(format!("Sessions could not be listed: {error}")),
        ),
        None => (Vec::new(), Some("Listing the sessions…".to_owned())),
    };
    let all = entries(
        current_id.as_deref().map(|id| (id, parent.as_deref())),
        &listed,
    );
    let shown: Vec<Entry> = filter_by(&all, &query.read(), |e| e.label.as_str())
        .into_iter()
        .cloned()
        .collect();
    let count = shown.len();
    let at = active().min(count.saturating_sub(1));
    let run = {
        let shown = shown.clone();
        let current_id = current_id.clone();
        move |index: usize| {
            let Some(entry) = shown.get(index) else {
                return;
            };
            on_close.call(());
            match entry.target.clone() {
                Target::Go(route) => {
                    navigator.push(route);
                }
                Target::Ask(command) => {
                    if let Some(id) = &current_id {
                        commands.ask(id, command);
                    }
                }
                Target::Help => overlays.help.set(true),
            }
        }
    };
    let mut run_key = run.clone();
    rsx! {
        div { class: "overlay", aria_hidden: "true", onclick: move |_| on_close.call(()) }
        div { class: "palette",
                Dialog { role: "dialog", heading: "Go to or do…", on_cancel: move |_| on_close.call(()),
                    label { r#for: INPUT_ID, class: "visually-hidden", "Search sessions, pages and actions" }
                    input {
                        id: INPUT_ID,
                        r#type: "text",
                        role: "combobox",
                        autocomplete: "off",
                        aria_expanded: "true",
                        aria_controls: LIST_ID,
                        aria_autocomplete: "list",
                        aria_activedescendant: if count > 0 { option_id(at) } else { String::new() },
                        placeholder: "Search sessions, pages and actions",
                        value: "{query}",
                        onmounted: move |e: MountedEvent| async move {
                            let _ = e.set_focus(true).await;
                        },
                        oninput: move |e: FormEvent| {
                            query.set(e.value());
                            active.set(0);
                        },
                        onkeydown: move |e: KeyboardEvent| {
                            let moved = match e.key() {
                                Key::ArrowDown if count > 0 => Some((at + 1) % count),
                                Key::ArrowUp if count > 0 => Some((at + count - 1) % count),
                                Key::Home if count > 0 => Some(0),
                                Key::End if count > 0 => Some(count - 1),
                                Key::Enter => {
                                    e.prevent_default();
                                    run_key(at);
                                    None
                                }
                                _ => None,
                            };
                            if let Some(next) = moved {
                                e.prevent_default();
                                active.set(next);
                                reveal(&option_id(next));
                            }
                        },
                    }
                    if count > 0 {
                        ul { id: LIST_ID, role: "listbox", aria_label: "Sessions, pages and actions", class: "palette-list",
                            for (index, entry) in shown.iter().enumerate() {
                                li {
                                    key: "{index}-{entry.label}",
                                    id: option_id(index),
                                    role: "option",
                                    tabindex: "-1",
                                    aria_selected: if index == at { "true" } else { "false" },
                                    class: if index == at { "active" },
                                    onmousedown: move |e: MouseEvent| e.prevent_default(),
                                    onclick: {
                                        let mut run = run.clone();
                                        move |_| run(index)
                                    },
                                    span { class: "completion-label", "{entry.label}" }
                                    span { class: "completion-detail", "{entry.kind}" }
                                }
                            }
                        }
                    } else {
                        p { class: "completion-status muted", role: "status", "Nothing matches “{query}”." }
                    }
                    if let Some(status) = status {
                        p { class: "completion-status muted", role: "status", "{status}" }
                    }
                }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_session_brings_its_actions() {
        let labels = |e: &[Entry]| e.iter().map(|e| e.label.clone()).collect::<Vec<_>>();
        let elsewhere = entries(None, &[]);
        assert_eq!(
            labels(&elsewhere),
            ["All sessions", "Lineage", "Settings", "Keyboard shortcuts"]
        );
        let here = entries(Some(("ses_b", Some("ses_a"))), &[]);
        assert!(here.iter().any(|e| e.target
            == Target::Go(Route::Compare {
                a: "ses_a".into(),
                b: "ses_b".into()
            })));
        let root = entries(Some(("ses_a", None)), &[]);
        assert!(!labels(&root).contains(&"Compare with parent".to_owned()));
        assert!(labels(&root).contains(&"Fork into a worktree".to_owned()));
    }
}
