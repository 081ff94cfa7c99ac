//! The root component: the app-wide state, the stylesheet, the service worker and the router,
//! with the work the app does in the background beside it.

use dioxus::prelude::*;

use crate::layout::ICON;
use crate::route::Route;
use crate::state::background::{LineageOnServer, PendingForks, ScanOnConnect};
use crate::state::provide_app_state;

const STYLE: Asset = asset!("/assets/main.css");

/// The whole app.
#[component]
pub fn App() -> Element {
    let state = provide_app_state();
    use_hook(|| {
        // Before any page here can ask for a fork: those an earlier page in this tab was
        // making when it went are to be looked for.
        crate::fork::pending::adopt_left();
        let base = crate::platform::base_path(&ICON.to_string());
        crate::platform::register_service_worker(&base);
        // Everywhere but Settings (where other servers are tried), the page may connect only
        // to itself and the configured server.
        if crate::platform::route_path(&base) != "settings" {
            let url = state.settings.peek().server_url.clone();
            if let Some(origin) = crate::persist::settings::origin_of(&url) {
                crate::platform::narrow_connect_src(&origin);
            }
        }
    });
    rsx! {
        document::Stylesheet { href: STYLE }
        document::Link { rel: "icon", href: ICON }
        ErrorBoundary {
            handle_error: |errors: ErrorContext| rsx! {
                section { class: "error-panel", role: "alert",
                    h2 { "Something went wrong" }
                    p { "{errors:?}" }
                }
            },
            Router::<Route> {}
        }
        ScanOnConnect {}
        PendingForks {}
        LineageOnServer {}
    }
}
