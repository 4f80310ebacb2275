//! Training: the sessions of a semester's plan (date, time, hours, format,
//! topic, presenter, credits) with how many of the roll call attended; the
//! roll call (teachers × sessions, one key per status from the status
//! table, a paperwork form for leave); each teacher's standing for the
//! semester or the year with the published snapshot's differences; and the
//! forms that add and edit sessions.

mod view;

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::Id;
use crate::domain::training::Requirement;
use crate::service::training::{
    self as svc, Difference, Paperwork, PlanView, Publication, RollCall, Scope, SessionInput,
    Standing, credits_short, credits_text,
};
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Pane, PickTarget};
use crate::ui::dates;
use crate::ui::keymap::Mode;
use crate::ui::text::put;
use crate::ui::widgets::form::Outcome;
use crate::ui::widgets::grid::{Column, Grid};
use crate::ui::widgets::table::Table;

/// The training tab's state.
#[derive(Debug, Default)]
pub struct TrainingPane {
    pub plan_idx: usize,
    pub view: Option<PlanView>,
    /// The session under the cursor (sessions list and roll-call column).
    pub row: usize,
    pub loaded: bool,
    pub(crate) offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
    /// Which of the three screens the tab shows.
    pub screen: Screen,
    pub roll: Option<RollCall>,
    /// The teacher under the roll-call cursor.
    pub roll_row: usize,
    pub(crate) roll_row_offset: Cell<usize>,
    pub(crate) roll_col_offset: Cell<usize>,
    pub(crate) roll_page: Cell<usize>,
    pub standing: Option<StandingView>,
    /// The standing covers the year (else the plan's semester).
    pub year_scope: bool,
    pub standing_row: usize,
    pub(crate) standing_offset: Cell<usize>,
    pub(crate) standing_page: Cell<usize>,
    /// An open form (typing goes into it).
    pub form: Option<Form>,
    /// The session a form just saved, to put the cursor on.
    pub(crate) pending_session: Option<Id>,
    /// The plan the cursor was last placed in (on its latest session held
    /// by the working date).
    pub(crate) positioned_plan: Option<Id>,
}

/// The Training tab's screens.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Sessions,
    RollCall,
    Standing,
}

/// The standing on screen with its publication.
#[derive(Debug, Clone, PartialEq)]
pub struct StandingView {
    pub scope: Scope,
    pub rows: Vec<Standing>,
    pub published: Option<Publication>,
    pub differences: Vec<Difference>,
}

/// What a form does when confirmed.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    AddSession {
        plan_id: Id,
    },
    EditSession {
        id: Id,
    },
    CopyWeekly {
        id: Id,
    },
    DeleteSession {
        id: Id,
    },
    AddExternal {
        staff_id: Id,
    },
    Paperwork {
        session_id: Id,
        staff_id: Id,
        status: String,
    },
    Publish {
        semester: u8,
    },
}

/// A form over the pane; confirming it does what its kind says.
pub type Form = crate::ui::widgets::form::Form<FormKind>;
pub use crate::ui::widgets::form::Field;

impl TrainingPane {
    pub(crate) fn set_view(&mut self, view: Option<PlanView>) {
        if let Some(v) = &view {
            self.row = self.row.min(v.sessions.len().saturating_sub(1));
        }
        self.view = view;
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        let Some(v) = &self.view else { return };
        let sessions = v.sessions.len();
        match self.screen {
            Screen::Sessions => {
                self.row = super::step_rows(self.row, sessions, action, self.page.get());
            }
            Screen::RollCall => {
                let teachers = self.roll.as_ref().map_or(0, |r| r.teachers.len());
                match action {
                    Action::MoveLeft | Action::MoveRight => {
                        self.row = super::step_cols(self.row, sessions, action);
                    }
                    _ => {
                        self.roll_row =
                            super::step_rows(self.roll_row, teachers, action, self.roll_page.get());
                    }
                }
            }
            Screen::Standing => {
                let n = self.standing.as_ref().map_or(0, |s| s.rows.len());
                self.standing_row =
                    super::step_rows(self.standing_row, n, action, self.standing_page.get());
            }
        }
    }
}

