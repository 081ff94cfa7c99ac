//! Views shared by the pages: message and part renderers, the composer, prompts, the parts of
//! a session's header, dialogs, loading and error states, toasts, and the one way to run an
//! action ([`action::use_action`]).

pub mod action;
pub mod completions;
pub mod composer;
pub mod dialog;
pub mod diff;
pub mod icons;
pub mod keyboard_help;
pub mod message;
pub mod palette;
pub mod parts;
pub mod path_strip;
pub mod pick_message;
pub mod prompts;
pub mod session_header;
pub mod status;
pub mod toasts;
pub mod todos;
pub mod undo;
pub mod worktree;

pub use action::{use_action, use_client, use_lasting_action, UseAction, UseClient};
pub use composer::Composer;
pub use dialog::{focus_on_mount, Dialog};
pub use diff::{DiffView, SessionChanges, TurnChanges, TurnRef};
pub use icons::ForkIcon;
pub use keyboard_help::{opens_help, KeyboardHelp, Shortcut, Shortcuts};
pub use message::MessageView;
pub use palette::CommandPalette;
pub use parts::{PartView, StreamingText};
pub use path_strip::PathStrip;
pub use pick_message::MessagePicker;
pub use prompts::{PermissionPrompt, QuestionPrompt, StopButton};
pub use session_header::{
    fork_point, BusyDialog, BusyFor, DeleteButton, ForkOrigin, RecordedDifferently, TitleEditor,
};
pub use status::{ErrorPanel, Loading};
pub use toasts::ToastRegion;
pub use todos::TodoList;
pub use undo::{UndoneMark, UndoneNotice};
pub use worktree::{
    BringBackButton, StepLine, StepState, WorktreeDialog, WorktreeInfo, WorktreePlace,
    WorktreeSummary,
};
