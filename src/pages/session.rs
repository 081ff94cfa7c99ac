//! `/session/:id`: one session with every message and part, its fork actions, where it came
//! from, its siblings, rename in place, and a composer.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use dioxus::prelude::*;

use crate::api::events::Event;
use crate::api::ids::is_session_id;
use crate::api::{self, ApiError, Message, PermissionRequest, QuestionRequest, SessionStatus};
use crate::components::{
    BusyDialog, Composer, DeleteButton, ErrorPanel, ForkOrigin, Loading, MessageView,
    PermissionPrompt, QuestionPrompt, StopButton, TitleEditor,
};
use crate::fork::{is_running, ForkKind, ForkPoint};
use crate::forking::{fork_unnamed, ForkError, WhenBusy};
use crate::lineage::Edge;
use crate::live::{apply, keep_streamed, merge_open_texts, open_texts_key, restore_open_texts};
use crate::platform::{now_ms, WindowListener};
use crate::route::Route;
use crate::session_list::{age, display_title};
use crate::state::{
    client, use_events, use_lineage, use_settings, use_toasts, Shared, StreamStatus, ToastKind,
};
use crate::storage::{self, Area};
use crate::virtual_list::{estimate, slice, View};

/// The element holding the messages, whose children are measured.
const LIST_ID: &str = "messages";
/// The space between two messages (`.messages { gap }` in main.css).
const GAP: f64 = 14.0;

thread_local! {
    /// The fork just made on this page: its session and the messages it copied, shown on its
    /// page at once (buttons held) until the server's answer replaces them.
    static JUST_FORKED: RefCell<Option<(api::Session, Shared<Vec<Message>>)>> = const { RefCell::new(None) };
}

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
    let id_now = id();
    // Loaded for this id (or failed)? Until then a fork made a moment ago shows what it copied.
    let loaded = match &*data.read() {
        Some(Ok((session, _, _))) => session.id == id_now,
        Some(Err(_)) => true,
        None => false,
    };
    let just_forked = JUST_FORKED.with(|j| {
        let mut j = j.borrow_mut();
        if loaded {
            j.take_if(|(s, _)| s.id == id_now);
            None
        } else {
            j.clone().filter(|(s, _)| s.id == id_now)
        }
    });
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

