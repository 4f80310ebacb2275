//! classbook: a keyboard-driven terminal application for a school's records.
//!
//! Layers, each using only those below it: `cli` and `ui` → `service` →
//! `store` → `domain`.

pub mod cli;
pub mod domain;
pub mod service;
pub mod store;
pub mod ui;
