//! Connection settings: server URL, password, project directory. Kept in localStorage; the
//! password only when the user ticks "Remember password", otherwise in sessionStorage (this
//! tab) at most. A password belongs to the server origin it was given for: passwords are kept
//! per origin, and [`ConnectionSettings::connection`] sends one nowhere else — nor in clear to
//! a host that is not this machine unless the user agreed to that origin.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::keys::{LEGACY_PASSWORD, PASSWORDS, SETTINGS as SETTINGS_KEY};
use super::room::{self, Worth};
use super::storage::{self, Area};
use crate::api::Connection;

/// Where the app looks for a server when nothing is configured.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:4096";

/// What the user configured. Its `Debug` shows no password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionSettings {
    pub server_url: String,
    /// Never serialised: stored apart, per origin, and only where the user allowed.
    #[serde(skip)]
    pub password: String,
    /// The server origin `password` was given for ([`origin_of`]); it is sent to no other.
    #[serde(skip)]
    pub password_origin: String,
    #[serde(default)]
    pub remember_password: bool,
    /// Project directory; empty means the server's own.
    #[serde(default)]
    pub directory: String,
    /// Origins the user agreed to send a password to in clear (`http://`, not this machine).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleartext_ok: Vec<String>,
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let password = (!self.password.is_empty()).then_some(crate::api::client::REDACTED);
        f.debug_struct("ConnectionSettings")
            .field("server_url", &self.server_url)
            .field("password", &password)
            .field("password_origin", &self.password_origin)
            .field("remember_password", &self.remember_password)
            .field("directory", &self.directory)
            .field("cleartext_ok", &self.cleartext_ok)
            .finish()
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            server_url: DEFAULT_SERVER_URL.to_owned(),
            password: String::new(),
            password_origin: String::new(),
            remember_password: false,
            directory: String::new(),
            cleartext_ok: Vec::new(),
        }
    }
}

/// The passwords kept in one storage area, by server origin.
type Passwords = BTreeMap<String, String>;

fn passwords(area: Area) -> Passwords {
    storage::get_json(area, PASSWORDS).unwrap_or_default()
}

fn keep_passwords(area: Area, passwords: &Passwords) -> Result<(), String> {
    if passwords.is_empty() {
        storage::remove(area, PASSWORDS);
        return Ok(());
    }
    let json = serde_json::to_string(passwords).map_err(|e| e.to_string())?;
    match area {
        Area::Local => room::set(PASSWORDS, &json, Worth::Precious),
        Area::Session => storage::set(area, PASSWORDS, &json),
    }
}

impl ConnectionSettings {
    /// Reads the stored settings; anything missing or unreadable falls back to the defaults.
    /// The password is the one kept for the server's origin, if any.
    pub fn load() -> ConnectionSettings {
        let mut settings: ConnectionSettings =
            storage::get_json(Area::Local, SETTINGS_KEY).unwrap_or_default();
        if settings.server_url.trim().is_empty() {
            settings.server_url = DEFAULT_SERVER_URL.to_owned();
        }
        migrate_legacy_password(&settings);
        settings.password_origin = origin_of(&settings.server_url).unwrap_or_default();
        settings.password = stored_password(&settings.password_origin).unwrap_or_default();
        settings
    }

    /// Stores the settings, the password only where the user allowed it, and only for the
    /// origin it was given for (the passwords kept for other servers stay as they are).
    pub fn save(&self) -> Result<(), String> {
        let json = serde_json::to_string(self).map_err(|e| e.to_string())?;
        room::set(SETTINGS_KEY, &json, Worth::Precious)?;
        let (keep, drop) = if self.remember_password {
            (Area::Local, Area::Session)
        } else {
            (Area::Session, Area::Local)
        };
        let Some(origin) = origin_of(&self.server_url) else {
            return Ok(());
        };
        let mut dropped = passwords(drop);
        if dropped.remove(&origin).is_some() {
            keep_passwords(drop, &dropped)?;
        }
        let mut kept = passwords(keep);
        let password = self.sendable_password().unwrap_or_default();
        if password.is_empty() {
            kept.remove(&origin);
        } else {
            kept.insert(origin, password.to_owned());
        }
        keep_passwords(keep, &kept)
    }

