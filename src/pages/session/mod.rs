//! `/session/:id`: one session with every message and part, its fork actions, where it came
//! from, its siblings, rename in place, and a composer. This file loads the session; the page
//! is built from hooks, one file each: `live` (the event stream), `window` (which messages
//! are in the DOM), `fork` (the fork buttons), `undo` (undo and redo), `left` (a fork's page reloaded while it was made), `worktree` (fork into a
//! worktree, where a session's code lives), `commands` (what `/` commands and the palette ask
//! of it); `body` draws it.

mod body;
mod commands;
mod earlier;
mod fork;
mod left;
mod live;
mod undo;
mod window;
mod worktree;

use dioxus::prelude::*;

use crate::api::ids::is_session_id;
use crate::api::{ApiError, SessionStatus};
use crate::components::{ErrorPanel, Loading};
use crate::persist::drafts;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{
    client, use_events, use_lineage, use_provisional_fork, use_remote_lineage, use_settings,
};
use body::SessionBody;
use left::LeftForkPanel;

/// A session as first fetched: the session, its newest page of messages, and where the page
/// before them starts (`None`: they are all).
struct Loaded {
    session: crate::api::Session,
    messages: Shared<Vec<crate::api::Message>>,
    older: Option<String>,
    /// Whether the server says it is writing a reply here (`None`: it did not say).
    server_busy: Option<bool>,
}

/// What the page shows of a session: a stand-in, or the session as loaded.
struct Shown {
    session: crate::api::Session,
    messages: Shared<Vec<crate::api::Message>>,
    older: Option<String>,
    server_busy: Option<bool>,
    stand_in: bool,
    /// A stand-in holding the newest of the session's messages only.
    partial: bool,
    making: Option<crate::state::Making>,
}

