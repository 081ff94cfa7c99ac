//! The text streamed into a session's open reply parts, kept when its page goes (a reload, the
//! tab closed): the server stores an open part empty until it completes, so without this a
//! reload after a crash mid-reply would lose what was already on screen. Capped per session
//! and in all, so a long reply cut off by a dead server cannot fill the storage the lineage
//! needs.

use std::collections::BTreeMap;

use super::keys;
use super::room::{self, Worth};
use super::storage::{self, Area};
use crate::api::Message;
use crate::live::merge_open_texts;

/// The most kept for one session (JSON bytes): the start of each text is kept, the rest goes.
pub const SESSION_CAP: usize = 256 * 1024;
/// The most kept for all sessions together: the largest others go first to make room.
pub const TOTAL_CAP: usize = 1024 * 1024;

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
        return;
    }
    let Some(json) = capped(&mut texts, SESSION_CAP) else {
        return;
    };
    make_room(&key, json.len());
    // Full storage only costs the text a reload would show: nothing to tell.
    let _ = room::set(&key, &json, Worth::Streamed);
}

/// `texts` as JSON of at most `cap` bytes: when over, each text is cut to its share (at a
/// character boundary, its start kept). `None` if even that cannot be written.
fn capped(texts: &mut BTreeMap<String, String>, cap: usize) -> Option<String> {
    for _ in 0..8 {
        let json = serde_json::to_string(texts).ok()?;
        if json.len() <= cap {
            return Some(json);
        }
        let share = cap as f64 / json.len() as f64 * 0.95;
        for text in texts.values_mut() {
            let mut end = (text.len() as f64 * share) as usize;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
    }
    None
}

/// Drops other sessions' kept text, the largest first, until `adding` bytes under `key` keep
/// the total within [`TOTAL_CAP`].
fn make_room(key: &str, adding: usize) {
    let others = room::streamed_by_size(key);
    let mut total: usize = adding + others.iter().map(|(n, _)| n).sum::<usize>();
    for (size, other) in others {
        if total <= TOTAL_CAP {
            break;
        }
        storage::remove(Area::Local, &other);
        total -= size;
    }
}

/// Forgets what is kept for a session (it was deleted).
pub fn forget(session_id: &str) {
    storage::remove(Area::Local, &keys::streamed(session_id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Part;

    fn open_reply(part: &str, text: &str) -> Vec<Message> {
        let message = serde_json::json!({
            "info": {"id": "msg_1", "sessionID": "ses_1", "role": "assistant", "time": {"created": 1}},
            "parts": [],
        });
        let mut message: Message = serde_json::from_value(message).unwrap();
        message.parts.push(Part::from_value(
            serde_json::json!({"id": part, "type": "text", "text": text, "time": {"start": 1}}),
        ));
        vec![message]
    }

    #[test]
    fn kept_text_is_capped_per_session_and_in_all() {
        for key in storage::keys(Area::Local) {
            storage::remove(Area::Local, &key);
        }
        // One reply of 600 KB (with multi-byte characters): its start is kept, within the cap.
        let long = "é long reply ".repeat(50_000);
        keep("ses_big", &open_reply("prt_1", &long));
        let stored = storage::get(Area::Local, &keys::streamed("ses_big")).unwrap();
        assert!(stored.len() <= SESSION_CAP, "{}", stored.len());
        let big = kept("ses_big");
        let text = big.get("prt_1").unwrap();
        assert!(text.len() > SESSION_CAP / 2 && long.starts_with(text.as_str()));

        // Six sessions at the cap: the total stays within its own, the newest kept whole.
        for n in 0..6 {
            keep(&format!("ses_{n}"), &open_reply("prt_1", &long));
        }
        let total: usize = storage::keys(Area::Local)
            .iter()
            .filter(|k| k.starts_with(keys::STREAMED_PREFIX))
            .map(|k| storage::get(Area::Local, k).unwrap().len())
            .sum();
        assert!(total <= TOTAL_CAP, "{total}");
        assert!(!kept("ses_5").is_empty());
    }
}
