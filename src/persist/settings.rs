//! Connection settings: server URL, password, project directory. Kept in localStorage; the
//! password only when the user ticks "Remember password", otherwise in sessionStorage (this
//! tab) at most.

use serde::{Deserialize, Serialize};

use super::keys::{PASSWORD as PASSWORD_KEY, SETTINGS as SETTINGS_KEY};
use super::storage::{self, Area};
use crate::api::Connection;

/// Where the app looks for a server when nothing is configured.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:4096";

/// What the user configured. Its `Debug` shows no password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionSettings {
    pub server_url: String,
    /// Never serialised: stored apart, and only where the user allowed.
    #[serde(skip)]
    pub password: String,
    #[serde(default)]
    pub remember_password: bool,
    /// Project directory; empty means the server's own.
    #[serde(default)]
    pub directory: String,
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let password = (!self.password.is_empty()).then_some(crate::api::client::REDACTED);
        f.debug_struct("ConnectionSettings")
            .field("server_url", &self.server_url)
            .field("password", &password)
            .field("remember_password", &self.remember_password)
            .field("directory", &self.directory)
            .finish()
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            server_url: DEFAULT_SERVER_URL.to_owned(),
            password: String::new(),
            remember_password: false,
            directory: String::new(),
        }
    }
}

impl ConnectionSettings {
    /// Reads the stored settings; anything missing or unreadable falls back to the defaults.
    pub fn load() -> ConnectionSettings {
        let mut settings: ConnectionSettings =
            storage::get_json(Area::Local, SETTINGS_KEY).unwrap_or_default();
        if settings.server_url.trim().is_empty() {
            settings.server_url = DEFAULT_SERVER_URL.to_owned();
        }
        let area = if settings.remember_password {
            Area::Local
        } else {
            Area::Session
        };
        settings.password = storage::get(area, PASSWORD_KEY).unwrap_or_default();
        settings
    }

    /// Stores the settings, the password only where the user allowed it.
    pub fn save(&self) -> Result<(), String> {
        let json = serde_json::to_string(self).map_err(|e| e.to_string())?;
        storage::set(Area::Local, SETTINGS_KEY, &json)?;
        let (keep, drop) = if self.remember_password {
            (Area::Local, Area::Session)
        } else {
            (Area::Session, Area::Local)
        };
        storage::remove(drop, PASSWORD_KEY);
        if self.password.is_empty() {
            storage::remove(keep, PASSWORD_KEY);
            Ok(())
        } else {
            storage::set(keep, PASSWORD_KEY, &self.password)
        }
    }

    /// The API connection these settings describe.
    pub fn connection(&self) -> Connection {
        Connection {
            base_url: self.server_url.trim().trim_end_matches('/').to_owned(),
            password: Some(self.password.clone()).filter(|p| !p.is_empty()),
            directory: Some(self.directory.trim().to_owned()).filter(|d| !d.is_empty()),
        }
    }
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

    #[test]
    fn password_is_stored_only_where_allowed() {
        let mut settings = ConnectionSettings {
            password: "pw".into(),
            ..ConnectionSettings::default()
        };
        settings.save().unwrap();
        assert_eq!(storage::get(Area::Local, PASSWORD_KEY), None);
        assert_eq!(
            storage::get(Area::Session, PASSWORD_KEY).as_deref(),
            Some("pw")
        );
        assert!(!storage::get(Area::Local, SETTINGS_KEY)
            .unwrap()
            .contains("pw"));
        assert_eq!(ConnectionSettings::load().password, "pw");

        settings.remember_password = true;
        settings.save().unwrap();
        assert_eq!(
            storage::get(Area::Local, PASSWORD_KEY).as_deref(),
            Some("pw")
        );
        assert_eq!(storage::get(Area::Session, PASSWORD_KEY), None);
        assert_eq!(ConnectionSettings::load(), settings);
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let settings = ConnectionSettings {
            password: "hunter2-secret".into(),
            ..ConnectionSettings::default()
        };
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
        assert!(is_local_origin("http://localhost:8080"));
        assert!(is_local_origin("http://127.0.0.1:8080"));
        assert!(is_local_origin("http://[::1]:8080"));
        assert!(!is_local_origin("https://me.github.io"));
    }
}
