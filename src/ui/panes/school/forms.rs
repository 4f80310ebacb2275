//! The School tab's forms: what each one asks, which of its fields are
//! chosen from a list (Enter on the empty field, or Ctrl-p), and what
//! saving it does through `service::setup`.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use super::SchoolPane;
use super::{CalendarKind, Form, Section, YearRow, school_day};
use crate::domain::{HolidayKind, Id, PeriodKind, Relation, Role, Sex, Staff};
use crate::service::setup;
use crate::ui::component::{Ctx, Effect, PickTarget};
use crate::ui::dates;
use crate::ui::widgets::form::Field;

/// What saving a form does.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    /// Add a school year, or (`edit`) change its dates.
    Year {
        edit: bool,
    },
    Period,
    Holiday,
    Bell,
    /// Add a class, or (`name`) set an existing one's class teacher.
    Class {
        name: Option<String>,
    },
    Group {
        class: String,
    },
    AddStudent {
        class: String,
    },
    EditStudent {
        id: Id,
    },
    /// Enter an order: the choices of the "Order" field, each a stay and
    /// whether it is its end order.
    Order {
        choices: Vec<(String, Id, bool)>,
    },
    Movement {
        student: Id,
    },
    Guardian {
        student: Id,
    },
    Dismiss {
        student: Id,
        name: String,
    },
    /// Close the year `label` (or, `reopen`, open it again).
    CloseYear {
        label: String,
        reopen: bool,
    },
    Staff,
    Curriculum {
        class: String,
    },
    Slot {
        class: String,
        weekday: u8,
        lesson: u8,
    },
    /// Clear a cell from a date: the choices of the "Group" field.
    ClearSlot {
        slots: Vec<(String, Id)>,
    },
}

// Field labels shared by several forms.
pub(super) const FAMILY: &str = "Family name";
pub(super) const GIVEN: &str = "Given name";
pub(super) const PATRONYMIC: &str = "Patronymic";
pub(super) const FROM: &str = "First day";
pub(super) const TO: &str = "Last day";
pub(super) const ORDER_NO: &str = "Order number";
pub(super) const ORDER_DATE: &str = "Order date";
pub(super) const TEACHER: &str = "Teacher";
pub(super) const SUBJECT: &str = "Subject";
pub(super) const GROUP: &str = "Group";
pub(super) const CLASS: &str = "Class";
pub(super) const CLASS_TEACHER: &str = "Class teacher";
pub(super) const NONE: &str = "(none)";
pub(super) const WHOLE_CLASS: &str = "(whole class)";
pub(super) const UNKNOWN: &str = "unknown";

pub(super) const MOVE_TRANSFER: &str = "transfer to another class";
pub(super) const MOVE_DEPARTURE: &str = "departure from the school";
pub(super) const MOVE_GRADUATION: &str = "graduation";
pub(super) const MOVE_ARRIVAL: &str = "arrival (back in the school)";

pub(super) fn form(
    title: impl Into<String>,
    kind: FormKind,
    fields: Vec<Field>,
    note: &str,
) -> Form {
    Form::new(title, kind, fields).with_note(note)
}

/// The value a staff member is named by in a form: the full name when no
/// one else has it, else the login.
pub(super) fn staff_key(all: &[Staff], s: &Staff) -> String {
    let name = s.full_name();
    let twins = all
        .iter()
        .filter(|o| o.full_name().to_lowercase() == name.to_lowercase())
        .count();
    match &s.login {
        Some(l) if twins > 1 => l.clone(),
        _ => name,
    }
}

pub(super) fn day_text(d: NaiveDate) -> String {
    dates::full(d)
}

pub(super) fn opt_text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub(super) fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

pub(super) fn sex_text(s: Option<Sex>) -> &'static str {
    s.map_or(UNKNOWN, |s| s.as_str())
}

pub(super) fn relation_choices() -> Vec<&'static str> {
    Relation::ALL.iter().map(|r| r.as_str()).collect()
}

pub(super) fn role_choices() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

impl SchoolPane {
    fn need_year(&mut self, ctx: &mut Ctx) -> bool {
        if ctx.year.is_none() {
            ctx.flash("no school year yet: add one first (7, then a on the Year section)");
            return false;
        }
        true
    }

    fn need_class(&mut self, ctx: &mut Ctx) -> Option<String> {
        match ctx.class() {
            Some(c) => Some(c.name.clone()),
            None => {
                ctx.flash("no class yet: add one in the Classes section (], then a)");
                None
            }
        }
    }

