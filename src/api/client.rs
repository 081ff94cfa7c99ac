//! Typed operations on the OpenCode HTTP API. Requests are built and responses read by plain
//! functions; sending goes through the [`Transport`] seam, so the same code runs in the browser
//! (fetch) and in native tests (reqwest against a real server).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::error::ApiError;
use super::ids::{check_message_id, check_session_id};
use super::types::{
    Agent, Command, Message, ModelRef, PermissionReply, PermissionRequest, Project, Session,
    SessionStatus, Todo,
};

/// A `limit` no project reaches: "all sessions".
pub const ALL_SESSIONS: usize = 1_000_000;

/// Where the server is and how to talk to it. Its `Debug` shows no password.
#[derive(Clone, PartialEq, Default)]
pub struct Connection {
    /// For example `http://127.0.0.1:4096`.
    pub base_url: String,
    /// The server's `OPENCODE_SERVER_PASSWORD`, if it has one (user is always `opencode`).
    pub password: Option<String>,
    /// The project directory every call is scoped to; `None` lets the server choose its own.
    pub directory: Option<String>,
}

impl Connection {
    /// A connection to `base_url` with no password and no directory.
    pub fn new(base_url: impl Into<String>) -> Connection {
        Connection {
            base_url: base_url.into(),
            ..Connection::default()
        }
    }

    /// The value of the `Authorization` header, when a password is set.
    pub fn authorization(&self) -> Option<String> {
        let password = self.password.as_deref().filter(|p| !p.is_empty())?;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("opencode:{password}"));
        Some(format!("Basic {token}"))
    }

    /// The full URL for an API path, with the `directory` query parameter when one is set.
    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!("{}{}", self.base_url.trim_end_matches('/'), path);
        let directory = self.directory.as_deref().filter(|d| !d.is_empty());
        let pairs = directory
            .map(|d| ("directory", d))
            .into_iter()
            .chain(query.iter().copied());
        for (i, (key, value)) in pairs.enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(key);
            url.push('=');
            url.push_str(&percent_encode(value));
        }
        url
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// What `Debug` shows instead of a password or an `authorization` header, so no log line
/// written with `{:?}` can carry one.
pub const REDACTED: &str = "<redacted>";

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("base_url", &self.base_url)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("directory", &self.directory)
            .finish()
    }
}

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request ready to send. Its `Debug` shows no `authorization` value.
#[derive(Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name.eq_ignore_ascii_case("authorization") {
                    REDACTED
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// What came back: a status, the headers the client reads, and a body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// The headers a transport could read (lower-case names). A browser shows only those the
    /// server exposes to scripts; the API reads just `x-next-cursor`.
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// The value of the header `name` (any case), if it came.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The header that names the page of messages before the one sent.
pub const NEXT_CURSOR: &str = "x-next-cursor";

/// One page of a session's messages: the newest ones before a point, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Where the next older page starts (the server's cursor); `None` when this page reaches
    /// the session's first message (or the server sends every message at once, as releases
    /// before paging do).
    pub older: Option<String>,
}

/// Sends a request. Implementations map "no answer" to [`ApiError::Network`] and return every
/// HTTP answer, whatever its status, as a [`Response`].
pub trait Transport {
    fn send(&self, request: Request) -> impl Future<Output = Result<Response, ApiError>>;
}

/// Builds a request to `path` with auth, `directory` and a JSON body.
pub fn build(
    conn: &Connection,
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> Request {
    let mut headers = vec![("accept".to_owned(), "application/json".to_owned())];
    if let Some(auth) = conn.authorization() {
        headers.push(("authorization".to_owned(), auth));
    }
    if body.is_some() {
        headers.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    Request {
        method,
        url: conn.url(path, query),
        headers,
        body: body.map(|b| b.to_string()),
    }
}

/// Reads a response: a 2xx body as `T`, anything else as the matching [`ApiError`].
pub fn parse<T: DeserializeOwned>(response: &Response) -> Result<T, ApiError> {
    if !(200..300).contains(&response.status) {
        return Err(ApiError::from_status(response.status, &response.body));
    }
    let body = if response.body.trim().is_empty() {
        "null"
    } else {
        &response.body
    };
    if super::error::looks_like_html(body) {
        return Err(ApiError::Decode {
            detail: format!("{} instead of JSON", super::error::html_page(body)),
        });
    }
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        detail: e.to_string(),
    })
}

