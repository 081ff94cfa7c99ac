//! `/settings`: server URL, password, project directory, a connection test, and whether the
//! lineage is kept on the server. A password is kept for the server it was typed for: another
//! address empties the field. A password that would cross the network in clear is warned
//! about beside the field and asked about before it is first sent.

use dioxus::prelude::*;

use crate::api::Project;
use crate::components::{focus_on_mount, use_action, Dialog};
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

/// What waits for the user's word on sending the password in clear.
#[derive(Clone, Copy, PartialEq)]
enum Send {
    Test,
    Save,
}

/// The settings form.
#[component]
pub fn Settings() -> Element {
    // Come from a page narrowed to the saved server: Settings tries others, so it runs in a
    // page of its own (loaded again; nothing of the form is drawn before that).
    if crate::platform::connect_narrowed() {
        use_hook(crate::platform::reload);
        return rsx! { crate::components::Loading { label: "Opening Settings…" } };
    }
    let mut settings = use_settings();
    let mut draft = use_signal(|| settings.peek().clone());
    let mut notice = use_signal(|| Notice::None);
    // Set when another address emptied the password field: said beside it.
    let mut password_note = use_signal(|| None::<String>);
    let mut asking = use_signal(|| None::<Send>);
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
    let mut test_connection = move || {
        let candidate = draft.read().clone();
        if let Err(message) = validate_server_url(&candidate.server_url) {
            notice.set(Notice::Failed(message));
            return;
        }
        if candidate.needs_cleartext_consent() {
            asking.set(Some(Send::Test));
            return;
        }
        notice.set(Notice::Working("Testing connection…"));
        test.run(candidate);
    };

    let mut save = move || {
        let mut candidate = draft.read().clone();
        candidate.server_url = candidate.server_url.trim().trim_end_matches('/').to_owned();
        if let Err(message) = validate_server_url(&candidate.server_url) {
            notice.set(Notice::Failed(message));
            return;
        }
        if candidate.needs_cleartext_consent() {
            asking.set(Some(Send::Save));
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

    let mut consent = move |send: Send| {
        asking.set(None);
        draft.write().allow_cleartext();
        match send {
            Send::Test => test_connection(),
            Send::Save => save(),
        }
    };

    let busy = test.running();
    let cleartext = draft.read().is_cleartext();
    crate::platform::use_title("Settings · Branchpoint".to_owned());
    rsx! {
        div { class: "page settings-page",
            h1 { "Settings" }
            form {
                class: "settings-form",
                onsubmit: move |event: FormEvent| {
                    event.prevent_default();
                    save();
                },
                label { r#for: "server-url", "Server URL" }
                input {
                    id: "server-url",
                    r#type: "url",
                    required: true,
                    value: "{draft.read().server_url}",
                    placeholder: DEFAULT_SERVER_URL,
                    oninput: move |e| {
                        let had = draft.peek().password_origin.clone();
                        let typed = !draft.peek().password.is_empty();
                        draft.write().set_server_url(e.value());
                        // Said until a password is typed: the user may not be looking there.
                        if typed && draft.peek().password.is_empty() {
                            password_note.set(Some(format!(
                                "The password typed was for {had}: a password is only ever sent to the server it was given for. Enter this server's password, if it has one."
                            )));
                        }
                    },
                }
                p { class: "hint muted", "Where " code { "opencode serve" } " listens. Default: http://127.0.0.1:4096." }

                label { r#for: "password", "Password" }
                input {
                    id: "password",
                    r#type: "password",
                    autocomplete: "current-password",
                    aria_describedby: "password-hint",
                    value: "{draft.read().password}",
                    oninput: move |e| {
                        password_note.set(None);
                        draft.write().set_password(e.value());
                    },
                }
                div { id: "password-hint",
                    p { class: "hint muted", "The server's OPENCODE_SERVER_PASSWORD, if it has one. It is sent to this server only." }
                    if let Some(note) = password_note.read().clone() {
                        p { class: "hint notice", role: "status", "{note}" }
                    }
                    if cleartext {
                        p { class: "hint warning cleartext-warning", role: "note",
                            "This address is plain http:// to another machine: a password would cross the network in clear, readable by anyone on the way. "
                            "Reach the server over https:// (a reverse proxy in front of it) or through an SSH tunnel to 127.0.0.1."
                        }
                    }
                }
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
                    button { r#type: "button", disabled: busy, onclick: move |_| test_connection(), "Test connection" }
                    button { r#type: "submit", class: "primary", "Save" }
                }
                match &*notice.read() {
                    Notice::None => rsx! {},
                    Notice::Working(text) => rsx! { p { class: "notice", role: "status", "{text}" } },
                    Notice::Ok(text) => rsx! { p { class: "notice ok", role: "status", "{text}" } },
                    Notice::Failed(text) => rsx! { p { class: "notice failed", role: "alert", "{text}" } },
                }
            }
            if let Some(send) = asking() {
                Dialog {
                    role: "alertdialog",
                    heading: "Send the password in clear?",
                    on_cancel: move |_| asking.set(None),
                    p {
                        "{draft.read().server_url} is plain http:// to another machine. The password would travel unencrypted: anyone on the network between here and there can read it, and with it run commands on that machine through OpenCode."
                    }
                    div { class: "actions",
                        button {
                            r#type: "button",
                            class: "danger",
                            onclick: move |_| consent(send),
                            "Send it in clear"
                        }
                        button {
                            r#type: "button",
                            onmounted: focus_on_mount,
                            onclick: move |_| asking.set(None),
                            "Cancel"
                        }
                    }
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
