//! One way to run an async action from the UI ([`use_action`]): the trigger is disabled while
//! it runs (no double submit, whatever the user clicks), and a failure ends in a toast with
//! the server's words. Also [`use_client`], the API client for the current settings. Inside a
//! session page both are scoped to the session's own directory (`state::place`).

use std::future::Future;

use dioxus::prelude::*;

use crate::api::Client;
use crate::persist::ConnectionSettings;
use crate::state::{
    client, use_session_place, use_settings, use_toasts, AppTransport, SessionPlace, ToastKind,
};

/// Makes API clients for the settings of the moment.
#[derive(Clone, Copy)]
pub struct UseClient(Signal<ConnectionSettings>, Option<SessionPlace>);

impl UseClient {
    /// A client for the current settings (read without subscribing: actions run on a click),
    /// in the open session's directory inside a session page.
    pub fn get(&self) -> Client<AppTransport> {
        scoped(client(&self.0.peek()), self.1)
    }
}

/// `client` in the open session's directory, if there is an open session.
fn scoped(client: Client<AppTransport>, place: Option<SessionPlace>) -> Client<AppTransport> {
    match place {
        Some(place) => place.scope(client),
        None => client,
    }
}

/// The API client for the current settings.
pub fn use_client() -> UseClient {
    UseClient(use_settings(), use_session_place())
}

/// An action made by [`use_action`].
pub struct UseAction<A: 'static> {
    running: Signal<bool>,
    run: Callback<A>,
}

impl<A: 'static> Clone for UseAction<A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A: 'static> Copy for UseAction<A> {}

impl<A: 'static> PartialEq for UseAction<A> {
    fn eq(&self, other: &Self) -> bool {
        self.running == other.running && self.run == other.run
    }
}

impl<A: 'static> UseAction<A> {
    /// Is it running? (Read reactively: a trigger shows it.)
    pub fn running(&self) -> bool {
        (self.running)()
    }

    /// Runs it with `arg`, unless it is running already (a double click runs it once).
    pub fn run(&self, arg: A) {
        self.run.call(arg)
    }
}

/// An async action: `action(client, arg)` runs when [`UseAction::run`] is called and nothing
/// else of it runs; an `Err` is shown as an error toast (an empty one shows nothing, for an
/// action that told the user itself). It stops when the component goes.
pub fn use_action<A, F, Fut>(action: F) -> UseAction<A>
where
    A: 'static,
    F: FnMut(Client<AppTransport>, A) -> Fut + 'static,
    Fut: Future<Output = Result<(), String>> + 'static,
{
    use_action_for(Lifetime::Component, action)
}

/// [`use_action`] for an action that goes on when its component goes: one that takes the
/// user to another page while it runs (an early fork), and ends there.
pub fn use_lasting_action<A, F, Fut>(action: F) -> UseAction<A>
where
    A: 'static,
    F: FnMut(Client<AppTransport>, A) -> Fut + 'static,
    Fut: Future<Output = Result<(), String>> + 'static,
{
    use_action_for(Lifetime::App, action)
}

/// How long an action's task may live.
#[derive(Clone, Copy, PartialEq)]
enum Lifetime {
    Component,
    App,
}

fn use_action_for<A, F, Fut>(lifetime: Lifetime, mut action: F) -> UseAction<A>
where
    A: 'static,
    F: FnMut(Client<AppTransport>, A) -> Fut + 'static,
    Fut: Future<Output = Result<(), String>> + 'static,
{
    let settings = use_settings();
    let place = use_session_place();
    let toasts = use_toasts();
    let mut running = use_signal(|| false);
    let run = use_callback(move |arg: A| {
        if *running.peek() {
            return;
        }
        running.set(true);
        let done = action(scoped(client(&settings.peek()), place), arg);
        let task = async move {
            let result = done.await;
            // The action may have taken the user elsewhere, and this component with it.
            if let Ok(mut running) = running.try_write() {
                *running = false;
            }
            if let Err(problem) = result {
                if !problem.is_empty() {
                    toasts.push(ToastKind::Error, problem);
                }
            }
        };
        match lifetime {
            Lifetime::Component => {
                spawn(task);
            }
            Lifetime::App => {
                dioxus::dioxus_core::spawn_forever(task);
            }
        }
    });
    UseAction { running, run }
}
