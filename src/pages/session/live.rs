//! [`use_live_session`]: an open session kept current by the event stream — its messages
//! growing delta by delta, whether a reply runs, the provider's retries, permission requests
//! and questions, renames and deletion — and the streamed text kept when the page goes. What a
//! server does not announce is asked for: a message a delta arrives for unannounced, and the
//! newest messages once a reply ends (older servers send deltas and `session.idle` only).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dioxus::prelude::*;
use futures_util::StreamExt;

use crate::api::events::Event;
use crate::api::{
    Message, PermissionRequest, PromptInput, QuestionRequest, Session, SessionStatus,
};
use crate::fork::is_running;
use crate::live::{
    apply, is_text_delta, merge_fetched, merge_newest, reconcile, restore_open_texts, sent,
    unknown_target, HeldDeltas,
};
use crate::persist::open_texts;
use crate::platform::WindowListener;
use crate::shared::Shared;
use crate::state::{client, use_events, use_lineage, use_settings, use_toasts, ToastKind};

/// An open session as the event stream keeps it. Every field is a signal the page reads.
#[derive(Clone, Copy, PartialEq)]
pub struct LiveSession {
    /// The session itself, following `session.updated` (a generated title, a rename elsewhere).
    pub session: Signal<Session>,
    /// Its messages loaded so far (the newest page, and older ones as the reader scrolled up),
    /// growing as replies stream in.
    pub messages: Signal<Vec<Message>>,
    /// Where the page of messages before those loaded starts; `None` once the first is loaded.
    pub older: Signal<Option<String>>,
    /// A stand-in holding the newest of the session's messages only, with no way to load the
    /// older ones (its source's page had not): until the session itself replaces it.
    pub partial: Signal<bool>,
    /// Whether a reply is being written.
    pub busy: Signal<bool>,
    /// The provider failed and the server retries: the attempt and the provider's words.
    pub retry: Signal<Option<(u32, String)>>,
    /// Deleted on the server while open.
    pub deleted: Signal<bool>,
    pub permissions: Signal<Vec<PermissionRequest>>,
    pub questions: Signal<Vec<QuestionRequest>>,
    /// Grows, at most once per animation frame, while text streams into parts. Text arriving
    /// lengthens a part inside `messages` without telling that signal's readers (the whole
    /// page would be drawn again per delta, and a long reply cost its length each time): the
    /// parts being written read this instead, and draw their own text again.
    pub grown: Signal<u64>,
    /// Told of each text delta; bumps `grown` at the next frame.
    frames: Coroutine<()>,
}

/// The least time between two drawings of text streaming in, in ms. Every frame drawn costs
/// the browser's style, layout and paint of the page whatever the text added; at 60 frames a
/// second a long reply cost twenty times one drawing of the whole of it. Text arriving is
/// drawn at the next frame, then not again for this long.
const DRAW_EVERY_MS: u32 = 50;

/// How many of the newest messages a reconcile asks for: a turn's worth, with room to spare.
const RECENT: usize = 30;

/// What the page asks the server for, beyond the events.
enum Fetch {
    /// A message a delta arrived for before the page knew it.
    Message(String),
    /// The newest messages, once a reply has ended.
    Recent,
}

