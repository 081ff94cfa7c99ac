//! The parts of a session's header: where it was forked from (with its siblings), the title
//! renamed in place, deleting it, and the ask before forking a busy session.

use dioxus::prelude::*;

use crate::api::{self};
use crate::fork::ForkKind;
use crate::lineage::Edge;
use crate::route::Route;
use crate::state::{client, use_lineage, use_settings, use_toasts, ToastKind};

/// "Forked from …" with the fork point (`edge`, the one that made `session_id`), and the
/// switcher between `siblings`: the forks made at the same point, oldest first.
#[component]
pub fn ForkOrigin(session_id: String, edge: Edge, siblings: Vec<String>) -> Element {
    let position = siblings.iter().position(|s| *s == session_id).unwrap_or(0);
    let parent_title = if edge.parent_title.is_empty() {
        edge.parent.clone()
    } else {
        edge.parent_title.clone()
    };
    let point = match edge.kind {
        ForkKind::Whole => "a copy of the whole session".to_owned(),
        ForkKind::Through => format!("after “{}”", edge.excerpt),
        ForkKind::Before => format!("editing “{}”", edge.excerpt),
    };
    let previous = position
        .checked_sub(1)
        .and_then(|i| siblings.get(i))
        .cloned();
    let next = siblings.get(position + 1).cloned();
    rsx! {
        div { class: "fork-banner", role: "note",
            crate::components::ForkIcon {}
            span {
                "Forked from "
                Link { to: Route::Session { id: edge.parent.clone() }, "{parent_title}" }
                span { class: "muted", " · {point}" }
                if edge.discovered {
                    span { class: "badge discovered", title: "Found by “Scan server”: this fork was made elsewhere", "discovered" }
                }
            }
            if siblings.len() > 1 {
                nav { class: "siblings", aria_label: "Sibling forks",
                    if let Some(previous) = previous {
                        Link { to: Route::Session { id: previous }, aria_label: "Previous sibling fork", "‹" }
                    } else {
                        span { class: "disabled", aria_hidden: "true", "‹" }
                    }
                    span { class: "sibling-count", "{position + 1} / {siblings.len()}" }
                    if let Some(next) = next {
                        Link { to: Route::Session { id: next }, aria_label: "Next sibling fork", "›" }
                    } else {
                        span { class: "disabled", aria_hidden: "true", "›" }
                    }
                }
            }
        }
    }
}

