//! The application state and `update`: the only place state changes.
//! `draw` (in [`super::draw`]) only reads it. Both run without a terminal.
//!
//! The app holds the seven panes, the school's structure, the overlays
//! (help, picker, history), the undo and redo stacks and the message. A key
//! goes to the overlay, else to the current pane (with a [`Ctx`] built from
//! the app's fields), else to the global keys; what the pane wrote, said
//! and asked for ([`Outcome`], [`Effect`]) is applied here.

use std::cell::Cell;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
pub use super::component::{Change, PickTarget, Tab};
use super::component::{Ctx, Effect, Jump, Outcome, Pane, Parts};
use super::keymap::{Keymap, Mode};
use super::panes::attendance::{AttendancePane, Show};
use super::panes::indicators::IndicatorsPane;
use super::panes::journal::JournalPane;
use super::panes::reports::ReportsPane;
use super::panes::review::ReviewPane;
use super::panes::school::SchoolPane;
use super::panes::training::TrainingPane;
use super::theme::Theme;
pub use super::widgets::picker::{Picker, fold};
use super::{UiOptions, dates};
use crate::domain::indicators::Programme;
use crate::domain::training::TrainingPlan;
use crate::domain::{Class, Id, Period, PeriodKind, School, SchoolYear};
use crate::service;
use crate::store::{self, Db};

/// An overlay above the tabs.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    /// The help overlay, scrolled by this many lines, showing only the
    /// lines that match `search` (typed after `/`).
    Help {
        scroll: usize,
        search: String,
        /// Typing goes into `search`.
        typing: bool,
        /// The lines, read once when the help opens (the code tables are
        /// in the database): not on every frame.
        lines: Vec<(String, String, bool)>,
    },
    Picker(Picker),
    /// The change history (audit log), with its cursor.
    History(super::history::History),
}

/// The parts of a pane's [`Ctx`], borrowed field by field from the app
/// (so that a pane, another field, can be borrowed mutably beside it).
macro_rules! parts {
    ($app:ident) => {
        Parts {
            operator: &$app.opts.operator,
            today: $app.opts.today,
            working_date: $app.working_date,
            school: $app.school.as_ref(),
            year: $app.year.as_ref(),
            classes: &$app.classes,
            class_idx: $app.class_idx,
            periods: &$app.periods,
            plans: &$app.plans,
            programmes: &$app.programmes,
            setup: &$app.setup,
            keymap: &$app.keymap,
            theme: &$app.theme,
            seen: $app.seen,
        }
    };
}

/// Call a pane (`$app.$pane`, bound to `$p`) with a writing context
/// (bound to `$ctx`), then apply what was written and said through the
/// context and the [`Effect`] the call returned. Whether the pane took
/// the action (not [`Effect::Pass`]).
macro_rules! through {
    ($app:ident . $pane:ident, |$p:ident, $ctx:ident| $body:expr) => {{
        let mut context = Ctx::writing(&mut $app.db, parts!($app));
        let effect = {
            let $p = &mut $app.$pane;
            let $ctx = &mut context;
            $body
        };
        let outcome = context.finish();
        $app.apply_outcome(outcome);
        $app.apply(effect)
    }};
}

/// Call the current tab's pane (bound to `$p`) with a writing context
/// (bound to `$ctx`), as [`through!`] does. Whether the pane took it.
macro_rules! current {
    ($app:ident, |$p:ident, $ctx:ident| $body:expr) => {
        match $app.tab {
            Tab::Journal => through!($app.journal, |$p, $ctx| $body),
            Tab::Attendance => through!($app.attendance, |$p, $ctx| $body),
            Tab::Training => through!($app.training, |$p, $ctx| $body),
            Tab::Indicators => through!($app.indicators, |$p, $ctx| $body),
            Tab::Review => through!($app.review, |$p, $ctx| $body),
            Tab::Reports => through!($app.reports, |$p, $ctx| $body),
            Tab::School => through!($app.school_pane, |$p, $ctx| $body),
        }
    };
}

/// The whole application state.
pub struct App {
    pub(crate) db: Db,
    pub(crate) opts: UiOptions,
    pub(crate) keymap: Keymap,
    pub(crate) theme: Theme,
    pub tab: Tab,
    pub overlay: Overlay,
    pub school: Option<School>,
    pub year: Option<SchoolYear>,
    /// "Today" for every pane: the school's as-of date, or the real date.
    pub working_date: NaiveDate,
    pub classes: Vec<Class>,
    /// The class shown in Journal and Attendance.
    pub class_idx: usize,
    pub periods: Vec<Period>,
    pub plans: Vec<TrainingPlan>,
    pub programmes: Vec<Programme>,
    pub journal: JournalPane,
    pub attendance: AttendancePane,
    pub training: TrainingPane,
    pub indicators: IndicatorsPane,
    pub review: ReviewPane,
    pub reports: ReportsPane,
    pub school_pane: SchoolPane,
    /// How far the school's set-up has come (what the first-run screens
    /// say is missing); read again after every write.
    pub setup: service::setup::Overview,
    /// A one-line message (error, warning) shown until the next key.
    pub message: Option<String>,
    /// This session's changes, newest last, for `u`; undone ones for Ctrl-r.
    pub undo_stack: Vec<Change>,
    pub redo_stack: Vec<Change>,
    pub quit: bool,
    /// `PRAGMA data_version` when the screens were last read: another
    /// connection's commit changes it, and the screens are read again.
    pub(crate) data_version: i64,
    /// The audit log's newest entry when the current tab was last read: a
    /// write refuses to replace a row someone else changed after it (say,
    /// while a form was open and the screen was not read again).
    pub(crate) seen: Option<i64>,
    /// What the operator may do, for the status line ("admin", "deputy",
    /// "teacher", "training", "viewer", "read only").
    pub role: String,
    /// Lines of the help overlay that fit (set while drawing).
    pub(crate) help_page: Cell<usize>,
    /// The last frame was too small to show anything: keys write nothing
    /// then, only quitting works.
    pub(crate) too_small: Cell<bool>,
}

impl App {
    /// Build the app on `db` with the default keymap.
    pub fn new(db: Db, opts: UiOptions) -> anyhow::Result<App> {
        App::with_keymap(db, opts, Keymap::default())
    }

