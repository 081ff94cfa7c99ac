//! `/lineage`: every fork tree this browser knows, from localStorage alone, so it shows with the
//! server down. `?focus=<session id>` highlights one session (the "Lineage" button of a session).

use dioxus::prelude::*;

use crate::fork::ForkKind;
use crate::lineage::store;
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::age;
use crate::state::{use_lineage, use_toasts, ToastKind};

/// The lineage view.
#[component]
pub fn Lineage(focus: ReadSignal<String>) -> Element {
    let mut lineage = use_lineage().0;
    let toasts = use_toasts();
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
    let import = move |event: FormEvent| async move {
        let Some(file) = event.files().into_iter().next() else {
            return;
        };
        match file.read_string().await {
            Ok(raw) => match store::import(&raw) {
                Ok((stored, added)) => {
                    lineage.set(stored);
                    toasts.push(
                        ToastKind::Info,
                        format!("Imported {}: {added} new forks.", file.name()),
                    );
                }
                Err(problem) => toasts.push(ToastKind::Error, problem),
            },
            Err(error) => toasts.push(
                ToastKind::Error,
                format!("Could not read {}: {error}", file.name()),
            ),
        }
    };
    let rows = lineage.read().trees();
    let forks = match lineage.read().edges.len() {
        1 => "1 fork".to_owned(),
        n => format!("{n} forks"),
    };
    let now = now_ms();
    let focus_id = focus();
    crate::platform::use_title("Lineage · Branchpoint".to_owned());
    rsx! {
        div { class: "page lineage-page",
            div { class: "page-head",
                h1 { "Lineage" }
                span { class: "muted", "Kept in this browser · {forks}" }
                button { r#type: "button", onclick: export, "Export JSON" }
                label { class: "button file-button",
                    "Import JSON"
                    input { r#type: "file", accept: "application/json,.json", class: "visually-hidden", onchange: import }
                }
            }
            if rows.is_empty() {
                div { class: "empty",
                    p { "No forks yet." }
                    p { class: "muted", "Fork a session from any message, and its tree appears here — even when the server is down." }
                }
            }
            ul { class: "lineage-tree", aria_label: "Fork trees",
                for row in rows {
                    li {
                        key: "{row.session}",
                        class: if row.session == focus_id { "lineage-node depth-{row.depth.min(6)} focused" } else { "lineage-node depth-{row.depth.min(6)}" },
                        aria_current: if row.session == focus_id { "true" } else { "false" },
                        if row.depth > 0 {
                            crate::components::ForkIcon {}
                        }
                        Link { to: Route::Session { id: row.session.clone() },
                            if row.title.is_empty() { "{row.session}" } else { "{row.title}" }
                        }
                        if let Some(edge) = &row.edge {
                            span { class: "badge kind-{kind_class(edge.kind)}", "{edge.kind.label()}" }
                            if !edge.excerpt.is_empty() {
                                span { class: "excerpt muted", "“{edge.excerpt}”" }
                            }
                            span { class: "muted when", "{age(now, edge.created)}" }
                        } else {
                            span { class: "badge", "source" }
                        }
                    }
                }
            }
        }
    }
}

fn kind_class(kind: ForkKind) -> &'static str {
    match kind {
        ForkKind::Through => "through",
        ForkKind::Before => "before",
        ForkKind::Whole => "whole",
    }
}
