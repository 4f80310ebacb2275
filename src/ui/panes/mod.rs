//! The five panes: each has its state, its cursor moves, and its drawing.

pub mod attendance;
pub mod indicators;
pub mod journal;
pub mod review;
pub mod training;

use crate::ui::action::Action;

/// A row cursor after a vertical move among `len` rows, `page` at a time.
pub(crate) fn step_rows(cur: usize, len: usize, action: &Action, page: usize) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    match action {
        Action::MoveUp => cur.saturating_sub(1),
        Action::MoveDown => (cur + 1).min(last),
        Action::PageUp => cur.saturating_sub(page),
        Action::PageDown => (cur + page).min(last),
        Action::First => 0,
        Action::Last => last,
        _ => cur.min(last),
    }
}

/// A column cursor after a horizontal move among `len` columns.
pub(crate) fn step_cols(cur: usize, len: usize, action: &Action) -> usize {
    match action {
        Action::MoveLeft => cur.saturating_sub(1),
        Action::MoveRight => (cur + 1).min(len.saturating_sub(1)),
        _ => cur.min(len.saturating_sub(1)),
    }
}
