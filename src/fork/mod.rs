//! Forking: planning which messages a fork copies ([`plan`]), the operation end to end behind
//! one call ([`run::fork`]), and what happens when the server's answer is lost ([`lost`],
//! [`pending`]), undo that keeps what it undoes ([`undo`]), and forks that take their code
//! with them into a git worktree ([`worktree`]).

pub mod lost;
pub mod pending;
pub mod plan;
pub mod run;
pub mod undo;
pub mod worktree;

pub use plan::{is_running, ForkPlan, ForkPoint};
pub use run::{fork, planned_edge, ForkError, ForkRequest, Forked, NameWhen, Naming, WhenBusy};
pub use undo::{redo, undo, Redone, UndoError, UndoRequest, Undone};
