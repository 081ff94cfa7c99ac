//! The code a session's turns changed, read from its messages: which turns changed files (a
//! user message's `summary.diffs` says, so nothing is fetched to know it), their patches
//! fetched only when a person asks (a few turns at a time), and two branches' files read
//! against each other for compare's Code view.

use std::collections::BTreeSet;

use crate::api::{ApiError, Client, FileChange, FileDiff, Message, MessageInfo, Transport};
use crate::text::{excerpt, message_excerpt};

/// A turn that changed files.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnChange {
    /// The turn's user message (the `messageID` of its diff).
    pub message_id: String,
    /// "Turn 3 · “add the tests”".
    pub label: String,
    pub changes: Vec<FileChange>,
}

/// The files a user message's turn changed, as its summary lists them (none for a reply, or
/// for a turn that changed nothing or has not run yet).
pub fn changes_of(message: &Message) -> &[FileChange] {
    match &message.info {
        MessageInfo::User(user) => user.summary.as_ref().map_or(&[], |s| &s.diffs),
        MessageInfo::Assistant(_) => &[],
    }
}

/// Every turn of `messages` that changed files, oldest first, numbered among all turns.
pub fn turn_changes(messages: &[Message]) -> Vec<TurnChange> {
    messages
        .iter()
        .filter(|m| matches!(m.info, MessageInfo::User(_)))
        .enumerate()
        .filter(|(_, m)| !changes_of(m).is_empty())
        .map(|(n, m)| TurnChange {
            message_id: m.info.id().to_owned(),
            label: format!("Turn {} · “{}”", n + 1, excerpt(&message_excerpt(m), 40)),
            changes: changes_of(m).to_vec(),
        })
        .collect()
}

/// The user message whose turn `messages[index]` closes, when it is the last message of a turn
/// that has a reply: where the turn's change line goes. Looks back only over that turn.
pub fn closes_turn(messages: &[Message], index: usize) -> Option<&Message> {
    let message = messages.get(index)?;
    if !matches!(message.info, MessageInfo::Assistant(_)) {
        return None;
    }
    if messages
        .get(index + 1)
        .is_some_and(|next| matches!(next.info, MessageInfo::User(_)))
        || index + 1 == messages.len()
    {
        messages[..index]
            .iter()
            .rev()
            .find(|m| matches!(m.info, MessageInfo::User(_)))
    } else {
        None
    }
}

/// How many turns' diffs are asked for at once.
const AT_ONCE: usize = 4;

/// Fetches the patches of `turns` of session `session_id` (each turn's label with its diffs,
/// in the order given), a few at a time. The first failure ends it.
pub async fn fetch_turns<T: Transport>(
    client: &Client<T>,
    session_id: &str,
    turns: &[TurnChange],
) -> Result<Vec<(String, Vec<FileDiff>)>, ApiError> {
    let mut out = Vec::with_capacity(turns.len());
    for chunk in turns.chunks(AT_ONCE) {
        let answers = futures_util::future::join_all(
            chunk
                .iter()
                .map(|turn| client.session_diff(session_id, &turn.message_id)),
        )
        .await;
        for (turn, answer) in chunk.iter().zip(answers) {
            out.push((turn.label.clone(), answer?));
        }
    }
    Ok(out)
}

/// Two branches' files, after their fork point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeComparison {
    /// Every file branch A's own turns changed, sorted.
    pub a: Vec<String>,
    pub b: Vec<String>,
    /// The files both changed.
    pub both: Vec<String>,
}

impl CodeComparison {
    /// Reads two branches' own turns against each other.
    pub fn of(a: &[TurnChange], b: &[TurnChange]) -> CodeComparison {
        let files = |turns: &[TurnChange]| -> BTreeSet<String> {
            turns
                .iter()
                .flat_map(|t| t.changes.iter().map(|c| c.file.clone()))
                .collect()
        };
        let (fa, fb) = (files(a), files(b));
        CodeComparison {
            both: fa.intersection(&fb).cloned().collect(),
            a: fa.into_iter().collect(),
            b: fb.into_iter().collect(),
        }
    }