/// "1.5" hours or credits, "2" when whole.
fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A status's short name for the legend: "official" for official_leave.
fn short_status(code: &str) -> String {
    code.trim_end_matches("_leave").replace('_', " ")
}

// --- the Training tab's actions ---------------------------------------------

/// "1,5" or "1.5"; blank is `None`.
fn number(s: &str, what: &str) -> Result<Option<f64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.replace(',', ".")
        .parse::<f64>()
        .map(Some)
        .map_err(|_| format!("{what} «{s}»: not a number"))
}

fn clock(s: &str, what: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(s.trim(), "%H.%M"))
        .map_err(|_| format!("{what} «{}»: not a time (15:30)", s.trim()))
}

fn day(s: &str, what: &str) -> Result<chrono::NaiveDate, String> {
    svc::parse_date(s).ok_or_else(|| format!("{what} «{}»: not a date (24.12.2025)", s.trim()))
}

const FORMAT_LABELS: [&str; 7] = [
    "lecture",
    "lesson observation",
    "reflection",
    "demonstration lesson",
    "mentoring",
    "study group",
    "external course",
];

impl Pane for TrainingPane {
    /// The keymap mode of the current screen or form.
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            return Mode::Form;
        }
        match self.screen {
            Screen::Sessions => Mode::Training,
            Screen::RollCall => Mode::TrainingRoll,
            Screen::Standing => Mode::TrainingStanding,
        }
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Read the plan's sessions, its roll call and the standing; put the
    /// cursor on a session a form just saved.
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let Some(plan) = ctx.plans.get(self.plan_idx).cloned() else {
            self.view = None;
            return;
        };
        let r = svc::load(ctx.conn(), &plan);
        let view = report(ctx, "training sessions", r);
        self.set_view(view);
        self.load_extra(ctx);
        if let Some(id) = self.pending_session.take()
            && let Some(i) = self
                .view
                .as_ref()
                .and_then(|v| v.sessions.iter().position(|s| s.session.id == id))
        {
            self.row = i;
        }
    }

    /// The Training tab's keys: an open form takes every action; the
    /// screens, the plans, the cursor and the sessions' and roll call's
    /// actions; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        if self.form.is_some() {
            self.form_update(action, ctx);
            return Effect::Done;
        }
        match action {
            Action::PrevPlan | Action::NextPlan => {
                let n = ctx.plans.len();
                let i = self.plan_idx;
                let next = if *action == Action::NextPlan {
                    (i + 1).min(n.saturating_sub(1))
                } else {
                    i.saturating_sub(1)
                };
                if next == i {
                    return Effect::Flash(
                        if *action == Action::NextPlan {
                            "no later plan"
                        } else {
                            "no earlier plan"
                        }
                        .into(),
                    );
                }
                self.plan_idx = next;
                self.load(ctx);
            }
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => self.move_cursor(action),
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
            | Action::AddExternal => self.update(action, ctx),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    /// The Training tab opens no picker.
    fn pick(&mut self, _target: PickTarget, _index: usize, _ctx: &mut Ctx) -> Effect {
        Effect::Pass
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        view::draw(self, ctx, area, buf);
    }
}

/// A read's value, or None with "could not read …" on the status line.
fn report<T>(ctx: &mut Ctx, what: &str, r: crate::store::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            ctx.flash(format!("could not read {what}: {e}"));
            None
        }
    }
}

