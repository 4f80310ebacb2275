//! School: setting the school up by hand, in six sections switched with
//! `[` and `]`: **Year** (the school years, the current year's periods,
//! holidays and non-school days, bell times), **Classes** (class teacher,
//! groups and their members), **Students** (a class's students with their
//! stays and orders; add, correct, enter a missing order, arrive / leave /
//! transfer, groups, guardians), **Staff**, **Curriculum** (a class's
//! subjects, hours and teachers) and **Timetable** (a class's week,
//! weekdays × lessons). Every change is a form (the shared one) that goes
//! through `service::setup`, audited and undoable with `u` like every other
//! write.
//!
//! On a database with nothing set up every tab says what is missing and
//! how to add it (`ui::first_run`, drawn by the application).

mod forms;
mod keys;
mod save;
mod view;

use std::cell::Cell;

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::{Bell, ClassGroup, Holiday, Id, Period, SchoolYear, Staff, Subject};
use crate::service::setup::{self, ClassSummary, CurriculumRow, RosterRow, SlotView};
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Pane, PickTarget};
use crate::ui::keymap::Mode;

pub use forms::FormKind;

/// A form over the School tab.
pub type Form = crate::ui::widgets::form::Form<FormKind>;

/// The School tab's sections, in order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    #[default]
    Year,
    Classes,
    Students,
    Staff,
    Curriculum,
    Timetable,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Year,
        Section::Classes,
        Section::Students,
        Section::Staff,
        Section::Curriculum,
        Section::Timetable,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Year => "Year",
            Section::Classes => "Classes",
            Section::Students => "Students",
            Section::Staff => "Staff",
            Section::Curriculum => "Curriculum",
            Section::Timetable => "Timetable",
        }
    }

    /// The keymap mode of the section.
    pub fn mode(self) -> Mode {
        match self {
            Section::Year => Mode::SchoolYear,
            Section::Classes => Mode::SchoolClasses,
            Section::Students => Mode::SchoolStudents,
            Section::Staff => Mode::SchoolStaff,
            Section::Curriculum => Mode::SchoolCurriculum,
            Section::Timetable => Mode::SchoolTimetable,
        }
    }

    fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// What a row of the Year section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarKind {
    Year,
    Period,
    Holiday,
    Bell,
}

/// A row of the Year section: a heading (selectable: `a` adds a row of
/// its kind), or an index into the pane's years, periods, holidays, bells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearRow {
    Heading(CalendarKind),
    Year(usize),
    Period(usize),
    Holiday(usize),
    Bell(usize),
}

impl YearRow {
    pub fn kind(self) -> CalendarKind {
        match self {
            YearRow::Heading(k) => k,
            YearRow::Year(_) => CalendarKind::Year,
            YearRow::Period(_) => CalendarKind::Period,
            YearRow::Holiday(_) => CalendarKind::Holiday,
            YearRow::Bell(_) => CalendarKind::Bell,
        }
    }
}

/// The School tab's state: what each section shows, its cursor, the open
/// form.
#[derive(Debug, Default)]
pub struct SchoolPane {
    pub section: Section,
    pub loaded: bool,
    // Year
    pub years: Vec<SchoolYear>,
    /// The current year's periods, holidays and bells.
    pub periods: Vec<Period>,
    pub holidays: Vec<Holiday>,
    pub bells: Vec<Bell>,
    pub year_rows: Vec<YearRow>,
    // Classes
    pub classes: Vec<ClassSummary>,
    // Students, Curriculum, Timetable: of the class `Ctx::class()`.
    pub roster: Vec<RosterRow>,
    pub curriculum: Vec<CurriculumRow>,
    pub week: Vec<SlotView>,
    pub groups: Vec<ClassGroup>,
    // Staff, and the lists the forms' pickers offer.
    pub staff: Vec<Staff>,
    pub subjects: Vec<Subject>,
    /// The cursor's row in each section (the Timetable's: the lesson).
    pub rows: [usize; 6],
    /// The Timetable's cursor column: 0 = Monday.
    pub day: usize,
    /// An open form (typing goes into it).
    pub form: Option<Form>,
    /// The values behind the items of a picker opened from the form.
    pub(crate) pick_values: Vec<String>,
    /// The groups behind the items of the student's group picker.
    pub(crate) pick_groups: Vec<Id>,
    /// After a save: the row to put the cursor on, by its name.
    pub(crate) focus: Option<(Section, String)>,
    /// After a save: the class (index into `Ctx::classes` as read again)
    /// the other tabs are to show.
    pub(crate) show_class: Option<usize>,
    pub(crate) offsets: [Cell<usize>; 6],
    pub(crate) pages: [Cell<usize>; 6],
}