    /// "A changed 4 files, B changed 2, both changed `src/x.rs`".
    pub fn summary(&self) -> String {
        let files = |n: usize| {
            if n == 1 {
                "1 file".to_owned()
            } else {
                format!("{n} files")
            }
        };
        let b = match self.b.len() {
            n if n == self.a.len() => format!("B changed {}", files(n)),
            n => format!("B changed {n}"),
        };
        let mut line = format!("A changed {}, {b}", files(self.a.len()));
        if self.a.is_empty() && self.b.is_empty() {
            return "Neither branch changed any file after the fork point.".to_owned();
        }
        match self.both.len() {
            0 => line.push_str(", no file changed by both"),
            1..=3 => {
                let names: Vec<String> = self.both.iter().map(|f| format!("`{f}`")).collect();
                line.push_str(&format!(", both changed {}", names.join(", ")));
            }
            n => line.push_str(&format!(", both changed {n} files")),
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages() -> Vec<Message> {
        serde_json::from_value(json!([
            {"info": {"id": "msg_u1aaaaaaaa", "role": "user", "time": {"created": 1},
                      "summary": {"diffs": [{"file": "a.txt", "patch": "@@ -0,0 +1 @@\n+a\n", "additions": 1, "deletions": 0, "status": "added"}]}},
             "parts": [{"id": "prt_1", "type": "text", "text": "write a"}]},
            {"info": {"id": "msg_a1aaaaaaaa", "role": "assistant", "time": {"created": 2, "completed": 3}}, "parts": []},
            {"info": {"id": "msg_a2aaaaaaaa", "role": "assistant", "time": {"created": 3, "completed": 4}}, "parts": []},
            {"info": {"id": "msg_u2aaaaaaaa", "role": "user", "time": {"created": 5}, "summary": {"diffs": []}},
             "parts": [{"id": "prt_2", "type": "text", "text": "just talk"}]},
            {"info": {"id": "msg_a3aaaaaaaa", "role": "assistant", "time": {"created": 6, "completed": 7}}, "parts": []},
            {"info": {"id": "msg_u3aaaaaaaa", "role": "user", "time": {"created": 8},
                      "summary": {"diffs": [{"file": "b.txt", "additions": 2, "deletions": 1, "status": "modified"}]}},
             "parts": [{"id": "prt_3", "type": "text", "text": "change b"}]},
            {"info": {"id": "msg_a4aaaaaaaa", "role": "assistant", "time": {"created": 9, "completed": 10}}, "parts": []}
        ]))
        .unwrap()
    }

    #[test]
    fn turns_that_changed_files_numbered_among_all_turns() {
        let turns = turn_changes(&messages());
        let shape: Vec<(&str, &str, usize)> = turns
            .iter()
            .map(|t| (t.message_id.as_str(), t.label.as_str(), t.changes.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("msg_u1aaaaaaaa", "Turn 1 · “write a”", 1),
                ("msg_u3aaaaaaaa", "Turn 3 · “change b”", 1)
            ]
        );
    }

    #[test]
    fn the_line_goes_under_the_last_reply_of_its_turn() {
        let messages = messages();
        let closing: Vec<(usize, &str)> = (0..messages.len())
            .filter_map(|i| closes_turn(&messages, i).map(|u| (i, u.info.id())))
            .collect();
        assert_eq!(
            closing,
            [
                (2, "msg_u1aaaaaaaa"),
                (4, "msg_u2aaaaaaaa"),
                (6, "msg_u3aaaaaaaa")
            ]
        );
        assert!(closes_turn(&messages, 99).is_none());
    }

    #[test]
    fn two_branches_code_in_one_line() {
        let turn = |files: &[&str]| TurnChange {
            message_id: "msg_x".into(),
            label: String::new(),
            changes: files
                .iter()
                .map(|f| FileChange {
                    file: (*f).into(),
                    ..FileChange::default()
                })
                .collect(),
        };
        let c = CodeComparison::of(
            &[turn(&["src/x.rs", "a", "b"]), turn(&["c", "src/x.rs"])],
            &[turn(&["src/x.rs", "z"])],
        );
        assert_eq!(c.both, ["src/x.rs"]);
        assert_eq!(
            c.summary(),
            "A changed 4 files, B changed 2, both changed `src/x.rs`"
        );
        let none = CodeComparison::of(&[turn(&["a"])], &[turn(&["b"])]);
        assert_eq!(
            none.summary(),
            "A changed 1 file, B changed 1 file, no file changed by both"
        );
        assert_eq!(
            CodeComparison::of(&[], &[]).summary(),
            "Neither branch changed any file after the fork point."
        );
    }
}
