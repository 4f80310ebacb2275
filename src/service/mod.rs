//! Use cases that span repositories; the TUI and the CLI both call these, so
//! the screen and `classbook …` can never disagree.

pub mod attendance;
pub mod csv_safe;
pub mod demo;
pub mod expect;
pub mod export;
pub mod import;
pub mod indicators;
pub mod journal;
pub mod keeping;
pub mod metrics;
pub mod person;
pub mod programme_csv;
// reports (issue 7 §3)
pub mod reports;
pub mod review;
pub mod settings;
pub mod setup;
pub mod training;
pub mod year;
