//! The OpenCode server's data as typed Rust values (checked against its `GET /doc`, opencode
//! 1.18.33). Parsing is lenient on purpose: optional fields default, unknown fields are
//! ignored, and a part or message of a kind we have not met becomes `Unknown` instead of an
//! error, so a newer server never breaks the app.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Creation and update times of a session, in milliseconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionTime {
    #[serde(default)]
    pub created: f64,
    #[serde(default)]
    pub updated: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compacting: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<f64>,
}

/// Files changed in a session, as the server summarises them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    #[serde(default)]
    pub additions: f64,
    #[serde(default)]
    pub deletions: f64,
    #[serde(default)]
    pub files: f64,
}

/// Token counts of a session or an assistant message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    #[serde(default)]
    pub input: f64,
    #[serde(default)]
    pub output: f64,
    #[serde(default)]
    pub reasoning: f64,
    #[serde(default)]
    pub total: Option<f64>,
}

/// A share link, when the session was shared.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    #[serde(default)]
    pub url: String,
}

/// A revert in progress on a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revert {
    #[serde(default, rename = "messageID")]
    pub message_id: String,
    #[serde(default, rename = "partID")]
    pub part_id: Option<String>,
    #[serde(default)]
    pub snapshot: Option<String>,
    #[serde(default)]
    pub diff: Option<String>,
}

/// A session (`GET /session/:id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default, rename = "projectID")]
    pub project_id: String,
    #[serde(default, rename = "workspaceID")]
    pub workspace_id: Option<String>,
    #[serde(default)]
    pub directory: String,
    #[serde(default)]
    pub path: Option<String>,
    /// Set on subagent children: the session that spawned this one. It does **not** mean fork.
    #[serde(default, rename = "parentID")]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub time: SessionTime,
    #[serde(default)]
    pub summary: Option<SessionSummary>,
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub tokens: Option<Tokens>,
    #[serde(default)]
    pub share: Option<Share>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub revert: Option<Revert>,
    /// The model last used in the session.
    #[serde(default)]
    pub model: Option<Value>,
    #[serde(default)]
    pub permission: Option<Value>,
    #[serde(default)]
    pub metadata: Option<Value>,
}

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
    #[serde(default)]
    pub summary: Option<Value>,
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

impl<'de> Deserialize<'de> for MessageInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let role = value
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let result = match role.as_str() {
            "assistant" => serde_json::from_value(value).map(MessageInfo::Assistant),
            _ => serde_json::from_value(value).map(MessageInfo::User),
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

/// Start and end of a part, in milliseconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartTime {
    #[serde(default)]
    pub start: Option<f64>,
    #[serde(default)]
    pub end: Option<f64>,
}

/// Text written by the user or the model (markdown).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextPart {
    pub id: String,
    #[serde(default)]
    pub text: String,
    /// Added by the server (for example a file's content read for the model), not typed.
    #[serde(default)]
    pub synthetic: bool,
    #[serde(default)]
    pub ignored: bool,
    #[serde(default)]
    pub time: Option<PartTime>,
}

/// The model's reasoning before it answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReasoningPart {
    pub id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub time: Option<PartTime>,
}

/// Where a tool call stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ToolState {
    Pending {
        #[serde(default)]
        input: Value,
        #[serde(default)]
        raw: String,
    },
    Running {
        #[serde(default)]
        input: Value,
        #[serde(default)]
        title: Option<String>,
    },
    Completed {
        #[serde(default)]
        input: Value,
        #[serde(default)]
        output: String,
        #[serde(default)]
        title: String,
        #[serde(default)]
        time: Option<PartTime>,
    },
    Error {
        #[serde(default)]
        input: Value,
        #[serde(default)]
        error: String,
    },
}

impl ToolState {
    /// The status word: pending, running, completed or error.
    pub fn status(&self) -> &'static str {
        match self {
            ToolState::Pending { .. } => "pending",
            ToolState::Running { .. } => "running",
            ToolState::Completed { .. } => "completed",
            ToolState::Error { .. } => "error",
        }
    }
    /// The tool's input arguments.
    pub fn input(&self) -> &Value {
        match self {
            ToolState::Pending { input, .. }
            | ToolState::Running { input, .. }
            | ToolState::Completed { input, .. }
            | ToolState::Error { input, .. } => input,
        }
    }
}

/// A tool call made by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolPart {
    pub id: String,
    #[serde(default, rename = "callID")]
    pub call_id: String,
    #[serde(default)]
    pub tool: String,
    pub state: ToolState,
}

