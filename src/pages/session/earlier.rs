//! [`use_earlier_pages`]: a session opens with its newest page of messages; older pages come as
//! the reader scrolls up towards the first one loaded (or asks with "Load earlier messages"),
//! so memory grows with what was looked at, not with the session. The browser's scroll
//! anchoring keeps what is on screen still while a page is put in front of it.

use std::rc::Rc;

use dioxus::prelude::*;

use super::live::LiveSession;
use super::window::LIST_ID;
use crate::components::{use_action, UseAction};
use crate::platform::WindowListener;

/// How many messages a session opens with: enough to fill a tall screen twice.
pub const FIRST_PAGE: usize = 60;
/// How many more each older page brings.
pub const OLDER_PAGE: usize = 200;
/// An older page is asked for when the first message loaded is this many screens away.
const SCREENS_AHEAD: f64 = 1.5;

/// Loads the page before the messages shown, one at a time.
pub fn use_earlier_pages(live: LiveSession) -> UseAction<()> {
    // After a failure (told once), scrolling asks no more until the button is pressed or the
    // page is fetched again.
    let mut failed = use_signal(|| false);
    let load = use_action(move |client, ()| async move {
        let Some(before) = live.older.peek().clone() else {
            return Ok(());
        };
        let id = live.session.peek().id.clone();
        let page = client.messages_page(&id, OLDER_PAGE, Some(&before)).await;
        failed.set(page.is_err());
        let page =
            page.map_err(|error| format!("Earlier messages could not be loaded: {error}"))?;
        let (mut messages, mut older) = (live.messages, live.older);
        // The cursor moved on meanwhile (a refetch): this page is not the one wanted now.
        if older.peek().as_deref() != Some(before.as_str()) {
            return Ok(());
        }
        let first = messages.peek().first().map(|m| m.info.id().to_owned());
        let mut earlier: Vec<_> = page
            .messages
            .into_iter()
            .filter(|m| first.as_deref().is_none_or(|first| m.info.id() < first))
            .collect();
        earlier.append(&mut messages.write());
        messages.set(earlier);
        older.set(page.older);
        Ok(())
    });
    // Scrolling up towards the first message loaded asks for the page before it.
    use_hook(|| {
        Rc::new(WindowListener::scroll(move || {
            if !*failed.peek() && near_the_first(live) {
                load.run(());
            }
        }))
    });
    // So does a page too short to scroll (after the first page, and after each one added).
    use_effect(move || {
        let _ = live.messages.read().len();
        if live.older.read().is_some() && !*failed.peek() && near_the_first(live) {
            load.run(());
        }
    });
    // A refetch (the server is back, Reload) may bring the way back.
    use_effect(move || {
        let _ = live.older.read();
        failed.set(false);
    });
    load
}

/// Is the first message loaded on screen, or close to it, with older ones still to load?
fn near_the_first(live: LiveSession) -> bool {
    if live.older.peek().is_none() {
        return false;
    }
    match crate::platform::scroll_view(LIST_ID) {
        Some((top, height, _)) => top < height * SCREENS_AHEAD,
        None => false,
    }
}

/// "Load earlier messages" above the first one loaded, for the keyboard and for anyone who
/// would rather ask than scroll.
#[component]
pub fn EarlierButton(live: LiveSession, load: UseAction<()>) -> Element {
    if live.older.read().is_none() {
        return rsx! {};
    }
    let loading = load.running();
    rsx! {
        button {
            r#type: "button",
            class: "load-earlier",
            disabled: loading,
            aria_busy: loading,
            onclick: move |_| load.run(()),
            if loading { "Loading earlier messages…" } else { "Load earlier messages" }
        }
    }
}
