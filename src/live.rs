//! Applying `/event` entries to the messages of an open session, as a pure function: a reply
//! grows part by part and delta by delta, with nothing refetched. Servers differ in what they
//! announce (opencode 1.15.0 sends deltas and `session.idle` but no `message.updated` or
//! `message.part.updated`), so nothing here depends on one event type: a delta for a message
//! or part the page does not know is held while that message is fetched ([`unknown_target`],
//! [`HeldDeltas`], [`merge_fetched`]), an idle session is reconciled with its newest messages
//! ([`reconcile`]), and a message the user sent shows from the send itself ([`sent`]).

use std::collections::BTreeMap;

use crate::api::events::Event;
use crate::api::{
    FilePart, Message, MessageInfo, MessageTime, Part, PartInput, PromptInput, TextPart,
    UserMessage,
};

/// Applies `event` to `messages` (those of `session_id`, oldest first). Returns whether
/// anything changed.
pub fn apply(messages: &mut Vec<Message>, session_id: &str, event: &Event) -> bool {
    match event {
        Event::MessageUpdated(info) if session_of(info) == session_id => {
            match messages.iter_mut().find(|m| m.info.id() == info.id()) {
                Some(message) if message.info == *info => false,
                Some(message) => {
                    message.info = info.clone();
                    true
                }
                None => {
                    let at = messages.partition_point(|m| m.info.id() < info.id());
                    messages.insert(
                        at,
                        Message {
                            info: info.clone(),
                            parts: Vec::new(),
                        },
                    );
                    true
                }
            }
        }
        Event::MessageRemoved {
            session_id: s,
            message_id,
        } if s == session_id => {
            let before = messages.len();
            messages.retain(|m| m.info.id() != message_id);
            messages.len() != before
        }
        Event::PartUpdated {
            session_id: s,
            message_id,
            part,
        } if s == session_id => {
            let Some(message) = messages.iter_mut().find(|m| m.info.id() == message_id) else {
                return false;
            };
            match message.parts.iter_mut().find(|p| p.id() == part.id()) {
                Some(existing) if existing == part => false,
                Some(existing) => {
                    let merged = keep_longer_text(existing, part.clone());
                    let changed = merged != *existing;
                    *existing = merged;
                    changed
                }
                None => {
                    message.parts.push(part.clone());
                    true
                }
            }
        }
        Event::PartDelta {
            session_id: s,
            message_id,
            part_id,
            field,
            delta,
        } if s == session_id => {
            let Some(message) = messages.iter_mut().find(|m| m.info.id() == message_id) else {
                return false;
            };
            let Some(part) = message.parts.iter_mut().find(|p| p.id() == part_id) else {
                return false;
            };
            match (part, field.as_str()) {
                (Part::Text(t), "text") => t.text.push_str(delta),
                (Part::Reasoning(r), "text") => r.text.push_str(delta),
                _ => return false,
            }
            true
        }
        Event::PartRemoved {
            session_id: s,
            message_id,
            part_id,
        } if s == session_id => {
            let Some(message) = messages.iter_mut().find(|m| m.info.id() == message_id) else {
                return false;
            };
            let before = message.parts.len();
            message.parts.retain(|p| p.id() != part_id);
            message.parts.len() != before
        }
        _ => false,
    }
}

/// The message a delta is for, when the page does not know that message or that part: it must
/// be fetched before the delta can land (the delta is held meanwhile).
pub fn unknown_target<'a>(
    messages: &[Message],
    session_id: &str,
    event: &'a Event,
) -> Option<&'a str> {
    let Event::PartDelta {
        session_id: s,
        message_id,
        part_id,
        ..
    } = event
    else {
        return None;
    };
    if s != session_id {
        return None;
    }
    let known = messages
        .iter()
        .find(|m| m.info.id() == message_id)
        .is_some_and(|m| m.parts.iter().any(|p| p.id() == part_id));
    (!known).then_some(message_id.as_str())
}

/// Deltas that arrived for parts the page does not know yet, by message, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeldDeltas(BTreeMap<String, Vec<(String, String, String)>>);