    /// `a`: add a row to the current section.
    pub(crate) fn school_add_form(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        match p.section {
            Section::Year => {
                let kind = p
                    .year_rows
                    .get(p.row())
                    .map_or(CalendarKind::Year, |r| r.kind());
                self.calendar_form(ctx, kind, None);
            }
            Section::Classes => self.class_form(ctx, None),
            Section::Students => self.add_student_form(ctx),
            Section::Staff => self.staff_form(),
            Section::Curriculum => self.curriculum_form(ctx, None),
            Section::Timetable => self.slot_form(ctx),
        }
    }

    /// `e` / Enter: correct the row under the cursor.
    pub(crate) fn school_edit_form(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        match p.section {
            Section::Year => match p.year_rows.get(p.row()).copied() {
                Some(YearRow::Heading(k)) => self.calendar_form(ctx, k, None),
                Some(
                    r @ (YearRow::Year(i)
                    | YearRow::Period(i)
                    | YearRow::Holiday(i)
                    | YearRow::Bell(i)),
                ) => self.calendar_form(ctx, r.kind(), Some(i)),
                None => self.calendar_form(ctx, CalendarKind::Year, None),
            },
            Section::Classes => {
                let name = p.classes.get(p.row()).map(|c| c.class.name.clone());
                match name {
                    Some(n) => self.class_form(ctx, Some(n)),
                    None => self.class_form(ctx, None),
                }
            }
            Section::Students => self.edit_student_form(ctx),
            Section::Staff => ctx.flash(
                "a member of staff is corrected by adding them again with the same login (a)",
            ),
            Section::Curriculum => {
                let i = p.row();
                if p.curriculum.is_empty() {
                    self.curriculum_form(ctx, None);
                } else {
                    self.curriculum_form(ctx, Some(i));
                }
            }
            Section::Timetable => self.slot_form(ctx),
        }
    }

