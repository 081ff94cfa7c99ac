//! Sessions on screen before their page has loaded, each as a stand-in: the fork being made
//! (shown the moment it is asked for, at `/session/forking-<token>`, from the messages it will
//! copy, while `POST /fork` runs), the fork just made (what it copied, until the server's
//! answer for it replaces it), and the source of a fork that failed (as it was). The same page
//! follows a fork from being made to made to loaded, so what the user types stays put. And the
//! fork's naming on the server, which the fork's page waits for before it asks for the session,
//! so that it never loads the server's "(fork #N)" title over the telling one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use dioxus::prelude::*;
use futures_util::future::{LocalBoxFuture, Shared as SharedFuture};
use futures_util::FutureExt;

use crate::api::{Message, Session};
use crate::lineage::Edge;
use crate::persist::drafts;
use crate::shared::Shared;

/// A fork asked for and not answered yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Making {
    /// Tells this fork from one asked for later; its page is `/session/<drafts::making(token)>`.
    pub token: u64,
    pub source: Session,
    /// The title it will get.
    pub title: String,
    /// The edge it will get, but for the child's id (not known yet).
    pub edge: Edge,
    /// The messages it copies, as the source's page had them.
    pub copied: Shared<Vec<Message>>,
    /// The page had not loaded the source's older messages: the fork copies those too.
    pub partial: bool,
    /// Answered while its page showed it: kept until that page moves on (so it does not
    /// flash "no such session" while it is being left).
    pub ended: bool,
}

impl Making {
    /// The id its page is shown under while it is being made.
    pub fn page_id(&self) -> String {
        drafts::making(self.token)
    }
}

/// What stands in for a session until its page has loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StandIn {
    pub session: Session,
    pub messages: Shared<Vec<Message>>,
    /// The session has older messages than these (its page had not loaded them).
    pub partial: bool,
    /// Set while it is a fork still being made.
    pub making: Option<Making>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Shown {
    making: Option<Making>,
    made: Option<StandIn>,
    /// The session page on screen.
    viewing: String,
    /// Sessions shown first under another id (a fork made from the page that showed it being
    /// made): the page keeps its identity, so nothing typed is lost.
    aliases: HashMap<String, String>,
    /// What became of forks whose page was reloaded while they were made, by that page's token.
    left: HashMap<u64, LeftFork>,
}

/// What became of a fork whose page (`/session/forking-<token>`) was reloaded or left before
/// the server's answer came, once the server was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum LeftFork {
    /// It had been made: this session.
    Made(String),
    /// The server never got it: nothing was made from this source session.
    NotMade(String),
    /// More than one session could be it.
    Unsure,
}

/// A naming in flight: the session, and the future that ends when the server has answered.
type Naming = (String, SharedFuture<LocalBoxFuture<'static, ()>>);

/// The stand-ins, and the naming in flight.
#[derive(Clone, Copy)]
pub struct ProvisionalFork(Signal<Shown>, Signal<Rc<RefCell<Option<Naming>>>>);

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

    /// A fork is being made: its page (`making.page_id()`) shows it.
    pub fn begin(self, making: Making) {
        let mut signal = self.0;
        signal.write().making = Some(making);
    }

    /// The session page shows `session_id` now (`""`: none).
    pub fn view(self, session_id: &str) {
        let mut signal = self.0;
        let mut shown = signal.write();
        shown.viewing = session_id.to_owned();
        let page = shown.making.as_ref().map(Making::page_id);
        if page.as_deref() != Some(session_id) {
            shown.making.take_if(|m| m.ended);
        }
    }

    /// The fork `token` ended; returns whether its page was on screen. With `made`, it exists:
    /// its page shows what it copied until it has loaded, as the same page.
    pub fn end(self, token: u64, made: Option<Session>) -> bool {
        let mut signal = self.0;
        let mut shown = signal.write();
        let Some(making) = shown.making.as_mut().filter(|m| m.token == token) else {
            return false;
        };
        making.ended = true;
        let (page, copied, partial) = (making.page_id(), making.copied.clone(), making.partial);
        let viewed = shown.viewing == page;
        if !viewed {
            shown.making = None;
        }
        if let Some(session) = made {
            shown.aliases.insert(session.id.clone(), page);
            shown.made = Some(StandIn {
                session,
                messages: copied,
                partial,
                making: None,
            });
        }
        viewed
    }

    /// Shows `session` with `messages` (`partial`: the newest of its messages only) until its
    /// page has loaded.
    pub fn show(self, session: Session, messages: Shared<Vec<Message>>, partial: bool) {
        let mut signal = self.0;
        signal.write().made = Some(StandIn {
            session,
            messages,
            partial,
            making: None,
        });
    }

    /// What stands in for `session_id`, if anything (read reactively).
    pub fn get(self, session_id: &str) -> Option<StandIn> {
        let shown = self.0.read();
        if let Some(making) = shown.making.as_ref().filter(|m| m.page_id() == session_id) {
            let session = Session {
                id: session_id.to_owned(),
                title: making.title.clone(),
                directory: making.source.directory.clone(),
                ..Session::default()
            };
            return Some(StandIn {
                session,
                messages: making.copied.clone(),
                partial: making.partial,
                making: Some(making.clone()),
            });
        }
        shown
            .made
            .as_ref()
            .filter(|made| made.session.id == session_id)
            .cloned()
    }

    /// The identity of `session_id`'s page: its own id, or the one it was first shown under.
    pub fn page_key(self, session_id: &str) -> String {
        let shown = self.0.peek();
        shown
            .aliases
            .get(session_id)
            .cloned()
            .unwrap_or_else(|| session_id.to_owned())
    }

    /// The fork shown being made on the page `token` was looked for after that page was left.
    pub fn settle_left(self, token: u64, outcome: LeftFork) {
        let mut signal = self.0;
        signal.write().left.insert(token, outcome);
    }

    /// What became of the fork shown being made on the page `token` (read reactively).
    pub fn left(self, token: u64) -> Option<LeftFork> {
        self.0.read().left.get(&token).cloned()
    }

    /// `session_id`'s page has loaded (or failed): its stand-in goes.
    pub fn settle(self, session_id: &str) {
        let mine = matches!(&self.0.peek().made, Some(made) if made.session.id == session_id);
        if mine {
            let mut signal = self.0;
            signal.write().made = None;
        }
    }
}

pub(super) fn provide() -> ProvisionalFork {
    use_context_provider(|| {
        ProvisionalFork(Signal::new(Shown::default()), Signal::new(Rc::default()))
    })
}

/// The app's stand-ins.
pub fn use_provisional_fork() -> ProvisionalFork {
    use_context::<ProvisionalFork>()
}
