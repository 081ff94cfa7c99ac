//! The session on screen: header (fork origin, title, actions, copies), the busy question, the
//! messages in their window, and the dock with prompts and the composer. A fork still being
//! made shows here too, from what it copies: its actions wait, its composer takes a draft.

use dioxus::prelude::*;

use super::commands::{use_page_commands, user_messages, PageCommands};
use super::earlier::{use_earlier_pages, EarlierButton};
use super::fork::{use_fork_action, ForkAction};
use super::live::{use_live_session, LiveSession};
use super::undo::{use_undo_action, UndoAction};
use super::window::{use_message_window, LIST_ID};
use super::worktree::{summary, use_worktree_action, use_worktree_of, Stage, WorktreeAction};
use crate::api::ApiError;
use crate::api::{Message, PromptInput, Session};
use crate::changes::{changes_of, closes_turn, turn_changes, TurnChange};
use crate::components::{
    BringBackButton, BusyDialog, BusyFor, Composer, DeleteButton, ErrorPanel, ForkOrigin,
    MessagePicker, MessageView, PathStrip, PermissionPrompt, QuestionPrompt, RecordedDifferently,
    SessionChanges, StopButton, StreamingText, TitleEditor, TodoList, TurnRef, UndoneNotice,
    WorktreeDialog, WorktreeInfo, WorktreePlace,
};
use crate::fork::{is_running, ForkPoint, WhenBusy};
use crate::lineage::graph::Note;
use crate::lineage::LineageGraph;
use crate::lineage::{Edge, ForkKind};
use crate::platform::now_ms;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{
    provide_session_place, use_directory_events, use_events, use_lineage, Making, StreamStatus,
};
use crate::text::message_excerpt;
use crate::text::{age, count as counted, display_title};

