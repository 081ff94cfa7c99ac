//! `/session/:id`: one session with every message and part, its fork actions, where it came
//! from, its siblings, rename in place, and a composer. This file loads the session; the page
//! is built from hooks, one file each: `live` (the event stream), `window` (which messages
//! are in the DOM), `fork` (the fork buttons); `body` draws it.

mod body;
mod fork;
mod live;
mod window;

use dioxus::prelude::*;

use crate::api::ids::is_session_id;
use crate::api::{ApiError, SessionStatus};
use crate::components::{ErrorPanel, Loading};
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{client, use_events, use_provisional_fork, use_remote_lineage, use_settings};
use body::SessionBody;

/// One session.
// The router reuses this component when only `id` changes: reading `id()` inside the resource
// makes it reload for the new session instead of showing the old one.

#[component]
pub fn Session(id: ReadSignal<String>) -> Element {
    let settings = use_settings();
    let epoch = use_events().epoch;
    let mut data = use_resource(move || {
        let id = id();
        let _reconnected = epoch(); // after a reconnect, refetch what may have been missed
        let client = client(&settings.read());
        async move {
            if !is_session_id(&id) {
                return Err(ApiError::Invalid {
                    message: String::new(),
                });
            }
            let (session, messages, status) = futures_util::join!(
                client.get_session(&id),
                client.messages(&id),
                client.session_status()
            );
            // Whether the server is writing a reply here; unknown if it would not say.
            let server_busy = status
                .ok()
                .map(|all| all.get(&id).is_some_and(|s| *s != SessionStatus::Idle));
            Ok((session?, Shared::from(messages?), server_busy))
        }
    });
    // The session's own metadata may say where it was forked from (recorded elsewhere).
    let remote = use_remote_lineage();
    use_effect(move || {
        if let Some(Ok((session, _, _))) = &*data.read() {
            remote.merge(std::slice::from_ref(session));
        }
    });
    let provisional = use_provisional_fork();
    let id_now = id();
    // Loaded for this id (or failed)? Until then a fork made a moment ago shows what it copied.
    let loaded = match &*data.read() {
        Some(Ok((session, _, _))) => session.id == id_now,
        Some(Err(_)) => true,
        None => false,
    };
    use_effect(use_reactive!(|loaded, id_now| {
        if loaded {
            provisional.settle(&id_now);
        }
    }));
    let just_forked = if loaded {
        None
    } else {
        provisional.get(&id_now)
    };
    let body = match &*data.read() {
        _ if just_forked.is_some() => {
            let (session, messages) = just_forked.unwrap_or_default();
            rsx! {
                SessionBody {
                    key: "{session.id}",
                    session,
                    messages,
                    provisional: true,
                    server_busy: None,
                    on_changed: move |_| data.restart(),
                }
            }
        }
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
        Some(Err(error)) => rsx! {
            ErrorPanel {
                error: error.clone(),
                on_retry: move |_| data.restart(),
                retrying: *data.state().read() == UseResourceState::Pending,
            }
        },
        Some(Ok((session, messages, server_busy))) => rsx! {
            SessionBody {
                key: "{session.id}",
                session: session.clone(),
                messages: messages.clone(),
                server_busy: *server_busy,
                on_changed: move |_| data.restart(),
            }
        },
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
