//! The parts of a message. Parsing never fails: a part of a kind this client has not met, or
//! of a known kind whose shape changed, becomes `Part::Unknown` with its raw JSON.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::message::MessageError;
use super::session::Tokens;

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
    /// Reads a part from its JSON text; never fails. Each kind is read straight from the text
    /// (no `Value` in between: a second deserializer per type costs size and time).
    pub fn parse(raw: &str) -> Part {
        let kind = kind_of(raw, "type");
        fn read<T: serde::de::DeserializeOwned>(raw: &str, wrap: fn(T) -> Part) -> Option<Part> {
            serde_json::from_str(raw).ok().map(wrap)
        }
        let parsed = match kind.as_str() {
            "text" => read(raw, Part::Text),
            "reasoning" => read(raw, Part::Reasoning),
            "tool" => read(raw, Part::Tool),
            "file" => read(raw, Part::File),
            "step-start" => read(raw, Part::StepStart),
            "step-finish" => read(raw, Part::StepFinish),
            "patch" => read(raw, Part::Patch),
            "agent" => read(raw, Part::Agent),
            "snapshot" => read(raw, Part::Snapshot),
            "compaction" => read(raw, Part::Compaction),
            "subtask" => read(raw, Part::Subtask),
            "retry" => read(raw, Part::Retry),
            _ => None,
        };
        parsed.unwrap_or_else(|| Part::Unknown {
            kind,
            raw: serde_json::from_str(raw).unwrap_or(Value::Null),
        })
    }

    /// [`Part::parse`] for a part already held as a `Value`.
    pub fn from_value(value: Value) -> Part {
        Part::parse(&value.to_string())
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

/// The string field `field` of the JSON object in `raw` ("" when it has none, or is not an
/// object): how a part or a message says what it is, read without reading the rest.
pub(crate) fn kind_of(raw: &str, field: &'static str) -> String {
    struct Field(&'static str);
    impl<'de> serde::de::DeserializeSeed<'de> for Field {
        type Value = String;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    impl<'de> serde::de::Visitor<'de> for Field {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            let mut found = String::new();
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 {
                    found = map.next_value::<Option<String>>()?.unwrap_or_default();
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    serde::de::DeserializeSeed::deserialize(Field(field), &mut deserializer).unwrap_or_default()
}

/// Parts are read from their own text, which only a reader of JSON text can hand over: read a
/// message from a string (`serde_json::from_str`), not from a `Value`.
impl<'de> Deserialize<'de> for Part {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        Ok(Part::parse(raw.get()))
    }
}

pub(super) fn lenient_parts<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Part>, D::Error> {
    let raws = Option::<Vec<Box<serde_json::value::RawValue>>>::deserialize(deserializer)?;
    Ok(raws
        .unwrap_or_default()
        .iter()
        .map(|raw| Part::parse(raw.get()))
        .collect())
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
}
