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
use crate::state::{client, use_events, use_provisional_fork, use_settings};
use body::SessionBody;

/// What the page has loaded: the session, its messages, and whether the server says a reply
/// runs in it (`None`: it did not say).
type Loaded = (
    crate::api::Session,
    Shared<Vec<crate::api::Message>>,
    Option<bool>,
);

/// One session.
// The router reuses this component when only `id` changes: reading `id()` inside the resource
// makes it reload for the new session instead of showing the old one. The answer carries the
// id it is for, so another session's answer (or error) is never shown under this one.
#[component]
pub fn Session(id: ReadSignal<String>) -> Element {
    let settings = use_settings();
    let epoch = use_events().epoch;
    let provisional = use_provisional_fork();
    let mut data = use_resource(move || {
        let id = id();
        let _reconnected = epoch(); // after a reconnect, refetch what may have been missed
        let client = client(&settings.read());
        async move {
            let answer = load(&client, &id, provisional).await;
            (id, answer)
        }
    });
    let id_now = id();
    let answer = data.read();
    let current = answer.as_ref().filter(|(for_id, _)| *for_id == id_now);
    // Loaded for this id (or failed)? Until then a fork made a moment ago shows what it copied.
    let loaded = current.is_some();
    use_effect(use_reactive!(|loaded, id_now| {
        if loaded {
            provisional.settle(&id_now);
        }
    }));
    // The fork made a moment ago, then the server's answer for it, go through the same
    // SessionBody (same key): a field being typed in stays the same element, text and focus.
    let shown = match current {
        Some((_, Ok((session, messages, busy)))) => {
            Some((session.clone(), messages.clone(), *busy, false))
        }
        _ if loaded => None,
        _ => provisional
            .get(&id_now)
            .map(|(session, messages)| (session, messages, None, true)),
    };
    let body = match (shown, current) {
        (Some((session, messages, server_busy, provisional)), _) => rsx! {
            SessionBody {
                key: "{session.id}",
                session,
                messages,
                provisional,
                server_busy,
                on_changed: move |_| data.restart(),
            }
        },
        _ if !is_session_id(&id_now) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Not a valid session id" }
                p { "“{id_now}” is not a valid session id. Session ids look like ses_ followed by letters and digits." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        (None, None) => rsx! { Loading { label: "Loading session…" } },
        (None, Some((_, Err(ApiError::NotFound { .. })))) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Session not found" }
                p { "This server has no session {id_now}. It may have been deleted, or it lives on another server or project." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        (None, Some((_, Err(error)))) => rsx! {
            ErrorPanel {
                error: error.clone(),
                on_retry: move |_| data.restart(),
                retrying: *data.state().read() == UseResourceState::Pending,
            }
        },
        (None, Some((_, Ok(_)))) => rsx! { Loading { label: "Loading session…" } },
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

/// Asks the server for session `id`: the session, its messages and whether a reply runs.
async fn load(
    client: &crate::api::Client<crate::state::AppTransport>,
    id: &str,
    provisional: crate::state::ProvisionalFork,
) -> Result<Loaded, ApiError> {
    if !is_session_id(id) {
        return Err(ApiError::Invalid {
            message: String::new(),
        });
    }
    // A fork just made is being given its telling title: fetched before that lands, the
    // server would still say "(fork #N)".
    provisional.named(id).await;
    let (session, messages, status) = futures_util::join!(
        client.get_session(id),
        client.messages(id),
        client.session_status()
    );
    // Whether the server is writing a reply here; unknown if it would not say.
    let server_busy = status
        .ok()
        .map(|all| all.get(id).is_some_and(|s| *s != SessionStatus::Idle));
    Ok((session?, Shared::from(messages?), server_busy))
}
