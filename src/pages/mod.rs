//! One page per route, named after it.

mod compare;
mod lineage;
mod not_found;
mod session;
mod sessions;
mod settings;

pub use compare::Compare;
pub use lineage::Lineage;
pub use not_found::NotFound;
pub use session::Session;
pub use sessions::Sessions;
pub use settings::Settings;
