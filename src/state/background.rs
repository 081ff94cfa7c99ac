//! Work the app does by itself, with no page asking: forks whose answer was lost are looked
//! for when the server is back, "Scan when the app connects" scans once per visit, and the
//! lineage kept on the server is read and written each time the server is back. Each is
//! a component of its own, so following the stream's status re-renders nothing else.

use dioxus::prelude::*;

use super::connection::{client, use_settings};
use super::events::{use_events, StreamStatus};
use super::lineage::{use_lineage, LineageState};
use super::provisional::{use_provisional_fork, LeftFork, ProvisionalFork};
use super::remote::use_remote_lineage;
use super::scan::use_scan;
use super::toasts::{use_toasts, ToastKind};
use crate::fork::pending::{resolve_pending, PendingFork, Resolution};
use crate::persist::drafts;
use crate::persist::prefs;
use crate::platform::now_ms;

/// Forks whose answer was lost (the server could not be reached, or the page asking was
/// reloaded): looked for each time the event stream goes live (the server is back), and every
/// 20 s while any wait (a fork can go unanswered while the stream stays up); recorded when
/// found, the user told either way. A list that fails leaves them pending for the next time.
#[component]
pub fn PendingForks() -> Element {
    let status = use_events().status;
    let settings = use_settings();
    let lineage = use_lineage();
    let remote = use_remote_lineage();
    let toasts = use_toasts();
    let provisional = use_provisional_fork();
    // Cheap when nothing waits: resolve_pending then returns before any request.
    let settle = move || {
        let client = client(&settings.peek());
        spawn(async move {
            let Ok(resolved) = resolve_pending(&client, now_ms()).await else {
                return;
            };
            if resolved.iter().any(|r| matches!(r, Resolution::Found(..))) {
                remote.flush();
            }
            for resolution in resolved {
                if let Some((kind, text)) = told(resolution, lineage, provisional) {
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
/// `lineage`); nothing when another tab had settled it. A fork whose page was reloaded while
/// it was made: what was typed there goes to the fork (or back to its source), and the page,
/// if shown again, follows ([`LeftFork`]).
fn told(
    resolution: Resolution,
    lineage: LineageState,
    provisional: ProvisionalFork,
) -> Option<(ToastKind, String)> {
    let page = |pending: &PendingFork, outcome: LeftFork| {
        if let Some(token) = pending.page {
            let typed = drafts::making(token);
            let _ = match &outcome {
                LeftFork::Made(id) => drafts::move_to(&typed, id),
                _ => drafts::give_back(&typed, &pending.source.id),
            };
            provisional.settle_left(token, outcome);
        }
    };
    Some(match resolution {
        Resolution::Found(pending, forked) => match forked.lineage {
            Some(stored) => {
                lineage.show(stored);
                page(&pending, LeftFork::Made(forked.session.id.clone()));
                (
                    ToastKind::Info,
                    format!(
                        "The fork of “{}” {} had been made: it is recorded as “{}”.",
                        pending.source.title,
                        pending.why.when(),
                        forked.session.title
                    ),
                )
            }
            None => (ToastKind::Error, forked.warning.unwrap_or_default()),
        },
        Resolution::NotMade(pending) => {
            page(&pending, LeftFork::NotMade(pending.source.id.clone()));
            (
                ToastKind::Error,
                format!(
                    "The fork of “{}” {} never reached the server: nothing was made. Fork \
                     again if you still want it.",
                    pending.source.title,
                    pending.why.when()
                ),
            )
        }
        Resolution::Unsure(pending) => {
            page(&pending, LeftFork::Unsure);
            (
                ToastKind::Error,
                format!(
                    "More than one session could be the fork of “{}” {}: look in the sessions \
                     list.",
                    pending.source.title,
                    pending.why.when()
                ),
            )
        }
        Resolution::Settled(_) => return None,
    })
}

/// "Scan when the app connects": once per visit, when the event stream first goes live. A
/// component of its own, so that following the stream's status re-renders nothing else.
#[component]
pub fn ScanOnConnect() -> Element {
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
            if prefs::scan_on_connect() {
                scan.start(&settings.peek(), lineage, toasts);
            }
        }
    });
    rsx! {}
}

/// The lineage kept on the server: each time the event stream goes live (the server is back),
/// what waits is written and every session's metadata is read, unless the page on screen
/// lists the sessions itself (so a fork made in another browser shows here wherever the user
/// is, with no scan); while records wait, they are tried again every 30 s.
#[component]
pub fn LineageOnServer() -> Element {
    let status = use_events().status;
    #[cfg(target_arch = "wasm32")]
    let settings = use_settings();
    let remote = use_remote_lineage();
    use_effect(move || {
        if *status.read() == StreamStatus::Live {
            remote.flush();
            if remote.page_lists_sessions() {
                return;
            }
            remote.reread();
        }
    });
    #[cfg(target_arch = "wasm32")]
    use_future(move || async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(30_000).await;
            let server = settings.peek().connection().base_url;
            if *status.peek() == StreamStatus::Live
                && !crate::lineage::outbox::waiting(&server).is_empty()
            {
                remote.flush();
            }
        }
    });
    rsx! {}
}
