//! Sessions (`GET /session`, `GET /session/:id`) and whether they are working
//! (`GET /session/status`).

use serde::{Deserialize, Serialize};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_with_only_an_id_still_reads() {
        let session: Session = serde_json::from_value(serde_json::json!({"id":"ses_1"})).unwrap();
        assert_eq!(session.id, "ses_1");
        assert_eq!(session.parent_id, None);
    }
}
