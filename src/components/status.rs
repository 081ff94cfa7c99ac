//! Loading and error states, so no page is ever blank.

use dioxus::prelude::*;

use crate::api::ApiError;
use crate::persist::settings::is_local_origin;
use crate::platform::page_origin;
use crate::route::Route;

/// A polite "loading" line. After a few seconds it adds that the server is slow, so a long
/// wait does not look like a hang; nothing times out, and nothing is asked again.
#[component]
pub fn Loading(label: String) -> Element {
    let slow = use_signal(|| false);
    #[cfg(target_arch = "wasm32")]
    use_future(move || async move {
        gloo_timers::future::TimeoutFuture::new(3_000).await;
        let mut slow = slow;
        slow.set(true);
    });
    rsx! {
        p { class: "loading", role: "status", aria_live: "polite",
            span { class: "spinner", aria_hidden: "true" }
            "{label}"
            if slow() {
                span { class: "loading-slow muted",
                    " The server is slow to answer; still waiting (nothing has failed)."
                }
            }
        }
    }
}

/// An error as a panel: what went wrong, what to do, and a way to retry. While `retrying`, the
/// error stays in view and the button says so (a failed retry would otherwise look like no
/// click at all).
#[component]
pub fn ErrorPanel(
    error: ApiError,
    on_retry: Option<EventHandler<()>>,
    #[props(default)] retrying: bool,
) -> Element {
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
                    button {
                        r#type: "button",
                        disabled: retrying,
                        aria_busy: retrying,
                        onclick: move |_| on_retry.call(()),
                        if retrying { "Trying again…" } else { "Try again" }
                    }
                }
                if settings_hint {
                    Link { to: Route::Settings {}, class: "button", "Open settings" }
                }
            }
        }
    }
}