    /// A year, period, holiday or bell: a new one, or row `i` to correct.
    pub(crate) fn calendar_form(&mut self, ctx: &mut Ctx, kind: CalendarKind, i: Option<usize>) {
        if kind != CalendarKind::Year && !self.need_year(ctx) {
            return;
        }
        let today = ctx.working_date;
        let p = &*self;
        let f = match kind {
            CalendarKind::Year => {
                let (label, from, to, edit) = match i.and_then(|i| p.years.get(i)) {
                    Some(y) => (y.label.clone(), y.starts_on, y.ends_on, true),
                    None => {
                        let start = match p.years.last() {
                            Some(y) => y.ends_on.year(),
                            None if today.month() >= 7 => today.year(),
                            None => today.year() - 1,
                        };
                        let from = NaiveDate::from_ymd_opt(start, 9, 1).unwrap_or(today);
                        let to = NaiveDate::from_ymd_opt(start + 1, 5, 31).unwrap_or(today);
                        (String::new(), from, to, false)
                    }
                };
                let mut fields = vec![
                    Field::text("Label", label.clone()),
                    Field::text(FROM, day_text(from)),
                    Field::text(TO, day_text(to)),
                ];
                if edit {
                    fields.remove(0);
                }
                form(
                    if edit {
                        format!("School year {label}")
                    } else {
                        "Add a school year".into()
                    },
                    FormKind::Year { edit },
                    fields,
                    if edit {
                        "its first and last day (24.12.2025)"
                    } else {
                        "an empty label is made from the dates (2025/26)"
                    },
                )
            }
            CalendarKind::Period => {
                let Some(year) = ctx.year.cloned() else {
                    return;
                };
                let (kind, number, label, from, to, title) = match i.and_then(|i| p.periods.get(i))
                {
                    Some(pe) => (
                        pe.kind,
                        pe.number,
                        pe.label.clone(),
                        pe.starts_on,
                        pe.ends_on,
                        format!("Period {}", pe.label),
                    ),
                    None => {
                        let quarters: Vec<_> = p
                            .periods
                            .iter()
                            .filter(|x| x.kind == PeriodKind::Quarter)
                            .collect();
                        let from = quarters
                            .iter()
                            .map(|q| q.ends_on + Duration::days(1))
                            .max()
                            .unwrap_or(year.starts_on)
                            .min(year.ends_on);
                        let to = (from + Duration::weeks(8) - Duration::days(1)).min(year.ends_on);
                        (
                            PeriodKind::Quarter,
                            quarters.len() as u8 + 1,
                            String::new(),
                            from,
                            to,
                            format!("Add a period to {}", year.label),
                        )
                    }
                };
                form(
                    title,
                    FormKind::Period,
                    vec![
                        Field::choice(
                            "Kind",
                            kind.as_str(),
                            &PeriodKind::ALL
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>(),
                        ),
                        Field::text("Number", number.to_string()),
                        Field::text("Label", label),
                        Field::text(FROM, day_text(from)),
                        Field::text(TO, day_text(to)),
                    ],
                    "quarter 1–4 or half 1–2; an empty label: \"Quarter 1\"",
                )
            }
            CalendarKind::Holiday => {
                let (kind, label, from, to) = match i.and_then(|i| p.holidays.get(i)) {
                    Some(h) => (h.kind, h.label.clone(), h.starts_on, h.ends_on),
                    None => {
                        let d = school_day(ctx);
                        (HolidayKind::Holiday, String::new(), d, d)
                    }
                };
                form(
                    if i.is_some() {
                        format!("Holiday {label}")
                    } else {
                        "Add a holiday or non-school day".into()
                    },
                    FormKind::Holiday,
                    vec![
                        Field::choice(
                            "Kind",
                            kind.as_str(),
                            &HolidayKind::ALL
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>(),
                        ),
                        Field::text("Name", label),
                        Field::text(FROM, day_text(from)),
                        Field::text(TO, day_text(to)),
                    ],
                    "no lessons on these days (24.12 or 24.12.2025)",
                )
            }
            CalendarKind::Bell => {
                let (no, s, e) = match i.and_then(|i| p.bells.get(i)) {
                    Some(b) => (b.lesson_no, b.starts_at.clone(), b.ends_at.clone()),
                    None => {
                        let last = p.bells.last();
                        let no = last.map_or(1, |b| b.lesson_no.saturating_add(1));
                        let start = last
                            .and_then(|b| NaiveTime::parse_from_str(&b.ends_at, "%H:%M").ok())
                            .map(|t| t + Duration::minutes(10))
                            .unwrap_or_else(|| {
                                NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default()
                            });
                        let end = start + Duration::minutes(45);
                        (
                            no,
                            start.format("%H:%M").to_string(),
                            end.format("%H:%M").to_string(),
                        )
                    }
                };
                form(
                    if i.is_some() {
                        format!("Bell times of lesson {no}")
                    } else {
                        "Set a lesson's bell times".into()
                    },
                    FormKind::Bell,
                    vec![
                        Field::text("Lesson", no.to_string()),
                        Field::text("Starts", s),
                        Field::text("Ends", e),
                    ],
                    "lesson 0–12, times like 08:30",
                )
            }
        };
        self.form = Some(f);
    }

    fn class_form(&mut self, ctx: &mut Ctx, name: Option<String>) {
        if !self.need_year(ctx) {
            return;
        }
        let p = &*self;
        let teacher = name
            .as_ref()
            .and_then(|n| p.classes.iter().find(|c| &c.class.name == n))
            .and_then(|c| c.class.class_teacher_id)
            .and_then(|t| p.staff.iter().find(|s| s.id == t))
            .map(|s| staff_key(&p.staff, s))
            .unwrap_or_default();
        let mut fields = vec![Field::text(CLASS_TEACHER, teacher)];
        if name.is_none() {
            fields.insert(0, Field::text("Name", ""));
        }
        self.form = Some(form(
            match &name {
                Some(n) => format!("Class {n}"),
                None => "Add a class".into(),
            },
            FormKind::Class { name },
            fields,
            "a grade and a letter (7А); Enter on the empty teacher: the list",
        ));
    }

    /// `r` on Classes: a group inside the class under the cursor.
    pub(crate) fn group_form(&mut self, ctx: &mut Ctx) {
        let p = &*self;
        let Some(c) = p.classes.get(p.row()) else {
            ctx.flash("no class yet: a adds one");
            return;
        };
        let class = c.class.name.clone();
        self.form = Some(form(
            format!("Add a group to {class}"),
            FormKind::Group {
                class: class.clone(),
            },
            vec![Field::text("Name", "")],
            "a language or PE subgroup; r on Students puts students in it",
        ));
    }

