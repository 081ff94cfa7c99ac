//! A modal box: labelled by its heading, closed by Escape; the choice a dialog offers first, and
//! the focus a safe choice (or a field opened for typing) takes when it appears.

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

/// The choice a dialog offers first: a primary button that has the focus when the dialog
/// opens, so Enter takes it.
#[component]
pub fn FirstChoice(label: &'static str, on_click: EventHandler<()>) -> Element {
    rsx! {
        button {
            r#type: "button",
            class: "primary",
            onmounted: focus_on_mount,
            onclick: move |_| on_click.call(()),
            "{label}"
        }
    }
}

/// Gives the element keyboard focus as soon as it is on the page (`onmounted: focus_on_mount`):
/// the safe choice of a dialog, a field opened for typing.
pub async fn focus_on_mount(mounted: MountedEvent) {
    let _ = mounted.set_focus(true).await;
}
