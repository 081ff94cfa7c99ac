//! The server's commands (`GET /command`, custom ones from the project's config included) and
//! a session's todo list (`GET /session/:id/todo`, `todo.updated`).

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
