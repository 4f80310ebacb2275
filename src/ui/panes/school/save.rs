//! Saving a School-tab form: the values checked and read (dates as
//! 24.12.2025, 24.12 or ISO; both parts of an order or neither), then
//! written through `service::setup`, audited, undoable with `u`.

use chrono::NaiveDate;

use super::SchoolPane;
use super::forms::*;
use super::{Form, Section, parse_day};
use crate::domain::text::full_name;
use crate::domain::{HolidayKind, PeriodKind, Relation, Role, Sex};
use crate::service::import::model::{Bundle, MovementKind};
use crate::service::setup::{self, PersonIn, StudentEdit};
use crate::store::Db;
use crate::store::StoreError;
use crate::ui::component::{Ctx, Effect};

/// The database for a service that makes its own transactions.
fn db<'c>(ctx: &'c mut Ctx) -> Result<&'c mut Db, String> {
    ctx.db_mut()
        .ok_or_else(|| "the screen is being drawn".to_string())
}

impl SchoolPane {
    /// Save the open form; the other tabs show a class just added (or
    /// given its class teacher).
    pub(super) fn submit_school_form(&mut self, ctx: &mut Ctx) -> Effect {
        let Some(f) = self.form.clone() else {
            return Effect::Done;
        };
        match self.save_school_form(ctx, &f) {
            Ok(message) => {
                self.form = None;
                ctx.flash(message);
                match self.show_class.take() {
                    Some(i) => Effect::SetClass(i),
                    None => Effect::Done,
                }
            }
            Err(e) => {
                self.show_class = None;
                if let Some(open) = self.form.as_mut() {
                    open.error = Some(e.clone());
                }
                ctx.flash(format!("not saved: {e}"));
                Effect::Done
            }
        }
    }

    /// Add `bundle` (rows typed by hand) through the import's applier;
    /// the message says what was saved, and warns.
    fn add_bundle(
        &mut self,
        ctx: &mut Ctx,
        description: String,
        bundle: Bundle,
    ) -> Result<String, String> {
        Self::add_bundle_as(ctx, description, bundle, true)
    }

    /// [`Self::add_bundle`]; `verb`: the message begins "added" or "saved".
    fn add_bundle_as(
        ctx: &mut Ctx,
        description: String,
        bundle: Bundle,
        verb: bool,
    ) -> Result<String, String> {
        let op = ctx.operator.to_string();
        let today = ctx.today;
        let report = setup::add(db(ctx)?, &op, today, bundle, true).map_err(|e| e.to_string())?;
        let changed = !report.audit_ids.is_empty();
        let added = report.total().added > 0;
        let warning = report.warnings.first().map(|w| w.message.clone());
        ctx.record(description.clone(), report.audit_ids);
        let mut msg = if !changed {
            format!("{description}: nothing changed, it was already so")
        } else if !verb {
            description
        } else if added {
            format!("added {description}")
        } else {
            format!("saved {description}")
        };
        if let Some(w) = warning {
            msg.push_str(&format!(" (warning: {w})"));
        }
        Ok(msg)
    }

    fn day(&self, ctx: &Ctx, f: &Form, label: &str) -> Result<NaiveDate, String> {
        let s = f.value(label);
        if s.is_empty() {
            return Err(format!(
                "{}: give a date (24.12.2025)",
                label.to_lowercase()
            ));
        }
        parse_day(s, ctx.year, ctx.working_date).ok_or_else(|| {
            format!(
                "{} «{s}»: not a date (24.12.2025 or 24.12)",
                label.to_lowercase()
            )
        })
    }

    fn opt_day(&self, ctx: &Ctx, f: &Form, label: &str) -> Result<Option<NaiveDate>, String> {
        if f.value(label).is_empty() {
            Ok(None)
        } else {
            self.day(ctx, f, label).map(Some)
        }
    }

    /// The order fields: both or neither.
    fn order(&self, ctx: &Ctx, f: &Form) -> Result<Option<(String, NaiveDate)>, String> {
        let no = f.value(ORDER_NO);
        let date = self.opt_day(ctx, f, ORDER_DATE)?;
        match (non_empty(no), date) {
            (Some(n), Some(d)) => Ok(Some((n.to_string(), d))),
            (None, None) => Ok(None),
            (Some(_), None) => Err("the order's date is missing".into()),
            (None, Some(_)) => Err("the order's number is missing".into()),
        }
    }

    fn number(f: &Form, label: &str) -> Result<u8, String> {
        let s = f.value(label);
        s.parse::<u8>()
            .map_err(|_| format!("{} «{s}»: not a whole number", label.to_lowercase()))
    }

