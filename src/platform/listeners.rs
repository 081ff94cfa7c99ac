//! Listeners on the window (scroll, resize, pagehide, storage, keys), removed with their owner.

/// Calls `changed` whenever another tab writes `key` in localStorage (the `storage` event).
/// The listener lives as long as the page.
pub fn on_storage_change(key: &'static str, changed: impl Fn() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return;
        };
        let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(
            move |event: web_sys::StorageEvent| {
                if event.key().as_deref() == Some(key) {
                    changed();
                }
            },
        );
        let _ =
            window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        listener.forget(); // app-lifetime listener
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, changed);
}

/// A listener for events on the window (`scroll`, `resize`, `pagehide`…), removed when
/// dropped.
pub struct WindowListener {
    #[cfg(target_arch = "wasm32")]
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
    #[cfg(target_arch = "wasm32")]
    events: &'static [&'static str],
}

impl WindowListener {
    pub fn new(events: &'static [&'static str], changed: impl Fn() + 'static) -> WindowListener {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(changed);
            if let Some(window) = web_sys::window() {
                for event in events {
                    let _ = window
                        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
                }
            }
            WindowListener { closure, events }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (events, changed);
            WindowListener {}
        }
    }

    /// Follows the window's scrolling and resizing.
    pub fn scroll(changed: impl Fn() + 'static) -> WindowListener {
        WindowListener::new(&["scroll", "resize"], changed)
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(window) = web_sys::window() {
            use wasm_bindgen::JsCast;
            for event in self.events {
                let _ = window.remove_event_listener_with_callback(
                    event,
                    self.closure.as_ref().unchecked_ref(),
                );
            }
        }
    }
}

/// A listener for keys pressed anywhere on the page, removed when dropped. `pressed` gets the
/// key (`"/"`, `"?"`, `"Escape"`…) and whether the user is typing (in a field, a text area,
/// a select or something editable), and returns whether it handled the key (then the
/// browser's own use of it is prevented).
pub struct KeyListener {
    #[cfg(target_arch = "wasm32")]
    closure: wasm_bindgen::closure::Closure<dyn Fn(web_sys::KeyboardEvent)>,
}

impl KeyListener {
    pub fn new(pressed: impl Fn(&str, bool) -> bool + 'static) -> KeyListener {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let closure = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
                move |event: web_sys::KeyboardEvent| {
                    if event.ctrl_key() || event.meta_key() || event.alt_key() {
                        return;
                    }
                    let typing = event
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                        .is_some_and(|e| {
                            let tag = e.tag_name().to_ascii_lowercase();
                            matches!(tag.as_str(), "input" | "textarea" | "select")
                                || e.is_content_editable()
                        });
                    if pressed(&event.key(), typing) {
                        event.prevent_default();
                    }
                },
            );
            if let Some(window) = web_sys::window() {
                let _ = window
                    .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
            }
            KeyListener { closure }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = pressed;
            KeyListener {}
        }
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(window) = web_sys::window() {
            use wasm_bindgen::JsCast;
            let _ = window.remove_event_listener_with_callback(
                "keydown",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}
