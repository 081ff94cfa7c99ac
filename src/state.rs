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

/// The app's lineage.
pub fn use_lineage() -> LineageState {
    use_context::<LineageState>()
}
