//! Small preferences the user sets with one control: the theme, grouping forks in the
//! sessions list, scanning when the app connects, keeping the lineage on the server, the
//! lineage as a map or a list. A write that fails keeps the choice for
//! this visit only, which is all a preference needs.

use super::keys;
use super::storage::{self, Area};

/// The colour theme: "light", "dark", or "" for the system's.
pub fn theme() -> String {
    storage::get(Area::Local, keys::THEME).unwrap_or_default()
}

pub fn set_theme(theme: &str) {
    let _ = storage::set(Area::Local, keys::THEME, theme);
}

/// "Show forks under their source".
pub fn group_forks() -> bool {
    storage::get(Area::Local, keys::GROUP_FORKS).as_deref() == Some("true")
}

pub fn set_group_forks(on: bool) {
    let _ = storage::set(
        Area::Local,
        keys::GROUP_FORKS,
        if on { "true" } else { "false" },
    );
}

/// "Scan when the app connects".
pub fn scan_on_connect() -> bool {
    storage::get(Area::Local, keys::SCAN_ON_CONNECT).as_deref() == Some("1")
}

pub fn set_scan_on_connect(on: bool) {
    let _ = storage::set(
        Area::Local,
        keys::SCAN_ON_CONNECT,
        if on { "1" } else { "0" },
    );
}

/// "Keep the lineage on the server": on unless turned off.
pub fn lineage_on_server() -> bool {
    storage::get(Area::Local, keys::LINEAGE_ON_SERVER).as_deref() != Some("0")
}

pub fn set_lineage_on_server(on: bool) {
    let _ = storage::set(
        Area::Local,
        keys::LINEAGE_ON_SERVER,
        if on { "1" } else { "0" },
    );
}

/// The lineage view as a map (`true`) or a list, as chosen; `None` until chosen.
pub fn lineage_as_map() -> Option<bool> {
    match storage::get(Area::Local, keys::LINEAGE_VIEW).as_deref() {
        Some("map") => Some(true),
        Some("list") => Some(false),
        _ => None,
    }
}

pub fn set_lineage_as_map(map: bool) {
    let _ = storage::set(
        Area::Local,
        keys::LINEAGE_VIEW,
        if map { "map" } else { "list" },
    );
}

/// Has the user said yes once to running `!` lines in the session's shell?
pub fn shell_confirmed() -> bool {
    storage::get(Area::Local, keys::SHELL_CONFIRMED).as_deref() == Some("1")
}

pub fn set_shell_confirmed() {
    let _ = storage::set(Area::Local, keys::SHELL_CONFIRMED, "1");
}
