//! The shape every pane takes: a component behind the [`Pane`] trait.
//!
//! A pane owns its state, turns an [`Action`] into a change of that state
//! and an [`Effect`] (what it asks the application to do: a message, a
//! picker, another tab), draws itself into a buffer, and names the keymap
//! section its keys are looked up in. It sees the application only through
//! a small [`Ctx`]: the database (reading, and writing as one undoable
//! change attributed to the operator), the dates, the school's structure,
//! the keymap and the theme. A pane never imports `App`; `App` builds the
//! context, calls the pane and applies what it returns.

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::action::Action;
use super::keymap::{Keymap, Mode};
use super::theme::Theme;
use crate::domain::indicators::Programme;
use crate::domain::training::TrainingPlan;
use crate::domain::{Class, Id, Period, School, SchoolYear};
use crate::service::setup::Overview;
use crate::store::{self, Db};

/// The seven tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Journal,
    Attendance,
    Training,
    Indicators,
    Review,
    Reports,
    /// Setting the school up by hand: year, classes, students, staff,
    /// curriculum, timetable.
    School,
}

impl Tab {
    /// In tab-bar order.
    pub const ALL: [Tab; 7] = [
        Tab::Journal,
        Tab::Attendance,
        Tab::Training,
        Tab::Indicators,
        Tab::Review,
        Tab::Reports,
        Tab::School,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Journal => "Journal",
            Tab::Attendance => "Attendance",
            Tab::Training => "Training",
            Tab::Indicators => "Indicators",
            Tab::Review => "Review",
            Tab::Reports => "Reports",
            Tab::School => "School",
        }
    }

    /// The action that switches to this tab.
    pub fn action(self) -> Action {
        match self {
            Tab::Journal => Action::TabJournal,
            Tab::Attendance => Action::TabAttendance,
            Tab::Training => Action::TabTraining,
            Tab::Indicators => Action::TabIndicators,
            Tab::Review => Action::TabReview,
            Tab::Reports => Action::TabReports,
            Tab::School => Action::TabSchool,
        }
    }

    /// The keymap mode of the tab.
    pub fn mode(self) -> Mode {
        match self {
            Tab::Journal => Mode::Journal,
            Tab::Attendance => Mode::Attendance,
            Tab::Training => Mode::Training,
            Tab::Indicators => Mode::Indicators,
            Tab::Review => Mode::Review,
            Tab::Reports => Mode::Reports,
            Tab::School => Mode::SchoolYear,
        }
    }

    pub(crate) fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickTarget {
    Class,
    Subject,
    Period,
    Programme,
    // attendance
    AttCode,
    AttReason,
    // journal
    ControlForm,
    Substitute,
    JournalGroup,
    // reports
    ReportKind,
    ReportClass,
    ReportPeriod,
    ReportProgramme,
    // school
    /// A value for the School tab's open form (its focused field).
    SchoolField,
    /// The group to put the School tab's student in.
    SchoolGroup,
}

/// One user action's writes, as audit entries, for undo and redo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What the user did, for the status line ("undone: 5 → 4, Иванов").
    pub description: String,
    pub entries: Vec<i64>,
}

/// The database as a pane sees it: read-only while drawing, writable while
/// handling an action.
enum Store<'a> {
    Read(&'a Db),
    Write(&'a mut Db),
}

/// What a pane may read and write, instead of the whole application.
pub struct Ctx<'a> {
    db: Store<'a>,
    /// Who is at the keyboard (recorded with every write).
    pub operator: &'a str,
    /// The real local date (printed on files).
    pub today: NaiveDate,
    /// "Today" for every pane: the school's as-of date, or the real date.
    pub working_date: NaiveDate,
    pub school: Option<&'a School>,
    pub year: Option<&'a SchoolYear>,
    pub classes: &'a [Class],
    /// The class the other tabs show (index into `classes`).
    pub class_idx: usize,
    pub periods: &'a [Period],
    pub plans: &'a [TrainingPlan],
    pub programmes: &'a [Programme],
    /// How far the school's set-up has come (what is still missing).
    pub setup: &'a Overview,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
    outcome: Outcome,
    /// The audit log's newest entry when the pane's rows were read: a write
    /// through this context refuses to replace a row someone else changed
    /// after it ([`Db::write_seen`]).
    seen: Option<i64>,
    /// See [`Ctx::in_step`].
    in_step: Option<(i64, i64)>,
}

