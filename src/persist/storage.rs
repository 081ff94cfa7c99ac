//! Browser storage (localStorage and sessionStorage) that never panics: where storage is
//! unavailable (private mode, blocked by policy) reads give `None` and writes an `Err` the
//! caller can show. Natively (tests) it is an in-memory map.

/// Which of the browser's stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// Kept across visits.
    Local,
    /// Kept for this tab only.
    Session,
}

/// The error of a write refused because the storage is full (the quota is reached).
pub const FULL: &str = "browser storage is full";

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::{Area, FULL};

    fn store(area: Area) -> Option<web_sys::Storage> {
        let window = web_sys::window()?;
        let storage = match area {
            Area::Local => window.local_storage(),
            Area::Session => window.session_storage(),
        };
        storage.ok().flatten()
    }

    pub fn get(area: Area, key: &str) -> Option<String> {
        store(area)?.get_item(key).ok().flatten()
    }

    pub fn set(area: Area, key: &str, value: &str) -> Result<(), String> {
        let storage = store(area).ok_or_else(|| "browser storage is not available".to_owned())?;
        storage.set_item(key, value).map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            match name.as_deref() {
                Some("QuotaExceededError") => FULL.to_owned(),
                _ => "browser storage refused the write".to_owned(),
            }
        })
    }

    pub fn remove(area: Area, key: &str) {
        if let Some(storage) = store(area) {
            let _ = storage.remove_item(key);
        }
    }

    pub fn keys(area: Area) -> Vec<String> {
        let Some(storage) = store(area) else {
            return Vec::new();
        };
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .collect()
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::{Area, FULL};
    use std::cell::RefCell;
    use std::collections::HashMap;

    thread_local! {
        static STORE: RefCell<HashMap<(Area, String), String>> = RefCell::new(HashMap::new());
        static QUOTA: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
    }

    /// Makes writes fail once the store would hold more than `bytes` (for quota tests).
    #[cfg(test)]
    pub fn set_quota(bytes: usize) {
        QUOTA.with(|q| q.set(bytes));
    }

    pub fn get(area: Area, key: &str) -> Option<String> {
        STORE.with(|s| s.borrow().get(&(area, key.to_owned())).cloned())
    }

    pub fn set(area: Area, key: &str, value: &str) -> Result<(), String> {
        STORE.with(|s| {
            let mut store = s.borrow_mut();
            let others: usize = store
                .iter()
                .filter(|(k, _)| k.0 != area || k.1 != key)
                .map(|(_, v)| v.len())
                .sum();
            if others + value.len() > QUOTA.with(|q| q.get()) {
                return Err(FULL.to_owned());
            }
            store.insert((area, key.to_owned()), value.to_owned());
            Ok(())
        })
    }

    pub fn remove(area: Area, key: &str) {
        STORE.with(|s| s.borrow_mut().remove(&(area, key.to_owned())));
    }

    pub fn keys(area: Area) -> Vec<String> {
        STORE.with(|s| {
            let mut keys: Vec<String> = s
                .borrow()
                .keys()
                .filter(|k| k.0 == area)
                .map(|k| k.1.clone())
                .collect();
            keys.sort();
            keys
        })
    }
}

#[cfg(test)]
pub use imp::set_quota;
pub use imp::{get, keys, remove, set};

/// A value stored as JSON; `None` when missing or unreadable (a value written by another
/// version, or edited by hand, reads as absent instead of failing).
pub fn get_json<T: serde::de::DeserializeOwned>(area: Area, key: &str) -> Option<T> {
    get(area, key).and_then(|json| serde_json::from_str(&json).ok())
}
