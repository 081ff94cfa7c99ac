//! A message as an `<article>`: who wrote it, when, its parts, and its error if it failed.

use dioxus::prelude::*;

use crate::api::{Message, MessageInfo};
use crate::components::PartView;
use crate::session_list::age;

/// One message with all its parts.
#[component]
pub fn MessageView(message: Message, now: f64) -> Element {
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
            let state = if m.time.completed.is_none() && m.error.is_none() {
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
    rsx! {
        article { class: "message message-{role}", id: "{message.info.id()}", aria_label: "{aria}",
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
        }
    }
}
