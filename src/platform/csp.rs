//! Narrowing where the page may connect. index.html's policy allows any http(s) origin (the
//! server is a setting, unknown when the page is written); once the settings are read, a second
//! policy naming only this origin and the configured server's is added, and the browser keeps
//! to both. A policy cannot be widened again in a page, so the Settings page, where other
//! servers are tried, runs in a page of its own that is not narrowed.

use std::cell::Cell;

thread_local! {
    static NARROWED: Cell<bool> = const { Cell::new(false) };
}

/// The policy that lets the page connect only to itself and to `server_origin`.
pub fn connect_policy(server_origin: &str) -> String {
    format!("connect-src 'self' {server_origin}")
}

/// Adds the policy of [`connect_policy`] to the page (once). Returns whether it was added.
pub fn narrow_connect_src(server_origin: &str) -> bool {
    if NARROWED.with(Cell::get) {
        return false;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return false;
        };
        let Ok(Some(head)) = document.query_selector("head") else {
            return false;
        };
        let Ok(meta) = document.create_element("meta") else {
            return false;
        };
        let policy = connect_policy(server_origin);
        if meta
            .set_attribute("http-equiv", "Content-Security-Policy")
            .is_err()
            || meta.set_attribute("content", &policy).is_err()
            || head.append_child(&meta).is_err()
        {
            return false;
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = server_origin;
    NARROWED.with(|n| n.set(true));
    true
}

/// Has this page been narrowed to one server?
pub fn connect_narrowed() -> bool {
    NARROWED.with(Cell::get)
}

/// Loads the page again (a page of its own, not narrowed, for the Settings page).
pub fn reload() {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// The page's path under `base` (`/` or `/branchpoint/`), without slashes at either end:
/// `settings` for the Settings page.
pub fn route_path(base: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    #[cfg(not(target_arch = "wasm32"))]
    let path = String::new();
    path.strip_prefix(base)
        .unwrap_or(&path)
        .trim_matches('/')
        .to_owned()
}
