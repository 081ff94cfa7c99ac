//! The lineage kept on the server too, app-wide: what the server's sessions say merged into
//! the lineage here (`lineage::remote`), what this browser knows written back
//! (`lineage::outbox`), and the user told once about what cannot be.

use std::collections::HashSet;

use dioxus::prelude::*;

use super::connection::client;
use super::lineage::LineageState;
use super::toasts::{ToastKind, Toasts};
use crate::api::Session;
use crate::lineage::{outbox, remote, store};
use crate::persist::{prefs, ConnectionSettings};
use crate::platform::now_ms;
use crate::text::display_title;

/// The lineage on the server: merged on every read, written after every record.
#[derive(Clone, Copy)]
pub struct RemoteLineage {
    settings: Signal<ConnectionSettings>,
    lineage: LineageState,
    toasts: Toasts,
    /// Sessions the user was told about this visit (metadata too large, a record refused).
    told: Signal<HashSet<String>>,
    /// A flush is running; `again` asks it to go round once more when it ends.
    running: Signal<bool>,
    again: Signal<bool>,
    /// How many pages on screen list the server's sessions themselves (and merge them):
    /// while one does, the app does not list them again in the background.
    listers: Signal<usize>,
}

impl RemoteLineage {
    /// Merges the lineage kept in `sessions`' metadata (as the current server listed them)
    /// into the lineage here, and queues for writing what this browser knows better.
    pub fn merge(self, sessions: &[Session]) {
        if sessions.is_empty() {
            return;
        }
        let server = self.settings.peek().connection().base_url;
        let seen = remote::reconcile(&self.lineage.0.peek(), sessions, &server);
        for (id, title, size) in &seen.too_large {
            self.tell_once(
                id,
                format!(
                    "“{}” carries {} KB of metadata on the server, more than Branchpoint reads \
                     ({} KB): the lineage kept there is ignored.",
                    display_title(title),
                    size.div_ceil(1024),
                    remote::MAX_METADATA_BYTES / 1024
                ),
            );
        }
        let changes = seen.apply(&mut self.lineage.0.peek().clone());
        if changes {
            if let Err(problem) = self.lineage.update(|l| {
                seen.apply(l);
            }) {
                self.toasts.push(ToastKind::Error, problem);
            }
        }
        if !seen.to_write.is_empty() && prefs::lineage_on_server() {
            outbox::queue(&server, seen.to_write.iter().map(String::as_str));
            self.flush();
        }
    }

    /// `session`'s label or note changed here: written to its server (when the lineage is
    /// kept there).
    pub fn changed(self, session: &str) {
        if !prefs::lineage_on_server() {
            return;
        }
        let current = self.settings.peek().connection().base_url;
        let server = self
            .lineage
            .0
            .peek()
            .places()
            .get(session)
            .map(|(on, _)| (*on).to_owned())
            .filter(|on| !on.is_empty())
            .unwrap_or(current);
        outbox::queue(&server, [session]);
        self.flush();
    }

    /// Lists the current server's sessions (in a task of its own) and merges them: what they
    /// hold comes here, and what this browser knows of them is written there.
    pub fn reread(self) {
        let client = client(&self.settings.peek());
        dioxus::dioxus_core::spawn_forever(async move {
            if let Ok(sessions) = client.list_sessions().await {
                self.merge(&sessions);
            }
        });
    }

    /// Does a page on screen list the server's sessions itself?
    pub fn page_lists_sessions(self) -> bool {
        *self.listers.peek() > 0
    }

    /// Writes what waits for the current server (in a task of its own, which outlives the
    /// page that asked). A flush asked for while one runs makes it go round once more.
    pub fn flush(self) {
        let (mut running, mut again) = (self.running, self.again);
        if *running.peek() {
            again.set(true);
            return;
        }
        running.set(true);
        dioxus::dioxus_core::spawn_forever(async move {
            loop {
                again.set(false);
                let client = client(&self.settings.peek());
                let lineage = store::load(now_ms()).lineage;
                let flushed = outbox::flush(&client, &lineage).await;
                self.report(&flushed, &lineage);
                if !flushed.disagree.is_empty() {
                    let _ = self.lineage.update(|l| {
                        l.merge_remote(&flushed.disagree);
                    });
                }
                // A disagreement settled for this browser's record is over once its write
                // went (`outbox::flush` spent it): a later change there is a new one.
                if lineage.conflicts.values().any(|c| c.dismissed) {
                    self.lineage.show(store::load(now_ms()).lineage);
                }
                if !*again.peek() {
                    break;
                }
            }
            running.set(false);
        });
    }

    /// Settles a disagreement about `child`: this browser's record (then written to the
    /// server, when the lineage is kept there) or the server's.
    pub fn choose(self, child: &str, keep_local: bool) {
        let result = self.lineage.update(|l| {
            if keep_local {
                l.keep_local_record(child);
            } else {
                l.use_server_record(child);
            }
        });
        match result {
            Err(problem) => self.toasts.push(ToastKind::Error, problem),
            Ok(()) if keep_local && prefs::lineage_on_server() => {
                let server = self.settings.peek().connection().base_url;
                outbox::queue(&server, [child]);
                self.flush();
            }
            Ok(()) => {}
        }
    }

    fn report(self, flushed: &outbox::Flushed, lineage: &crate::lineage::LineageGraph) {
        if let (true, Some(failure)) = (flushed.tell, &flushed.failure) {
            self.toasts.push(
                ToastKind::Error,
                format!(
                    "The lineage could not be written to the server ({failure}). It is kept in \
                     this browser and written when the server takes it."
                ),
            );
        }
        if flushed.caught_up {
            self.toasts.push(
                ToastKind::Info,
                "The lineage kept in this browser while the server could not take it is now on \
                 the server.",
            );
        }
        for (id, why) in &flushed.refused {
            let title = lineage
                .parent_of(id)
                .map(|e| e.child_title.clone())
                .unwrap_or_default();
            self.tell_once(
                id,
                format!(
                    "The lineage of “{}” cannot be kept on the server: {why}.",
                    display_title(&title)
                ),
            );
        }
    }

    fn tell_once(self, session: &str, text: String) {
        let mut told = self.told;
        if told.write().insert(session.to_owned()) {
            self.toasts.push(ToastKind::Error, text);
        }
    }
}

pub(super) fn provide(
    settings: Signal<ConnectionSettings>,
    lineage: LineageState,
    toasts: Toasts,
) -> RemoteLineage {
    use_context_provider(|| RemoteLineage {
        settings,
        lineage,
        toasts,
        told: Signal::new(HashSet::new()),
        running: Signal::new(false),
        again: Signal::new(false),
        listers: Signal::new(0),
    })
}

/// Marks the calling page as one that lists the server's sessions itself and merges what
/// their metadata says (the sessions list, the lineage view), while it is on screen.
pub fn use_page_lists_sessions() {
    let remote = use_remote_lineage();
    use_hook(move || {
        let mut listers = remote.listers;
        *listers.write() += 1;
    });
    use_drop(move || {
        let mut listers = remote.listers;
        let left = listers.try_peek().map(|n| n.saturating_sub(1));
        if let Ok(left) = left {
            listers.set(left);
        }
    });
}

/// The app's lineage on the server.
pub fn use_remote_lineage() -> RemoteLineage {
    use_context::<RemoteLineage>()
}
