//! The keyboard beyond one element: keys pressed anywhere on the page (the command palette's
//! Ctrl+K, `?` for the shortcuts), where the caret is in a text field, and giving focus back to
//! where it was before a dialog took it.

/// A key pressed anywhere on the page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyPress {
    /// The key's value, as `KeyboardEvent.key` gives it ("k", "?", "Escape").
    pub key: String,
    pub ctrl: bool,
    pub meta: bool,
    pub alt: bool,
    /// Typed into a field (input, textarea, select, or editable text): plain keys are its own.
    pub in_field: bool,
}

/// Calls `handler` for every key pressed on the page; when it returns true the key's default
/// action is prevented (the browser's own Ctrl+K, say). The listener goes when the returned
/// guard is dropped.
pub struct ChordListener {
    #[cfg(target_arch = "wasm32")]
    closure: wasm_bindgen::closure::Closure<dyn Fn(web_sys::KeyboardEvent)>,
}

impl ChordListener {
    pub fn new(handler: impl Fn(&KeyPress) -> bool + 'static) -> ChordListener {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let closure = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
                move |event: web_sys::KeyboardEvent| {
                    let press = KeyPress {
                        key: event.key(),
                        ctrl: event.ctrl_key(),
                        meta: event.meta_key(),
                        alt: event.alt_key(),
                        in_field: event
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .is_some_and(|e| is_field(&e)),
                    };
                    if handler(&press) {
                        event.prevent_default();
                    }
                },
            );
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                let _ = document
                    .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
            }
            ChordListener { closure }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = handler;
            ChordListener {}
        }
    }
}

impl Drop for ChordListener {
    fn drop(&mut self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            use wasm_bindgen::JsCast;
            let _ = document.remove_event_listener_with_callback(
                "keydown",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn is_field(element: &web_sys::Element) -> bool {
    let tag = element.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || element
            .get_attribute("contenteditable")
            .is_some_and(|v| v != "false")
}

/// Where the caret is in the text field `id`, in UTF-16 units (as the browser counts).
pub fn caret(id: &str) -> Option<usize> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()?.document()?.get_element_by_id(id)?;
        let field = element.dyn_into::<web_sys::HtmlTextAreaElement>().ok()?;
        field.selection_start().ok().flatten().map(|c| c as usize)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = id;
        None
    }
}

/// Puts the caret of the text field `id` at `at` (UTF-16 units), and focus in the field.
pub fn set_caret(id: &str, at: usize) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
            let _ = field.set_selection_range(at as u32, at as u32);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (id, at);
}

/// The element that has focus now, kept to give focus back to it later.
pub struct FocusMark {
    #[cfg(target_arch = "wasm32")]
    element: Option<web_sys::HtmlElement>,
}

impl FocusMark {
    /// Notes where focus is.
    pub fn here() -> FocusMark {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let element = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            FocusMark { element }
        }
        #[cfg(not(target_arch = "wasm32"))]
        FocusMark {}
    }

    /// Gives focus back to where it was noted, if that element is still on the page.
    pub fn restore(&self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(element) = self.element.as_ref().filter(|e| e.is_connected()) {
            let _ = element.focus();
        }
    }
}

/// Scrolls element `id` into view within its scrolling box, as little as needed (the chosen
/// entry of a list moved with the arrows).
pub fn reveal(id: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}

/// Waits `ms` milliseconds in the browser (a pause in typing); natively it returns at once.
pub async fn pause(ms: u32) {
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(target_arch = "wasm32"))]
    let _ = ms;
}
