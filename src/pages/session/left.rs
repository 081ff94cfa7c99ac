//! `/session/forking-<token>` with no fork being made on it: the page showed a fork being made
//! and was reloaded (or left and come back to) before the server's answer came. When that
//! fork waits to be looked for, the page says so, and follows it once the server is asked: to
//! the fork if it had been made, or says it never was.

use dioxus::prelude::*;

use crate::components::Loading;
use crate::fork::pending;
use crate::route::Route;
use crate::state::{use_provisional_fork, LeftFork};

#[component]
pub fn LeftForkPanel(token: u64) -> Element {
    let provisional = use_provisional_fork();
    let navigator = use_navigator();
    // Read once: the fork is looked for (and stops waiting) while this page shows.
    let waiting = use_hook(move || pending::shown_at(token));
    use_effect(move || {
        if let Some(LeftFork::Made(id)) = provisional.left(token) {
            navigator.replace(Route::Session { id });
        }
    });
    match (provisional.left(token), waiting) {
        (Some(LeftFork::Made(_)), _) => rsx! { Loading { label: "Opening the fork…" } },
        (Some(LeftFork::NotMade(source)), _) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "The fork was never made" }
                p { "The server never got it, so nothing was made. What you typed here is back in the source session's composer." }
                Link { to: Route::Session { id: source }, class: "button", "Back to the source session" }
            }
        },
        (Some(LeftFork::Unsure), _) => rsx! {
            section { class: "error-panel", role: "alert",
                h1 { "Which session is the fork?" }
                p { "More than one session could be the fork that was being made here: look in the sessions list." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
        (None, Some(fork)) => rsx! {
            section { class: "error-panel waiting", role: "status",
                h1 { "Looking for the fork" }
                p { "The fork of “{fork.source.title}” was being made when this page was reloaded. Once the server answers, this page opens it, or says it was never made." }
                Link { to: Route::Session { id: fork.source.id.clone() }, class: "button", "Back to “{fork.source.title}”" }
            }
        },
        (None, None) => rsx! {
            section { class: "error-panel waiting", role: "status",
                h1 { "No fork is being made here" }
                p { "A fork shows here while the server makes it; this one has ended. The forks that were made are in the sessions list and the lineage." }
                Link { to: Route::Sessions {}, class: "button", "All sessions" }
            }
        },
    }
}
