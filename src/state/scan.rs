//! "Scan server", app-wide: finding forks made elsewhere, with its progress and its Cancel.

use dioxus::prelude::*;

use super::connection::client;
use super::lineage::LineageState;
use super::remote::RemoteLineage;
use super::toasts::{ToastKind, Toasts};
use crate::lineage::discover::{self, Progress};
use crate::lineage::store;
use crate::persist::ConnectionSettings;
use crate::platform::now_ms;
use crate::text::count;

/// "Scan server", app-wide: it may start when the app connects, before the lineage view is
/// open, and goes on while the user moves between pages.
#[derive(Clone, Copy)]
pub struct ScanState {
    /// Where a running scan stands; `None` when no scan runs.
    pub progress: Signal<Option<Progress>>,
    cancelled: Signal<bool>,
    /// What a scan finds is written back to the server, so no browser scans for it again.
    remote: RemoteLineage,
}

impl ScanState {
    fn new(remote: RemoteLineage) -> ScanState {
        ScanState {
            progress: Signal::new(None),
            cancelled: Signal::new(false),
            remote,
        }
    }

    /// Scans the server for forks made elsewhere and records what it finds. Does nothing while
    /// a scan runs.
    pub fn start(self, settings: &ConnectionSettings, lineage: LineageState, toasts: Toasts) {
        let (mut progress, mut cancelled) = (self.progress, self.cancelled);
        if progress.peek().is_some() {
            return;
        }
        cancelled.set(false);
        progress.set(Some(Default::default()));
        let client = client(settings);
        spawn(async move {
            let known = lineage.0.peek().clone();
            let outcome = discover::scan(
                &client,
                &known,
                |now| progress.set(Some(now)),
                || *cancelled.peek(),
            )
            .await;
            progress.set(None);
            match outcome {
                Ok(Some(found)) => {
                    let n = found.edges.len();
                    let recorded = store::record_found(&found, now_ms()).map(|(stored, added)| {
                        lineage.show(stored);
                        if added > 0 {
                            self.remote.flush();
                        }
                    });
                    let sessions = count(found.sessions, "session");
                    let forks = count(n, "fork");
                    match (recorded, n) {
                        (Err(problem), _) => toasts.push(ToastKind::Error, problem),
                        (Ok(()), 0) => toasts.push(
                            ToastKind::Info,
                            format!("Scanned {sessions}: no forks made elsewhere."),
                        ),
                        (Ok(()), _) => toasts.push(
                            ToastKind::Info,
                            format!("Scanned {sessions}: found {forks} made elsewhere."),
                        ),
                    }
                }
                Ok(None) => toasts.push(ToastKind::Info, "Scan cancelled: nothing was added."),
                Err(error) => toasts.push(ToastKind::Error, format!("The scan stopped: {error}")),
            }
        });
    }

    /// Stops a running scan after the requests on their way.
    pub fn cancel(self) {
        let mut cancelled = self.cancelled;
        cancelled.set(true);
    }
}

pub(super) fn provide(remote: RemoteLineage) -> ScanState {
    use_context_provider(|| ScanState::new(remote))
}

/// The app's scan.
pub fn use_scan() -> ScanState {
    use_context::<ScanState>()
}
