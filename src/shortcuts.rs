//! Every keyboard shortcut of the app, by where it works, in one place: the app-wide
//! keyboard help (`?`) shows [`all`].

use crate::components::{Shortcut, Shortcuts};

/// Anywhere in the app.
pub const ANYWHERE: Shortcuts = Shortcuts {
    heading: "Anywhere",
    keys: &[
        Shortcut {
            keys: "Ctrl+K / ⌘K",
            what: "Command palette: sessions, pages, actions on this session",
        },
        Shortcut {
            keys: "?",
            what: "This help (outside a text field)",
        },
        Shortcut {
            keys: "Escape",
            what: "Close a dialog, a list or the palette",
        },
    ],
};

/// In the composer.
pub const COMPOSER: Shortcuts = Shortcuts {
    heading: "Composer",
    keys: &[
        Shortcut {
            keys: "Enter",
            what: "Send",
        },
        Shortcut {
            keys: "Shift+Enter",
            what: "New line",
        },
        Shortcut {
            keys: "/",
            what: "At the start: commands (the server's and Branchpoint's)",
        },
        Shortcut {
            keys: "@",
            what: "Attach a file of the project",
        },
        Shortcut {
            keys: "!",
            what: "At the start: run the line in the session's shell",
        },
        Shortcut {
            keys: "↑ / ↓",
            what: "Choose in an open list",
        },
        Shortcut {
            keys: "Tab / Enter",
            what: "Complete with the chosen entry",
        },
    ],
};

/// On a session's page.
pub const SESSION: Shortcuts = Shortcuts {
    heading: "Session page",
    keys: &[
        Shortcut {
            keys: "Enter",
            what: "On a title being edited: save it (Escape cancels)",
        },
        Shortcut {
            keys: "Tab",
            what: "Through each message's actions: Fork here, Edit and resend, Undo",
        },
    ],
};

/// Every group, as the keyboard help shows them.
pub fn all() -> Vec<Shortcuts> {
    vec![ANYWHERE, COMPOSER, SESSION]
}
