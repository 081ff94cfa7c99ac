//! The message box at the foot of a session: text kept per session until sent, files brought
//! back by "Edit and resend", agent and model pickers, Enter to send.

use dioxus::prelude::*;

use super::action::use_action;
use super::completions::{use_completions, Chosen, CompletionList, FIELD_ID, LIST_ID};
use super::dialog::{focus_on_mount, Dialog};
use crate::api::{self, PromptInput};
use crate::commands::{file_url, mime_for, parse_submit, Builtin, Submit};
use crate::persist::{drafts, prefs};
use crate::state::{use_catalog, use_settings, use_toasts, ToastKind};

/// The message box. Its text is kept per session until it is sent, so a reload or a failed
/// send loses nothing; "Edit and resend" leaves its text here, focused. The message is sent
/// under ids made here, after `newest` (the newest message shown), and handed to `on_sent`
/// once the server has it, so the page shows it at once whatever the server announces.
/// `waiting` says why it cannot send yet (a fork still being made): the text is kept, Send
/// waits.
#[component]
pub fn Composer(
    session_id: String,
    #[props(default)] waiting: Option<String>,
    #[props(default)] newest: Option<String>,
    #[props(default)] on_sent: Option<EventHandler<PromptInput>>,
    /// Runs one of Branchpoint's own `/` commands, with what followed it.
    #[props(default)]
    on_builtin: Option<EventHandler<(Builtin, String)>>,
) -> Element {
    let settings = use_settings();
    let toasts = use_toasts();
    let initial = drafts::text(&session_id);
    let initial_files = drafts::files(&session_id);
    let had_draft = !initial.is_empty() || !initial_files.is_empty();
    let mut text = use_signal(|| initial);
    let mut files = use_signal(|| initial_files);
    let catalog = use_catalog();
    let agent = use_signal(String::new);
    let model = use_signal(String::new);
    let completions = use_completions(text);
    // A `!` line waiting for the user's yes, the first time.
    let mut confirming_shell = use_signal(|| None::<String>);
    let agents = agent_choices(catalog.agents.read().ready());
    // A failed look-up must not stop the user from sending with the server's defaults.
    let (models, no_model) = match catalog.providers.read().ready() {
        Some(providers) => {
            let models = model_choices(providers);
            let none = models.is_empty().then(|| {
                "This server has no model to answer with. Configure a provider for OpenCode (for example, run opencode auth login), then reload.".to_owned()
            });
            (models, none)
        }
        None => (Vec::new(), None),
    };
    // A kept draft (from "Edit and resend", or typed before a reload) is where the user goes on.
    use_effect(move || {
        if had_draft {
            crate::platform::focus("composer-input");
        }
    });
    let id = session_id.clone();
    let send = use_action(move |client, input: PromptInput| {
        let id = id.clone();
        async move {
            missing_files(&client, &input.parts).await?;
            match client.prompt_async(&id, &input).await {
                Ok(()) => {
                    // The reply arrives over the event stream; the message shows from here.
                    drafts::clear(&id);
                    text.set(String::new());
                    files.set(Vec::new());
                    if let Some(on_sent) = on_sent {
                        on_sent.call(input);
                    }
                    Ok(())
                }
                Err(error) => Err(send_failed(&error)),
            }
        }
    });
    let can_send = waiting.is_none();
    let id = session_id.clone();
    let command = use_action(move |client, (name, arguments): (String, String)| {
        let id = id.clone();
        let parts = file_inputs(&files.peek());
        let (agent, model) = (agent.peek().clone(), model.peek().clone());
        async move {
            missing_files(&client, &parts).await?;
            let line = text.peek().clone();
            clear_text(&id, text);
            files.set(Vec::new());
            let _ = drafts::keep_files(&id, &[]);
            let input = api::CommandInput {
                command: name.clone(),
                arguments,
                agent: Some(agent).filter(|a| !a.is_empty()),
                model: Some(model).filter(|m| !m.is_empty()),
                parts,
                message_id: None,
            };
            // The reply streams in over the event stream meanwhile.
            client.run_command(&id, &input).await.map_err(|error| {
                if text.peek().is_empty() {
                    text.set(line);
                }
                format!("/{name} did not run: {error}")
            })
        }
    });
    let id = session_id.clone();
    let shell = use_action(move |client, line: String| {
        let id = id.clone();
        let agent = Some(agent.peek().clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "build".to_owned());
        async move {
            match client.shell(&id, &agent, &line).await {
                Ok(_) => {
                    clear_text(&id, text);
                    Ok(())
                }
                Err(error) => Err(format!("“!{line}” did not run: {error}")),
            }
        }
    });
    let id = session_id.clone();
    let mut queued = use_signal(|| false);
    // A callback (made anew each render): it sees the newest message of this render.
    let submit = use_callback(move |()| {
        if !can_send {
            return;
        }
        let line = text.peek().clone();
        // What a `/` line means depends on the server's commands: it waits for them.
        if line.trim_start().starts_with('/') && completions.commands_loading() {
            queued.set(true);
            return;
        }
        match parse_submit(&line, &completions.commands()) {
            Submit::Shell(line) if prefs::shell_confirmed() => shell.run(line),
            Submit::Shell(line) => confirming_shell.set(Some(line)),
            Submit::Builtin(builtin, arguments) => {
                if let Some(on_builtin) = on_builtin {
                    clear_text(&id, text);
                    on_builtin.call((builtin, arguments));
                }
            }
            Submit::Command { name, arguments } => command.run((name, arguments)),
            Submit::Prompt => {
                let input = prompt_input(&line, &files.peek(), &agent.peek(), &model.peek());
                if let Some(mut input) = input {
                    with_fresh_ids(&mut input, newest.as_deref());
                    send.run(input);
                }
            }
        }
    });
    // A `/` line sent before the server's commands came: sent once they are here.
    use_effect(move || {
        if queued() && !completions.commands_loading() {
            queued.set(false);
            submit.call(());
        }
    });
    let sending = queued() || send.running() || command.running() || shell.running();
    let open = completions.open();
    let active_option = open
        .as_ref()
        .filter(|(_, items, _, _)| !items.is_empty())
        .map(|(_, _, at, _)| super::completions::option_id(*at));
    let id = session_id.clone();
    let attach = use_action(move |client, path: String| {
        let id = id.clone();
        async move {
            let (folder, name) = path.rsplit_once('/').unwrap_or(("", &path));
            let node = client
                .list_files(folder)
                .await
                .map_err(|error| format!("{path} could not be attached: {error}"))?
                .into_iter()
                .find(|n| n.name == name && n.kind != "directory")
                .ok_or_else(|| format!("{path} is no longer in the project."))?;
            let url = file_url(&node.absolute);
            if files.peek().iter().any(|f| f.url == url) {
                return Ok(());
            }
            files.write().push(api::FilePart {
                id: String::new(),
                mime: mime_for(&path).to_owned(),
                filename: Some(path.clone()),
                url,
            });
            let _ = drafts::keep_files(&id, &files.peek());
            Ok(())
        }
    });
    let id = session_id.clone();
    let apply = use_callback(move |chosen: Chosen| {
        let (value, at) = match chosen {
            Chosen::Command { text, caret } => (text, caret),
            Chosen::File { path, text, caret } => {
                attach.run(path);
                (text, caret)
            }
        };
        let _ = drafts::keep_text(&id, &value);
        completions.place_caret(&value, at);
        text.set(value);
    });
    rsx! {
        form {
            class: "composer",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                submit.call(());
            },
            div { class: "pickers",
                Picker {
                    label: "Agent",
                    default_label: "Default agent",
                    choice: agent,
                    options: agents.clone(),
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
            Attachments { session_id: session_id.clone(), files }
            if let Some(why) = &waiting {
                p { class: "composer-waiting muted", id: "composer-waiting", "{why}" }
            }
            if let Some((label, items, active, status)) = open.clone() {
                CompletionList {
                    label,
                    items,
                    active,
                    status,
                    on_choose: move |index| {
                        let chosen = completions.choose(index, &text.peek());
                        if let Some(chosen) = chosen {
                            apply.call(chosen);
                        }
                    },
                }
            }
            label { r#for: FIELD_ID, class: "visually-hidden", "Message" }
            textarea {
                id: FIELD_ID,
                disabled: no_model.is_some(),
                rows: "3",
                placeholder: "Write a message… (Enter sends, Shift+Enter breaks the line; / commands, @ files, ! shell)",
                aria_autocomplete: "list",
                aria_controls: if open.is_some() { LIST_ID },
                aria_activedescendant: active_option.clone(),
                value: "{text}",
                oninput: {
                    let id = session_id.clone();
                    move |e: FormEvent| {
                        let value = e.value();
                        if let Err(problem) = drafts::keep_text(&id, &value) {
                            toasts.push(ToastKind::Error, format!("Your draft is not saved: {problem}."));
                        }
                        completions.note(&value);
                        completions.restart();
                        text.set(value);
                    }
                },
                onkeyup: move |e: KeyboardEvent| {
                    if matches!(e.key(), Key::ArrowLeft | Key::ArrowRight | Key::Home | Key::End) {
                        completions.note(&text.peek());
                    }
                },
                onclick: move |_| completions.note(&text.peek()),
                onkeydown: move |e: KeyboardEvent| {
                    let plain = !e.modifiers().shift() && !e.modifiers().ctrl() && !e.modifiers().meta();
                    if plain {
                        let handled = completions.key(&e.key(), &text.peek());
                        if let Some(chosen) = handled {
                            e.prevent_default();
                            e.stop_propagation();
                            if let Some(chosen) = chosen {
                                apply.call(chosen);
                            }
                            return;
                        }
                    }
                    if e.key() == Key::Enter && !e.modifiers().shift() {
                        e.prevent_default();
                        submit.call(());
                    }
                },
            }
            if let Some(line) = confirming_shell.read().clone() {
                Dialog {
                    role: "alertdialog",
                    heading: "Run this in the session's shell?",
                    on_cancel: move |_| {
                        confirming_shell.set(None);
                        crate::platform::focus(FIELD_ID);
                    },
                    p { "A line starting with ! runs as a shell command in the session's directory, as the agent would run it, and its output joins the conversation:" }
                    pre { class: "shell-line", "{line}" }
                    p { class: "muted", "You are asked this once; after that ! lines run when sent." }
                    div { class: "actions",
                        button {
                            r#type: "button",
                            class: "primary",
                            onclick: move |_| {
                                prefs::set_shell_confirmed();
                                confirming_shell.set(None);
                                crate::platform::focus(FIELD_ID);
                                shell.run(line.clone());
                            },
                            "Run it"
                        }
                        button {
                            r#type: "button",
                            onmounted: focus_on_mount,
                            onclick: move |_| {
                                confirming_shell.set(None);
                                crate::platform::focus(FIELD_ID);
                            },
                            "Cancel"
                        }
                    }
                }
            }
            button {
                r#type: "submit",
                class: "primary",
                disabled: sending || no_model.is_some() || !can_send,
                aria_describedby: if !can_send { "composer-waiting" },
                if sending { "Sending…" } else { "Send" }
            }
        }
    }
}

/// What to send for the text and files of the composer, with the agent and model picked (""
/// for the server's default; a model as `provider/model`); `None` when there is nothing.
fn prompt_input(
    text: &str,
    files: &[api::FilePart],
    agent: &str,
    model: &str,
) -> Option<PromptInput> {
    let text = text.trim();
    if text.is_empty() && files.is_empty() {
        return None;
    }
    let mut input = PromptInput::default();
    if !text.is_empty() {
        input.parts.push(api::PartInput::Text {
            id: None,
            text: text.to_owned(),
        });
    }
    input
        .parts
        .extend(files.iter().map(|f| api::PartInput::File {
            id: None,
            mime: f.mime.clone(),
            url: f.url.clone(),
            filename: f.filename.clone(),
        }));
    input.agent = Some(agent.to_owned()).filter(|a| !a.is_empty());
    input.model = model
        .split_once('/')
        .map(|(provider, model)| api::ModelRef {
            provider_id: provider.to_owned(),
            model_id: model.to_owned(),
        });
    Some(input)
}

/// Empties the text (and its kept draft) once what it said has been sent.
fn clear_text(session_id: &str, mut text: Signal<String>) {
    let _ = drafts::keep_text(session_id, "");
    text.set(String::new());
}

/// The files attached, as a command's parts.
fn file_inputs(files: &[api::FilePart]) -> Vec<api::PartInput> {
    files
        .iter()
        .map(|f| api::PartInput::File {
            id: None,
            mime: f.mime.clone(),
            url: f.url.clone(),
            filename: f.filename.clone(),
        })
        .collect()
}

/// Refuses to send when a file mentioned with `@` is no longer in the project: the message
/// would go without it, so the user is told which, and nothing is sent or cleared.
async fn missing_files<T: api::Transport>(
    client: &api::Client<T>,
    parts: &[api::PartInput],
) -> Result<(), String> {
    for part in parts {
        let api::PartInput::File {
            url,
            filename: Some(path),
            ..
        } = part
        else {
            continue;
        };
        if !url.starts_with("file://") {
            continue;
        }
        match client.file_exists(path).await {
            Ok(true) => {}
            Ok(false) => {
                return Err(format!(
                    "{path} is no longer in the project, so nothing was sent: remove it from \
                     the attached files (or put it back), then send again."
                ))
            }
            Err(error) => return Err(format!("Not sent: {path} could not be checked: {error}")),
        }
    }
    Ok(())
}

/// Gives the message and each of its parts an id of the server's form, the message's after
/// `newest` (part ids follow the message's, as the server's do).
fn with_fresh_ids(input: &mut PromptInput, newest: Option<&str>) {
    let message = crate::platform::fresh_id("msg", newest);
    for part in &mut input.parts {
        let fresh = crate::platform::fresh_id("prt", None);
        match part {
            api::PartInput::Text { id, .. } | api::PartInput::File { id, .. } => *id = Some(fresh),
        }
    }
    input.message_id = Some(message);
}

/// The agents a user can pick: primary ones, not hidden.
fn agent_choices(agents: Option<&Vec<api::Agent>>) -> Vec<(String, String)> {
    agents
        .into_iter()
        .flatten()
        .filter(|a| a.mode != "subagent" && a.hidden != Some(true))
        .map(|a| (a.name.clone(), a.name.clone()))
        .collect()
}

/// Every model of every provider, as (`provider/model`, "Provider · Model").
fn model_choices(providers: &api::Providers) -> Vec<(String, String)> {
    providers
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
        .collect()
}

/// The files attached to the unsent message, each removable (the draft keeps the rest).
#[component]
fn Attachments(session_id: String, files: Signal<Vec<api::FilePart>>) -> Element {
    if files.read().is_empty() {
        return rsx! {};
    }
    rsx! {
        ul { class: "attachments", aria_label: "Attached files",
            for (i, file) in files.read().iter().enumerate() {
                li { key: "{file.url}",
                    "📄 {file.filename.clone().unwrap_or_else(|| file.url.clone())}"
                    button {
                        r#type: "button",
                        class: "link-button",
                        aria_label: "Remove {file.filename.clone().unwrap_or_default()}",
                        onclick: {
                            let id = session_id.clone();
                            move |_| {
                                if i < files.peek().len() {
                                    files.write().remove(i);
                                }
                                let _ = drafts::keep_files(&id, &files.peek());
                            }
                        },
                        "×"
                    }
                }
            }
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
    fn the_prompt_carries_text_files_and_the_choices_made() {
        assert_eq!(prompt_input("  ", &[], "build", ""), None);
        let file = api::FilePart {
            id: "prt_1".into(),
            mime: "text/plain".into(),
            filename: Some("a.txt".into()),
            url: "file:///a.txt".into(),
        };
        let input = prompt_input(" hi ", &[file], "", "scripted/model-1").unwrap();
        assert_eq!(
            serde_json::to_value(&input).unwrap(),
            serde_json::json!({
                "parts": [
                    {"type": "text", "text": "hi"},
                    {"type": "file", "mime": "text/plain", "url": "file:///a.txt", "filename": "a.txt"}
                ],
                "model": {"providerID": "scripted", "modelID": "model-1"}
            })
        );
    }

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