impl SchoolPane {
    /// The cursor's row in the current section.
    pub fn row(&self) -> usize {
        self.rows[self.section.index()]
    }

    fn set_row(&mut self, r: usize) {
        self.rows[self.section.index()] = r;
    }

    /// How many rows the current section has.
    fn len(&self) -> usize {
        match self.section {
            Section::Year => self.year_rows.len(),
            Section::Classes => self.classes.len(),
            Section::Students => self.roster.len(),
            Section::Staff => self.staff.len(),
            Section::Curriculum => self.curriculum.len(),
            Section::Timetable => self.lessons().len(),
        }
    }

    /// The Timetable's lesson numbers: the bells', and any lesson of the
    /// week without one.
    pub fn lessons(&self) -> Vec<u8> {
        let mut v: Vec<u8> = self.bells.iter().map(|b| b.lesson_no).collect();
        for s in &self.week {
            if !v.contains(&s.slot.lesson_no) {
                v.push(s.slot.lesson_no);
            }
        }
        v.sort_unstable();
        v
    }

    /// The Timetable's weekdays: Monday to Saturday, and Sunday when a
    /// lesson is on it.
    pub fn days(&self) -> usize {
        if self.week.iter().any(|s| s.slot.weekday == 7) {
            7
        } else {
            6
        }
    }

    /// The slots of the cursor's cell (one per group).
    pub fn cell(&self) -> Vec<&SlotView> {
        let lessons = self.lessons();
        let Some(&lesson) = lessons.get(self.rows[Section::Timetable.index()]) else {
            return vec![];
        };
        let day = self.day as u8 + 1;
        self.week
            .iter()
            .filter(|s| s.slot.weekday == day && s.slot.lesson_no == lesson)
            .collect()
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        if self.section == Section::Timetable
            && matches!(action, Action::MoveLeft | Action::MoveRight)
        {
            self.day = super::step_cols(self.day, self.days(), action);
            return;
        }
        let i = self.section.index();
        let r = super::step_rows(self.row(), self.len(), action, self.pages[i].get());
        self.set_row(r);
    }

    /// The Year section's rows: the years, then the current year's
    /// periods, holidays and bells, each under its heading.
    fn build_year_rows(&mut self) {
        let mut rows = vec![YearRow::Heading(CalendarKind::Year)];
        rows.extend((0..self.years.len()).map(YearRow::Year));
        if !self.years.is_empty() {
            rows.push(YearRow::Heading(CalendarKind::Period));
            rows.extend((0..self.periods.len()).map(YearRow::Period));
            rows.push(YearRow::Heading(CalendarKind::Holiday));
            rows.extend((0..self.holidays.len()).map(YearRow::Holiday));
            rows.push(YearRow::Heading(CalendarKind::Bell));
            rows.extend((0..self.bells.len()).map(YearRow::Bell));
        }
        self.year_rows = rows;
    }

    /// The name a row is found by after a save (see `focus`).
    fn row_name(&self, section: Section, i: usize) -> Option<String> {
        Some(match section {
            Section::Year => match *self.year_rows.get(i)? {
                YearRow::Heading(_) => return None,
                YearRow::Year(y) => self.years.get(y)?.label.clone(),
                YearRow::Period(p) => self.periods.get(p)?.label.clone(),
                YearRow::Holiday(h) => self.holidays.get(h)?.label.clone(),
                YearRow::Bell(b) => format!("lesson {}", self.bells.get(b)?.lesson_no),
            },
            Section::Classes => self.classes.get(i)?.class.name.clone(),
            Section::Students => self.roster.get(i)?.student.full_name(),
            Section::Staff => self.staff.get(i)?.full_name(),
            Section::Curriculum => self.curriculum.get(i)?.subject.name.clone(),
            Section::Timetable => return None,
        })
    }