/// A file attached to a message (`url` is often `file://` or `data:`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilePart {
    pub id: String,
    #[serde(default)]
    pub mime: String,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub url: String,
}

/// The start of one model step, with the workspace snapshot before it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepStartPart {
    pub id: String,
    #[serde(default)]
    pub snapshot: Option<String>,
}

/// The end of one model step: why it stopped, what it cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepFinishPart {
    pub id: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub cost: f64,
    #[serde(default)]
    pub tokens: Option<Tokens>,
}

/// Files the model changed in a step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PatchPart {
    pub id: String,
    #[serde(default)]
    pub hash: String,
    #[serde(default)]
    pub files: Vec<String>,
}

/// An `@agent` mention in a user message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentPart {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// A workspace snapshot id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapshotPart {
    pub id: String,
    #[serde(default)]
    pub snapshot: String,
}

/// The conversation was compacted (summarised) here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompactionPart {
    pub id: String,
    #[serde(default)]
    pub auto: bool,
    #[serde(default)]
    pub overflow: Option<bool>,
}

/// Work handed to a subagent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubtaskPart {
    pub id: String,
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub agent: String,
}

/// The provider failed and the server is retrying.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RetryPart {
    pub id: String,
    #[serde(default)]
    pub attempt: u32,
    #[serde(default)]
    pub error: Option<MessageError>,
}

/// A part of a message. `Unknown` holds any part this client cannot read — a type it has not
/// met, or a known type whose shape changed — with its raw JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Part {
    Text(TextPart),
    Reasoning(ReasoningPart),
    Tool(ToolPart),
    File(FilePart),
    StepStart(StepStartPart),
    StepFinish(StepFinishPart),
    Patch(PatchPart),
    Agent(AgentPart),
    Snapshot(SnapshotPart),
    Compaction(CompactionPart),
    Subtask(SubtaskPart),
    Retry(RetryPart),
    Unknown { kind: String, raw: Value },
}

impl Part {
    /// Reads a part from JSON; never fails.
    pub fn from_value(value: Value) -> Part {
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        fn read<T: serde::de::DeserializeOwned>(
            value: &Value,
            wrap: fn(T) -> Part,
        ) -> Option<Part> {
            T::deserialize(value).ok().map(wrap)
        }
        let parsed = match kind.as_str() {
            "text" => read(&value, Part::Text),
            "reasoning" => read(&value, Part::Reasoning),
            "tool" => read(&value, Part::Tool),
            "file" => read(&value, Part::File),
            "step-start" => read(&value, Part::StepStart),
            "step-finish" => read(&value, Part::StepFinish),
            "patch" => read(&value, Part::Patch),
            "agent" => read(&value, Part::Agent),
            "snapshot" => read(&value, Part::Snapshot),
            "compaction" => read(&value, Part::Compaction),
            "subtask" => read(&value, Part::Subtask),
            "retry" => read(&value, Part::Retry),
            _ => None,
        };
        parsed.unwrap_or(Part::Unknown { kind, raw: value })
    }

    /// The part's id (empty for an unreadable part without one).
    pub fn id(&self) -> &str {
        match self {
            Part::Text(p) => &p.id,
            Part::Reasoning(p) => &p.id,
            Part::Tool(p) => &p.id,
            Part::File(p) => &p.id,
            Part::StepStart(p) => &p.id,
            Part::StepFinish(p) => &p.id,
            Part::Patch(p) => &p.id,
            Part::Agent(p) => &p.id,
            Part::Snapshot(p) => &p.id,
            Part::Compaction(p) => &p.id,
            Part::Subtask(p) => &p.id,
            Part::Retry(p) => &p.id,
            Part::Unknown { raw, .. } => raw.get("id").and_then(Value::as_str).unwrap_or_default(),
        }
    }
}

impl<'de> Deserialize<'de> for Part {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Part::from_value(Value::deserialize(deserializer)?))
    }
}

fn lenient_parts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Part>, D::Error> {
    let values = Option::<Vec<Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(values.into_iter().map(Part::from_value).collect())
}

/// A project (a directory the server knows), from `GET /project`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    #[serde(default)]
    pub worktree: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sandboxes: Vec<String>,
}

/// A tool asking for permission to run (`GET /permission`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionRequest {
    pub id: String,
    #[serde(default, rename = "sessionID")]
    pub session_id: String,
    #[serde(default)]
    pub permission: String,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub metadata: Value,
    #[serde(default)]
    pub always: Vec<String>,
    #[serde(default)]
    pub tool: Option<PermissionTool>,
}