/// A part of a prompt. `id` (a `prt_` id made by the client, [`super::ids::ascending`]) lets
/// the page show the part before the server announces it, under the id it will announce.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum PartInput {
    Text {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        text: String,
    },
    File {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        mime: String,
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
    },
}

/// A command of the server's to run in a session, as `POST /session/:id/command` takes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CommandInput {
    pub command: String,
    pub arguments: String,
    #[serde(rename = "messageID", skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// `provider/model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Files to go with it (only `File` parts are taken).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartInput>,
}

/// What to send with a prompt.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PromptInput {
    /// The id the message is to have (made by the client, so the page can show it at once).
    #[serde(rename = "messageID", skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    pub parts: Vec<PartInput>,
    /// Record the message without asking the model.
    #[serde(rename = "noReply", skip_serializing_if = "std::ops::Not::not")]
    pub no_reply: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<super::types::ModelRef>,
}

impl PromptInput {
    /// A prompt of one text part.
    pub fn text(text: impl Into<String>) -> PromptInput {
        PromptInput {
            parts: vec![PartInput::Text {
                id: None,
                text: text.into(),
            }],
            ..PromptInput::default()
        }
    }
}

/// Server health: `GET /global/health`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Health {
    #[serde(default)]
    pub healthy: bool,
    #[serde(default)]
    pub version: String,
}

/// The OpenCode API over a transport.
#[derive(Debug, Clone)]
pub struct Client<T> {
    pub conn: Connection,
    transport: T,
}

impl<T: Transport + Clone> Client<T> {
    /// The same server, scoped to `directory` (a session's own, which may be a worktree's);
    /// an empty one keeps this client's.
    pub fn in_directory(&self, directory: &str) -> Client<T> {
        let mut conn = self.conn.clone();
        if !directory.is_empty() {
            conn.directory = Some(directory.to_owned());
        }
        Client::new(conn, self.transport.clone())
    }
}

impl<T: Transport> Client<T> {
    pub fn new(conn: Connection, transport: T) -> Client<T> {
        Client { conn, transport }
    }

