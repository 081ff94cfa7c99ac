//! The loaded session on screen: header (fork origin, title, actions, copies), the busy
//! question, the messages in their window, and the dock with prompts and the composer.

use dioxus::prelude::*;

use super::fork::{use_fork_action, ForkAction};
use super::live::{use_live_session, LiveSession};
use super::window::{use_message_window, LIST_ID};
use crate::api::{Message, Session};
use crate::components::{
    BusyDialog, Composer, DeleteButton, ForkOrigin, MessageView, PathStrip, PermissionPrompt,
    QuestionPrompt, RecordedDifferently, StopButton, TitleEditor,
};
use crate::fork::{is_running, ForkPoint, WhenBusy};
use crate::lineage::graph::Note;
use crate::lineage::{Edge, ForkKind};
use crate::platform::now_ms;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{use_events, use_lineage, StreamStatus};
use crate::text::{age, display_title};

/// The loaded session: header, messages, composer.
#[component]
pub fn SessionBody(
    session: Session,
    messages: Shared<Vec<Message>>,
    /// Messages copied by a fork, shown before the server's answer: no fork action yet.
    #[props(default)]
    provisional: bool,
    /// Whether the server says it is writing a reply here (`None`: it did not say).
    server_busy: Option<bool>,
    on_changed: EventHandler<()>,
) -> Element {
    let live = use_live_session(session, messages.clone(), server_busy);
    let window = use_message_window(live.messages);
    let fork = use_fork_action(live);
    let lineage_state = use_lineage();
    let lineage = lineage_state.0;
    // How long its lane is on the map: noted when a message comes or goes, not per delta.
    let count_now = use_memo(move || live.messages.read().len());
    use_effect(move || {
        let n = count_now();
        if !provisional {
            lineage_state.note_messages(&live.session.peek().id, n);
        }
    });

    // Read in place: a streaming reply re-renders this on every delta.
    let messages = live.messages.read();
    let window = window.slice(&messages);
    let session = live.session.read().clone();

    let now = now_ms();
    let title = display_title(&session.title).to_owned();
    let count = messages.len();
    let graph = lineage.read();
    let origin = graph.parent_of(&session.id).cloned();
    let from_server = graph.from_server.contains(&session.id);
    let note = graph.note_of(&session.id).cloned();
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
    let running = (live.busy)() || (server_busy.is_none() && messages.iter().any(is_running));
    let current = fork.current.read().clone();
    // Held while provisional: the messages on screen still carry the source's ids.
    let held = current
        .clone()
        .or_else(|| provisional.then_some(ForkPoint::Whole));
    let mut asking = fork.asking;

    crate::platform::use_title(format!("{title} · Branchpoint"));
    rsx! {
        Header {
            session: session.clone(),
            origin,
            from_server,
            note,
            siblings,
            whole_forks: whole_forks.into_iter().cloned().collect::<Vec<_>>(),
            count,
            running,
            held: held.clone(),
            fork,
            on_changed,
        }
        PathStrip { session_id: session.id.clone() }
        if let Some(point) = asking.read().clone() {
            BusyDialog {
                on_stop: {
                    let point = point.clone();
                    move |_| fork.start(point.clone(), WhenBusy::StopFirst)
                },
                on_complete: move |_| fork.start(point.clone(), WhenBusy::CompleteOnly),
                on_cancel: move |_| asking.set(None),
            }
        }
        if (live.deleted)() {
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
                    on_fork: move |point| fork.start(point, WhenBusy::Ask),
                    forking: held.clone(),
                    forks: forks_of(message.info.id()),
                    interrupted: !running && is_running(message),
                }
            }
            if window.after > 0.0 {
                div { class: "list-spacer", aria_hidden: "true", style: "height: {window.after}px" }
            }
        }
        Dock { live, running, session_id: session.id.clone() }
    }
}

/// The session's header: where it was forked from, its title (renamed in place), counts, its
/// actions, and the copies made of it.
#[component]
fn Header(
    session: Session,
    origin: Option<Edge>,
    from_server: bool,
    note: Option<Note>,
    siblings: Vec<String>,
    whole_forks: Vec<Edge>,
    count: usize,
    running: bool,
    held: Option<ForkPoint>,
    fork: ForkAction,
    on_changed: EventHandler<()>,
) -> Element {
    let now = now_ms();
    let title = display_title(&session.title).to_owned();
    let current = fork.current.read().clone();
    rsx! {
        header { class: "session-header",
            if let Some(edge) = origin {
                ForkOrigin { session_id: session.id.clone(), edge, siblings, from_server, note }
                RecordedDifferently { child: session.id.clone() }
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
                    onclick: move |_| fork.start(ForkPoint::Whole, WhenBusy::Ask),
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
    }
}

/// What sits with the composer, so it is never scrolled out of sight: permission prompts, the
/// model's questions, the provider's retries, the running reply and its Stop.
#[component]
fn Dock(live: LiveSession, running: bool, session_id: String) -> Element {
    let connected = *use_events().status.read() == StreamStatus::Live;
    rsx! {
        div { class: "composer-dock",
            for request in live.permissions.read().iter() {
                PermissionPrompt { key: "{request.id}", request: request.clone() }
            }
            for request in live.questions.read().iter() {
                QuestionPrompt { key: "{request.id}", request: request.clone() }
            }
            if let Some((attempt, message)) = live.retry.read().clone() {
                p { class: "retry-notice warning", role: "status",
                    "The model's provider failed: {message}. Retrying (attempt {attempt})… Stop gives up."
                }
            }
            if running && connected {
                div { class: "running",
                    span { class: "spinner", aria_hidden: "true" }
                    span { class: "muted", "Writing a reply…" }
                    StopButton { session_id: session_id.clone() }
                }
            } else if running {
                p { class: "running warning", role: "status",
                    "The connection to the server is lost, so the reply stopped arriving here. What came is kept; the page catches up when the server is back."
                }
            }
            Composer { session_id }
        }
    }
}
