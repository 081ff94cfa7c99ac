//! `/`: every session of the project, newest first, searchable, subagent children nested.

use dioxus::prelude::*;

use crate::components::{ErrorPanel, Loading};
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::{age, arrange};
use crate::state::{client, use_settings};

/// The sessions list.
#[component]
pub fn Sessions() -> Element {
    let settings = use_settings();
    let mut query = use_signal(String::new);
    let mut sessions = use_resource(move || {
        let client = client(&settings.read());
        async move { client.list_sessions().await }
    });
    let body = match &*sessions.read() {
        None => rsx! { Loading { label: "Loading sessions…" } },
        Some(Err(error)) => {
            rsx! { ErrorPanel { error: error.clone(), on_retry: move |_| sessions.restart() } }
        }
        Some(Ok(list)) if list.is_empty() => rsx! {
            div { class: "empty",
                p { "No sessions yet on this server." }
                p { class: "muted", "Start one with OpenCode (for example `opencode` in your project), then come back." }
            }
        },
        Some(Ok(list)) => {
            let rows = arrange(list, &query.read());
            let now = now_ms();
            let total = list.len();
            rsx! {
                p { class: "muted count", aria_live: "polite",
                    if query.read().trim().is_empty() { "{total} sessions" } else { "{rows.len()} of {total} sessions" }
                }
                if rows.is_empty() {
                    p { class: "empty", "No session title matches “{query}”." }
                }
                ul { class: "session-list",
                    for row in rows {
                        li { key: "{row.session.id}", class: "session-row depth-{row.depth.min(4)}",
                            Link { to: Route::Session { id: row.session.id.clone() },
                                span { class: "session-title",
                                    if row.depth > 0 { span { class: "subagent", title: "Subagent session", "↳ " } }
                                    if row.session.title.is_empty() { "Untitled session" } else { "{row.session.title}" }
                                }
                                span { class: "session-age muted", "{age(now, row.session.time.updated)}" }
                            }
                        }
                    }
                }
            }
        }
    };
    rsx! {
        document::Title { "Sessions · Branchpoint" }
        div { class: "page sessions-page",
            div { class: "page-head",
                h1 { "Sessions" }
                input {
                    r#type: "search",
                    class: "search",
                    aria_label: "Search sessions by title",
                    placeholder: "Search by title",
                    value: "{query}",
                    oninput: move |e| query.set(e.value()),
                }
                button { r#type: "button", onclick: move |_| sessions.restart(), "Refresh" }
            }
            {body}
        }
    }
}
