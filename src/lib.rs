//! Branchpoint: a client-side web app for the OpenCode coding agent, built around forking.

pub mod api;
pub mod app;
pub mod compare;
pub mod components;
pub mod fork;
pub mod forking;
pub mod lineage;
pub mod live;
pub mod markdown;
pub mod pages;
pub mod platform;
pub mod route;
pub mod session_list;
pub mod settings;
pub mod state;
pub mod storage;
pub mod virtual_list;