impl TrainingPane {
    /// Read the roll call and the standing of the plan shown.
    fn load_extra(&mut self, ctx: &mut Ctx) {
        let Some(plan) = ctx.plans.get(self.plan_idx).cloned() else {
            self.roll = None;
            self.standing = None;
            return;
        };
        if self.positioned_plan != Some(plan.id) {
            self.positioned_plan = Some(plan.id);
            let working = ctx.working_date;
            if let Some(v) = &self.view {
                self.row = v
                    .sessions
                    .iter()
                    .rposition(|s| s.session.date <= working)
                    .unwrap_or(0);
            }
        }
        let r = svc::roll_call(ctx.conn(), &plan);
        self.roll = report(ctx, "the roll call", r);
        if let Some(r) = &self.roll {
            self.roll_row = self.roll_row.min(r.teachers.len().saturating_sub(1));
        }
        let Some(year) = ctx.year.cloned() else {
            self.standing = None;
            return;
        };
        let scope = if self.year_scope {
            Scope::Year
        } else {
            Scope::Semester(plan.semester)
        };
        let conn = ctx.conn();
        let working = ctx.working_date;
        let r = (|| -> crate::store::Result<StandingView> {
            let settings = crate::store::settings::load(conn)?;
            let rows = svc::standing_on(conn, &year, scope, &settings, working)?;
            let published = match scope {
                Scope::Semester(_) => svc::latest_publication(conn, plan.id)?,
                Scope::Year => None,
            };
            let differences = published
                .as_ref()
                .map(|p| svc::differences(&p.standing, &rows))
                .unwrap_or_default();
            Ok(StandingView {
                scope,
                rows,
                published,
                differences,
            })
        })();
        self.standing = report(ctx, "the standing", r);
        if let Some(s) = &self.standing {
            self.standing_row = self.standing_row.min(s.rows.len().saturating_sub(1));
        }
    }

    /// Show the sessions or the year's standing of plan `plan_idx` (None:
    /// the plan shown), read again on the next load.
    pub fn aim(&mut self, plan_idx: Option<usize>, standing: bool) {
        if let Some(i) = plan_idx {
            self.plan_idx = i;
        }
        if standing {
            self.screen = Screen::Standing;
            self.year_scope = true;
        } else {
            self.screen = Screen::Sessions;
        }
        self.loaded = false;
    }

    /// Put the standing's cursor on the teacher's row, if shown.
    pub fn select_teacher(&mut self, staff_id: Id) {
        if let Some(s) = &self.standing
            && let Some(r) = s.rows.iter().position(|r| r.staff_id == staff_id)
        {
            self.standing_row = r;
        }
    }

    fn current_session(&self) -> Option<crate::domain::training::TrainingSession> {
        self.view
            .as_ref()
            .and_then(|v| v.sessions.get(self.row))
            .map(|s| s.session.clone())
    }

    /// Whether a roll-call status has the key `c` (a key of the status
    /// table, not of the keymap).
    pub fn has_status_key(&self, c: char) -> bool {
        self.roll
            .as_ref()
            .is_some_and(|roll| roll.statuses.iter().any(|s| s.key == c.to_string()))
    }

    /// A status key on the roll call: set that status for the teacher
    /// under the cursor (or open the paperwork form the status needs).
    /// Passes when no status has this key.
    pub fn status_key(&mut self, c: char, ctx: &mut Ctx) -> Effect {
        let Some(roll) = &self.roll else {
            return Effect::Pass;
        };
        let Some(status) = roll
            .statuses
            .iter()
            .find(|s| s.key == c.to_string())
            .cloned()
        else {
            return Effect::Pass;
        };
        let (Some(session), Some(teacher)) = (
            self.current_session(),
            roll.teachers.get(self.roll_row).cloned(),
        ) else {
            return Effect::Done;
        };
        if status.requires != Requirement::None {
            self.open_paperwork(session.id, teacher.0, &status.code, ctx);
            return Effect::Done;
        }
        let today = ctx.today;
        let desc = format!(
            "{} → {}, {}",
            short_status(&status.code),
            teacher.1,
            dates::short(session.date)
        );
        let saved = ctx.write(desc, |tx, op| {
            let ids = svc::set_attendance(
                tx,
                op,
                session.id,
                teacher.0,
                &status.code,
                &Paperwork::default(),
                today,
            )?;
            Ok(((), ids))
        });
        if saved.is_some() {
            self.move_cursor(&Action::MoveDown);
        }
        Effect::Done
    }

