//! The OpenCode server's data as typed Rust values (checked against its `GET /doc`, opencode
//! 1.18.33). Parsing is lenient on purpose: optional fields default, unknown fields are
//! ignored, and a part or message of a kind we have not met becomes `Unknown` instead of an
//! error, so a newer server never breaks the app.

mod catalog;
mod command;
mod diff;
mod message;
pub(super) mod part;
mod permission;
mod session;

pub use catalog::*;
pub use command::*;
pub use diff::*;
pub use message::*;
pub use part::*;
pub use permission::*;
pub use session::*;
