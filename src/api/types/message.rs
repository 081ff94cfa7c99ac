//! Messages (`GET /session/:id/message`): a user or assistant header with its parts.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::part::{kind_of, lenient_parts, Part};
use super::session::Tokens;

/// The model a user message was addressed to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelRef {
    #[serde(default, rename = "providerID")]
    pub provider_id: String,
    #[serde(default, rename = "modelID")]
    pub model_id: String,
}

/// Times of a message, in milliseconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageTime {
    #[serde(default)]
    pub created: f64,
    #[serde(default)]
    pub completed: Option<f64>,
}

/// A message written by the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserMessage {
    pub id: String,
    #[serde(default, rename = "sessionID")]
    pub session_id: String,
    #[serde(default)]
    pub time: MessageTime,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub model: Option<ModelRef>,
    #[serde(default)]
    pub system: Option<String>,
    #[serde(default)]
    pub format: Option<Value>,
    /// The files this message's turn changed (counts only; the patches are fetched on demand).
    #[serde(default, deserialize_with = "super::diff::lenient_summary")]
    pub summary: Option<super::diff::TurnSummary>,
    #[serde(default)]
    pub tools: Option<Value>,
    #[serde(default)]
    pub variant: Option<String>,
}

/// An error recorded on an assistant message (provider failure, abort, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageError {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub data: Value,
}

impl MessageError {
    /// The human message inside the error, or its name.
    pub fn message(&self) -> String {
        self.data
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| self.name.clone())
    }
}

/// A message written by the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantMessage {
    pub id: String,
    #[serde(default, rename = "sessionID")]
    pub session_id: String,
    #[serde(default)]
    pub time: MessageTime,
    /// The user message this one answers.
    #[serde(default, rename = "parentID")]
    pub parent_id: String,
    #[serde(default, rename = "modelID")]
    pub model_id: String,
    #[serde(default, rename = "providerID")]
    pub provider_id: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub cost: f64,
    #[serde(default)]
    pub tokens: Option<Tokens>,
    #[serde(default)]
    pub error: Option<MessageError>,
    #[serde(default)]
    pub finish: Option<String>,
    #[serde(default)]
    pub summary: Option<bool>,
    /// Working directory and project root of the reply.
    #[serde(default)]
    pub path: Option<MessagePath>,
    #[serde(default)]
    pub structured: Option<Value>,
    #[serde(default)]
    pub variant: Option<String>,
}

/// Where an assistant reply ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePath {
    #[serde(default)]
    pub cwd: String,
    #[serde(default)]
    pub root: String,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// A message's header: user or assistant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum MessageInfo {
    User(UserMessage),
    Assistant(AssistantMessage),
}

/// Read from its own text by its role (see [`Part`]'s reading: from a string, not a `Value`).
impl<'de> Deserialize<'de> for MessageInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let raw = raw.get();
        let result = match kind_of(raw, "role").as_str() {
            "assistant" => serde_json::from_str(raw).map(MessageInfo::Assistant),
            _ => serde_json::from_str(raw).map(MessageInfo::User),
        };
        result.map_err(serde::de::Error::custom)
    }
}

impl MessageInfo {
    pub fn id(&self) -> &str {
        match self {
            MessageInfo::User(m) => &m.id,
            MessageInfo::Assistant(m) => &m.id,
        }
    }
    pub fn role(&self) -> Role {
        match self {
            MessageInfo::User(_) => Role::User,
            MessageInfo::Assistant(_) => Role::Assistant,
        }
    }
    pub fn created(&self) -> f64 {
        match self {
            MessageInfo::User(m) => m.time.created,
            MessageInfo::Assistant(m) => m.time.created,
        }
    }
}

/// A message with its parts, as `GET /session/:id/message` returns them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub info: MessageInfo,
    #[serde(default, deserialize_with = "lenient_parts")]
    pub parts: Vec<Part>,
}

impl Message {
    /// The message's visible text: its non-synthetic text parts, joined.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .parts
            .iter()
            .filter_map(|part| match part {
                Part::Text(t) if !t.synthetic => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        texts.join("\n\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_messages_of_both_roles() {
        let messages = json!([
            {"info":{"id":"msg_1","sessionID":"ses_1","role":"user","time":{"created":5},"agent":"build","model":{"providerID":"p","modelID":"m"}},
             "parts":[{"id":"prt_1","type":"text","text":"hello"},{"id":"prt_2","type":"text","text":"file body","synthetic":true}]},
            {"info":{"id":"msg_2","sessionID":"ses_1","role":"assistant","time":{"created":6,"completed":7},"parentID":"msg_1","modelID":"m","providerID":"p","mode":"build","agent":"build","path":{"cwd":"/","root":"/"},"cost":0,"tokens":{"input":0,"output":0,"reasoning":0,"cache":{"read":0,"write":0}},
                     "error":{"name":"MessageAbortedError","data":{"message":"Aborted"}}},
             "parts":[]}
        ]);
        let messages: Vec<Message> = serde_json::from_value(messages).unwrap();
        assert_eq!(messages[0].info.role(), Role::User);
        assert_eq!(messages[0].text(), "hello");
        assert_eq!(messages[1].info.role(), Role::Assistant);
        assert_eq!(messages[1].info.created(), 6.0);
        match &messages[1].info {
            MessageInfo::Assistant(a) => assert_eq!(a.error.as_ref().unwrap().message(), "Aborted"),
            MessageInfo::User(_) => panic!("expected an assistant message"),
        }
    }
}
