//! Loading and error states, so no page is ever blank.

use dioxus::prelude::*;

use crate::api::ApiError;
use crate::platform::page_origin;
use crate::route::Route;
use crate::settings::is_local_origin;

/// A polite "loading" line.
#[component]
pub fn Loading(label: String) -> Element {
    rsx! {
        p { class: "loading", role: "status", aria_live: "polite",
            span { class: "spinner", aria_hidden: "true" }
            "{label}"
        }
    }
}

/// An error as a panel: what went wrong, what to do, and a way to retry.
#[component]
pub fn ErrorPanel(error: ApiError, on_retry: Option<EventHandler<()>>) -> Element {
    let origin = page_origin();
    let cors_hint = error.is_network() && !origin.is_empty() && !is_local_origin(&origin);
    let settings_hint = matches!(
        error,
        ApiError::Network { .. } | ApiError::Unauthorized | ApiError::Decode { .. }
    );
    rsx! {
        section { class: "error-panel", role: "alert",
            h2 { "{error.title()}" }
            p { "{error}" }
            if cors_hint {
                p {
                    "This page is served from {origin}, so the server must allow that origin. Start it with:"
                }
                pre { class: "command", code { "opencode serve --cors {origin}" } }
            }
            div { class: "actions",
                if let Some(on_retry) = on_retry {
                    button { r#type: "button", onclick: move |_| on_retry.call(()), "Try again" }
                }
                if settings_hint {
                    Link { to: Route::Settings {}, class: "button", "Open settings" }
                }
            }
        }
    }
}
