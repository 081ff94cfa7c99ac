//! Forking: planning which messages a fork copies ([`plan`]), the operation end to end behind
//! one call ([`run::fork`]), and what happens when the server's answer is lost ([`lost`],
//! [`pending`]), and undo that keeps what it undoes ([`undo`]).

pub mod lost;
pub mod pending;
pub mod plan;
pub mod run;
pub mod undo;

pub use plan::{is_running, ForkPlan, ForkPoint};
pub use run::{fork, ForkError, ForkRequest, Forked, NameWhen, Naming, WhenBusy};
pub use undo::{redo, undo, Redone, UndoError, UndoRequest, Undone};