    async fn call<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<R, ApiError> {
        let response = self.send(method, path, query, body).await?;
        parse(&response)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<Response, ApiError> {
        self.transport
            .send(build(&self.conn, method, path, query, body))
            .await
    }

    /// Is the server there, and which version is it?
    pub async fn health(&self) -> Result<Health, ApiError> {
        self.call(Method::Get, "/global/health", &[], None).await
    }

    /// Every session of the project, subagent children included, newest first. (Without a
    /// `limit` the server sends only the newest 100.)
    pub async fn list_sessions(&self) -> Result<Vec<Session>, ApiError> {
        self.list_newest_sessions(ALL_SESSIONS).await
    }

    /// The newest `limit` sessions of the project, subagent children included, across the
    /// project's directories (its git worktrees too: `scope=project`).
    pub async fn list_newest_sessions(&self, limit: usize) -> Result<Vec<Session>, ApiError> {
        let limit = limit.to_string();
        self.call(
            Method::Get,
            "/session",
            &[("limit", &limit), ("scope", "project")],
            None,
        )
        .await
    }

    /// One session.
    pub async fn get_session(&self, id: &str) -> Result<Session, ApiError> {
        check_session_id(id)?;
        self.call(Method::Get, &format!("/session/{id}"), &[], None)
            .await
    }

    /// A new, empty session.
    pub async fn create_session(&self, title: Option<&str>) -> Result<Session, ApiError> {
        let body = match title {
            Some(title) => json!({ "title": title }),
            None => json!({}),
        };
        self.call(Method::Post, "/session", &[], Some(body)).await
    }

    /// Sets a session's title.
    pub async fn rename_session(&self, id: &str, title: &str) -> Result<Session, ApiError> {
        check_session_id(id)?;
        self.call(
            Method::Patch,
            &format!("/session/{id}"),
            &[],
            Some(json!({ "title": title })),
        )
        .await
    }

    /// Replaces a session's whole `metadata` object (the server keeps no part of the old one:
    /// read, merge, then write). The server offers no conditional write (no ETag, no expected
    /// version), so a caller that must not drop another client's keys re-reads afterwards.
    pub async fn set_metadata(&self, id: &str, metadata: &Value) -> Result<Session, ApiError> {
        check_session_id(id)?;
        self.call(
            Method::Patch,
            &format!("/session/{id}"),
            &[],
            Some(json!({ "metadata": metadata })),
        )
        .await
    }

    /// Deletes a session and its messages.
    pub async fn delete_session(&self, id: &str) -> Result<bool, ApiError> {
        check_session_id(id)?;
        self.call(Method::Delete, &format!("/session/{id}"), &[], None)
            .await
    }

    /// A session's messages with their parts, oldest first.
    pub async fn messages(&self, id: &str) -> Result<Vec<Message>, ApiError> {
        check_session_id(id)?;
        self.call(Method::Get, &format!("/session/{id}/message"), &[], None)
            .await
    }

    /// The newest `limit` messages of a session before `before` (a cursor from an earlier
    /// page; `None` for the newest page), oldest first, and where the page before them starts.
    pub async fn messages_page(
        &self,
        id: &str,
        limit: usize,
        before: Option<&str>,
    ) -> Result<MessagePage, ApiError> {
        check_session_id(id)?;
        let limit = limit.max(1).to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(before) = before {
            query.push(("before", before));
        }
        let path = format!("/session/{id}/message");
        let response = self.send(Method::Get, &path, &query, None).await?;
        let messages = parse(&response)?;
        let older = response
            .header(NEXT_CURSOR)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        Ok(MessagePage { messages, older })
    }

    /// One message of a session, with its parts.
    pub async fn message(&self, id: &str, message_id: &str) -> Result<Message, ApiError> {
        check_session_id(id)?;
        check_message_id(message_id)?;
        let path = format!("/session/{id}/message/{message_id}");
        self.call(Method::Get, &path, &[], None).await
    }

    /// Sends a prompt and waits for the whole reply (or, with `no_reply`, just records it).
    pub async fn prompt(&self, id: &str, input: &PromptInput) -> Result<Message, ApiError> {
        check_session_id(id)?;
        let body = serde_json::to_value(input).map_err(|e| ApiError::Decode {
            detail: e.to_string(),
        })?;
        self.call(
            Method::Post,
            &format!("/session/{id}/message"),
            &[],
            Some(body),
        )
        .await
    }

    /// Sends a prompt and returns at once; the reply arrives over `/event`.
    pub async fn prompt_async(&self, id: &str, input: &PromptInput) -> Result<(), ApiError> {
        check_session_id(id)?;
        let body = serde_json::to_value(input).map_err(|e| ApiError::Decode {
            detail: e.to_string(),
        })?;
        let _: Value = self
            .call(
                Method::Post,
                &format!("/session/{id}/prompt_async"),
                &[],
                Some(body),
            )
            .await?;
        Ok(())
    }

    /// Stops the reply running in a session.
    pub async fn abort(&self, id: &str) -> Result<bool, ApiError> {
        check_session_id(id)?;
        self.call(Method::Post, &format!("/session/{id}/abort"), &[], None)
            .await
    }

    /// Copies the messages strictly before `message_id` (all of them with `None`) into a new
    /// session. The server does not check that the message belongs to the session: callers
    /// must (see `fork`).
    pub async fn fork(&self, id: &str, message_id: Option<&str>) -> Result<Session, ApiError> {
        check_session_id(id)?;
        let body = match message_id {
            Some(message_id) => {
                check_message_id(message_id)?;
                json!({ "messageID": message_id })
            }
            None => json!({}),
        };
        self.call(
            Method::Post,
            &format!("/session/{id}/fork"),
            &[],
            Some(body),
        )
        .await
    }

    /// What each busy session is doing (idle sessions are left out).
    pub async fn session_status(&self) -> Result<HashMap<String, SessionStatus>, ApiError> {
        self.call(Method::Get, "/session/status", &[], None).await
    }

    /// Tools waiting for the user's permission.
    pub async fn permissions(&self) -> Result<Vec<PermissionRequest>, ApiError> {
        self.call(Method::Get, "/permission", &[], None).await
    }

    /// Answers a permission request.
    pub async fn reply_permission(
        &self,
        request_id: &str,
        reply: PermissionReply,
    ) -> Result<bool, ApiError> {
        let path = format!("/permission/{}/reply", percent_encode(request_id));
        self.call(Method::Post, &path, &[], Some(json!({ "reply": reply })))
            .await
    }

    /// Questions waiting for the user's answer.
    pub async fn questions(&self) -> Result<Vec<super::types::QuestionRequest>, ApiError> {
        self.call(Method::Get, "/question", &[], None).await
    }

    /// Answers a question request: for each question, the labels picked (or typed).
    pub async fn reply_question(
        &self,
        request_id: &str,
        answers: &[Vec<String>],
    ) -> Result<bool, ApiError> {
        let path = format!("/question/{}/reply", percent_encode(request_id));
        self.call(
            Method::Post,
            &path,
            &[],
            Some(json!({ "answers": answers })),
        )
        .await
    }

    /// Declines to answer a question request.
    pub async fn reject_question(&self, request_id: &str) -> Result<bool, ApiError> {
        let path = format!("/question/{}/reject", percent_encode(request_id));
        self.call(Method::Post, &path, &[], None).await
    }

    /// The projects (directories) the server knows.
    pub async fn projects(&self) -> Result<Vec<Project>, ApiError> {
        self.call(Method::Get, "/project", &[], None).await
    }

    /// The model providers the server is configured with, and their default models.
    pub async fn providers(&self) -> Result<super::types::Providers, ApiError> {
        self.call(Method::Get, "/config/providers", &[], None).await
    }

    /// The agents the server offers.
    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        self.call(Method::Get, "/agent", &[], None).await
    }