    /// Keep every cursor inside its list; put it on the row just saved.
    fn clamp(&mut self) {
        if let Some((section, name)) = self.focus.take() {
            let n = match section {
                Section::Year => self.year_rows.len(),
                Section::Classes => self.classes.len(),
                Section::Students => self.roster.len(),
                Section::Staff => self.staff.len(),
                Section::Curriculum => self.curriculum.len(),
                Section::Timetable => 0,
            };
            if let Some(i) = (0..n).find(|&i| self.row_name(section, i).as_deref() == Some(&name)) {
                self.rows[section.index()] = i;
            }
        }
        let lens = [
            self.year_rows.len(),
            self.classes.len(),
            self.roster.len(),
            self.staff.len(),
            self.curriculum.len(),
            self.lessons().len(),
        ];
        for (r, n) in self.rows.iter_mut().zip(lens) {
            *r = (*r).min(n.saturating_sub(1));
        }
        self.day = self.day.min(self.days() - 1);
    }
}

/// A day typed into a form: `24.12.2025`, `2025-12-24`, or `24.12` (the
/// year is the one that puts the day inside `year`, else `fallback`'s).
pub fn parse_day(s: &str, year: Option<&SchoolYear>, fallback: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    let s = s.trim();
    if let Some(d) = crate::service::import::model::parse_date(s) {
        return Some(d);
    }
    let (d, m) = s.trim_end_matches('.').split_once('.')?;
    let (d, m): (u32, u32) = (d.trim().parse().ok()?, m.trim().parse().ok()?);
    let candidates: Vec<i32> = match year {
        Some(y) => vec![y.starts_on.year(), y.ends_on.year()],
        None => vec![fallback.year()],
    };
    let days: Vec<NaiveDate> = candidates
        .iter()
        .filter_map(|&yy| NaiveDate::from_ymd_opt(yy, m, d))
        .collect();
    days.iter()
        .find(|d| year.is_none_or(|y| y.contains(**d)))
        .or(days.first())
        .copied()
}

impl Pane for SchoolPane {
    /// Its form, else its section.
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else {
            self.section.mode()
        }
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Read everything the School tab shows (small lists: the calendar,
    /// the classes, the staff, and the current class's students,
    /// curriculum and week).
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let conn = ctx.conn();
        let year = ctx.year;
        let class = ctx.class();
        let day = school_day(ctx);
        let read = || -> crate::store::Result<_> {
            let years = crate::store::school::years(conn)?;
            let staff = crate::store::people::staff(conn)?;
            let subjects = crate::store::curriculum::subjects(conn)?;
            let (periods, holidays, bells, classes) = match year {
                Some(y) => (
                    crate::store::school::periods(conn, y.id)?,
                    crate::store::school::holidays(conn, y.id)?,
                    crate::store::curriculum::bells(conn, y.id)?,
                    setup::class_summaries(conn, y, day)?,
                ),
                None => (vec![], vec![], vec![], vec![]),
            };
            let (roster, curriculum, week, groups) = match (class, year) {
                (Some(c), Some(y)) => (
                    setup::roster(conn, c, y)?,
                    setup::curriculum_rows(conn, c.id)?,
                    setup::week(conn, c.id, day)?,
                    crate::store::classes::groups(conn, c.id)?,
                ),
                _ => (vec![], vec![], vec![], vec![]),
            };
            Ok((
                years, staff, subjects, periods, holidays, bells, classes, roster, curriculum,
                week, groups,
            ))
        };
        let (
            years,
            staff,
            subjects,
            periods,
            holidays,
            bells,
            classes,
            roster,
            curriculum,
            week,
            groups,
        ) = match read() {
            Ok(v) => v,
            Err(e) => {
                ctx.flash(format!("could not read the school: {e}"));
                return;
            }
        };
        self.years = years;
        self.staff = staff;
        self.subjects = subjects;
        self.periods = periods;
        self.holidays = holidays;
        self.bells = bells;
        self.classes = classes;
        self.roster = roster;
        self.curriculum = curriculum;
        self.week = week;
        self.groups = groups;
        self.build_year_rows();
        // The Classes section's cursor follows the class the other
        // sections show.
        if let Some(c) = ctx.class()
            && let Some(i) = self.classes.iter().position(|s| s.class.id == c.id)
            && self.focus.is_none()
        {
            self.rows[Section::Classes.index()] = i;
        }
        self.clamp();
    }

