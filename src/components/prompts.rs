//! What a running reply asks of the user, shown by the composer: Stop, permission requests,
//! and the model's questions.

use dioxus::prelude::*;

use crate::api::{PermissionReply, PermissionRequest, QuestionRequest};
use crate::state::{client, use_settings, use_toasts, ToastKind};

/// Stops the reply being written.
#[component]
pub fn StopButton(session_id: String) -> Element {
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

/// A tool asking to run: Allow once, Always, or Reject.
#[component]
pub fn PermissionPrompt(request: PermissionRequest) -> Element {
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
pub fn QuestionPrompt(request: QuestionRequest) -> Element {
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