    /// Build the app on `db` with `keymap`, reading what the first tab shows.
    pub fn with_keymap(mut db: Db, opts: UiOptions, keymap: Keymap) -> anyhow::Result<App> {
        // A save is a key: the WAL is copied back on a thread of its own,
        // never inside a save (where it would be a pause of tens of ms).
        // Without that thread, SQLite's own checkpoints go on as before.
        let _ = db.checkpoint_in_background();
        let conn = db.conn();
        let working_date = store::school::working_date(conn, opts.today)?;
        let school = store::school::school(conn)?;
        let year = store::school::current_year(conn, working_date)?;
        let (classes, periods, plans) = match &year {
            Some(y) => (
                store::classes::classes(conn, y.id)?,
                store::school::periods(conn, y.id)?,
                store::training::plans(conn, y.id)?,
            ),
            None => (vec![], vec![], vec![]),
        };
        let programmes = store::indicators::programmes(conn)?;
        let journal = JournalPane {
            period_idx: default_period(&periods, working_date),
            ..JournalPane::default()
        };
        let training = TrainingPane {
            plan_idx: plans
                .iter()
                .rposition(|p| p.starts_on <= working_date)
                .unwrap_or(0),
            ..TrainingPane::default()
        };
        let theme = Theme::new(opts.no_color);
        let mut app = App {
            db,
            opts,
            keymap,
            theme,
            tab: Tab::Journal,
            overlay: Overlay::None,
            school,
            year,
            working_date,
            // Open on the first class that is given marks: first-year
            // classes are taught without marks, so their grid is empty.
            class_idx: classes.iter().position(|c| c.grade >= 2).unwrap_or(0),
            classes,
            periods,
            plans,
            programmes,
            journal,
            attendance: AttendancePane::default(),
            training,
            indicators: IndicatorsPane::default(),
            review: ReviewPane::default(),
            reports: ReportsPane::default(),
            school_pane: SchoolPane::default(),
            setup: service::setup::Overview::default(),
            message: None,
            undo_stack: Vec::new(),
            redo_stack: Vec::new(),
            quit: false,
            data_version: 0,
            seen: None,
            role: String::new(),
            help_page: Cell::new(10),
            too_small: Cell::new(false),
        };
        app.data_version = app.db.data_version().unwrap_or(0);
        app.role = app.read_role();
        app.attendance.date = app.year.as_ref().map_or(app.working_date, |y| {
            app.working_date.clamp(y.starts_on, y.ends_on)
        });
        app.setup = service::setup::overview(app.db.conn(), app.opts.today)?;
        app.ensure_loaded();
        if let Some(w) = app.db.warnings.first() {
            let w = format!("warning: {w}");
            app.flash(w);
        }
        Ok(app)
    }

    /// Nothing is being typed: no form, editor, prompt, popup or overlay
    /// open (a refresh would pull the ground from under it).
    fn nothing_typed(&self) -> bool {
        self.overlay == Overlay::None
            && !self.form_open()
            && self.journal.edit.is_none()
            && self.journal.popup.is_none()
            && self.review.prompt.is_none()
            && !self.attendance.takes_keys()
    }

    /// Read every screen again if another classbook or the command line
    /// saved something since they were read (`PRAGMA data_version`), keeping
    /// the cursors, and say who. Not while something is being typed: then
    /// it waits for the next key or tick. Returns whether it read again.
    pub fn refresh_if_changed(&mut self) -> bool {
        let Ok(v) = self.db.data_version() else {
            return false;
        };
        if v == self.data_version || !self.nothing_typed() {
            return false;
        }
        self.data_version = v;
        // What changed is marked on the grids until the next key.
        self.journal.mark_changes = true;
        self.attendance.mark_changes = true;
        self.invalidate();
        let last = store::audit::recent(self.db.conn(), 1).unwrap_or_default();
        let who = last.first().map_or_else(
            || "someone".to_string(),
            |e| format!("{} ({})", e.operator, super::history::when(&e.at)),
        );
        self.flash(format!("read again: {who} saved changes elsewhere"));
        true
    }

    /// A slow timer with no key: notice others' changes. Returns whether
    /// the screen must be drawn again.
    pub fn tick(&mut self) -> bool {
        self.refresh_if_changed()
    }

    /// The options the app was started with.
    pub fn options(&self) -> &UiOptions {
        &self.opts
    }