/// One session.
// The router reuses this component when only `id` changes: reading `id()` inside the resource
// makes it reload for the new session instead of showing the old one. The answer carries the
// id it is for, so another session's answer (or error) is never shown under this one.
#[component]
pub fn Session(id: ReadSignal<String>) -> Element {
    let settings = use_settings();
    let bus = use_events();
    let epoch = bus.epoch;
    let lineage = use_lineage().0;
    let provisional = use_provisional_fork();
    let mut data = use_resource(move || {
        let id = id();
        let _reconnected = epoch(); // after a reconnect, refetch what may have been missed
        let client = client(&settings.read());
        let asked = id.clone();
        // Where the session lives, if the lineage knows (a worktree fork lives elsewhere than
        // the settings' directory): the server says per directory which sessions are busy.
        let known = lineage
            .peek()
            .places()
            .get(id.as_str())
            .map(|(_, directory)| directory.to_string())
            .filter(|d| !d.is_empty());
        let bus = bus.clone();
        let load = async move {
            if !is_session_id(&id) {
                return Err(ApiError::Invalid {
                    message: String::new(),
                });
            }
            // A fork just made is being given its telling title: fetched before that lands,
            // the server would still say "(fork #N)".
            provisional.named(&id).await;
            let there = client.in_directory(known.as_deref().unwrap_or_default());
            // The newest page only: older ones come as the reader scrolls up (`earlier`).
            let (session, page, status, home) = futures_util::join!(
                there.get_session(&id),
                there.messages_page(&id, earlier::FIRST_PAGE, None),
                there.session_status(),
                bus.home_directory(&there)
            );
            let session = session?;
            // Asked in another directory than the session's (one the lineage does not place,
            // made elsewhere): asked again there.
            let status = match home {
                Some(home) if home != session.directory && !session.directory.is_empty() => {
                    there
                        .in_directory(&session.directory)
                        .session_status()
                        .await
                }
                _ => status,
            };
            // Whether the server is writing a reply here; unknown if it would not say.
            let server_busy = status
                .ok()
                .map(|all| all.get(&id).is_some_and(|s| *s != SessionStatus::Idle));
            let page = page?;
            Ok(Loaded {
                session,
                messages: Shared::from(page.messages),
                older: page.older,
                server_busy,
            })
        };
        // Tagged with the id asked for: the answer about the session shown before is not this
        // one's.
        async move { (asked, load.await) }
    });
    // The session's own metadata may say where it was forked from (recorded elsewhere).
    let remote = use_remote_lineage();
    use_effect(move || {
        if let Some((_, Ok(loaded))) = &*data.read() {
            remote.merge(std::slice::from_ref(&loaded.session));
        }
    });
    let id_now = id();
    // The page on screen, for a fork being made whose answer may take the page along.
    use_effect(use_reactive!(|id_now| provisional.view(&id_now)));
    use_drop(move || provisional.view(""));
    // Answered for this id? Until then a stand-in shows, if there is one: a fork being made or
    // made a moment ago (what it copies), or the source of a fork that failed (as it was) —
    // which also stays while the server cannot be reached.
    let answered = matches!(&*data.read(), Some((asked, result))
        if *asked == id_now && is_session_id(asked)
            && !matches!(result, Err(error) if error.is_network()));
    use_effect(use_reactive!(|answered, id_now| {
        if answered {
            provisional.settle(&id_now);
        }
    }));
    let stand_in = if answered {
        None
    } else {
        provisional.get(&id_now)
    };
    let answer = data.read();
    let answer = answer
        .as_ref()
        .filter(|(asked, _)| *asked == id_now)
        .map(|(_, result)| result);
    // The stand-in and then the session as loaded are one page: the same component, keyed by
    // the page's identity (a fork keeps the one it was made under), so a draft being typed, and
    // its focus, stay put as the fork is made and loads.
    let shown = match (&stand_in, answer) {
        (Some(stand_in), _) => Some(Shown {
            session: stand_in.session.clone(),
            messages: stand_in.messages.clone(),
            older: None,
            server_busy: None,
            stand_in: true,
            partial: stand_in.partial,
            making: stand_in.making.clone(),
        }),
        (None, Some(Ok(loaded))) => Some(Shown {
            session: loaded.session.clone(),
            messages: loaded.messages.clone(),
            older: loaded.older.clone(),
            server_busy: loaded.server_busy,
            stand_in: false,
            partial: false,
            making: None,
        }),
        _ => None,
    };
    let body = match (shown, answer) {
        (Some(shown), answer) => {
            let key = provisional.page_key(&shown.session.id);
            // A stand-in shown while the server cannot be reached says so above it.
            let unreachable = answer
                .and_then(|r| r.as_ref().err())
                .filter(|error| shown.stand_in && error.is_network())
                .cloned();
            rsx! {
                SessionBody {
                    key: "{key}",
                    session: shown.session,
                    messages: shown.messages,
                    older: shown.older,
                    provisional: shown.stand_in,
                    partial: shown.partial,
                    making: shown.making,
                    unreachable,
                    server_busy: shown.server_busy,
                    on_changed: move |_| data.restart(),
                    on_retry: move |_| data.restart(),
                }
            }
        }
        _ if id_now.starts_with(drafts::MAKING_PREFIX) => {
            let token = id_now[drafts::MAKING_PREFIX.len()..].parse().unwrap_or(0);
            rsx! { LeftForkPanel { token } }
        }
        _ if !is_session_id(&id_now) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Not a valid session id" }
                p { "“{id_now}” is not a valid session id. Session ids look like ses_ followed by letters and digits." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        // Nothing yet — not even when the page still holds the session it showed before this
        // one's link was followed (the router reuses the page): never its controls here.
        (None, None) => rsx! { Loading { label: "Loading session…" } },
        (None, Some(Err(ApiError::NotFound { .. }))) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Session not found" }
                p { "This server has no session {id_now}. It may have been deleted, or it lives on another server or project." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        (None, Some(Err(error))) => rsx! {
            ErrorPanel {
                error: error.clone(),
                on_retry: move |_| data.restart(),
                retrying: *data.state().read() == UseResourceState::Pending,
            }
        },
        (None, Some(Ok(_))) => rsx! {},
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
