//! The change history (`H`): the newest entries of the audit log — who,
//! when, what, the old and the new value — from this session, other
//! sessions and the command line alike. Enter undoes the entry under the
//! cursor (refused if the row was changed again since); `u` then undoes
//! that undo.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::Value;

use crate::store::audit::AuditEntry;
use crate::ui::action::Action;
use crate::ui::app::{App, Change, Overlay};
use crate::ui::text::{fit, put};

/// How many entries the overlay reads.
const LIMIT: usize = 500;

/// The open history overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub entries: Vec<AuditEntry>,
    /// Each entry in words (same order): "Белова Алиса · 7А Алгебра 13.10
    /// lesson 2 · mark 3 → 5".
    pub told: Vec<String>,
    /// The entry Enter was pressed on once: a second Enter undoes it, any
    /// other key keeps it.
    pub confirm: Option<usize>,
    pub cursor: usize,
    pub(crate) offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

pub(crate) use crate::store::history::when;

fn scalar(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What changed, field by field: "value: 4 → 5, symbol: 4 → 5"; a whole
/// row for creations and deletions.
pub fn changes(e: &AuditEntry) -> String {
    let obj = |v: &Option<Value>| v.as_ref().and_then(|v| v.as_object().cloned());
    match (obj(&e.old_value), obj(&e.new_value)) {
        (Some(old), Some(new)) => {
            let mut parts = Vec::new();
            for (k, nv) in &new {
                let ov = old.get(k);
                if ov != Some(nv) {
                    parts.push(format!("{k}: {} → {}", scalar(ov), scalar(Some(nv))));
                }
            }
            if parts.is_empty() {
                "no field changed".into()
            } else {
                parts.join(", ")
            }
        }
        (None, Some(new)) => format!("added {}", summary(&new)),
        (Some(old), None) => format!("removed {}", summary(&old)),
        (None, None) => String::new(),
    }
}

use crate::store::history::summary;

impl App {
    /// Open the history overlay on the newest entries.
    pub(crate) fn open_history(&mut self) {
        match crate::store::audit::recent(self.db.conn(), LIMIT) {
            Ok(entries) if entries.is_empty() => {
                self.flash("the audit log is empty: no changes yet")
            }
            Ok(entries) => {
                let told = self.tell(&entries);
                self.overlay = Overlay::History(History {
                    entries,
                    told,
                    confirm: None,
                    cursor: 0,
                    offset: Cell::new(0),
                    page: Cell::new(10),
                })
            }
            Err(e) => self.flash(format!("could not read the audit log: {e}")),
        }
    }

    /// The entries in words (each as its bare change where it cannot be
    /// read back).
    fn tell(&self, entries: &[AuditEntry]) -> Vec<String> {
        let teller = crate::store::history::Teller::new(self.db.conn());
        match teller {
            Ok(mut t) => entries
                .iter()
                .map(|e| t.tell(e).map_or_else(|_| changes(e), |told| told.line()))
                .collect(),
            Err(_) => entries.iter().map(changes).collect(),
        }
    }

    /// An action while the history is open.
    pub(crate) fn update_history(&mut self, mut h: History, action: Action) {
        let n = h.entries.len();
        h.cursor = crate::ui::panes::step_rows(h.cursor, n, &action, h.page.get());
        let asked = h.confirm.take();
        match action {
            Action::Cancel | Action::History => return,
            Action::Confirm if asked != Some(h.cursor) => {
                // Asked first: undoing is a change of its own.
                if let Some(e) = h.entries.get(h.cursor) {
                    let what = h.told.get(h.cursor).cloned().unwrap_or_default();
                    self.flash(format!(
                        "undo #{} ({what})? Enter again undoes it, any other key keeps it",
                        e.id
                    ));
                    h.confirm = Some(h.cursor);
                }
            }
            Action::Confirm => {
                let Some(e) = h.entries.get(h.cursor).cloned() else {
                    return;
                };
                let operator = self.opts.operator.clone();
                match self
                    .db
                    .write(|tx| crate::store::audit::undo(tx, &operator, e.id))
                {
                    Ok(id) => {
                        let description = format!("undo of entry {} ({})", e.id, e.action);
                        self.undo_stack.push(Change {
                            description: description.clone(),
                            entries: vec![id],
                        });
                        self.redo_stack.clear();
                        self.invalidate();
                        self.flash(format!("{description} done (u undoes it)"));
                        if let Ok(entries) = crate::store::audit::recent(self.db.conn(), LIMIT) {
                            h.told = self.tell(&entries);
                            h.entries = entries;
                            h.cursor = 0;
                        }
                    }
                    Err(err) => self.flash(format!("entry {} not undone: {err}", e.id)),
                }
            }
            _ => {}
        }
        self.overlay = Overlay::History(h);
    }
}

/// Draw the history overlay over `area`.
pub fn draw(app: &App, h: &History, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let inner = crate::ui::widgets::popup(
        t,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
        "Change history: Enter undoes the entry, Esc closes",
        area,
        buf,
    );
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    // Two lines an entry: who, when, what; then the change.
    let per = 2usize;
    let visible = (inner.height as usize - 1) / per;
    h.page.set(visible.max(1));
    let off =
        crate::ui::widgets::grid::scroll(&h.offset, h.cursor, visible.max(1), h.entries.len());
    let w = inner.width as usize - 2;
    for (i, e) in h.entries.iter().enumerate().skip(off).take(visible) {
        let y = inner.y + ((i - off) * per) as u16;
        let cur = i == h.cursor;
        let head = format!(
            "#{}  {}  {}  {}  {} {}{}",
            e.id,
            when(&e.at),
            e.operator,
            e.action,
            e.entity,
            e.entity_key,
            e.undo_of
                .map_or(String::new(), |u| format!("  (undoes #{u})"))
        );
        put(
            buf,
            inner,
            inner.x,
            y,
            1,
            if cur { ">" } else { " " },
            t.cursor,
        );
        put(
            buf,
            inner,
            inner.x + 1,
            y,
            w,
            &fit(&head, w),
            if cur { t.cursor } else { t.header },
        );
        put(
            buf,
            inner,
            inner.x + 3,
            y + 1,
            w - 2,
            &fit(h.told.get(i).map_or(&changes(e), |s| s), w - 2),
            t.text,
        );
    }
    let foot = match h.confirm {
        Some(_) => "Enter again undoes this entry · any other key keeps it".to_string(),
        None => format!(
            "{} of the newest {} entries · who, when, what, old → new",
            h.cursor + 1,
            h.entries.len()
        ),
    };
    put(buf, inner, inner.x + 1, inner.bottom() - 1, w, &foot, t.dim);
}
