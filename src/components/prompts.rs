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

/// The slot of question `i` in a list kept per question, made when missing: the server may ask
/// again under the same id with more questions than the list was made for, and a lookup out of
/// bounds would take the whole app down (a wasm panic aborts).
fn slot<T: Default>(list: &mut Vec<T>, i: usize) -> Option<&mut T> {
    if list.len() <= i {
        list.resize_with(i + 1, T::default);
    }
    list.get_mut(i)
}

/// The answer to each of `count` questions: the labels picked, and the user's own words.
fn answers(picked: &[Vec<String>], typed: &[String], count: usize) -> Vec<Vec<String>> {
    (0..count)
        .map(|i| {
            let mut answer = picked.get(i).cloned().unwrap_or_default();
            let own = typed.get(i).map(|t| t.trim()).unwrap_or_default();
            if !own.is_empty() {
                answer.push(own.to_owned());
            }
            answer
        })
        .collect()
}

/// The model's questions: pick an option (or several), type your own where allowed, or dismiss.
#[component]
pub fn QuestionPrompt(request: QuestionRequest) -> Element {
    let toasts = use_toasts();
    let count = request.questions.len();
    // Per question: the labels picked and the text typed. Read with `get`, grown on write.
    let mut picked = use_signal(Vec::<Vec<String>>::new);
    let mut typed = use_signal(Vec::<String>::new);
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
        let answers = answers(&picked.peek(), &typed.peek(), count);
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
                                checked: picked.read().get(i).is_some_and(|p| p.contains(&option.label)),
                                // A click (or Space, which clicks) toggles: it fires for radios and
                                // checkboxes alike, whatever the change event carries.
                                onclick: {
                                    let label = option.label.clone();
                                    let multiple = q.multiple == Some(true);
                                    move |_| {
                                        let mut all = picked.write();
                                        let Some(these) = slot(&mut all, i) else {
                                            return;
                                        };
                                        let had = these.contains(&label);
                                        if !multiple {
                                            these.clear();
                                        }
                                        these.retain(|l| *l != label);
                                        if !had || !multiple {
                                            these.push(label.clone());
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
                            value: typed.read().get(i).cloned().unwrap_or_default(),
                            oninput: move |e| {
                                if let Some(own) = slot(&mut typed.write(), i) {
                                    *own = e.value();
                                }
                            },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Question, QuestionOption};

    fn asked(count: usize) -> QuestionRequest {
        let question = |n: usize| Question {
            question: format!("Question {n}?"),
            header: format!("Q{n}"),
            options: vec![QuestionOption {
                label: format!("Yes {n}"),
                description: String::new(),
            }],
            multiple: None,
            custom: None,
        };
        QuestionRequest {
            id: "que_1".into(),
            session_id: "ses_1".into(),
            questions: (1..=count).map(question).collect(),
        }
    }

    #[test]
    fn answers_cover_every_question_asked_whatever_was_kept() {
        let picked = vec![vec!["Yes 1".to_owned()]];
        let typed = vec![String::new(), "  my own  ".to_owned(), "extra".to_owned()];
        assert_eq!(
            answers(&picked, &typed, 3),
            [
                vec!["Yes 1".to_owned()],
                vec!["my own".to_owned()],
                vec!["extra".to_owned()]
            ]
        );
        assert_eq!(answers(&[], &[], 2), [Vec::<String>::new(), Vec::new()]);
        let mut list: Vec<String> = Vec::new();
        *slot(&mut list, 4).unwrap() = "five".into();
        assert_eq!(list.len(), 5);
    }

    /// The same question asked again with more questions (same id, so the same component)
    /// renders them all instead of trapping.
    #[test]
    fn a_question_asked_again_with_more_questions_renders() {
        #[component]
        fn Asked() -> Element {
            crate::state::provide_app_state();
            let mut count = use_signal(|| 1);
            use_future(move || async move { count.set(3) });
            let request = asked(count());
            rsx! { QuestionPrompt { key: "{request.id}", request } }
        }
        let mut dom = VirtualDom::new(Asked);
        dom.rebuild_in_place();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            for _ in 0..3 {
                let _ =
                    tokio::time::timeout(std::time::Duration::from_millis(20), dom.wait_for_work())
                        .await;
                dom.render_immediate(&mut dioxus::dioxus_core::NoOpMutations);
            }
        });
        let html = dioxus_ssr::render(&dom);
        assert!(html.contains("Question 3?"), "{html}");
    }
}