    /// An open form takes every action; else the section's keys and the
    /// cursor; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        if self.form.is_some() {
            return self.school_form_update(ctx, action.clone());
        }
        let section = self.section;
        match action {
            Action::SchoolNextSection | Action::SchoolPrevSection => {
                let i = section.index();
                let n = Section::ALL.len();
                let next = if *action == Action::SchoolNextSection {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.section = Section::ALL[next];
            }
            // The Classes section's cursor is the class of the others.
            Action::MoveUp
            | Action::MoveDown
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last
                if section == Section::Classes =>
            {
                self.move_cursor(action);
                let id = self.classes.get(self.row()).map(|c| c.class.id);
                if let Some(i) = id.and_then(|id| ctx.classes.iter().position(|c| c.id == id))
                    && i != ctx.class_idx
                {
                    return Effect::SetClass(i);
                }
            }
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => self.move_cursor(action),
            Action::SchoolAdd => self.school_add_form(ctx),
            Action::SchoolEdit => self.school_edit_form(ctx),
            Action::SchoolAddYear => self.calendar_form(ctx, CalendarKind::Year, None),
            Action::SchoolAddPeriod => self.calendar_form(ctx, CalendarKind::Period, None),
            Action::SchoolAddHoliday => self.calendar_form(ctx, CalendarKind::Holiday, None),
            Action::SchoolAddBell => self.calendar_form(ctx, CalendarKind::Bell, None),
            Action::SchoolOrder => self.order_form(ctx),
            Action::SchoolMovement => self.movement_form(ctx),
            Action::SchoolGroup if section == Section::Classes => self.group_form(ctx),
            Action::SchoolGroup => return self.open_group_picker(ctx),
            Action::SchoolGuardian => self.guardian_form(ctx),
            Action::SchoolDismiss => self.dismiss_form(ctx),
            Action::SchoolCloseYear => self.close_year_form(ctx),
            Action::SchoolClearSlot => self.clear_slot_form(ctx),
            _ => return Effect::Pass,
        }
        Effect::Done
    }

    fn pick(&mut self, target: PickTarget, index: usize, ctx: &mut Ctx) -> Effect {
        self.school_pick(ctx, target, index)
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        view::draw(self, ctx, area, buf);
    }
}

/// The day the School tab shows the school on: the working date, inside
/// the current year.
pub(crate) fn school_day(ctx: &Ctx) -> NaiveDate {
    ctx.year.map_or(ctx.working_date, |y| {
        ctx.working_date.clamp(y.starts_on, y.ends_on)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_typed_short_take_the_school_year() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let year = SchoolYear {
            id: 1,
            label: "2025/26".into(),
            starts_on: d(2025, 9, 1),
            ends_on: d(2026, 5, 31),
            status: crate::domain::YearStatus::Open,
        };
        let today = d(2026, 1, 15);
        assert_eq!(parse_day("03.11", Some(&year), today), Some(d(2025, 11, 3)));
        assert_eq!(
            parse_day("12.01.", Some(&year), today),
            Some(d(2026, 1, 12))
        );
        assert_eq!(parse_day("12.01", None, today), Some(d(2026, 1, 12)));
        assert_eq!(parse_day("2025-09-01", None, today), Some(d(2025, 9, 1)));
        assert_eq!(parse_day("31.02", Some(&year), today), None);
        assert_eq!(parse_day("soon", Some(&year), today), None);
    }
}
