//! Attendance: one class on one school day (students × that day's lessons,
//! editable: one keystroke sets a code), the class over a period (students ×
//! school days, each cell a day's summary, Enter opens the day), and the
//! reasons still to give for a day.
//!
//! A blank cell of the day grid is present; lessons whose attendance was not
//! taken are marked. Code keys come from the code table: the key itself, or
//! the Latin letter on the same physical key of a ЙЦУКЕН keyboard (`y` for
//! `н`); keys bound to actions always win, so codes never shadow navigation.

mod view;

use std::cell::Cell;

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::domain::attendance::{AttendanceCode, Category};
use crate::domain::{Id, LessonMode};
use crate::service::attendance::{
    self as att, DayCell, DaySummary, DayView, PeriodView, ReasonChoice, ReasonToGive,
};
use crate::store;
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Pane, PickTarget, refuse_unseen_change};
use crate::ui::dates;
use crate::ui::keymap::Mode;
use crate::ui::text::{fit, put, width};
use crate::ui::widgets::form::{Field, Form, Outcome};
use crate::ui::widgets::grid::{Column, Grid};
use crate::ui::widgets::table::Table;

/// What the attendance tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Class × day, editable.
    #[default]
    Day,
    /// Class × period: a day's summary per cell.
    Period,
    /// The reasons still to give on the day.
    Reasons,
    /// The code table: list, add, edit, hide.
    Codes,
    /// Online teaching: the device census and follow-ups.
    Online,
    /// The working day's lessons whose attendance is not taken, per teacher.
    NotTaken,
}

/// What the follow-up form of the online view saves: a follow-up of
/// this student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupKind {
    pub student_id: Id,
    pub name: String,
}

/// The follow-up form (the shared form component): date, by, how, note.
pub type FollowupForm = Form<FollowupKind>;

/// What the code table's form saves: the code being edited, or `None`
/// to add one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeKind {
    pub id: Option<Id>,
}

/// The add/edit form of the code table screen (the shared form component).
pub type CodeForm = Form<CodeKind>;

/// The labels of the code form's fields.
pub const CODE_FIELDS: [&str; 6] = ["Code", "Label", "Category", "Reason", "Key", "Order"];

/// How a reason is shown in the code form ("—": none).
fn reason_label(r: Option<crate::domain::attendance::Reason>) -> String {
    r.map_or("—".to_string(), |r| r.as_str().replace('_', " "))
}

/// The code a filled-in code form describes.
fn code_draft(f: &CodeForm) -> Result<att::CodeDraft, String> {
    let sort = f
        .value("Order")
        .parse::<i64>()
        .map_err(|_| format!("the order «{}» is not a whole number", f.value("Order")))?;
    let category = Category::ALL
        .iter()
        .copied()
        .find(|c| c.label() == f.value("Category"))
        .unwrap_or(Category::ALL[0]);
    let reason = crate::domain::attendance::Reason::ALL
        .iter()
        .copied()
        .find(|r| reason_label(Some(*r)) == f.value("Reason"));
    Ok(att::CodeDraft {
        // The code and label as typed (the service checks them).
        code: f.fields[0].value.clone(),
        label: f.fields[1].value.clone(),
        category,
        reason,
        key: Some(f.value("Key").to_string()).filter(|k| !k.is_empty()),
        sort,
    })
}

/// The attendance tab's state.
#[derive(Debug, Default)]
pub struct AttendancePane {
    /// Cells (lesson id, student id) someone else changed, marked until the
    /// next key; `mark_changes`: the next reading is because of them.
    pub changed: std::collections::HashSet<(Id, Id)>,
    pub mark_changes: bool,
    pub date: NaiveDate,
    /// The audit log's newest entry when the day was read: a cell someone
    /// else changed after it is not overwritten unseen.
    pub read_at: i64,
    /// The date being typed after `d` (go to a date), with its error.
    pub date_input: Option<(String, Option<String>)>,
    pub view: Option<DayView>,
    pub row: usize,
    pub col: usize,
    pub loaded: bool,
    pub(crate) row_offset: Cell<usize>,
    pub(crate) col_offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
    /// Which grid or list is on screen.
    pub show: Show,
    /// The other corner of the range being selected with `v`.
    pub anchor: Option<(usize, usize)>,
    /// The code table (hidden codes included, for display).
    pub codes: Vec<AttendanceCode>,
    /// The period of the period grid (index into `Ctx::periods`).
    pub period_idx: Option<usize>,
    pub period: Option<PeriodView>,
    pub prow: usize,
    pub pcol: usize,
    pub(crate) prow_offset: Cell<usize>,
    pub(crate) pcol_offset: Cell<usize>,
    pub(crate) ppage: Cell<usize>,
    pub reasons: Vec<ReasonToGive>,
    pub rrow: usize,
    pub(crate) roffset: Cell<usize>,
    /// The code table screen's cursor, the uses of each code, and the form.
    pub crow: usize,
    pub(crate) coffset: Cell<usize>,
    pub code_uses: Vec<i64>,
    pub form: Option<CodeForm>,
    /// The online view: census rows, cursor, the "cannot attend" filter,
    /// staff for follow-ups, and the follow-up form.
    pub census: Vec<att::CensusRow>,
    pub orow: usize,
    pub ocol: usize,
    pub(crate) ooffset: Cell<usize>,
    pub cannot_only: bool,
    pub staff: Vec<(Id, String)>,
    pub followup: Option<FollowupForm>,
    /// The "not taken yet" list and its cursor.
    pub not_taken: Vec<att::NotTaken>,
    pub nrow: usize,
    pub(crate) noffset: Cell<usize>,
}

