//! The message box at the foot of a session: text kept per session until sent, files brought
//! back by "Edit and resend", agent and model pickers, Enter to send.

use dioxus::prelude::*;

use crate::api::{self, PromptInput};
use crate::forking::{draft_files, draft_files_key, draft_key};
use crate::state::{client, use_catalog, use_settings, use_toasts, ToastKind};
use crate::storage::{self, Area};

/// The message box. Its text is kept per session until it is sent, so a reload or a failed
/// send loses nothing; "Edit and resend" leaves its text here, focused.
#[component]
pub fn Composer(session_id: String) -> Element {
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
    let agent = use_signal(String::new);
    let model = use_signal(String::new);
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
                Err(error) => toasts.push(ToastKind::Error, send_failed(&error)),
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
                Picker {
                    label: "Agent",
                    default_label: "Default agent",
                    choice: agent,
                    options: agents.iter().map(|a| (a.name.clone(), a.name.clone())).collect::<Vec<_>>(),
                    on_open: move |_| catalog.load(&settings.read()),
                }
                Picker {
                    label: "Model",
                    default_label: "Default model",
                    choice: model,
                    options: models.clone(),
                    on_open: move |_| catalog.load(&settings.read()),
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

/// What to tell the user when a prompt got no success back. With no answer at all, the server
/// may still have received it (and the reply may be coming): the app never sends it again by
/// itself, since that could post it twice; the user checks and decides.
pub fn send_failed(error: &api::ApiError) -> String {
    if let api::ApiError::Network { detail, .. } = error {
        format!(
            "No answer from the server ({detail}), so this message may or may not have been \
             sent. Your text is kept: check the conversation before sending it again."
        )
    } else {
        format!("Not sent (your text is kept): {error}")
    }
}

/// A choice among `options` (value, label), with "" meaning the server's default. Opening it
/// (focus or press) calls `on_open`, so its options can be fetched only when wanted.
#[component]
fn Picker(
    label: &'static str,
    default_label: &'static str,
    choice: Signal<String>,
    options: Vec<(String, String)>,
    on_open: EventHandler<()>,
) -> Element {
    rsx! {
        select {
            aria_label: label,
            onfocus: move |_| on_open.call(()),
            onmousedown: move |_| on_open.call(()),
            onchange: move |e| choice.set(e.value()),
            option { value: "", selected: choice.read().is_empty(), "{default_label}" }
            for (value, text) in options.iter() {
                option { key: "{value}", value: "{value}", selected: *choice.read() == *value, "{text}" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    #[test]
    fn a_lost_answer_is_not_called_unsent() {
        let lost = send_failed(&ApiError::Network {
            url: "http://127.0.0.1:4096/session/ses_1/prompt_async".into(),
            detail: "Failed to fetch".into(),
        });
        assert!(lost.contains("may or may not have been sent"), "{lost}");
        assert!(lost.contains("before sending it again"), "{lost}");
        let refused = send_failed(&ApiError::Unauthorized);
        assert!(
            refused.starts_with("Not sent (your text is kept): "),
            "{refused}"
        );
        assert!(refused.contains("OPENCODE_SERVER_PASSWORD"), "{refused}");
    }
}
