//! Widgets shared by the panes.

pub mod form;
pub mod grid;
