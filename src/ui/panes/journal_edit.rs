//! Editing in the journal grid: typing marks into cells (typing replaces,
//! Enter saves and moves down, Esc reverts), the form of control, pending
//! and deferred details in small popups, a selection with fill down and
//! "set selected", and final period grades. Every write goes through
//! [`Ctx::write`] (one transaction, undoable with `u`) and the service
//! functions the command line uses.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::journal::JournalPane;
use crate::domain::Id;
use crate::domain::marks::MarkError;
use crate::service::journal::{self as svc, CellInput, LessonRef, MarkCell};
use crate::store::StoreError;
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, PickTarget, refuse_unseen_change};
use crate::ui::dates;
use crate::ui::keymap::Mode;

/// What an inline edit writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditTarget {
    /// The cell under the cursor.
    Cell,
    /// Every cell of the selection.
    Selection,
    /// The final period grade of the cursor's student.
    Final,
    /// A date to put the cursor on (not a write).
    Date,
}

/// The text being typed into a cell (or the final grade).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellEdit {
    pub target: EditTarget,
    pub text: String,
}

/// A small form asking what a mark needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalPopup {
    /// `*` typed: the intended mark and the correction deadline.
    Pending {
        target: EditTarget,
        text: String,
        intended: String,
        deadline: String,
        /// 0 = intended, 1 = deadline.
        field: usize,
    },
    /// `°` typed: the comment it needs.
    Deferred {
        target: EditTarget,
        text: String,
        comment: String,
    },
}

/// Characters that start editing a cell when typed in mark entry (`o`
/// and `O` are `°` for keyboards without it).
pub fn starts_mark(c: char) -> bool {
    matches!(
        c,
        '2'..='5' | 'Н' | 'н' | 'H' | 'n' | 'N' | '*' | '°' | 'o' | 'O'
    )
}

