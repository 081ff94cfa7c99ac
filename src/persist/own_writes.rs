//! The `time.updated` a session got from this browser's own write of its lineage record: a
//! metadata write moves a session's update time, which is not work done in it, so the lineage's
//! activity order must not follow it. Kept per session (the newest write only), at most
//! [`KEPT`] sessions (the write's answer and the read after it).

use std::collections::BTreeMap;

use super::keys;
use super::storage::{self, Area};

/// How many sessions' own writes are remembered (the oldest go first).
pub const KEPT: usize = 500;

fn all() -> BTreeMap<String, Vec<f64>> {
    storage::get_json(Area::Local, keys::OWN_WRITES).unwrap_or_default()
}

/// Notes that `session`'s `time.updated` became `updated` through a write of ours.
pub fn note(session: &str, updated: f64) {
    let mut writes = all();
    let times = writes.entry(session.to_owned()).or_default();
    // The write's own answer and the read after it (a server may say either).
    if !times.contains(&updated) {
        times.push(updated);
    }
    let extra = times.len().saturating_sub(2);
    times.drain(..extra);
    while writes.len() > KEPT {
        let newest = |t: &Vec<f64>| t.iter().copied().fold(f64::MIN, f64::max);
        let oldest = writes
            .iter()
            .min_by(|a, b| newest(a.1).total_cmp(&newest(b.1)))
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

/// Is `updated` the update time `session` got from a write of ours (so no activity)?
pub fn is_ours(session: &str, updated: f64) -> bool {
    all()
        .get(session)
        .is_some_and(|times| times.contains(&updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_of_ours_is_known_by_its_exact_time() {
        note("ses_a", 1_764_000_000_123.0);
        assert!(is_ours("ses_a", 1_764_000_000_123.0));
        assert!(
            !is_ours("ses_a", 1_764_000_000_124.0),
            "later work is activity"
        );
        assert!(!is_ours("ses_b", 1_764_000_000_123.0));
        note("ses_a", 5.0);
        note("ses_a", 6.0);
        assert!(
            !is_ours("ses_a", 1_764_000_000_123.0),
            "the newest two only"
        );
        assert!(is_ours("ses_a", 5.0) && is_ours("ses_a", 6.0));
    }
}
