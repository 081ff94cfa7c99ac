//! The root component: context providers, the stylesheet and the router, plus the page shell
//! (header and navigation) every route renders in.

use dioxus::prelude::*;

use crate::components::Toasts as ToastRegion;
use crate::forking::{resolve_pending, Resolution};
use crate::lineage::Lineage;
use crate::platform::{apply_theme, now_ms};
use crate::route::Route;
use crate::settings::Settings;
use crate::state::Catalog;
use crate::state::{
    use_event_stream_provider, use_events, use_lineage, use_scan, use_settings, use_toasts,
    LineageState, ScanState, StreamStatus, ToastKind, Toasts, SCAN_ON_CONNECT_KEY,
};
use crate::storage::{self, Area};

const STYLE: Asset = asset!("/assets/main.css");
const ICON: Asset = asset!("/assets/icon.svg");
const THEME_KEY: &str = "branchpoint.theme";

/// The whole app.
#[component]
pub fn App() -> Element {
    use_context_provider(|| Signal::new(Settings::load()));
    let toasts = use_context_provider(|| Toasts(Signal::new(Vec::new())));
    use_context_provider(|| {
        let loaded = crate::lineage::store::load();
        if let Some(warning) = loaded.warning {
            toasts.push(ToastKind::Error, warning);
        }
        LineageState(Signal::new(loaded.lineage))
    });
    use_hook(|| {
        crate::platform::register_service_worker(&crate::platform::base_path(&ICON.to_string()))
    });
    // Another tab forked (or imported): show its edges here too. Writes already merge.
    let lineage = use_context::<LineageState>().0;
    use_hook(move || {
        crate::platform::on_storage_change(crate::lineage::store::KEY, move || {
            let mut lineage = lineage;
            lineage.set(crate::lineage::store::load().lineage);
        })
    });
    use_event_stream_provider();
    use_context_provider(ScanState::new);
    use_context_provider(|| Catalog {
        agents: Signal::new(None),
        providers: Signal::new(None),
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
    }
}

/// Forks whose answer was lost while the server could not be reached: looked for each time
/// the event stream goes live (the server is back), and every 20 s while any wait (a fork can
/// go unanswered while the stream stays up); recorded when found, the user told either way. A
/// list that fails leaves them pending for the next time.
#[component]
fn PendingForks() -> Element {
    let status = use_events().status;
    let settings = use_settings();
    let lineage = use_lineage().0;
    let toasts = use_toasts();
    // Cheap when nothing waits: resolve_pending then returns before any request.
    let settle = move || {
        let client = crate::state::client(&settings.peek());
        spawn(async move {
            let Ok(resolved) = resolve_pending(&client, now_ms()).await else {
                return;
            };
            for resolution in resolved {
                if let Some((kind, text)) = told(resolution, lineage) {
                    toasts.push(kind, text);
                }
            }
        });
    };
    use_effect(move || {
        if *status.read() == StreamStatus::Live {
            settle();
        }
    });
    #[cfg(target_arch = "wasm32")]
    use_future(move || async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(20_000).await;
            if *status.peek() == StreamStatus::Live {
                settle();
            }
        }
    });
    rsx! {}
}

/// What the user is told about a pending fork once settled (recording a found one's edge in
/// `lineage`); nothing when another tab had settled it.
fn told(resolution: Resolution, mut lineage: Signal<Lineage>) -> Option<(ToastKind, String)> {
    Some(match resolution {
        Resolution::Found(pending, forked) => match forked.lineage {
            Some(stored) => {
                lineage.set(stored);
                (
                    ToastKind::Info,
                    format!(
                        "The fork of “{}” asked for while the server was unreachable had been \
                         made: it is recorded as “{}”.",
                        pending.source.title, forked.session.title
                    ),
                )
            }
            None => (ToastKind::Error, forked.warning.unwrap_or_default()),
        },
        Resolution::NotMade(pending) => (
            ToastKind::Error,
            format!(
                "The fork of “{}” asked for while the server was unreachable never reached it: \
                 nothing was made. Fork again if you still want it.",
                pending.source.title
            ),
        ),
        Resolution::Unsure(pending) => (
            ToastKind::Error,
            format!(
                "More than one session could be the fork of “{}” asked for while the server \
                 was unreachable: look in the sessions list.",
                pending.source.title
            ),
        ),
        Resolution::Settled(_) => return None,
    })
}

/// "Scan when the app connects": once per visit, when the event stream first goes live. A
/// component of its own, so that following the stream's status re-renders nothing else.
#[component]
fn ScanOnConnect() -> Element {
    let status = use_events().status;
    let settings = use_settings();
    let lineage = use_lineage();
    let toasts = use_toasts();
    let scan = use_scan();
    let mut done = use_signal(|| false);
    use_effect(move || {
        let live = *status.read() == StreamStatus::Live;
        if live && !*done.peek() {
            done.set(true);
            if storage::get(Area::Local, SCAN_ON_CONNECT_KEY).as_deref() == Some("1") {
                scan.start(&settings.peek(), lineage, toasts);
            }
        }
    });
    rsx! {}
}

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
    let mut theme = use_signal(|| storage::get(Area::Local, THEME_KEY).unwrap_or_default());
    use_effect(move || apply_theme(&theme.read()));
    let (theme_label, next_theme) = match theme.read().as_str() {
        "light" => ("Theme: light", "dark"),
        "dark" => ("Theme: dark", ""),
        _ => ("Theme: system", "light"),
    };
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
                    let _ = storage::set(Area::Local, THEME_KEY, next_theme);
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
        ToastRegion {}
    }
}
