//! The browser transport: `fetch` through gloo-net, aborted when the caller drops the future.
//! A redirect is an error, never followed: the API never redirects, and an older browser
//! following one to another origin would carry the `Authorization` header there.

use gloo_net::http::{Method as HttpMethod, RequestBuilder};

use super::client::{Method, Request, Response, Transport};
use super::error::ApiError;

/// Sends requests with the browser's `fetch`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FetchTransport;

/// Aborts a fetch when dropped, so a page that goes away does not leave requests running.
/// Shared with the event stream (`stream.rs`).
pub(super) struct AbortOnDrop(pub(super) Option<web_sys::AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response, ApiError> {
        let method = match request.method {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Patch => HttpMethod::PATCH,
            Method::Delete => HttpMethod::DELETE,
        };
        let controller = web_sys::AbortController::new().ok();
        let mut guard = AbortOnDrop(controller.clone());
        let signal = controller.as_ref().map(|c| c.signal());
        let mut builder = RequestBuilder::new(&request.url)
            .method(method)
            .redirect(web_sys::RequestRedirect::Error)
            .abort_signal(signal.as_ref());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let network = |detail: String| ApiError::Network {
            url: request.url.clone(),
            detail,
        };
        let built = match request.body {
            Some(body) => builder.body(body),
            None => builder.build(),
        }
        .map_err(|e| network(e.to_string()))?;
        let response = built.send().await.map_err(|e| network(e.to_string()))?;
        let status = response.status();
        // The one header the API reads (the browser shows a script only what the server
        // exposes, and OpenCode exposes this one).
        let headers = response
            .headers()
            .get(super::client::NEXT_CURSOR)
            .map(|value| vec![(super::client::NEXT_CURSOR.to_owned(), value)])
            .unwrap_or_default();
        let body = response.text().await.map_err(|e| network(e.to_string()))?;
        guard.0 = None; // finished: nothing to abort
        Ok(Response {
            status,
            body,
            headers,
        })
    }
}
