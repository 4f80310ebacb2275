//! The seven panes, each a component behind [`crate::ui::component::Pane`]:
//! its state, its keys (and forms), its pickers' choices and its drawing,
//! through a `Ctx`; none imports `App`.

pub mod attendance;
pub mod indicators;
pub mod journal;
pub mod journal_edit;
pub mod journal_lesson;
pub mod reports;
pub mod review;
pub mod school;
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

/// Up to `lines` lines of `s` wrapped at spaces to `w` columns, the last
/// one cut with "…" if there is more.
pub(crate) fn wrap(s: &str, w: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for word in s.split_whitespace() {
        let cur = out.last_mut().map_or(0, |l| crate::ui::text::width(l));
        if cur > 0 && cur + 1 + crate::ui::text::width(word) > w {
            out.push(String::new());
        }
        if let Some(l) = out.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(word);
        }
    }
    if out.len() > lines {
        let rest = out[lines - 1..].join(" ");
        out.truncate(lines - 1);
        out.push(crate::ui::text::fit(&rest, w));
    }
    out
}
