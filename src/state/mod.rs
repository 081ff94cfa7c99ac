//! App-wide state, one file per store: the connection settings, toasts, the lineage (and its
//! copy on the server), the event stream, the agent/model/command catalog, the scan, the fork
//! shown before its page loads, the work done in the background, and what the palette and
//! commands ask of the session page. [`provide_app_state`] sets them all up, for the app and
//! for the server-side rendering tests alike.

pub mod background;
pub mod catalog;
pub mod commands;
pub mod connection;
pub mod events;
pub mod lineage;
pub mod place;
pub mod provisional;
pub mod remote;
pub mod scan;
pub mod toasts;

use dioxus::prelude::*;

pub use catalog::{use_catalog, Catalog, Load};
pub use commands::{use_overlays, use_session_commands, Overlays, SessionCommand, SessionCommands};
pub use connection::{client, use_settings, AppTransport, Offline};
pub use events::{use_directory_events, use_events, EventBus, StreamStatus};
pub use lineage::{use_lineage, LineageState};
pub use place::{provide_session_place, use_session_place, SessionPlace};
pub use provisional::{use_provisional_fork, LeftFork, Making, ProvisionalFork};
pub use remote::{use_page_lists_sessions, use_remote_lineage, RemoteLineage};
pub use scan::{use_scan, ScanState};
pub use toasts::{use_toasts, Toast, ToastKind, Toasts};

use crate::persist::ConnectionSettings;

/// Handles on every app-wide store, as [`provide_app_state`] made them.
#[derive(Clone)]
pub struct AppState {
    pub settings: Signal<ConnectionSettings>,
    pub toasts: Toasts,
    pub lineage: LineageState,
    pub remote: RemoteLineage,
    pub events: EventBus,
    pub catalog: Catalog,
    pub scan: ScanState,
    pub provisional: ProvisionalFork,
    pub commands: SessionCommands,
    pub overlays: Overlays,
}

/// Provides every app-wide store to the calling component's descendants: settings and lineage
/// as stored, no toasts, the event stream opened for the settings.
pub fn provide_app_state() -> AppState {
    let settings = connection::provide();
    let toasts = toasts::provide();
    let lineage = lineage::provide(toasts);
    let remote = remote::provide(settings, lineage, toasts);
    let events = events::provide();
    let catalog = catalog::provide();
    let scan = scan::provide(remote);
    let provisional = provisional::provide();
    let (commands, overlays) = commands::provide();
    AppState {
        settings,
        toasts,
        lineage,
        remote,
        events,
        catalog,
        scan,
        provisional,
        commands,
        overlays,
    }
}