/// Follows `session` live, starting from `messages` as fetched. A refetch (new `messages`, new
/// `session`) replaces what is shown, keeping text that streamed in but the server had not
/// stored yet (it died mid-reply); `server_busy` is the server's word on whether a reply runs.
/// A `stand_in` (a fork's copied messages, which carry its source's ids) is replaced whole by
/// the session as loaded; the session it stood in for may have had another id (a fork being
/// made), so everything here follows the id of the session shown now. A `partial` stand-in
/// holds the newest of the session's messages only.
pub fn use_live_session(
    session: Session,
    messages: Shared<Vec<Message>>,
    older: Option<String>,
    server_busy: Option<bool>,
    stand_in: bool,
    partial: bool,
) -> LiveSession {
    // Text that streamed into a reply the server then left unfinished is put back: the server
    // stores an open part empty. Not while a reply runs: its next deltas would follow the kept
    // text with a hole between, and the finished part brings it all.
    let mut shown = use_signal(|| {
        let mut shown = Vec::clone(&messages);
        if server_busy == Some(false) {
            restore_open_texts(&mut shown, &open_texts::kept(&session.id));
        }
        shown
    });
    let mut busy = use_signal(|| server_busy.unwrap_or_else(|| messages.iter().any(is_running)));
    let mut current = use_signal(|| session.clone());
    let mut cursor = use_signal(|| older.clone());
    let mut newest_only = use_signal(|| stand_in && partial);
    let mut grown = use_signal(|| 0u64);
    let frames = use_coroutine(move |mut deltas: UnboundedReceiver<()>| async move {
        while deltas.next().await.is_some() {
            crate::platform::next_frame().await;
            // Every delta that came before the frame is drawn by it.
            while deltas.try_recv().is_ok() {}
            *grown.write() += 1;
            crate::platform::pause(DRAW_EVERY_MS).await;
        }
    });
    let live = LiveSession {
        session: current,
        messages: shown,
        older: cursor,
        partial: newest_only,
        busy,
        retry: use_signal(|| None),
        deleted: use_signal(|| false),
        permissions: use_signal(Vec::new),
        questions: use_signal(Vec::new),
        grown,
        frames,
    };

    // A refetch brought new messages (the ones the page started with are already shown).
    let started_with = use_hook(|| messages.clone());
    let was_stand_in = use_hook(|| Rc::new(Cell::new(stand_in)));
    let showing_stand_in = was_stand_in.clone();
    use_effect(use_reactive!(|messages, older, server_busy, stand_in| {
        if messages == started_with {
            return;
        }
        if was_stand_in.replace(stand_in) {
            // The session itself, at last: none of the stand-in's messages may stay.
            shown.set(Vec::clone(&messages));
            cursor.set(older);
            newest_only.set(false);
            if let Some(now_busy) = server_busy {
                busy.set(now_busy);
            }
        } else {
            // Only the newest page came again: pages loaded before it stay, and so does the
            // cursor to the page before them.
            let kept_older = older.is_some()
                && match (shown.peek().first(), messages.first()) {
                    (Some(shown), Some(fetched)) => shown.info.id() < fetched.info.id(),
                    _ => false,
                };
            let merged = merge_newest(&shown.peek(), Vec::clone(&messages), older.is_none());
            shown.set(merged);
            if !kept_older {
                cursor.set(older);
            }
            if let Some(now_busy) = server_busy {
                busy.set(now_busy);
            }
        }
    }));
    // The id of the session shown now (it changes when a fork being made is made).
    let sid = use_memo(move || current.read().id.clone());
    let first_session = use_hook(|| session.clone());
    use_effect(use_reactive!(|session| {
        if session != first_session {
            current.set(session);
        }
    }));

    // The streamed text is kept when the page goes: a reload, the tab closed, another session.
    {
        let keep = move || {
            // The page may already be gone with its signals: then its last pagehide kept them.
            if let (Ok(messages), Ok(sid)) = (shown.try_peek(), sid.try_peek()) {
                open_texts::keep(&sid, &messages);
            }
        };
        let on_hide = keep;
        use_hook(|| Rc::new(WindowListener::new(&["pagehide"], on_hide)));
        use_drop(keep);
    }

    // One request at a time, in the page's own scope (it goes with the page).
    let settings = use_settings();
    let held = use_hook(|| Rc::new(RefCell::new(HeldDeltas::default())));
    let recent_asked = use_hook(|| Rc::new(Cell::new(false)));
    let fetcher = use_coroutine({
        let (held, recent_asked) = (held.clone(), recent_asked.clone());
        move |mut jobs: UnboundedReceiver<Fetch>| {
            let (held, recent_asked) = (held.clone(), recent_asked.clone());
            async move {
                while let Some(job) = jobs.next().await {
                    // About the session shown now, in its own directory.
                    let (sid, directory) = {
                        let session = current.peek();
                        (session.id.clone(), session.directory.clone())
                    };
                    let client = client(&settings.peek()).in_directory(&directory);
                    match job {
                        Fetch::Message(message_id) => {
                            let answer = client.message(&sid, &message_id).await;
                            let held = held.borrow_mut().take(&message_id);
                            // Not found (yet): the reconcile at the end of the reply brings it.
                            if let Ok(message) = answer {
                                merge_fetched(&mut shown.write(), message, held);
                            }
                        }
                        Fetch::Recent => {
                            // Cleared first: a reply ending during this fetch asks again.
                            recent_asked.set(false);
                            if let Ok(recent) = client.messages_page(&sid, RECENT, None).await {
                                let mut messages = shown.write();
                                reconcile(&mut messages, recent.messages, RECENT);
                            }
                        }
                    }
                }
            }
        }
    });

    let bus = use_events();
    let lineage = use_lineage();
    let toasts = use_toasts();
    let listener = use_hook({
        let bus = bus.clone();
        move || {
            bus.listen(move |event| {
                let Ok(sid) = sid.try_peek().map(|id| id.clone()) else {
                    return;
                };
                if event.session_id() != Some(sid.as_str()) {
                    return;
                }
                // A stand-in's messages carry another session's ids (a fork's, its source's):
                // the server's word on this session's messages would sit beside them, twice
                // over, until the session as loaded replaces it whole (which brings that word).
                if showing_stand_in.get() && about_messages(event) {
                    return;
                }
                match live.follow(event) {
                    Followed::Error(message) => toasts.push(ToastKind::Error, message),
                    Followed::Deleted => lineage.mark_deleted(&sid),
                    Followed::Unknown(message_id) => {
                        if held.borrow_mut().hold(event) {
                            fetcher.send(Fetch::Message(message_id));
                        }
                    }
                    Followed::Ended => {
                        if !recent_asked.replace(true) {
                            fetcher.send(Fetch::Recent);
                        }
                    }
                    Followed::Applied => {}
                }
            })
        }
    });
    use_drop(move || bus.unlisten(listener));

    // What the reply already asked for before the page opened (asked again if the page comes
    // to show another session: a fork being made, made).
    use_resource(move || {
        // Asked in the session's own directory: the server lists what waits per directory.
        let (sid, directory) = {
            let session = current.read();
            (session.id.clone(), session.directory.clone())
        };
        let client = client(&settings.peek()).in_directory(&directory);
        let (mut permissions, mut questions) = (live.permissions, live.questions);
        async move {
            if !crate::api::ids::is_session_id(&sid) {
                return;
            }
            let (asked, waiting) = futures_util::join!(client.permissions(), client.questions());
            if let Ok(list) = asked {
                permissions.set(list.into_iter().filter(|p| p.session_id == sid).collect());
            }
            if let Ok(list) = waiting {
                questions.set(list.into_iter().filter(|q| q.session_id == sid).collect());
            }
        }
    });
    live
}

