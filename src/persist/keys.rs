//! Every `branchpoint.*` key the app writes in localStorage or sessionStorage, in one place, so
//! a reader sees at once what the app keeps and nothing can collide.

/// The fork lineage (see `lineage::store`).
pub const LINEAGE: &str = "branchpoint.lineage";
/// Forks whose edge is still to be written into their session's metadata on the server (see
/// `lineage::outbox`).
pub const LINEAGE_OUTBOX: &str = "branchpoint.lineage-outbox";
/// "Keep the lineage on the server" in Settings: "0" when off (on when absent).
pub const LINEAGE_ON_SERVER: &str = "branchpoint.lineage-on-server";
/// The lineage view as a map or a list: "map", "list", or absent (a map on wide screens).
pub const LINEAGE_VIEW: &str = "branchpoint.lineage-view";
/// Connection settings, without the password.
pub const SETTINGS: &str = "branchpoint.settings.v1";
/// The passwords, by server origin (a JSON object): in sessionStorage, or localStorage with
/// "Remember password".
pub const PASSWORDS: &str = "branchpoint.passwords";
/// The one password older versions kept, for whichever server was set: read once and filed
/// under that server's origin in [`PASSWORDS`].
pub const LEGACY_PASSWORD: &str = "branchpoint.password";
/// Forks whose answer was lost while the server could not be asked (see `fork::pending`).
pub const PENDING_FORKS: &str = "branchpoint.pending-forks";
/// Forks this tab's page is asking for, until their answer is handled (in sessionStorage): a
/// page reloaded meanwhile leaves them to be looked for (see `fork::pending`).
pub const FORKS_IN_FLIGHT: &str = "branchpoint.forks-in-flight";
/// The colour theme: "light", "dark", or absent for the system's.
pub const THEME: &str = "branchpoint.theme";
/// "Show forks under their source" on the sessions list.
pub const GROUP_FORKS: &str = "branchpoint.group-forks";
/// "Scan when the app connects" on the lineage view.
pub const SCAN_ON_CONNECT: &str = "branchpoint.scan-on-connect";

/// The user said yes once to running `!` lines in a session's shell.
pub const SHELL_CONFIRMED: &str = "branchpoint.shell-confirmed";
/// The `time.updated` each session got from this browser's own metadata write (not activity).
pub const OWN_WRITES: &str = "branchpoint.own-writes";

/// A session's unsent composer text.
pub fn draft(session_id: &str) -> String {
    format!("{DRAFT_PREFIX}{session_id}")
}

/// The files attached to a session's unsent message (a JSON array).
pub fn draft_files(session_id: &str) -> String {
    format!("{DRAFT_FILES_PREFIX}{session_id}")
}

/// What every key of a draft's text starts with (the session id follows).
pub const DRAFT_PREFIX: &str = "branchpoint.draft.";
/// What every key of a draft's files starts with (the session id follows).
pub const DRAFT_FILES_PREFIX: &str = "branchpoint.draft-files.";
/// What every key of kept streamed text starts with.
pub const STREAMED_PREFIX: &str = "branchpoint.streamed.";

/// When each session's draft was begun (a JSON object of ms), so that the oldest go first when
/// storage is full.
pub const DRAFT_TIMES: &str = "branchpoint.draft-times";

/// The text a session's open reply parts had streamed when its page went.
pub fn streamed(session_id: &str) -> String {
    format!("{STREAMED_PREFIX}{session_id}")
}

/// Where an unreadable lineage is kept, stamped with the time (ms) it was found.
pub fn lineage_backup(now_ms: f64) -> String {
    format!("{LINEAGE}.backup-{}", now_ms as u64)
}
