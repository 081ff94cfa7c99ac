//! `/settings`: server URL, password, project directory, and a connection test.

use dioxus::prelude::*;

use crate::api::Project;
use crate::settings::validate_server_url;
use crate::state::{client, use_settings};

/// What the last action on the page said.
#[derive(Clone, PartialEq)]
enum Notice {
    None,
    Working(&'static str),
    Ok(String),
    Failed(String),
}

/// The settings form.
#[component]
pub fn Settings() -> Element {
    let mut settings = use_settings();
    let mut draft = use_signal(|| settings.peek().clone());
    let mut notice = use_signal(|| Notice::None);
    let mut projects = use_signal(Vec::<Project>::new);
    // Offer the saved server's projects at once; "Test connection" refreshes them for a new URL.
    use_future(move || async move {
        if let Ok(list) = client(&settings.peek()).projects().await {
            projects.set(list);
        }
    });

    let test_connection = move |_| {
        let candidate = draft.read().clone();
        if let Err(message) = validate_server_url(&candidate.server_url) {
            notice.set(Notice::Failed(message));
            return;
        }
        notice.set(Notice::Working("Testing connection…"));
        spawn(async move {
            let api = client(&candidate);
            match api.health().await {
                Ok(health) => {
                    // Health needs no directory; the project list proves the password too.
                    match api.projects().await {
                        Ok(list) => {
                            let n = list.len();
                            projects.set(list);
                            notice.set(Notice::Ok(format!(
                                "Connected to OpenCode {} ({n} projects).",
                                health.version
                            )));
                        }
                        Err(error) => notice.set(Notice::Failed(error.to_string())),
                    }
                }
                Err(error) => notice.set(Notice::Failed(error.to_string())),
            }
        });
    };

    let save = move |event: FormEvent| {
        event.prevent_default();
        let mut candidate = draft.read().clone();
        candidate.server_url = candidate.server_url.trim().trim_end_matches('/').to_owned();
        if let Err(message) = validate_server_url(&candidate.server_url) {
            notice.set(Notice::Failed(message));
            return;
        }
        match candidate.save() {
            Ok(()) => notice.set(Notice::Ok("Settings saved.".into())),
            Err(problem) => notice.set(Notice::Failed(format!(
                "Settings apply to this tab only: {problem}."
            ))),
        }
        settings.set(candidate);
    };

    let current_dir = draft.read().directory.clone();
    let known = projects.read().iter().any(|p| p.worktree == current_dir);
    let busy = matches!(*notice.read(), Notice::Working(_));
    crate::platform::use_title("Settings · Branchpoint".to_owned());
    rsx! {
        div { class: "page settings-page",
            h1 { "Settings" }
            form { class: "settings-form", onsubmit: save,
                label { r#for: "server-url", "Server URL" }
                input {
                    id: "server-url",
                    r#type: "url",
                    required: true,
                    value: "{draft.read().server_url}",
                    placeholder: crate::settings::DEFAULT_SERVER_URL,
                    oninput: move |e| draft.write().server_url = e.value(),
                }
                p { class: "hint muted", "Where `opencode serve` listens. Default: http://127.0.0.1:4096." }

                label { r#for: "password", "Password" }
                input {
                    id: "password",
                    r#type: "password",
                    autocomplete: "current-password",
                    value: "{draft.read().password}",
                    oninput: move |e| draft.write().password = e.value(),
                }
                p { class: "hint muted", "The server's OPENCODE_SERVER_PASSWORD, if it has one." }
                label { class: "checkbox",
                    input {
                        r#type: "checkbox",
                        checked: draft.read().remember_password,
                        onchange: move |e| draft.write().remember_password = e.checked(),
                    }
                    "Remember password"
                }
                p { class: "hint muted", "Unticked, the password is kept for this tab only." }

                label { r#for: "directory", "Project directory" }
                select {
                    id: "directory",
                    onchange: move |e| draft.write().directory = e.value(),
                    option { value: "", selected: current_dir.is_empty(), "The server's own directory" }
                    if !current_dir.is_empty() && !known {
                        option { value: "{current_dir}", selected: true, "{current_dir}" }
                    }
                    for project in projects.read().iter() {
                        option {
                            key: "{project.id}",
                            value: "{project.worktree}",
                            selected: project.worktree == current_dir,
                            "{project.worktree}"
                        }
                    }
                }
                p { class: "hint muted", "Test the connection to list the server's projects." }

                div { class: "actions",
                    button { r#type: "button", disabled: busy, onclick: test_connection, "Test connection" }
                    button { r#type: "submit", class: "primary", "Save" }
                }
                match &*notice.read() {
                    Notice::None => rsx! {},
                    Notice::Working(text) => rsx! { p { class: "notice", role: "status", "{text}" } },
                    Notice::Ok(text) => rsx! { p { class: "notice ok", role: "status", "{text}" } },
                    Notice::Failed(text) => rsx! { p { class: "notice failed", role: "alert", "{text}" } },
                }
            }
        }
    }
}
