//! The fork lineage as the app shows it: read from storage at start, followed when another tab
//! writes it, and changed only through `lineage::store` (which merges every write).

use dioxus::prelude::*;

use super::toasts::{ToastKind, Toasts};
use crate::api::Session;
use crate::lineage::{remote, store, LineageGraph};
use crate::persist::{open_texts, own_writes};
use crate::platform::now_ms;

/// The fork lineage as last read from or written to storage.
#[derive(Clone, Copy)]
pub struct LineageState(pub Signal<LineageGraph>);

impl LineageState {
    /// Changes the stored lineage (merged with what another tab wrote) and shows the result.
    pub fn update(self, change: impl Fn(&mut LineageGraph)) -> Result<(), String> {
        let stored = store::update(change, now_ms())?;
        self.show(stored);
        Ok(())
    }

    /// Shows a lineage just stored (by a fork, an import).
    pub fn show(self, stored: LineageGraph) {
        let mut signal = self.0;
        signal.set(stored);
    }

    /// Records when the lineage's sessions among `sessions` were last updated, so the trees
    /// keep their order by activity offline. Writes only when something is newer.
    pub fn note_activity(self, sessions: &[Session]) {
        let newer: Vec<(String, f64)> = {
            let lineage = self.0.peek();
            let known = lineage.places();
            let mut writes = own_writes::OwnWrites::load();
            let newer = sessions
                .iter()
                .filter(|s| known.contains_key(s.id.as_str()))
                .filter_map(|s| {
                    // An update time our own lineage write gave it is not activity.
                    let held = s.metadata.as_ref().and_then(|m| m.get(remote::KEY));
                    let at = writes.judge(&s.id, s.time.updated, held);
                    let newer = lineage.active.get(&s.id).is_none_or(|&was| was < at);
                    newer.then(|| (s.id.clone(), at))
                })
                .collect();
            writes.save();
            newer
        };
        if !newer.is_empty() {
            let _ = self.update(|l| {
                for (session, at) in &newer {
                    l.set_active(session, *at);
                }
            });
        }
    }

    /// Records how many messages `session` has (the length of its lane on the map), if the
    /// lineage knows it and the count changed. `at_least`: `n` are the ones a page has loaded
    /// of a longer session, which never shortens what was known (a scan counted them all).
    pub fn note_messages(self, session: &str, n: usize, at_least: bool) {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let new = {
            let lineage = self.0.peek();
            let known = lineage.messages.get(session).copied();
            count_changed(known, n, at_least) && lineage.mentions(session)
        };
        if new {
            let _ = self.update(|l| {
                l.set_messages(session, n);
            });
        }
    }

    /// Records that `session` was deleted on its server, if the lineage knows it, and forgets
    /// the reply text kept for it.
    pub fn mark_deleted(self, session: &str) {
        open_texts::forget(session);
        let known = self.0.peek().mentions(session);
        if known {
            let _ = self.update(|l| {
                l.mark_deleted([session]);
            });
        }
    }
}

/// Provides the lineage as stored (telling `toasts` when it could not be read), and follows
/// what another tab forks or imports: writes already merge.
pub(super) fn provide(toasts: Toasts) -> LineageState {
    let state = use_context_provider(|| {
        let loaded = store::load(now_ms());
        if let Some(warning) = loaded.warning {
            toasts.push(ToastKind::Error, warning);
        }
        LineageState(Signal::new(loaded.lineage))
    });
    use_hook(move || {
        crate::platform::on_storage_change(store::KEY, move || {
            state.show(store::load(now_ms()).lineage);
        })
    });
    state
}

/// The app's lineage.
pub fn use_lineage() -> LineageState {
    use_context::<LineageState>()
}

/// Whether a session's message count `n` (a lower bound when `at_least`) says more than the
/// `known` one.
fn count_changed(known: Option<u32>, n: u32, at_least: bool) -> bool {
    match known {
        Some(known) if at_least => n > known,
        known => known != Some(n),
    }
}

#[cfg(test)]
mod tests {
    use super::count_changed;

    #[test]
    fn a_page_of_a_long_session_never_shortens_its_lane() {
        // The newest 60 of 1,000 counted by a scan: still 1,000.
        assert!(!count_changed(Some(1000), 60, true));
        // More loaded than known: more.
        assert!(count_changed(Some(60), 260, true));
        assert!(count_changed(None, 60, true));
        // All loaded: exactly what the page holds, shorter too (messages undone).
        assert!(count_changed(Some(1000), 998, false));
        assert!(!count_changed(Some(998), 998, false));
    }
}
