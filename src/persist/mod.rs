//! What the app keeps in the browser: storage that never panics, every key it writes, and a
//! typed accessor per thing kept (settings, drafts, kept reply text, preferences), and how
//! room is made when storage is full (`room`: the lineage loses space last). Pages and
//! components reach storage only through these (or `state/`), never by key.

pub mod drafts;
pub mod keys;
pub mod open_texts;
pub mod own_writes;
pub mod prefs;
pub mod room;
pub mod settings;
pub mod storage;

pub use settings::ConnectionSettings;