    fn add_student_form(&mut self, ctx: &mut Ctx) {
        let Some(class) = self.need_class(ctx) else {
            return;
        };
        self.form = Some(form(
            format!("Add a student to {class}"),
            FormKind::AddStudent { class },
            vec![
                Field::text(FAMILY, ""),
                Field::text(GIVEN, ""),
                Field::text(PATRONYMIC, ""),
                Field::text("Birth date", ""),
                Field::choice("Sex", UNKNOWN, &[UNKNOWN, "F", "M"]),
                Field::text("In the class from", ""),
                Field::text(ORDER_NO, ""),
                Field::text(ORDER_DATE, ""),
            ],
            "empty: from the start of the year; an order left empty is to be entered (o)",
        ));
    }

    fn current_student(&mut self, ctx: &mut Ctx) -> Option<setup::RosterRow> {
        let p = &*self;
        let r = p.roster.get(p.row()).cloned();
        if r.is_none() {
            ctx.flash("no student under the cursor: a adds one");
        }
        r
    }

    fn edit_student_form(&mut self, ctx: &mut Ctx) {
        let Some(r) = self.current_student(ctx) else {
            return;
        };
        let s = &r.student;
        self.form = Some(form(
            format!("Correct {}", s.full_name()),
            FormKind::EditStudent { id: s.id },
            vec![
                Field::text(FAMILY, s.family_name.clone()),
                Field::text(GIVEN, s.given_name.clone()),
                Field::text(PATRONYMIC, opt_text(&s.patronymic)),
                Field::text("Birth date", s.birth_date.map(day_text).unwrap_or_default()),
                Field::choice("Sex", sex_text(s.sex), &[UNKNOWN, "F", "M"]),
                Field::text("Phone", opt_text(&s.phone)),
                Field::text("E-mail", opt_text(&s.email)),
            ],
            "an empty birth date is unknown",
        ));
    }

    /// `o`: the order of a stay (a missing one first).
    pub(crate) fn order_form(&mut self, ctx: &mut Ctx) {
        if self.section != Section::Students {
            return;
        }
        let Some(r) = self.current_student(ctx) else {
            return;
        };
        let mut choices: Vec<(String, Id, bool)> = vec![];
        let mut first_missing = None;
        for e in &r.stays {
            let start = format!("start {}", dates::full(e.starts_on));
            if e.start_order_no.is_none() && first_missing.is_none() {
                first_missing = Some(choices.len());
            }
            choices.push((start, e.id, false));
            if let Some(end) = e.ends_on {
                if e.end_order_no.is_none()
                    && first_missing.is_none()
                    && e.end_reason != Some(crate::domain::EndReason::EndOfYear)
                {
                    first_missing = Some(choices.len());
                }
                choices.push((format!("end {}", dates::full(end)), e.id, true));
            }
        }
        let Some(&(ref label, id, end)) = choices.get(first_missing.unwrap_or(0)) else {
            ctx.flash("this student has no stay in the class");
            return;
        };
        let stay = r.stays.iter().find(|e| e.id == id);
        let (no, date) = match stay {
            Some(e) if end => (opt_text(&e.end_order_no), e.end_order_date),
            Some(e) => (opt_text(&e.start_order_no), e.start_order_date),
            None => (String::new(), None),
        };
        let labels: Vec<String> = choices.iter().map(|c| c.0.clone()).collect();
        let mut f = form(
            format!("Order for {}", r.student.full_name()),
            FormKind::Order {
                choices: choices.clone(),
            },
            vec![
                Field::choice("Stay", label, &labels),
                Field::text(ORDER_NO, no),
                Field::text(ORDER_DATE, date.map(day_text).unwrap_or_default()),
            ],
            "the order that admitted the student (start) or let them go (end)",
        );
        f.focus = 1;
        self.form = Some(f);
    }

    /// `m`: the student arrives, leaves or moves class.
    pub(crate) fn movement_form(&mut self, ctx: &mut Ctx) {
        if self.section != Section::Students {
            return;
        }
        let Some(r) = self.current_student(ctx) else {
            return;
        };
        let day = school_day(ctx);
        let in_class = r.stay_on(day).is_some_and(|e| e.covers(day));
        let kind = if in_class {
            MOVE_TRANSFER
        } else {
            MOVE_ARRIVAL
        };
        self.form = Some(form(
            format!("{} arrives, leaves or moves", r.student.full_name()),
            FormKind::Movement {
                student: r.student.id,
            },
            vec![
                Field::choice(
                    "Movement",
                    kind,
                    &[MOVE_TRANSFER, MOVE_DEPARTURE, MOVE_GRADUATION, MOVE_ARRIVAL],
                ),
                Field::text(CLASS, ""),
                Field::text("On", day_text(day)),
                Field::text(ORDER_NO, ""),
                Field::text(ORDER_DATE, ""),
            ],
            "←/→ the movement; the class for a transfer or an arrival (Enter: the list)",
        ));
    }