    /// The keymap in use.
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// The database the app reads.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// A reading context for drawing a pane.
    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx::reading(&self.db, parts!(self))
    }

    /// What a pane wrote and said through its context: the changes go on
    /// the undo stack (a new change clears the redo stack), a write reads
    /// every pane again, the last message is shown.
    pub(crate) fn apply_outcome(&mut self, outcome: Outcome) {
        // A guard set for a service's write that did not come is dropped.
        self.db.guard_next(None);
        if !outcome.changes.is_empty() {
            self.undo_stack.extend(outcome.changes);
            self.redo_stack.clear();
        }
        if outcome.reread {
            // Refused because someone else changed the row: theirs shows.
            self.data_version = self.db.data_version().unwrap_or(self.data_version);
        }
        if outcome.wrote && outcome.patched && !outcome.reread {
            // The pane read its written rows again itself: the others
            // read again when shown.
            self.seen = outcome.seen.or(self.seen);
            self.invalidate_others();
        } else if outcome.wrote || outcome.reread {
            // One's own writes are not marked; theirs, that refused a
            // write, are.
            self.journal.mark_changes = outcome.reread;
            self.attendance.mark_changes = outcome.reread;
            self.invalidate();
        }
        if let Some(m) = outcome.messages.into_iter().next_back() {
            self.flash(m);
        }
    }

    /// Do what a pane asked. Returns whether the pane took the action
    /// (false for [`Effect::Pass`]: the app handles it).
    pub fn apply(&mut self, effect: Effect) -> bool {
        match effect {
            Effect::Pass => return false,
            Effect::Done => {}
            Effect::Flash(m) => self.flash(m),
            Effect::OpenPicker {
                target,
                title,
                items,
                cursor,
            } => self.open_picker(target, &title, items, cursor),
            Effect::SwitchTab(tab) => self.switch_tab(tab),
            Effect::SetClass(i) => {
                self.class_idx = i;
                self.journal.loaded = false;
                self.attendance.loaded = false;
                self.school_pane.invalidate();
                self.ensure_loaded();
            }
            Effect::Jump { to, message } => {
                self.jump(to);
                self.flash(message);
            }
            Effect::Reload => self.invalidate(),
            Effect::Quit => self.quit = true,
        }
        true
    }

    /// Show a one-line message until the next key.
    pub fn flash(&mut self, message: impl Into<String>) {
        self.message = Some(message.into());
    }

    /// The class shown in Journal and Attendance.
    pub fn class(&self) -> Option<&Class> {
        self.classes.get(self.class_idx)
    }

    /// The keymap mode the next key is looked up in.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Overlay::Help { typing: true, .. } => Mode::Filter,
            Overlay::Help { .. } => Mode::Help,
            Overlay::Picker(p) if p.filtering => Mode::Filter,
            Overlay::Picker(_) => Mode::Picker,
            Overlay::History(_) => Mode::History,
            // The current pane's keymap section (`form` while a form of
            // it is open).
            Overlay::None => self.pane().mode(),
        }
    }

    /// Handle one key: drop releases, look the key up in the current mode,
    /// run the action. Typed characters go into a picker's filter. Returns
    /// whether anything may have changed on screen (redraw needed).
    pub fn handle_key(&mut self, ev: KeyEvent) -> bool {
        if ev.kind == KeyEventKind::Release {
            return false;
        }
        // A screen too small to read: no key may write what no one sees.
        if self.too_small.get() {
            if self.keymap.lookup(Mode::Global, &ev) == Some(Action::Quit) {
                self.quit = true;
            }
            return false;
        }
        // Others saved something: the screen is read again first, and the
        // key is not used (it was meant for what the screen showed).
        if self.refresh_if_changed() {
            // The marks of what changed stay until the next key.
            if let Some(m) = &mut self.message {
                m.push_str("; the key was not used: press it again");
            }
            return true;
        }
        self.journal.changed.clear();
        self.attendance.changed.clear();
        // attendance: the code table's form takes every key
        if self.tab == Tab::Attendance
            && self.attendance.takes_keys()
            && self.overlay == Overlay::None
        {
            return through!(self.attendance, |p, ctx| p.prompt_key(ev, ctx));
        }
        // journal: typing into the marks grid, its popups and cell editor
        // (a key it takes clears the message; one it passes keeps it)
        if self.tab == Tab::Journal && self.overlay == Overlay::None {
            let shown = self.message.take();
            if through!(self.journal, |p, ctx| p.key(&ev, ctx)) {
                return true;
            }
            self.message = shown;
        }
        // review: the prompt (a note, a date range) takes every key
        if self.tab == Tab::Review && self.overlay == Overlay::None && self.review.prompt.is_some()
        {
            return through!(self.review, |p, ctx| p.prompt_key(ev, ctx));
        }
        let mode = self.mode();
        // training: the roll call's status keys come from the status table;
        // a key of the keymap (the keys of "Everywhere" first) wins.
        if mode == Mode::TrainingRoll
            && self.keymap.lookup(mode, &ev).is_none()
            && let KeyCode::Char(c) = ev.code
            && !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            && self.training.has_status_key(c)
        {
            self.message = None;
            through!(self.training, |p, ctx| p.status_key(c, ctx));
            return true;
        }
        match self.keymap.lookup(mode, &ev) {
            Some(action) => {
                self.update(action);
                true
            }
            None => match ev.code {
                KeyCode::Char(c)
                    if (mode == Mode::Filter || mode == Mode::Form)
                        && !ev
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    self.update(Action::InsertText(c.to_string()));
                    true
                }
                // attendance: a code key of the code table (in the day grid)
                KeyCode::Char(c)
                    if mode == Mode::Attendance
                        && !ev
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    if self.attendance.show != Show::Day {
                        return self.message.take().is_some();
                    }
                    self.message = None;
                    through!(self.attendance, |p, ctx| p.code_char(c, ctx));
                    true
                }
                _ => self.message.take().is_some(),
            },
        }
    }

    /// Bracketed paste: text at the cursor of an open form's field, or for
    /// a picker's filter (opening the filter if a picker is open), the
    /// journal's cell editor, the review's prompt; ignored elsewhere.
    pub fn handle_paste(&mut self, text: &str) -> bool {
        if self.too_small.get() {
            return false;
        }
        // forms: paste at the cursor of the open form's field (line breaks
        // kept in a multi-line field, spaces elsewhere).
        if self.overlay == Overlay::None && self.form_open() {
            self.update(Action::InsertText(text.to_string()));
            return true;
        }
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        // journal: paste into the cell being edited
        if self.tab == Tab::Journal && self.journal.paste(&clean) {
            return true;
        }
        // review: paste into the prompt
        if self.overlay == Overlay::None && self.tab == Tab::Review && self.review.prompt.is_some()
        {
            self.review.paste(&clean);
            return true;
        }
        match &mut self.overlay {
            Overlay::Picker(p) => {
                p.filtering = true;
                self.update(Action::InsertText(clean));
                true
            }
            Overlay::Help { search, typing, .. } => {
                *typing = true;
                search.push_str(&clean);
                true
            }
            _ => false,
        }
    }

    /// Change the state for one action.
    pub fn update(&mut self, action: Action) {
        self.message = None;
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::Help {
                scroll,
                mut search,
                typing,
                lines,
            } => {
                let page = self.help_page.get().max(1);
                let scroll = match action {
                    Action::MoveUp => scroll.saturating_sub(1),
                    Action::MoveDown => scroll + 1,
                    Action::PageUp => scroll.saturating_sub(page),
                    Action::PageDown => scroll + page,
                    Action::First => 0,
                    Action::Last => usize::MAX / 2,
                    _ => scroll,
                };
                let mut typing = typing;
                match action {
                    // Esc clears the search first, then closes.
                    Action::Cancel if !search.is_empty() => {
                        search.clear();
                        typing = false;
                    }
                    Action::Cancel | Action::Help => return,
                    Action::Filter => typing = true,
                    Action::InsertText(t) if typing => search.push_str(&t),
                    Action::FilterBackspace => {
                        search.pop();
                    }
                    Action::Confirm => typing = false,
                    _ => {}
                }
                let scroll = if typing { 0 } else { scroll };
                self.overlay = Overlay::Help {
                    scroll,
                    search,
                    typing,
                    lines,
                };
            }
            Overlay::Picker(p) => self.update_picker(p, action),
            Overlay::History(h) => self.update_history(h, action),
            Overlay::None => self.update_main(action),
        }
    }

    fn update_picker(&mut self, mut p: Picker, action: Action) {
        let n = p.matches().len();
        let page = 10;
        match action {
            // Esc clears what was typed, then closes.
            Action::Cancel if !p.filter.is_empty() => {
                p.filter.clear();
                p.cursor = 0;
            }
            Action::Cancel => return,
            Action::Filter => p.filtering = true,
            // The old habit of `/` before typing changes nothing.
            Action::InsertText(s) if p.filter.is_empty() && s == "/" => {}
            Action::InsertText(s) => {
                p.filtering = true;
                p.filter.push_str(&s);
                p.cursor = 0;
            }
            Action::FilterBackspace => {
                p.filter.pop();
                p.cursor = 0;
            }
            Action::Confirm => {
                match p.matches().get(p.cursor) {
                    Some(&i) => self.pick(p.target, i),
                    None => self.flash("nothing matches the filter"),
                }
                return;
            }
            Action::MoveUp => p.cursor = p.cursor.saturating_sub(1),
            Action::MoveDown => p.cursor = (p.cursor + 1).min(n.saturating_sub(1)),
            Action::PageUp => p.cursor = p.cursor.saturating_sub(page),
            Action::PageDown => p.cursor = (p.cursor + page).min(n.saturating_sub(1)),
            Action::First => p.cursor = 0,
            Action::Last => p.cursor = n.saturating_sub(1),
            _ => {}
        }
        self.overlay = Overlay::Picker(p);
    }

    fn update_main(&mut self, action: Action) {
        // The current pane first (an open form of it takes every action).
        if current!(self, |p, ctx| p.handle(&action, ctx)) {
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.overlay = Overlay::Help {
                    scroll: 0,
                    search: String::new(),
                    typing: false,
                    lines: super::draw::help_lines(self),
                }
            }
            Action::Cancel => {}
            Action::NextTab => self.switch_tab(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()]),
            Action::PrevTab => {
                self.switch_tab(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Action::TabJournal => self.switch_tab(Tab::Journal),
            Action::TabAttendance => self.switch_tab(Tab::Attendance),
            Action::TabTraining => self.switch_tab(Tab::Training),
            Action::TabIndicators => self.switch_tab(Tab::Indicators),
            Action::TabReview => self.switch_tab(Tab::Review),
            Action::TabReports => self.switch_tab(Tab::Reports),
            Action::TabSchool => self.switch_tab(Tab::School),
            Action::PickClass => {
                let items = self.classes.iter().map(|c| c.name.clone()).collect();
                self.open_picker(PickTarget::Class, "Choose the class", items, self.class_idx);
            }
            Action::PickSubject => {
                let items = self
                    .journal
                    .subjects
                    .iter()
                    .map(|s| s.name.clone())
                    .collect();
                self.open_picker(
                    PickTarget::Subject,
                    "Choose the subject",
                    items,
                    self.journal.subject_idx,
                );
            }
            Action::PickPeriod => {
                let items = self
                    .periods
                    .iter()
                    .map(|p| {
                        format!(
                            "{} ({}–{})",
                            p.label,
                            dates::short(p.starts_on),
                            dates::short(p.ends_on)
                        )
                    })
                    .collect();
                self.open_picker(
                    PickTarget::Period,
                    "Choose the period",
                    items,
                    self.journal.period_idx,
                );
            }
            Action::PickProgramme => {
                let items = self.programmes.iter().map(|p| p.name.clone()).collect();
                self.open_picker(
                    PickTarget::Programme,
                    "Choose the programme",
                    items,
                    self.indicators.idx,
                );
            }
            // attendance (handled by its pane on its tab)
            Action::PrevDay | Action::NextDay => {
                let forward = action == Action::NextDay;
                through!(self.attendance, |p, ctx| {
                    p.step_day(forward, ctx);
                    Effect::Done
                });
            }
            Action::GoToday => {
                through!(self.attendance, |p, ctx| {
                    p.go_today(ctx);
                    Effect::Done
                });
            }
            // training (handled by its pane on its tab)
            Action::PrevPlan | Action::NextPlan => {}
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => match self.tab {
                // moved by the pane (`Pane::handle`)
                Tab::Journal
                | Tab::Attendance
                | Tab::Training
                | Tab::Indicators
                | Tab::Review
                | Tab::Reports
                | Tab::School => {}
            },
            Action::Undo => self.undo(),
            Action::History => self.open_history(),
            Action::Redo => self.redo(),
            // journal
            Action::EditCell
            | Action::ClearCell
            | Action::PickForm
            | Action::SelectRange
            | Action::FillDown
            | Action::SetSelected
            | Action::EditFinal
            | Action::EditLesson
            | Action::MarkEntry
            | Action::PickGroup
            | Action::GoDate => {
                through!(self.journal, |p, ctx| p.journal_action(ctx, &action));
            }
            Action::Confirm | Action::Filter | Action::FilterBackspace | Action::InsertText(_) => {}
            // training
            Action::TrainingSessions
            | Action::TrainingRollCall
            | Action::TrainingStanding
            | Action::AddSession
            | Action::EditSession
            | Action::CopyWeekly
            | Action::DeleteSession
            | Action::OpenRollCall
            | Action::MarkAllPresent
            | Action::ClearEntry
            | Action::Paperwork
            | Action::ToggleScope
            | Action::Publish
            | Action::AddExternal => {}
            // attendance (handled by attendance_update on its tab)
            Action::AttTakeLesson
            | Action::AttTakeDay
            | Action::AttSelect
            | Action::AttClear
            | Action::AttFillDown
            | Action::AttFillRight
            | Action::AttPeriodGrid
            | Action::AttReasons
            | Action::AttOnline
            | Action::AttCodes
            | Action::AttDevices
            | Action::AttCannotOnline
            | Action::AttNotTaken => {}
            // indicators (handled by indicators_update on its tab)
            Action::IndEnterActual
            | Action::IndEditActual
            | Action::IndDeleteActual
            | Action::IndTargets
            | Action::IndBind
            | Action::IndRecompute
            | Action::IndChart
            | Action::IndFilter
            | Action::IndSort
            | Action::IndJump => {}
            // review (handled by its pane on its tab)
            Action::ReviewGroup
            | Action::ReviewSeverity
            | Action::ReviewShowAcked
            | Action::ReviewExpandAll
            | Action::ReviewRange
            | Action::ReviewAck => {}
            // reports (handled by reports_update on its tab)
            Action::ReportPickKind
            | Action::ReportSaveCsv
            | Action::ReportSaveHtml
            | Action::ReportPrevPeriod
            | Action::ReportNextPeriod => {}
            // school (handled by school_update on its tab)
            Action::SchoolPrevSection
            | Action::SchoolNextSection
            | Action::SchoolAdd
            | Action::SchoolEdit
            | Action::SchoolAddYear
            | Action::SchoolAddPeriod
            | Action::SchoolAddHoliday
            | Action::SchoolAddBell
            | Action::SchoolOrder
            | Action::SchoolMovement
            | Action::SchoolGroup
            | Action::SchoolGuardian
            | Action::SchoolDismiss
            | Action::SchoolCloseYear
            | Action::SchoolClearSlot => {}
            // forms (handled by form_update while a form is open)
            Action::FormEnter
            | Action::FormSave
            | Action::FormPick
            | Action::FormClear
            | Action::FormNext
            | Action::FormPrev
            | Action::FormErase
            | Action::FormClose
            | Action::FormLeft
            | Action::FormRight
            | Action::FormHome
            | Action::FormEnd
            | Action::FormDelete
            | Action::FormTopic => {}
        }
    }

    /// Whether the current tab has a form open (the `form` mode).
    pub(crate) fn form_open(&self) -> bool {
        match self.tab {
            Tab::Training => self.training.form.is_some(),
            Tab::Indicators => self.indicators.form.is_some(),
            Tab::School => self.school_pane.form.is_some(),
            Tab::Attendance => self.attendance.form.is_some() || self.attendance.followup.is_some(),
            Tab::Journal => self.journal.lesson_form.is_some(),
            Tab::Review | Tab::Reports => false,
        }
    }

    pub(crate) fn open_picker(
        &mut self,
        target: PickTarget,
        title: &str,
        items: Vec<String>,
        current: usize,
    ) {
        if items.is_empty() {
            self.flash(format!("{}: nothing to choose from", title.to_lowercase()));
            return;
        }
        self.overlay = Overlay::Picker(Picker::new(target, title, items, current));
    }

    fn pick(&mut self, target: PickTarget, i: usize) {
        match target {
            PickTarget::Class => {
                self.class_idx = i;
                self.journal.loaded = false;
                self.attendance.loaded = false;
                self.school_pane.loaded = false;
            }
            // journal
            PickTarget::Subject
            | PickTarget::Period
            | PickTarget::ControlForm
            | PickTarget::Substitute
            | PickTarget::JournalGroup => {
                through!(self.journal, |p, ctx| p.pick(target, i, ctx));
            }
            PickTarget::Programme => {
                through!(self.indicators, |p, ctx| p.pick(target, i, ctx));
            }
            // attendance
            PickTarget::AttCode | PickTarget::AttReason => {
                through!(self.attendance, |p, ctx| p.pick(target, i, ctx));
            }
            // reports
            PickTarget::ReportKind
            | PickTarget::ReportClass
            | PickTarget::ReportPeriod
            | PickTarget::ReportProgramme => {
                through!(self.reports, |p, ctx| p.pick(target, i, ctx));
            }
            // school
            PickTarget::SchoolField | PickTarget::SchoolGroup => {
                through!(self.school_pane, |p, ctx| p.pick(target, i, ctx));
            }
        }
        self.ensure_loaded();
    }

    /// Show another pane at the place a pane pointed to.
    fn jump(&mut self, to: Jump) {
        match to {
            Jump::Training {
                plan_idx,
                standing,
                teacher_id,
            } => {
                self.training.aim(plan_idx, standing);
                self.switch_tab(Tab::Training);
                if let Some(id) = teacher_id {
                    self.training.select_teacher(id);
                }
            }
            Jump::AttendanceDay { class_idx, date } => {
                self.class_idx = class_idx;
                self.journal.loaded = false;
                self.attendance.loaded = false;
                self.attendance.show = super::panes::attendance::Show::Day;
                self.attendance.date = date;
                self.switch_tab(Tab::Attendance);
            }
            Jump::Lesson {
                class_idx,
                period_idx,
                subject_id,
                lesson_id,
            } => {
                self.class_idx = class_idx;
                self.journal.loaded = false;
                self.attendance.loaded = false;
                if let Some(pi) = period_idx {
                    self.journal.period_idx = pi;
                }
                self.switch_tab(Tab::Journal);
                through!(self.journal, |p, ctx| {
                    p.show_lesson(ctx, subject_id, lesson_id);
                    Effect::Done
                });
            }
            Jump::JournalCell {
                class_idx,
                subject_id,
                period_idx,
                date,
                lesson_no,
                lesson_id,
                student_id,
            } => self.open_journal_at(
                class_idx,
                subject_id,
                period_idx,
                (date, lesson_no, lesson_id),
                student_id,
            ),
            Jump::AttendanceCell {
                class_idx,
                date,
                lesson_no,
                lesson_id,
                student_id,
            } => {
                self.class_idx = class_idx;
                self.journal.loaded = false;
                self.tab = Tab::Attendance;
                through!(self.attendance, |p, ctx| {
                    p.open_cell(ctx, date, (lesson_no, lesson_id), student_id);
                    Effect::Done
                });
            }
        }
    }

    /// Show the journal of class `ci`, subject and period, with the cursor
    /// on the lesson (date, number) and the student.
    fn open_journal_at(
        &mut self,
        ci: usize,
        subject_id: Id,
        period: Option<usize>,
        (date, lesson_no, lesson_id): (NaiveDate, Option<u8>, Option<Id>),
        student_id: Option<Id>,
    ) {
        self.class_idx = ci;
        self.attendance.loaded = false;
        if let Some(p) = period {
            self.journal.period_idx = p;
        }
        self.tab = Tab::Journal;
        through!(self.journal, |p, ctx| {
            p.open_at(ctx, subject_id, (date, lesson_no, lesson_id), student_id);
            Effect::Done
        });
    }

    fn switch_tab(&mut self, tab: Tab) {
        self.tab = tab;
        // journal: leave the marks grid (digits switch tabs again)
        self.journal.leave_grid();
        self.ensure_loaded();
    }

    /// Make one change to the database: `f` runs in a single IMMEDIATE
    /// transaction with the operator's name and returns its value and the
    /// audit entries it wrote. On success the change can be undone with `u`
    /// and every pane is read again; on failure nothing was saved and the
    /// reason is shown on the status line.
    pub fn write<T>(
        &mut self,
        description: impl Into<String>,
        f: impl FnOnce(&rusqlite::Transaction, &str) -> store::Result<(T, Vec<i64>)>,
    ) -> Option<T> {
        let description = description.into();
        let operator = self.opts.operator.clone();
        match self.db.write(|tx| f(tx, &operator)) {
            Ok((value, entries)) => {
                if !entries.is_empty() {
                    self.undo_stack.push(Change {
                        description,
                        entries,
                    });
                    self.redo_stack.clear();
                }
                self.invalidate();
                Some(value)
            }
            Err(e) => {
                self.flash(format!("not saved: {e}"));
                None
            }
        }
    }

    fn undo(&mut self) {
        self.undo_or_redo(true);
    }

    fn redo(&mut self) {
        self.undo_or_redo(false);
    }

    /// Undo the newest change of the session (or redo the newest undone one)
    /// by restoring the rows its audit entries recorded.
    fn undo_or_redo(&mut self, undo: bool) {
        let (from, verb) = if undo {
            (&mut self.undo_stack, "undone")
        } else {
            (&mut self.redo_stack, "redone")
        };
        let Some(change) = from.pop() else {
            self.flash(if undo {
                "nothing to undo"
            } else {
                "nothing to redo"
            });
            return;
        };
        let operator = self.opts.operator.clone();
        match self
            .db
            .write(|tx| store::audit::undo_group(tx, &operator, &change.entries))
        {
            Ok(entries) => {
                let done = Change {
                    description: change.description.clone(),
                    entries,
                };
                if undo {
                    self.redo_stack.push(done);
                } else {
                    self.undo_stack.push(done);
                }
                self.invalidate();
                self.flash(format!("{verb}: {}", change.description));
            }
            Err(e) => {
                // Keep it where it was: nothing changed.
                if undo {
                    self.undo_stack.push(change);
                } else {
                    self.redo_stack.push(change);
                }
                self.flash(format!("could not undo: {e}"));
            }
        }
    }

    /// Forget what every pane has read, and read the current one again.
    /// The school's structure (year, classes, periods, plans, programmes)
    /// is read again too: a write or an undo may have added or removed a
    /// year or a class (the School tab, the change history).
    pub fn invalidate(&mut self) {
        self.reload_structure();
        for (_, p) in self.panes_mut() {
            p.invalidate();
        }
        self.ensure_loaded();
    }

    /// Every pane with its tab.
    fn panes_mut(&mut self) -> [(Tab, &mut dyn Pane); 7] {
        [
            (Tab::Journal, &mut self.journal),
            (Tab::Attendance, &mut self.attendance),
            (Tab::Training, &mut self.training),
            (Tab::Indicators, &mut self.indicators),
            (Tab::Review, &mut self.review),
            (Tab::Reports, &mut self.reports),
            (Tab::School, &mut self.school_pane),
        ]
    }

    /// Every pane but the one shown reads again when next shown (after a
    /// write the shown pane took in itself: [`Outcome::patched`]).
    fn invalidate_others(&mut self) {
        let tab = self.tab;
        for (t, p) in self.panes_mut() {
            if t != tab {
                p.invalidate();
            }
        }
    }

    /// Read the school, its year, classes, periods, training plans and
    /// programmes again, keeping each pane's choice (by id) when it is
    /// still there, and the set-up overview.
    /// What the operator may do, for the status line (a grant may have
    /// changed it: read with the structure).
    fn read_role(&self) -> String {
        if self.db.is_read_only() {
            return "read-only".to_string();
        }
        store::access::rights(self.db.conn(), &self.db.who().login, self.db.path())
            .map(|r| r.label().to_string())
            .unwrap_or_default()
    }

    pub(crate) fn reload_structure(&mut self) {
        self.role = self.read_role();
        let conn = self.db.conn();
        let read = || -> store::Result<_> {
            let school = store::school::school(conn)?;
            let year = store::school::current_year(conn, self.working_date)?;
            let (classes, periods, plans) = match &year {
                Some(y) => (
                    store::classes::classes(conn, y.id)?,
                    store::school::periods(conn, y.id)?,
                    store::training::plans(conn, y.id)?,
                ),
                None => (vec![], vec![], vec![]),
            };
            let programmes = store::indicators::programmes(conn)?;
            let setup = service::setup::overview(conn, self.opts.today)?;
            Ok((school, year, classes, periods, plans, programmes, setup))
        };
        let r = read();
        let Some((school, year, classes, periods, plans, programmes, setup)) =
            self.report("the school", r)
        else {
            return;
        };
        let same_year = year.as_ref().map(|y| y.id) == self.year.as_ref().map(|y| y.id);
        // Indexes into the old lists, as ids, and back into the new ones.
        fn keep<T>(old: &[T], idx: usize, new: &[T], id: impl Fn(&T) -> Id) -> Option<usize> {
            let want = old.get(idx).map(&id)?;
            new.iter().position(|x| id(x) == want)
        }
        let class_idx = keep(&self.classes, self.class_idx, &classes, |c| c.id)
            .unwrap_or_else(|| classes.iter().position(|c| c.grade >= 2).unwrap_or(0));
        let reports_class = self
            .reports
            .class_idx
            .and_then(|i| keep(&self.classes, i, &classes, |c| c.id));
        // The period the journal opened on by default follows the default
        // (a quarter added by hand replaces the whole year).
        let on_default =
            self.journal.period_idx == default_period(&self.periods, self.working_date);
        let period_idx = keep(&self.periods, self.journal.period_idx, &periods, |p| p.id)
            .filter(|_| !on_default)
            .unwrap_or_else(|| default_period(&periods, self.working_date));
        let reports_period = self
            .reports
            .period_idx
            .and_then(|i| keep(&self.periods, i, &periods, |p| p.id));
        let plan_idx =
            keep(&self.plans, self.training.plan_idx, &plans, |p| p.id).unwrap_or_else(|| {
                plans
                    .iter()
                    .rposition(|p| p.starts_on <= self.working_date)
                    .unwrap_or(0)
            });
        let programme_idx =
            keep(&self.programmes, self.indicators.idx, &programmes, |p| p.id).unwrap_or(0);
        let reports_programme = keep(
            &self.programmes,
            self.reports.programme_idx,
            &programmes,
            |p| p.id,
        )
        .unwrap_or(0);
        self.class_idx = class_idx;
        self.reports.class_idx = reports_class;
        self.journal.period_idx = period_idx;
        self.reports.period_idx = reports_period;
        self.training.plan_idx = plan_idx;
        self.indicators.idx = programme_idx;
        self.reports.programme_idx = reports_programme;
        if !same_year {
            self.attendance.date = year.as_ref().map_or(self.working_date, |y| {
                self.working_date.clamp(y.starts_on, y.ends_on)
            });
        }
        self.school = school;
        self.year = year;
        self.classes = classes;
        self.periods = periods;
        self.plans = plans;
        self.programmes = programmes;
        self.setup = setup;
    }

    /// Read what the current tab shows if it has not been read yet.
    pub fn ensure_loaded(&mut self) {
        if !self.pane().loaded() {
            self.seen = store::audit::last_id(self.db.conn()).ok();
            current!(self, |p, ctx| {
                p.load(ctx);
                Effect::Done
            });
        }
    }

    /// The current tab's pane.
    pub fn pane(&self) -> &dyn Pane {
        match self.tab {
            Tab::Journal => &self.journal,
            Tab::Attendance => &self.attendance,
            Tab::Training => &self.training,
            Tab::Indicators => &self.indicators,
            Tab::Review => &self.review,
            Tab::Reports => &self.reports,
            Tab::School => &self.school_pane,
        }
    }

    fn report<T>(&mut self, what: &str, r: store::Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.flash(format!("could not read {what}: {e}"));
                None
            }
        }
    }
}

