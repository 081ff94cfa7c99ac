//! What the command palette and the composer's `/` commands ask of the open session page (it
//! alone can fork, rename or delete it), and the app-wide overlays: the palette and the
//! keyboard shortcuts.

use dioxus::prelude::*;

/// Something to do to the open session.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionCommand {
    /// Fork through the last turn.
    Fork,
    /// Pick one of the user's messages to edit and send again.
    ForkBefore,
    /// Fork into a git worktree of its own.
    Worktree,
    /// Undo the last turn.
    Undo,
    /// Take the undo back.
    Redo,
    /// Summarize the conversation with the session's model.
    Compact,
    /// Rename: to this title, or open the title for editing.
    Rename(Option<String>),
    /// Delete, after asking.
    Delete,
}

/// The command waiting for the session page, with the session it is for.
#[derive(Clone, Copy)]
pub struct SessionCommands(Signal<Option<(String, SessionCommand)>>);

impl SessionCommands {
    /// Asks the page of `session_id` to do `command`.
    pub fn ask(self, session_id: &str, command: SessionCommand) {
        let mut signal = self.0;
        signal.set(Some((session_id.to_owned(), command)));
    }

    /// The command waiting for `session_id`, taken (read reactively: the page follows it).
    pub fn take_for(self, session_id: &str) -> Option<SessionCommand> {
        let mine = matches!(&*self.0.read(), Some((s, _)) if s == session_id);
        if !mine {
            return None;
        }
        let mut signal = self.0;
        let taken = signal.write().take();
        taken.map(|(_, command)| command)
    }
}

/// The overlays any page can open.
#[derive(Clone, Copy, PartialEq)]
pub struct Overlays {
    /// The command palette (Ctrl+K / ⌘K).
    pub palette: Signal<bool>,
    /// The keyboard shortcuts (`?`).
    pub help: Signal<bool>,
}

pub(super) fn provide() -> (SessionCommands, Overlays) {
    let commands = use_context_provider(|| SessionCommands(Signal::new(None)));
    let overlays = use_context_provider(|| Overlays {
        palette: Signal::new(false),
        help: Signal::new(false),
    });
    (commands, overlays)
}

/// The commands for the session page.
pub fn use_session_commands() -> SessionCommands {
    use_context::<SessionCommands>()
}

/// The app's overlays.
pub fn use_overlays() -> Overlays {
    use_context::<Overlays>()
}
