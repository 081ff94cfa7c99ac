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
            if text.is_empty() {
                format!("HTTP {status}")
            } else if looks_like_html(text) {
                format!(
                    "it sent {} instead of an error message; a proxy or another server may be \
                     in front of OpenCode",
                    html_page(text)
                )
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

/// True for a body that is a web page rather than JSON or plain text.
pub fn looks_like_html(body: &str) -> bool {
    body.trim_start().starts_with('<')
}

/// Names a web page that came in place of an API answer, by its `<title>` when it has one
/// ("an HTML page (“502 Bad Gateway”)"); never the markup itself.
pub fn html_page(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    let title = lower
        .find("<title")
        .and_then(|start| Some(start + lower[start..].find('>')? + 1))
        .and_then(|from| Some((from, from + lower[from..].find("</title")?)))
        .and_then(|(from, to)| body.get(from..to))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty() && !t.contains('<'))
        .map(|t| t.chars().take(120).collect::<String>());
    match title {
        Some(title) => format!("an HTML page (“{title}”)"),
        None => "an HTML page".to_owned(),
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
                message: "it sent an HTML page instead of an error message; a proxy or another \
                          server may be in front of OpenCode"
                    .into(),
                reference: None
            }
        );
        assert_eq!(
            ApiError::from_status(500, ""),
            ApiError::Server {
                status: 500,
                message: "HTTP 500".into(),
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

    #[test]
    fn an_html_error_page_is_named_by_its_title_not_dumped() {
        let page = "<!DOCTYPE html>\n<HTML><head><Title>\n  502 Bad\n Gateway </title></head>\
                    <body><h1>502 Bad Gateway</h1><script>alert(1)</script></body></html>";
        let error = ApiError::from_status(500, page);
        let text = error.to_string();
        assert!(
            text.starts_with(
                "The server failed (HTTP 500): it sent an HTML page (“502 Bad Gateway”) instead"
            ),
            "{text}"
        );
        assert!(!text.contains('<'), "{text}");
        // A title that never closes, or an empty one, still makes a sentence.
        for broken in ["<html><title>half", "<html><title> </title>", "<p>"] {
            let text = ApiError::from_status(503, broken).to_string();
            assert!(text.contains("it sent an HTML page instead"), "{text}");
            assert!(!text.contains('<'), "{text}");
        }
    }
}
