//! What the server knows and offers: projects (`GET /project`), agents (`GET /agent`) and
//! model providers (`GET /config/providers`).

use serde::{Deserialize, Serialize};

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
