//! The app's `/event` stream: opened for the current settings, reconnected with backoff, and
//! fanned out to whoever listens (the open session). The server sends each directory's events
//! on that directory's stream only, so a session living elsewhere (a fork in a git worktree)
//! opens a second stream for its own directory while it is open ([`use_directory_events`]).

use dioxus::prelude::*;

use crate::api::events::Event;
#[cfg(target_arch = "wasm32")]
use crate::api::ApiError;

use super::connection::use_settings;

/// Where the app's one `/event` stream stands.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamStatus {
    Connecting,
    Live,
    /// Lost; the next try is in this many seconds.
    Retrying(u32),
    /// The server refuses the password (changed, or newly set): trying again will not help
    /// until the settings change, though the stream still checks every 15 s.
    Unauthorized,
}

type Listener = std::rc::Rc<dyn Fn(&Event)>;

/// The app's one event stream, fanned out to whoever listens (the open session). `epoch`
/// grows on every reconnect after the first connection: pages that read it refetch then, so
/// nothing missed while the stream was down stays missing.
#[derive(Clone)]
pub struct EventBus {
    listeners: std::rc::Rc<std::cell::RefCell<Vec<(u64, Listener)>>>,
    next: std::rc::Rc<std::cell::Cell<u64>>,
    pub status: Signal<StreamStatus>,
    pub epoch: Signal<u64>,
    /// The directory the server works in when the settings name none (`GET /path`), learned
    /// once per server.
    home: std::rc::Rc<std::cell::RefCell<Option<(String, String)>>>,
}

impl EventBus {
    fn new() -> EventBus {
        EventBus {
            listeners: Default::default(),
            next: Default::default(),
            status: Signal::new(StreamStatus::Connecting),
            epoch: Signal::new(0),
            home: Default::default(),
        }
    }

    /// The directory `client`'s requests are about: its own, or the server's when it names
    /// none (asked once). `None` when the server cannot say.
    pub async fn home_directory<T: crate::api::Transport>(
        &self,
        client: &crate::api::Client<T>,
    ) -> Option<String> {
        if let Some(directory) = client.conn.directory.clone().filter(|d| !d.is_empty()) {
            return Some(directory);
        }
        let server = client.conn.base_url.clone();
        if let Some((known, home)) = self.home.borrow().as_ref() {
            if *known == server {
                return Some(home.clone());
            }
        }
        let home = client.path().await.ok()?.directory;
        *self.home.borrow_mut() = Some((server, home.clone()));
        Some(home)
    }

    /// Calls `listener` for every event until the returned id is passed to `unlisten`.
    pub fn listen(&self, listener: impl Fn(&Event) + 'static) -> u64 {
        let id = self.next.get() + 1;
        self.next.set(id);
        self.listeners
            .borrow_mut()
            .push((id, std::rc::Rc::new(listener)));
        id
    }

    pub fn unlisten(&self, id: u64) {
        self.listeners.borrow_mut().retain(|(i, _)| *i != id);
    }

    /// Hands an event to every listener.
    pub fn dispatch(&self, event: &Event) {
        // Clone the list first: a listener may add or remove listeners.
        let listeners: Vec<Listener> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        for listener in listeners {
            listener(event);
        }
    }
}

/// The app's event bus.
pub fn use_events() -> EventBus {
    use_context::<EventBus>()
}

/// Provides the event bus and keeps the stream open for the current settings: reconnects with
/// backoff (1 s doubling to 15 s), and restarts when the settings change.
pub(super) fn provide() -> EventBus {
    let bus = use_context_provider(EventBus::new);
    let settings = use_settings();
    let runner = bus.clone();
    use_resource(move || {
        let conn = settings.read().connection();
        let bus = runner.clone();
        async move { run_stream(conn, bus, true).await }
    });
    bus
}

/// While the calling component lives, the events of `directory` reach the bus too, when it is
/// not the directory the app's stream follows. That stream opens after the page loaded, so
/// `epoch` grows once it is live (the page fetches again what came before).
pub fn use_directory_events(directory: Signal<String>) {
    let bus = use_events();
    let settings = use_settings();
    use_resource(move || {
        let conn = settings.read().connection();
        let directory = directory();
        let bus = bus.clone();
        async move {
            if directory.is_empty() {
                return;
            }
            let client = crate::state::client(&settings.peek());
            match bus.home_directory(&client).await {
                Some(home) if home != directory => {}
                _ => return,
            }
            let conn = crate::api::Connection {
                directory: Some(directory),
                ..conn
            };
            run_stream(conn, bus, false).await
        }
    });
}

/// How long one attempt to open the event stream may wait for the server's answer.
#[cfg(target_arch = "wasm32")]
const OPEN_TIMEOUT_MS: u32 = 10_000;

/// Keeps one stream open, forever. The app's own (`main`) says how it stands in `status`; a
/// directory's stream only grows `epoch` whenever it (re)connects.
#[cfg(target_arch = "wasm32")]
async fn run_stream(conn: crate::api::Connection, bus: EventBus, main: bool) {
    let mut status = bus.status;
    let mut epoch = bus.epoch;
    let mut delay = 1u32;
    let mut connected_before = false;
    loop {
        // A refused password stays on screen while the stream checks again.
        if main && *status.peek() != StreamStatus::Unauthorized {
            status.set(StreamStatus::Connecting);
        }
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_open = {
            let opened = opened.clone();
            move || {
                opened.set(true);
                if main {
                    status.set(StreamStatus::Live);
                }
                if connected_before || !main {
                    *epoch.write() += 1;
                }
            }
        };
        let stream = crate::api::stream::run(&conn, on_open, |event| bus.dispatch(&event));
        // An attempt that gets no answer at all (a half-open connection, a server stuck while
        // starting) is dropped, which aborts its fetch, and tried again like any other failure.
        let watchdog = {
            let opened = opened.clone();
            async move {
                gloo_timers::future::TimeoutFuture::new(OPEN_TIMEOUT_MS).await;
                if opened.get() {
                    std::future::pending::<()>().await;
                }
            }
        };
        futures_util::pin_mut!(stream, watchdog);
        let reason = match futures_util::future::select(stream, watchdog).await {
            futures_util::future::Either::Left((reason, _)) => reason,
            futures_util::future::Either::Right(_) => ApiError::Network {
                url: conn.url("/event", &[]),
                detail: "no answer".into(),
            },
        };
        if opened.get() {
            connected_before = true;
            delay = 1;
        }
        if reason == ApiError::Unauthorized {
            if main {
                status.set(StreamStatus::Unauthorized);
            }
            gloo_timers::future::TimeoutFuture::new(15_000).await;
            continue;
        }
        if main {
            status.set(StreamStatus::Retrying(delay));
        }
        gloo_timers::future::TimeoutFuture::new(delay * 1000).await;
        delay = (delay * 2).min(15);
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn run_stream(_conn: crate::api::Connection, _bus: EventBus, _main: bool) {}