    fn open_paperwork(&mut self, session_id: Id, staff_id: Id, code: &str, ctx: &Ctx) {
        let Some(roll) = &self.roll else {
            return;
        };
        let Some(status) = roll.status(code).cloned() else {
            return;
        };
        let entry = roll
            .entry(session_id, staff_id)
            .filter(|a| a.status == code)
            .cloned();
        let teacher = roll.staff.get(&staff_id).cloned().unwrap_or_default();
        let lead = ctx
            .plans
            .get(self.plan_idx)
            .and_then(|p| p.lead_id)
            .and_then(|id| roll.staff.get(&id).cloned())
            .unwrap_or_default();
        let field = match status.requires {
            Requirement::Approval => Field::text(
                "Approved by",
                entry
                    .as_ref()
                    .and_then(|a| a.approved_by_id)
                    .and_then(|id| roll.staff.get(&id).cloned())
                    .unwrap_or(lead),
            ),
            Requirement::Certificate => Field::choice(
                "Certificate",
                match entry.as_ref().and_then(|a| a.certificate) {
                    Some(false) => "not given",
                    None if entry.is_some() => "not recorded",
                    _ => "given",
                },
                &["given", "not given", "not recorded"],
            ),
            Requirement::MakeUp => Field::text(
                "Made up on",
                entry
                    .as_ref()
                    .and_then(|a| a.made_up_on)
                    .map(dates::full)
                    .unwrap_or_default(),
            ),
            Requirement::None => return,
        };
        let note = match status.requires {
            Requirement::Approval => {
                "a written request approved by the training lead (blank: not yet)"
            }
            Requirement::Certificate => "a medical certificate (emergencies excepted)",
            _ => "the date the content was made up (blank: not yet)",
        };
        self.form = Some(
            Form::new(
                format!("{}: {}", teacher, short_status(code)),
                FormKind::Paperwork {
                    session_id,
                    staff_id,
                    status: code.to_string(),
                },
                vec![field],
            )
            .with_note(note),
        );
    }

    fn session_form(
        &mut self,
        existing: Option<crate::domain::training::TrainingSession>,
        ctx: &mut Ctx,
    ) {
        let Some(plan) = ctx.plans.get(self.plan_idx).cloned() else {
            ctx.flash("no training plan in this school year");
            return;
        };
        let staff_name = |id: Option<Id>| {
            id.and_then(|id| self.roll.as_ref().and_then(|r| r.staff.get(&id).cloned()))
        };
        let (kind, title, fields) = match &existing {
            Some(s) => (
                FormKind::EditSession { id: s.id },
                format!("Edit the session of {}", dates::full(s.date)),
                vec![
                    Field::text("Date", dates::full(s.date)),
                    Field::text("Start", s.starts_at.format("%H:%M").to_string()),
                    Field::text("End", s.ends_at.format("%H:%M").to_string()),
                    Field::text("Hours", num(s.hours)),
                    Field::text("Topic", s.topic.clone()),
                    Field::choice("Format", s.format.label(), &FORMAT_LABELS),
                    Field::text(
                        "Presenter",
                        if s.presenter.is_empty() {
                            staff_name(s.presenter_id).unwrap_or_default()
                        } else {
                            s.presenter.clone()
                        },
                    ),
                    Field::text("Place", s.place.clone()),
                    Field::text("Credits", num(s.credits)),
                ],
            ),
            None => {
                let date = ctx.working_date.clamp(plan.starts_on, plan.ends_on);
                (
                    FormKind::AddSession { plan_id: plan.id },
                    format!("Add a session to semester {}", plan.semester),
                    vec![
                        Field::text("Date", dates::full(date)),
                        Field::text("Start", "15:30"),
                        Field::text("End", "16:30"),
                        Field::text("Hours", ""),
                        Field::text("Topic", ""),
                        Field::choice("Format", "lecture", &FORMAT_LABELS),
                        Field::text("Presenter", ""),
                        Field::text("Place", ""),
                        Field::text("Credits", ""),
                    ],
                )
            }
        };
        self.form = Some(
            Form::new(title, kind, fields)
                .with_focus(if existing.is_some() { 0 } else { 4 })
                .with_note("hours blank: end − start; credits blank: one an hour"),
        );
    }

