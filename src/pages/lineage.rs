//! `/lineage`: every fork tree this browser knows, from localStorage alone, so it shows with the
//! server down. `?focus=<session id>` highlights one session (the "Lineage" button of a session).

use dioxus::prelude::*;

use crate::fork::ForkKind;
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::age;
use crate::state::use_lineage;

/// The lineage view.
#[component]
pub fn Lineage(focus: ReadSignal<String>) -> Element {
    let lineage = use_lineage().0;
    let rows = lineage.read().trees();
    let now = now_ms();
    let focus_id = focus();
    crate::platform::use_title("Lineage · Branchpoint".to_owned());
    rsx! {
        div { class: "page lineage-page",
            div { class: "page-head",
                h1 { "Lineage" }
                span { class: "muted", "Kept in this browser · {lineage.read().edges.len()} forks" }
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
