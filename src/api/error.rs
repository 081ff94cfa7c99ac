//! `ApiError`: every way a call to the OpenCode server can fail, each told as a sentence a
//! person can act on.

use std::fmt;

/// A failed call to the OpenCode server.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 404: the thing asked for does not exist on this server.
    NotFound { message: String },
    /// 400: the server refused the request as malformed.
    BadRequest { message: String },
    /// 401/403: the password is missing or wrong.
    Unauthorized,
    /// 5xx (or any other unexpected status): the server failed; `reference` is its error `ref`.
    Server {
        status: u16,
        message: String,
        reference: Option<String>,
    },
    /// The request never got an answer: server down, wrong URL, or blocked by CORS (the browser
    /// does not tell these apart).
    Network { url: String, detail: String },
    /// The server answered, but not with what this client understands.
    Decode { detail: String },
    /// A request this client refused to send (for example a malformed id).
    Invalid { message: String },
}

impl ApiError {
    /// Builds the error for a non-2xx HTTP answer, reading the server's JSON error body
    /// (`{"name": …, "data": {"message": …, "ref": …}}`) when there is one.
    pub fn from_status(status: u16, body: &str) -> ApiError {
        let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
        let field = |key: &str| -> Option<String> {
            let value = parsed.as_ref()?;
            value
                .pointer(&format!("/data/{key}"))
                .or_else(|| value.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let message = field("message").unwrap_or_else(|| {
            let text = body.trim();
            if text.is_empty() || text.starts_with('<') {
                format!("HTTP {status}")
            } else {
                text.chars().take(300).collect()
            }
        });
        match status {
            400 => ApiError::BadRequest { message },
            401 | 403 => ApiError::Unauthorized,
            404 => ApiError::NotFound { message },
            _ => ApiError::Server {
                status,
                message,
                reference: field("ref"),
            },
        }
    }

    /// True for failures where the server could not be reached at all.
    pub fn is_network(&self) -> bool {
        matches!(self, ApiError::Network { .. })
    }

    /// A short title for an error panel.
    pub fn title(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } => "Not found",
            ApiError::BadRequest { .. } => "Request refused",
            ApiError::Unauthorized => "Wrong or missing password",
            ApiError::Server { .. } => "The server failed",
            ApiError::Network { .. } => "Server unreachable",
            ApiError::Decode { .. } => "Unexpected answer",
            ApiError::Invalid { .. } => "Invalid request",
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { message } => write!(f, "Not found: {message}"),
            ApiError::BadRequest { message } => {
                write!(f, "The server refused the request: {message}")
            }
            ApiError::Unauthorized => write!(
                f,
                "The server asks for a password, and the one set (if any) was not accepted. \
                 Enter the server's OPENCODE_SERVER_PASSWORD in Settings."
            ),
            ApiError::Server {
                status,
                message,
                reference,
            } => {
                write!(f, "The server failed (HTTP {status}): {message}")?;
                if let Some(reference) = reference {
                    write!(f, " (reference {reference})")?;
                }
                Ok(())
            }
            ApiError::Network { url, detail } => write!(
                f,
                "Could not reach the OpenCode server at {url}. Check that `opencode serve` is \
                 running there and that it allows this page's origin (CORS). ({detail})"
            ),
            ApiError::Decode { detail } => write!(
                f,
                "The server answered with something this app does not understand: {detail}. \
                 Is the Server URL pointing at an OpenCode server?"
            ),
            ApiError::Invalid { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_reads_the_server_message() {
        let body = r#"{"name":"NotFoundError","data":{"message":"Session not found: ses_x"}}"#;
        assert_eq!(
            ApiError::from_status(404, body),
            ApiError::NotFound {
                message: "Session not found: ses_x".into()
            }
        );
    }

    #[test]
    fn server_error_keeps_the_reference() {
        let body = r#"{"name":"UnknownError","data":{"message":"boom","ref":"err_123"}}"#;
        let error = ApiError::from_status(500, body);
        assert_eq!(
            error,
            ApiError::Server {
                status: 500,
                message: "boom".into(),
                reference: Some("err_123".into())
            }
        );
        assert!(error.to_string().contains("reference err_123"));
    }

    #[test]
    fn non_json_bodies_still_make_a_message() {
        assert_eq!(
            ApiError::from_status(502, "<html>bad gateway</html>"),
            ApiError::Server {
                status: 502,
                message: "HTTP 502".into(),
                reference: None
            }
        );
        assert_eq!(
            ApiError::from_status(500, "plain failure"),
            ApiError::Server {
                status: 500,
                message: "plain failure".into(),
                reference: None
            }
        );
        assert_eq!(ApiError::from_status(401, ""), ApiError::Unauthorized);
    }
}
