//! The school's data and rules: plain types, no I/O, no SQL, no ratatui.
//!
//! Everything here is unit-tested on its own; the store maps rows to these
//! types and the services combine them.

pub mod attendance;
pub mod indicators;
pub mod marks;
pub mod review;
pub mod school;
pub mod settings;
pub mod text;
pub mod training;

pub use school::*;
