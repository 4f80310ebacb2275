//! Use cases spanning repositories.
