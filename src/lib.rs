//! Branchpoint: a client-side web app for the OpenCode coding agent, built around forking.
//!
//! Data flows one way: pages ask `state`, `state` asks `api`, events from `/event` flow back
//! into `state`, components read signals. Everything outside `pages/`, `components/`,
//! `layout.rs`, `app.rs`, `state/` and `platform/` is plain Rust, tested without a browser.

pub mod api;
pub mod app;
pub mod changes;
pub mod commands;
pub mod compare;
pub mod components;
pub mod diff;
pub mod fork;
pub mod layout;
pub mod lineage;
pub mod live;
pub mod markdown;
pub mod pages;
pub mod persist;
pub mod platform;
pub mod route;
pub mod session_list;
pub mod shared;
pub mod shortcuts;
pub mod state;
pub mod text;
pub mod virtual_list;