/// The loaded session: header, messages, composer.
#[component]
fn SessionBody(
    session: api::Session,
    messages: Shared<Vec<Message>>,
    /// Messages copied by a fork, shown before the server's answer: no fork action yet.
    #[props(default)]
    provisional: bool,
    /// Whether the server says it is writing a reply here (`None`: it did not say).
    server_busy: Option<bool>,
    on_changed: EventHandler<()>,
) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    // The messages as the event stream updates them; replaced whenever the page refetches,
    // keeping text that streamed in but the server had not stored yet (it died mid-reply).
    // (Not on mount: `live` starts with them, and setting it again would render twice.)
    // The server's word on whether a reply runs is taken with each refetch.
    // Text that streamed into a reply the server then left unfinished (it died mid-reply) is
    // put back: the server stores an open part empty. Not while a reply runs: its next deltas
    // would follow the kept text with a hole between, and the finished part brings it all.
    let mut live = use_signal(|| {
        let mut shown = Vec::clone(&messages);
        if server_busy == Some(false) {
            restore_open_texts(&mut shown, &kept_open_texts(&session.id));
        }
        shown
    });
    let mut busy = use_signal(|| server_busy.unwrap_or_else(|| messages.iter().any(is_running)));
    let mounted = use_hook(|| Rc::new(Cell::new((false, false))));
    let seen = mounted.clone();
    use_effect(use_reactive!(|messages, server_busy| {
        let (m, s) = seen.get();
        seen.set((true, s));
        if m {
            let merged = keep_streamed(&live.peek(), Vec::clone(&messages));
            live.set(merged);
            if let Some(now_busy) = server_busy {
                busy.set(now_busy);
            }
        }
    }));
    // …and kept when the page goes: a reload, the tab closed, another session opened.
    {
        let sid = session.id.clone();
        let keep = move || keep_open_texts(&sid, live);
        let on_hide = keep.clone();
        use_hook(|| Rc::new(WindowListener::new(&["pagehide"], on_hide)));
        use_drop(keep);
    }
    let stream = use_events().status;
    let retry = use_signal(|| None::<(u32, String)>);
    // The session itself follows session.updated (a generated title, a rename elsewhere).
    let mut current_session = use_signal(|| session.clone());
    use_effect(use_reactive!(|session| {
        let (m, s) = mounted.get();
        mounted.set((m, true));
        if s {
            current_session.set(session);
        }
    }));
    let deleted = use_signal(|| false);
    let mut permissions = use_signal(Vec::<PermissionRequest>::new);
    let mut questions = use_signal(Vec::<QuestionRequest>::new);
    let bus = use_events();
    let bus_for_drop = bus.clone();
    let lineage_state = use_lineage();
    let listener = {
        let sid = session.id.clone();
        use_hook(move || {
            bus.listen(move |event| {
                if event.session_id() != Some(sid.as_str()) {
                    return;
                }
                let mut live = live;
                let mut busy = busy;
                let mut permissions = permissions;
                let mut retry = retry;
                let mut questions = questions;
                let mut current_session = current_session;
                let mut deleted = deleted;
                match event {
                    Event::SessionStatus { status, .. } => {
                        busy.set(*status != SessionStatus::Idle);
                        retry.set(match status {
                            SessionStatus::Retry { attempt, message } => {
                                Some((*attempt, message.clone()))
                            }
                            _ => None,
                        });
                    }
                    Event::SessionIdle { .. } => {
                        busy.set(false);
                        retry.set(None);
                    }
                    Event::SessionError { message, .. } => {
                        toasts.push(ToastKind::Error, message.clone())
                    }
                    Event::PermissionAsked(request) => {
                        permissions.write().retain(|p| p.id != request.id);
                        permissions.write().push(request.clone());
                    }
                    Event::PermissionReplied { request_id, .. } => {
                        permissions.write().retain(|p| p.id != *request_id)
                    }
                    Event::SessionUpdated(updated) => current_session.set(updated.clone()),
                    Event::SessionDeleted(_) => {
                        deleted.set(true);
                        lineage_state.mark_deleted(&sid);
                    }
                    Event::QuestionAsked(request) => {
                        questions.write().retain(|q| q.id != request.id);
                        questions.write().push(request.clone());
                    }
                    Event::QuestionDone { request_id, .. } => {
                        questions.write().retain(|q| q.id != *request_id)
                    }
                    other => {
                        // Text arriving means a reply is being written, whatever a status
                        // read a moment earlier said.
                        if matches!(other, Event::PartDelta { .. }) && !*busy.peek() {
                            busy.set(true);
                        }
                        apply(&mut live.write(), &sid, other);
                    }
                }
            })
        })
    };
    use_drop(move || bus_for_drop.unlisten(listener));
    {
        let sid = session.id.clone();
        use_future(move || {
            let client = client(&settings.peek());
            let sid = sid.clone();
            async move {
                let (asked, waiting) =
                    futures_util::join!(client.permissions(), client.questions());
                if let Ok(list) = asked {
                    permissions.set(list.into_iter().filter(|p| p.session_id == sid).collect());
                }
                if let Ok(list) = waiting {
                    questions.set(list.into_iter().filter(|q| q.session_id == sid).collect());
                }
            }
        });
    }
    // A long session renders only what is on screen: the page's scroll position and the
    // heights measured so far decide the slice (see virtual_list). It opens at the newest
    // message and stays there while replies arrive, until the reader scrolls up.
    let mut heights = use_signal(HashMap::<String, f64>::new);
    let view = use_signal(|| View::Bottom { height: 900.0 });
    // Removed with the page (the hook's value drops with it).
    use_hook(|| {
        Rc::new(WindowListener::scroll(move || {
            let Some((top, height, at_end)) = crate::platform::scroll_view(LIST_ID) else {
                return;
            };
            let next = if at_end {
                View::Bottom { height }
            } else {
                View::At { top, height }
            };
            let current = *view.peek();
            let bottom = |v: View| matches!(v, View::Bottom { .. });
            let moved = {
                let messages = live.peek();
                let all = heights_of(&messages, &heights.peek());
                let (a, b) = (slice(&all, current), slice(&all, next));
                (a.start, a.end) != (b.start, b.end)
            };
            if moved || bottom(current) != bottom(next) {
                let mut view = view;
                view.set(next);
            }
        }))
    });
    use_effect(move || {
        let _ = live.read();
        let at_bottom = matches!(*view.read(), View::Bottom { .. });
        let measured = crate::platform::child_heights(LIST_ID, GAP);
        let changed = {
            let known = heights.read();
            measured
                .iter()
                .any(|(id, h)| known.get(id).is_none_or(|old| (old - h).abs() > 0.5))
        };
        if changed {
            heights.write().extend(measured);
        }
        if at_bottom {
            crate::platform::scroll_to_end();
        }
    });

    // Read in place: a streaming reply re-renders this on every delta.
    let messages = live.read();
    let window = slice(&heights_of(&messages, &heights.read()), view());
    let session = current_session.read().clone();

    let mut lineage = use_lineage().0;
    let navigator = use_navigator();
    let mut forking = use_signal(|| None::<ForkPoint>);
    let mut asking = use_signal(|| None::<ForkPoint>);

    let source = session.clone();
    let start_fork = use_callback(move |(point, when_busy): (ForkPoint, WhenBusy)| {
        // One fork at a time: a double click, or a click on another fork button, waits.
        if forking.peek().is_some() {
            return;
        }
        forking.set(Some(point.clone()));
        asking.set(None);
        let client = client(&settings.read());
        let source = source.clone();
        // The page's messages are current while the event stream is live; otherwise (or with
        // a reply running, see fork_from) the fork asks the server for them first.
        let known = (*stream.peek() == StreamStatus::Live).then(|| live.peek().clone());
        spawn(async move {
            match fork_unnamed(&client, &source, known, &point, when_busy, now_ms()).await {
                Ok(mut forked) => {
                    let shown = (forked.session.clone(), Shared::from(forked.copied));
                    JUST_FORKED.with(|j| *j.borrow_mut() = Some(shown));
                    if let Some(stored) = forked.lineage {
                        lineage.set(stored);
                    }
                    if let Some(warning) = forked.warning {
                        toasts.push(ToastKind::Error, warning);
                    }
                    toasts.push(
                        ToastKind::Info,
                        format!("Forked into “{}”.", forked.session.title),
                    );
                    forking.set(None);
                    // Its telling title on the server, in a task that outlives this page, asked
                    // for before the fork's page asks for the session; that page follows the
                    // rename through session.updated anyway.
                    if let Some(naming) = forked.naming.take() {
                        dioxus::dioxus_core::spawn_forever(async move {
                            let _ = naming.apply(&client).await;
                        });
                    }
                    navigator.push(Route::Session {
                        id: forked.session.id,
                    });
                }
                Err(ForkError::Busy) => {
                    forking.set(None);
                    asking.set(Some(point));
                }
                Err(error) => {
                    forking.set(None);
                    toasts.push(ToastKind::Error, error.to_string());
                }
            }
        });
    });

    let now = now_ms();
    let title = display_title(&session.title).to_owned();
    let count = messages.len();
    let graph = lineage.read();
    let origin = graph.parent_of(&session.id).cloned();
    let siblings: Vec<String> = graph
        .siblings(&session.id)
        .into_iter()
        .map(|e| e.child.clone())
        .collect();
    // This session's forks, looked up once: copies of the whole, and those made at a message.
    let (whole_forks, anchored): (Vec<&Edge>, Vec<&Edge>) = graph
        .children(&session.id)
        .into_iter()
        .partition(|e| e.kind == ForkKind::Whole);
    let forks_of = |message_id: &str| -> Vec<Edge> {
        anchored
            .iter()
            .filter(|e| e.anchor.as_deref() == Some(message_id))
            .map(|e| (*e).clone())
            .collect()
    };
    // An unfinished reply counts as running unless the server says it is not writing one (a
    // reply cut off by a crash stays unfinished on the server forever).
    let running = busy() || (server_busy.is_none() && messages.iter().any(is_running));
    let connected = *stream.read() == StreamStatus::Live;
    let current = forking.read().clone();
    // Held while provisional: the messages on screen still carry the source's ids.
    let held = current
        .clone()
        .or_else(|| provisional.then_some(ForkPoint::Whole));

    crate::platform::use_title(format!("{title} · Branchpoint"));
    rsx! {
        header { class: "session-header",
            if let Some(edge) = origin {
                ForkOrigin { session_id: session.id.clone(), edge, siblings }
            }
            TitleEditor { session: session.clone(), on_renamed: move |_| on_changed.call(()) }
            p { class: "muted",
                "{count} messages · updated {age(now, session.time.updated)}"
                if !session.directory.is_empty() { " · {session.directory}" }
                if running { " · writing a reply…" }
            }
            div { class: "session-actions",
                button {
                    r#type: "button",
                    disabled: held.is_some(),
                    aria_busy: current == Some(ForkPoint::Whole),
                    onclick: move |_| start_fork((ForkPoint::Whole, WhenBusy::Ask)),
                    if current == Some(ForkPoint::Whole) { "Forking…" } else { "Fork session" }
                }
                button { r#type: "button", onclick: move |_| on_changed.call(()), "Reload" }
                Link { class: "button", to: Route::Lineage { focus: session.id.clone() }, "Lineage" }
                DeleteButton { session_id: session.id.clone(), title: title.clone() }
            }
            if !whole_forks.is_empty() {
                nav { class: "fork-marker", aria_label: "Copies of this session",
                    span { class: "muted", "Copies of the whole session: " }
                    for edge in whole_forks.iter() {
                        Link { key: "{edge.child}", to: Route::Session { id: edge.child.clone() }, "{edge.child_title}" }
                    }
                }
            }
        }
        if let Some(point) = asking.read().clone() {
            BusyDialog {
                on_stop: {
                    let point = point.clone();
                    move |_| start_fork((point.clone(), WhenBusy::StopFirst))
                },
                on_complete: move |_| start_fork((point.clone(), WhenBusy::CompleteOnly)),
                on_cancel: move |_| asking.set(None),
            }
        }
        if deleted() {
            p { class: "error-panel", role: "alert",
                "This session was deleted on the server. What is on screen is all that is left of it."
            }
        }
        if messages.is_empty() {
            p { class: "empty", "This session has no messages yet." }
        }
        div { class: "messages", id: LIST_ID,
            if window.before > 0.0 {
                div { class: "list-spacer", aria_hidden: "true", style: "height: {window.before}px" }
            }
            for message in messages[window.start..window.end].iter() {
                MessageView {
                    key: "{message.info.id()}",
                    message: message.clone(),
                    now,
                    on_fork: move |point| start_fork((point, WhenBusy::Ask)),
                    forking: held.clone(),
                    forks: forks_of(message.info.id()),
                    interrupted: !running && is_running(message),
                }
            }
            if window.after > 0.0 {
                div { class: "list-spacer", aria_hidden: "true", style: "height: {window.after}px" }
            }
        }
        // Permission prompts sit with the composer, so they are never scrolled out of sight.
        div { class: "composer-dock",
            for request in permissions.read().iter() {
                PermissionPrompt { key: "{request.id}", request: request.clone() }
            }
            for request in questions.read().iter() {
                QuestionPrompt { key: "{request.id}", request: request.clone() }
            }
            if let Some((attempt, message)) = retry.read().clone() {
                p { class: "retry-notice warning", role: "status",
                    "The model's provider failed: {message}. Retrying (attempt {attempt})… Stop gives up."
                }
            }
            if running && connected {
                div { class: "running",
                    span { class: "spinner", aria_hidden: "true" }
                    span { class: "muted", "Writing a reply…" }
                    StopButton { session_id: session.id.clone() }
                }
            } else if running {
                p { class: "running warning", role: "status",
                    "The connection to the server is lost, so the reply stopped arriving here. What came is kept; the page catches up when the server is back."
                }
            }
            Composer { session_id: session.id.clone() }
        }
    }
}