    /// Training-tab actions outside a form.
    fn update(&mut self, action: &Action, ctx: &mut Ctx) {
        match action {
            Action::TrainingSessions => self.screen = Screen::Sessions,
            Action::TrainingRollCall | Action::OpenRollCall => self.screen = Screen::RollCall,
            Action::TrainingStanding => self.screen = Screen::Standing,
            Action::AddSession => self.session_form(None, ctx),
            Action::EditSession => match self.current_session() {
                Some(s) => self.session_form(Some(s), ctx),
                None => ctx.flash("no session to edit"),
            },
            Action::CopyWeekly => match self.current_session() {
                Some(s) => {
                    self.form = Some(
                        Form::new(
                            format!("Copy the session of {} weekly", dates::full(s.date)),
                            FormKind::CopyWeekly { id: s.id },
                            vec![Field::text("Weeks", "4")],
                        )
                        .with_note(format!(
                            "«{}», every {} (holidays skipped)",
                            s.topic,
                            dates::weekday(s.date)
                        )),
                    )
                }
                None => ctx.flash("no session to copy"),
            },
            Action::DeleteSession => match self.current_session() {
                Some(s) => {
                    self.form = Some(
                        Form::new(
                            format!("Delete the session of {}?", dates::full(s.date)),
                            FormKind::DeleteSession { id: s.id },
                            vec![],
                        )
                        .with_note(format!(
                            "«{}» (only a session without a roll call)",
                            s.topic
                        )),
                    )
                }
                None => ctx.flash("no session to delete"),
            },
            Action::MarkAllPresent => {
                let Some(s) = self.current_session() else {
                    return;
                };
                let today = ctx.today;
                let desc = format!("all present, {}", dates::short(s.date));
                if let Some(n) =
                    ctx.write(desc, |tx, op| svc::mark_all_present(tx, op, s.id, today))
                {
                    ctx.flash(format!(
                        "marked {n} teachers present at {}",
                        dates::full(s.date)
                    ));
                }
            }
            Action::ClearEntry => {
                let (Some(s), Some(t)) = (
                    self.current_session(),
                    self.roll
                        .as_ref()
                        .and_then(|r| r.teachers.get(self.roll_row).cloned()),
                ) else {
                    return;
                };
                if self
                    .roll
                    .as_ref()
                    .and_then(|r| r.entry(s.id, t.0))
                    .is_none()
                {
                    ctx.flash("nothing to clear here");
                    return;
                }
                let desc = format!("cleared {}, {}", t.1, dates::short(s.date));
                ctx.write(desc, |tx, op| {
                    Ok(((), svc::clear_attendance(tx, op, s.id, t.0)?))
                });
            }
            Action::Paperwork => {
                let (Some(s), Some(roll)) = (self.current_session(), self.roll.as_ref()) else {
                    return;
                };
                let Some(t) = roll.teachers.get(self.roll_row).cloned() else {
                    return;
                };
                match roll.entry(s.id, t.0).cloned() {
                    Some(a)
                        if roll
                            .status(&a.status)
                            .is_some_and(|x| x.requires != Requirement::None) =>
                    {
                        self.open_paperwork(s.id, t.0, &a.status, ctx)
                    }
                    _ => ctx
                        .flash("no leave here: paperwork is for official, personal and sick leave"),
                }
            }
            Action::ToggleScope => {
                self.year_scope = !self.year_scope;
                self.load_extra(ctx);
            }
            Action::AddExternal => {
                let Some(s) = self
                    .standing
                    .as_ref()
                    .and_then(|v| v.rows.get(self.standing_row))
                    .cloned()
                else {
                    return;
                };
                let d = dates::full(ctx.working_date);
                self.form = Some(
                    Form::new(
                        format!("External training: {}", s.name),
                        FormKind::AddExternal {
                            staff_id: s.staff_id,
                        },
                        vec![
                            Field::text("From", d.clone()),
                            Field::text("To", d),
                            Field::text("Provider", ""),
                            Field::text("Title", ""),
                            Field::text("Hours", ""),
                            Field::text("Credits", ""),
                            Field::text("Certificate no", ""),
                        ],
                    )
                    .with_focus(2)
                    .with_note("a course with a certificate; counts in the semester it ends"),
                );
            }
            Action::Publish => {
                let Some(plan) = ctx.plans.get(self.plan_idx).cloned() else {
                    return;
                };
                self.form = Some(
                    Form::new(
                        format!("Publish the standing of semester {}?", plan.semester),
                        FormKind::Publish {
                            semester: plan.semester,
                        },
                        vec![],
                    )
                    .with_note(format!(
                        "a frozen snapshot as of {}",
                        dates::full(ctx.working_date)
                    )),
                );
            }
            _ => {}
        }
    }