    fn person(f: &Form) -> PersonIn {
        PersonIn {
            family_name: f.value(FAMILY).to_string(),
            given_name: f.value(GIVEN).to_string(),
            patronymic: non_empty(f.value(PATRONYMIC)).map(str::to_string),
            phone: non_empty(f.value("Phone")).map(str::to_string),
            email: non_empty(f.value("E-mail")).map(str::to_string),
        }
    }

    fn save_school_form(&mut self, ctx: &mut Ctx, f: &Form) -> Result<String, String> {
        let err = |e: StoreError| e.to_string();
        let year_label = ctx.year.map(|y| y.label.clone());
        match &f.kind {
            FormKind::Year { edit } => {
                let from = self.day(ctx, f, FROM)?;
                let to = self.day(ctx, f, TO)?;
                let label = if *edit {
                    year_label.clone()
                } else {
                    non_empty(f.value("Label")).map(str::to_string)
                };
                let label = label.unwrap_or_else(|| setup::year_label(from, to));
                self.focus = Some((Section::Year, label.clone()));
                let msg = self.add_bundle(
                    ctx,
                    format!("school year {label}"),
                    setup::year(Some(&label), from, to),
                )?;
                Ok(if *edit {
                    msg
                } else {
                    format!("{msg} · next: its quarters (p) and bell times (b)")
                })
            }
            FormKind::Period => {
                let year = year_label.ok_or("no school year yet")?;
                let kind = PeriodKind::parse(f.value("Kind")).unwrap_or(PeriodKind::Quarter);
                let number = Self::number(f, "Number")?;
                let from = self.day(ctx, f, FROM)?;
                let to = self.day(ctx, f, TO)?;
                let label = non_empty(f.value("Label"));
                let b = setup::period(&year, kind, number, label, from, to);
                let shown = b
                    .periods
                    .first()
                    .map(|p| p.label.clone())
                    .unwrap_or_default();
                self.focus = Some((Section::Year, shown.clone()));
                self.add_bundle(
                    ctx,
                    format!("period {shown} {}–{}", day_text(from), day_text(to)),
                    b,
                )
            }
            FormKind::Holiday => {
                let kind = HolidayKind::parse(f.value("Kind")).unwrap_or(HolidayKind::Holiday);
                let label = f.value("Name").to_string();
                if label.is_empty() {
                    return Err("the holiday needs a name".into());
                }
                let from = self.day(ctx, f, FROM)?;
                let to = if f.value(TO).is_empty() {
                    from
                } else {
                    self.day(ctx, f, TO)?
                };
                self.focus = Some((Section::Year, label.clone()));
                self.add_bundle(
                    ctx,
                    format!("{label} {}–{}", day_text(from), day_text(to)),
                    setup::holiday(kind, &label, from, to),
                )
            }
            FormKind::Bell => {
                let no = Self::number(f, "Lesson")?;
                let b = setup::bell(no, f.value("Starts"), f.value("Ends")).map_err(err)?;
                self.focus = Some((Section::Year, format!("lesson {no}")));
                self.add_bundle(
                    ctx,
                    format!(
                        "bell times of lesson {no}: {}–{}",
                        f.value("Starts"),
                        f.value("Ends")
                    ),
                    b,
                )
            }
            FormKind::Class { name } => {
                // "7а" is class 7А: the letter in capitals.
                let name = match name {
                    Some(n) => n.clone(),
                    None => f.value("Name").to_uppercase(),
                };
                let teacher = non_empty(f.value(CLASS_TEACHER));
                let b = setup::class(&name, teacher).map_err(err)?;
                let shown = b.classes.first().map(|c| c.key.clone()).unwrap_or(name);
                self.focus = Some((Section::Classes, shown.clone()));
                let msg = self.add_bundle(
                    ctx,
                    match teacher {
                        Some(t) => format!("class {shown}, class teacher {t}"),
                        None => format!("class {shown}"),
                    },
                    b,
                )?;
                // The other sections show the class just added: its place
                // among the year's classes as the application reads them
                // again after the write.
                if let Some(y) = ctx.year
                    && let Ok(classes) = crate::store::classes::classes(ctx.conn(), y.id)
                {
                    self.show_class = classes.iter().position(|c| c.name == shown);
                }
                Ok(msg)
            }
            FormKind::Group { class } => {
                let name = f.value("Name").to_string();
                if name.is_empty() {
                    return Err("the group needs a name".into());
                }
                self.focus = Some((Section::Classes, class.clone()));
                self.add_bundle(
                    ctx,
                    format!("group {name} in {class}"),
                    setup::group(class, &name, &[]),
                )
            }
            FormKind::AddStudent { class } => {
                let p = Self::person(f);
                let birth = self.opt_day(ctx, f, "Birth date")?;
                let sex = Sex::parse(f.value("Sex"));
                let from = self.opt_day(ctx, f, "In the class from")?;
                let order = self.order(ctx, f)?;
                let b = setup::student(&p, birth, sex, class, from, order).map_err(err)?;
                let name = full_name(
                    &crate::domain::text::nfc(&p.family_name),
                    &crate::domain::text::nfc(&p.given_name),
                    p.patronymic
                        .as_deref()
                        .map(crate::domain::text::nfc)
                        .as_deref(),
                );
                self.focus = Some((Section::Students, name.clone()));
                self.add_bundle(ctx, format!("{name} to {class}"), b)
            }
            FormKind::EditStudent { id } => {
                let birth = self.opt_day(ctx, f, "Birth date")?;
                let e = StudentEdit {
                    family_name: Some(f.value(FAMILY).to_string()),
                    given_name: Some(f.value(GIVEN).to_string()),
                    patronymic: Some(f.value(PATRONYMIC).to_string()),
                    birth_date: Some(birth),
                    sex: Some(Sex::parse(f.value("Sex"))),
                    phone: Some(f.value("Phone").to_string()),
                    email: Some(f.value("E-mail").to_string()),
                    // The screen's reading guards it (a form open while
                    // another admin corrected the same student).
                    seen: ctx.seen(),
                    overwrite: true,
                };
                let op = ctx.operator.to_string();
                let entries = setup::edit_student(db(ctx)?, &op, *id, &e).map_err(err)?;
                let name = full_name(
                    &crate::domain::text::nfc(f.value(FAMILY)),
                    &crate::domain::text::nfc(f.value(GIVEN)),
                    non_empty(f.value(PATRONYMIC))
                        .map(crate::domain::text::nfc)
                        .as_deref(),
                );
                let changed = !entries.is_empty();
                self.focus = Some((Section::Students, name.clone()));
                ctx.record(format!("correct {name}"), entries);
                Ok(if changed {
                    format!("{name} corrected")
                } else {
                    "nothing changed".into()
                })
            }
            FormKind::Order { choices } => {
                let which = f.value("Stay");
                let Some((_, stay, end)) = choices.iter().find(|c| c.0 == which) else {
                    return Err("choose the stay (←/→)".into());
                };
                let no = f.value(ORDER_NO).to_string();
                let date = self.day(ctx, f, ORDER_DATE)?;
                let op = ctx.operator.to_string();
                let entries =
                    setup::set_order(db(ctx)?, &op, *stay, *end, &no, date).map_err(err)?;
                let what = format!("order {no} of {} entered ({which})", day_text(date));
                ctx.record(what.clone(), entries);
                Ok(what)
            }
            FormKind::Movement { student } => {
                let kind = match f.value("Movement") {
                    MOVE_TRANSFER => MovementKind::Transfer,
                    MOVE_ARRIVAL => MovementKind::Arrival,
                    MOVE_GRADUATION => setup::departure_kind(true),
                    _ => setup::departure_kind(false),
                };
                let class = non_empty(f.value(CLASS));
                if matches!(kind, MovementKind::Transfer | MovementKind::Arrival) && class.is_none()
                {
                    return Err("which class? (Enter on the class field: the list)".into());
                }
                let date = self.day(ctx, f, "On")?;
                let order = self.order(ctx, f)?;
                let class = match kind {
                    MovementKind::Departure(_) => None,
                    _ => class,
                };
                let name = self
                    .roster
                    .iter()
                    .find(|r| r.student.id == *student)
                    .map(|r| r.student.full_name())
                    .unwrap_or_default();
                self.focus = Some((Section::Students, name.clone()));
                let what = match (kind, class) {
                    (MovementKind::Transfer, Some(c)) => {
                        format!("{name} moves to {c} on {}", day_text(date))
                    }
                    (MovementKind::Arrival, Some(c)) => {
                        format!("{name} arrives in {c} on {}", day_text(date))
                    }
                    _ => format!("{name} leaves on {}", day_text(date)),
                };
                Self::add_bundle_as(
                    ctx,
                    what,
                    setup::movement(*student, kind, class, date, order),
                    false,
                )
            }
            FormKind::Guardian { student } => {
                let relation = Relation::parse(f.value("Relation")).unwrap_or(Relation::Other);
                let p = Self::person(f);
                let b = setup::guardian(*student, &p, relation).map_err(err)?;
                let name = full_name(&p.family_name, &p.given_name, p.patronymic.as_deref());
                if let Some(r) = self.roster.iter().find(|r| r.student.id == *student) {
                    self.focus = Some((Section::Students, r.student.full_name()));
                }
                self.add_bundle(ctx, format!("{name} ({})", relation.as_str()), b)
            }
            FormKind::Dismiss { student, name } => {
                let op = ctx.operator.to_string();
                let entries = setup::dismiss_departure(db(ctx)?, &op, *student).map_err(err)?;
                let what = format!("{name} is not leaving: the departure is dismissed");
                ctx.record(what.clone(), entries);
                Ok(what)
            }
            FormKind::CloseYear { label, reopen } => {
                let op = ctx.operator.to_string();
                let (what, entries) = if *reopen {
                    let reason = f.value("Reason").to_string();
                    let entries =
                        crate::service::year::reopen(db(ctx)?, &op, label, &reason).map_err(err)?;
                    (format!("{label} is open again"), entries)
                } else {
                    let note = non_empty(f.value("Note")).map(str::to_string);
                    let now = chrono::Local::now().naive_local();
                    let c = crate::service::year::close(db(ctx)?, &op, label, note.as_deref(), now)
                        .map_err(err)?;
                    (format!("{label} is closed: read-only from now on"), c.audit)
                };
                ctx.record(what.clone(), entries);
                Ok(what)
            }
            FormKind::Staff => {
                let p = Self::person(f);
                let mut roles = vec![];
                for label in ["Role", "Also"] {
                    if let Some(r) = Role::parse(f.value(label))
                        && !roles.contains(&r)
                    {
                        roles.push(r);
                    }
                }
                let login = non_empty(f.value("Login"));
                let b = setup::staff(&p, login, &roles).map_err(err)?;
                let name = b
                    .staff
                    .first()
                    .map(|s| full_name(&s.family_name, &s.given_name, s.patronymic.as_deref()))
                    .unwrap_or_default();
                self.focus = Some((Section::Staff, name.clone()));
                self.add_bundle(
                    ctx,
                    format!(
                        "{name} ({})",
                        roles
                            .iter()
                            .map(|r| r.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    b,
                )
            }
            FormKind::Curriculum { class } => {
                let subject = f.value(SUBJECT).to_string();
                if subject.is_empty() {
                    return Err(
                        "which subject? (Enter on the field: the list, or type a new one)".into(),
                    );
                }
                let hours_text = f.value("Hours a week").replace(',', ".");
                let hours: f64 = hours_text
                    .parse()
                    .map_err(|_| format!("hours a week «{hours_text}»: not a number (5 or 1.5)"))?;
                let teacher = non_empty(f.value(TEACHER));
                let group = non_empty(f.value(GROUP));
                let short = non_empty(f.value("Short name"));
                let mut b = setup::curriculum(class, &subject, hours, teacher, group);
                let known = self.subjects.iter().find(|s| {
                    s.name.to_lowercase() == crate::domain::text::nfc(&subject).to_lowercase()
                });
                if known.is_none_or(|s| short.is_some_and(|x| x != s.short_name)) {
                    b.subjects = setup::subject(&subject, short).subjects;
                }
                self.focus = Some((Section::Curriculum, crate::domain::text::nfc(&subject)));
                self.add_bundle(
                    ctx,
                    format!(
                        "{class}: {subject}, {} h a week{}",
                        hours_text,
                        teacher.map_or(String::new(), |t| format!(", {t}"))
                    ),
                    b,
                )
            }
            FormKind::Slot {
                class,
                weekday,
                lesson,
            } => {
                let subject = f.value(SUBJECT).to_string();
                let teacher = f.value(TEACHER).to_string();
                if subject.is_empty() {
                    return Err("which subject? (Enter on the field: the list)".into());
                }
                if teacher.is_empty() {
                    return Err("which teacher? (Enter on the field: the list)".into());
                }
                let from = self.day(ctx, f, "From")?;
                let group = non_empty(f.value(GROUP));
                let b = setup::slot(
                    class,
                    group,
                    *weekday,
                    *lesson,
                    &subject,
                    &teacher,
                    f.value("Room"),
                    from,
                );
                self.add_bundle(
                    ctx,
                    format!(
                        "{class} {} lesson {lesson}: {subject}, {teacher} from {}",
                        ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
                            [usize::from(*weekday - 1).min(6)],
                        day_text(from)
                    ),
                    b,
                )
            }
            FormKind::ClearSlot { slots } => {
                let which = f.value("Lesson");
                let Some((_, id)) = slots.iter().find(|s| s.0 == which) else {
                    return Err("choose the lesson (←/→)".into());
                };
                let from = self.day(ctx, f, "From")?;
                let op = ctx.operator.to_string();
                let entries = setup::clear_slot(db(ctx)?, &op, *id, from).map_err(err)?;
                let what = format!("no {which} from {}", day_text(from));
                ctx.record(what.clone(), entries);
                Ok(what)
            }
        }
    }
}
