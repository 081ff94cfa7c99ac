//! Toasts: results and errors of actions, announced to screen readers, dismissable.

use dioxus::prelude::*;

use crate::state::{use_toasts, ToastKind};

/// The toast region; errors stay until dismissed.
#[component]
pub fn ToastRegion() -> Element {
    let toasts = use_toasts();
    let list = toasts.0.read().clone();
    rsx! {
        div { class: "toasts", aria_live: "polite",
            for toast in list {
                div {
                    key: "{toast.id}",
                    class: if toast.kind == ToastKind::Error { "toast toast-error" } else { "toast" },
                    role: if toast.kind == ToastKind::Error { "alert" } else { "status" },
                    span { "{toast.text}" }
                    button {
                        r#type: "button",
                        aria_label: "Dismiss",
                        onclick: move |_| toasts.dismiss(toast.id),
                        "×"
                    }
                }
            }
        }
    }
}
