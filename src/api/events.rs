//! The server's `/event` stream: SSE framing and the typed events a client acts on. Every other
//! event type (there are many: plugin.added, catalog.updated, server.heartbeat, …) becomes
//! `Event::Other` and is ignored, never an error.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::types::part::kind_of;
use super::types::{
    MessageInfo, Part, PermissionRequest, QuestionRequest, Session, SessionStatus, Todo,
};

/// The most an event may hold before it ends. A server that never ends an event (or something
/// in front of it streaming junk) would otherwise grow the buffer until the tab runs out of
/// memory; the largest real events (a tool's whole output) are far smaller.
pub const MAX_EVENT_BYTES: usize = 32 * 1024 * 1024;

/// An event that grew past [`MAX_EVENT_BYTES`] without ending: the stream cannot be trusted
/// from there on and must be opened again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTooLarge;

impl std::fmt::Display for EventTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server sent an event larger than {} MiB without ending it",
            MAX_EVENT_BYTES / (1024 * 1024)
        )
    }
}

/// Splits an SSE byte stream into the `data` payloads of its events. Feed it chunks as they
/// arrive; it keeps what is incomplete for the next chunk. Each chunk costs time in its own
/// length only: an event arriving in many small chunks is not searched again from its start.
#[derive(Debug, Default)]
pub struct SseParser {
    /// What is left of the events not yet ended, CRLFs already made LFs.
    buffer: String,
    /// A CR that ended the last chunk: its LF may open the next one.
    pending_cr: bool,
}

impl SseParser {
    /// Adds a chunk and returns the data of every event it completed, or an error once the
    /// event being read is larger than [`MAX_EVENT_BYTES`] (the parser is empty again then).
    pub fn push(&mut self, chunk: &str) -> Result<Vec<String>, EventTooLarge> {
        // The buffer holds no "\n\n" (those were taken); one may end on its last LF.
        let search_from = self.buffer.len() - usize::from(self.buffer.ends_with('\n'));
        let mut text = String::with_capacity(chunk.len() + 1);
        if std::mem::take(&mut self.pending_cr) {
            text.push('\r');
        }
        text.push_str(chunk);
        if text.ends_with('\r') {
            text.pop();
            self.pending_cr = true;
        }
        if text.contains('\r') {
            text = text.replace("\r\n", "\n");
        }
        self.buffer.push_str(&text);
        let mut events = Vec::new();
        let mut taken = 0;
        let mut from = search_from;
        while let Some(at) = self.buffer[from..].find("\n\n") {
            let end = from + at + 2;
            let data: Vec<&str> = self.buffer[taken..end]
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if !data.is_empty() {
                events.push(data.join("\n"));
            }
            taken = end;
            from = end;
        }
        self.buffer.drain(..taken);
        if self.buffer.len() > MAX_EVENT_BYTES {
            *self = SseParser::default();
            return Err(EventTooLarge);
        }
        Ok(events)
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
    /// A session's todo list changed: the whole list.
    TodoUpdated {
        session_id: String,
        todos: Vec<Todo>,
    },
    /// Anything else, by its type name.
    Other(String),
}

/// An event as sent: its type, and its properties left as text until the type says how to
/// read them (straight from the text: no `Value` in between).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(borrow, default)]
    properties: Option<&'a RawValue>,
}

/// `{"info": …}`, as the session and message events carry their subject.
#[derive(Deserialize)]
struct Info<T> {
    info: T,
}

/// The plain fields the smaller events carry (each one empty when absent).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Fields {
    #[serde(rename = "sessionID")]
    session_id: Option<String>,
    #[serde(rename = "messageID")]
    message_id: String,
    #[serde(rename = "partID")]
    part_id: String,
    #[serde(rename = "requestID")]
    request_id: String,
    field: String,
    delta: String,
    status: Option<SessionStatus>,
    error: Option<Value>,
}