/// The period to open the journal on: the quarter containing `d`, else
/// the latest quarter begun by `d`, else the first period.
fn default_period(periods: &[Period], d: NaiveDate) -> usize {
    let quarters = || {
        periods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PeriodKind::Quarter)
    };
    quarters()
        .find(|(_, p)| p.contains(d))
        .or_else(|| quarters().rfind(|(_, p)| p.starts_on <= d))
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod pane_tests {
    use super::*;
    use crate::service::reports::Kind;

    fn app() -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = store::open(
            &dir.path().join("t.sqlite"),
            &store::OpenOptions {
                mode: store::OpenMode::Create,
                ..store::OpenOptions::default()
            },
        )
        .expect("database opens");
        let opts = UiOptions {
            operator: "Нгуен Ван Ан".into(),
            no_color: true,
            today: NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date"),
        };
        (dir, App::new(db, opts).expect("app starts"))
    }

    /// The school's row as `store::audit::write_row` takes it.
    fn school_row(name: &str) -> serde_json::Map<String, serde_json::Value> {
        let v = serde_json::json!({"id": 1, "name": name, "short_name": name, "address": ""});
        v.as_object().cloned().expect("an object")
    }

    fn key() -> serde_json::Map<String, serde_json::Value> {
        serde_json::json!({"id": 1})
            .as_object()
            .cloned()
            .expect("an object")
    }

    #[test]
    fn a_pane_asking_for_a_picker_opens_it() {
        let (_dir, mut app) = app();
        app.tab = Tab::Reports;
        assert!(through!(app.reports, |p, ctx| p.handle(&Action::ReportPickKind, ctx)));
        let Overlay::Picker(picker) = &app.overlay else {
            panic!("no picker: {:?}", app.overlay);
        };
        assert_eq!(picker.target, PickTarget::ReportKind);
        assert_eq!(picker.title, "Choose the report");
        assert_eq!(picker.items.len(), Kind::ALL.len());
        // Its choice comes back to the pane, which reads again on load.
        app.update(Action::MoveDown);
        app.update(Action::Confirm);
        assert_eq!(app.overlay, Overlay::None);
        assert_eq!(app.reports.kind(), Kind::ALL[1]);
        assert!(app.reports.loaded(), "read again after the choice");
    }

    #[test]
    fn an_empty_picker_is_not_opened() {
        // No classes yet: the class picker has nothing to offer.
        let (_dir, mut app) = app();
        app.tab = Tab::Reports;
        assert!(app.classes.is_empty());
        assert!(through!(app.reports, |p, ctx| p.handle(&Action::PickClass, ctx)));
        assert_eq!(app.overlay, Overlay::None);
        assert_eq!(
            app.message.as_deref(),
            Some("choose the class: nothing to choose from")
        );
    }

    #[test]
    fn an_action_not_the_panes_passes_to_the_app() {
        let (_dir, mut app) = app();
        app.tab = Tab::Reports;
        assert!(!through!(app.reports, |p, ctx| p.handle(&Action::Quit, ctx)));
        assert!(!app.quit, "passing does nothing itself");
        assert_eq!(app.overlay, Overlay::None);
        // Through `update` the app then quits.
        app.update(Action::Quit);
        assert!(app.quit);
    }

    #[test]
    fn each_effect_is_applied() {
        let (_dir, mut app) = app();
        assert!(app.apply(Effect::Done));
        assert_eq!(app.message, None);
        assert!(app.apply(Effect::Flash("Trần Thị Mai: 5".into())));
        assert_eq!(app.message.as_deref(), Some("Trần Thị Mai: 5"));
        assert!(app.apply(Effect::SwitchTab(Tab::Reports)));
        assert_eq!(app.tab, Tab::Reports);
        assert!(app.reports.loaded(), "the new tab is read");
        app.reports.invalidate();
        assert!(app.apply(Effect::Reload));
        assert!(app.reports.loaded(), "the current tab is read again");
        assert!(!app.quit);
        assert!(app.apply(Effect::Quit));
        assert!(app.quit);
        assert!(!app.apply(Effect::Pass));
    }

    #[test]
    fn a_service_writing_itself_is_recorded_through_the_context() {
        let (_dir, mut app) = app();
        let mut ctx = Ctx::writing(&mut app.db, parts!(app));
        let db = ctx.db_mut().expect("a writing context lends the database");
        let entries = db
            .write(|tx| -> store::Result<Vec<i64>> {
                let e = store::audit::write_row(
                    tx,
                    "Нгуен Ван Ан",
                    "update",
                    "school",
                    &key(),
                    Some(&school_row("Trường Chu Văn An")),
                )?;
                Ok(e.into_iter().collect())
            })
            .expect("written");
        ctx.record("школа: Trường Chu Văn An", entries);
        // Nothing written, nothing to undo; the panes are read again.
        ctx.record("ничего", vec![]);
        let outcome = ctx.finish();
        assert!(outcome.wrote);
        assert_eq!(outcome.changes.len(), 1, "{outcome:?}");
        app.apply_outcome(outcome);
        assert_eq!(
            app.school.as_ref().map(|s| s.name.as_str()),
            Some("Trường Chu Văn An")
        );
        app.update(Action::Undo);
        assert_eq!(app.school, None, "undone");
        // A drawing context lends nothing.
        let mut ctx = app.ctx();
        assert!(ctx.db_mut().is_none());
    }

    #[test]
    fn a_refusal_reads_every_pane_again_and_stays_in_view() {
        let (_dir, mut app) = app();
        app.tab = Tab::Reports;
        app.ensure_loaded();
        // Nothing refused: nothing read again.
        app.reports.invalidate();
        let ctx = Ctx::writing(&mut app.db, parts!(app));
        let outcome = ctx.finish();
        assert!(!outcome.reread);
        app.apply_outcome(outcome);
        assert!(!app.reports.loaded(), "not read again");
        // Refused: the panes are read again, the refusal is shown.
        let mut ctx = Ctx::writing(&mut app.db, parts!(app));
        ctx.flash("not saved: Trần Văn Nam changed Иванова's cell");
        ctx.read_again();
        let outcome = ctx.finish();
        assert!(outcome.reread && !outcome.wrote);
        app.apply_outcome(outcome);
        assert!(app.reports.loaded(), "read again");
        assert_eq!(
            app.message.as_deref(),
            Some("not saved: Trần Văn Nam changed Иванова's cell")
        );
    }

    #[test]
    fn setting_the_class_reads_the_tabs_that_show_it_again() {
        let (_dir, mut app) = app();
        app.tab = Tab::School;
        app.ensure_loaded();
        assert!(app.school_pane.loaded());
        assert!(app.apply(Effect::SetClass(0)));
        assert_eq!(app.class_idx, 0);
        assert!(!app.journal.loaded && !app.attendance.loaded);
        assert!(app.school_pane.loaded(), "the School tab is read again");
    }

    #[test]
    fn a_jump_shows_the_other_pane_there_with_its_message() {
        use crate::ui::panes::training::Screen;
        let (_dir, mut app) = app();
        app.tab = Tab::Review;
        assert!(app.apply(Effect::Jump {
            to: Jump::Training {
                plan_idx: None,
                standing: true,
                teacher_id: Some(3),
            },
            message: "Lê Văn Bình — 3 unexcused absences".into(),
        }));
        assert_eq!(app.tab, Tab::Training);
        assert_eq!(app.training.screen, Screen::Standing);
        assert!(app.training.year_scope, "the year's standing");
        assert!(app.training.loaded(), "the new tab is read");
        assert_eq!(
            app.message.as_deref(),
            Some("Lê Văn Bình — 3 unexcused absences")
        );
        // To the sessions: the scope chosen before is kept.
        assert!(app.apply(Effect::Jump {
            to: Jump::Training {
                plan_idx: None,
                standing: false,
                teacher_id: None,
            },
            message: "张伟: the sessions".into(),
        }));
        assert_eq!(app.training.screen, Screen::Sessions);
        assert!(app.training.year_scope);
    }

    #[test]
    fn a_write_through_the_context_is_one_undoable_change() {
        let (_dir, mut app) = app();
        assert_eq!(app.school, None);
        let mut ctx = Ctx::writing(&mut app.db, parts!(app));
        let id = ctx.write("школа: 王府中学", |tx, operator| {
            let e = store::audit::write_row(
                tx,
                operator,
                "update",
                "school",
                &key(),
                Some(&school_row("王府中学")),
            )?;
            Ok((7, e.into_iter().collect()))
        });
        assert_eq!(id, Some(7));
        let outcome = ctx.finish();
        assert!(outcome.wrote);
        assert_eq!(outcome.changes.len(), 1);
        assert_eq!(outcome.changes[0].description, "школа: 王府中学");
        app.redo_stack.push(outcome.changes[0].clone());
        app.apply_outcome(outcome);
        assert_eq!(app.undo_stack.len(), 1);
        assert!(app.redo_stack.is_empty(), "a new change clears redo");
        // Every pane read again: the school is there.
        assert_eq!(
            app.school.as_ref().map(|s| s.name.as_str()),
            Some("王府中学")
        );
        let entries = store::audit::recent(app.db.conn(), 10).expect("audit log");
        assert_eq!(entries[0].operator, "Нгуен Ван Ан", "attributed");
        app.update(Action::Undo);
        assert_eq!(app.school, None, "undone");
        assert_eq!(app.message.as_deref(), Some("undone: школа: 王府中学"));
    }

    #[test]
    fn a_failed_or_drawing_write_records_nothing() {
        let (_dir, mut app) = app();
        // The school's name may not be empty: nothing is saved.
        let mut ctx = Ctx::writing(&mut app.db, parts!(app));
        let none = ctx.write("школа: пусто", |tx, operator| {
            let e = store::audit::write_row(
                tx,
                operator,
                "update",
                "school",
                &key(),
                Some(&school_row("")),
            )?;
            Ok(((), e.into_iter().collect()))
        });
        assert_eq!(none, None);
        assert!(
            ctx.last_message()
                .is_some_and(|m| m.starts_with("not saved: ")),
            "the refusal, for a form to show"
        );
        let outcome = ctx.finish();
        assert!(!outcome.wrote);
        assert!(outcome.changes.is_empty());
        assert!(
            outcome.messages[0].starts_with("not saved: "),
            "{outcome:?}"
        );
        app.apply_outcome(outcome);
        assert!(app.undo_stack.is_empty());
        assert!(
            app.message
                .as_deref()
                .is_some_and(|m| m.starts_with("not saved: "))
        );
        // A write that records no audit entry changes nothing to undo, but
        // the panes are read again.
        let mut ctx = Ctx::writing(&mut app.db, parts!(app));
        assert_eq!(ctx.write("nothing", |_, _| Ok(((), vec![]))), Some(()));
        assert_eq!(
            ctx.last_message(),
            None,
            "a write that succeeds says nothing"
        );
        let outcome = ctx.finish();
        assert!(outcome.wrote && outcome.changes.is_empty());
        // A drawing context cannot write.
        let mut ctx = app.ctx();
        assert_eq!(ctx.write("Иванова", |_, _| Ok(((), vec![1]))), None);
        assert_eq!(
            ctx.finish().messages,
            ["not saved: the screen is being drawn"]
        );
    }
}
