//! What an undo shows: the ask before undoing while a reply runs, the mark on each undone
//! message ("Undone — kept as …"), and the notice by the composer with Redo.

use dioxus::prelude::*;

use super::dialog::{Dialog, FirstChoice};
use crate::lineage::Edge;
use crate::route::Route;
use crate::text::display_title;

/// The ask when undoing in a session that is still writing a reply.
#[component]
pub fn UndoBusyDialog(on_stop: EventHandler<()>, on_cancel: EventHandler<()>) -> Element {
    rsx! {
        Dialog {
            role: "dialog",
            heading: "This session is still writing a reply",
            on_cancel: move |_| on_cancel.call(()),
            p { "An undo needs the session at rest. Stop the reply and undo (what is undone, the stopped reply with it, is kept as a branch), or cancel." }
            div { class: "actions",
                FirstChoice { label: "Stop and undo", on_click: move |_| on_stop.call(()) }
                button { r#type: "button", onclick: move |_| on_cancel.call(()), "Cancel" }
            }
        }
    }
}

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
                "Undone from “{excerpt}”, "
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
