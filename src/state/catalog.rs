//! What the server offers to talk to (agents, models) and the commands it runs, fetched once
//! and only when wanted (a picker opened, `/` typed): the provider list can be large.

use dioxus::prelude::*;

use super::connection::client;
use crate::api::{Agent, Command, Providers};
use crate::persist::ConnectionSettings;

/// Something fetched on demand: not asked for yet, on its way, here, or failed (with why).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load<T> {
    #[default]
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Load<T> {
    /// The value, once here.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(value) => Some(value),
            _ => None,
        }
    }

    fn from_result<E: std::fmt::Display>(result: Result<T, E>) -> Load<T> {
        match result {
            Ok(value) => Load::Ready(value),
            Err(error) => Load::Failed(error.to_string()),
        }
    }
}

/// The server's agents and model providers.
#[derive(Clone, Copy)]
pub struct Catalog {
    pub agents: Signal<Load<Vec<Agent>>>,
    pub providers: Signal<Load<Providers>>,
    pub commands: Signal<Load<Vec<Command>>>,
}

impl Catalog {
    fn new() -> Catalog {
        Catalog {
            agents: Signal::new(Load::Idle),
            providers: Signal::new(Load::Idle),
            commands: Signal::new(Load::Idle),
        }
    }

    /// Fetches the server's commands unless they are here or on their way (a failure is
    /// tried again next time).
    pub fn load_commands(mut self, settings: &ConnectionSettings) {
        if matches!(*self.commands.peek(), Load::Loading | Load::Ready(_)) {
            return;
        }
        self.commands.set(Load::Loading);
        let client = client(settings);
        spawn(async move {
            self.commands
                .set(Load::from_result(client.commands().await));
        });
    }

    /// Fetches the agents and providers unless they are here or on their way.
    pub fn load(mut self, settings: &ConnectionSettings) {
        if *self.providers.peek() != Load::Idle {
            return;
        }
        self.agents.set(Load::Loading);
        self.providers.set(Load::Loading);
        let client = client(settings);
        spawn(async move {
            let (agents, providers) = futures_util::join!(client.agents(), client.providers());
            self.agents.set(Load::from_result(agents));
            self.providers.set(Load::from_result(providers));
        });
    }
}

pub(super) fn provide() -> Catalog {
    use_context_provider(Catalog::new)
}

/// The app's catalog of agents and models.
pub fn use_catalog() -> Catalog {
    use_context::<Catalog>()
}