impl AttendancePane {
    pub(crate) fn set_view(&mut self, view: Option<DayView>) {
        self.changed = match (&self.view, &view, std::mem::take(&mut self.mark_changes)) {
            (Some(old), Some(new), true)
                if old.date == new.date && old.class.id == new.class.id =>
            {
                fn cells(v: &DayView) -> Vec<((crate::domain::Id, crate::domain::Id), &DayCell)> {
                    v.students
                        .iter()
                        .flat_map(|s| {
                            v.lessons
                                .iter()
                                .zip(&s.cells)
                                .map(move |(l, c)| ((l.lesson.id, s.student_id), c))
                        })
                        .collect()
                }
                crate::ui::component::changed_cells(cells(old), cells(new), |c| {
                    matches!(
                        c,
                        DayCell::Present | DayCell::NotTaken | DayCell::NotEnrolled
                    )
                })
            }
            _ => Default::default(),
        };
        if let Some(v) = &view {
            self.row = self.row.min(v.students.len().saturating_sub(1));
            self.col = self.col.min(v.lessons.len().saturating_sub(1));
        }
        self.view = view;
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        match self.show {
            Show::Day => {
                let Some(v) = &self.view else { return };
                self.row = super::step_rows(self.row, v.students.len(), action, self.page.get());
                self.col = super::step_cols(self.col, v.lessons.len(), action);
            }
            Show::Period => {
                let Some(v) = &self.period else { return };
                self.prow = super::step_rows(self.prow, v.students.len(), action, self.ppage.get());
                self.pcol = super::step_cols(self.pcol, v.days.len(), action);
            }
            Show::Reasons => {
                self.rrow = super::step_rows(self.rrow, self.reasons.len(), action, 10);
            }
            Show::Codes => {
                self.crow = super::step_rows(self.crow, self.codes.len(), action, 10);
            }
            Show::NotTaken => {
                self.nrow = super::step_rows(self.nrow, self.not_taken.len(), action, 10);
            }
            Show::Online => {
                self.orow = super::step_rows(self.orow, self.census.len(), action, 10);
                self.ocol = super::step_cols(self.ocol, att::Device::ALL.len(), action);
            }
        }
    }

    /// The go-to-date prompt is open and takes every key (the forms are
    /// the shared form component, in the keymap's `form` mode).
    pub fn takes_keys(&self) -> bool {
        self.date_input.is_some()
    }

    /// The selected block (rows, columns), inclusive: the range from the
    /// anchor to the cursor, or the cursor's cell.
    pub fn selection(&self) -> ((usize, usize), (usize, usize)) {
        let (ar, ac) = self.anchor.unwrap_or((self.row, self.col));
        (
            (ar.min(self.row), ar.max(self.row)),
            (ac.min(self.col), ac.max(self.col)),
        )
    }

    /// The code a typed character stands for: the code table's key itself
    /// (any case), else the Cyrillic letter on the same physical key of a
    /// ЙЦУКЕН keyboard.
    /// How a recorded code is written in the grid: its symbol, and when
    /// several codes share the symbol (five kinds of Н), the symbol with
    /// the code's key after it ("Нз" excused for health, "Ну" without
    /// cause), so they differ without colour.
    pub fn shown_code(&self, code_id: Id, code: &str) -> String {
        let Some(c) = self.codes.iter().find(|k| k.id == code_id) else {
            return code.to_string();
        };
        let shared = self.codes.iter().filter(|k| k.code == c.code).count() > 1;
        match &c.key {
            Some(key) if shared => format!("{}{key}", c.code),
            _ => c.code.clone(),
        }
    }

    pub fn code_for_key(&self, c: char) -> Option<&AttendanceCode> {
        let lower: String = c.to_lowercase().collect();
        let visible = || self.codes.iter().filter(|k| !k.hidden);
        visible()
            .find(|k| k.key.as_deref() == Some(lower.as_str()))
            .or_else(|| {
                let cyr = latin_to_cyrillic(c.to_ascii_lowercase())?.to_string();
                visible().find(|k| k.key.as_deref() == Some(cyr.as_str()))
            })
    }
}

/// The Cyrillic letter on the same key of a ЙЦУКЕН keyboard as `c` on QWERTY.
pub fn latin_to_cyrillic(c: char) -> Option<char> {
    const LAT: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.";
    const CYR: &str = "йцукенгшщзхъфывапролджэячсмитьбю";
    LAT.chars()
        .position(|k| k == c)
        .and_then(|i| CYR.chars().nth(i))
}

impl Pane for AttendancePane {
    /// Its forms have the `form` mode; else the attendance keys.
    fn mode(&self) -> Mode {
        if self.form.is_some() || self.followup.is_some() {
            Mode::Form
        } else {
            Mode::Attendance
        }
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Read the class's day, and what the view on screen shows besides.
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let (Some(class), Some(year)) = (ctx.class(), ctx.year) else {
            self.view = None;
            return;
        };
        self.read_at = store::audit::last_id(ctx.conn()).unwrap_or(0);
        let view = match att::load(ctx.conn(), class, year, self.date) {
            Ok(v) => Some(v),
            Err(e) => {
                ctx.flash(format!("could not read attendance: {e}"));
                None
            }
        };
        self.set_view(view);
        // attendance: codes, period grid, reasons
        self.load_extra(ctx);
    }