/// The session: header, messages, composer.
#[component]
pub fn SessionBody(
    session: Session,
    messages: Shared<Vec<Message>>,
    /// Where the page of messages before `messages` starts (`None`: they are all).
    #[props(default)]
    older: Option<String>,
    /// A stand-in, shown before the server's answer (messages copied by a fork, or a session as
    /// it was): no fork action yet.
    #[props(default)]
    provisional: bool,
    /// A stand-in holding the newest of the session's messages only (its source's page had not
    /// loaded the older ones): windowed like a long session, and said to be partial.
    #[props(default)]
    partial: bool,
    /// The fork being made that this page shows, if it is one.
    #[props(default)]
    making: Option<Making>,
    /// A stand-in shown because the server cannot be reached: why.
    #[props(default)]
    unreachable: Option<ApiError>,
    /// Whether the server says it is writing a reply here (`None`: it did not say).
    server_busy: Option<bool>,
    on_changed: EventHandler<()>,
    /// Asks the server again (after `unreachable`).
    on_retry: EventHandler<()>,
) -> Element {
    // First: every request below is about this session, in its own directory.
    let place = provide_session_place(&session.directory);
    let live = use_live_session(
        session,
        messages.clone(),
        older,
        server_busy,
        provisional,
        partial,
    );
    use_directory_events(place.0);
    use_effect(move || {
        let directory = live.session.read().directory.clone();
        if *place.0.peek() != directory {
            let mut place = place.0;
            place.set(directory);
        }
    });
    let window = use_message_window(live.messages, live.older, live.partial);
    use_context_provider(|| StreamingText {
        messages: live.messages,
        grown: live.grown,
        drawn: Callback::new(move |_| window.keep_end()),
    });
    let earlier = use_earlier_pages(live);
    let fork = use_fork_action(live);
    let undo = use_undo_action(live);
    let worktree = use_worktree_action(live);
    let commands = use_page_commands(live, fork, undo, worktree);
    let turns = use_memo(move || turn_changes(&live.messages.read()));
    let lineage_state = use_lineage();
    let lineage = lineage_state.0;
    // How long its lane is on the map: noted when a message comes or goes, not per delta.
    let count_now = use_memo(move || live.messages.read().len());
    use_effect(move || {
        let n = count_now();
        if !provisional {
            let partial = live.older.peek().is_some() || *live.partial.peek();
            lineage_state.note_messages(&live.session.peek().id, n, partial);
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
    // A fork being made is in no lineage yet: its banner comes from the edge it will get.
    let origin = match &making {
        Some(making) => Some(making.edge.clone()),
        None => graph.parent_of(&session.id).cloned(),
    };
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
    // Undone, as the server reports it: the revert's message and everything after it.
    let revert_at = session.revert.as_ref().and_then(|r| {
        messages
            .iter()
            .position(|m| m.info.id() == r.message_id)
            .map(|at| (at, r.message_id.clone()))
    });
    let kept = revert_at
        .as_ref()
        .and_then(|(_, id)| kept_before_undo(&graph, &session.id, id));
    let undone = |index: usize| {
        revert_at
            .as_ref()
            .filter(|(at, _)| index >= *at)
            .map(|_| kept.clone())
    };
    let undone_first = |index: usize| revert_at.as_ref().is_some_and(|(at, _)| index == *at);
    let forks_of = |index: usize, message_id: &str| -> Vec<Edge> {
        anchored
            .iter()
            .filter(|e| e.anchor.as_deref() == Some(message_id))
            // An undone message says where it is kept already.
            .filter(|e| e.kind != ForkKind::Undo || undone(index).is_none())
            .map(|e| (*e).clone())
            .collect()
    };
    // Branches kept before an undo whose messages have since left this session.
    let gone_undos: Vec<Edge> = anchored
        .iter()
        .filter(|e| e.kind == ForkKind::Undo)
        .filter(|e| {
            !messages
                .iter()
                .any(|m| Some(m.info.id()) == e.anchor.as_deref())
        })
        .map(|e| (*e).clone())
        .collect();
    // Shown once an undo made here is over: the server's word that the session is undone can
    // come first, before the undone message is back in the composer the notice speaks of.
    let notice = revert_at
        .as_ref()
        .filter(|_| !undo.undoing())
        .and_then(|(at, _)| {
            let excerpt = messages
                .get(*at)
                .map(|m| crate::text::excerpt(&message_excerpt(m), 48))?;
            Some((excerpt, kept.clone()))
        });
    // An unfinished reply counts as running unless the server says it is not writing one (a
    // reply cut off by a crash stays unfinished on the server forever).
    let running = (live.busy)() || (server_busy.is_none() && messages.iter().any(is_running));
    let current = fork.current.read().clone();
    // Held while provisional: the messages on screen still carry the source's ids.
    let held = current
        .clone()
        .or_else(|| provisional.then_some(ForkPoint::Whole));
    let mut asking = fork.asking;
    let mut asking_undo = undo.asking;
    let undoing = undo.current.read().clone();
    let place = use_worktree_of(&session, origin.as_ref());
    let worktree_stage = worktree.stage.read().clone();
    let worktree_busy = worktree.busy().then(|| worktree.reading.read().clone());
    let on_worktree = (worktree.unavailable().is_none() && !provisional).then_some(
        EventHandler::new(move |point| worktree.start(point, WhenBusy::Ask)),
    );

    let pending = making.is_some();
    crate::platform::use_title(format!("{title} · Branchpoint"));
    rsx! {
        if let Some(error) = unreachable {
            ErrorPanel {
                error,
                on_retry: move |_| on_retry.call(()),
            }
        }
        Header {
            session: session.clone(),
            pending,
            origin,
            from_server,
            note,
            siblings,
            whole_forks: whole_forks.into_iter().cloned().collect::<Vec<_>>(),
            gone_undos,
            turns: turns(),
            count,
            partial: live.older.read().is_some() || *live.partial.read(),
            running,
            held: held.clone(),
            fork,
            worktree,
            place,
            commands,
            on_changed,
        }
        PathStrip { session_id: session.id.clone() }
        if (commands.picking)() {
            MessagePicker {
                messages: user_messages(&messages),
                on_pick: move |id: String| {
                    let mut picking = commands.picking;
                    picking.set(false);
                    fork.start(ForkPoint::Before(id), WhenBusy::Ask);
                },
                on_cancel: move |_| {
                    let mut picking = commands.picking;
                    picking.set(false);
                },
            }
        }
        match worktree_stage {
            Stage::Busy(point) => rsx! {
                BusyDialog {
                    what: BusyFor::Fork,
                    on_stop: {
                        let point = point.clone();
                        move |_| worktree.start(point.clone(), WhenBusy::StopFirst)
                    },
                    on_complete: move |_| worktree.start(point.clone(), WhenBusy::CompleteOnly),
                    on_cancel: move |_| worktree.cancel(),
                }
            },
            Stage::Confirm(prepared) => rsx! {
                WorktreeDialog {
                    summary: summary(&prepared),
                    steps: Vec::new(),
                    on_confirm: move |_| worktree.confirm(),
                    on_cancel: move |_| worktree.cancel(),
                }
            },
            Stage::Running(prepared, steps) => rsx! {
                WorktreeDialog {
                    summary: summary(&prepared),
                    steps,
                    on_confirm: |_| {},
                    on_cancel: |_| {},
                }
            },
            Stage::Idle => rsx! {},
        }
        if let Some(message_id) = asking_undo.read().clone() {
            BusyDialog {
                what: BusyFor::Undo,
                on_stop: move |_| undo.start(message_id.clone(), WhenBusy::StopFirst),
                on_cancel: move |_| asking_undo.set(None),
            }
        }
        if let Some(point) = asking.read().clone() {
            BusyDialog {
                what: BusyFor::Fork,
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
        EarlierButton { live, load: earlier }
        div { class: "messages", id: LIST_ID,
            if window.before > 0.0 {
                div { class: "list-spacer", aria_hidden: "true", style: "height: {window.before}px" }
            }
            for (index, message) in (window.start..window.end).zip(messages.get(window.start..window.end).unwrap_or_default().iter()) {
                MessageView {
                    key: "{message.info.id()}",
                    message: message.clone(),
                    now,
                    on_fork: move |point| fork.start(point, WhenBusy::Ask),
                    forking: held.clone(),
                    forks: forks_of(index, message.info.id()),
                    interrupted: !running && is_running(message),
                    changes: turn_ref(&messages, index, &session.id),
                    on_undo: (!provisional).then_some(EventHandler::new(move |id: String| undo.start(id, WhenBusy::Ask))),
                    undoing: undoing.clone(),
                    undone: undone(index),
                    undone_first: undone_first(index),
                    on_worktree,
                    worktree_busy: worktree_busy.clone(),
                }
            }
            if window.after > 0.0 {
                div { class: "list-spacer", aria_hidden: "true", style: "height: {window.after}px" }
            }
        }
        Dock { live, running, pending, session_id: session.id.clone(), undo, notice, commands }
    }
}

/// The change line a message carries: the files its turn changed, when it closes the turn.
fn turn_ref(messages: &[Message], index: usize, session_id: &str) -> Option<TurnRef> {
    let user = closes_turn(messages, index)?;
    let changes = changes_of(user);
    (!changes.is_empty()).then(|| TurnRef {
        session_id: session_id.to_owned(),
        message_id: user.info.id().to_owned(),
        changes: changes.to_vec(),
    })
}

/// The branch an undo from `message_id` kept (the newest, if it was undone more than once).
fn kept_before_undo(graph: &LineageGraph, session: &str, message_id: &str) -> Option<Edge> {
    graph
        .children(session)
        .into_iter()
        .rfind(|e| e.kind == ForkKind::Undo && e.anchor.as_deref() == Some(message_id))
        .cloned()
}

/// The session's header: where it was forked from, its title (renamed in place), counts, its
/// actions, and the copies made of it.
#[component]
fn Header(
    session: Session,
    /// A fork still being made: shown with what it will be, no action on it yet.
    pending: bool,
    origin: Option<Edge>,
    from_server: bool,
    note: Option<Note>,
    siblings: Vec<String>,
    whole_forks: Vec<Edge>,
    /// Branches kept before an undo whose messages this session no longer has.
    gone_undos: Vec<Edge>,
    /// The turns that changed files.
    turns: Vec<TurnChange>,
    count: usize,
    /// Older messages are still to be loaded.
    partial: bool,
    running: bool,
    held: Option<ForkPoint>,
    fork: ForkAction,
    worktree: WorktreeAction,
    /// Where the session's code lives, when in a worktree.
    place: Option<WorktreeInfo>,
    commands: PageCommands,
    on_changed: EventHandler<()>,
) -> Element {
    let now = now_ms();
    let title = display_title(&session.title).to_owned();
    let current = fork.current.read().clone();
    let unavailable = worktree.unavailable();
    let reading_whole = worktree.busy() && *worktree.reading.read() == Some(ForkPoint::Whole);
    // A worktree fork can take its changes back to the session it was forked from.
    let back_to = origin
        .as_ref()
        .filter(|_| place.is_some())
        .map(|e| (e.parent.clone(), e.parent_title.clone()));
    rsx! {
        header { class: "session-header",
            if let Some(edge) = origin {
                ForkOrigin { session_id: session.id.clone(), edge, siblings, from_server, note }
                RecordedDifferently { child: session.id.clone() }
            }
            if pending {
                div { class: "title-row", h1 { "{title}" } }
                p { class: "muted forking", role: "status", aria_busy: "true",
                    span { class: "spinner", aria_hidden: "true" }
                    if partial {
                        " Forking… the server is copying these {counted(count, \"message\")} and the earlier ones before them."
                    } else {
                        " Forking… the server is copying {counted(count, \"message\")}."
                    }
                    " You can write your next message meanwhile: it is sent once the fork exists."
                }
            } else {
                TitleEditor { session: session.clone(), on_renamed: move |_| on_changed.call(()), open: commands.edit_title }
            }
            if let Some(info) = place.clone() {
                WorktreePlace { info }
            }
            p { class: "muted", hidden: pending,
                if partial {
                    "the newest {count} messages (earlier ones load as you scroll up)"
                } else {
                    "{count} messages"
                }
                " · updated {age(now, session.time.updated)}"
                // A worktree's directory is said just above, with its name.
                if !session.directory.is_empty() && place.is_none() { " · {session.directory}" }
                if running { " · writing a reply…" }
            }
            if !pending {
                SessionChanges { session_id: session.id.clone(), turns, partial }
            }
            div { class: "session-actions", hidden: pending,
                button {
                    r#type: "button",
                    disabled: held.is_some(),
                    aria_busy: current == Some(ForkPoint::Whole),
                    onclick: move |_| fork.start(ForkPoint::Whole, WhenBusy::Ask),
                    if current == Some(ForkPoint::Whole) { "Forking…" } else { "Fork session" }
                }
                button {
                    r#type: "button",
                    disabled: held.is_some() || worktree.busy() || unavailable.is_some(),
                    aria_busy: reading_whole,
                    aria_describedby: unavailable.as_ref().map(|_| "worktree-unavailable"),
                    title: unavailable.clone().unwrap_or_else(|| "A copy of the whole session in a git worktree of its own, holding the code as the session left it".to_owned()),
                    onclick: move |_| worktree.start(ForkPoint::Whole, WhenBusy::Ask),
                    if reading_whole { "Reading what to carry…" } else { "Fork into worktree" }
                }
                if let Some(reason) = unavailable.clone() {
                    span { id: "worktree-unavailable", class: "visually-hidden", "{reason}" }
                }
                if let Some((source_id, source_title)) = back_to {
                    BringBackButton { fork: session.clone(), source_id, source_title }
                }
                button { r#type: "button", onclick: move |_| on_changed.call(()), "Reload" }
                Link { class: "button", to: Route::Lineage { focus: session.id.clone() }, "Lineage" }
                DeleteButton { session_id: session.id.clone(), title: title.clone(), worktree: place.clone(), ask: commands.deleting }
            }
            if !whole_forks.is_empty() {
                nav { class: "fork-marker", aria_label: "Copies of this session",
                    span { class: "muted", "Copies of the whole session: " }
                    for edge in whole_forks.iter() {
                        Link { key: "{edge.child}", to: Route::Session { id: edge.child.clone() }, "{edge.child_title}" }
                    }
                }
            }
            if !gone_undos.is_empty() {
                nav { class: "fork-marker", aria_label: "Kept before an undo",
                    span { class: "muted", "Undone turns, kept as: " }
                    for edge in gone_undos.iter() {
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
fn Dock(
    live: LiveSession,
    running: bool,
    pending: bool,
    session_id: String,
    undo: UndoAction,
    /// While undone: the excerpt of the message undone from, and the branch keeping it.
    notice: Option<(String, Option<Edge>)>,
    commands: PageCommands,
) -> Element {
    let connected = *use_events().status.read() == StreamStatus::Live;
    let composer = (undo.composer)();
    // Changes when a message comes, not on every delta.
    let newest = use_memo(move || live.messages.read().last().map(|m| m.info.id().to_owned()));
    rsx! {
        div { class: "composer-dock",
            if let Some((excerpt, kept)) = notice {
                UndoneNotice { excerpt, kept, redoing: undo.redoing(), on_redo: move |_| undo.redo() }
            }
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
            TodoList { session_id: session_id.clone() }
            // A list of one, keyed by the count: when what is kept changed under it, the
            // composer is made again from what is kept (a key alone does not remount).
            for epoch in std::iter::once(composer) {
                Composer {
                    key: "{epoch}",
                    session_id: session_id.clone(),
                    waiting: pending.then(|| "Send waits until the fork is made; your text is kept.".to_owned()),
                    newest: newest(),
                    on_sent: move |input: PromptInput| live.show_sent(&input),
                    on_builtin: move |(builtin, arguments)| commands.builtin(builtin, arguments),
                }
            }
        }
    }
}
