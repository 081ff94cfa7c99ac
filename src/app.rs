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
    provide_app_state();
    use_hook(|| {
        crate::platform::register_service_worker(&crate::platform::base_path(&ICON.to_string()))
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