/// The title, renamed in place: Enter saves, Escape cancels.
#[component]
pub fn TitleEditor(session: api::Session, on_renamed: EventHandler<()>) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let lineage = use_lineage();
    let mut editing = use_signal(|| false);
    let mut draft = use_signal(|| session.title.clone());
    let mut saving = use_signal(|| false);
    let title = crate::session_list::display_title(&session.title).to_owned();
    let id = session.id.clone();
    let mut save = move || {
        let new_title = draft.peek().trim().to_owned();
        if new_title.is_empty() {
            toasts.push(ToastKind::Error, "A title cannot be empty.");
            return;
        }
        saving.set(true);
        let client = client(&settings.read());
        let id = id.clone();
        spawn(async move {
            match client.rename_session(&id, &new_title).await {
                Ok(renamed) => {
                    let _ = lineage.update(|l| {
                        l.set_title(&renamed.id, &renamed.title);
                    });
                    editing.set(false);
                    on_renamed.call(());
                }
                Err(error) => toasts.push(ToastKind::Error, format!("Could not rename: {error}")),
            }
            saving.set(false);
        });
    };
    if editing() {
        rsx! {
            form {
                class: "title-editor",
                onsubmit: move |e: FormEvent| {
                    e.prevent_default();
                    save();
                },
                input {
                    aria_label: "Session title",
                    value: "{draft}",
                    disabled: saving(),
                    oninput: move |e| draft.set(e.value()),
                    onkeydown: move |e: KeyboardEvent| {
                        if e.key() == Key::Escape {
                            editing.set(false);
                        }
                    },
                    onmounted: move |e: MountedEvent| async move {
                        let _ = e.set_focus(true).await;
                    },
                }
                button { r#type: "submit", class: "primary", disabled: saving(), "Save title" }
                button { r#type: "button", onclick: move |_| editing.set(false), "Cancel" }
            }
        }
    } else {
        let current = session.title.clone();
        rsx! {
            div { class: "title-row",
                h1 { "{title}" }
                button {
                    r#type: "button",
                    class: "link-button",
                    aria_label: "Rename session",
                    onclick: move |_| {
                        draft.set(current.clone());
                        editing.set(true);
                    },
                    "Rename"
                }
            }
        }
    }
}

/// Deletes the session, after asking.
#[component]
pub fn DeleteButton(session_id: String, title: String) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let lineage = use_lineage();
    let navigator = use_navigator();
    let mut confirming = use_signal(|| false);
    let mut deleting = use_signal(|| false);
    let delete = move |_| {
        deleting.set(true);
        let client = client(&settings.read());
        let id = session_id.clone();
        spawn(async move {
            match client.delete_session(&id).await {
                Ok(_) => {
                    lineage.mark_deleted(&id);
                    toasts.push(ToastKind::Info, "Session deleted.");
                    navigator.push(Route::Sessions {});
                }
                Err(error) => toasts.push(ToastKind::Error, format!("Could not delete: {error}")),
            }
            deleting.set(false);
            confirming.set(false);
        });
    };
    rsx! {
        button { r#type: "button", onclick: move |_| confirming.set(true), "Delete" }
        if confirming() {
            Dialog {
                role: "alertdialog",
                heading: format!("Delete “{title}”?"),
                on_cancel: move |_| confirming.set(false),
                p { "The session and its messages are removed from the server. This cannot be undone." }
                div { class: "actions",
                    button {
                        r#type: "button",
                        class: "danger",
                        disabled: deleting(),
                        onclick: delete,
                        if deleting() { "Deleting…" } else { "Delete session" }
                    }
                    button {
                        r#type: "button",
                        onmounted: move |e: MountedEvent| async move {
                            let _ = e.set_focus(true).await;
                        },
                        onclick: move |_| confirming.set(false),
                        "Keep it"
                    }
                }
            }
        }
    }
}

/// The ask when forking a session that is still writing a reply.
#[component]
pub fn BusyDialog(
    on_stop: EventHandler<()>,
    on_complete: EventHandler<()>,
    on_cancel: EventHandler<()>,
) -> Element {
    rsx! {
        Dialog {
            role: "dialog",
            heading: "This session is still writing a reply",
            on_cancel: move |_| on_cancel.call(()),
            p { "Stop the reply and fork everything, or fork only what is complete and let it run." }
            div { class: "actions",
                button {
                    r#type: "button",
                    class: "primary",
                    onmounted: move |e: MountedEvent| async move {
                        let _ = e.set_focus(true).await;
                    },
                    onclick: move |_| on_stop.call(()),
                    "Stop and fork"
                }
                button { r#type: "button", onclick: move |_| on_complete.call(()), "Fork what is complete" }
                button { r#type: "button", onclick: move |_| on_cancel.call(()), "Cancel" }
            }
        }
    }
}

/// A modal box: labelled by its heading, closed by Escape (`on_cancel`).
#[component]
fn Dialog(
    role: &'static str,
    heading: String,
    on_cancel: EventHandler<()>,
    children: Element,
) -> Element {
    rsx! {
        div {
            class: "dialog",
            role,
            aria_modal: "true",
            aria_labelledby: "dialog-title",
            onkeydown: move |e: KeyboardEvent| {
                if e.key() == Key::Escape {
                    on_cancel.call(());
                }
            },
            h2 { id: "dialog-title", "{heading}" }
            {children}
        }
    }
}