fn kept_open_texts(session_id: &str) -> std::collections::BTreeMap<String, String> {
    storage::get_json(Area::Local, &open_texts_key(session_id)).unwrap_or_default()
}

/// Keeps (or, with none left open, forgets) the text streamed into the open parts shown.
fn keep_open_texts(session_id: &str, live: Signal<Vec<Message>>) {
    // The page may already be gone with its signals: then its last pagehide kept them.
    let Ok(messages) = live.try_peek() else {
        return;
    };
    // Merged with what is kept: another tab on this session may have seen more stream in.
    let mut texts = kept_open_texts(session_id);
    merge_open_texts(&mut texts, &messages);
    let key = open_texts_key(session_id);
    if texts.is_empty() {
        storage::remove(Area::Local, &key);
    } else if let Ok(json) = serde_json::to_string(&texts) {
        // Full storage only costs the text a reload would show: nothing to tell.
        let _ = storage::set(Area::Local, &key, &json);
    }
}

/// Every message's height: measured where it was, estimated where not.
fn heights_of(messages: &[Message], measured: &HashMap<String, f64>) -> Vec<f64> {
    let guess = estimate(measured.values().copied());
    messages
        .iter()
        .map(|m| measured.get(m.info.id()).copied().unwrap_or(guess))
        .collect()
}
