//! The server's `/event` stream: SSE framing and the typed events a client acts on. Every other
//! event type (there are many: plugin.added, catalog.updated, server.heartbeat, …) becomes
//! `Event::Other` and is ignored, never an error.

use serde::Deserialize;
use serde_json::Value;

use super::types::{MessageInfo, Part, PermissionRequest, QuestionRequest, Session, SessionStatus};

/// Splits an SSE byte stream into the `data` payloads of its events. Feed it chunks as they
/// arrive; it keeps what is incomplete for the next chunk.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: String,
}

impl SseParser {
    /// Adds a chunk and returns the data of every event it completed.
    pub fn push(&mut self, chunk: &str) -> Vec<String> {
        self.buffer.push_str(chunk);
        if self.buffer.contains('\r') {
            // Normalise the whole buffer, not just the chunk: a CRLF can be cut between two
            // chunks, and a lone CR at the end waits for its LF.
            self.buffer = self.buffer.replace("\r\n", "\n");
        }
        let mut events = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            let data: Vec<&str> = block
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if !data.is_empty() {
                events.push(data.join("\n"));
            }
        }
        events
    }
}

/// An event from `/event` that the app acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Connected,
    SessionCreated(Session),
    SessionUpdated(Session),
    SessionDeleted(Session),
    SessionStatus {
        session_id: String,
        status: SessionStatus,
    },
    SessionIdle {
        session_id: String,
    },
    SessionError {
        session_id: Option<String>,
        message: String,
    },
    MessageUpdated(MessageInfo),
    MessageRemoved {
        session_id: String,
        message_id: String,
    },
    PartUpdated {
        session_id: String,
        message_id: String,
        part: Part,
    },
    PartDelta {
        session_id: String,
        message_id: String,
        part_id: String,
        field: String,
        delta: String,
    },
    PartRemoved {
        session_id: String,
        message_id: String,
        part_id: String,
    },
    PermissionAsked(PermissionRequest),
    PermissionReplied {
        session_id: String,
        request_id: String,
    },
    QuestionAsked(QuestionRequest),
    /// A question was answered or declined.
    QuestionDone {
        session_id: String,
        request_id: String,
    },
    /// Anything else, by its type name.
    Other(String),
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    properties: Value,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

