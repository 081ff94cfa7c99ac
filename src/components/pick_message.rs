//! `/fork-before`: the user's messages in a dialog, newest first, to pick one to edit and
//! send again (a fork made just before it, its text in the new composer).

use dioxus::prelude::*;

use super::dialog::{focus_on_mount, Dialog};

/// The user's messages as (id, excerpt), to choose one of.
#[component]
pub fn MessagePicker(
    messages: Vec<(String, String)>,
    on_pick: EventHandler<String>,
    on_cancel: EventHandler<()>,
) -> Element {
    rsx! {
        Dialog { role: "dialog", heading: "Edit and resend which message?", on_cancel: move |_| on_cancel.call(()),
            if messages.is_empty() {
                p { "This session has no message of yours yet." }
            } else {
                p { class: "muted", "A fork is made just before the message you pick, with its text in the composer to change and send." }
                ul { class: "message-picker",
                    for (index, (id, excerpt)) in messages.iter().enumerate() {
                        li { key: "{id}",
                            button {
                                r#type: "button",
                                onmounted: move |e| async move {
                                    if index == 0 {
                                        focus_on_mount(e).await;
                                    }
                                },
                                onclick: {
                                    let id = id.clone();
                                    move |_| on_pick.call(id.clone())
                                },
                                "{excerpt}"
                            }
                        }
                    }
                }
            }
            div { class: "actions",
                button { r#type: "button", onclick: move |_| on_cancel.call(()), "Cancel" }
            }
        }
    }
}
