//! The `/event` stream in the browser: a streaming `fetch` (unlike EventSource it can send the
//! `Authorization` header), read chunk by chunk through the SSE parser. Aborted when dropped.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, RequestInit, TextDecodeOptions, TextDecoder};

use super::client::Connection;
use super::error::ApiError;
use super::events::{Event, SseParser};
use super::transport::AbortOnDrop;

fn network(url: &str, error: JsValue) -> ApiError {
    let detail = error
        .as_string()
        .or_else(|| Reflect::get(&error, &"message".into()).ok()?.as_string());
    ApiError::Network {
        url: url.to_owned(),
        detail: detail.unwrap_or_else(|| "stream failed".into()),
    }
}

/// Aborts the stream when the page is hidden for good or put in the back-forward cache:
/// Chromium keeps a cached page's streaming fetch open, so each page left that way would hold
/// one of the six connections a browser allows a server, until the app's requests queue
/// behind them. The stream, stopped, is opened again when the page is shown (its retry timer
/// runs again then, and the reconnect makes the pages refetch).
struct AbortOnPageHide {
    window: web_sys::Window,
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl AbortOnPageHide {
    fn new(window: &web_sys::Window, controller: web_sys::AbortController) -> AbortOnPageHide {
        let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || controller.abort());
        let _ =
            window.add_event_listener_with_callback("pagehide", closure.as_ref().unchecked_ref());
        AbortOnPageHide {
            window: window.clone(),
            closure,
        }
    }
}

impl Drop for AbortOnPageHide {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("pagehide", self.closure.as_ref().unchecked_ref());
    }
}

/// Reads `/event` until it ends or fails, calling `on_open` once connected and `on_event`
/// for every event. Returns why it stopped.
pub async fn run(
    conn: &Connection,
    mut on_open: impl FnMut(),
    mut on_event: impl FnMut(Event),
) -> ApiError {
    let url = conn.url("/event", &[]);
    let fail = |e: JsValue| network(&url, e);
    let Some(window) = web_sys::window() else {
        return ApiError::Network {
            url,
            detail: "no window".into(),
        };
    };
    let Ok(controller) = web_sys::AbortController::new() else {
        return ApiError::Network {
            url,
            detail: "no AbortController".into(),
        };
    };
    let _guard = AbortOnDrop(Some(controller.clone()));
    let _on_hide = AbortOnPageHide::new(&window, controller.clone());
    let init = RequestInit::new();
    init.set_method("GET");
    // Never followed: see `transport.rs`.
    init.set_redirect(web_sys::RequestRedirect::Error);
    init.set_signal(Some(&controller.signal()));
    let request = match web_sys::Request::new_with_str_and_init(&url, &init) {
        Ok(request) => request,
        Err(e) => return fail(e),
    };
    let _ = request.headers().set("accept", "text/event-stream");
    if let Some(auth) = conn.authorization() {
        let _ = request.headers().set("authorization", &auth);
    }
    let response: web_sys::Response =
        match JsFuture::from(window.fetch_with_request(&request)).await {
            Ok(value) => match value.dyn_into() {
                Ok(response) => response,
                Err(e) => return fail(e),
            },
            Err(e) => return fail(e),
        };
    if !response.ok() {
        return ApiError::from_status(response.status(), "");
    }
    let Some(body) = response.body() else {
        return ApiError::Decode {
            detail: "the event stream has no body".into(),
        };
    };
    let reader: ReadableStreamDefaultReader = match body.get_reader().dyn_into() {
        Ok(reader) => reader,
        Err(e) => return fail(e.into()),
    };
    let Ok(decoder) = TextDecoder::new() else {
        return ApiError::Decode {
            detail: "no TextDecoder".into(),
        };
    };
    let options = TextDecodeOptions::new();
    options.set_stream(true);
    on_open();
    let mut parser = SseParser::default();
    loop {
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(chunk) => chunk,
            Err(e) => return fail(e),
        };
        if Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            return ApiError::Network {
                url,
                detail: "the server closed the event stream".into(),
            };
        }
        let Ok(bytes) =
            Reflect::get(&chunk, &"value".into()).and_then(|v| v.dyn_into::<Uint8Array>())
        else {
            continue;
        };
        let text = decoder
            .decode_with_js_u8_array_and_options(&bytes, &options)
            .unwrap_or_default();
        let events = match parser.push(&text) {
            Ok(events) => events,
            Err(too_large) => {
                return ApiError::Decode {
                    detail: too_large.to_string(),
                }
            }
        };
        for data in events {
            on_event(Event::parse(&data));
        }
    }
}