    /// `r` on Students: choose the group to put the student in.
    pub(crate) fn open_group_picker(&mut self, ctx: &mut Ctx) -> Effect {
        if self.section != Section::Students {
            return Effect::Done;
        }
        let Some(r) = self.current_student(ctx) else {
            return Effect::Done;
        };
        let groups = self.groups.clone();
        if groups.is_empty() {
            return Effect::Flash(
                "this class has no groups: add one in the Classes section (r)".into(),
            );
        }
        self.pick_groups = groups.iter().map(|g| g.id).collect();
        let items = groups
            .iter()
            .map(|g| {
                if r.groups.contains(&g.name) {
                    format!("{} (in it)", g.name)
                } else {
                    g.name.clone()
                }
            })
            .collect();
        Effect::picker(
            PickTarget::SchoolGroup,
            &format!("Put {} in the group", r.student.family_name),
            items,
            0,
        )
    }

    /// `f`: a parent or guardian of the student.
    pub(crate) fn guardian_form(&mut self, ctx: &mut Ctx) {
        if self.section != Section::Students {
            return;
        }
        let Some(r) = self.current_student(ctx) else {
            return;
        };
        self.form = Some(form(
            format!("A parent or guardian of {}", r.student.full_name()),
            FormKind::Guardian {
                student: r.student.id,
            },
            vec![
                Field::choice("Relation", "mother", &relation_choices()),
                Field::text(FAMILY, ""),
                Field::text(GIVEN, ""),
                Field::text(PATRONYMIC, ""),
                Field::text("Phone", ""),
                Field::text("E-mail", ""),
            ],
            "←/→ the relation",
        ));
    }

    /// `X`: the student a re-imported roster left out is not leaving.
    pub(crate) fn dismiss_form(&mut self, ctx: &mut Ctx) {
        if self.section != Section::Students {
            return;
        }
        let Some(r) = self.current_student(ctx) else {
            return;
        };
        if !r.departure_pending {
            ctx.flash("this student is not listed as a departure to confirm");
            return;
        }
        let name = r.student.full_name();
        self.form = Some(form(
            format!("{name} is not leaving?"),
            FormKind::Dismiss {
                student: r.student.id,
                name,
            },
            vec![],
            "the departure to confirm is dismissed (u undoes)",
        ));
    }

    /// Close the year under the cursor (or the current one), or reopen it
    /// when it is closed.
    pub(crate) fn close_year_form(&mut self, ctx: &mut Ctx) {
        let under = match self.year_rows.get(self.row()).copied() {
            Some(YearRow::Year(i)) => self.years.get(i).cloned(),
            _ => None,
        };
        let Some(year) = under.or_else(|| ctx.year.cloned()) else {
            ctx.flash("no school year yet: add one first (Y)");
            return;
        };
        let reopen = year.status == crate::domain::YearStatus::Closed;
        self.form = Some(if reopen {
            form(
                format!("Reopen {}", year.label),
                FormKind::CloseYear {
                    label: year.label.clone(),
                    reopen,
                },
                vec![Field::text("Reason", "")],
                "why it is opened again (recorded); its records can then be changed",
            )
        } else {
            form(
                format!("Close {}", year.label),
                FormKind::CloseYear {
                    label: year.label.clone(),
                    reopen,
                },
                vec![Field::text("Note", "")],
                "read-only from then on; with open errors in its review only with a note (recorded)",
            )
        });
    }

    fn staff_form(&mut self) {
        let mut roles = vec![NONE];
        roles.extend(role_choices());
        self.form = Some(form(
            "Add a member of staff",
            FormKind::Staff,
            vec![
                Field::text(FAMILY, ""),
                Field::text(GIVEN, ""),
                Field::text(PATRONYMIC, ""),
                Field::text("Login", ""),
                Field::choice("Role", "teacher", &role_choices()),
                Field::choice("Also", NONE, &roles),
                Field::text("Phone", ""),
                Field::text("E-mail", ""),
            ],
            "←/→ the roles; the same login again adds a role",
        ));
    }