/// Whether `event` is about a message or its parts.
fn about_messages(event: &Event) -> bool {
    matches!(
        event,
        Event::MessageUpdated(_)
            | Event::MessageRemoved { .. }
            | Event::PartUpdated { .. }
            | Event::PartDelta { .. }
            | Event::PartRemoved { .. }
    )
}

/// What following an event asks of the page beyond its own signals.
enum Followed {
    Applied,
    /// A delta for a message (or part) the page does not know: held, the message fetched.
    Unknown(String),
    /// The reply the page saw running has ended: the newest messages are asked for.
    Ended,
    /// The server reported an error: shown as a toast.
    Error(String),
    /// The session was deleted on the server.
    Deleted,
}

impl LiveSession {
    /// Shows a message the user just sent (the server has it), unless the server announced it
    /// first; a reply is on its way.
    pub fn show_sent(self, input: &PromptInput) {
        let (mut messages, mut busy) = (self.messages, self.busy);
        let id = self.session.peek().id.clone();
        if let Some(message) = sent(&id, input, crate::platform::now_ms()) {
            let mut list = messages.write();
            if !list.iter().any(|m| m.info.id() == message.info.id()) {
                let at = list.partition_point(|m| m.info.id() < message.info.id());
                list.insert(at, message);
            }
        }
        busy.set(true);
    }

    /// Applies one event about this session.
    fn follow(self, event: &Event) -> Followed {
        let LiveSession {
            session,
            mut messages,
            older,
            mut busy,
            mut retry,
            mut deleted,
            mut permissions,
            mut questions,
            frames,
            partial: _,
            grown: _,
        } = self;
        match event {
            Event::SessionStatus { status, .. } => {
                let was = *busy.peek();
                busy.set(*status != SessionStatus::Idle);
                retry.set(match status {
                    SessionStatus::Retry { attempt, message } => Some((*attempt, message.clone())),
                    _ => None,
                });
                if was && *status == SessionStatus::Idle {
                    return Followed::Ended;
                }
            }
            Event::SessionIdle { .. } => {
                let was = *busy.peek();
                busy.set(false);
                retry.set(None);
                if was {
                    return Followed::Ended;
                }
            }
            Event::SessionError { message, .. } => return Followed::Error(message.clone()),
            Event::PermissionAsked(request) => {
                permissions.write().retain(|p| p.id != request.id);
                permissions.write().push(request.clone());
            }
            Event::PermissionReplied { request_id, .. } => {
                permissions.write().retain(|p| p.id != *request_id)
            }
            Event::SessionUpdated(updated) => {
                let mut session = session;
                session.set(updated.clone());
            }
            Event::SessionDeleted(_) => {
                deleted.set(true);
                return Followed::Deleted;
            }
            Event::QuestionAsked(request) => {
                questions.write().retain(|q| q.id != request.id);
                questions.write().push(request.clone());
            }
            Event::QuestionDone { request_id, .. } => {
                questions.write().retain(|q| q.id != *request_id)
            }
            // A message from before the pages loaded (undone, say) waits until its page is.
            Event::MessageUpdated(info)
                if older.peek().is_some()
                    && messages
                        .peek()
                        .first()
                        .is_some_and(|m| info.id() < m.info.id()) => {}
            other => {
                // Text arriving means a reply is being written, whatever a status read a
                // moment earlier said.
                if matches!(other, Event::PartDelta { .. }) && !*busy.peek() {
                    busy.set(true);
                }
                let id = session.peek().id.clone();
                if let Some(message_id) = unknown_target(&messages.peek(), &id, other) {
                    return Followed::Unknown(message_id.to_owned());
                }
                if is_text_delta(other) {
                    // The one write the list's readers are not told of: the part being
                    // written draws its text again at the next frame (`grown`).
                    #[allow(deprecated)]
                    let grew = apply(&mut messages.write_silent(), &id, other);
                    if grew {
                        frames.send(());
                    }
                } else {
                    apply(&mut messages.write(), &id, other);
                }
            }
        }
        Followed::Applied
    }
}