    /// The files one turn changed: `message_id` is the turn's user message. (Without one,
    /// opencode 1.18.33 answers `[]` however much the session changed: sum the turns.)
    pub async fn session_diff(
        &self,
        id: &str,
        message_id: &str,
    ) -> Result<Vec<super::types::FileDiff>, ApiError> {
        check_session_id(id)?;
        check_message_id(message_id)?;
        self.call(
            Method::Get,
            &format!("/session/{id}/diff"),
            &[("messageID", message_id)],
            None,
        )
        .await
    }

    /// OpenCode's undo: puts the files and the conversation back to before `message_id` (the
    /// undone messages stay until the next prompt, which deletes them). Refused with 409
    /// while a reply runs.
    pub async fn revert(&self, id: &str, message_id: &str) -> Result<Session, ApiError> {
        check_session_id(id)?;
        check_message_id(message_id)?;
        self.call(
            Method::Post,
            &format!("/session/{id}/revert"),
            &[],
            Some(json!({ "messageID": message_id })),
        )
        .await
    }

    /// Takes back the last [`Client::revert`] (OpenCode's redo), while no prompt followed it.
    pub async fn unrevert(&self, id: &str) -> Result<Session, ApiError> {
        check_session_id(id)?;
        self.call(Method::Post, &format!("/session/{id}/unrevert"), &[], None)
            .await
    }

    /// The repository of the client's directory: a branch when it is git.
    pub async fn vcs(&self) -> Result<super::types::VcsInfo, ApiError> {
        self.call(Method::Get, "/vcs", &[], None).await
    }