/// What happened through a [`Ctx`] while a pane handled an action: the
/// changes it wrote (for undo) and the messages it left. The application
/// applies it after the call ([`Ctx::finish`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Changes written, oldest first (those with audit entries only).
    pub changes: Vec<Change>,
    /// Something was written: every pane must read again.
    pub wrote: bool,
    /// Messages for the status line, the last one shown.
    pub messages: Vec<String>,
    /// A write was refused because someone else changed the row: every
    /// pane must read again (theirs shows), the refusal kept in view.
    pub reread: bool,
    /// The pane that wrote read its own changed rows again itself
    /// ([`Ctx::patched`]): it is not read again, the other panes are.
    pub patched: bool,
    /// The audit log's newest entry the screen has now seen, after a write
    /// no one else's came between ([`Ctx::in_step`]).
    pub seen: Option<i64>,
}

/// The school's structure and the session's settings a [`Ctx`] is built
/// from (all borrowed from the application).
pub struct Parts<'a> {
    pub operator: &'a str,
    pub today: NaiveDate,
    pub working_date: NaiveDate,
    pub school: Option<&'a School>,
    pub year: Option<&'a SchoolYear>,
    pub classes: &'a [Class],
    pub class_idx: usize,
    pub periods: &'a [Period],
    pub plans: &'a [TrainingPlan],
    pub programmes: &'a [Programme],
    pub setup: &'a Overview,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
    /// See [`Ctx`]'s `seen`.
    pub seen: Option<i64>,
}

impl<'a> Ctx<'a> {
    fn new(db: Store<'a>, p: Parts<'a>) -> Ctx<'a> {
        Ctx {
            db,
            operator: p.operator,
            today: p.today,
            working_date: p.working_date,
            school: p.school,
            year: p.year,
            classes: p.classes,
            class_idx: p.class_idx,
            periods: p.periods,
            plans: p.plans,
            programmes: p.programmes,
            setup: p.setup,
            keymap: p.keymap,
            theme: p.theme,
            outcome: Outcome::default(),
            seen: p.seen,
            in_step: None,
        }
    }

    /// A context for drawing: the database can only be read.
    pub fn reading(db: &'a Db, parts: Parts<'a>) -> Ctx<'a> {
        Ctx::new(Store::Read(db), parts)
    }

    /// A context for handling an action: the database can be written.
    pub fn writing(db: &'a mut Db, parts: Parts<'a>) -> Ctx<'a> {
        Ctx::new(Store::Write(db), parts)
    }

    /// The connection, for reading.
    pub fn conn(&self) -> &rusqlite::Connection {
        match &self.db {
            Store::Read(db) => db.conn(),
            Store::Write(db) => db.conn(),
        }
    }

    /// Leave a message for the status line.
    pub fn flash(&mut self, message: impl Into<String>) {
        self.outcome.messages.push(message.into());
    }

    /// Make one change to the database, as `App::write` does: `f` runs in
    /// a single IMMEDIATE transaction with the operator's name and returns
    /// its value and the audit entries it wrote. On success the change is
    /// recorded for undo (the application pushes it and reads every pane
    /// again); on failure nothing was saved and the reason is flashed. A
    /// drawing context cannot write: it says so and saves nothing.
    pub fn write<T>(
        &mut self,
        description: impl Into<String>,
        f: impl FnOnce(&rusqlite::Transaction, &str) -> store::Result<(T, Vec<i64>)>,
    ) -> Option<T> {
        let operator = self.operator;
        let Store::Write(db) = &mut self.db else {
            self.flash("not saved: the screen is being drawn");
            return None;
        };
        let was = self.seen;
        let written = db.write_seen(self.seen, |tx| f(tx, operator));
        match written {
            Ok((value, entries)) => {
                let before = db.last_write_since().unwrap_or_default();
                // What this context wrote, it has seen.
                if let (Some(seen), Some(last)) = (self.seen, entries.iter().max()) {
                    self.seen = Some(seen.max(*last));
                }
                self.in_step = (was == Some(before)).then(|| (before, self.seen.unwrap_or(before)));
                if !entries.is_empty() {
                    self.outcome.changes.push(Change {
                        description: description.into(),
                        entries,
                    });
                }
                self.outcome.wrote = true;
                Some(value)
            }
            Err(e) => {
                // Someone else's change was in the way: theirs is read in.
                if matches!(e, store::StoreError::Changed(_)) {
                    self.outcome.reread = true;
                }
                self.flash(format!("not saved: {e}"));
                None
            }
        }
    }

    /// The audit log's newest entry when the pane's rows were read (for a
    /// service that makes its own transaction: `Db::write_seen`).
    pub fn seen(&self) -> Option<i64> {
        self.seen
    }

    /// The class the other tabs show.
    pub fn class(&self) -> Option<&'a Class> {
        self.classes.get(self.class_idx)
    }

    /// The database itself, for a service that makes its own transactions
    /// (the School tab's set-up: `service::setup`); None while drawing.
    /// What it wrote is recorded with [`Ctx::record`].
    pub fn db_mut(&mut self) -> Option<&mut Db> {
        let seen = self.seen;
        match &mut self.db {
            Store::Write(db) => {
                // The service's own write is guarded by the screen's
                // reading too (`Db::guard_next`).
                db.guard_next(seen);
                Some(db)
            }
            Store::Read(_) => None,
        }
    }

    /// Record a change made through [`Ctx::db_mut`]: one undoable change
    /// when it wrote audit entries; every pane reads again either way.
    pub fn record(&mut self, description: impl Into<String>, entries: Vec<i64>) {
        if !entries.is_empty() {
            self.outcome.changes.push(Change {
                description: description.into(),
                entries,
            });
        }
        self.outcome.wrote = true;
    }

    /// After a successful [`Ctx::write`]: the audit log's newest entry
    /// before it and after it, when nothing anyone else wrote came between
    /// the screen's reading and the write (so a pane may read again only
    /// the rows it wrote: [`Ctx::patched`]).
    pub fn in_step(&self) -> Option<(i64, i64)> {
        self.in_step
    }

    /// The pane read again the rows its write changed (after
    /// [`Ctx::in_step`]): it is not read again as a whole; the others are.
    pub fn patched(&mut self, seen: i64) {
        self.outcome.patched = true;
        self.outcome.seen = Some(seen);
    }

    /// After a write refused because someone else changed the row: every
    /// pane reads again (so theirs shows), the refusal stays in view.
    pub fn read_again(&mut self) {
        self.outcome.reread = true;
    }

    /// The last message left through this context (a refused write's
    /// reason, for a form to show beside its fields).
    pub fn last_message(&self) -> Option<&str> {
        self.outcome.messages.last().map(String::as_str)
    }

    /// What was written and said through this context.
    pub fn finish(self) -> Outcome {
        self.outcome
    }
}