impl HeldDeltas {
    /// Holds a delta event until its message is fetched. Returns whether it is the first held
    /// for that message (so the fetch is asked for once).
    pub fn hold(&mut self, event: &Event) -> bool {
        let Event::PartDelta {
            message_id,
            part_id,
            field,
            delta,
            ..
        } = event
        else {
            return false;
        };
        let held = self.0.entry(message_id.clone()).or_default();
        let first = held.is_empty();
        match held.last_mut() {
            Some((p, f, text)) if p == part_id && f == field => text.push_str(delta),
            _ => held.push((part_id.clone(), field.clone(), delta.clone())),
        }
        first
    }

    /// Is anything held for this message (a fetch of it is on its way)?
    pub fn holds(&self, message_id: &str) -> bool {
        self.0.contains_key(message_id)
    }

    /// What is held for this message, and it is no longer held.
    pub fn take(&mut self, message_id: &str) -> Vec<(String, String, String)> {
        self.0.remove(message_id).unwrap_or_default()
    }
}

/// Puts a fetched message in its place among `messages` (replacing the page's copy, keeping
/// text the page saw stream in where the server has less), then the deltas held for it: the
/// server stores an open part empty, so what was held is all the text the part has so far.
pub fn merge_fetched(
    messages: &mut Vec<Message>,
    fetched: Message,
    held: Vec<(String, String, String)>,
) {
    let id = fetched.info.id().to_owned();
    let mut merged = keep_streamed(messages, vec![fetched]);
    let Some(mut message) = merged.pop() else {
        return;
    };
    for (part_id, field, text) in held {
        let Some(part) = message.parts.iter_mut().find(|p| p.id() == part_id) else {
            continue;
        };
        if field != "text" {
            continue;
        }
        if let Some(open) = open_text(part) {
            if open.len() < text.len() {
                *open = text;
            }
        }
    }
    match messages.iter_mut().find(|m| m.info.id() == id) {
        Some(existing) => *existing = message,
        None => {
            let at = messages.partition_point(|m| m.info.id() < id.as_str());
            messages.insert(at, message);
        }
    }
}

/// Brings `messages` up to date with the server's newest messages (`recent`, oldest first, at
/// most `limit` of them): each one replaces the page's copy or takes its place, text the page
/// saw stream in is kept where the server has less, and a message the page shows among them
/// that the server no longer has (undone, removed) goes. Older messages are left as they are.
/// Returns whether anything changed.
pub fn reconcile(messages: &mut Vec<Message>, recent: Vec<Message>, limit: usize) -> bool {
    let whole = recent.len() < limit;
    let oldest = recent.first().map(|m| m.info.id().to_owned());
    let recent = keep_streamed(messages, recent);
    let before = messages.clone();
    messages.retain(|m| {
        let id = m.info.id();
        let covered = whole || oldest.as_deref().is_some_and(|o| id >= o);
        !covered || recent.iter().any(|r| r.info.id() == id)
    });
    for message in recent {
        let id = message.info.id().to_owned();
        match messages.iter_mut().find(|m| m.info.id() == id) {
            Some(existing) => *existing = message,
            None => {
                let at = messages.partition_point(|m| m.info.id() < id.as_str());
                messages.insert(at, message);
            }
        }
    }
    *messages != before
}

/// The user's message as the page shows it the moment it is sent, under the ids the prompt
/// gave it (`None` if it gave none): the server announces it under the same ids, or the next
/// reconcile brings the server's copy.
pub fn sent(session_id: &str, input: &PromptInput, now_ms: f64) -> Option<Message> {
    let id = input.message_id.clone()?;
    let parts = input
        .parts
        .iter()
        .filter_map(|part| match part {
            PartInput::Text { id, text } => Some(Part::Text(TextPart {
                id: id.clone()?,
                text: text.clone(),
                ..TextPart::default()
            })),
            PartInput::File {
                id,
                mime,
                url,
                filename,
            } => Some(Part::File(FilePart {
                id: id.clone()?,
                mime: mime.clone(),
                url: url.clone(),
                filename: filename.clone(),
            })),
        })
        .collect();
    Some(Message {
        info: MessageInfo::User(UserMessage {
            id,
            session_id: session_id.to_owned(),
            time: MessageTime {
                created: now_ms,
                completed: None,
            },
            agent: input.agent.clone().unwrap_or_default(),
            model: input.model.clone(),
            ..UserMessage::default()
        }),
        parts,
    })
}

