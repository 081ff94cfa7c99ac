//! The parts of a session's header: where it was forked from (with its siblings, and the
//! server's record where it differs), the title renamed in place, deleting it, and the ask
//! before forking a busy session.

use dioxus::prelude::*;

use super::action::{use_action, use_client};
use super::dialog::{focus_on_mount, Dialog, FirstChoice};
use super::worktree::WorktreeInfo;
use crate::api;
use crate::fork::worktree::{others_in, remove_worktree_of};
use crate::lineage::graph::Note;
use crate::lineage::{Edge, ForkKind};
use crate::route::Route;
use crate::state::{use_lineage, use_remote_lineage, use_toasts, ToastKind};
use crate::text::{display_title, quoted};

/// Where a fork left its source, in words: "after “…”", "editing “…”", "a copy of the whole
/// session".
pub fn fork_point(edge: &Edge) -> String {
    let quoted = quoted(&edge.excerpt);
    match edge.kind {
        ForkKind::Whole => "a copy of the whole session".to_owned(),
        ForkKind::Through => format!("after {quoted}"),
        ForkKind::Before => format!("editing {quoted}"),
        ForkKind::Undo => format!("kept before undoing {quoted}"),
        ForkKind::Worktree => format!("into a worktree, after {quoted}"),
    }
}

