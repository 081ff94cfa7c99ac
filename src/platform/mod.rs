//! The few facts and calls the UI needs from the browser, with native stand-ins so the same
//! code builds (and the pure parts test) without one: the clock, the page, the DOM, the
//! viewport, window listeners, the service worker, and whether the page is framed.

mod csp;
mod dom;
mod framing;
mod keys;
mod listeners;
mod service_worker;
mod viewport;

pub use csp::{connect_narrowed, connect_policy, narrow_connect_src, reload, route_path};
pub use dom::{
    apply_theme, child_heights, copy_text, download, element_scroll, focus, focus_in_place,
    next_frame, scroll_element, scroll_to, scroll_to_end, scroll_view, window_width,
};
pub use framing::{is_framed, refuse_framing, FRAMED_NOTICE};
pub use keys::{caret, pause, reveal, set_caret, ChordListener, FocusMark, KeyPress};
pub use listeners::{on_storage_change, KeyListener, WindowListener};
pub use service_worker::{base_path, register_service_worker};
pub use viewport::{use_viewport, Viewport};

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or_default()
    }
}

/// A new id of the server's ascending form (`msg`, `prt`), sorting after `after` when given:
/// made here so that a message shows under its id before the server announces it.
pub fn fresh_id(prefix: &str, after: Option<&str>) -> String {
    use std::cell::Cell;
    thread_local! {
        static LAST: Cell<(u64, u16)> = const { Cell::new((0, 0)) };
    }
    let now = now_ms();
    let counter = LAST.with(|last| {
        let (ms, n) = last.get();
        let next = if ms == now as u64 {
            n.wrapping_add(1)
        } else {
            0
        };
        last.set((now as u64, next));
        next
    });
    let mut random = [0u8; 14];
    for (i, byte) in random.iter_mut().enumerate() {
        #[cfg(target_arch = "wasm32")]
        {
            let _ = i;
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            *byte = (now as u64)
                .wrapping_mul(31)
                .wrapping_add(i as u64 * 7 + u64::from(counter)) as u8;
        }
    }
    crate::api::ids::ascending(prefix, now, counter, &random, after)
}

/// The page's origin, such as `http://127.0.0.1:8080` (empty natively).
pub fn page_origin() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// Sets the page's title. (Dioxus' `document::Title` goes through `eval`, which the app's
/// Content-Security-Policy forbids.)
pub fn set_title(title: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = title;
}

/// Keeps the page's title at `title` while the calling component shows.
pub fn use_title(title: String) {
    use dioxus::prelude::*;
    use_effect(use_reactive!(|title| set_title(&title)));
}