/// `message.part.updated`: the part, read by its own type.
#[derive(Deserialize)]
struct PartProps<'a> {
    #[serde(borrow)]
    part: &'a RawValue,
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
            | Event::QuestionDone { session_id, .. }
            | Event::TodoUpdated { session_id, .. } => Some(session_id),
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
        let props = envelope.properties.map_or("{}", RawValue::get);
        let event = Event::read(&envelope.kind, props);
        event.unwrap_or(Event::Other(envelope.kind))
    }

    /// The event of type `kind` with these properties, if they read as it.
    fn read(kind: &str, props: &str) -> Option<Event> {
        fn info<T: serde::de::DeserializeOwned>(props: &str) -> Option<T> {
            serde_json::from_str::<Info<T>>(props).ok().map(|i| i.info)
        }
        let fields = || serde_json::from_str::<Fields>(props).unwrap_or_default();
        let session = |f: &Fields| f.session_id.clone().unwrap_or_default();
        Some(match kind {
            "server.connected" => Event::Connected,
            "session.created" => Event::SessionCreated(info(props)?),
            "session.updated" => Event::SessionUpdated(info(props)?),
            "session.deleted" => Event::SessionDeleted(info(props)?),
            "session.status" => {
                let mut f = fields();
                Event::SessionStatus {
                    session_id: session(&f),
                    status: f.status.take()?,
                }
            }
            "session.idle" => Event::SessionIdle {
                session_id: session(&fields()),
            },
            "session.error" => {
                let f = fields();
                let error = f.error.as_ref();
                let message = error
                    .and_then(|e| e.pointer("/data/message").or_else(|| e.get("name")))
                    .and_then(Value::as_str)
                    .unwrap_or("unknown error")
                    .to_owned();
                Event::SessionError {
                    session_id: f.session_id,
                    message,
                }
            }
            "message.updated" => Event::MessageUpdated(info(props)?),
            "message.removed" => {
                let f = fields();
                Event::MessageRemoved {
                    session_id: session(&f),
                    message_id: f.message_id,
                }
            }
            "message.part.updated" => {
                let part = serde_json::from_str::<PartProps>(props).ok()?.part.get();
                Event::PartUpdated {
                    session_id: kind_of(part, "sessionID"),
                    message_id: kind_of(part, "messageID"),
                    part: Part::parse(part),
                }
            }
            "message.part.delta" => {
                let f = fields();
                Event::PartDelta {
                    session_id: session(&f),
                    message_id: f.message_id,
                    part_id: f.part_id,
                    field: f.field,
                    delta: f.delta,
                }
            }
            "message.part.removed" => {
                let f = fields();
                Event::PartRemoved {
                    session_id: session(&f),
                    message_id: f.message_id,
                    part_id: f.part_id,
                }
            }
            "permission.asked" => Event::PermissionAsked(serde_json::from_str(props).ok()?),
            "question.asked" => Event::QuestionAsked(serde_json::from_str(props).ok()?),
            "question.replied" | "question.rejected" => {
                let f = fields();
                Event::QuestionDone {
                    session_id: session(&f),
                    request_id: f.request_id,
                }
            }
            "todo.updated" => {
                #[derive(Deserialize)]
                struct Todos {
                    #[serde(rename = "sessionID", default)]
                    session_id: String,
                    todos: Vec<Todo>,
                }
                let t = serde_json::from_str::<Todos>(props).ok()?;
                Event::TodoUpdated {
                    session_id: t.session_id,
                    todos: t.todos,
                }
            }
            "permission.replied" => {
                let f = fields();
                Event::PermissionReplied {
                    session_id: session(&f),
                    request_id: f.request_id,
                }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_survives_split_chunks_and_crlf() {
        let mut parser = SseParser::default();
        assert!(parser
            .push("data: {\"type\":\"server.con")
            .unwrap()
            .is_empty());
        let events = parser
            .push("nected\",\"properties\":{}}\r\n\r\n: comment\n\ndata: a\ndata: b\n\n")
            .unwrap();
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
        assert!(parser.push("data: one\r\n\r").unwrap().is_empty());
        assert_eq!(
            parser.push("\ndata: two\r").unwrap(),
            vec!["one".to_owned()]
        );
        assert_eq!(parser.push("\n\r\n").unwrap(), vec!["two".to_owned()]);
        // An event's end split between chunks: "\n" | "\n", and many events in one chunk.
        assert!(parser.push("data: three\n").unwrap().is_empty());
        assert_eq!(
            parser.push("\ndata: 4\n\ndata: 5\n\ndata: 6").unwrap(),
            vec!["three".to_owned(), "4".to_owned(), "5".to_owned()]
        );
        assert_eq!(parser.push("\n\n").unwrap(), vec!["6".to_owned()]);
    }

    #[test]
    fn an_event_that_never_ends_is_refused_and_the_parser_starts_over() {
        let mut parser = SseParser::default();
        let chunk = format!("data: {}", "x".repeat(1024 * 1024 - 6));
        let mut pushed = 0;
        let refused = loop {
            match parser.push(&chunk) {
                Ok(events) => assert!(events.is_empty()),
                Err(refused) => break refused,
            }
            pushed += chunk.len();
            assert!(pushed <= MAX_EVENT_BYTES, "the buffer grew past the cap");
        };
        assert!(
            refused.to_string().contains("larger than 32 MiB"),
            "{refused}"
        );
        // A large event that does end is still delivered whole, and the parser reads on.
        let big = "y".repeat(5 * 1024 * 1024);
        assert!(parser.push(&format!("data: {big}")).unwrap().is_empty());
        assert_eq!(
            parser.push("\n\ndata: next\n\n").unwrap(),
            vec![big, "next".to_owned()]
        );
    }

    #[test]
    fn reads_a_todo_list() {
        let todo = r#"{"type":"todo.updated","properties":{"sessionID":"ses_1","todos":[{"content":"Write tests","status":"in_progress","priority":"high"}]}}"#;
        assert_eq!(
            Event::parse(todo),
            Event::TodoUpdated {
                session_id: "ses_1".into(),
                todos: vec![Todo {
                    content: "Write tests".into(),
                    status: "in_progress".into(),
                    priority: "high".into(),
                }],
            }
        );
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