    /// Keys while a form is open.
    fn form_update(&mut self, action: &Action, ctx: &mut Ctx) {
        let Some(form) = self.form.as_mut() else {
            return;
        };
        match form.handle(action) {
            Outcome::Cancel => self.form = None,
            Outcome::Submit => self.submit_form(ctx),
            Outcome::Pick => ctx.flash("this field has no list: type its value"),
            Outcome::Open => {}
        }
    }

    fn submit_form(&mut self, ctx: &mut Ctx) {
        let Some(form) = self.form.clone() else {
            return;
        };
        match self.save(&form, ctx) {
            // The cursor goes on a saved session when the pane is read
            // again (`Pane::load`).
            Ok(Some(done)) => {
                self.form = None;
                if !done.is_empty() {
                    ctx.flash(done);
                }
            }
            Ok(None) => {
                // Refused by the service: the write put the reason on the
                // status line; keep the form and show it there too.
                self.pending_session = None;
                if let Some(f) = self.form.as_mut() {
                    f.error = ctx.last_message().map(str::to_string);
                }
            }
            Err(e) => {
                if let Some(f) = self.form.as_mut() {
                    f.error = Some(format!("not saved: {e}"));
                }
            }
        }
    }

    /// Do what the form says: the message to show when done (empty: none),
    /// None when the write was refused, Err when a field is wrong.
    fn save(&mut self, form: &Form, ctx: &mut Ctx) -> Result<Option<String>, String> {
        let today = ctx.today;
        Ok(match &form.kind {
            FormKind::AddSession { .. } | FormKind::EditSession { .. } => {
                let input = session_input(form, ctx)?;
                match form.kind {
                    FormKind::AddSession { plan_id } => {
                        let desc = format!("add session {}", dates::short(input.date));
                        ctx.write(desc, |tx, op| svc::create_session(tx, op, plan_id, &input))
                            .map(|id| {
                                self.pending_session = Some(id);
                                format!("added the session of {}", dates::full(input.date))
                            })
                    }
                    FormKind::EditSession { id } => {
                        let desc = format!("edit session {}", dates::short(input.date));
                        ctx.write(desc, |tx, op| {
                            Ok(((), svc::update_session(tx, op, id, &input, today)?))
                        })
                        .map(|_| {
                            self.pending_session = Some(id);
                            "session saved".to_string()
                        })
                    }
                    _ => None,
                }
            }
            FormKind::CopyWeekly { id } => {
                let weeks: u32 = form.value("Weeks").parse().map_err(|_| {
                    format!("weeks «{}»: give a number of weeks", form.value("Weeks"))
                })?;
                ctx.write(format!("copy session weekly ×{weeks}"), |tx, op| {
                    svc::copy_weekly(tx, op, *id, weeks)
                })
                .map(|(made, skipped)| {
                    let mut m = format!("copied to {} weeks", made.len());
                    if !skipped.is_empty() {
                        let d: Vec<String> = skipped.iter().map(|d| dates::short(*d)).collect();
                        m.push_str(&format!("; holidays skipped: {}", d.join(", ")));
                    }
                    m
                })
            }
            FormKind::DeleteSession { id } => ctx
                .write("delete session", |tx, op| {
                    Ok(((), svc::delete_session(tx, op, *id)?))
                })
                .map(|_| "session deleted".to_string()),
            FormKind::Publish { semester } => {
                let Some(year) = ctx.year.cloned() else {
                    return Ok(None);
                };
                ctx.write(format!("publish semester {semester}"), |tx, op| {
                    svc::publish(tx, op, &year, *semester, today)
                })
                .map(|p| {
                    format!(
                        "published semester {semester} as of {}",
                        dates::full(p.as_of)
                    )
                })
            }
            FormKind::AddExternal { staff_id } => {
                let hours = number(form.value("Hours"), "hours")?
                    .ok_or("hours: give the course's hours")?;
                let e = crate::domain::training::ExternalTraining {
                    id: 0,
                    staff_id: *staff_id,
                    starts_on: day(form.value("From"), "from")?,
                    ends_on: day(form.value("To"), "to")?,
                    provider: form.value("Provider").to_string(),
                    title: form.value("Title").to_string(),
                    hours,
                    credits: number(form.value("Credits"), "credits")?.unwrap_or(0.0),
                    certificate_no: form.value("Certificate no").to_string(),
                };
                ctx.write("add external training", |tx, op| {
                    svc::save_external(tx, op, &e)
                })
                .map(|_| format!("registered {} credits of external training", num(e.credits)))
            }
            FormKind::Paperwork {
                session_id,
                staff_id,
                status,
            } => {
                let mut pw = Paperwork::default();
                let st = self
                    .roll
                    .as_ref()
                    .and_then(|r| r.status(status).cloned())
                    .ok_or("unknown status")?;
                match st.requires {
                    Requirement::Approval => {
                        let who = form.value("Approved by");
                        if !who.is_empty() {
                            pw.approved_by_id = Some(
                                svc::find_teacher(ctx.conn(), who)
                                    .map_err(|e| format!("approved by: {e}"))?
                                    .id,
                            );
                        }
                    }
                    Requirement::Certificate => {
                        pw.certificate = match form.value("Certificate") {
                            "given" => Some(true),
                            "not given" => Some(false),
                            _ => None,
                        }
                    }
                    Requirement::MakeUp => {
                        let v = form.value("Made up on");
                        if !v.is_empty() {
                            pw.made_up_on = Some(day(v, "made up on")?);
                        }
                    }
                    Requirement::None => {}
                }
                let (sid, tid, code) = (*session_id, *staff_id, status.clone());
                let desc = format!("{} with paperwork", short_status(&code));
                ctx.write(desc, |tx, op| {
                    Ok((
                        (),
                        svc::set_attendance(tx, op, sid, tid, &code, &pw, today)?,
                    ))
                })
                .map(|_| {
                    self.move_cursor(&Action::MoveDown);
                    String::new()
                })
            }
        })
    }
}

/// A session from the form's fields (the presenter found among the staff
/// by name, else kept as typed).
fn session_input(f: &Form, ctx: &Ctx) -> Result<SessionInput, String> {
    let format = crate::domain::training::Format::ALL
        .iter()
        .copied()
        .find(|x| x.label() == f.value("Format"))
        .unwrap_or(crate::domain::training::Format::Lecture);
    let presenter = f.value("Presenter");
    let (presenter_id, presenter) = if presenter.is_empty() {
        (None, String::new())
    } else {
        match svc::find_teacher(ctx.conn(), presenter) {
            Ok(t) => (Some(t.id), String::new()),
            Err(_) => (None, presenter.to_string()),
        }
    };
    Ok(SessionInput {
        date: day(f.value("Date"), "date")?,
        starts_at: clock(f.value("Start"), "start")?,
        ends_at: clock(f.value("End"), "end")?,
        hours: number(f.value("Hours"), "hours")?,
        topic: f.value("Topic").to_string(),
        format,
        presenter_id,
        presenter,
        place: f.value("Place").to_string(),
        credits: number(f.value("Credits"), "credits")?,
    })
}
