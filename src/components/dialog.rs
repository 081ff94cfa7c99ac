//! A modal box: labelled by its heading, closed by Escape.

use dioxus::prelude::*;

/// A modal box: labelled by its heading, closed by Escape (`on_cancel`).
#[component]
pub fn Dialog(
    role: &'static str,
    heading: String,
    on_cancel: EventHandler<()>,
    children: Element,
) -> Element {
    rsx! {
        div {
            class: "dialog",
            role,
            aria_modal: "true",
            aria_labelledby: "dialog-title",
            onkeydown: move |e: KeyboardEvent| {
                if e.key() == Key::Escape {
                    on_cancel.call(());
                }
            },
            h2 { id: "dialog-title", "{heading}" }
            {children}
        }
    }
}
