//! `/session/:id`: one session with every message and part.

use dioxus::prelude::*;

use crate::api::ids::is_session_id;
use crate::api::ApiError;
use crate::components::{ErrorPanel, Loading, MessageView};
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::age;
use crate::state::{client, use_settings};

/// One session.
// The router reuses this component when only `id` changes: reading `id()` inside the resource
// makes it reload for the new session instead of showing the old one.
#[component]
pub fn Session(id: ReadSignal<String>) -> Element {
    let settings = use_settings();
    let mut data = use_resource(move || {
        let id = id();
        let client = client(&settings.read());
        async move {
            if !is_session_id(&id) {
                return Err(ApiError::Invalid {
                    message: String::new(),
                });
            }
            let (session, messages) =
                futures_util::join!(client.get_session(&id), client.messages(&id));
            Ok((session?, messages?))
        }
    });
    let id_now = id();
    let body = match &*data.read() {
        _ if !is_session_id(&id_now) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Not a valid session id" }
                p { "“{id_now}” is not a valid session id. Session ids look like ses_ followed by letters and digits." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        None => rsx! { Loading { label: "Loading session…" } },
        Some(Err(ApiError::NotFound { .. })) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Session not found" }
                p { "This server has no session {id_now}. It may have been deleted, or it lives on another server or project." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        Some(Err(error)) => {
            rsx! { ErrorPanel { error: error.clone(), on_retry: move |_| data.restart() } }
        }
        Some(Ok((session, messages))) => {
            let now = now_ms();
            let title = if session.title.is_empty() {
                "Untitled session".to_owned()
            } else {
                session.title.clone()
            };
            let count = messages.len();
            rsx! {
                document::Title { "{title} · Branchpoint" }
                header { class: "session-header",
                    h1 { "{title}" }
                    p { class: "muted",
                        "{count} messages · updated {age(now, session.time.updated)}"
                        if !session.directory.is_empty() { " · {session.directory}" }
                    }
                }
                if messages.is_empty() {
                    p { class: "empty", "This session has no messages yet." }
                }
                div { class: "messages",
                    for message in messages.iter() {
                        MessageView { key: "{message.info.id()}", message: message.clone(), now }
                    }
                }
            }
        }
    };
    rsx! {
        div { class: "page session-page",
            nav { class: "crumbs", aria_label: "Breadcrumb",
                Link { to: Route::Sessions {}, "← All sessions" }
            }
            {body}
        }
    }
}
