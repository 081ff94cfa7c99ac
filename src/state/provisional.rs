//! A fork just made on a session page, shown on its own page at once (its copied messages,
//! actions held) until the server's answer for it replaces them; and its naming on the server,
//! which the fork's page waits for before it asks for the session, so that it never loads the
//! server's "(fork #N)" title over the telling one.

use std::cell::RefCell;
use std::rc::Rc;

use dioxus::prelude::*;
use futures_util::future::{LocalBoxFuture, Shared as SharedFuture};
use futures_util::FutureExt;

use crate::api::{Message, Session};
use crate::shared::Shared;

/// A naming in flight: the session, and the future that ends when the server has answered.
type Naming = (String, SharedFuture<LocalBoxFuture<'static, ()>>);

/// The fork shown before its page has loaded, if any, and the naming in flight.
#[derive(Clone, Copy)]
pub struct ProvisionalFork(
    Signal<Option<(Session, Shared<Vec<Message>>)>>,
    Signal<Rc<RefCell<Option<Naming>>>>,
);

impl ProvisionalFork {
    /// Runs `naming` (the fork's telling title given on the server) in a task that outlives
    /// the page; until it has an answer, [`ProvisionalFork::named`] waits for it.
    pub fn name(self, session_id: String, naming: impl std::future::Future<Output = ()> + 'static) {
        let slot = self.1.peek().clone();
        let done = naming.boxed_local().shared();
        *slot.borrow_mut() = Some((session_id, done.clone()));
        dioxus::dioxus_core::spawn_forever(async move {
            done.clone().await;
            let mut slot = slot.borrow_mut();
            if slot.as_ref().is_some_and(|(_, d)| d.peek().is_some()) {
                *slot = None;
            }
        });
    }

    /// Waits until `session_id` has its telling title on the server (at once when it is not
    /// being named).
    pub async fn named(self, session_id: &str) {
        let waiting = {
            let slot = self.1.peek().clone();
            let slot = slot.borrow();
            slot.as_ref()
                .filter(|(id, _)| id == session_id)
                .map(|(_, done)| done.clone())
        };
        if let Some(done) = waiting {
            done.await;
        }
    }

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
    use_context_provider(|| ProvisionalFork(Signal::new(None), Signal::new(Rc::default())))
}

/// The app's provisional fork.
pub fn use_provisional_fork() -> ProvisionalFork {
    use_context::<ProvisionalFork>()
}