/// Refuse a write to a student's cell at a lesson (marks or attendance)
/// that someone else changed after entry `since` of the audit log, the
/// screen's reading: no write may silently replace what another saved.
pub(crate) fn refuse_unseen_change(
    tx: &rusqlite::Transaction,
    since: i64,
    lesson_id: Id,
    student_id: Id,
    names: &[(Id, String)],
) -> store::Result<()> {
    let student = names
        .iter()
        .find(|(id, _)| *id == student_id)
        .map_or("the student", |(_, n)| n.as_str());
    let Some(e) = store::audit::cell_changed_since(tx, since, lesson_id, student_id)? else {
        return Ok(());
    };
    // What the cell holds now, so that the choice is made knowing it.
    let marks: Vec<crate::domain::marks::Mark> =
        store::journal::cell_marks(tx, lesson_id, student_id)?
            .into_iter()
            .map(|m| m.mark)
            .collect();
    let code = store::attendance::entry(tx, lesson_id, student_id)?.map(|(_, c)| c.code);
    let marks = crate::service::journal::cell_text(false, &marks);
    let now = format!(
        "{}, attendance {}",
        if marks.is_empty() {
            "no marks".to_string()
        } else {
            format!("marks «{marks}»")
        },
        code.map_or("present".to_string(), |c| format!("«{c}»"))
    );
    Err(store::StoreError::Changed(format!(
        "{} changed {student}'s cell at {} after your screen read it (now: {now}); \
         theirs is kept and shown: type yours again to overwrite it",
        e.operator,
        super::history::when(&e.at)
    )))
}

