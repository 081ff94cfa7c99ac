//! App-wide state: the connection settings (a signal in context) and the API client built
//! from them.

use dioxus::prelude::*;

use crate::api::{ApiError, Client, Request, Response, Transport};
use crate::settings::Settings;

/// The transport the app sends with: `fetch` in the browser.
#[cfg(target_arch = "wasm32")]
pub type AppTransport = crate::api::transport::FetchTransport;

/// The transport the app sends with: natively (server-side rendering in tests) there is no
/// network, and every call fails as unreachable.
#[cfg(not(target_arch = "wasm32"))]
pub type AppTransport = Offline;

/// A transport that reaches nothing (native builds of the UI).
#[derive(Debug, Clone, Copy, Default)]
pub struct Offline;

impl Transport for Offline {
    async fn send(&self, request: Request) -> Result<Response, ApiError> {
        Err(ApiError::Network {
            url: request.url,
            detail: "no network in this build".into(),
        })
    }
}

/// The connection settings, shared by every page.
pub fn use_settings() -> Signal<Settings> {
    use_context::<Signal<Settings>>()
}

/// An API client for the current settings.
pub fn client(settings: &Settings) -> Client<AppTransport> {
    Client::new(settings.connection(), AppTransport::default())
}

/// How a toast looks and how loudly it is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

/// A message in the corner: what just happened, or what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// The toasts on screen.
#[derive(Clone, Copy)]
pub struct Toasts(pub Signal<Vec<Toast>>);

impl Toasts {
    /// Shows a toast.
    pub fn push(mut self, kind: ToastKind, text: impl Into<String>) {
        let id = self.0.peek().iter().map(|t| t.id).max().unwrap_or(0) + 1;
        self.0.write().push(Toast {
            id,
            kind,
            text: text.into(),
        });
        // News fades after a while; errors stay until dismissed.
        #[cfg(target_arch = "wasm32")]
        if kind == ToastKind::Info {
            spawn(async move {
                gloo_timers::future::TimeoutFuture::new(8_000).await;
                self.dismiss(id);
            });
        }
    }

    /// Removes a toast.
    pub fn dismiss(mut self, id: u64) {
        self.0.write().retain(|t| t.id != id);
    }
}

/// The toasts of the app.
pub fn use_toasts() -> Toasts {
    use_context::<Toasts>()
}

/// The fork lineage as last read from or written to storage.
#[derive(Clone, Copy)]
pub struct LineageState(pub Signal<crate::lineage::Lineage>);

impl LineageState {
    /// Changes the stored lineage (merged with what another tab wrote) and shows the result.
    pub fn update(self, change: impl Fn(&mut crate::lineage::Lineage)) -> Result<(), String> {
        let stored = crate::lineage::store::update(change)?;
        let mut signal = self.0;
        signal.set(stored);
        Ok(())
    }

    /// Records when the lineage's sessions among `sessions` were last updated, so the trees
    /// keep their order by activity offline. Writes only when something is newer.
    pub fn note_activity(self, sessions: &[crate::api::Session]) {
        let newer: Vec<(String, f64)> = {
            let lineage = self.0.peek();
            let known = lineage.places();
            sessions
                .iter()
                .filter(|s| known.contains_key(s.id.as_str()))
                .filter(|s| {
                    lineage
                        .active
                        .get(&s.id)
                        .is_none_or(|&at| at < s.time.updated)
                })
                .map(|s| (s.id.clone(), s.time.updated))
                .collect()
        };
        if !newer.is_empty() {
            let _ = self.update(|l| {
                for (session, at) in &newer {
                    l.set_active(session, *at);
                }
            });
        }
    }

    /// Records that `session` was deleted on its server, if the lineage knows it, and forgets
    /// the reply text kept for it.
    pub fn mark_deleted(self, session: &str) {
        crate::storage::remove(
            crate::storage::Area::Local,
            &crate::live::open_texts_key(session),
        );
        let known = self.0.peek().mentions(session);
        if known {
            let _ = self.update(|l| {
                l.mark_deleted([session]);
            });
        }
    }
}

/// A value handed down to components without copying it: clones share it, and two are equal
/// only when they are the very same value, so a prop check costs nothing whatever its size (a
/// 10,000-message session was copied into every prop and compared field by field).
#[derive(Debug, Default)]
pub struct Shared<T>(std::rc::Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared(std::rc::Rc::new(value))
    }
}

/// The app's lineage.
pub fn use_lineage() -> LineageState {
    use_context::<LineageState>()
}

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

type Listener = std::rc::Rc<dyn Fn(&crate::api::events::Event)>;

/// The app's one event stream, fanned out to whoever listens (the open session). `epoch`
/// grows on every reconnect after the first connection: pages that read it refetch then, so
/// nothing missed while the stream was down stays missing.
#[derive(Clone)]
pub struct EventBus {
    listeners: std::rc::Rc<std::cell::RefCell<Vec<(u64, Listener)>>>,
    next: std::rc::Rc<std::cell::Cell<u64>>,
    pub status: Signal<StreamStatus>,
    pub epoch: Signal<u64>,
}

impl EventBus {
    fn new() -> EventBus {
        EventBus {
            listeners: Default::default(),
            next: Default::default(),
            status: Signal::new(StreamStatus::Connecting),
            epoch: Signal::new(0),
        }
    }

