//! A message as an `<article>`: who wrote it, when, its parts, and its error if it failed.

use dioxus::prelude::*;

use crate::api::{Message, MessageInfo, Role};
use crate::components::PartView;
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
    let element_id = dom_id(&id);
    rsx! {
        article { class: "message message-{role}", id: "{element_id}", aria_label: "{aria}",
            header { class: "message-header",
                span { class: "message-role", "{label}" }
                span { class: "message-meta muted", "{meta}" }
            }
            div { class: "message-body",
                for part in message.parts.iter() {
                    PartView { key: "{part.id()}", part: part.clone() }
                }
                if let Some(error) = error {
                    p { class: "message-error", role: "alert", "⚠ {error}" }
                }
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