    /// Applies a patch to the client's directory (`git apply`: all of it or nothing).
    pub async fn apply_patch(&self, patch: &str) -> Result<(), ApiError> {
        let _: Value = self
            .call(
                Method::Post,
                "/vcs/apply",
                &[],
                Some(json!({ "patch": patch })),
            )
            .await?;
        Ok(())
    }

    /// The commands the server runs: built in, and custom ones from the project's config.
    pub async fn commands(&self) -> Result<Vec<Command>, ApiError> {
        self.call(Method::Get, "/command", &[], None).await
    }

    /// Files of the project whose path matches `query` (fuzzy), at most `limit`, relative to
    /// the project directory.
    pub async fn find_files(&self, query: &str, limit: usize) -> Result<Vec<String>, ApiError> {
        let limit = limit.to_string();
        let query = [
            ("query", query),
            ("type", "file"),
            ("limit", limit.as_str()),
        ];
        self.call(Method::Get, "/find/file", &query, None).await
    }

    /// The files and folders in `path` (relative to the client's directory; "" for its top).
    pub async fn list_files(&self, path: &str) -> Result<Vec<super::types::FileNode>, ApiError> {
        self.call(Method::Get, "/file", &[("path", path)], None)
            .await
    }

    /// The files of the client's directory that differ from its last commit (`git status`).
    pub async fn vcs_status(&self) -> Result<Vec<super::types::FileChange>, ApiError> {
        self.call(Method::Get, "/vcs/status", &[], None).await
    }

    /// Where the server works for the client's directory (its own when the client has none).
    pub async fn path(&self) -> Result<super::types::PathInfo, ApiError> {
        self.call(Method::Get, "/path", &[], None).await
    }

    /// A new git worktree of the client's directory's repository, on a branch of its own, made
    /// from the last commit. The server fills it in after answering: see
    /// `fork::worktree` for waiting on that.
    pub async fn create_worktree(&self) -> Result<super::types::Worktree, ApiError> {
        self.call(Method::Post, "/experimental/worktree", &[], Some(json!({})))
            .await
    }

    /// Removes the worktree at `directory` and its branch (the client's directory names the
    /// repository).
    pub async fn remove_worktree(&self, directory: &str) -> Result<bool, ApiError> {
        self.call(
            Method::Delete,
            "/experimental/worktree",
            &[],
            Some(json!({ "directory": directory })),
        )
        .await
    }

    /// Moves a session to `directory`: it lives, and runs its tools, there from then on.
    pub async fn move_session(&self, id: &str, directory: &str) -> Result<(), ApiError> {
        check_session_id(id)?;
        let _: Value = self
            .call(
                Method::Post,
                "/experimental/control-plane/move-session",
                &[],
                Some(json!({ "sessionID": id, "destination": { "directory": directory } })),
            )
            .await?;
        Ok(())
    }

    /// A file's content. (A missing file reads as empty text: ask [`Client::file_exists`].)
    pub async fn file_content(&self, path: &str) -> Result<super::types::FileContent, ApiError> {
        self.call(Method::Get, "/file/content", &[("path", path)], None)
            .await
    }

