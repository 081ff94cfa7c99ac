//! What an undo shows: the mark on each undone message ("Undone — kept as …"), and the notice
//! by the composer with Redo. The ask while a reply runs is `BusyDialog`.

use dioxus::prelude::*;

use crate::lineage::Edge;
use crate::route::Route;
use crate::text::{display_title, quoted};

/// The link to the branch that keeps what was undone, or what happens without one.
#[component]
fn KeptAs(kept: Option<Edge>) -> Element {
    match kept {
        Some(edge) => rsx! {
            "kept as "
            Link { to: Route::Session { id: edge.child.clone() }, {display_title(&edge.child_title)} }
        },
        None => rsx! { "not kept by Branchpoint (undone elsewhere)" },
    }
}

/// The mark on an undone message: with where it is kept on the first one (`first`).
#[component]
pub fn UndoneMark(kept: Option<Edge>, first: bool) -> Element {
    rsx! {
        p { class: "undone-mark",
            span { class: "badge undone-badge", "Undone" }
            if first {
                " — "
                KeptAs { kept }
            }
        }
    }
}

/// By the composer while the session is undone: where the undone messages are kept, what the
/// next message does to them, and Redo.
#[component]
pub fn UndoneNotice(
    excerpt: String,
    kept: Option<Edge>,
    redoing: bool,
    on_redo: EventHandler<()>,
) -> Element {
    let has_branch = kept.is_some();
    rsx! {
        div { class: "undone-notice", role: "status",
            p {
                "Undone from {quoted(&excerpt)}, "
                KeptAs { kept }
                ". Sending a new message deletes the undone messages from this session"
                if has_branch { " (the branch keeps them)" }
                "."
            }
            button {
                r#type: "button",
                disabled: redoing,
                aria_busy: redoing,
                title: "Bring the undone messages and their files back",
                onclick: move |_| on_redo.call(()),
                if redoing { "Redoing…" } else { "Redo" }
            }
        }
    }
}
