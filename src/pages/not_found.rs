//! Any path the app does not know.

use dioxus::prelude::*;

use crate::route::Route;

/// "Page not found", with a way back.
#[component]
pub fn NotFound(segments: Vec<String>) -> Element {
    let path = format!("/{}", segments.join("/"));
    crate::platform::use_title("Not found · Branchpoint".to_owned());
    rsx! {
        section { class: "error-panel", role: "alert",
            h1 { "Page not found" }
            p { "There is nothing at {path}." }
            Link { to: Route::Sessions {}, class: "button", "All sessions" }
        }
    }
}
