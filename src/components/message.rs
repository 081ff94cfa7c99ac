//! A message as an `<article>`: who wrote it, when, its parts, and its error if it failed.

use dioxus::prelude::*;

use crate::api::{Message, MessageInfo, Role};
use crate::components::{PartView, TurnChanges, TurnRef, UndoneMark};
use crate::fork::ForkPoint;
use crate::lineage::Edge;
use crate::route::Route;
use crate::text::{age, display_title};

/// What a message's element id starts with: the server's id follows. A server's id is never an
/// element id on its own, where "main" or "composer-input" would take the app's own.
pub const DOM_ID_PREFIX: &str = "message-";

/// The element id of the message with this (server) id.
pub fn dom_id(message_id: &str) -> String {
    format!("{DOM_ID_PREFIX}{message_id}")
}

/// One message with all its parts, its fork actions, and the forks made from it.
#[component]
pub fn MessageView(
    message: Message,
    now: f64,
    /// Called with where to fork; `None` hides the fork actions.
    on_fork: Option<EventHandler<ForkPoint>>,
    /// The fork running right now, if any: every fork action waits for it.
    forking: Option<ForkPoint>,
    /// Forks made at this message.
    #[props(default)]
    forks: Vec<Edge>,
    /// An unfinished reply the server is no longer writing (it stopped or restarted mid-reply).
    #[props(default)]
    interrupted: bool,
    /// The files its turn changed, when this message closes the turn: a line under it.
    #[props(default)]
    changes: Option<TurnRef>,
    /// Called with a user message's id for "Undo from here"; `None` hides it.
    #[props(default)]
    on_undo: Option<EventHandler<String>>,
    /// The user message an undo is running from, if any: every undo waits for it.
    #[props(default)]
    undoing: Option<String>,
    /// Undone (the session is reverted to before it or an earlier message): `Some`. The first
    /// undone message is marked as such (`undone_first`), with the branch that keeps it when
    /// Branchpoint made one.
    #[props(default)]
    undone: Option<Option<Edge>>,
    #[props(default)] undone_first: bool,
    /// Called with where to fork into a worktree; `None` hides "Fork into worktree".
    #[props(default)]
    on_worktree: Option<EventHandler<ForkPoint>>,
    /// Set while a fork into a worktree is read or made (with its point, when it is one of a
    /// message): every one waits.
    #[props(default)]
    worktree_busy: Option<Option<ForkPoint>>,
) -> Element {
    let (role, label, meta, error) = match &message.info {
        MessageInfo::User(m) => {
            let model = m
                .model
                .as_ref()
                .map(|r| format!(" · {}", r.model_id))
                .unwrap_or_default();
            (
                "user",
                "You",
                format!("{}{model}", age(now, m.time.created)),
                None,
            )
        }
        MessageInfo::Assistant(m) => {
            let state = if interrupted {
                " · interrupted: the server stopped before this reply was finished"
            } else if m.time.completed.is_none() && m.error.is_none() {
                " · working…"
            } else {
                ""
            };
            (
                "assistant",
                "Assistant",
                format!("{} · {}{state}", age(now, m.time.created), m.model_id),
                m.error.as_ref().map(|e| e.message()),
            )
        }
    };
    let aria = if role == "user" {
        "User message"
    } else {
        "Assistant message"
    };
    let id = message.info.id().to_owned();
    let through = ForkPoint::Through(id.clone());
    let before = ForkPoint::Before(id.clone());
    let busy = forking.is_some();
    let forking_here = forking.as_ref() == Some(&through);
    let editing_here = forking.as_ref() == Some(&before);
    let is_user = message.info.role() == Role::User;
    let undoing_here = undoing.as_deref() == Some(id.as_str());
    let worktree_point = ForkPoint::Through(id.clone());
    let worktree_here = worktree_busy.as_ref() == Some(&Some(worktree_point.clone()));
    let undo_id = id.clone();
    let element_id = dom_id(&id);
    // A `!` line the user ran (POST /session/:id/shell): a reply of tool parts alone, with no
    // step of a model's, whose output is what the user asked to see.
    let ran_by_user = !is_user
        && !message.parts.is_empty()
        && message
            .parts
            .iter()
            .all(|p| matches!(p, crate::api::Part::Tool(_)));
    let class = if undone.is_some() {
        format!("message message-{role} message-undone")
    } else {
        format!("message message-{role}")
    };
    rsx! {
        article { class, id: "{element_id}", aria_label: "{aria}",
            if let Some(kept) = undone.clone() {
                UndoneMark { kept, first: undone_first }
            }
            header { class: "message-header",
                span { class: "message-role", "{label}" }
                span { class: "message-meta muted", "{meta}" }
            }
            div { class: "message-body",
                for part in message.parts.iter() {
                    PartView { key: "{part.id()}", part: part.clone(), shown_open: ran_by_user }
                }
                if let Some(error) = error {
                    p { class: "message-error", role: "alert", "⚠ {error}" }
                }
            }
            if let Some(turn) = changes {
                TurnChanges { session_id: turn.session_id, message_id: turn.message_id, changes: turn.changes }
            }
            if let Some(on_fork) = on_fork {
                div { class: "message-actions",
                    button {
                        r#type: "button",
                        class: "fork-button",
                        disabled: busy,
                        aria_busy: forking_here,
                        title: "New session with the conversation through the end of this turn",
                        onclick: move |_| on_fork.call(through.clone()),
                        if forking_here { "Forking…" } else { "Fork from here" }
                    }
                    if let Some(on_worktree) = on_worktree {
                        button {
                            r#type: "button",
                            class: "worktree-button",
                            disabled: busy || worktree_busy.is_some(),
                            aria_busy: worktree_here,
                            title: "New session through the end of this turn, in a git worktree of its own holding the code as the session left it here",
                            onclick: {
                                let through = worktree_point.clone();
                                move |_| on_worktree.call(through.clone())
                            },
                            if worktree_here { "Reading what to carry…" } else { "Fork into worktree" }
                        }
                    }
                    if is_user {
                        button {
                            r#type: "button",
                            disabled: busy,
                            aria_busy: editing_here,
                            title: "New session before this message, with its text ready to edit",
                            onclick: move |_| on_fork.call(before.clone()),
                            if editing_here { "Forking…" } else { "Edit and resend" }
                        }
                    }
                    if let (true, Some(on_undo), None) = (is_user, on_undo, &undone) {
                        button {
                            r#type: "button",
                            class: "undo-button",
                            disabled: busy || undoing.is_some(),
                            aria_busy: undoing_here,
                            title: "Take back this message and everything after it, files included, as OpenCode's undo does; what is undone is kept as a branch first",
                            onclick: move |_| on_undo.call(undo_id.clone()),
                            if undoing_here { "Undoing…" } else { "Undo from here" }
                        }
                    }
                }
            }
            if !forks.is_empty() {
                nav { class: "fork-marker", aria_label: "Forks from this message",
                    crate::components::ForkIcon {}
                    span { class: "muted", if forks.len() == 1 { "1 fork here: " } else { "{forks.len()} forks here: " } }
                    for edge in forks.iter() {
                        Link { key: "{edge.child}", to: Route::Session { id: edge.child.clone() },
                            {display_title(&edge.child_title)}
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_failed_reply_shows_its_error() {
        let message: Message = serde_json::from_value(json!({
            "info": {"id": "msg_1", "role": "assistant", "time": {"created": 1, "completed": 2},
                     "error": {"name": "APIError", "data": {"message": "scripted provider error 400"}}},
            "parts": []
        }))
        .unwrap();
        let html = dioxus_ssr::render_element(
            rsx! { MessageView { message, now: 3.0, on_fork: None, forking: None } },
        );
        assert!(html.contains("message-error"), "{html}");
        assert!(html.contains("scripted provider error 400"), "{html}");
        assert!(html.contains("aria-label=\"Assistant message\""), "{html}");
        assert!(html.contains("id=\"message-msg_1\""), "{html}");
    }

    #[test]
    fn a_server_id_never_takes_the_apps_own_element_ids() {
        let message: Message = serde_json::from_value(json!({
            "info": {"id": "composer-input", "role": "user", "time": {"created": 1}},
            "parts": []
        }))
        .unwrap();
        let html = dioxus_ssr::render_element(
            rsx! { MessageView { message, now: 3.0, on_fork: None, forking: None } },
        );
        assert!(html.contains("id=\"message-composer-input\""), "{html}");
        assert!(!html.contains("id=\"composer-input\""), "{html}");
    }
}
