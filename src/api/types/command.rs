//! The server's commands (`GET /command`, custom ones from the project's config included) and
//! a session's todo list (`GET /session/:id/todo`, `todo.updated`), and the project's files
//! (`GET /file`).

use serde::{Deserialize, Serialize};

/// A command the server runs for `POST /session/:id/command`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Command {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Where it comes from: "command" (config), "mcp", "skill".
    #[serde(default)]
    pub source: Option<String>,
}

/// One item of a session's todo list, as the model keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Todo {
    #[serde(default)]
    pub content: String,
    /// pending, in_progress, completed or cancelled.
    #[serde(default)]
    pub status: String,
    /// high, medium or low.
    #[serde(default)]
    pub priority: String,
}

/// A file or directory of the project (`GET /file?path=`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileNode {
    #[serde(default)]
    pub name: String,
    /// Relative to the project.
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub absolute: String,
    /// "file" or "directory".
    #[serde(default, rename = "type")]
    pub kind: String,
}
