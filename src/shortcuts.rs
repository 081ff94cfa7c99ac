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

/// The map's keys, for the keyboard help.
pub const MAP_KEYS: Shortcuts = Shortcuts {
    heading: "On the map",
    keys: &[
        Shortcut {
            keys: "↓",
            what: "Down the lane: into the session's first fork, else the next fork point",
        },
        Shortcut {
            keys: "↑",
            what: "Up the lane: the previous fork point, then the session the lane belongs to",
        },
        Shortcut {
            keys: "→ / ←",
            what: "The next / previous fork made at the same point",
        },
        Shortcut {
            keys: "Home",
            what: "The root of the tree",
        },
        Shortcut {
            keys: "End",
            what: "The newest branch of the tree",
        },
        Shortcut {
            keys: "Enter",
            what: "Open the session",
        },
    ],
};

/// The lineage page's own keys.
pub const PAGE_KEYS: Shortcuts = Shortcuts {
    heading: "Lineage page",
    keys: &[
        Shortcut {
            keys: "/",
            what: "Search every tree (Enter jumps to the first match)",
        },
        Shortcut {
            keys: "Esc",
            what: "Close a dialog, or empty the search",
        },
    ],
};

/// Every group, as the keyboard help shows them.
pub fn all() -> Vec<Shortcuts> {
    vec![ANYWHERE, COMPOSER, SESSION, PAGE_KEYS, MAP_KEYS]
}
