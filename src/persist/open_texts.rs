//! The text streamed into a session's open reply parts, kept when its page goes (a reload, the
//! tab closed): the server stores an open part empty until it completes, so without this a
//! reload after a crash mid-reply would lose what was already on screen.

use std::collections::BTreeMap;

use super::keys;
use super::storage::{self, Area};
use crate::api::Message;
use crate::live::merge_open_texts;

/// The texts kept for a session, by part id.
pub fn kept(session_id: &str) -> BTreeMap<String, String> {
    storage::get_json(Area::Local, &keys::streamed(session_id)).unwrap_or_default()
}

/// Keeps (or, with none left open, forgets) the text streamed into the open parts of
/// `messages`, merged with what is kept: another tab on this session may have seen more.
pub fn keep(session_id: &str, messages: &[Message]) {
    let mut texts = kept(session_id);
    merge_open_texts(&mut texts, messages);
    let key = keys::streamed(session_id);
    if texts.is_empty() {
        storage::remove(Area::Local, &key);
    } else if let Ok(json) = serde_json::to_string(&texts) {
        // Full storage only costs the text a reload would show: nothing to tell.
        let _ = storage::set(Area::Local, &key, &json);
    }
}

/// Forgets what is kept for a session (it was deleted).
pub fn forget(session_id: &str) {
    storage::remove(Area::Local, &keys::streamed(session_id));
}
