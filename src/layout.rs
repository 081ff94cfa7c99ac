//! The page shell every route renders in: the header (brand, navigation, server, live status,
//! theme) and the page below it.

use dioxus::prelude::*;

use crate::components::{CommandPalette, KeyboardHelp, ToastRegion};
use crate::persist::prefs;
use crate::platform::{apply_theme, ChordListener, FocusMark};
use crate::route::Route;
use crate::state::{use_events, use_overlays, use_settings, StreamStatus};

/// The app's icon: the header's logo, and the page's icon.
pub const ICON: Asset = asset!("/assets/icon.svg");

/// Header with navigation, then the page.
#[component]
pub fn Shell() -> Element {
    let settings = use_settings();
    let server = settings.read().server_url.clone();
    let status = use_events().status;
    let (stream_class, stream_label) = match &*status.read() {
        StreamStatus::Live => ("live", "Live".to_owned()),
        StreamStatus::Connecting => ("connecting", "Connecting…".to_owned()),
        StreamStatus::Retrying(s) => ("offline", format!("Offline · retry in {s} s")),
        StreamStatus::Unauthorized => ("offline", "Wrong password".to_owned()),
    };
    let refused = *status.read() == StreamStatus::Unauthorized;
    let mut theme = use_signal(prefs::theme);
    use_effect(move || apply_theme(&theme.read()));
    let (theme_label, next_theme) = match theme.read().as_str() {
        "light" => ("Theme: light", "dark"),
        "dark" => ("Theme: dark", ""),
        _ => ("Theme: system", "light"),
    };
    let overlays = use_overlays();
    let (mut palette, mut help) = (overlays.palette, overlays.help);
    // One listener for the whole app: Ctrl+K / ⌘K (even while typing) and `?` (not while
    // typing) open the palette and the keyboard help.
    use_hook(|| {
        std::rc::Rc::new(ChordListener::new(move |press| {
            let chord = (press.ctrl || press.meta) && !press.alt;
            if chord && press.key.eq_ignore_ascii_case("k") {
                let open = *palette.peek();
                let mut palette = palette;
                palette.set(!open);
                return true;
            }
            if press.key == "?" && !press.in_field && !press.ctrl && !press.meta {
                if !*help.peek() && !*palette.peek() {
                    let mut help = help;
                    help.set(true);
                }
                return true;
            }
            false
        }))
    });
    // Where focus was when the help opened, given back when it closes.
    let mut help_mark = use_signal(|| None::<std::rc::Rc<FocusMark>>);
    use_effect(move || {
        if help() {
            help_mark.set(Some(std::rc::Rc::new(FocusMark::here())));
        }
    });
    rsx! {
        header { class: "shell-header",
            Link { to: Route::Sessions {}, class: "brand", aria_label: "Branchpoint, all sessions",
                img { src: ICON, alt: "", width: "24", height: "24" }
                span { "Branchpoint" }
            }
            nav { aria_label: "Main",
                Link { to: Route::Sessions {}, active_class: "active", "Sessions" }
                Link { to: Route::Lineage { focus: String::new() }, active_class: "active", "Lineage" }
                Link { to: Route::Settings {}, active_class: "active", "Settings" }
            }
            button {
                r#type: "button",
                class: "palette-button",
                title: "Sessions, pages and actions (Ctrl+K / ⌘K)",
                aria_keyshortcuts: "Control+K Meta+K",
                onclick: move |_| palette.set(true),
                "Go to… "
                kbd { "Ctrl K" }
            }
            button {
                r#type: "button",
                class: "link-button keyboard-button",
                title: "Every keyboard shortcut (?)",
                aria_keyshortcuts: "?",
                onclick: move |_| help.set(true),
                "Keyboard"
            }
            span { class: "server muted", title: "OpenCode server", "{server}" }
            span { class: "stream stream-{stream_class}", role: "status", title: "Live updates from the server",
                span { class: "dot", aria_hidden: "true" }
                "{stream_label}"
            }
            button {
                r#type: "button",
                class: "link-button theme-toggle",
                title: "Switch between the system's theme, light and dark",
                onclick: move |_| {
                    prefs::set_theme(next_theme);
                    theme.set(next_theme.to_owned());
                },
                "{theme_label}"
            }
        }
        main { class: "shell-main",
            if refused {
                div { class: "auth-banner", role: "alert",
                    p {
                        "The server no longer accepts this app's password: it may have been changed, or newly set. "
                        "Nothing typed here is lost; drafts wait until you send them."
                    }
                    Link { to: Route::Settings {}, class: "button primary", "Enter the new password" }
                }
            }
            ErrorBoundary {
                handle_error: |errors: ErrorContext| rsx! {
                    section { class: "error-panel", role: "alert",
                        h2 { "This page failed" }
                        p { "{errors:?}" }
                    }
                },
                Outlet::<Route> {}
            }
        }
        if palette() {
            CommandPalette { on_close: move |_| palette.set(false) }
        }
        if help() {
            KeyboardHelp {
                groups: crate::shortcuts::all(),
                on_close: move |_| {
                    help.set(false);
                    if let Some(mark) = help_mark.peek().as_ref() {
                        mark.restore();
                    }
                },
            }
        }
        ToastRegion {}
    }
}
