//! A session's unsent message: its text and the files attached to it, kept until it is sent so
//! a reload or a failed send loses nothing ("Edit and resend" leaves one in the fork).

use super::keys;
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

/// Keeps the text typed so far (an empty text forgets it); `Err` says why it is not kept.
pub fn keep_text(session_id: &str, text: &str) -> Result<(), String> {
    let key = keys::draft(session_id);
    if text.is_empty() {
        storage::remove(Area::Local, &key);
        Ok(())
    } else {
        storage::set(Area::Local, &key, text)
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
    storage::set(Area::Local, &key, &json)
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
}
