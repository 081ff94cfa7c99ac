//! `/`: every session of the project, newest first, searchable, subagent children nested.

use dioxus::prelude::*;

use crate::components::{use_action, ErrorPanel, Loading};
use crate::persist::prefs;
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::{arrange, worktree_names};
use crate::shared::Shared;
use crate::state::{
    client, use_events, use_lineage, use_page_lists_sessions, use_remote_lineage, use_settings,
};
use crate::text::{age, count, display_title};

/// How many sessions are asked for at first, and how many more each "Show older sessions".
const PAGE: usize = 200;

/// The sessions list.
#[component]
pub fn Sessions() -> Element {
    let settings = use_settings();
    let mut query = use_signal(String::new);
    let navigator = use_navigator();
    let lineage_state = use_lineage();
    let mut group = use_signal(prefs::group_forks);
    // The newest sessions first, more on demand: a project may have thousands.
    let limit = use_signal(|| PAGE);
    let epoch = use_events().epoch;
    let mut sessions = use_resource(move || {
        let _reconnected = epoch(); // the server is back: fetch again (a failed list retries)
        let client = client(&settings.read());
        let limit = limit();
        async move { client.list_newest_sessions(limit).await.map(Shared::from) }
    });
    // The project's worktrees, so the sessions living in them are marked (none if unknown).
    let sandboxes = use_resource(move || {
        let client = client(&settings.read());
        async move {
            let projects = client.projects().await.unwrap_or_default();
            Shared::from(
                projects
                    .into_iter()
                    .flat_map(|p| p.sandboxes)
                    .collect::<Vec<_>>(),
            )
        }
    });
    // The list says when each session was last active (the lineage keeps it for its order),
    // and carries the lineage kept in the sessions' metadata.
    let remote = use_remote_lineage();
    use_page_lists_sessions();
    use_effect(move || {
        if let Some(Ok(list)) = &*sessions.read() {
            lineage_state.note_activity(list);
            remote.merge(list);
        }
    });
    let retrying = *sessions.state().read() == UseResourceState::Pending;
    let body = match &*sessions.read() {
        None => rsx! { Loading { label: "Loading sessions…" } },
        Some(Err(error)) => rsx! {
            ErrorPanel { error: error.clone(), on_retry: move |_| sessions.restart(), retrying }
        },
        Some(Ok(list)) if list.is_empty() => rsx! {
            div { class: "empty",
                p { "No sessions yet on this server." }
                p { class: "muted", "Start one with OpenCode (for example, run " code { "opencode" } " in your project), then come back." }
            }
        },
        Some(Ok(list)) => rsx! {
            SessionRows {
                sessions: list.clone(),
                query: query(),
                group: group(),
                limit,
                sandboxes: sandboxes.read().clone().unwrap_or_default(),
            }
        },
    };
    let create = use_action(move |client, ()| async move {
        match client.create_session(None).await {
            Ok(session) => {
                navigator.push(Route::Session { id: session.id });
                Ok(())
            }
            Err(error) => Err(format!("Could not create a session: {error}")),
        }
    });
    let creating = create.running();
    crate::platform::use_title("Sessions · Branchpoint".to_owned());
    rsx! {
        div { class: "page sessions-page",
            div { class: "page-head",
                h1 { "Sessions" }
                input {
                    r#type: "search",
                    class: "search",
                    aria_label: "Search sessions by title",
                    placeholder: "Search by title",
                    value: "{query}",
                    oninput: move |e| query.set(e.value()),
                }
                label { class: "checkbox",
                    input {
                        r#type: "checkbox",
                        checked: group(),
                        onchange: move |e| {
                            let on = e.checked();
                            prefs::set_group_forks(on);
                            group.set(on);
                        },
                    }
                    "Show forks under their source"
                }
                button { r#type: "button", onclick: move |_| sessions.restart(), "Refresh" }
                button {
                    r#type: "button",
                    class: "primary",
                    disabled: creating,
                    onclick: move |_| create.run(()),
                    if creating { "Creating…" } else { "New session" }
                }
            }
            {body}
        }
    }
}

/// The listed sessions as rows: arranged, searched, forks marked (and nested under their source
/// when `group`), with "Show older sessions" when the list may hold more than `limit`.
#[component]
fn SessionRows(
    sessions: Shared<Vec<crate::api::Session>>,
    query: String,
    group: bool,
    limit: Signal<usize>,
    /// The project's worktrees.
    sandboxes: Shared<Vec<String>>,
) -> Element {
    let lineage = use_lineage().0;
    let graph = lineage.read();
    let rows = arrange(&sessions, &query, group.then_some(&*graph));
    let worktrees = worktree_names(&sessions, &sandboxes, &graph);
    let now = now_ms();
    let total = sessions.len();
    let more = total >= limit();
    let counted = if more {
        format!("the newest {total} sessions")
    } else {
        count(total, "session")
    };
    rsx! {
        p { class: "muted count", aria_live: "polite",
            if query.trim().is_empty() { "{counted}" } else { "{rows.len()} of {counted}" }
        }
        if rows.is_empty() {
            p { class: "empty", "No session title matches “{query}”." }
        }
        ul { class: "session-list",
            for row in rows {
                li { key: "{row.session.id}", class: "session-row depth-{row.depth.min(4)}",
                    Link { to: Route::Session { id: row.session.id.clone() },
                        span { class: "session-title",
                            if row.session.parent_id.is_some() { span { class: "subagent", title: "Subagent session", "↳ " } }
                            if graph.parent_of(&row.session.id).is_some() {
                                crate::components::ForkIcon {}
                            }
                            {display_title(&row.session.title)}
                            if let Some(edge) = graph.parent_of(&row.session.id) {
                                span { class: "fork-of muted", " · fork of {edge.parent_title}" }
                            }
                            if let Some(note) = graph.note_of(&row.session.id) {
                                if !note.label.is_empty() {
                                    span { class: "badge label", title: "{note.note}", "{note.label}" }
                                }
                            }
                            if let Some(name) = worktrees.get(&row.session.id) {
                                span { class: "badge worktree-badge", title: "Lives in this git worktree of the project", "worktree {name}" }
                            }
                        }
                        span { class: "session-age muted", "{age(now, row.session.time.updated)}" }
                    }
                }
            }
        }
        if more {
            button { r#type: "button", class: "show-more", onclick: move |_| limit += PAGE, "Show older sessions" }
        }
    }
}
