//! What a running reply asks of the user, shown by the composer: Stop, permission requests,
//! and the model's questions.

use dioxus::prelude::*;

use super::action::use_action;
use crate::api::{PermissionReply, PermissionRequest, QuestionRequest};
use crate::state::{use_toasts, ToastKind};

/// Stops the reply being written.
#[component]
pub fn StopButton(session_id: String) -> Element {
    let stop = use_action(move |client, ()| {
        let id = session_id.clone();
        async move {
            client
                .abort(&id)
                .await
                .map(|_| ())
                .map_err(|error| format!("Could not stop the reply: {error}"))
        }
    });
    let stopping = stop.running();
    rsx! {
        button {
            r#type: "button",
            class: "danger",
            disabled: stopping,
            onclick: move |_| stop.run(()),
            if stopping { "Stopping…" } else { "Stop" }
        }
    }
}

/// A tool asking to run: Allow once, Always, or Reject.
#[component]
pub fn PermissionPrompt(request: PermissionRequest) -> Element {
    let what = if request.patterns.is_empty() {
        request.permission.clone()
    } else {
        request.patterns.join(", ")
    };
    let id = request.id.clone();
    let answer = use_action(move |client, reply: PermissionReply| {
        let id = id.clone();
        async move {
            client
                .reply_permission(&id, reply)
                .await
                .map(|_| ())
                .map_err(|error| format!("The answer did not reach the server: {error}"))
        }
    });
    let answering = answer.running();
    rsx! {
        section { class: "permission", role: "alert", aria_label: "Permission request",
            p {
                strong { "{request.permission}" }
                " wants to run: "
                code { "{what}" }
            }
            div { class: "actions",
                button { r#type: "button", class: "primary", disabled: answering, onclick: move |_| answer.run(PermissionReply::Once), "Allow once" }
                button { r#type: "button", disabled: answering, onclick: move |_| answer.run(PermissionReply::Always), "Always" }
                button { r#type: "button", class: "danger", disabled: answering, onclick: move |_| answer.run(PermissionReply::Reject), "Reject" }
            }
        }
    }
}

/// The model's questions: pick an option (or several), type your own where allowed, or dismiss.
#[component]
pub fn QuestionPrompt(request: QuestionRequest) -> Element {
    let toasts = use_toasts();
    let count = request.questions.len();
    let mut picked = use_signal(|| vec![Vec::<String>::new(); count]);
    let mut typed = use_signal(|| vec![String::new(); count]);
    let id = request.id.clone();
    // `None` declines; `Some` answers each question with the labels picked (and typed).
    let send = use_action(move |client, answers: Option<Vec<Vec<String>>>| {
        let id = id.clone();
        async move {
            let result = match answers {
                Some(answers) => client.reply_question(&id, &answers).await,
                None => client.reject_question(&id).await,
            };
            result
                .map(|_| ())
                .map_err(|error| format!("The answer did not reach the server: {error}"))
        }
    });
    let submit = move |reject: bool| {
        if reject {
            send.run(None);
            return;
        }
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
        if answers.iter().any(Vec::is_empty) {
            toasts.push(ToastKind::Error, "Answer every question, or dismiss them.");
            return;
        }
        send.run(Some(answers));
    };
    let sending = send.running();
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
                button { r#type: "submit", class: "primary", disabled: sending, "Answer" }
                button { r#type: "button", disabled: sending, onclick: move |_| submit(true), "Dismiss" }
            }
        }
    }
}
