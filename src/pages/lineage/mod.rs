//! `/lineage`: every fork tree this browser knows, from localStorage alone, so it shows with the
//! server down. `?focus=<session id>` highlights one session (the "Lineage" button of a session).
//! With the server up, titles are refreshed and deleted sessions marked; "Scan server" finds
//! forks made elsewhere (`scan`). The trees show as a branch map (`map`) or a list (`tree`),
//! searched and switched between in `browse`; labels and notes are set in `notes`; two
//! sessions of one tree can be compared (`tree`).

mod browse;
mod map;
mod notes;
mod scan;
mod tree;

use dioxus::prelude::*;

use crate::components::{use_action, RecordedDifferently};
use crate::lineage::{discover, store};
use crate::platform::now_ms;
use crate::route::Route;
use crate::state::{
    client, use_events, use_lineage, use_page_lists_sessions, use_remote_lineage, use_settings,
    use_toasts, StreamStatus, ToastKind,
};
use crate::text::{count, display_title};
use browse::Browse;
use scan::ScanControls;

/// The lineage view.
#[component]
pub fn Lineage(focus: ReadSignal<String>) -> Element {
    let state = use_lineage();
    let remote = use_remote_lineage();
    use_page_lists_sessions();
    let lineage = state.0;
    let toasts = use_toasts();
    let settings = use_settings();
    let bus = use_events();
    let status = bus.status;
    let epoch = bus.epoch;
    // With the server up: current titles, and sessions deleted there marked (never dropped).
    use_resource(move || {
        let live = *status.read() == StreamStatus::Live;
        let _ = epoch.read();
        let client = client(&settings.read());
        async move {
            if !live {
                return;
            }
            let known = lineage.peek().clone();
            if let Ok(news) = discover::refresh(&client, &known).await {
                if news.has_news() {
                    let _ = state.update(|l| {
                        news.apply(l);
                    });
                }
                remote.merge(&news.listed);
            }
        }
    });
    let export = move |_| {
        let json = store::encode(&lineage.read());
        match crate::platform::download("branchpoint-lineage.json", "application/json", &json) {
            Ok(()) => toasts.push(
                ToastKind::Info,
                "Lineage exported as branchpoint-lineage.json.",
            ),
            Err(problem) => toasts.push(ToastKind::Error, format!("Export failed: {problem}")),
        }
    };
    let import = use_action(move |_, file: dioxus::html::FileData| async move {
        let name = file.name();
        // Refused before a byte is read: a file of hundreds of MB would take the tab down.
        store::check_import_size(file.size())?;
        let raw = file
            .read_string()
            .await
            .map_err(|error| format!("Could not read {name}: {error}"))?;
        let imported = store::import(&raw, now_ms())?;
        state.show(imported.lineage);
        // The imported forks the server has get their records written there.
        if *status.peek() == StreamStatus::Live {
            remote.reread();
        }
        let skipped = match imported.skipped {
            0 => String::new(),
            n => format!(
                "; {} left out (unreadable, or with invalid ids, servers or times)",
                count(n, "record")
            ),
        };
        toasts.push(
            ToastKind::Info,
            format!(
                "Imported {name}: {}{skipped}.",
                count(imported.added, "new fork")
            ),
        );
        Ok(())
    });
    // Laid out once per change of the lineage, not on every scroll.
    let rows = use_memo(move || lineage.read().trees());
    let forks = count(lineage.read().edges.len(), "fork");
    let offline = matches!(*status.read(), StreamStatus::Retrying(_));
    let server = settings.read().server_url.clone();
    let now = now_ms();
    let focus_id = focus();
    let selected = use_signal(Vec::<String>::new);
    crate::platform::use_title("Lineage · Branchpoint".to_owned());
    rsx! {
        div { class: "page lineage-page",
            div { class: "page-head",
                h1 { "Lineage" }
                span { class: "muted", "Kept in this browser · {forks}" }
                button { r#type: "button", onclick: export, "Export JSON" }
                label { class: "button file-button",
                    "Import JSON"
                    input {
                        r#type: "file",
                        accept: "application/json,.json",
                        class: "visually-hidden",
                        disabled: import.running(),
                        onchange: move |event: FormEvent| {
                            if let Some(file) = event.files().into_iter().next() {
                                import.run(file);
                            }
                        },
                    }
                }
            }
            div { class: "lineage-tools", ScanControls { offline } }
            if offline {
                p { class: "notice offline-notice", role: "status",
                    "Offline: the server at {server} does not answer. This is the lineage kept in this browser, with titles as last seen."
                }
            }
            Disputes {}
            if rows.read().is_empty() {
                div { class: "empty",
                    p { "No forks yet." }
                    p { class: "muted", "Fork a session from any message, and its tree appears here — even when the server is down. Forks made elsewhere (the terminal, another browser) are found by “Scan server”." }
                }
            } else {
                Browse { rows, focus: focus_id, now, selected }
            }
        }
    }
}

/// The forks the server's metadata records differently from this browser, each with the
/// choice between the two.
#[component]
fn Disputes() -> Element {
    let lineage = use_lineage().0;
    let disputed: Vec<(String, String)> = lineage
        .read()
        .conflicts
        .iter()
        .filter(|(_, c)| !c.dismissed)
        .map(|(child, c)| (child.clone(), c.edge.child_title.clone()))
        .collect();
    if disputed.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "disputes", aria_labelledby: "disputes-heading",
            h2 { id: "disputes-heading", "{count(disputed.len(), \"fork\")} recorded differently on the server" }
            for (child, title) in disputed {
                div { key: "{child}", class: "dispute",
                    Link { to: Route::Session { id: child.clone() }, "{display_title(&title)}" }
                    RecordedDifferently { child: child.clone() }
                }
            }
        }
    }
}
