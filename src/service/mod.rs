//! Use cases spanning repositories.

pub mod attendance;
pub mod indicators;
pub mod journal;
pub mod review;
pub mod training;