    /// A line of the class's curriculum: new, or row `i` to correct.
    fn curriculum_form(&mut self, ctx: &mut Ctx, i: Option<usize>) {
        let Some(class) = self.need_class(ctx) else {
            return;
        };
        let p = &*self;
        let row = i.and_then(|i| p.curriculum.get(i));
        let (subject, short, hours, teacher, group) = match row {
            Some(r) => {
                let (g, t) = r.teaching.first().cloned().unwrap_or_default();
                let t = p
                    .staff
                    .iter()
                    .find(|s| s.full_name() == t)
                    .map(|s| staff_key(&p.staff, s))
                    .unwrap_or(t);
                (
                    r.subject.name.clone(),
                    r.subject.short_name.clone(),
                    r.hours.map(hours_text).unwrap_or_default(),
                    t,
                    g.unwrap_or_default(),
                )
            }
            None => Default::default(),
        };
        let mut f = form(
            match row {
                Some(r) => format!("{class}: {}", r.subject.name),
                None => format!("Add a subject to {class}'s curriculum"),
            },
            FormKind::Curriculum { class },
            vec![
                Field::text(SUBJECT, subject),
                Field::text("Short name", short),
                Field::text("Hours a week", hours),
                Field::text(TEACHER, teacher),
                Field::text(GROUP, group),
            ],
            "type a new subject's name, or Enter on the empty field: the list; Ctrl-p: groups",
        );
        if row.is_some() {
            f.focus = 2;
        }
        self.form = Some(f);
    }

    /// Enter on the timetable: the lesson of the cursor's cell from a date.
    fn slot_form(&mut self, ctx: &mut Ctx) {
        let Some(class) = self.need_class(ctx) else {
            return;
        };
        let p = &*self;
        let lessons = p.lessons();
        let Some(&lesson) = lessons.get(p.rows[Section::Timetable.index()]) else {
            ctx.flash("no bell times yet: add them in the Year section (b)");
            return;
        };
        let weekday = p.day as u8 + 1;
        let cell = p.cell();
        let (subject, teacher, group, room) = match cell.first() {
            Some(s) => (
                s.subject.clone(),
                p.staff
                    .iter()
                    .find(|x| x.id == s.slot.teacher_id)
                    .map(|x| staff_key(&p.staff, x))
                    .unwrap_or_default(),
                s.group.clone().unwrap_or_default(),
                s.slot.room.clone(),
            ),
            None => Default::default(),
        };
        let from = school_day(ctx);
        let day_name = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][usize::from(weekday - 1).min(6)];
        self.form = Some(form(
            format!("{class}: {day_name}, lesson {lesson}"),
            FormKind::Slot {
                class,
                weekday,
                lesson,
            },
            vec![
                Field::text(SUBJECT, subject),
                Field::text(TEACHER, teacher),
                Field::text(GROUP, group),
                Field::text("Room", room),
                Field::text("From", day_text(from)),
            ],
            "from that day on; Enter on an empty field: the list; Ctrl-p: groups",
        ));
    }

    /// `d` on the timetable: no lesson in the cursor's cell from a date.
    pub(crate) fn clear_slot_form(&mut self, ctx: &mut Ctx) {
        if self.section != Section::Timetable {
            return;
        }
        let cell: Vec<(String, Id)> = self
            .cell()
            .iter()
            .map(|s| {
                (
                    format!(
                        "{}{}",
                        s.subject,
                        s.group
                            .as_ref()
                            .map_or(String::new(), |g| format!(" ({g})"))
                    ),
                    s.slot.id,
                )
            })
            .collect();
        if cell.is_empty() {
            ctx.flash("no lesson in this cell");
            return;
        }
        let labels: Vec<String> = cell.iter().map(|c| c.0.clone()).collect();
        let mut f = form(
            "No lesson here from",
            FormKind::ClearSlot { slots: cell },
            vec![
                Field::choice("Lesson", &labels[0], &labels),
                Field::text("From", day_text(ctx.working_date.max(school_day(ctx)))),
            ],
            "lessons already recorded keep their slot: clear from a later day",
        );
        f.focus = 1;
        self.form = Some(f);
    }
}

/// "Математика (Матем.)".
pub(super) fn subject_item(s: &crate::domain::Subject) -> String {
    if s.short_name.is_empty() || s.short_name == s.name {
        s.name.clone()
    } else {
        format!("{} ({})", s.name, s.short_name)
    }
}

/// "5", "1.5".
pub(crate) fn hours_text(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h}")
    }
}
