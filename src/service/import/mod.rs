//! Bringing a school's own data in: readers turn files into a
//! [`model::Bundle`], and [`apply`] writes a bundle into the database.

pub mod apply;
pub mod model;
pub mod oneroster;
pub mod results;
pub mod templates;
