//! `/session/:id`: one session with every message and part, its fork actions, where it came
//! from, its siblings, rename in place, and a composer.

use dioxus::prelude::*;

use crate::api::events::Event;
use crate::api::ids::is_session_id;
use crate::api::{
    self, ApiError, Message, PermissionReply, PermissionRequest, PromptInput, QuestionRequest,
    SessionStatus,
};
use crate::components::{ErrorPanel, Loading, MessageView};
use crate::fork::{is_running, ForkKind, ForkPoint};
use crate::forking::{draft_files, draft_files_key, draft_key, fork_session, ForkError, WhenBusy};
use crate::lineage::{store, Lineage};
use crate::live::apply;
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::age;
use crate::state::{
    client, use_catalog, use_events, use_lineage, use_settings, use_toasts, ToastKind,
};
use crate::storage::{self, Area};

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
        Some(Ok((session, messages))) => rsx! {
            SessionBody {
                key: "{session.id}",
                session: session.clone(),
                messages: messages.clone(),
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
    messages: Vec<Message>,
    on_changed: EventHandler<()>,
) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    // The messages as the event stream updates them; reset whenever the page refetches.
    let mut live = use_signal(|| messages.clone());
    use_effect(use_reactive!(|messages| live.set(messages)));
    let busy = use_signal(|| messages.iter().any(is_running));
    let retry = use_signal(|| None::<(u32, String)>);
    // The session itself follows session.updated (a generated title, a rename elsewhere).
    let mut current_session = use_signal(|| session.clone());
    use_effect(use_reactive!(|session| current_session.set(session)));
    let deleted = use_signal(|| false);
    let mut permissions = use_signal(Vec::<PermissionRequest>::new);
    let mut questions = use_signal(Vec::<QuestionRequest>::new);
    let bus = use_events();
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
                    Event::SessionDeleted(_) => deleted.set(true),
                    Event::QuestionAsked(request) => {
                        questions.write().retain(|q| q.id != request.id);
                        questions.write().push(request.clone());
                    }
                    Event::QuestionDone { request_id, .. } => {
                        questions.write().retain(|q| q.id != *request_id)
                    }
                    other => {
                        apply(&mut live.write(), &sid, other);
                    }
                }
            })
        })
    };
    let bus_for_drop = use_events();
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
    let messages = live.read().clone();
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
        spawn(async move {
            match fork_session(&client, &source, &point, when_busy, now_ms()).await {
                Ok(forked) => {
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
    let title = if session.title.is_empty() {
        "Untitled session".to_owned()
    } else {
        session.title.clone()
    };
    let count = messages.len();
    let graph = lineage.read().clone();
    let forks_of = |message_id: &str| -> Vec<crate::lineage::Edge> {
        graph
            .children(&session.id)
            .into_iter()
            .filter(|e| e.kind != ForkKind::Whole && e.anchor.as_deref() == Some(message_id))
            .cloned()
            .collect()
    };
    let whole_forks: Vec<crate::lineage::Edge> = graph
        .children(&session.id)
        .into_iter()
        .filter(|e| e.kind == ForkKind::Whole)
        .cloned()
        .collect();
    let running = busy() || messages.iter().any(is_running);
    let current = forking.read().clone();

    crate::platform::use_title(format!("{title} · Branchpoint"));
    rsx! {
        header { class: "session-header",
            ForkOrigin { session_id: session.id.clone(), lineage: graph.clone() }
            TitleEditor { session: session.clone(), on_renamed: move |_| on_changed.call(()) }
            p { class: "muted",
                "{count} messages · updated {age(now, session.time.updated)}"
                if !session.directory.is_empty() { " · {session.directory}" }
                if running { " · writing a reply…" }
            }
            div { class: "session-actions",
                button {
                    r#type: "button",
                    disabled: current.is_some(),
                    aria_busy: current == Some(ForkPoint::Whole),
                    onclick: move |_| start_fork((ForkPoint::Whole, WhenBusy::Ask)),
                    if current == Some(ForkPoint::Whole) { "Forking…" } else { "Fork session" }
                }
                button { r#type: "button", onclick: move |_| on_changed.call(()), "Reload" }
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
        div { class: "messages",
            for message in messages.iter() {
                MessageView {
                    key: "{message.info.id()}",
                    message: message.clone(),
                    now,
                    on_fork: move |point| start_fork((point, WhenBusy::Ask)),
                    forking: current.clone(),
                    forks: forks_of(message.info.id()),
                }
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
            if running {
                div { class: "running",
                    span { class: "spinner", aria_hidden: "true" }
                    span { class: "muted", "Writing a reply…" }
                    StopButton { session_id: session.id.clone() }
                }
            }
            Composer { session_id: session.id.clone() }
        }
    }
}

/// "Forked from …" with the fork point, and the switcher between sibling forks.
#[component]
fn ForkOrigin(session_id: String, lineage: Lineage) -> Element {
    let Some(edge) = lineage.parent_of(&session_id).cloned() else {
        return rsx! {};
    };
    let siblings: Vec<String> = lineage
        .siblings(&session_id)
        .into_iter()
        .map(|e| e.child.clone())
        .collect();
    let position = siblings.iter().position(|s| *s == session_id).unwrap_or(0);
    let parent_title = if edge.parent_title.is_empty() {
        edge.parent.clone()
    } else {
        edge.parent_title.clone()
    };
    let point = match edge.kind {
        ForkKind::Whole => "a copy of the whole session".to_owned(),
        ForkKind::Through => format!("after “{}”", edge.excerpt),
        ForkKind::Before => format!("editing “{}”", edge.excerpt),
    };
    let previous = position
        .checked_sub(1)
        .and_then(|i| siblings.get(i))
        .cloned();
    let next = siblings.get(position + 1).cloned();
    rsx! {
        div { class: "fork-banner", role: "note",
            crate::components::ForkIcon {}
            span {
                "Forked from "
                Link { to: Route::Session { id: edge.parent.clone() }, "{parent_title}" }
                span { class: "muted", " · {point}" }
            }
            if siblings.len() > 1 {
                nav { class: "siblings", aria_label: "Sibling forks",
                    if let Some(previous) = previous {
                        Link { to: Route::Session { id: previous }, aria_label: "Previous sibling fork", "‹" }
                    } else {
                        span { class: "disabled", aria_hidden: "true", "‹" }
                    }
                    span { class: "sibling-count", "{position + 1} / {siblings.len()}" }
                    if let Some(next) = next {
                        Link { to: Route::Session { id: next }, aria_label: "Next sibling fork", "›" }
                    } else {
                        span { class: "disabled", aria_hidden: "true", "›" }
                    }
                }
            }
        }
    }
}

/// The title, renamed in place: Enter saves, Escape cancels.
#[component]
fn TitleEditor(session: api::Session, on_renamed: EventHandler<()>) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let mut lineage = use_lineage().0;
    let mut editing = use_signal(|| false);
    let mut draft = use_signal(|| session.title.clone());
    let mut saving = use_signal(|| false);
    let title = if session.title.is_empty() {
        "Untitled session".to_owned()
    } else {
        session.title.clone()
    };
    let id = session.id.clone();
    let mut save = move || {
        let new_title = draft.peek().trim().to_owned();
        if new_title.is_empty() {
            toasts.push(ToastKind::Error, "A title cannot be empty.");
            return;
        }
        saving.set(true);
        let client = client(&settings.read());
        let id = id.clone();
        spawn(async move {
            match client.rename_session(&id, &new_title).await {
                Ok(renamed) => {
                    if let Ok(stored) = store::update(|l| {
                        l.set_title(&renamed.id, &renamed.title);
                    }) {
                        lineage.set(stored);
                    }
                    editing.set(false);
                    on_renamed.call(());
                }
                Err(error) => toasts.push(ToastKind::Error, format!("Could not rename: {error}")),
            }
            saving.set(false);
        });
    };
    if editing() {
        rsx! {
            form {
                class: "title-editor",
                onsubmit: move |e: FormEvent| {
                    e.prevent_default();
                    save();
                },
                input {
                    aria_label: "Session title",
                    value: "{draft}",
                    disabled: saving(),
                    oninput: move |e| draft.set(e.value()),
                    onkeydown: move |e: KeyboardEvent| {
                        if e.key() == Key::Escape {
                            editing.set(false);
                        }
                    },
                    onmounted: move |e: MountedEvent| async move {
                        let _ = e.set_focus(true).await;
                    },
                }
                button { r#type: "submit", class: "primary", disabled: saving(), "Save title" }
                button { r#type: "button", onclick: move |_| editing.set(false), "Cancel" }
            }
        }
    } else {
        let current = session.title.clone();
        rsx! {
            div { class: "title-row",
                h1 { "{title}" }
                button {
                    r#type: "button",
                    class: "link-button",
                    aria_label: "Rename session",
                    onclick: move |_| {
                        draft.set(current.clone());
                        editing.set(true);
                    },
                    "Rename"
                }
            }
        }
    }
}

/// The ask when forking a session that is still writing a reply.
#[component]
fn BusyDialog(
    on_stop: EventHandler<()>,
    on_complete: EventHandler<()>,
    on_cancel: EventHandler<()>,
) -> Element {
    rsx! {
        div {
            class: "dialog",
            role: "dialog",
            aria_modal: "true",
            aria_labelledby: "busy-title",
            onkeydown: move |e: KeyboardEvent| {
                if e.key() == Key::Escape {
                    on_cancel.call(());
                }
            },
            h2 { id: "busy-title", "This session is still writing a reply" }
            p { "Stop the reply and fork everything, or fork only what is complete and let it run." }
            div { class: "actions",
                button {
                    r#type: "button",
                    class: "primary",
                    onmounted: move |e: MountedEvent| async move {
                        let _ = e.set_focus(true).await;
                    },
                    onclick: move |_| on_stop.call(()),
                    "Stop and fork"
                }
                button { r#type: "button", onclick: move |_| on_complete.call(()), "Fork what is complete" }
                button { r#type: "button", onclick: move |_| on_cancel.call(()), "Cancel" }
            }
        }
    }
}

/// The message box. Its text is kept per session until it is sent, so a reload or a failed
/// send loses nothing; "Edit and resend" leaves its text here, focused.
#[component]
fn Composer(session_id: String) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let key = draft_key(&session_id);
    let files_key = draft_files_key(&session_id);
    let initial = storage::get(Area::Local, &key).unwrap_or_default();
    let initial_files = draft_files(&session_id);
    let had_draft = !initial.is_empty() || !initial_files.is_empty();
    let mut text = use_signal(|| initial);
    let mut files = use_signal(|| initial_files);
    let mut sending = use_signal(|| false);
    let catalog = use_catalog();
    let mut agent = use_signal(String::new);
    let mut model = use_signal(String::new);
    let agents: Vec<api::Agent> = match &*catalog.agents.read() {
        Some(Ok(list)) => list
            .iter()
            .filter(|a| a.mode != "subagent" && a.hidden != Some(true))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let (models, no_model): (Vec<(String, String)>, Option<String>) = match &*catalog
        .providers
        .read()
    {
        Some(Ok(p)) => {
            let models: Vec<(String, String)> = p
                .providers
                .iter()
                .flat_map(|provider| {
                    provider.models.values().map(move |m| {
                        let name = if m.name.is_empty() { &m.id } else { &m.name };
                        (
                            format!("{}/{}", provider.id, m.id),
                            format!("{} · {name}", provider.name),
                        )
                    })
                })
                .collect();
            let loaded = !p.providers.is_empty()
                || catalog
                    .agents
                    .read()
                    .as_ref()
                    .is_some_and(|a| a.as_ref().is_ok_and(|l| !l.is_empty()));
            let none = (loaded && models.is_empty()).then(|| {
                "This server has no model to answer with. Configure a provider for OpenCode (for example `opencode auth login`), then reload.".to_owned()
            });
            (models, none)
        }
        // A failed look-up must not stop the user from sending with the server's defaults.
        Some(Err(_)) | None => (Vec::new(), None),
    };
    // A kept draft (from "Edit and resend", or typed before a reload) is where the user goes on.
    use_effect(move || {
        if had_draft {
            crate::platform::focus("composer-input");
        }
    });
    let store_key = key.clone();
    let id = session_id.clone();
    let send = use_callback(move |()| {
        let prompt = text.peek().trim().to_owned();
        if (prompt.is_empty() && files.peek().is_empty()) || *sending.peek() {
            return;
        }
        sending.set(true);
        let client = client(&settings.read());
        let id = id.clone();
        let key = key.clone();
        let files_key = files_key.clone();
        spawn(async move {
            let mut input = PromptInput::default();
            if !prompt.is_empty() {
                input.parts.push(api::PartInput::Text { text: prompt });
            }
            input
                .parts
                .extend(files.peek().iter().map(|f| api::PartInput::File {
                    mime: f.mime.clone(),
                    url: f.url.clone(),
                    filename: f.filename.clone(),
                }));
            input.agent = Some(agent.peek().clone()).filter(|a| !a.is_empty());
            input.model = model
                .peek()
                .split_once('/')
                .map(|(provider, model)| api::ModelRef {
                    provider_id: provider.to_owned(),
                    model_id: model.to_owned(),
                });
            match client.prompt_async(&id, &input).await {
                Ok(()) => {
                    // The message and the reply arrive over the event stream.
                    storage::remove(Area::Local, &key);
                    storage::remove(Area::Local, &files_key);
                    text.set(String::new());
                    files.set(Vec::new());
                }
                Err(error) => toasts.push(
                    ToastKind::Error,
                    format!("Not sent (your text is kept): {error}"),
                ),
            }
            sending.set(false);
        });
    });
    rsx! {
        form {
            class: "composer",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                send(());
            },
            div { class: "pickers",
                select {
                    aria_label: "Agent",
                    onfocus: move |_| catalog.load(&settings.read()),
                    onmousedown: move |_| catalog.load(&settings.read()),
                    onchange: move |e| agent.set(e.value()),
                    option { value: "", selected: agent.read().is_empty(), "Default agent" }
                    for a in agents.iter() {
                        option { key: "{a.name}", value: "{a.name}", selected: *agent.read() == a.name, "{a.name}" }
                    }
                }
                select {
                    aria_label: "Model",
                    onfocus: move |_| catalog.load(&settings.read()),
                    onmousedown: move |_| catalog.load(&settings.read()),
                    onchange: move |e| model.set(e.value()),
                    option { value: "", selected: model.read().is_empty(), "Default model" }
                    for (value, label) in models.iter() {
                        option { key: "{value}", value: "{value}", selected: *model.read() == *value, "{label}" }
                    }
                }
                if let Some(reason) = &no_model {
                    p { class: "notice failed", role: "alert", "{reason}" }
                }
            }
            if !files.read().is_empty() {
                ul { class: "attachments", aria_label: "Attached files",
                    for (i, file) in files.read().iter().enumerate() {
                        li { key: "{file.url}",
                            "📄 {file.filename.clone().unwrap_or_else(|| file.url.clone())}"
                            button {
                                r#type: "button",
                                class: "link-button",
                                aria_label: "Remove {file.filename.clone().unwrap_or_default()}",
                                onclick: {
                                    let files_key = draft_files_key(&session_id);
                                    move |_| {
                                        files.write().remove(i);
                                        let json = serde_json::to_string(&*files.peek()).unwrap_or_default();
                                        let _ = storage::set(Area::Local, &files_key, &json);
                                    }
                                },
                                "×"
                            }
                        }
                    }
                }
            }
            label { r#for: "composer-input", class: "visually-hidden", "Message" }
            textarea {
                id: "composer-input",
                disabled: no_model.is_some(),
                rows: "3",
                placeholder: "Write a message… (Enter sends, Shift+Enter breaks the line)",
                value: "{text}",
                oninput: move |e| {
                    let value = e.value();
                    if value.is_empty() {
                        storage::remove(Area::Local, &store_key);
                    } else if let Err(problem) = storage::set(Area::Local, &store_key, &value) {
                        toasts.push(ToastKind::Error, format!("Your draft is not saved: {problem}."));
                    }
                    text.set(value);
                },
                onkeydown: move |e: KeyboardEvent| {
                    if e.key() == Key::Enter && !e.modifiers().shift() {
                        e.prevent_default();
                        send(());
                    }
                },
            }
            button { r#type: "submit", class: "primary", disabled: sending() || no_model.is_some(), if sending() { "Sending…" } else { "Send" } }
        }
    }
}

/// Stops the reply being written.
#[component]
fn StopButton(session_id: String) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let mut stopping = use_signal(|| false);
    rsx! {
        button {
            r#type: "button",
            class: "danger",
            disabled: stopping(),
            onclick: move |_| {
                stopping.set(true);
                let client = client(&settings.read());
                let id = session_id.clone();
                spawn(async move {
                    if let Err(error) = client.abort(&id).await {
                        toasts.push(ToastKind::Error, format!("Could not stop the reply: {error}"));
                    }
                    stopping.set(false);
                });
            },
            if stopping() { "Stopping…" } else { "Stop" }
        }
    }
}

/// Deletes the session, after asking.
#[component]
fn DeleteButton(session_id: String, title: String) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let navigator = use_navigator();
    let mut confirming = use_signal(|| false);
    let mut deleting = use_signal(|| false);
    let delete = move |_| {
        deleting.set(true);
        let client = client(&settings.read());
        let id = session_id.clone();
        spawn(async move {
            match client.delete_session(&id).await {
                Ok(_) => {
                    toasts.push(ToastKind::Info, "Session deleted.");
                    navigator.push(Route::Sessions {});
                }
                Err(error) => toasts.push(ToastKind::Error, format!("Could not delete: {error}")),
            }
            deleting.set(false);
            confirming.set(false);
        });
    };
    rsx! {
        button { r#type: "button", onclick: move |_| confirming.set(true), "Delete" }
        if confirming() {
            div {
                class: "dialog",
                role: "alertdialog",
                aria_modal: "true",
                aria_labelledby: "delete-title",
                onkeydown: move |e: KeyboardEvent| {
                    if e.key() == Key::Escape {
                        confirming.set(false);
                    }
                },
                h2 { id: "delete-title", "Delete “{title}”?" }
                p { "The session and its messages are removed from the server. This cannot be undone." }
                div { class: "actions",
                    button {
                        r#type: "button",
                        class: "danger",
                        disabled: deleting(),
                        onclick: delete,
                        if deleting() { "Deleting…" } else { "Delete session" }
                    }
                    button {
                        r#type: "button",
                        onmounted: move |e: MountedEvent| async move {
                            let _ = e.set_focus(true).await;
                        },
                        onclick: move |_| confirming.set(false),
                        "Keep it"
                    }
                }
            }
        }
    }
}

/// A tool asking to run: Allow once, Always, or Reject.
#[component]
fn PermissionPrompt(request: PermissionRequest) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let mut answering = use_signal(|| false);
    let what = if request.patterns.is_empty() {
        request.permission.clone()
    } else {
        request.patterns.join(", ")
    };
    let id = request.id.clone();
    let answer = use_callback(move |reply: PermissionReply| {
        answering.set(true);
        let client = client(&settings.read());
        let id = id.clone();
        spawn(async move {
            if let Err(error) = client.reply_permission(&id, reply).await {
                toasts.push(
                    ToastKind::Error,
                    format!("The answer did not reach the server: {error}"),
                );
            }
            answering.set(false);
        });
    });
    rsx! {
        section { class: "permission", role: "alert", aria_label: "Permission request",
            p {
                strong { "{request.permission}" }
                " wants to run: "
                code { "{what}" }
            }
            div { class: "actions",
                button { r#type: "button", class: "primary", disabled: answering(), onclick: move |_| answer(PermissionReply::Once), "Allow once" }
                button { r#type: "button", disabled: answering(), onclick: move |_| answer(PermissionReply::Always), "Always" }
                button { r#type: "button", class: "danger", disabled: answering(), onclick: move |_| answer(PermissionReply::Reject), "Reject" }
            }
        }
    }
}

/// The model's questions: pick an option (or several), type your own where allowed, or dismiss.
#[component]
fn QuestionPrompt(request: QuestionRequest) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let count = request.questions.len();
    let mut picked = use_signal(|| vec![Vec::<String>::new(); count]);
    let mut typed = use_signal(|| vec![String::new(); count]);
    let mut sending = use_signal(|| false);
    let id = request.id.clone();
    let submit = use_callback(move |reject: bool| {
        let answers: Vec<Vec<String>> = picked
            .peek()
            .iter()
            .zip(typed.peek().iter())
            .map(|(labels, own)| {
                let mut answer = labels.clone();
                if !own.trim().is_empty() {
                    answer.push(own.trim().to_owned());
                }
                answer
            })
            .collect();
        if !reject && answers.iter().any(Vec::is_empty) {
            toasts.push(ToastKind::Error, "Answer every question, or dismiss them.");
            return;
        }
        sending.set(true);
        let client = client(&settings.read());
        let id = id.clone();
        spawn(async move {
            let result = if reject {
                client.reject_question(&id).await
            } else {
                client.reply_question(&id, &answers).await
            };
            if let Err(error) = result {
                toasts.push(
                    ToastKind::Error,
                    format!("The answer did not reach the server: {error}"),
                );
            }
            sending.set(false);
        });
    });
    rsx! {
        form {
            class: "question",
            aria_label: "Question from the model",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                submit(false);
            },
            for (i, q) in request.questions.iter().enumerate() {
                fieldset { key: "{i}",
                    legend { strong { "{q.header}" } " {q.question}" }
                    for option in q.options.iter() {
                        label { key: "{option.label}", class: "checkbox",
                            input {
                                r#type: if q.multiple == Some(true) { "checkbox" } else { "radio" },
                                name: "question-{request.id}-{i}",
                                checked: picked.read()[i].contains(&option.label),
                                // A click (or Space, which clicks) toggles: it fires for radios and
                                // checkboxes alike, whatever the change event carries.
                                onclick: {
                                    let label = option.label.clone();
                                    let multiple = q.multiple == Some(true);
                                    move |_| {
                                        let mut all = picked.write();
                                        let had = all[i].contains(&label);
                                        if !multiple {
                                            all[i].clear();
                                        }
                                        all[i].retain(|l| *l != label);
                                        if !had || !multiple {
                                            all[i].push(label.clone());
                                        }
                                    }
                                },
                            }
                            span { "{option.label}" }
                            if !option.description.is_empty() {
                                span { class: "muted", " — {option.description}" }
                            }
                        }
                    }
                    if q.custom != Some(false) {
                        input {
                            aria_label: "Your own answer",
                            placeholder: "Or type your own answer",
                            value: "{typed.read()[i]}",
                            oninput: move |e| typed.write()[i] = e.value(),
                        }
                    }
                }
            }
            div { class: "actions",
                button { r#type: "submit", class: "primary", disabled: sending(), "Answer" }
                button { r#type: "button", disabled: sending(), onclick: move |_| submit(true), "Dismiss" }
            }
        }
    }
}
