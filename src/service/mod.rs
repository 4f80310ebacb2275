//! Use cases that span repositories; the TUI and the CLI both call these, so
//! the screen and `classbook …` can never disagree.

pub mod demo;
pub mod programme_csv;
