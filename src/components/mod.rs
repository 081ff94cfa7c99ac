//! Views shared by the pages: message and part renderers, loading and error states.

pub mod composer;
pub mod icons;
pub mod message;
pub mod parts;
pub mod prompts;
pub mod session_header;
pub mod status;
pub mod toasts;

pub use composer::Composer;
pub use icons::ForkIcon;
pub use message::MessageView;
pub use parts::PartView;
pub use prompts::{PermissionPrompt, QuestionPrompt, StopButton};
pub use session_header::{BusyDialog, DeleteButton, ForkOrigin, TitleEditor};
pub use status::{ErrorPanel, Loading};
pub use toasts::Toasts;
