//! Making room when browser storage is full (about 5 MB an origin). What the app keeps is not
//! all worth the same: reply text kept from a stream is a convenience, a draft is the user's
//! words, the lineage (and pending forks, settings) cannot be got back from anywhere. A write
//! refused for want of space takes the room of what is worth less than itself — streamed text
//! first, then the oldest drafts — and only then fails, so the lineage is the last thing to
//! lose space.

use super::keys;
use super::storage::{self, Area, FULL};

/// What a stored value is worth keeping, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Worth {
    /// Reply text kept from the event stream (the server has the finished reply).
    Streamed,
    /// A session's unsent text and files.
    Draft,
    /// The lineage, pending forks, settings: kept nowhere else.
    Precious,
}

/// Writes `value` under `key` in localStorage; when storage is full, drops what is worth less
/// than `worth` (never `key` itself) until it fits, and fails only when nothing is left to drop.
pub fn set(key: &str, value: &str, worth: Worth) -> Result<(), String> {
    let mut result = storage::set(Area::Local, key, value);
    for victim in victims(key, worth) {
        match &result {
            Err(problem) if problem == FULL => {}
            _ => break,
        }
        storage::remove(Area::Local, &victim);
        result = storage::set(Area::Local, key, value);
    }
    result
}

/// What a write worth `worth` may drop, in the order it drops them: every other kept streamed
/// text (the largest first; streamed text makes room among its own kind too), then, for what
/// is precious, drafts from the oldest.
fn victims(key: &str, worth: Worth) -> Vec<String> {
    let mut victims: Vec<String> = streamed_by_size(key).into_iter().map(|(_, k)| k).collect();
    if worth == Worth::Precious {
        for session in super::drafts::oldest_first() {
            victims.extend(
                [keys::draft(&session), keys::draft_files(&session)]
                    .into_iter()
                    .filter(|draft| draft != key),
            );
        }
    }
    victims
}

/// Every key of kept streamed text but `except`, with the size of its value, the largest first.
pub fn streamed_by_size(except: &str) -> Vec<(usize, String)> {
    let mut streamed: Vec<(usize, String)> = storage::keys(Area::Local)
        .into_iter()
        .filter(|k| k.starts_with(keys::STREAMED_PREFIX) && k != except)
        .map(|k| (storage::get(Area::Local, &k).map_or(0, |v| v.len()), k))
        .collect();
    streamed.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    streamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::drafts;

    fn clear() {
        storage::set_quota(usize::MAX);
        for key in storage::keys(Area::Local) {
            storage::remove(Area::Local, &key);
        }
    }

    #[test]
    fn the_lineage_takes_the_room_of_streamed_text_then_of_the_oldest_drafts() {
        clear();
        storage::set(Area::Local, &keys::streamed("ses_a"), &"s".repeat(300)).unwrap();
        drafts::keep_text("ses_old", &"o".repeat(300)).unwrap();
        drafts::keep_text("ses_new", &"n".repeat(300)).unwrap();
        storage::set(
            Area::Local,
            keys::DRAFT_TIMES,
            r#"{"ses_new":20,"ses_old":10}"#,
        )
        .unwrap();
        let used: usize = storage::keys(Area::Local)
            .iter()
            .map(|k| storage::get(Area::Local, k).unwrap().len())
            .sum();
        storage::set_quota(used + 100);
        // Needs 250 more: the streamed text goes, both drafts stay.
        set("branchpoint.lineage", &"l".repeat(350), Worth::Precious).unwrap();
        assert_eq!(storage::get(Area::Local, &keys::streamed("ses_a")), None);
        assert_eq!(drafts::text("ses_old").len(), 300);
        // Needs 300 more: the oldest draft goes, the newer stays.
        set("branchpoint.lineage", &"l".repeat(650), Worth::Precious).unwrap();
        assert_eq!(drafts::text("ses_old"), "");
        assert_eq!(drafts::text("ses_new").len(), 300);
        // Nothing a draft may take: it fails, and the lineage is untouched.
        let refused = drafts::keep_text("ses_other", &"x".repeat(500));
        assert_eq!(refused, Err(FULL.to_owned()));
        assert_eq!(
            storage::get(Area::Local, "branchpoint.lineage")
                .unwrap()
                .len(),
            650
        );
        // Streamed text never takes a draft's room.
        let refused = set(&keys::streamed("ses_b"), &"s".repeat(200), Worth::Streamed);
        assert_eq!(refused, Err(FULL.to_owned()));
        assert_eq!(drafts::text("ses_new").len(), 300);
        clear();
    }
}
