//! Refusing to run inside a frame: a page on another origin could frame the app and lay its
//! own content over it, so that a click meant for that page lands on "Always" or "Delete
//! session" (clickjacking). A `<meta>` CSP cannot say `frame-ancestors`, and not every host
//! sends the header, so the app checks for itself before it starts.

/// Is the page shown inside a frame (or is that unknowable)?
pub fn is_framed() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else {
            return false;
        };
        match window.top() {
            Ok(Some(top)) => !js_sys::Object::is(&top, &window),
            // No answer about the top window: treat it as framed, the safe side.
            _ => true,
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// What the page says instead of the app when it is framed.
pub const FRAMED_NOTICE: &str = "Branchpoint does not run inside another page: a page that \
    frames it could trick your clicks onto its buttons. Open it in a tab of its own.";

/// Replaces the page with [`FRAMED_NOTICE`] and a link that opens the app in a tab of its own.
/// Nothing of the app runs, so nothing in the frame can be clicked but that link.
pub fn refuse_framing() {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let Some(body) = document.body() else {
            return;
        };
        body.set_text_content(None);
        let Ok(note) = document.create_element("p") else {
            return;
        };
        note.set_attribute("role", "alert").ok();
        note.set_attribute("class", "framed-notice").ok();
        note.set_text_content(Some(FRAMED_NOTICE));
        body.append_child(&note).ok();
        if let (Ok(link), Ok(href)) = (document.create_element("a"), window.location().href()) {
            link.set_attribute("href", &href).ok();
            link.set_attribute("target", "_blank").ok();
            link.set_attribute("rel", "noopener noreferrer").ok();
            link.set_text_content(Some("Open Branchpoint in its own tab"));
            body.append_child(&link).ok();
        }
    }
}