    /// Points the settings at `url`. The password goes with the origin: typing another
    /// server's address replaces it with the one kept for that server (usually none), so a
    /// password is never offered to a server it was not given for.
    pub fn set_server_url(&mut self, url: String) {
        let origin = origin_of(&url).unwrap_or_default();
        if origin != self.password_origin {
            self.password = stored_password(&origin).unwrap_or_default();
            self.password_origin = origin;
        }
        self.server_url = url;
    }

    /// Sets the password, for the server the settings point at now.
    pub fn set_password(&mut self, password: String) {
        self.password_origin = origin_of(&self.server_url).unwrap_or_default();
        self.password = password;
    }

    /// Would the password go to the server in clear, to another machine? (`http://` to a
    /// host that is not this one.) Loopback addresses never leave the machine.
    pub fn is_cleartext(&self) -> bool {
        origin_of(&self.server_url)
            .is_some_and(|o| o.starts_with("http://") && !is_local_origin(&o))
    }

    /// Has the user yet to agree to send the password in clear to this server?
    pub fn needs_cleartext_consent(&self) -> bool {
        !self.password.is_empty()
            && self.is_cleartext()
            && !origin_of(&self.server_url).is_some_and(|o| self.cleartext_ok.contains(&o))
    }

    /// Records that the user agreed to send the password in clear to this server.
    pub fn allow_cleartext(&mut self) {
        if let Some(origin) = origin_of(&self.server_url) {
            if !self.cleartext_ok.contains(&origin) {
                self.cleartext_ok.push(origin);
            }
        }
    }

    /// The password, if it may go to the server these settings point at: it was given for
    /// that origin, and it does not go in clear to another machine without the user's word.
    fn sendable_password(&self) -> Option<&str> {
        let here = origin_of(&self.server_url)?;
        (!self.password.is_empty()
            && here == self.password_origin
            && !self.needs_cleartext_consent())
        .then_some(self.password.as_str())
    }

    /// The API connection these settings describe.
    pub fn connection(&self) -> Connection {
        Connection {
            base_url: self.server_url.trim().trim_end_matches('/').to_owned(),
            password: self.sendable_password().map(str::to_owned),
            directory: Some(self.directory.trim().to_owned()).filter(|d| !d.is_empty()),
        }
    }
}

/// The password kept for `origin` (this tab's first, then the remembered one).
pub fn stored_password(origin: &str) -> Option<String> {
    if origin.is_empty() {
        return None;
    }
    [Area::Session, Area::Local]
        .into_iter()
        .find_map(|area| passwords(area).remove(origin))
}

/// Before passwords were kept per origin one was kept alone: it was given for the server the
/// settings name, so it is filed under that origin (and the old key goes).
fn migrate_legacy_password(settings: &ConnectionSettings) {
    let Some(origin) = origin_of(&settings.server_url) else {
        return;
    };
    for area in [Area::Local, Area::Session] {
        if let Some(legacy) = storage::get(area, LEGACY_PASSWORD) {
            let mut kept = passwords(area);
            kept.entry(origin.clone()).or_insert(legacy);
            if keep_passwords(area, &kept).is_ok() {
                storage::remove(area, LEGACY_PASSWORD);
            }
        }
    }
}

/// The origin of an http(s) URL: scheme, host and port, lower-cased, the scheme's default
/// port left out (`HTTP://Box:80/x` → `http://box`). `None` for anything else.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    // Credentials in the URL would be a second way to send a password: not an origin.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        (
            format!("[{inside}]"),
            after.strip_prefix(':').unwrap_or(after).to_owned(),
        )
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), port.to_owned()),
            None => (authority.clone(), String::new()),
        }
    };
    if !port.bytes().all(|b| b.is_ascii_digit()) || host.contains(':') && !host.starts_with('[') {
        return None;
    }
    let port = port.trim_start_matches('0');
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    Some(if port.is_empty() || port == default_port {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    })
}

