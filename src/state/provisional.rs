//! A fork just made on a session page, shown on its own page at once (its copied messages,
//! actions held) until the server's answer for it replaces them.

use dioxus::prelude::*;

use crate::api::{Message, Session};
use crate::shared::Shared;

/// The fork shown before its page has loaded, if any.
#[derive(Clone, Copy)]
pub struct ProvisionalFork(Signal<Option<(Session, Shared<Vec<Message>>)>>);

impl ProvisionalFork {
    /// Shows `session` with the messages it copied until its page has loaded.
    pub fn show(self, session: Session, copied: Shared<Vec<Message>>) {
        let mut signal = self.0;
        signal.set(Some((session, copied)));
    }

    /// The fork shown for `session_id`, if that is the one just made (read reactively).
    pub fn get(self, session_id: &str) -> Option<(Session, Shared<Vec<Message>>)> {
        self.0
            .read()
            .as_ref()
            .filter(|(s, _)| s.id == session_id)
            .cloned()
    }

    /// `session_id`'s page has loaded (or failed): its stand-in goes.
    pub fn settle(self, session_id: &str) {
        let mine = matches!(&*self.0.peek(), Some((s, _)) if s.id == session_id);
        if mine {
            let mut signal = self.0;
            signal.set(None);
        }
    }
}

pub(super) fn provide() -> ProvisionalFork {
    use_context_provider(|| ProvisionalFork(Signal::new(None)))
}

/// The app's provisional fork.
pub fn use_provisional_fork() -> ProvisionalFork {
    use_context::<ProvisionalFork>()
}
