//! Where the open session lives: its own directory, which every request about it uses (a fork
//! in a git worktree lives, and runs its tools, elsewhere than the project directory in
//! Settings). The session page provides it; [`crate::components::use_action`] and
//! [`crate::components::use_client`] scope their client to it, so no request of the page can
//! forget it.

use dioxus::prelude::*;

use crate::api::{Client, Transport};

/// The open session's directory ("" until known: the settings' own then).
#[derive(Clone, Copy, PartialEq)]
pub struct SessionPlace(pub Signal<String>);

impl SessionPlace {
    /// `client` scoped to the session's directory.
    pub fn scope<T: Transport + Clone>(&self, client: Client<T>) -> Client<T> {
        let directory = self.0.peek().clone();
        client.in_directory(&directory)
    }
}

/// Provides the open session's place to the page below, starting at `directory`.
pub fn provide_session_place(directory: &str) -> SessionPlace {
    let directory = directory.to_owned();
    use_context_provider(move || SessionPlace(Signal::new(directory)))
}

/// The open session's place, inside a session page.
pub fn use_session_place() -> Option<SessionPlace> {
    try_use_context::<SessionPlace>()
}