/// Checks a server URL typed by the user; `Err` says what is wrong with it.
pub fn validate_server_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| "The server URL must start with http:// or https://.".to_owned())?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err("The server URL needs a host, for example http://127.0.0.1:4096.".to_owned());
    }
    if host.contains('@') {
        return Err("Put the password in the Password field, not in the server URL.".to_owned());
    }
    if origin_of(url).is_none() {
        return Err("The server URL's host or port is not valid.".to_owned());
    }
    Ok(())
}

/// Is the page served from this machine? (Then OpenCode's default CORS rules allow it.)
pub fn is_local_origin(origin: &str) -> bool {
    let host = origin.split("://").nth(1).unwrap_or(origin);
    let host = host.split('/').next().unwrap_or_default();
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| &h[1..]).unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
        || host.ends_with(".localhost")
        || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clear() {
        for area in [Area::Local, Area::Session] {
            for key in [PASSWORDS, LEGACY_PASSWORD, SETTINGS_KEY] {
                storage::remove(area, key);
            }
        }
    }

    fn at(url: &str, password: &str) -> ConnectionSettings {
        let mut settings = ConnectionSettings::default();
        settings.set_server_url(url.into());
        settings.set_password(password.into());
        settings
    }

    #[test]
    fn password_is_stored_only_where_allowed() {
        clear();
        let mut settings = at(DEFAULT_SERVER_URL, "pw");
        settings.save().unwrap();
        assert_eq!(storage::get(Area::Local, PASSWORDS), None);
        assert_eq!(
            storage::get(Area::Session, PASSWORDS).as_deref(),
            Some(r#"{"http://127.0.0.1:4096":"pw"}"#)
        );
        assert!(!storage::get(Area::Local, SETTINGS_KEY)
            .unwrap()
            .contains("pw"));
        assert_eq!(ConnectionSettings::load().password, "pw");

        settings.remember_password = true;
        settings.save().unwrap();
        assert_eq!(
            storage::get(Area::Local, PASSWORDS).as_deref(),
            Some(r#"{"http://127.0.0.1:4096":"pw"}"#)
        );
        assert_eq!(storage::get(Area::Session, PASSWORDS), None);
        assert_eq!(ConnectionSettings::load(), settings);
    }

    #[test]
    fn a_password_goes_only_to_the_origin_it_was_given_for() {
        clear();
        let mut settings = at("http://127.0.0.1:4096", "first-pw");
        settings.save().unwrap();
        assert_eq!(settings.connection().password.as_deref(), Some("first-pw"));
        // Another server typed in: the field empties, and nothing would be sent there.
        settings.set_server_url("http://127.0.0.1:5000".into());
        assert_eq!(settings.password, "");
        assert_eq!(settings.connection().password, None);
        // A password entered for it is its own, kept beside the first one.
        settings.set_password("second-pw".into());
        settings.save().unwrap();
        settings.set_server_url("http://127.0.0.1:4096/".into());
        assert_eq!(settings.password, "first-pw", "each origin keeps its own");
        // The same origin however it is written (case, default port, a path).
        settings.set_server_url("HTTP://127.0.0.1:4096/some/path".into());
        assert_eq!(settings.password, "first-pw");
        // Settings whose password was given elsewhere (edited by hand, say) send none.
        let forged = ConnectionSettings {
            server_url: "http://127.0.0.1:6000".into(),
            password: "first-pw".into(),
            password_origin: "http://127.0.0.1:4096".into(),
            ..ConnectionSettings::default()
        };
        assert_eq!(forged.connection().password, None);
        assert_eq!(forged.connection().authorization(), None);
    }

    #[test]
    fn a_password_kept_alone_by_an_older_version_is_filed_under_its_server() {
        clear();
        storage::set(
            Area::Local,
            SETTINGS_KEY,
            r#"{"server_url":"http://127.0.0.1:4096","remember_password":true}"#,
        )
        .unwrap();
        storage::set(Area::Local, LEGACY_PASSWORD, "old-pw").unwrap();
        let settings = ConnectionSettings::load();
        assert_eq!(settings.password, "old-pw");
        assert_eq!(settings.password_origin, "http://127.0.0.1:4096");
        assert_eq!(storage::get(Area::Local, LEGACY_PASSWORD), None);
        assert_eq!(
            stored_password("http://127.0.0.1:4096").as_deref(),
            Some("old-pw")
        );
    }

    #[test]
    fn a_password_in_clear_to_another_machine_waits_for_consent() {
        clear();
        for url in [
            "http://127.0.0.1:4096",
            "http://localhost:4096",
            "http://[::1]:4096",
            "https://box.example",
        ] {
            assert!(!at(url, "pw").needs_cleartext_consent(), "{url}");
        }
        let mut lan = at("http://192.168.1.20:4096", "pw");
        assert!(lan.is_cleartext());
        assert!(lan.needs_cleartext_consent());
        assert_eq!(lan.connection().password, None, "not sent before consent");
        assert!(!at("http://192.168.1.20:4096", "").needs_cleartext_consent());
        lan.allow_cleartext();
        assert!(!lan.needs_cleartext_consent());
        assert_eq!(lan.connection().password.as_deref(), Some("pw"));
        // The consent is for that origin only, and is kept with the settings.
        lan.save().unwrap();
        assert!(ConnectionSettings::load().cleartext_ok == ["http://192.168.1.20:4096"]);
        lan.set_server_url("http://192.168.1.21:4096".into());
        lan.set_password("pw".into());
        assert!(lan.needs_cleartext_consent());
    }

    #[test]
    fn origins() {
        for (url, origin) in [
            ("http://127.0.0.1:4096", Some("http://127.0.0.1:4096")),
            ("HTTP://Box.Example:80/x?y", Some("http://box.example")),
            ("https://box.example:443/", Some("https://box.example")),
            (
                "https://box.example.:8443",
                Some("https://box.example:8443"),
            ),
            ("http://[::1]:4096/", Some("http://[::1]:4096")),
            ("http://user:pw@box.example", None),
            ("http://box:port", None),
            ("ftp://box.example", None),
            ("http://", None),
            ("box.example", None),
        ] {
            assert_eq!(origin_of(url).as_deref(), origin, "{url}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let settings = at(DEFAULT_SERVER_URL, "hunter2-secret");
        let conn = settings.connection();
        let request = crate::api::client::build(
            &conn,
            crate::api::client::Method::Get,
            "/session",
            &[],
            None,
        );
        let token = conn.authorization().unwrap();
        for shown in [
            format!("{settings:?}"),
            format!("{conn:?}"),
            format!("{request:?}"),
        ] {
            assert!(shown.contains("<redacted>"), "{shown}");
            assert!(
                !shown.contains("hunter2-secret") && !shown.contains(&token[6..]),
                "{shown}"
            );
        }
    }

    #[test]
    fn connection_trims_and_drops_empty_values() {
        let settings = ConnectionSettings {
            server_url: " http://h:1/ ".into(),
            ..ConnectionSettings::default()
        };
        assert_eq!(settings.connection(), Connection::new("http://h:1"));
    }

    #[test]
    fn urls_and_origins() {
        assert!(validate_server_url("http://127.0.0.1:4096").is_ok());
        assert!(validate_server_url("https://box.example/opencode").is_ok());
        assert!(validate_server_url("127.0.0.1:4096").is_err());
        assert!(validate_server_url("http://").is_err());
        assert!(validate_server_url("http://me:pw@box.example")
            .unwrap_err()
            .contains("Password field"));
        assert!(is_local_origin("http://localhost:8080"));
        assert!(is_local_origin("http://127.0.0.1:8080"));
        assert!(is_local_origin("http://[::1]:8080"));
        assert!(!is_local_origin("https://me.github.io"));
    }
}