    /// Is there a file at `path`? Its folder is listed (the server fails on a folder that is
    /// not there, which is a no).
    pub async fn file_exists(&self, path: &str) -> Result<bool, ApiError> {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        match self.list_files(folder).await {
            Ok(entries) => Ok(entries
                .iter()
                .any(|e| e.name == name && e.kind != "directory")),
            Err(ApiError::Server { .. } | ApiError::NotFound { .. }) if !folder.is_empty() => {
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }

    /// Runs one of the server's commands in a session (`POST /session/:id/command`): the
    /// reply streams over `/event` meanwhile; this returns once it is complete.
    pub async fn run_command(&self, id: &str, input: &CommandInput) -> Result<(), ApiError> {
        check_session_id(id)?;
        if let Some(message_id) = &input.message_id {
            check_message_id(message_id)?;
        }
        let body = serde_json::to_value(input).map_err(|e| ApiError::Invalid {
            message: e.to_string(),
        })?;
        let path = format!("/session/{id}/command");
        let _: Value = self.call(Method::Post, &path, &[], Some(body)).await?;
        Ok(())
    }

    /// Runs `command` in the session's shell (as `agent`); the message it makes, with the
    /// tool part holding the output.
    pub async fn shell(&self, id: &str, agent: &str, command: &str) -> Result<Message, ApiError> {
        check_session_id(id)?;
        let body = json!({ "agent": agent, "command": command });
        let path = format!("/session/{id}/shell");
        self.call(Method::Post, &path, &[], Some(body)).await
    }

    /// Summarizes the session with `model`, freeing the model's context (`/compact`).
    pub async fn summarize(&self, id: &str, model: &ModelRef) -> Result<bool, ApiError> {
        check_session_id(id)?;
        let body = json!({ "providerID": model.provider_id, "modelID": model.model_id });
        let path = format!("/session/{id}/summarize");
        self.call(Method::Post, &path, &[], Some(body)).await
    }

    /// The session's todo list, as the model keeps it.
    pub async fn todos(&self, id: &str) -> Result<Vec<Todo>, ApiError> {
        check_session_id(id)?;
        self.call(Method::Get, &format!("/session/{id}/todo"), &[], None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        Connection {
            base_url: "http://127.0.0.1:4096/".into(),
            password: Some("s3cret".into()),
            directory: Some("/home/me/my project".into()),
        }
    }

    #[test]
    fn requests_carry_auth_and_directory() {
        let request = build(
            &conn(),
            Method::Post,
            "/session/ses_1/fork",
            &[],
            Some(json!({"messageID":"msg_1"})),
        );
        assert_eq!(
            request.url,
            "http://127.0.0.1:4096/session/ses_1/fork?directory=%2Fhome%2Fme%2Fmy%20project"
        );
        assert!(request
            .headers
            .contains(&("authorization".into(), "Basic b3BlbmNvZGU6czNjcmV0".into())));
        assert!(request
            .headers
            .contains(&("content-type".into(), "application/json".into())));
        assert_eq!(request.body.as_deref(), Some(r#"{"messageID":"msg_1"}"#));
    }

    #[test]
    fn no_password_no_header_and_extra_query_is_appended() {
        let conn = Connection::new("http://h:1");
        let request = build(&conn, Method::Get, "/x", &[("limit", "5")], None);
        assert_eq!(request.url, "http://h:1/x?limit=5");
        assert!(request
            .headers
            .iter()
            .all(|(k, _)| k != "authorization" && k != "content-type"));
    }

    #[test]
    fn parse_maps_statuses_and_bad_bodies() {
        let ok = Response {
            status: 200,
            body: r#"{"healthy":true,"version":"1"}"#.into(),
            ..Response::default()
        };
        assert_eq!(parse::<Health>(&ok).unwrap().version, "1");
        let missing = Response {
            status: 404,
            body: r#"{"name":"NotFoundError","data":{"message":"gone"}}"#.into(),
            ..Response::default()
        };
        assert_eq!(
            parse::<Health>(&missing),
            Err(ApiError::NotFound {
                message: "gone".into()
            })
        );
        let html = Response {
            status: 200,
            body: "<!doctype html><title>Sign in to the Wi-Fi</title>".into(),
            ..Response::default()
        };
        assert_eq!(
            parse::<Health>(&html),
            Err(ApiError::Decode {
                detail: "an HTML page (“Sign in to the Wi-Fi”) instead of JSON".into()
            })
        );
    }

    #[test]
    fn prompt_input_serialises_as_the_server_expects() {
        let mut input = PromptInput::text("hi");
        input.no_reply = true;
        assert_eq!(
            serde_json::to_value(&input).unwrap(),
            json!({"parts":[{"type":"text","text":"hi"}],"noReply":true})
        );
    }
}
