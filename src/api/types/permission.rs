//! What a running reply asks of the user: permission for a tool (`GET /permission`) and the
//! model's questions (`GET /question`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
