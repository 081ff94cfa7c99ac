//! The `time.updated` a session got from this browser's own write of its lineage record: a
//! metadata write moves a session's update time, which is not work done in it, so the lineage's
//! activity order must not follow it.
//!
//! A write is [`begin`]-noted before it is sent (with the session's update time before it and
//! the record sent), then [`note`]-d with the update times its answer and the read after it
//! gave. A page closed or reloaded between the server taking the write and its answer leaves
//! the begun write behind: the next sessions list that shows the record there ([`OwnWrites::judge`])
//! takes the update time it shows as the write's. Kept per session (the newest write only), at
//! most [`KEPT`] sessions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::keys;
use super::storage::{self, Area};

/// How many sessions' own writes are remembered (the oldest go first).
pub const KEPT: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Writes {
    /// Update times our writes gave (the newest write's answer and the read after it).
    #[serde(default)]
    times: Vec<f64>,
    /// The update time the session had before our writes: its activity, as far as we know.
    #[serde(default)]
    before: f64,
    /// A write sent and not yet answered (or never, the page gone): the record it sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    begun: Option<Value>,
    /// When (this browser's clock) it was last touched: the oldest are forgotten first.
    #[serde(default)]
    at: f64,
}

fn all() -> BTreeMap<String, Writes> {
    storage::get_json(Area::Local, keys::OWN_WRITES).unwrap_or_default()
}

fn keep(mut writes: BTreeMap<String, Writes>) {
    while writes.len() > KEPT {
        let oldest = writes
            .iter()
            .min_by(|a, b| a.1.at.total_cmp(&b.1.at))
            .map(|(k, _)| k.clone());
        match oldest {
            Some(k) => writes.remove(&k),
            None => break,
        };
    }
    if let Ok(json) = serde_json::to_string(&writes) {
        let _ = storage::set(Area::Local, keys::OWN_WRITES, &json);
    }
}

fn touch(session: &str, change: impl FnOnce(&mut Writes)) {
    let mut writes = all();
    let entry = writes.entry(session.to_owned()).or_default();
    change(entry);
    entry.at = crate::platform::now_ms();
    keep(writes);
}

/// Notes that a write of `record` into `session`'s metadata is about to be sent; the session's
/// update time is `updated` now.
pub fn begin(session: &str, updated: f64, record: &Value) {
    touch(session, |w| {
        // An update time an earlier write of ours gave is no activity: the one before stays.
        if !w.times.contains(&updated) {
            w.before = w.before.max(updated);
        }
        w.begun = Some(record.clone());
    });
}

/// Notes that `session`'s `time.updated` became `updated` through a write of ours.
pub fn note(session: &str, updated: f64) {
    touch(session, |w| answered(w, updated));
}

/// A write of ours gave the update time `updated`: the write is no longer only begun.
fn answered(w: &mut Writes, updated: f64) {
    // The write's own answer and the read after it (a server may say either).
    if !w.times.contains(&updated) {
        w.times.push(updated);
    }
    let extra = w.times.len().saturating_sub(2);
    w.times.drain(..extra);
    w.begun = None;
}

/// This browser's own writes, read once for a whole sessions list and written back once, only
/// if judging them learnt something.
pub struct OwnWrites {
    writes: BTreeMap<String, Writes>,
    learnt: bool,
}

impl OwnWrites {
    pub fn load() -> Self {
        Self {
            writes: all(),
            learnt: false,
        }
    }

    /// The activity time to take from `session` listed with update time `updated` and our key
    /// in its metadata `held`: `updated` itself, unless a write of ours gave it; then the
    /// update time the session had before that write.
    pub fn judge(&mut self, session: &str, updated: f64, held: Option<&Value>) -> f64 {
        let Some(w) = self.writes.get_mut(session) else {
            return updated;
        };
        if w.times.contains(&updated) {
            return w.before;
        }
        match &w.begun {
            // A write sent, never answered here, and the server holds what it sent: the
            // update time is that write's.
            Some(record) if held == Some(record) && updated > w.before => {
                answered(w, updated);
                w.at = crate::platform::now_ms();
                self.learnt = true;
                w.before
            }
            _ => updated,
        }
    }

    /// Writes back what judging learnt (nothing when it learnt nothing).
    pub fn save(self) {
        if self.learnt {
            keep(self.writes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One judgement, read and written back as a sessions list does it.
    fn judge(session: &str, updated: f64, held: Option<&Value>) -> f64 {
        let mut writes = OwnWrites::load();
        let at = writes.judge(session, updated, held);
        writes.save();
        at
    }

    #[test]
    fn a_write_of_ours_is_known_by_its_exact_time_and_gives_the_time_before_it() {
        let record = json!({"v": 1, "parent": "ses_p"});
        begin("ses_a", 1_000.0, &record);
        note("ses_a", 1_764_000_000_123.0);
        let held = Some(&record);
        assert_eq!(judge("ses_a", 1_764_000_000_123.0, held), 1_000.0);
        assert_eq!(
            judge("ses_a", 1_764_000_000_124.0, held),
            1_764_000_000_124.0,
            "later work is activity"
        );
        assert_eq!(
            judge("ses_b", 1_764_000_000_123.0, None),
            1_764_000_000_123.0
        );
        // A second write (a label): the time before stays the one before the first write.
        begin("ses_a", 1_764_000_000_123.0, &record);
        note("ses_a", 5_000.0);
        note("ses_a", 6_000.0);
        assert_eq!(
            judge("ses_a", 1_764_000_000_123.0, held),
            1_764_000_000_123.0,
            "the newest two only"
        );
        assert_eq!(judge("ses_a", 6_000.0, held), 1_000.0);
    }

    #[test]
    fn a_write_whose_answer_never_came_is_known_by_its_record_on_the_server() {
        let record = json!({"v": 1, "parent": "ses_p"});
        begin("ses_gone", 2_000.0, &record);
        // The page went away: no answer noted. The server lacks the record: real activity.
        assert_eq!(judge("ses_gone", 2_500.0, None), 2_500.0);
        let other = json!({"v": 1, "parent": "ses_q"});
        assert_eq!(judge("ses_gone", 2_500.0, Some(&other)), 2_500.0);
        // It holds what was sent: the update time is the write's.
        assert_eq!(judge("ses_gone", 3_000.0, Some(&record)), 2_000.0);
        assert_eq!(judge("ses_gone", 3_000.0, Some(&record)), 2_000.0);
        assert_eq!(
            judge("ses_gone", 3_500.0, Some(&record)),
            3_500.0,
            "work after it is activity"
        );
    }
}
