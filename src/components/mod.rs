//! Views shared by the pages: message and part renderers, loading and error states.

pub mod icons;
pub mod message;
pub mod parts;
pub mod status;
pub mod toasts;

pub use icons::ForkIcon;
pub use message::MessageView;
pub use parts::PartView;
pub use status::{ErrorPanel, Loading};
pub use toasts::Toasts;
