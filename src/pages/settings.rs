//! `/settings`: server URL, password, project directory, a connection test, and whether the
//! lineage is kept on the server.

use dioxus::prelude::*;

use crate::api::Project;
use crate::components::use_action;
use crate::persist::prefs;
use crate::persist::settings::{validate_server_url, ConnectionSettings, DEFAULT_SERVER_URL};
use crate::state::{client, use_remote_lineage, use_settings};

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

    // Tried with the settings as typed, not as saved; told on the page, beside the form.
    let test = use_action(move |_, candidate: ConnectionSettings| async move {
        match try_connection(&candidate).await {
            Ok((said, list)) => {
                projects.set(list);
                notice.set(Notice::Ok(said));
            }
            Err(problem) => notice.set(Notice::Failed(problem)),
        }
        Ok(())
    });
    let test_connection = move |_| {
        let candidate = draft.read().clone();
        if let Err(message) = validate_server_url(&candidate.server_url) {
            notice.set(Notice::Failed(message));
            return;
        }
        notice.set(Notice::Working("Testing connection…"));
        test.run(candidate);
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

    let busy = test.running();
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
                    placeholder: DEFAULT_SERVER_URL,
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

                DirectoryPicker { draft, projects }
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
            LineageSettings {}
        }
    }
}

/// "Keep the lineage on the server": applied at once, like the app's other preferences.
#[component]
fn LineageSettings() -> Element {
    let mut on = use_signal(prefs::lineage_on_server);
    let remote = use_remote_lineage();
    rsx! {
        section { class: "settings-form settings-lineage", aria_labelledby: "lineage-settings",
            h2 { id: "lineage-settings", "Lineage" }
            label { class: "checkbox",
                input {
                    r#type: "checkbox",
                    checked: on(),
                    aria_describedby: "lineage-on-server-hint",
                    onchange: move |e| {
                        let now = e.checked();
                        prefs::set_lineage_on_server(now);
                        on.set(now);
                        if now {
                            // What this browser knows and the server lacks is found at the
                            // next read of the sessions; what waits goes now.
                            remote.flush();
                        }
                    },
                }
                "Keep the lineage on the server"
            }
            p { id: "lineage-on-server-hint", class: "hint muted",
                "Each fork's origin is also saved in its session's metadata on the OpenCode server, so other browsers see it without a scan. Off: nothing is written; what the server has is still read."
            }
        }
    }
}

/// Asks the server at `candidate` whether it answers, and with that password: its version and
/// its projects, or what went wrong.
async fn try_connection(candidate: &ConnectionSettings) -> Result<(String, Vec<Project>), String> {
    let api = client(candidate);
    let health = api.health().await.map_err(|e| e.to_string())?;
    // Health needs no directory; the project list proves the password too.
    let list = api.projects().await.map_err(|e| e.to_string())?;
    let said = format!(
        "Connected to OpenCode {} ({} projects).",
        health.version,
        list.len()
    );
    Ok((said, list))
}

/// The project directory: the server's own, or one of the projects it knows.
#[component]
fn DirectoryPicker(draft: Signal<ConnectionSettings>, projects: Signal<Vec<Project>>) -> Element {
    let current_dir = draft.read().directory.clone();
    let known = projects.read().iter().any(|p| p.worktree == current_dir);
    rsx! {
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
    }
}
