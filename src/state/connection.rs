//! The connection settings (a signal in context) and the API client built from them.

use dioxus::prelude::*;

use crate::api::{ApiError, Client, Request, Response, Transport};
use crate::persist::ConnectionSettings;

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

/// Provides the settings, as stored.
pub(super) fn provide() -> Signal<ConnectionSettings> {
    use_context_provider(|| Signal::new(ConnectionSettings::load()))
}

/// The connection settings, shared by every page.
pub fn use_settings() -> Signal<ConnectionSettings> {
    use_context::<Signal<ConnectionSettings>>()
}

/// An API client for these settings.
pub fn client(settings: &ConnectionSettings) -> Client<AppTransport> {
    Client::new(settings.connection(), AppTransport::default())
}