/// The tool call a permission request belongs to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionTool {
    #[serde(default, rename = "messageID")]
    pub message_id: String,
    #[serde(default, rename = "callID")]
    pub call_id: String,
}

/// How to answer a permission request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionReply {
    Once,
    Always,
    Reject,
}

/// Whether a session is working (`GET /session/status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SessionStatus {
    Idle,
    Busy,
    Retry {
        #[serde(default)]
        attempt: u32,
        #[serde(default)]
        message: String,
    },
}

/// A primary or sub agent the server offers (`GET /agent`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub hidden: Option<bool>,
}

/// A question the model asks the user (`GET /question`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionRequest {
    pub id: String,
    #[serde(default, rename = "sessionID")]
    pub session_id: String,
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// One question, with its choices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Question {
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub header: String,
    #[serde(default)]
    pub options: Vec<QuestionOption>,
    /// More than one choice may be picked.
    #[serde(default)]
    pub multiple: Option<bool>,
    /// The user may type an answer of their own.
    #[serde(default)]
    pub custom: Option<bool>,
}

/// A choice offered by a question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionOption {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub description: String,
}

/// A model a provider offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// A model provider the server is configured with (`GET /config/providers`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub models: std::collections::BTreeMap<String, Model>,
}

/// The configured providers and each one's default model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Providers {
    #[serde(default)]
    pub providers: Vec<Provider>,
    #[serde(default)]
    pub default: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_part_type_the_server_sends() {
        let parts = json!([
            {"id":"prt_1","type":"text","text":"hi","time":{"start":1}},
            {"id":"prt_2","type":"reasoning","text":"hmm","time":{"start":1,"end":2}},
            {"id":"prt_3","type":"tool","callID":"c","tool":"bash","state":{"status":"completed","input":{"command":"ls"},"output":"a\n","title":"ls","metadata":{},"time":{"start":1,"end":2}}},
            {"id":"prt_4","type":"file","mime":"text/plain","filename":"a.txt","url":"file:///a.txt"},
            {"id":"prt_5","type":"step-start","snapshot":"abc"},
            {"id":"prt_6","type":"step-finish","reason":"stop","cost":0,"tokens":{"input":1,"output":2,"reasoning":0,"cache":{"read":0,"write":0}}},
            {"id":"prt_7","type":"patch","hash":"abc","files":["/a"]},
            {"id":"prt_8","type":"agent","name":"build"},
            {"id":"prt_9","type":"snapshot","snapshot":"abc"},
            {"id":"prt_10","type":"compaction","auto":true},
            {"id":"prt_11","type":"subtask","prompt":"p","description":"d","agent":"general"},
            {"id":"prt_12","type":"retry","attempt":2,"error":{"name":"APIError","data":{"message":"overloaded"}},"time":{"created":1}},
            {"id":"prt_13","type":"hologram","beam":1},
            {"id":"prt_14","type":"tool","callID":"c","tool":"bash","state":{"status":"teleporting"}}
        ]);
        let parts: Vec<Part> = serde_json::from_value(parts).unwrap();
        let kinds: Vec<&str> = parts
            .iter()
            .map(|p| match p {
                Part::Text(_) => "text",
                Part::Reasoning(_) => "reasoning",
                Part::Tool(_) => "tool",
                Part::File(_) => "file",
                Part::StepStart(_) => "step-start",
                Part::StepFinish(_) => "step-finish",
                Part::Patch(_) => "patch",
                Part::Agent(_) => "agent",
                Part::Snapshot(_) => "snapshot",
                Part::Compaction(_) => "compaction",
                Part::Subtask(_) => "subtask",
                Part::Retry(_) => "retry",
                Part::Unknown { .. } => "unknown",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "text",
                "reasoning",
                "tool",
                "file",
                "step-start",
                "step-finish",
                "patch",
                "agent",
                "snapshot",
                "compaction",
                "subtask",
                "retry",
                "unknown",
                "unknown"
            ]
        );
        assert_eq!(parts[12].id(), "prt_13");
        match &parts[2] {
            Part::Tool(t) => {
                assert_eq!(t.state.status(), "completed");
                assert_eq!(t.state.input()["command"], "ls");
            }
            other => panic!("not a tool part: {other:?}"),
        }
    }

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

    #[test]
    fn a_session_with_only_an_id_still_reads() {
        let session: Session = serde_json::from_value(json!({"id":"ses_1"})).unwrap();
        assert_eq!(session.id, "ses_1");
        assert_eq!(session.parent_id, None);
    }
}
