//! A session's unsent message: its text and the files attached to it, kept until it is sent so
//! a reload or a failed send loses nothing ("Edit and resend" leaves one in the fork).

use std::collections::BTreeMap;

use super::keys;
use super::room::{self, Worth};
use super::storage::{self, Area};
use crate::api::FilePart;

/// The text kept for a session's unsent message.
pub fn text(session_id: &str) -> String {
    storage::get(Area::Local, &keys::draft(session_id)).unwrap_or_default()
}

/// The files kept for a session's unsent message.
pub fn files(session_id: &str) -> Vec<FilePart> {
    storage::get_json(Area::Local, &keys::draft_files(session_id)).unwrap_or_default()
}

/// When each draft was begun, by session (ms).
fn times() -> BTreeMap<String, u64> {
    storage::get_json(Area::Local, keys::DRAFT_TIMES).unwrap_or_default()
}

/// Notes when a session's draft was begun (once), or forgets it (`None`).
fn note_time(session_id: &str, begun: Option<u64>) {
    let mut all = times();
    let changed = match begun {
        Some(at) => all.insert(session_id.to_owned(), at).is_none(),
        None => all.remove(session_id).is_some(),
    };
    if changed {
        if let Ok(json) = serde_json::to_string(&all) {
            // Without it the draft is only taken for older when storage runs out.
            let _ = room::set(keys::DRAFT_TIMES, &json, Worth::Draft);
        }
    }
}

/// The sessions that have a draft, the oldest first (drafts older than the record of their
/// times come before every other).
pub fn oldest_first() -> Vec<String> {
    let dated = times();
    let mut sessions: Vec<(u64, String)> = storage::keys(Area::Local)
        .into_iter()
        .filter_map(|k| {
            let session = k
                .strip_prefix(keys::DRAFT_PREFIX)
                .or_else(|| k.strip_prefix(keys::DRAFT_FILES_PREFIX))?;
            Some((dated.get(session).copied().unwrap_or(0), session.to_owned()))
        })
        .collect();
    sessions.sort();
    sessions.dedup_by(|a, b| a.1 == b.1);
    sessions.into_iter().map(|(_, s)| s).collect()
}

/// Keeps the text typed so far (an empty text forgets it); `Err` says why it is not kept.
pub fn keep_text(session_id: &str, text: &str) -> Result<(), String> {
    let key = keys::draft(session_id);
    if text.is_empty() {
        storage::remove(Area::Local, &key);
        Ok(())
    } else {
        let new = storage::get(Area::Local, &key).is_none();
        room::set(&key, text, Worth::Draft)?;
        if new {
            note_time(session_id, Some(crate::platform::now_ms() as u64));
        }
        Ok(())
    }
}

/// Keeps the files attached so far (none forgets them).
pub fn keep_files(session_id: &str, files: &[FilePart]) -> Result<(), String> {
    let key = keys::draft_files(session_id);
    if files.is_empty() {
        storage::remove(Area::Local, &key);
        return Ok(());
    }
    let json = serde_json::to_string(files).map_err(|e| e.to_string())?;
    room::set(&key, &json, Worth::Draft)
}

/// Keeps a whole draft: the text, then the files.
pub fn keep(session_id: &str, text: &str, files: &[FilePart]) -> Result<(), String> {
    keep_text(session_id, text)?;
    keep_files(session_id, files)
}

/// Forgets a session's draft (it was sent).
pub fn clear(session_id: &str) {
    storage::remove(Area::Local, &keys::draft(session_id));
    storage::remove(Area::Local, &keys::draft_files(session_id));
    note_time(session_id, None);
}

/// What a draft is kept under while its session is being made (an early fork): moved to the
/// session once it exists.
pub fn making(token: u64) -> String {
    format!("{MAKING_PREFIX}{token}")
}

/// How [`making`] ids begin.
pub const MAKING_PREFIX: &str = "forking-";

/// Moves the draft kept under `from` to `to`, replacing what `to` had.
pub fn move_to(from: &str, to: &str) -> Result<(), String> {
    let (text, files) = (text(from), files(from));
    clear(from);
    keep(to, &text, &files)
}

/// Moves the draft kept under `from` back to `to` without losing what `to` has: its text goes
/// after `to`'s own, its files join `to`'s.
pub fn give_back(from: &str, to: &str) -> Result<(), String> {
    let (text_back, files_back) = (text(from), files(from));
    clear(from);
    if text_back.is_empty() && files_back.is_empty() {
        return Ok(());
    }
    let mut merged = text(to);
    if !merged.is_empty() && !text_back.is_empty() {
        merged.push_str("\n\n");
    }
    merged.push_str(&text_back);
    let mut all = files(to);
    for file in files_back {
        if !all.iter().any(|a| a.url == file.url) {
            all.push(file);
        }
    }
    keep(to, &merged, &all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_moves_to_its_fork_or_back_to_its_source_without_loss() {
        keep("forking-1", "my next prompt", &[]).unwrap();
        move_to("forking-1", "ses_fork").unwrap();
        assert_eq!(text("ses_fork"), "my next prompt");
        assert_eq!(text("forking-1"), "");
        keep("ses_source", "kept here", &[]).unwrap();
        keep("forking-2", "typed while forking", &[]).unwrap();
        give_back("forking-2", "ses_source").unwrap();
        assert_eq!(text("ses_source"), "kept here\n\ntyped while forking");
        give_back("forking-3", "ses_source").unwrap();
        assert_eq!(
            text("ses_source"),
            "kept here\n\ntyped while forking",
            "nothing to give"
        );
    }
}