/// The cells of a grid (by lesson id and student id) that read otherwise
/// now than before: what another person changed, to mark on screen until
/// the next key. A cell missing before (a lesson recorded since) counts
/// when it is not blank now; lessons without a record (id 0) are skipped.
pub(crate) fn changed_cells<'a, C: PartialEq + 'a>(
    old: impl IntoIterator<Item = ((Id, Id), &'a C)>,
    new: impl IntoIterator<Item = ((Id, Id), &'a C)>,
    blank: impl Fn(&C) -> bool,
) -> std::collections::HashSet<(Id, Id)> {
    let before: std::collections::HashMap<(Id, Id), &C> =
        old.into_iter().filter(|((l, _), _)| *l > 0).collect();
    new.into_iter()
        .filter(|((l, _), _)| *l > 0)
        .filter(|(k, c)| match before.get(k) {
            Some(was) => *was != *c,
            None => !blank(c),
        })
        .map(|(k, _)| k)
        .collect()
}

/// What a pane asks the application to do after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The action is not the pane's: the application handles it (the
    /// global keys: tabs, help, undo, quit).
    Pass,
    /// Handled; nothing more to do.
    Done,
    /// Show a one-line message until the next key.
    Flash(String),
    /// Open a picker; its choice comes back through [`Pane::pick`]. An
    /// empty list is not opened: "<title>: nothing to choose from".
    OpenPicker {
        target: PickTarget,
        title: String,
        items: Vec<String>,
        /// The item under the cursor when it opens.
        cursor: usize,
    },
    /// Go to another tab.
    SwitchTab(Tab),
    /// Show class `classes[i]` on the tabs that show a class.
    SetClass(usize),
    /// Go to a place in another pane (the data behind a value, where a
    /// finding is fixed), then show `message`.
    Jump { to: Jump, message: String },
    /// Forget what every pane has read, and read the current one again.
    Reload,
    /// Leave the application.
    Quit,
}

/// A place in another pane, for [`Effect::Jump`]: the application shows
/// that pane with its cursor there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jump {
    /// The Training tab: the plan (index into [`Ctx::plans`]; None keeps
    /// the one shown), its sessions or the year's standing, and on the
    /// standing the teacher's row.
    Training {
        plan_idx: Option<usize>,
        standing: bool,
        teacher_id: Option<Id>,
    },
    /// A lesson in the Journal: the class (index into [`Ctx::classes`]),
    /// the period (index into [`Ctx::periods`]; None keeps the one shown),
    /// the subject and the lesson's column.
    Lesson {
        class_idx: usize,
        period_idx: Option<usize>,
        subject_id: Id,
        lesson_id: Id,
    },
    /// A class's day in Attendance, shown by day.
    AttendanceDay { class_idx: usize, date: NaiveDate },
    /// A cell of the Journal (where a finding is fixed): the class, the
    /// subject, the period (None keeps the one shown), the lesson (the
    /// recorded one, else the one on `date` with that number, else the
    /// last one by `date`) and the student's row; every group shown.
    JournalCell {
        class_idx: usize,
        subject_id: Id,
        period_idx: Option<usize>,
        date: NaiveDate,
        lesson_no: Option<u8>,
        lesson_id: Option<Id>,
        student_id: Option<Id>,
    },
    /// A cell of Attendance: the class's day, the lesson (by id, else by
    /// number) and the student's row.
    AttendanceCell {
        class_idx: usize,
        date: NaiveDate,
        lesson_no: u8,
        lesson_id: Id,
        student_id: Option<Id>,
    },
}

impl Effect {
    /// A picker of `items` titled `title`, opened on `cursor`.
    pub fn picker(target: PickTarget, title: &str, items: Vec<String>, cursor: usize) -> Effect {
        Effect::OpenPicker {
            target,
            title: title.to_string(),
            items,
            cursor,
        }
    }
}

/// A pane: its own state, its keys, its drawing.
pub trait Pane {
    /// The keymap section its keys are looked up in (when no overlay or
    /// form is open).
    fn mode(&self) -> Mode;

    /// Whether what the pane shows has been read.
    fn loaded(&self) -> bool;

    /// Forget what was read: the next [`Pane::load`] reads again.
    fn invalidate(&mut self);

    /// Read what the pane shows.
    fn load(&mut self, ctx: &mut Ctx);

    /// One action of the pane's keymap section (or a global one, to pass).
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect;

    /// A picker the pane opened chose item `index` (of its whole list).
    fn pick(&mut self, target: PickTarget, index: usize, ctx: &mut Ctx) -> Effect;

    /// Draw the pane into `area`.
    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer);
}