    /// An open form takes every action; else the tab's own keys, the days
    /// and the cursor; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        if self.form.is_some() || self.followup.is_some() {
            self.attendance_form_update(ctx, action.clone());
            return Effect::Done;
        }
        match self.attendance_update(ctx, action) {
            Effect::Pass => {}
            effect => return effect,
        }
        match action {
            Action::PrevDay | Action::NextDay => self.step_day(*action == Action::NextDay, ctx),
            Action::GoDate => self.date_input = Some((String::new(), None)),
            Action::GoToday => self.go_today(ctx),
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => self.move_cursor(action),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    fn pick(&mut self, target: PickTarget, i: usize, ctx: &mut Ctx) -> Effect {
        match target {
            PickTarget::AttCode | PickTarget::AttReason => {
                self.attendance_pick(ctx, target, i);
                Effect::Done
            }
            _ => Effect::Pass,
        }
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        view::draw(self, ctx, area, buf);
    }
}

impl AttendancePane {
    /// The next (or previous) school day.
    pub fn step_day(&mut self, forward: bool, ctx: &mut Ctx) {
        let Some(year) = ctx.year else {
            return;
        };
        match att::step_school_day(ctx.conn(), year, self.date, forward) {
            Ok(Some(d)) => {
                self.date = d;
                self.load(ctx);
            }
            Ok(None) => ctx.flash(if forward {
                "the school year ends here"
            } else {
                "the school year starts here"
            }),
            Err(e) => ctx.flash(format!("could not read the calendar: {e}")),
        }
    }

    /// The working date (inside the school year).
    pub fn go_today(&mut self, ctx: &mut Ctx) {
        self.date = ctx.year.map_or(ctx.working_date, |y| {
            ctx.working_date.clamp(y.starts_on, y.ends_on)
        });
        self.load(ctx);
    }