impl Event {
    /// The session an event is about, when it is about one.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Event::SessionCreated(s) | Event::SessionUpdated(s) | Event::SessionDeleted(s) => {
                Some(&s.id)
            }
            Event::SessionStatus { session_id, .. }
            | Event::SessionIdle { session_id }
            | Event::MessageRemoved { session_id, .. }
            | Event::PartUpdated { session_id, .. }
            | Event::PartDelta { session_id, .. }
            | Event::PartRemoved { session_id, .. }
            | Event::PermissionReplied { session_id, .. }
            | Event::QuestionDone { session_id, .. } => Some(session_id),
            Event::QuestionAsked(q) => Some(&q.session_id),
            Event::SessionError { session_id, .. } => session_id.as_deref(),
            Event::MessageUpdated(MessageInfo::User(m)) => Some(&m.session_id),
            Event::MessageUpdated(MessageInfo::Assistant(m)) => Some(&m.session_id),
            Event::PermissionAsked(p) => Some(&p.session_id),
            Event::Connected | Event::Other(_) => None,
        }
    }

    /// Reads one event's JSON; unknown or unreadable events become `Other`.
    pub fn parse(data: &str) -> Event {
        let Ok(envelope) = serde_json::from_str::<Envelope>(data) else {
            return Event::Other("unreadable".into());
        };
        let p = envelope.properties;
        let typed = |key: &str| p.get(key).cloned().unwrap_or(Value::Null);
        let event =
            match envelope.kind.as_str() {
                "server.connected" => Some(Event::Connected),
                "session.created" => serde_json::from_value(typed("info"))
                    .ok()
                    .map(Event::SessionCreated),
                "session.updated" => serde_json::from_value(typed("info"))
                    .ok()
                    .map(Event::SessionUpdated),
                "session.deleted" => serde_json::from_value(typed("info"))
                    .ok()
                    .map(Event::SessionDeleted),
                "session.status" => serde_json::from_value(typed("status")).ok().map(|status| {
                    Event::SessionStatus {
                        session_id: text(&p, "sessionID"),
                        status,
                    }
                }),
                "session.idle" => Some(Event::SessionIdle {
                    session_id: text(&p, "sessionID"),
                }),
                "session.error" => Some(Event::SessionError {
                    session_id: p
                        .get("sessionID")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    message: p
                        .pointer("/error/data/message")
                        .or_else(|| p.pointer("/error/name"))
                        .and_then(Value::as_str)
                        .unwrap_or("unknown error")
                        .to_owned(),
                }),
                "message.updated" => serde_json::from_value(typed("info"))
                    .ok()
                    .map(Event::MessageUpdated),
                "message.removed" => Some(Event::MessageRemoved {
                    session_id: text(&p, "sessionID"),
                    message_id: text(&p, "messageID"),
                }),
                "message.part.updated" => {
                    let part = typed("part");
                    Some(Event::PartUpdated {
                        session_id: text(&part, "sessionID"),
                        message_id: text(&part, "messageID"),
                        part: Part::from_value(part),
                    })
                }
                "message.part.delta" => Some(Event::PartDelta {
                    session_id: text(&p, "sessionID"),
                    message_id: text(&p, "messageID"),
                    part_id: text(&p, "partID"),
                    field: text(&p, "field"),
                    delta: text(&p, "delta"),
                }),
                "message.part.removed" => Some(Event::PartRemoved {
                    session_id: text(&p, "sessionID"),
                    message_id: text(&p, "messageID"),
                    part_id: text(&p, "partID"),
                }),
                "permission.asked" => serde_json::from_value(p.clone())
                    .ok()
                    .map(Event::PermissionAsked),
                "question.asked" => serde_json::from_value(p.clone())
                    .ok()
                    .map(Event::QuestionAsked),
                "question.replied" | "question.rejected" => Some(Event::QuestionDone {
                    session_id: text(&p, "sessionID"),
                    request_id: text(&p, "requestID"),
                }),
                "permission.replied" => Some(Event::PermissionReplied {
                    session_id: text(&p, "sessionID"),
                    request_id: text(&p, "requestID"),
                }),
                _ => None,
            };
        event.unwrap_or(Event::Other(envelope.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_survives_split_chunks_and_crlf() {
        let mut parser = SseParser::default();
        assert!(parser.push("data: {\"type\":\"server.con").is_empty());
        let events =
            parser.push("nected\",\"properties\":{}}\r\n\r\n: comment\n\ndata: a\ndata: b\n\n");
        assert_eq!(
            events,
            vec![
                r#"{"type":"server.connected","properties":{}}"#.to_owned(),
                "a\nb".to_owned()
            ]
        );
        assert_eq!(Event::parse(&events[0]), Event::Connected);
    }

    #[test]
    fn a_crlf_cut_between_chunks_still_ends_the_event() {
        let mut parser = SseParser::default();
        assert!(parser.push("data: one\r\n\r").is_empty());
        assert_eq!(parser.push("\ndata: two\r"), vec!["one".to_owned()]);
        assert_eq!(parser.push("\n\r\n"), vec!["two".to_owned()]);
    }

    #[test]
    fn reads_deltas_and_ignores_what_it_does_not_know() {
        let delta = r#"{"type":"message.part.delta","properties":{"sessionID":"ses_1","messageID":"msg_1","partID":"prt_1","field":"text","delta":"Hel"}}"#;
        assert_eq!(
            Event::parse(delta),
            Event::PartDelta {
                session_id: "ses_1".into(),
                message_id: "msg_1".into(),
                part_id: "prt_1".into(),
                field: "text".into(),
                delta: "Hel".into()
            }
        );
        assert_eq!(
            Event::parse(r#"{"type":"plugin.added","properties":{}}"#),
            Event::Other("plugin.added".into())
        );
        assert_eq!(Event::parse("not json"), Event::Other("unreadable".into()));
        let status = r#"{"type":"session.status","properties":{"sessionID":"ses_1","status":{"type":"busy"}}}"#;
        assert_eq!(
            Event::parse(status),
            Event::SessionStatus {
                session_id: "ses_1".into(),
                status: SessionStatus::Busy
            }
        );
    }
}
