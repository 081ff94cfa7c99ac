//! Two sessions of one fork tree side by side: the messages they share (copied by a fork, so
//! equal in role and `time.created`) once, then what each went on to say, turn by turn.

use crate::api::{Message, Role};

/// Two sessions' messages read against each other.
#[derive(Debug, PartialEq)]
pub struct Comparison<'a> {
    /// The leading messages both have (as the first session has them).
    pub shared: &'a [Message],
    /// What followed, aligned by turn: row `i` holds each session's `i`-th turn after the fork
    /// point (a user message and the replies to it), or nothing where one has fewer turns.
    pub rows: Vec<(&'a [Message], &'a [Message])>,
}

/// Compares two message lists (oldest first).
pub fn compare<'a>(a: &'a [Message], b: &'a [Message]) -> Comparison<'a> {
    let same = |x: &Message, y: &Message| {
        x.info.role() == y.info.role() && x.info.created() == y.info.created()
    };
    let shared = a.iter().zip(b).take_while(|(x, y)| same(x, y)).count();
    let (ta, tb) = (turns(&a[shared..]), turns(&b[shared..]));
    let rows = (0..ta.len().max(tb.len()))
        .map(|i| {
            (
                ta.get(i).copied().unwrap_or(&[]),
                tb.get(i).copied().unwrap_or(&[]),
            )
        })
        .collect();
    Comparison {
        shared: &a[..shared],
        rows,
    }
}

/// Splits messages into turns, each starting at a user message (a leading run of replies is a
/// turn of its own).
fn turns(messages: &[Message]) -> Vec<&[Message]> {
    let mut turns = Vec::new();
    let mut start = 0;
    for (i, message) in messages.iter().enumerate() {
        if i > start && message.info.role() == Role::User {
            turns.push(&messages[start..i]);
            start = i;
        }
    }
    if start < messages.len() {
        turns.push(&messages[start..]);
    }
    turns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, role: &str, created: f64) -> Message {
        serde_json::from_value(serde_json::json!({
            "info": {"id": id, "role": role, "time": {"created": created}},
            "parts": []
        }))
        .unwrap()
    }

    fn ids(messages: &[Message]) -> Vec<&str> {
        messages.iter().map(|m| m.info.id()).collect()
    }

    #[test]
    fn shared_part_once_then_turns_side_by_side() {
        let a = [
            message("a1", "user", 1.0),
            message("a2", "assistant", 2.0),
            message("a3", "user", 3.0),
            message("a4", "assistant", 4.0),
        ];
        // b: a fork after the first turn (new ids, same times), then two turns of its own.
        let b = [
            message("b1", "user", 1.0),
            message("b2", "assistant", 2.0),
            message("b3", "user", 5.0),
            message("b4", "assistant", 6.0),
            message("b5", "assistant", 6.5),
            message("b6", "user", 7.0),
        ];
        let c = compare(&a, &b);
        assert_eq!(ids(c.shared), ["a1", "a2"]);
        let rows: Vec<(Vec<&str>, Vec<&str>)> =
            c.rows.iter().map(|(x, y)| (ids(x), ids(y))).collect();
        assert_eq!(
            rows,
            [
                (vec!["a3", "a4"], vec!["b3", "b4", "b5"]),
                (vec![], vec!["b6"]),
            ]
        );
    }

    #[test]
    fn unrelated_or_identical_sessions() {
        let a = [message("a1", "user", 1.0)];
        let b = [message("b1", "user", 9.0)];
        let c = compare(&a, &b);
        assert!(c.shared.is_empty());
        assert_eq!(c.rows.len(), 1);
        let same = compare(&a, &a);
        assert_eq!(same.shared.len(), 1);
        assert!(same.rows.is_empty());
        let leading_reply = [message("r", "assistant", 1.0), message("u", "user", 2.0)];
        assert_eq!(turns(&leading_reply).len(), 2);
    }
}