    /// The class's day `date` with the cursor on the lesson (by id, else by
    /// number) and the student.
    pub fn open_cell(
        &mut self,
        ctx: &mut Ctx,
        date: NaiveDate,
        (lesson_no, lesson_id): (u8, Id),
        student_id: Option<Id>,
    ) {
        self.date = date;
        self.show = Show::default();
        self.load(ctx);
        if let Some(v) = &self.view {
            let col = v
                .lessons
                .iter()
                .position(|l| l.lesson.id == lesson_id)
                .or_else(|| {
                    v.lessons
                        .iter()
                        .position(|l| l.lesson.lesson_no == lesson_no)
                });
            if let Some(c) = col {
                self.col = c;
            }
            if let Some(s) = student_id
                && let Some(r) = v.students.iter().position(|st| st.student_id == s)
            {
                self.row = r;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// State changes (called from `Pane::handle` and the raw keys the app passes on).

impl AttendancePane {
    /// Open `view` from the day grid, or go back to the day grid when it is
    /// already open; the selection is dropped and the view read again.
    fn toggle_attendance_view(&mut self, ctx: &mut Ctx, view: Show) -> Effect {
        self.anchor = None;
        self.show = if self.show == view { Show::Day } else { view };
        self.load(ctx);
        Effect::Done
    }

    /// The attendance tab's own handling of an action; `true` when it used
    /// it (the general handling is skipped).
    pub(crate) fn attendance_update(&mut self, ctx: &mut Ctx, action: &Action) -> Effect {
        let show = self.show;
        match action {
            Action::Cancel if self.anchor.is_some() => {
                self.anchor = None;
                Effect::Done
            }
            Action::Cancel if show != Show::Day => {
                self.show = Show::Day;
                self.load(ctx);
                Effect::Done
            }
            Action::AttPeriodGrid => {
                self.anchor = None;
                // Open on the day and the student of the day grid.
                self.pcol = usize::MAX;
                let sid = self
                    .view
                    .as_ref()
                    .and_then(|v| v.students.get(self.row))
                    .map(|s| s.student_id);
                self.show = if show == Show::Period {
                    Show::Day
                } else {
                    Show::Period
                };
                self.load(ctx);
                if let (Some(sid), Some(v)) = (sid, &self.period)
                    && let Some(r) = v.students.iter().position(|s| s.student_id == sid)
                {
                    self.prow = r;
                }
                Effect::Done
            }
            Action::AttReasons => self.toggle_attendance_view(ctx, Show::Reasons),
            Action::AttCodes => self.toggle_attendance_view(ctx, Show::Codes),
            Action::AttNotTaken => self.toggle_attendance_view(ctx, Show::NotTaken),
            Action::PrevDay | Action::NextDay if show == Show::NotTaken => Effect::Done,
            Action::AttDevices => self.toggle_attendance_view(ctx, Show::Online),
            Action::AttCannotOnline if show == Show::Online => {
                self.cannot_only = !self.cannot_only;
                self.orow = 0;
                self.load(ctx);
                Effect::Done
            }
            Action::Confirm if show == Show::Online => {
                self.toggle_device(ctx);
                Effect::Done
            }
            Action::AttTakeLesson if show == Show::Online => {
                self.open_followup_form(ctx);
                Effect::Done
            }
            Action::Confirm if show == Show::Codes => {
                self.open_code_form(false);
                Effect::Done
            }
            Action::AttTakeLesson if show == Show::Codes => {
                self.open_code_form(true);
                Effect::Done
            }
            Action::AttClear if show == Show::Codes => {
                self.hide_or_delete_code(ctx);
                Effect::Done
            }
            Action::PrevDay | Action::NextDay if show == Show::Codes => Effect::Done,
            Action::AttCannotOnline => {
                ctx.flash("this works in the online view (D)");
                Effect::Done
            }
            Action::PrevDay | Action::NextDay if show == Show::Period => {
                self.step_period(ctx, *action == Action::NextDay);
                Effect::Done
            }
            Action::Confirm => match show {
                Show::Day => self.open_code_picker(),
                Show::Period => {
                    self.open_period_day(ctx);
                    Effect::Done
                }
                Show::Reasons => self.open_reason_picker(),
                Show::Codes | Show::Online | Show::NotTaken => Effect::Done,
            },
            Action::AttSelect if show == Show::Day => {
                let p = &mut *self;
                p.anchor = match p.anchor {
                    Some(_) => None,
                    None => Some((p.row, p.col)),
                };
                Effect::Done
            }
            Action::AttClear if show == Show::Day => {
                self.set_selection(ctx, None);
                Effect::Done
            }
            Action::AttTakeLesson if show == Show::Day => {
                self.take_lesson(ctx);
                Effect::Done
            }
            Action::AttTakeDay if matches!(show, Show::Day | Show::Reasons) => {
                self.take_day(ctx);
                Effect::Done
            }
            Action::AttFillDown | Action::AttFillRight if show == Show::Day => {
                self.fill(ctx, *action == Action::AttFillDown);
                Effect::Done
            }
            Action::AttOnline if show == Show::Day => {
                self.toggle_online(ctx);
                Effect::Done
            }
            Action::AttSelect
            | Action::AttClear
            | Action::AttTakeLesson
            | Action::AttTakeDay
            | Action::AttFillDown
            | Action::AttFillRight
            | Action::AttOnline => {
                ctx.flash("this works in the day grid (Esc goes back to it)");
                Effect::Done
            }
            _ => Effect::Pass,
        }
    }

    /// A typed character the keymap does not bind, in the day grid: the
    /// code on that key for the selected cells, or the keys there are.
    pub fn code_char(&mut self, c: char, ctx: &mut Ctx) -> Effect {
        match self.code_for_key(c).cloned() {
            Some(code) => {
                self.set_selection(ctx, Some(code));
                Effect::Done
            }
            None => {
                let keys: Vec<String> = self
                    .codes
                    .iter()
                    .filter(|k| !k.hidden && k.key.is_some())
                    .map(|k| format!("{} {}", k.key.as_deref().unwrap_or(""), k.code))
                    .collect();
                Effect::Flash(format!(
                    "no code on «{c}»; keys: {} (Enter lists the codes)",
                    keys.join(", ")
                ))
            }
        }
    }

    /// Go to the day typed (DD.MM, DD.MM.YYYY, YYYY-MM-DD) inside the
    /// school year: the day grid of that date.
    pub(crate) fn attendance_go_date(&mut self, ctx: &mut Ctx, text: &str) -> Result<(), String> {
        let Some(y) = ctx.year.cloned() else {
            return Err("no school year".into());
        };
        let date = crate::ui::dates::parse_in_year(text, y.starts_on)?;
        if !(y.starts_on <= date && date <= y.ends_on) {
            return Err(format!(
                "{} is outside the school year {} ({}–{})",
                crate::ui::dates::full(date),
                y.label,
                crate::ui::dates::full(y.starts_on),
                crate::ui::dates::full(y.ends_on)
            ));
        }
        self.date = date;
        self.show = Show::Day;
        self.load(ctx);
        Ok(())
    }

    /// Read what the attendance tab shows besides the day grid.
    pub(crate) fn load_extra(&mut self, ctx: &mut Ctx) {
        match store::attendance::codes(ctx.conn(), true) {
            Ok(c) => self.codes = c,
            Err(e) => ctx.flash(format!("could not read the code table: {e}")),
        }
        let (Some(class), Some(year)) = (ctx.class().cloned(), ctx.year.cloned()) else {
            self.period = None;
            self.reasons.clear();
            return;
        };
        match self.show {
            Show::Day => {}
            Show::NotTaken => match att::not_taken(ctx.conn(), ctx.working_date) {
                Ok(l) => {
                    self.nrow = self.nrow.min(l.len().saturating_sub(1));
                    self.not_taken = l;
                }
                Err(e) => ctx.flash(format!("could not read the lessons not taken: {e}")),
            },
            Show::Online => {
                let date = self.date.min(ctx.working_date);
                let r = if self.cannot_only {
                    att::cannot_attend_online(ctx.conn(), &class, &year, date)
                } else {
                    att::census(ctx.conn(), &class, &year, date)
                };
                match r {
                    Ok(rows) => {
                        self.orow = self.orow.min(rows.len().saturating_sub(1));
                        self.census = rows;
                    }
                    Err(e) => ctx.flash(format!("could not read the census: {e}")),
                }
                match store::people::staff(ctx.conn()) {
                    Ok(s) => self.staff = s.into_iter().map(|x| (x.id, x.full_name())).collect(),
                    Err(e) => ctx.flash(format!("could not read the staff: {e}")),
                }
            }
            Show::Codes => {
                let uses: store::Result<Vec<i64>> = self
                    .codes
                    .iter()
                    .map(|c| store::attendance::code_use_count(ctx.conn(), c.id))
                    .collect();
                match uses {
                    Ok(u) => self.code_uses = u,
                    Err(e) => ctx.flash(format!("could not count the codes' uses: {e}")),
                }
                let n = self.codes.len();
                self.crow = self.crow.min(n.saturating_sub(1));
            }
            Show::Period => {
                let idx = match self.period_idx {
                    Some(i) if i < ctx.periods.len() => i,
                    _ => {
                        let d = self.date;
                        let i = ctx
                            .periods
                            .iter()
                            .position(|p| {
                                p.kind == crate::domain::PeriodKind::Quarter && p.contains(d)
                            })
                            .or_else(|| ctx.periods.iter().position(|p| p.contains(d)))
                            .unwrap_or(0);
                        self.period_idx = Some(i);
                        i
                    }
                };
                let Some(period) = ctx.periods.get(idx).cloned() else {
                    self.period = None;
                    return;
                };
                match att::load_period(ctx.conn(), &class, &year, period.starts_on, period.ends_on)
                {
                    Ok(v) => {
                        let p = &mut *self;
                        p.prow = p.prow.min(v.students.len().saturating_sub(1));
                        if p.pcol >= v.days.len() {
                            // Open on the day shown in the day grid.
                            p.pcol = v.days.iter().position(|d| d.date >= p.date).unwrap_or(0);
                        }
                        p.period = Some(v);
                    }
                    Err(e) => {
                        self.period = None;
                        ctx.flash(format!("could not read the period: {e}"));
                    }
                }
            }
            Show::Reasons => match att::reasons_to_give(ctx.conn(), &class, &year, self.date) {
                Ok(r) => {
                    self.rrow = self.rrow.min(r.len().saturating_sub(1));
                    self.reasons = r;
                }
                Err(e) => ctx.flash(format!("could not read the reasons: {e}")),
            },
        }
    }

    fn step_period(&mut self, ctx: &mut Ctx, forward: bool) {
        let n = ctx.periods.len();
        let i = self.period_idx.unwrap_or(0);
        let next = if forward {
            (i + 1).min(n.saturating_sub(1))
        } else {
            i.saturating_sub(1)
        };
        if next == i {
            ctx.flash(if forward {
                "no later period"
            } else {
                "no earlier period"
            });
            return;
        }
        self.period_idx = Some(next);
        self.pcol = usize::MAX;
        self.load(ctx);
    }

    /// Enter on a period cell: the day grid of that date, on that student.
    fn open_period_day(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let Some(v) = &p.period else { return };
        let (Some(day), Some(student)) = (v.days.get(p.pcol), v.students.get(p.prow)) else {
            return;
        };
        let (date, sid) = (day.date, student.student_id);
        self.date = date;
        self.show = Show::Day;
        self.load(ctx);
        if let Some(dv) = &self.view
            && let Some(r) = dv.students.iter().position(|s| s.student_id == sid)
        {
            self.row = r;
        }
    }

    fn open_code_picker(&mut self) -> Effect {
        if self.view.as_ref().is_none_or(|v| v.lessons.is_empty()) {
            return Effect::Flash("no lessons on this day".into());
        }
        let items: Vec<String> = self
            .codes
            .iter()
            .filter(|c| !c.hidden)
            .map(|c| {
                format!(
                    "{}  {} [{}]{}",
                    c.code,
                    c.label,
                    c.category.label(),
                    c.key
                        .as_deref()
                        .map(|k| format!("  key {k}"))
                        .unwrap_or_default()
                )
            })
            .chain(std::iter::once("(clear: present)".to_string()))
            .collect();
        Effect::picker(PickTarget::AttCode, "Set the code", items, 0)
    }

    fn open_reason_picker(&mut self) -> Effect {
        let Some(r) = self.reasons.get(self.rrow) else {
            return Effect::Flash("no reasons to give on this day".into());
        };
        let title = format!("Reason for {}", r.name);
        let items = ReasonChoice::ALL
            .iter()
            .map(|c| match c.code(&self.codes) {
                Some(code) => format!("{}  {}", code.code, c.label()),
                None => format!("–  {} (no code in the table)", c.label()),
            })
            .collect();
        Effect::picker(PickTarget::AttReason, &title, items, 0)
    }

    /// A choice made in one of the attendance pickers.
    pub(crate) fn attendance_pick(&mut self, ctx: &mut Ctx, target: PickTarget, i: usize) {
        match target {
            PickTarget::AttCode => {
                let visible: Vec<AttendanceCode> =
                    self.codes.iter().filter(|c| !c.hidden).cloned().collect();
                self.set_selection(ctx, visible.get(i).cloned());
            }
            PickTarget::AttReason => {
                let Some(r) = self.reasons.get(self.rrow).cloned() else {
                    return;
                };
                let Some(choice) = ReasonChoice::ALL.get(i).copied() else {
                    return;
                };
                let Some(class_id) = ctx.class().map(|c| c.id) else {
                    return;
                };
                let working = ctx.working_date;
                let desc = format!("{}: {}", r.name, choice.label());
                if let Some(n) = ctx.write(desc.clone(), |tx, op| {
                    att::apply_reason(tx, op, working, class_id, r.date, r.student_id, choice)
                }) {
                    ctx.flash(format!("{n} lesson(s) — {desc}"));
                }
            }
            _ => {}
        }
    }

    /// Set `code` (or clear, with `None`) on the selected cells.
    fn set_selection(&mut self, ctx: &mut Ctx, code: Option<AttendanceCode>) {
        let p = &*self;
        let Some(v) = &p.view else { return };
        if v.lessons.is_empty() || v.students.is_empty() {
            ctx.flash("no lessons on this day");
            return;
        }
        let ((r0, r1), (c0, c1)) = p.selection();
        // Lessons of the timetable without a record yet get one in the
        // same transaction as the first code entered for them.
        let mut cells: Vec<(crate::domain::Lesson, Id)> = Vec::new();
        for s in v.students.iter().take(r1 + 1).skip(r0) {
            for (c, l) in s.cells.iter().zip(&v.lessons).take(c1 + 1).skip(c0) {
                if *c != DayCell::NotEnrolled {
                    cells.push((l.lesson.clone(), s.student_id));
                }
            }
        }
        if cells.is_empty() {
            ctx.flash(
                "not on the list of that lesson (not enrolled that day, or not in the group)",
            );
            return;
        }
        let single = cells.len() == 1 && p.anchor.is_none();
        let who = v
            .students
            .get(p.row)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let lesson_no = v
            .lessons
            .get(p.col)
            .map(|l| l.lesson.lesson_no)
            .unwrap_or(0);
        let what = code
            .as_ref()
            .map_or_else(|| "cleared".to_string(), |c| c.code.clone());
        let desc = if single {
            format!("{what}, {who}, lesson {lesson_no}")
        } else {
            format!("{what} on {} cells", cells.len())
        };
        let untaken = v.lessons[c0..=c1.min(v.lessons.len() - 1)]
            .iter()
            .any(|l| !l.taken);
        let working = ctx.working_date;
        let code_id = code.as_ref().map(|c| c.id);
        let annotation = code
            .as_ref()
            .is_some_and(|c| c.category == Category::Annotation);
        // No silent overwrite: a cell someone else changed after the day
        // was read is refused (and shown again).
        let read_at = p.read_at;
        let names: Vec<(Id, String)> = v
            .students
            .iter()
            .map(|s| (s.student_id, s.name.clone()))
            .collect();
        let seen: Vec<(Id, Id)> = cells
            .iter()
            .filter(|(l, _)| l.id > 0)
            .map(|(l, s)| (l.id, *s))
            .collect();
        let mut conflict = false;
        let mut unseen = |tx: &rusqlite::Transaction| -> crate::store::Result<()> {
            for (l, s) in &seen {
                refuse_unseen_change(tx, read_at, *l, *s, &names)
                    .inspect_err(|_| conflict = true)?;
            }
            Ok(())
        };
        let result = if annotation {
            // A parent's comment goes beside each selected cell's code.
            ctx.write(desc.clone(), |tx, op| {
                unseen(tx)?;
                let (cells, mut ids) = att::record_cells(tx, op, &cells)?;
                for (l, s) in &cells {
                    ids.extend(att::set_comment(tx, op, working, *l, *s, code_id, None)?);
                }
                Ok((
                    att::RangeResult {
                        set: cells.len(),
                        skipped: 0,
                    },
                    ids,
                ))
            })
        } else {
            ctx.write(desc.clone(), |tx, op| {
                unseen(tx)?;
                let (cells, mut ids) = att::record_cells(tx, op, &cells)?;
                let (r, set) = att::set_range(tx, op, working, &cells, code_id)?;
                ids.extend(set);
                Ok((r, ids))
            })
        };
        if conflict {
            ctx.read_again();
        }
        if let Some(r) = result {
            self.anchor = None;
            if single && untaken {
                ctx.flash(format!(
                    "{desc}; this lesson is not taken yet: + marks everyone without a code present"
                ));
            } else if !single {
                ctx.flash(if r.skipped > 0 {
                    format!("{desc}; {} skipped (not on the list)", r.skipped)
                } else {
                    desc
                });
            }
        }
    }

    /// Copy the cursor's cell to the next one down (or right) and move there.
    fn fill(&mut self, ctx: &mut Ctx, down: bool) {
        let p = &*self;
        let Some(v) = &p.view else { return };
        let (r, c) = if down {
            (p.row + 1, p.col)
        } else {
            (p.row, p.col + 1)
        };
        let (Some(src), Some(dst)) = (
            v.students.get(p.row).and_then(|s| s.cells.get(p.col)),
            v.students.get(r).and_then(|s| s.cells.get(c)),
        ) else {
            ctx.flash(if down {
                "no cell below"
            } else {
                "no cell to the right"
            });
            return;
        };
        // A cell not on the list passes on the nearest one before it.
        let mut src = src;
        let (mut sr, mut sc) = (p.row, p.col);
        while *src == DayCell::NotEnrolled && (if down { sr > 0 } else { sc > 0 }) {
            if down {
                sr -= 1;
            } else {
                sc -= 1;
            }
            src = &v.students[sr].cells[sc];
        }
        let code = match src {
            DayCell::Code { code_id, .. } => self.codes.iter().find(|k| k.id == *code_id).cloned(),
            _ => None,
        };
        let needs = code.is_some() || matches!(dst, DayCell::Code { .. });
        self.anchor = None;
        self.row = r;
        self.col = c;
        if needs {
            self.set_selection(ctx, code);
        }
    }

    fn take_lesson(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let Some(l) = p.view.as_ref().and_then(|v| v.lessons.get(p.col)) else {
            ctx.flash("no lessons on this day");
            return;
        };
        let (lesson, no, subject, taken) = (
            l.lesson.clone(),
            l.lesson.lesson_no,
            l.subject.clone(),
            l.taken,
        );
        if taken {
            ctx.flash(format!("lesson {no} {subject}: attendance already taken"));
            return;
        }
        let working = ctx.working_date;
        let desc = format!("lesson {no} {subject} taken");
        if ctx
            .write(desc.clone(), |tx, op| {
                let (id, mut ids) = att::record_lesson(tx, op, &lesson)?;
                ids.extend(att::take_lesson(tx, op, working, id)?);
                Ok(((), ids))
            })
            .is_some()
        {
            ctx.flash(format!("{desc}: everyone without a code present"));
        }
    }

    fn take_day(&mut self, ctx: &mut Ctx) {
        let Some(class) = ctx.class().cloned() else {
            return;
        };
        let date = self.date;
        let working = ctx.working_date;
        let desc = format!("{} {} taken", class.name, dates::full(date));
        if let Some(n) = ctx.write(desc.clone(), |tx, op| {
            let ids = att::take_day(tx, op, working, class.id, date)?;
            Ok((ids.len(), ids))
        }) {
            ctx.flash(format!(
                "{desc}: {n} lesson(s) marked, everyone without a code present"
            ));
        }
    }

    fn toggle_online(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let Some(l) = p.view.as_ref().and_then(|v| v.lessons.get(p.col)) else {
            ctx.flash("no lessons on this day");
            return;
        };
        let mode = match l.lesson.mode {
            LessonMode::InClass => LessonMode::Online,
            LessonMode::Online => LessonMode::InClass,
        };
        let lesson = l.lesson.clone();
        let desc = format!(
            "lesson {} {} {}",
            l.lesson.lesson_no,
            l.subject,
            if mode == LessonMode::Online {
                "online"
            } else {
                "in class"
            }
        );
        if ctx
            .write(desc.clone(), |tx, op| {
                let (id, mut ids) = att::record_lesson(tx, op, &lesson)?;
                ids.extend(att::set_mode(tx, op, id, mode)?);
                Ok(((), ids))
            })
            .is_some()
        {
            ctx.flash(desc);
        }
    }
}

// The code table screen.
impl AttendancePane {
    fn open_code_form(&mut self, add: bool) {
        let p = &*self;
        let categories: Vec<&str> = Category::ALL.iter().map(|c| c.label()).collect();
        let mut reasons = vec![reason_label(None)];
        reasons.extend(
            crate::domain::attendance::Reason::ALL
                .iter()
                .map(|r| reason_label(Some(*r))),
        );
        let (id, code, label, category, reason, key, sort) = match (add, p.codes.get(p.crow)) {
            (false, Some(c)) => (
                Some(c.id),
                c.code.clone(),
                c.label.clone(),
                c.category.label(),
                reason_label(c.reason),
                c.key.clone().unwrap_or_default(),
                c.sort.to_string(),
            ),
            _ => (
                None,
                String::new(),
                String::new(),
                categories[0],
                reason_label(None),
                String::new(),
                (p.codes.iter().map(|c| c.sort).max().unwrap_or(0) + 1).to_string(),
            ),
        };
        let title = if id.is_some() {
            "Edit the code"
        } else {
            "Add a code"
        };
        let [f_code, f_label, f_cat, f_reason, f_key, f_order] = CODE_FIELDS;
        self.form = Some(Form::new(
            title,
            CodeKind { id },
            vec![
                Field::text(f_code, code),
                Field::text(f_label, label),
                Field::choice(f_cat, category, &categories),
                Field::choice(f_reason, &reason, &reasons),
                Field::text(f_key, key),
                Field::text(f_order, sort),
            ],
        ));
    }

    fn hide_or_delete_code(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let Some(c) = p.codes.get(p.crow).cloned() else {
            return;
        };
        let uses = p.code_uses.get(p.crow).copied().unwrap_or(0);
        let desc;
        let r = if c.hidden {
            desc = format!("code {} shown again", c.code);
            ctx.write(desc.clone(), |tx, op| {
                Ok(((), att::set_code_hidden(tx, op, c.id, false)?))
            })
        } else if uses > 0 {
            desc = format!("code {} hidden (used by {uses} entries, so kept)", c.code);
            ctx.write(desc.clone(), |tx, op| {
                Ok(((), att::set_code_hidden(tx, op, c.id, true)?))
            })
        } else {
            desc = format!("code {} deleted (nothing used it)", c.code);
            ctx.write(desc.clone(), |tx, op| {
                Ok(((), att::delete_code(tx, op, c.id)?))
            })
        };
        if r.is_some() {
            ctx.flash(desc);
        }
    }

    /// A key while a form is open: it takes every key.
    pub fn prompt_key(&mut self, ev: crossterm::event::KeyEvent, ctx: &mut Ctx) -> Effect {
        use crossterm::event::{KeyCode, KeyModifiers};
        if let Some((mut text, _)) = self.date_input.take() {
            match ev.code {
                KeyCode::Esc => return Effect::Done,
                KeyCode::Enter => {
                    if let Err(e) = self.attendance_go_date(ctx, &text) {
                        self.date_input = Some((text, Some(e)));
                    }
                    return Effect::Done;
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c)
                    if !ev
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                        && text.chars().count() < 20 =>
                {
                    text.push(c)
                }
                _ => {}
            }
            self.date_input = Some((text, None));
            return Effect::Done;
        }
        Effect::Pass
    }

    /// One action for the open form of the tab (the code form or the
    /// follow-up form).
    pub(crate) fn attendance_form_update(&mut self, ctx: &mut Ctx, action: Action) {
        if self.followup.is_some() {
            self.followup_form_update(ctx, action);
            return;
        }
        let Some(form) = self.form.as_mut() else {
            return;
        };
        match form.handle(&action) {
            Outcome::Cancel => {
                self.form = None;
                ctx.flash("not saved");
            }
            Outcome::Submit => self.save_code_form(ctx),
            Outcome::Pick => ctx.flash("this field has no list: type its value"),
            Outcome::Open => {}
        }
    }

    fn save_code_form(&mut self, ctx: &mut Ctx) {
        use crossterm::event::{KeyCode, KeyModifiers};
        let Some(form) = self.form.take() else {
            return;
        };
        let draft = match code_draft(&form) {
            Ok(d) => d,
            Err(e) => {
                ctx.flash(e.clone());
                let mut form = form;
                form.error = Some(e);
                self.form = Some(form);
                return;
            }
        };
        let id = form.kind.id;
        let desc = format!(
            "code {} {}",
            draft.code.trim(),
            if id.is_some() { "changed" } else { "added" }
        );
        let bound = draft.key.as_deref().and_then(|k| {
            let c = k.chars().next()?;
            let ev = crossterm::event::KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            ctx.keymap
                .lookup(crate::ui::keymap::Mode::Attendance, &ev)
                .map(|a| (c, a.label()))
        });
        match ctx.write(desc.clone(), |tx, op| att::save_code(tx, op, id, &draft)) {
            Some(_) => match bound {
                Some((c, what)) => ctx.flash(format!(
                    "{desc}; «{c}» is the key of «{what}» here, so set this code with Enter"
                )),
                None => ctx.flash(desc),
            },
            None => {
                let error = ctx.last_message().map(str::to_string);
                let mut form = form;
                form.error = error;
                self.form = Some(form);
            }
        }
    }
}

// The online view.
impl AttendancePane {
    fn toggle_device(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let (Some(r), Some(year)) = (p.census.get(p.orow), ctx.year.cloned()) else {
            ctx.flash("no students");
            return;
        };
        let dev = att::Device::ALL[p.ocol.min(att::Device::ALL.len() - 1)];
        let value = !r.census.as_ref().is_some_and(|c| dev.get(c));
        let sid = r.student_id;
        let date = p.date.min(ctx.working_date);
        let desc = format!(
            "{}: {} {}",
            r.name,
            dev.column(),
            if value { "yes" } else { "no" }
        );
        if ctx
            .write(desc.clone(), |tx, op| {
                Ok(((), att::set_device(tx, op, sid, year.id, date, dev, value)?))
            })
            .is_some()
        {
            ctx.flash(desc);
        }
    }

    fn open_followup_form(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let Some(r) = p.census.get(p.orow) else {
            ctx.flash("no students");
            return;
        };
        // By default the class teacher.
        let teacher = ctx.class().and_then(|c| c.class_teacher_id);
        let by = p
            .staff
            .iter()
            .position(|(id, _)| Some(*id) == teacher)
            .unwrap_or(0);
        let staff: Vec<String> = p.staff.iter().map(|(_, n)| n.clone()).collect();
        let by = staff.get(by).cloned().unwrap_or_default();
        let methods: Vec<String> = crate::domain::attendance::FollowupMethod::ALL
            .iter()
            .map(|m| m.as_str().replace('_', " "))
            .collect();
        self.followup = Some(
            Form::new(
                format!("Follow-up: {}", r.name),
                FollowupKind {
                    student_id: r.student_id,
                    name: r.name.clone(),
                },
                vec![
                    Field::text("Date", dates::full(p.date.min(ctx.working_date))),
                    Field::choice("By", &by, &staff),
                    Field::choice("How", &methods[0], &methods),
                    Field::text("Note", ""),
                ],
            )
            .with_focus(3),
        );
    }

    fn followup_form_update(&mut self, ctx: &mut Ctx, action: Action) {
        let Some(f) = self.followup.as_mut() else {
            return;
        };
        match f.handle(&action) {
            Outcome::Cancel => {
                self.followup = None;
                ctx.flash("not saved");
            }
            Outcome::Submit => self.save_followup_form(ctx),
            Outcome::Pick => ctx.flash("this field has no list: type its value"),
            Outcome::Open => {}
        }
    }

    fn save_followup_form(&mut self, ctx: &mut Ctx) {
        use crate::domain::attendance::FollowupMethod;
        let Some(f) = self.followup.take() else {
            return;
        };
        let refuse = |p: &mut AttendancePane, ctx: &mut Ctx, mut f: FollowupForm, e: String| {
            ctx.flash(e.clone());
            f.error = Some(e);
            p.followup = Some(f);
        };
        let date = chrono::NaiveDate::parse_from_str(f.value("Date"), "%d.%m.%Y")
            .or_else(|_| chrono::NaiveDate::parse_from_str(f.value("Date"), "%Y-%m-%d"));
        let Ok(date) = date else {
            let e = format!("«{}» is not a date (DD.MM.YYYY)", f.value("Date"));
            return refuse(self, ctx, f, e);
        };
        let Some((by, by_name)) = self.staff.iter().find(|(_, n)| n == f.value("By")).cloned()
        else {
            return refuse(self, ctx, f, "no staff to choose from".into());
        };
        let method = FollowupMethod::ALL
            .iter()
            .copied()
            .find(|m| m.as_str().replace('_', " ") == f.value("How"))
            .unwrap_or(FollowupMethod::ALL[0]);
        let working = ctx.working_date;
        let desc = format!("follow-up of {} by {by_name}", f.kind.name);
        let (sid, note) = (f.kind.student_id, f.fields[3].value.clone());
        match ctx.write(desc.clone(), |tx, op| {
            att::add_followup(tx, op, working, sid, date, by, method, &note)
        }) {
            Some(_) => ctx.flash(desc),
            None => {
                let error = ctx.last_message().map(str::to_string);
                let mut f = f;
                f.error = error;
                self.followup = Some(f);
            }
        }
    }
}