/// The messages of a refetch (`fetched`), keeping the text this page saw stream in where the
/// server has less of it: a part still open on the server is stored empty until it completes,
/// so a server that died mid-reply answers with an empty part for text the page already showed.
pub fn keep_streamed(local: &[Message], mut fetched: Vec<Message>) -> Vec<Message> {
    for message in &mut fetched {
        let Some(seen) = local.iter().find(|m| m.info.id() == message.info.id()) else {
            continue;
        };
        for part in &mut message.parts {
            if let Some(old) = seen.parts.iter().find(|p| p.id() == part.id()) {
                *part = keep_longer_text(old, part.clone());
            }
        }
    }
    fetched
}

/// The newest page of a session fetched again (`fetched`), over what the page shows (`local`):
/// while there are messages before that page (`whole` is false), the older ones the page had
/// loaded stay in front of it; the text streamed in is kept as [`keep_streamed`] keeps it. A
/// page that is the whole session replaces what was shown (a fork's stand-in carries its
/// source's ids: none of them may stay).
pub fn merge_newest(local: &[Message], fetched: Vec<Message>, whole: bool) -> Vec<Message> {
    let first = match fetched.first() {
        Some(first) if !whole => first.info.id().to_owned(),
        _ => return keep_streamed(local, fetched),
    };
    let mut merged: Vec<Message> = local
        .iter()
        .take_while(|m| m.info.id() < first.as_str())
        .cloned()
        .collect();
    merged.extend(keep_streamed(local, fetched));
    merged
}

fn session_of(info: &MessageInfo) -> &str {
    match info {
        MessageInfo::User(m) => &m.session_id,
        MessageInfo::Assistant(m) => &m.session_id,
    }
}

/// The text of the text or reasoning part `part_id`, looked for from the newest message back
/// (a part being written is in the newest message or close to it).
pub fn part_text<'a>(messages: &'a [Message], part_id: &str) -> Option<&'a str> {
    messages
        .iter()
        .rev()
        .flat_map(|m| &m.parts)
        .filter(|p| p.id() == part_id)
        .find_map(text_of)
        .map(String::as_str)
}

/// Is `event` text arriving for a part (a delta of its `text`)? Such an event only makes a
/// part's text longer: nothing but that part's own view needs to be drawn again.
pub fn is_text_delta(event: &Event) -> bool {
    matches!(event, Event::PartDelta { field, .. } if field == "text")
}

/// While a part streams, the server may send it again with the text it had when it started
/// (often empty): keep the text the deltas built unless the update carries more.
fn keep_longer_text(existing: &Part, mut update: Part) -> Part {
    if let (Some(old), Some(new)) = (text_of(existing), open_text(&mut update)) {
        if new.len() < old.len() {
            new.clone_from(old);
        }
    }
    update
}

/// The text of a text or reasoning part.
fn text_of(part: &Part) -> Option<&String> {
    match part {
        Part::Text(p) => Some(&p.text),
        Part::Reasoning(p) => Some(&p.text),
        _ => None,
    }
}

/// Is this a text or reasoning part still being written (no end time)?
fn is_open_text(part: &Part) -> bool {
    let time = match part {
        Part::Text(p) => &p.time,
        Part::Reasoning(p) => &p.time,
        _ => return false,
    };
    time.as_ref().and_then(|t| t.end).is_none()
}

/// The text of a text or reasoning part still being written.
fn open_text(part: &mut Part) -> Option<&mut String> {
    if !is_open_text(part) {
        return None;
    }
    match part {
        Part::Text(p) => Some(&mut p.text),
        Part::Reasoning(p) => Some(&mut p.text),
        _ => None,
    }
}

/// The text this page saw stream into parts still open, by part id. The server stores an open
/// part empty until it completes, so this is what a reload (or a server that died mid-reply)
/// would lose: the page keeps it in storage when it goes.
#[cfg(test)]
pub fn open_texts(messages: &[Message]) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    merge_open_texts(&mut texts, messages);
    texts
}

