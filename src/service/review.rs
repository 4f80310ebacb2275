//! The review list. The rules that find problems come with the review
//! issue; until then the list holds what operators have acknowledged.

use serde::Serialize;

use crate::store::audit::ReviewAck;
use crate::store::{self, Result};

/// What the review pane shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewSummary {
    /// Acknowledged items in the database.
    pub acknowledged: usize,
    /// The newest acknowledged items (at most the limit asked for).
    pub items: Vec<ReviewAck>,
}

/// Count the acknowledged items and read the newest `limit` of them.
pub fn summary(conn: &store::Conn, limit: usize) -> Result<ReviewSummary> {
    Ok(ReviewSummary {
        acknowledged: store::audit::review_ack_count(conn)?.max(0) as usize,
        items: store::audit::review_acks(conn, limit)?,
    })
}
