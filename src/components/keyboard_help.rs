//! The "Keyboard" help: a page's shortcuts in a dialog (opened with `?` or its button). Each
//! page hands in its own list, so the app-wide help can grow from the same pieces.

use dioxus::prelude::*;

use super::dialog::Dialog;

/// One shortcut: the keys (as shown, `"↑ / ↓"`) and what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortcut {
    pub keys: &'static str,
    pub what: &'static str,
}

/// A group of shortcuts under a heading ("On the map", "Anywhere on this page").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortcuts {
    pub heading: &'static str,
    pub keys: &'static [Shortcut],
}

/// Is this key press the one that opens the help (`?`, not while typing)?
pub fn opens_help(event: &KeyboardEvent) -> bool {
    event.key() == Key::Character("?".into()) && !event.modifiers().ctrl()
}

/// The shortcuts in a dialog; Escape or "Close" closes it.
#[component]
pub fn KeyboardHelp(groups: Vec<Shortcuts>, on_close: EventHandler<()>) -> Element {
    rsx! {
        Dialog { role: "dialog", heading: "Keyboard", on_cancel: move |_| on_close.call(()),
            div { class: "keyboard-help",
                for group in groups {
                    section { key: "{group.heading}",
                        h3 { "{group.heading}" }
                        dl {
                            for shortcut in group.keys.iter() {
                                div { key: "{shortcut.keys}", class: "shortcut",
                                    dt { kbd { "{shortcut.keys}" } }
                                    dd { "{shortcut.what}" }
                                }
                            }
                        }
                    }
                }
            }
            div { class: "actions",
                button {
                    r#type: "button",
                    onmounted: move |e: MountedEvent| async move {
                        let _ = e.set_focus(true).await;
                    },
                    onclick: move |_| on_close.call(()),
                    "Close"
                }
            }
        }
    }
}