/// "Forked from …" with the fork point (`edge`, the one that made `session_id`), and the
/// switcher between `siblings`: the forks made at the same point, oldest first. `from_server`:
/// the edge was read from the session's metadata on the server.
#[component]
pub fn ForkOrigin(
    session_id: String,
    edge: Edge,
    siblings: Vec<String>,
    #[props(default)] from_server: bool,
    /// This session's label and note, if it has them.
    #[props(default)]
    note: Option<Note>,
) -> Element {
    let position = siblings.iter().position(|s| *s == session_id).unwrap_or(0);
    let parent_title = display_title(&edge.parent_title).to_owned();
    let point = fork_point(&edge);
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
                if from_server {
                    span { class: "badge from-server", title: "Recorded by another browser: read from this session's metadata on the server", "from the server" }
                }
                if let Some(note) = &note {
                    if !note.label.is_empty() {
                        span { class: "badge label", "{note.label}" }
                    }
                    if !note.note.is_empty() {
                        span { class: "banner-note muted", title: "{note.note}", " · {crate::text::excerpt(&note.note, 80)}" }
                    }
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
pub fn TitleEditor(
    session: api::Session,
    on_renamed: EventHandler<()>,
    /// Grows when something else (`/rename`, the palette) asks for the title to be edited.
    #[props(default)]
    open: Option<Signal<u64>>,
) -> Element {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let mut editing = use_signal(|| false);
    use_effect(move || {
        if open.is_some_and(|asked| asked() > 0) {
            editing.set(true);
        }
    });
    let mut draft = use_signal(|| session.title.clone());
    let title = display_title(&session.title).to_owned();
    let id = session.id.clone();
    let rename = use_action(move |client, new_title: String| {
        let id = id.clone();
        async move {
            match client.rename_session(&id, &new_title).await {
                Ok(renamed) => {
                    let _ = lineage.update(|l| {
                        l.set_title(&renamed.id, &renamed.title);
                    });
                    editing.set(false);
                    on_renamed.call(());
                    Ok(())
                }
                Err(error) => Err(format!("Could not rename: {error}")),
            }
        }
    });
    let save = move || {
        let new_title = draft.peek().trim().to_owned();
        if new_title.is_empty() {
            toasts.push(ToastKind::Error, "A title cannot be empty.");
            return;
        }
        rename.run(new_title);
    };
    let saving = rename.running();
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
                    disabled: saving,
                    oninput: move |e| draft.set(e.value()),
                    onkeydown: move |e: KeyboardEvent| {
                        if e.key() == Key::Escape {
                            editing.set(false);
                        }
                    },
                    onmounted: focus_on_mount,
                }
                button { r#type: "submit", class: "primary", disabled: saving, "Save title" }
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

/// Deletes the session, after asking; for a session in a worktree, asks too whether to remove
/// the worktree (never one another session still lives in).
#[component]
pub fn DeleteButton(
    session_id: String,
    title: String,
    #[props(default)] worktree: Option<WorktreeInfo>,
    /// Opens the question from elsewhere (the palette's Delete).
    #[props(default)]
    ask: Option<Signal<bool>>,
) -> Element {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let navigator = use_navigator();
    let own = use_signal(|| false);
    let mut confirming = ask.unwrap_or(own);
    let remove = use_signal(|| false);
    let id = session_id.clone();
    let place = worktree.clone();
    let delete = use_action(move |client, remove_worktree: bool| {
        let id = id.clone();
        let place = place.clone();
        async move {
            let result = client.delete_session(&id).await;
            if let Ok(mut confirming) = confirming.try_write() {
                *confirming = false;
            }
            if let Err(error) = result {
                return Err(format!("Could not delete: {error}"));
            }
            lineage.mark_deleted(&id);
            let mut told = "Session deleted.".to_owned();
            if let (true, Some(place)) = (remove_worktree, place) {
                match remove_worktree_of(&client, &place.directory, &id).await {
                    Ok(()) => {
                        told = format!("Session deleted, and its worktree {} removed.", place.name)
                    }
                    Err(problem) => toasts.push(ToastKind::Error, problem),
                }
            }
            toasts.push(ToastKind::Info, told);
            navigator.push(Route::Sessions {});
            Ok(())
        }
    });
    let deleting = delete.running();
    rsx! {
        button { r#type: "button", onclick: move |_| confirming.set(true), "Delete" }
        if confirming() {
            Dialog {
                role: "alertdialog",
                heading: format!("Delete “{title}”?"),
                on_cancel: move |_| confirming.set(false),
                p { "The session and its messages are removed from the server. This cannot be undone." }
                if let Some(place) = worktree.clone() {
                    WorktreeRemoval { place, session_id: session_id.clone(), remove }
                }
                div { class: "actions",
                    button {
                        r#type: "button",
                        class: "danger",
                        disabled: deleting,
                        onclick: move |_| delete.run(remove()),
                        if deleting { "Deleting…" } else { "Delete session" }
                    }
                    button {
                        r#type: "button",
                        onmounted: focus_on_mount,
                        onclick: move |_| confirming.set(false),
                        "Keep it"
                    }
                }
            }
        }
    }
}

/// "Also remove its worktree": offered unless another session lives in it.
#[component]
fn WorktreeRemoval(place: WorktreeInfo, session_id: String, remove: Signal<bool>) -> Element {
    let client = use_client();
    let directory = place.directory.clone();
    let others = use_resource(move || {
        let client = client.get();
        let (directory, id) = (directory.clone(), session_id.clone());
        async move { others_in(&client, &directory, &id).await }
    });
    let blocked = match &*others.read() {
        Some(Ok(others)) => others.first().map(|o| {
            format!(
                "It stays: the session “{}” lives in it too.",
                display_title(&o.title)
            )
        }),
        Some(Err(error)) => Some(format!(
            "It stays: who else lives in it is not known ({error})."
        )),
        None => Some("Checking whether another session lives in it…".to_owned()),
    };
    let free = blocked.is_none();
    rsx! {
        label { class: "checkbox worktree-removal",
            input {
                r#type: "checkbox",
                checked: remove() && free,
                disabled: !free,
                onchange: move |e| remove.set(e.checked()),
            }
            " Also remove its worktree {place.name} (the directory {place.directory}"
            if !place.branch.is_empty() { " and the branch {place.branch}" }
            "), with anything in it not committed"
        }
        if let Some(reason) = blocked {
            p { class: "muted", role: "status", "{reason}" }
        }
    }
}

/// What waits for a session still writing a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusyFor {
    /// A fork: of everything once stopped, or of what is complete.
    Fork,
    /// An undo: only once stopped.
    Undo,
}

/// The ask when forking or undoing in a session that is still writing a reply: stop it first,
/// (a fork) take only what is complete, or cancel. `on_complete` is for a fork only.
#[component]
pub fn BusyDialog(
    what: BusyFor,
    on_stop: EventHandler<()>,
    on_complete: Option<EventHandler<()>>,
    on_cancel: EventHandler<()>,
) -> Element {
    let (explain, stop) = match what {
        BusyFor::Fork => (
            "Stop the reply and fork everything, or fork only what is complete and let it run.",
            "Stop and fork",
        ),
        BusyFor::Undo => (
            "An undo needs the session at rest. Stop the reply and undo (what is undone, the \
             stopped reply with it, is kept as a branch), or cancel.",
            "Stop and undo",
        ),
    };
    rsx! {
        Dialog {
            role: "dialog",
            heading: "This session is still writing a reply",
            on_cancel: move |_| on_cancel.call(()),
            p { "{explain}" }
            div { class: "actions",
                FirstChoice { label: stop, on_click: move |_| on_stop.call(()) }
                if let Some(on_complete) = on_complete {
                    button { r#type: "button", onclick: move |_| on_complete.call(()), "Fork what is complete" }
                }
                button { r#type: "button", onclick: move |_| on_cancel.call(()), "Cancel" }
            }
        }
    }
}

/// "Recorded differently in this browser": the server's metadata says `child` was forked
/// elsewhere than this browser recorded. Both are shown until the user picks one.
#[component]
pub fn RecordedDifferently(child: String) -> Element {
    let lineage = use_lineage().0;
    let remote = use_remote_lineage();
    let graph = lineage.read();
    let (Some(conflict), Some(local)) = (graph.open_conflict(&child), graph.parent_of(&child))
    else {
        return rsx! {};
    };
    let theirs = &conflict.edge;
    let their_source = display_title(&theirs.parent_title).to_owned();
    let our_source = display_title(&local.parent_title).to_owned();
    let (their_point, our_point) = (fork_point(theirs), fork_point(local));
    let (their_parent, our_parent) = (theirs.parent.clone(), local.parent.clone());
    let (keep, take) = (child.clone(), child.clone());
    rsx! {
        div { class: "recorded-differently", role: "group", aria_label: "Recorded differently in this browser",
            p {
                strong { "Recorded differently in this browser. " }
                "The server's metadata says this session was forked from "
                Link { to: Route::Session { id: their_parent }, "{their_source}" }
                " · {their_point}; this browser recorded it as forked from "
                Link { to: Route::Session { id: our_parent }, "{our_source}" }
                " · {our_point}."
            }
            div { class: "actions",
                button { r#type: "button", onclick: move |_| remote.choose(&take, false), "Use the server's record" }
                button { r#type: "button", onclick: move |_| remote.choose(&keep, true), "Keep this browser's" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::tests::edge;

    #[test]
    fn a_fork_point_quotes_its_excerpt_and_says_when_there_is_none() {
        let mut through = edge(
            "ses_child0000001",
            "ses_parent000001",
            Some("msg_anchor000001"),
            1.0,
        );
        through.kind = ForkKind::Through;
        through.excerpt = "add tests".to_owned();
        assert_eq!(fork_point(&through), "after “add tests”");
        through.excerpt = "  ".to_owned();
        assert_eq!(fork_point(&through), "after a message with no text");
        through.kind = ForkKind::Before;
        assert_eq!(fork_point(&through), "editing a message with no text");
    }
}