    /// Calls `listener` for every event until the returned id is passed to `unlisten`.
    pub fn listen(&self, listener: impl Fn(&crate::api::events::Event) + 'static) -> u64 {
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
    pub fn dispatch(&self, event: &crate::api::events::Event) {
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
pub fn use_event_stream_provider() -> EventBus {
    let bus = use_context_provider(EventBus::new);
    let settings = use_settings();
    let runner = bus.clone();
    use_resource(move || {
        let conn = settings.read().connection();
        let bus = runner.clone();
        async move { run_stream(conn, bus).await }
    });
    bus
}

/// How long one attempt to open the event stream may wait for the server's answer.
#[cfg(target_arch = "wasm32")]
const OPEN_TIMEOUT_MS: u32 = 10_000;

#[cfg(target_arch = "wasm32")]
async fn run_stream(conn: crate::api::Connection, bus: EventBus) {
    let mut status = bus.status;
    let mut epoch = bus.epoch;
    let mut delay = 1u32;
    let mut connected_before = false;
    loop {
        // A refused password stays on screen while the stream checks again.
        if *status.peek() != StreamStatus::Unauthorized {
            status.set(StreamStatus::Connecting);
        }
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_open = {
            let opened = opened.clone();
            move || {
                opened.set(true);
                status.set(StreamStatus::Live);
                if connected_before {
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
            status.set(StreamStatus::Unauthorized);
            gloo_timers::future::TimeoutFuture::new(15_000).await;
            continue;
        }
        status.set(StreamStatus::Retrying(delay));
        gloo_timers::future::TimeoutFuture::new(delay * 1000).await;
        delay = (delay * 2).min(15);
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn run_stream(_conn: crate::api::Connection, _bus: EventBus) {}

/// What the server offers to talk to, fetched once and only when a picker is opened (the
/// provider list can be large).
#[derive(Clone, Copy)]
pub struct Catalog {
    pub agents: Signal<Option<Result<Vec<crate::api::Agent>, String>>>,
    pub providers: Signal<Option<Result<crate::api::Providers, String>>>,
}

impl Catalog {
    /// Fetches the agents and providers unless they are here or on their way.
    pub fn load(mut self, settings: &Settings) {
        if self.providers.peek().is_some() {
            return;
        }
        self.agents.set(Some(Ok(Vec::new())));
        self.providers
            .set(Some(Ok(crate::api::Providers::default())));
        let client = client(settings);
        spawn(async move {
            let (agents, providers) = futures_util::join!(client.agents(), client.providers());
            self.agents.set(Some(agents.map_err(|e| e.to_string())));
            self.providers
                .set(Some(providers.map_err(|e| e.to_string())));
        });
    }
}

/// The app's catalog of agents and models.
pub fn use_catalog() -> Catalog {
    use_context::<Catalog>()
}

/// Remembers whether "Scan server" runs by itself when the app connects.
pub const SCAN_ON_CONNECT_KEY: &str = "branchpoint.scan-on-connect";

/// "Scan server", app-wide: it may start when the app connects, before the lineage view is
/// open, and goes on while the user moves between pages.
#[derive(Clone, Copy)]
pub struct ScanState {
    /// Where a running scan stands; `None` when no scan runs.
    pub progress: Signal<Option<crate::lineage::discover::Progress>>,
    cancelled: Signal<bool>,
}

impl ScanState {
    pub fn new() -> ScanState {
        ScanState {
            progress: Signal::new(None),
            cancelled: Signal::new(false),
        }
    }

    /// Scans the server for forks made elsewhere and records what it finds. Does nothing while
    /// a scan runs.
    pub fn start(self, settings: &Settings, lineage: LineageState, toasts: Toasts) {
        let (mut progress, mut cancelled) = (self.progress, self.cancelled);
        if progress.peek().is_some() {
            return;
        }
        cancelled.set(false);
        progress.set(Some(Default::default()));
        let client = client(settings);
        spawn(async move {
            let known = lineage.0.peek().clone();
            let outcome = crate::lineage::discover::scan(
                &client,
                &known,
                |now| progress.set(Some(now)),
                || *cancelled.peek(),
            )
            .await;
            progress.set(None);
            match outcome {
                Ok(Some(found)) => {
                    let n = found.edges.len();
                    let recorded = lineage.update(|l| {
                        for edge in &found.edges {
                            if l.parent_of(&edge.child).is_none() {
                                l.add(edge.clone());
                            }
                        }
                    });
                    let sessions = crate::session_list::count(found.sessions, "session");
                    let forks = crate::session_list::count(n, "fork");
                    match (recorded, n) {
                        (Err(problem), _) => toasts.push(ToastKind::Error, problem),
                        (Ok(()), 0) => toasts.push(
                            ToastKind::Info,
                            format!("Scanned {sessions}: no forks made elsewhere."),
                        ),
                        (Ok(()), _) => toasts.push(
                            ToastKind::Info,
                            format!("Scanned {sessions}: found {forks} made elsewhere."),
                        ),
                    }
                }
                Ok(None) => toasts.push(ToastKind::Info, "Scan cancelled: nothing was added."),
                Err(error) => toasts.push(ToastKind::Error, format!("The scan stopped: {error}")),
            }
        });
    }

    /// Stops a running scan after the requests on their way.
    pub fn cancel(self) {
        let mut cancelled = self.cancelled;
        cancelled.set(true);
    }
}

impl Default for ScanState {
    fn default() -> Self {
        ScanState::new()
    }
}

/// The app's scan.
pub fn use_scan() -> ScanState {
    use_context::<ScanState>()
}
