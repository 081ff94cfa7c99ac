//! The OpenCode HTTP API: wire types, errors, typed operations and the transport seam. Knows
//! nothing of the UI.

pub mod client;
pub mod error;
pub mod events;
pub mod ids;
#[cfg(target_arch = "wasm32")]
pub mod stream;
#[cfg(target_arch = "wasm32")]
pub mod transport;
pub mod types;

pub use client::{
    Client, CommandInput, Connection, MessagePage, PartInput, PromptInput, Request, Response,
    Transport,
};
pub use error::ApiError;
pub use types::*;
