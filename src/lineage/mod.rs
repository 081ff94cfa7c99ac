//! Fork lineage: which session came from which, at which message. Kept in the browser (the
//! server records no link from a fork to its source), so it survives with the server down.

pub mod discover;
pub mod graph;
pub mod outbox;
pub mod remote;
pub mod store;

pub use graph::{Edge, ForkKind, LineageGraph, WorktreeRef};
