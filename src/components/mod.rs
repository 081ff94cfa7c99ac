//! Views shared by the pages: message and part renderers, loading and error states.

pub mod message;
pub mod parts;
pub mod status;
pub mod toasts;

pub use message::MessageView;
pub use parts::PartView;
pub use status::{ErrorPanel, Loading};
pub use toasts::Toasts;