/// Brings `kept` (texts of open parts, by part id) up to date with `messages`: the longer text
/// of each part still open is kept, and parts `messages` shows closed are dropped. Parts it
/// does not show, or shows open with less text, keep what was kept.
pub fn merge_open_texts(kept: &mut BTreeMap<String, String>, messages: &[Message]) {
    for part in messages.iter().flat_map(|m| &m.parts) {
        let Some(text) = text_of(part) else {
            continue;
        };
        if !is_open_text(part) {
            kept.remove(part.id());
        } else if !text.is_empty() && kept.get(part.id()).is_none_or(|k| k.len() < text.len()) {
            kept.insert(part.id().to_owned(), text.clone());
        }
    }
}

/// Puts texts kept by [`open_texts`] back into the parts that are still open and hold less of
/// them. Returns whether anything changed.
pub fn restore_open_texts(messages: &mut [Message], kept: &BTreeMap<String, String>) -> bool {
    let mut changed = false;
    for message in messages {
        for part in &mut message.parts {
            let Some(old) = kept.get(part.id()) else {
                continue;
            };
            if let Some(text) = open_text(part).filter(|t| t.len() < old.len()) {
                text.clone_from(old);
                changed = true;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn info(id: &str, role: &str) -> MessageInfo {
        serde_json::from_value(
            json!({"id": id, "sessionID": "ses_1", "role": role, "time": {"created": 1}}),
        )
        .unwrap()
    }

    fn text_part(id: &str, text: &str) -> Part {
        Part::from_value(json!({"id": id, "type": "text", "text": text, "time": {"start": 1}}))
    }

    fn delta(part: &str, text: &str) -> Event {
        Event::PartDelta {
            session_id: "ses_1".into(),
            message_id: "msg_2".into(),
            part_id: part.into(),
            field: "text".into(),
            delta: text.into(),
        }
    }

    #[test]
    fn a_parts_text_is_found_by_its_id_and_text_deltas_are_told_apart() {
        let mut messages = vec![
            Message {
                info: info("msg_1", "user"),
                parts: vec![text_part("prt_1", "hi")],
            },
            Message {
                info: info("msg_2", "assistant"),
                parts: vec![
                    Part::from_value(json!({"id": "prt_2", "type": "reasoning", "text": "hm"})),
                    text_part("prt_3", "Hel"),
                ],
            },
        ];
        assert!(is_text_delta(&delta("prt_3", "lo")));
        let other_field = Event::PartDelta {
            session_id: "ses_1".into(),
            message_id: "msg_2".into(),
            part_id: "prt_3".into(),
            field: "metadata".into(),
            delta: "x".into(),
        };
        assert!(!is_text_delta(&other_field));
        assert!(apply(&mut messages, "ses_1", &delta("prt_3", "lo")));
        assert_eq!(part_text(&messages, "prt_3"), Some("Hello"));
        assert_eq!(part_text(&messages, "prt_2"), Some("hm"));
        assert_eq!(part_text(&messages, "prt_1"), Some("hi"));
        assert_eq!(part_text(&messages, "prt_9"), None);
    }

    #[test]
    fn a_reply_grows_in_place() {
        let mut messages = vec![Message {
            info: info("msg_1", "user"),
            parts: vec![text_part("prt_1", "hi")],
        }];
        assert!(apply(
            &mut messages,
            "ses_1",
            &Event::MessageUpdated(info("msg_2", "assistant"))
        ));
        let part = Event::PartUpdated {
            session_id: "ses_1".into(),
            message_id: "msg_2".into(),
            part: text_part("prt_2", ""),
        };
        assert!(apply(&mut messages, "ses_1", &part));
        assert!(apply(&mut messages, "ses_1", &delta("prt_2", "Hel")));
        assert!(apply(&mut messages, "ses_1", &delta("prt_2", "lo")));
        assert_eq!(messages[1].text(), "Hello");
        // A repeat of the part as it started does not wipe what the deltas built (it changes
        // nothing else either: the part is the same but for the text).
        assert!(!apply(&mut messages, "ses_1", &part));
        assert_eq!(messages[1].text(), "Hello");
        // The final part replaces it.
        let done = Part::from_value(
            json!({"id": "prt_2", "type": "text", "text": "Hello!", "time": {"start": 1, "end": 2}}),
        );
        apply(
            &mut messages,
            "ses_1",
            &Event::PartUpdated {
                session_id: "ses_1".into(),
                message_id: "msg_2".into(),
                part: done,
            },
        );
        assert_eq!(messages[1].text(), "Hello!");
    }

    #[test]
    fn other_sessions_and_unknown_targets_change_nothing() {
        let mut messages = vec![Message {
            info: info("msg_1", "user"),
            parts: vec![],
        }];
        assert!(!apply(
            &mut messages,
            "ses_2",
            &Event::MessageUpdated(info("msg_9", "user"))
        ));
        assert!(!apply(&mut messages, "ses_1", &delta("prt_x", "x")));
        assert!(!apply(
            &mut messages,
            "ses_1",
            &Event::Other("server.heartbeat".into())
        ));
        assert_eq!(messages.len(), 1);
    }

    #[test]
    fn a_delta_for_an_unknown_message_is_held_until_the_message_is_fetched() {
        let mut messages = vec![Message {
            info: info("msg_1", "user"),
            parts: vec![text_part("prt_1", "hi")],
        }];
        let first = delta("prt_2", "Hel");
        assert_eq!(unknown_target(&messages, "ses_1", &first), Some("msg_2"));
        assert_eq!(unknown_target(&messages, "ses_9", &first), None);
        let mut held = HeldDeltas::default();
        assert!(held.hold(&first), "the first asks for the message");
        assert!(
            !held.hold(&delta("prt_2", "lo")),
            "the next waits for the same fetch"
        );
        assert!(held.holds("msg_2"));
        // The server's copy: the part, open and stored empty.
        let fetched = Message {
            info: info("msg_2", "assistant"),
            parts: vec![text_part("prt_2", "")],
        };
        merge_fetched(&mut messages, fetched, held.take("msg_2"));
        assert!(!held.holds("msg_2"));
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[1].text(), "Hello");
        assert_eq!(
            unknown_target(&messages, "ses_1", &delta("prt_2", "!")),
            None
        );
        // A part that finished meanwhile is the server's, whatever was held.
        let done = Part::from_value(
            json!({"id": "prt_3", "type": "text", "text": "Done.", "time": {"start": 1, "end": 2}}),
        );
        let mut held = HeldDeltas::default();
        held.hold(&Event::PartDelta {
            session_id: "ses_1".into(),
            message_id: "msg_3".into(),
            part_id: "prt_3".into(),
            field: "text".into(),
            delta: "Do".into(),
        });
        let fetched = Message {
            info: info("msg_3", "assistant"),
            parts: vec![done],
        };
        merge_fetched(&mut messages, fetched, held.take("msg_3"));
        assert_eq!(messages[2].text(), "Done.");
    }

    #[test]
    fn a_reconcile_brings_the_newest_messages_and_drops_what_the_server_no_longer_has() {
        let one = |id: &str, role: &str, part: &str, text: &str| Message {
            info: info(id, role),
            parts: vec![text_part(part, text)],
        };
        let mut messages = vec![
            one("msg_1", "user", "prt_1", "old"),
            one("msg_2", "assistant", "prt_2", "old reply"),
            one("msg_3", "user", "prt_3", "undone on the server"),
        ];
        // The newest two of the server's: msg_2 (longer now) and msg_4 (never announced).
        let recent = vec![
            one("msg_2", "assistant", "prt_2", "old reply, finished"),
            one("msg_4", "assistant", "prt_4", "a reply never announced"),
        ];
        assert!(reconcile(&mut messages, recent.clone(), 2));
        let ids: Vec<&str> = messages.iter().map(|m| m.info.id()).collect();
        assert_eq!(
            ids,
            ["msg_1", "msg_2", "msg_4"],
            "msg_1 is older than the window"
        );
        assert_eq!(messages[1].text(), "old reply, finished");
        assert!(!reconcile(&mut messages, recent, 2), "once is enough");
        // Fewer than asked for: that is the whole session.
        assert!(reconcile(
            &mut messages,
            vec![one("msg_4", "assistant", "prt_4", "x")],
            2
        ));
        assert_eq!(messages.len(), 1);
    }

    #[test]
    fn a_sent_message_shows_under_the_ids_it_was_sent_with() {
        let input = PromptInput {
            message_id: Some("msg_9".into()),
            parts: vec![
                PartInput::Text {
                    id: Some("prt_9a".into()),
                    text: "hello".into(),
                },
                PartInput::File {
                    id: Some("prt_9b".into()),
                    mime: "text/plain".into(),
                    url: "file:///a.txt".into(),
                    filename: Some("a.txt".into()),
                },
            ],
            ..PromptInput::default()
        };
        let message = sent("ses_1", &input, 5.0).unwrap();
        assert_eq!(message.info.id(), "msg_9");
        assert_eq!(message.text(), "hello");
        assert_eq!(message.parts[1].id(), "prt_9b");
        // The server's announcement of it replaces it, part for part.
        let mut messages = vec![message];
        let announced = Event::PartUpdated {
            session_id: "ses_1".into(),
            message_id: "msg_9".into(),
            part: Part::from_value(json!({"id": "prt_9a", "type": "text", "text": "hello"})),
        };
        apply(&mut messages, "ses_1", &announced);
        assert_eq!(messages[0].parts.len(), 2, "not shown twice");
        assert_eq!(sent("ses_1", &PromptInput::text("x"), 1.0), None);
    }

    #[test]
    fn messages_are_inserted_in_order_and_removed() {
        let mut messages = vec![Message {
            info: info("msg_3", "user"),
            parts: vec![],
        }];
        apply(
            &mut messages,
            "ses_1",
            &Event::MessageUpdated(info("msg_1", "user")),
        );
        apply(
            &mut messages,
            "ses_1",
            &Event::MessageUpdated(info("msg_5", "assistant")),
        );
        let ids: Vec<&str> = messages.iter().map(|m| m.info.id()).collect();
        assert_eq!(ids, ["msg_1", "msg_3", "msg_5"]);
        let removed = Event::MessageRemoved {
            session_id: "ses_1".into(),
            message_id: "msg_3".into(),
        };
        assert!(apply(&mut messages, "ses_1", &removed));
        assert_eq!(messages.len(), 2);
    }

    #[test]
    fn a_refetch_keeps_streamed_text_the_server_did_not_store() {
        let one = |id: &str, role: &str, part: &str, text: &str| Message {
            info: info(id, role),
            parts: vec![text_part(part, text)],
        };
        let streamed = vec![
            one("msg_1", "user", "prt_1", "hi"),
            one("msg_2", "assistant", "prt_2", "Half a rep"),
        ];
        // The server died mid-reply: its copy of the open part is empty; a message came later.
        let fetched = vec![
            one("msg_1", "user", "prt_1", "hi"),
            one("msg_2", "assistant", "prt_2", ""),
            one("msg_3", "user", "prt_3", "later"),
        ];
        let merged = keep_streamed(&streamed, fetched);
        let texts: Vec<String> = merged.iter().map(Message::text).collect();
        assert_eq!(texts, ["hi", "Half a rep", "later"]);

        // A finished part, or one the server knows more of, is the server's.
        let done = Part::from_value(
            json!({"id": "prt_2", "type": "text", "text": "Half", "time": {"start": 1, "end": 2}}),
        );
        let fetched = vec![Message {
            info: info("msg_2", "assistant"),
            parts: vec![done],
        }];
        assert_eq!(keep_streamed(&streamed, fetched)[0].text(), "Half");
        // Messages gone from the server stay gone.
        assert!(keep_streamed(&streamed, Vec::new()).is_empty());
    }

    #[test]
    fn a_refetched_newest_page_keeps_the_older_pages_loaded() {
        let one = |id: &str, text: &str| Message {
            info: info(id, "user"),
            parts: vec![text_part(&format!("prt_{id}"), text)],
        };
        let local = vec![
            one("msg_1", "a"),
            one("msg_2", "b"),
            one("msg_3", "c"),
            one("msg_4", "streamed"),
        ];
        // The newest page, fetched again: msg_3 on, with a new message and the open part
        // stored empty.
        let fetched = vec![one("msg_3", "c"), one("msg_4", ""), one("msg_5", "new")];
        let texts =
            |merged: Vec<Message>| -> Vec<String> { merged.iter().map(Message::text).collect() };
        assert_eq!(
            texts(merge_newest(&local, fetched.clone(), false)),
            ["a", "b", "c", "streamed", "new"]
        );
        // The whole session in one page: nothing else stays.
        assert_eq!(
            texts(merge_newest(&local, fetched, true)),
            ["c", "streamed", "new"]
        );
        // Emptied on the server: nothing stays.
        assert!(merge_newest(&local, Vec::new(), false).is_empty());
        // A page that starts before everything shown replaces it all.
        let fetched = vec![one("msg_0", "zero"), one("msg_1", "a")];
        let ids: Vec<String> = merge_newest(&local, fetched, false)
            .iter()
            .map(|m| m.info.id().to_owned())
            .collect();
        assert_eq!(ids, ["msg_0", "msg_1"]);
    }

    #[test]
    fn open_text_kept_when_the_page_goes_comes_back_where_the_server_has_less() {
        let one = |id: &str, role: &str, part: &str, text: &str| Message {
            info: info(id, role),
            parts: vec![text_part(part, text)],
        };
        let done = Part::from_value(
            json!({"id": "prt_9", "type": "text", "text": "Finished", "time": {"start": 1, "end": 2}}),
        );
        let mut finished = one("msg_9", "assistant", "prt_9", "");
        finished.parts = vec![done];
        let shown = vec![
            one("msg_1", "user", "prt_1", ""),
            one("msg_2", "assistant", "prt_2", "Half a rep"),
            finished.clone(),
        ];
        let kept = open_texts(&shown);
        // Only open parts with text: the finished one is the server's to give.
        assert_eq!(
            kept.into_iter().collect::<Vec<_>>(),
            [("prt_2".to_owned(), "Half a rep".to_owned())]
        );
        let kept = open_texts(&shown);

        // After a reload the server gives the open part empty: the kept text comes back.
        let mut fetched = vec![one("msg_2", "assistant", "prt_2", ""), finished];
        assert!(restore_open_texts(&mut fetched, &kept));
        assert_eq!(fetched[0].text(), "Half a rep");
        assert_eq!(fetched[1].text(), "Finished");
        assert!(!restore_open_texts(&mut fetched, &kept), "once is enough");
        // The part finished meanwhile: the server's text wins, even if shorter.
        let closed = Part::from_value(
            json!({"id": "prt_2", "type": "text", "text": "Half", "time": {"start": 1, "end": 2}}),
        );
        let mut fetched = vec![Message {
            info: info("msg_2", "assistant"),
            parts: vec![closed],
        }];
        assert!(!restore_open_texts(&mut fetched, &kept));
        assert_eq!(fetched[0].text(), "Half");

        // Kept by two tabs: the longer text of a part wins, a closed part goes, a part this
        // tab does not show stays.
        let mut kept = BTreeMap::from([
            (
                "prt_2".to_owned(),
                "Half a reply, as the other tab saw it".to_owned(),
            ),
            ("prt_7".to_owned(), "elsewhere".to_owned()),
            ("prt_8".to_owned(), "closed since".to_owned()),
        ]);
        let closed8 = Part::from_value(
            json!({"id": "prt_8", "type": "text", "text": "closed since, all of it", "time": {"start": 1, "end": 2}}),
        );
        let mut shown = vec![one("msg_2", "assistant", "prt_2", "Half a rep")];
        shown[0].parts.push(closed8);
        shown.push(one("msg_3", "assistant", "prt_3", "Fresh"));
        shown.push(one("msg_4", "assistant", "prt_7", ""));
        merge_open_texts(&mut kept, &shown);
        assert_eq!(
            kept.into_iter().collect::<Vec<_>>(),
            [
                (
                    "prt_2".to_owned(),
                    "Half a reply, as the other tab saw it".to_owned()
                ),
                ("prt_3".to_owned(), "Fresh".to_owned()),
                ("prt_7".to_owned(), "elsewhere".to_owned()),
            ]
        );
    }
}