fn plain(ev: &KeyEvent) -> bool {
    !ev.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

impl JournalPane {
    /// Keys the journal grid takes before the keymap: the popups, the cell
    /// editor, and marks typed on the grid. Passes what the keymap is to
    /// have.
    pub fn key(&mut self, ev: &KeyEvent, ctx: &mut Ctx) -> Effect {
        // The lesson form is the shared form component (the `form` mode).
        if self.lesson_form.is_some() {
            return Effect::Pass;
        }
        if self.popup.is_some() {
            self.journal_popup_key(ctx, ev);
            return Effect::Done;
        }
        if let Some(edit) = &mut self.edit {
            match ev.code {
                KeyCode::Enter => self.journal_commit_edit(ctx),
                KeyCode::Esc => {
                    let target = edit.target;
                    self.edit = None;
                    match target {
                        EditTarget::Date => {}
                        EditTarget::Final => ctx.flash("reverted: the final grade keeps its value"),
                        _ => ctx.flash("reverted: the cell keeps its value"),
                    }
                }
                KeyCode::Backspace => {
                    edit.text.pop();
                }
                KeyCode::Char(c) if plain(ev) && edit.text.chars().count() < 40 => {
                    edit.text.push(c)
                }
                _ => {}
            }
            return Effect::Done;
        }
        // Outside mark entry the keymap has every key.
        if !self.focus || self.view.is_none() {
            return Effect::Pass;
        }
        match ev.code {
            KeyCode::Char(c) if plain(ev) && starts_mark(c) => {
                let c = if matches!(c, 'o' | 'O') { '°' } else { c };
                // Typing replaces.
                let target = if self.anchor.is_some() {
                    EditTarget::Selection
                } else {
                    EditTarget::Cell
                };
                self.journal_start_edit(ctx, target, c.to_string());
                Effect::Done
            }
            KeyCode::Char(c) if plain(ev) && c.is_ascii_digit() => Effect::Flash(format!(
                "not saved: {} (mark entry; Esc leaves it, then {c} is a key again)",
                MarkError::BadSymbol(c.to_string())
            )),
            _ => Effect::Pass,
        }
    }

    /// Paste into the cell being edited.
    pub fn paste(&mut self, text: &str) -> bool {
        match &mut self.edit {
            Some(e) => {
                e.text.push_str(text);
                true
            }
            None => false,
        }
    }

    /// Esc on the grid: drop the selection, else leave the grid.
    pub(crate) fn journal_cancel(&mut self, ctx: &mut Ctx) {
        if self.anchor.take().is_some() {
            return;
        }
        if self.focus {
            self.leave_grid();
            let key = ctx.keymap.key_name(Mode::Journal, &Action::MarkEntry);
            ctx.flash(format!(
                "left mark entry: 1–7 switch tabs again; {key} enters marks"
            ));
        }
    }

    /// The journal's own actions.
    pub(crate) fn journal_action(&mut self, ctx: &mut Ctx, action: &Action) -> Effect {
        if self.view.is_none() {
            return Effect::Flash("no journal to edit: choose a class, subject and period".into());
        }
        // Choosing a group leaves the grid's focus as it was.
        if *action == Action::PickGroup {
            let groups = self
                .view
                .as_ref()
                .map(|v| v.groups.clone())
                .unwrap_or_default();
            if groups.is_empty() {
                return Effect::Flash(
                    "this subject is taught to the whole class: no groups to choose".into(),
                );
            }
            let current = self
                .group
                .and_then(|g| groups.iter().position(|x| x.0 == g))
                .map_or(0, |i| i + 1);
            let items = std::iter::once("All groups".to_string())
                .chain(groups.into_iter().map(|g| g.1))
                .collect();
            return Effect::picker(PickTarget::JournalGroup, "Choose the group", items, current);
        }
        match action {
            // The status line says so while it lasts.
            Action::MarkEntry => self.focus = true,
            Action::EditCell => {
                self.focus = true;
                let target = if self.anchor.is_some() {
                    EditTarget::Selection
                } else {
                    EditTarget::Cell
                };
                let text = match self.current_cell() {
                    Some(MarkCell::Marks(m)) if target == EditTarget::Cell => m.clone(),
                    _ => String::new(),
                };
                self.journal_start_edit(ctx, target, text);
            }
            Action::SetSelected => {
                if self.anchor.is_none() {
                    return Effect::Flash("select cells first: v, then move".into());
                }
                self.journal_start_edit(ctx, EditTarget::Selection, String::new());
            }
            Action::EditFinal => {
                let text = self
                    .current_student()
                    .and_then(|s| s.final_grade.clone())
                    .unwrap_or_default();
                self.edit = Some(CellEdit {
                    target: EditTarget::Final,
                    text,
                });
            }
            Action::ClearCell => {
                let cells = self.target_cells(self.anchor.is_some());
                self.journal_write_cells(ctx, cells, CellInput::text(""), "cleared");
            }
            Action::SelectRange => {
                self.anchor = match self.anchor {
                    Some(_) => None,
                    None => Some((self.row, self.col)),
                };
            }
            Action::FillDown => self.journal_fill_down(ctx),
            Action::EditLesson => self.journal_open_lesson_form(ctx),
            Action::GoDate => {
                self.edit = Some(CellEdit {
                    target: EditTarget::Date,
                    text: String::new(),
                });
            }
            Action::PickForm => {
                let r = crate::store::curriculum::control_forms(ctx.conn());
                let forms = match r {
                    Ok(f) => f,
                    Err(e) => {
                        return Effect::Flash(format!("could not read the forms of control: {e}"));
                    }
                };
                let items = forms
                    .iter()
                    .map(|f| format!("{} (weight {})", f.name, f.weight))
                    .collect();
                self.forms = forms;
                return Effect::picker(
                    PickTarget::ControlForm,
                    "Form of control (weight)",
                    items,
                    0,
                );
            }
            Action::GoToday => {
                let today = ctx.working_date;
                if let Some(v) = &self.view {
                    match v.lessons.iter().rposition(|l| l.lesson.date <= today) {
                        Some(c) => self.col = c,
                        None => ctx.flash("no lesson of this period up to today"),
                    }
                }
            }
            _ => {}
        }
        Effect::Done
    }

    fn journal_start_edit(&mut self, ctx: &mut Ctx, target: EditTarget, text: String) {
        if self
            .view
            .as_ref()
            .is_none_or(|v| v.lessons.is_empty() || v.students.is_empty())
        {
            ctx.flash("not saved: this period has no lessons (or no students) to mark");
            return;
        }
        if target == EditTarget::Cell
            && matches!(self.current_cell(), Some(MarkCell::NotEnrolled) | None)
        {
            let who = self
                .current_student()
                .map_or(String::new(), |s| s.name.clone());
            ctx.flash(format!(
                "not saved: {who} was not in the class (or the lesson's group) that day"
            ));
            return;
        }
        self.edit = Some(CellEdit { target, text });
    }

    /// A group was chosen (0: all groups): its lessons and students only.
    pub(crate) fn journal_pick_group(&mut self, ctx: &mut Ctx, i: usize) {
        let groups = self
            .view
            .as_ref()
            .map(|v| v.groups.clone())
            .unwrap_or_default();
        self.group = i.checked_sub(1).and_then(|i| groups.get(i)).map(|g| g.0);
        self.load_view(ctx);
    }

    /// A form was chosen: apply it to the cell's marks (or the selection's),
    /// or keep it for the next mark typed.
    pub(crate) fn journal_pick_form(&mut self, ctx: &mut Ctx, i: usize) {
        if self.lesson_form.is_some() {
            self.journal_pick_lesson_control(i);
            return;
        }
        let Some(form) = self.forms.get(i).cloned() else {
            return;
        };
        let selection = self.anchor.is_some();
        let cells: Vec<(LessonRef, Id, String)> = self
            .target_cells_with_text(selection)
            .into_iter()
            .filter(|(_, _, t)| !t.is_empty())
            .collect();
        if cells.is_empty() {
            ctx.flash(format!(
                "{} (weight {}): type the mark, it will be entered with this form",
                form.name, form.weight
            ));
            self.next_form = Some(form);
            return;
        }
        let n = cells.len();
        let saved = ctx.write(format!("form {} for {n} cell(s)", form.name), |tx, op| {
            let mut ids = Vec::new();
            for (lref, sid, text) in &cells {
                let input = CellInput {
                    text: text.clone(),
                    form_id: Some(form.id),
                    ..CellInput::default()
                };
                let w = svc::set_cell(tx, op, *lref, *sid, &input).map_err(StoreError::from)?;
                ids.extend(w.audit);
            }
            Ok(((), ids))
        });
        if saved.is_some() {
            ctx.flash(format!(
                "saved: {} (weight {}) for {n} cell(s)",
                form.name, form.weight
            ));
        }
    }

    fn journal_commit_edit(&mut self, ctx: &mut Ctx) {
        let Some(edit) = self.edit.take() else {
            return;
        };
        if edit.target == EditTarget::Final {
            self.journal_save_final(ctx, &edit.text);
            return;
        }
        if edit.target == EditTarget::Date {
            self.journal_go_date(ctx, &edit.text);
            return;
        }
        let input = CellInput {
            text: edit.text.clone(),
            form_id: self.next_form.as_ref().map(|f| f.id),
            ..CellInput::default()
        };
        match svc::check_cell(&input, &[]) {
            Err(MarkError::PendingIncomplete) => {
                let intended = edit
                    .text
                    .split(['/', ',', ' '])
                    .find_map(|t| t.strip_prefix('*').filter(|r| !r.is_empty()))
                    .unwrap_or("")
                    .to_string();
                let deadline = ctx.working_date + chrono::Days::new(7);
                self.popup = Some(JournalPopup::Pending {
                    target: edit.target,
                    text: edit.text,
                    field: usize::from(!intended.is_empty()),
                    intended,
                    deadline: deadline.format("%d.%m.%Y").to_string(),
                });
            }
            Err(MarkError::DeferredWithoutComment) => {
                self.popup = Some(JournalPopup::Deferred {
                    target: edit.target,
                    text: edit.text,
                    comment: String::new(),
                });
            }
            Err(e) => ctx.flash(format!("not saved: {e}")),
            Ok(_) => self.journal_save(ctx, edit.target, input),
        }
    }

    fn journal_save(&mut self, ctx: &mut Ctx, target: EditTarget, input: CellInput) {
        let selection = target == EditTarget::Selection;
        let cells: Vec<(LessonRef, Id)> = self.target_cells(selection);
        let what = if input.text.trim().is_empty() {
            "cleared".to_string()
        } else {
            input.text.trim().to_string()
        };
        if self.journal_write_cells(ctx, cells, input, &what) {
            self.next_form = None;
            if selection {
                self.anchor = None;
            } else {
                // Enter moves down.
                let n = self.view.as_ref().map_or(0, |v| v.students.len());
                self.row = (self.row + 1).min(n.saturating_sub(1));
            }
        }
    }

    /// Write `input` into `cells` as one change; says what happened.
    fn journal_write_cells(
        &mut self,
        ctx: &mut Ctx,
        cells: Vec<(LessonRef, Id)>,
        input: CellInput,
        what: &str,
    ) -> bool {
        if cells.is_empty() {
            ctx.flash("no cell to write: the students were not in the class on those days");
            return false;
        }
        let n = cells.len();
        let place = self.place_label(n);
        let read_at = self.read_at;
        let names: Vec<(Id, String)> = self
            .view
            .as_ref()
            .map(|v| {
                v.students
                    .iter()
                    .map(|s| (s.student_id, s.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut conflict = false;
        let saved = ctx.write(format!("{what} {place}"), |tx, op| {
            // No silent overwrite: a cell someone else changed after this
            // screen read it is refused (and shown again).
            for (lref, sid) in &cells {
                if let LessonRef::Id(lesson) = lref {
                    refuse_unseen_change(tx, read_at, *lesson, *sid, &names).inspect_err(|_| {
                        conflict = true;
                    })?;
                }
            }
            let mut ids = Vec::new();
            for (lref, sid) in &cells {
                let w = svc::set_cell(tx, op, *lref, *sid, &input).map_err(StoreError::from)?;
                ids.extend(w.audit);
            }
            Ok(((), ids))
        });
        if saved.is_some() {
            self.read_again_written(ctx, &cells);
            ctx.flash(format!("saved: {what} {place}"));
            true
        } else {
            if conflict {
                ctx.read_again();
            }
            false
        }
    }

    /// After a write to `cells`: when they are all of recorded lessons and
    /// nothing anyone else wrote came between this screen's reading and the
    /// write, only the students written are read again (their cells and
    /// standing); otherwise the whole journal is, as after any write.
    fn read_again_written(&mut self, ctx: &mut Ctx, cells: &[(LessonRef, Id)]) {
        let Some((before, now)) = ctx.in_step() else {
            return;
        };
        if before != self.read_at || cells.iter().any(|(l, _)| !matches!(l, LessonRef::Id(_))) {
            return;
        }
        let Some(view) = self.view.as_mut() else {
            return;
        };
        let mut students: Vec<Id> = cells.iter().map(|(_, s)| *s).collect();
        students.sort_unstable();
        students.dedup();
        if svc::refresh_students(ctx.conn(), view, &students, ctx.working_date).is_ok() {
            self.read_at = now;
            ctx.patched(now);
        }
    }

    /// Put the cursor on the first lesson on or after a date typed as
    /// DD.MM, DD.MM.YYYY or YYYY-MM-DD (DD.MM in the period's school year).
    fn journal_go_date(&mut self, ctx: &mut Ctx, text: &str) {
        let Some(v) = &self.view else { return };
        // The one reading of typed dates; DD.MM in the school year.
        let start = ctx.year.map_or(v.period.starts_on, |y| y.starts_on);
        let date = match dates::parse_in_year(text, start) {
            Ok(d) => d,
            Err(e) => {
                ctx.flash(e);
                return;
            }
        };
        match v.lessons.iter().position(|l| l.lesson.date >= date) {
            Some(c) if v.period.contains(date) => self.col = c,
            _ => ctx.flash(format!(
                "{} is not in {} ({}–{}): choose another period with p",
                date.format("%d.%m.%Y"),
                v.period.label,
                v.period.starts_on.format("%d.%m.%Y"),
                v.period.ends_on.format("%d.%m.%Y")
            )),
        }
    }

    fn journal_fill_down(&mut self, ctx: &mut Ctx) {
        let Some(v) = &self.view else { return };
        let (r0, r1, c0, c1) = match self.selection() {
            Some(s) => s,
            None if self.row > 0 => (self.row - 1, self.row, self.col, self.col),
            None => {
                ctx.flash("fill down: nothing above the first row");
                return;
            }
        };
        // The view may have changed since the selection began.
        let r1 = r1.min(v.students.len().saturating_sub(1));
        let c1 = c1.min(v.lessons.len().saturating_sub(1));
        let mut groups: Vec<(String, Vec<(LessonRef, Id)>)> = Vec::new();
        for c in c0..=c1 {
            let Some(top) = v.students.get(r0).and_then(|s| s.cells.get(c)) else {
                continue;
            };
            let text = match top {
                MarkCell::Marks(m) => m.clone(),
                MarkCell::Empty => String::new(),
                MarkCell::NotEnrolled => continue,
            };
            let cells = (r0 + 1..=r1)
                .filter(|r| {
                    v.students[*r]
                        .cells
                        .get(c)
                        .is_some_and(|x| !matches!(x, MarkCell::NotEnrolled))
                })
                .map(|r| (v.lessons[c].reference(), v.students[r].student_id))
                .collect();
            groups.push((text, cells));
        }
        if groups.iter().all(|(_, c)| c.is_empty()) {
            ctx.flash("fill down: no cells below to fill");
            return;
        }
        let n: usize = groups.iter().map(|(_, c)| c.len()).sum();
        let saved = ctx.write(format!("fill down into {n} cell(s)"), |tx, op| {
            let mut ids = Vec::new();
            for (text, cells) in &groups {
                for (lref, sid) in cells {
                    let w = svc::set_cell(tx, op, *lref, *sid, &CellInput::text(text.clone()))
                        .map_err(StoreError::from)?;
                    ids.extend(w.audit);
                }
            }
            Ok(((), ids))
        });
        if saved.is_some() {
            self.anchor = None;
            ctx.flash(format!("saved: filled down into {n} cell(s)"));
        }
    }

    fn journal_save_final(&mut self, ctx: &mut Ctx, text: &str) {
        let grade = match svc::parse_final(text) {
            Ok(g) => g,
            Err(e) => {
                ctx.flash(format!("not saved: {e}"));
                return;
            }
        };
        let (Some(v), Some(s)) = (self.view.clone(), self.current_student().cloned()) else {
            return;
        };
        let today = ctx.working_date;
        let label = grade.clone().unwrap_or_else(|| "cleared".into());
        let saved = ctx.write(format!("final grade {label} for {}", s.name), |tx, op| {
            let ids = svc::set_final_grade(
                tx,
                op,
                (&v.class, &v.subject, &v.period),
                s.student_id,
                grade.as_deref(),
                today,
            )?;
            Ok(((), ids))
        });
        if saved.is_some() {
            ctx.flash(format!(
                "saved: final grade {label} for {} (suggested {})",
                s.name,
                svc::suggestion_text(&s.suggestion)
            ));
            let n = v.students.len();
            self.row = (self.row + 1).min(n.saturating_sub(1));
        }
    }

    fn journal_popup_key(&mut self, ctx: &mut Ctx, ev: &KeyEvent) {
        let Some(mut popup) = self.popup.take() else {
            return;
        };
        match ev.code {
            KeyCode::Esc => {
                ctx.flash("reverted: the cell keeps its value");
                return;
            }
            KeyCode::Enter => {
                let (target, input) = match &popup {
                    JournalPopup::Pending {
                        target,
                        text,
                        intended,
                        deadline,
                        ..
                    } => {
                        let start = ctx.year.map_or(ctx.working_date, |y| y.starts_on);
                        let Ok(deadline) = dates::parse_in_year(deadline, start) else {
                            ctx.flash(format!(
                                "«{deadline}» is not a date: type the deadline as DD.MM.YYYY"
                            ));
                            self.popup = Some(popup);
                            return;
                        };
                        let intended = match intended.trim().parse::<u8>() {
                            Ok(v @ 2..=5) => v,
                            _ => {
                                ctx.flash(format!(
                                    "«{}» is not a mark: the intended mark is 2, 3, 4 or 5",
                                    intended.trim()
                                ));
                                self.popup = Some(popup);
                                return;
                            }
                        };
                        (
                            *target,
                            CellInput {
                                text: text.clone(),
                                intended: Some(intended),
                                deadline: Some(deadline),
                                form_id: self.next_form.as_ref().map(|f| f.id),
                                ..CellInput::default()
                            },
                        )
                    }
                    JournalPopup::Deferred {
                        target,
                        text,
                        comment,
                    } => {
                        if comment.trim().is_empty() {
                            ctx.flash("a deferred mark (°) needs a comment: why, and until when");
                            self.popup = Some(popup);
                            return;
                        }
                        (
                            *target,
                            CellInput {
                                text: text.clone(),
                                comment: Some(comment.clone()),
                                form_id: self.next_form.as_ref().map(|f| f.id),
                                ..CellInput::default()
                            },
                        )
                    }
                };
                if let Err(e) = svc::check_cell(&input, &[]) {
                    ctx.flash(format!("not saved: {e}"));
                    self.popup = Some(popup);
                    return;
                }
                self.journal_save(ctx, target, input);
                return;
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                if let JournalPopup::Pending { field, .. } = &mut popup {
                    *field = 1 - *field;
                }
            }
            KeyCode::Backspace => match &mut popup {
                JournalPopup::Pending {
                    field,
                    intended,
                    deadline,
                    ..
                } => {
                    if *field == 0 {
                        intended.pop();
                    } else {
                        deadline.pop();
                    }
                }
                JournalPopup::Deferred { comment, .. } => {
                    comment.pop();
                }
            },
            KeyCode::Char(c) if plain(ev) => match &mut popup {
                JournalPopup::Pending {
                    field,
                    intended,
                    deadline,
                    ..
                } => {
                    if *field == 0 {
                        *intended = c.to_string();
                        *field = 1;
                    } else if deadline.chars().count() < 10 || c == '.' {
                        deadline.push(c);
                    }
                }
                JournalPopup::Deferred { comment, .. } => {
                    if comment.chars().count() < 200 {
                        comment.push(c);
                    }
                }
            },
            _ => {}
        }
        self.popup = Some(popup);
    }
}

impl super::journal::JournalPane {
    /// The cell under the cursor.
    pub fn current_cell(&self) -> Option<&MarkCell> {
        self.view
            .as_ref()?
            .students
            .get(self.row)?
            .cells
            .get(self.col)
    }

    /// The student of the cursor's row.
    pub fn current_student(&self) -> Option<&svc::JournalStudent> {
        self.view.as_ref()?.students.get(self.row)
    }

    /// Leave the grid: typed digits switch tabs again.
    pub fn leave_grid(&mut self) {
        self.focus = false;
        self.anchor = None;
        self.edit = None;
        self.popup = None;
        self.lesson_form = None;
    }

    /// The selection as (first row, last row, first column, last column).
    pub fn selection(&self) -> Option<(usize, usize, usize, usize)> {
        let (ar, ac) = self.anchor?;
        Some((
            ar.min(self.row),
            ar.max(self.row),
            ac.min(self.col),
            ac.max(self.col),
        ))
    }

    pub fn selected(&self, row: usize, col: usize) -> bool {
        self.selection()
            .is_some_and(|(r0, r1, c0, c1)| (r0..=r1).contains(&row) && (c0..=c1).contains(&col))
    }

    /// The cells an edit writes: the selection's (students enrolled that
    /// day only) or the cursor's.
    fn target_cells(&self, selection: bool) -> Vec<(LessonRef, Id)> {
        self.target_cells_with_text(selection)
            .into_iter()
            .map(|(l, s, _)| (l, s))
            .collect()
    }

    fn target_cells_with_text(&self, selection: bool) -> Vec<(LessonRef, Id, String)> {
        let Some(v) = &self.view else { return vec![] };
        let (r0, r1, c0, c1) = match (selection, self.selection()) {
            (true, Some(s)) => s,
            _ => (self.row, self.row, self.col, self.col),
        };
        let mut out = Vec::new();
        for c in c0..=c1.min(v.lessons.len().saturating_sub(1)) {
            for r in r0..=r1.min(v.students.len().saturating_sub(1)) {
                let text = match v.students[r].cells.get(c) {
                    Some(MarkCell::Marks(m)) => m.clone(),
                    Some(MarkCell::Empty) => String::new(),
                    _ => continue,
                };
                out.push((v.lessons[c].reference(), v.students[r].student_id, text));
            }
        }
        out
    }

    /// "for Иванов Иван, 23.12" or "in 6 cells".
    fn place_label(&self, n: usize) -> String {
        let Some(v) = &self.view else {
            return String::new();
        };
        if n == 1
            && self.anchor.is_none()
            && let (Some(s), Some(l)) = (v.students.get(self.row), v.lessons.get(self.col))
        {
            return format!("for {}, {}", s.name, dates::short(l.lesson.date));
        }
        format!("in {n} cells")
    }
}
