//! `classbook school …`, `classbook student …`, `classbook timetable …`:
//! setting a school up by hand from scripts, the same operations as the
//! School tab (`service::setup`), audited and undoable.

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::exit;
use crate::domain::{HolidayKind, Id, PeriodKind, Relation, Role, Sex};
use crate::service::import::model::MovementKind;
use crate::service::setup::{self, PersonIn};
use crate::store::{self, Db};

fn date_arg(s: &str) -> Result<NaiveDate, String> {
    super::input::date_value(s)
}

fn role_arg(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("no role «{s}»; roles: {}", all.join(", "))
    })
}

fn sex_arg(s: &str) -> Result<Sex, String> {
    match s.trim() {
        "F" | "f" | "Ж" | "ж" | "女" | "nữ" => Ok(Sex::F),
        "M" | "m" | "М" | "м" | "男" | "nam" => Ok(Sex::M),
        _ => Err(format!("«{s}» is not F or M")),
    }
}

fn relation_arg(s: &str) -> Result<Relation, String> {
    Relation::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Relation::ALL.iter().map(|r| r.as_str()).collect();
        format!("no relation «{s}»; one of: {}", all.join(", "))
    })
}

/// 1–7 or a weekday's name (Mon, Пн, T2, 一).
pub fn weekday_arg(s: &str) -> Result<u8, String> {
    let t = s.trim().to_lowercase();
    if let Ok(n) = t.parse::<u8>()
        && (1..=7).contains(&n)
    {
        return Ok(n);
    }
    const NAMES: [&[&str]; 7] = [
        &[
            "mon",
            "mo",
            "monday",
            "пн",
            "понедельник",
            "t2",
            "一",
            "周一",
            "星期一",
        ],
        &[
            "tue",
            "tu",
            "tuesday",
            "вт",
            "вторник",
            "t3",
            "二",
            "周二",
            "星期二",
        ],
        &[
            "wed",
            "we",
            "wednesday",
            "ср",
            "среда",
            "t4",
            "三",
            "周三",
            "星期三",
        ],
        &[
            "thu",
            "th",
            "thursday",
            "чт",
            "четверг",
            "t5",
            "四",
            "周四",
            "星期四",
        ],
        &[
            "fri",
            "fr",
            "friday",
            "пт",
            "пятница",
            "t6",
            "五",
            "周五",
            "星期五",
        ],
        &[
            "sat",
            "sa",
            "saturday",
            "сб",
            "суббота",
            "t7",
            "六",
            "周六",
            "星期六",
        ],
        &[
            "sun",
            "su",
            "sunday",
            "вс",
            "воскресенье",
            "cn",
            "日",
            "周日",
            "星期日",
        ],
    ];
    NAMES
        .iter()
        .position(|names| names.contains(&t.as_str()))
        .map(|i| i as u8 + 1)
        .ok_or_else(|| format!("«{s}» is not a weekday (1–7, Mon, Пн, T2, 一)"))
}

#[derive(Debug, Args)]
pub struct Order {
    /// The order's number (omit both to enter it later: the review lists it).
    #[arg(long)]
    pub order_no: Option<String>,
    /// The order's date.
    #[arg(long, value_parser = date_arg)]
    pub order_date: Option<NaiveDate>,
}

impl Order {
    fn get(&self) -> anyhow::Result<Option<(String, NaiveDate)>> {
        match (&self.order_no, self.order_date) {
            (Some(n), Some(d)) => Ok(Some((n.clone(), d))),
            (None, None) => Ok(None),
            _ => anyhow::bail!("give both --order-no and --order-date, or neither"),
        }
    }
}

#[derive(Debug, Args)]
pub struct Person {
    pub family_name: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
}

impl Person {
    fn get(&self) -> PersonIn {
        PersonIn {
            family_name: self.family_name.clone(),
            given_name: self.given_name.clone(),
            patronymic: self.patronymic.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }
}

/// `classbook school …`: what to add or correct, and whether a record
/// someone else saved last may be changed.
#[derive(Debug, clap::Args)]
pub struct SchoolArgs {
    #[command(subcommand)]
    pub cmd: SchoolCommand,
    /// Correct a record someone else saved last (without it: exit 7).
    #[arg(long, global = true)]
    pub overwrite: bool,
}

#[derive(Debug, Subcommand)]
pub enum SchoolCommand {
    /// What the school has, and the next thing to set up.
    Show,
    /// Add (or correct the dates of) a school year.
    AddYear {
        /// "2025/26" (default: from the dates).
        label: Option<String>,
        #[arg(long, value_parser = date_arg)]
        from: NaiveDate,
        #[arg(long, value_parser = date_arg)]
        to: NaiveDate,
    },
    /// Add or correct a period: a quarter, a half or the whole year.
    AddPeriod {
        #[arg(long, value_parser = ["quarter", "half", "year"])]
        kind: String,
        #[arg(long)]
        number: u8,
        #[arg(long, value_parser = date_arg)]
        from: NaiveDate,
        #[arg(long, value_parser = date_arg)]
        to: NaiveDate,
        #[arg(long)]
        label: Option<String>,
        /// The year's label (default: the current year).
        #[arg(long)]
        year: Option<String>,
    },
    /// Add holidays (or, with --non-school-day, a day without lessons).
    AddHoliday {
        label: String,
        #[arg(long, value_parser = date_arg)]
        from: NaiveDate,
        #[arg(long, value_parser = date_arg)]
        to: Option<NaiveDate>,
        #[arg(long)]
        non_school_day: bool,
    },
    /// Set a lesson's bell times: `set-bell 1 08:30 09:15`.
    SetBell {
        lesson_no: u8,
        starts_at: String,
        ends_at: String,
    },
    /// Add a subject (or correct its short name).
    AddSubject {
        name: String,
        #[arg(long)]
        short: Option<String>,
    },
    /// Add a member of staff (or update one found by login).
    AddStaff {
        #[command(flatten)]
        person: Person,
        #[arg(long)]
        login: Option<String>,
        /// Roles, comma-separated: teacher, class_teacher, deputy, director, …
        #[arg(long, value_delimiter = ',', value_parser = role_arg)]
        role: Vec<Role>,
    },
    /// Add a class of the current year ("7А"), optionally with its class teacher.
    AddClass {
        name: String,
        /// The class teacher's login or full name.
        #[arg(long)]
        teacher: Option<String>,
    },
    /// Add a group of a class (a language or PE subgroup), with members.
    AddGroup {
        class: String,
        name: String,
        /// Student ids (see `classbook student list`), comma-separated.
        #[arg(long, value_delimiter = ',')]
        students: Vec<Id>,
    },
    /// Hours a week of a subject in a class, and who teaches it.
    Curriculum {
        class: String,
        subject: String,
        hours: f64,
        #[arg(long)]
        teacher: Option<String>,
        #[arg(long)]
        group: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StudentCommand {
    /// Students of a class (or of every class) with their ids and stays.
    List {
        #[arg(long)]
        class: Option<String>,
    },
    /// A new student in a class (from the year's start or --from).
    Add {
        #[command(flatten)]
        person: Person,
        #[arg(long)]
        class: String,
        #[arg(long, value_parser = date_arg)]
        birth_date: Option<NaiveDate>,
        #[arg(long, value_parser = sex_arg)]
        sex: Option<Sex>,
        #[arg(long, value_parser = date_arg)]
        from: Option<NaiveDate>,
        #[command(flatten)]
        order: Order,
    },
    /// Correct a student's name, birth date, sex or contacts.
    Edit {
        id: Id,
        /// Correct a record someone else saved last (without it: exit 7).
        #[arg(long)]
        overwrite: bool,
        #[arg(long)]
        family_name: Option<String>,
        #[arg(long)]
        given_name: Option<String>,
        /// "" clears it.
        #[arg(long)]
        patronymic: Option<String>,
        #[arg(long, value_parser = date_arg)]
        birth_date: Option<NaiveDate>,
        #[arg(long, value_parser = sex_arg)]
        sex: Option<Sex>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// A student arrives in a class on a date.
    Arrive {
        id: Id,
        #[arg(long)]
        class: String,
        #[arg(long, value_parser = date_arg)]
        date: NaiveDate,
        #[command(flatten)]
        order: Order,
    },
    /// A student leaves the school (their last day).
    Leave {
        id: Id,
        #[arg(long, value_parser = date_arg)]
        date: NaiveDate,
        #[arg(long)]
        graduation: bool,
        #[command(flatten)]
        order: Order,
    },
    /// A student moves to another class from a date.
    Transfer {
        id: Id,
        #[arg(long)]
        class: String,
        #[arg(long, value_parser = date_arg)]
        date: NaiveDate,
        #[command(flatten)]
        order: Order,
    },
    /// Enter the order of a stay imported without one.
    SetOrder {
        /// The stay's id (see `student list`).
        stay: Id,
        #[arg(long)]
        order_no: String,
        #[arg(long, value_parser = date_arg)]
        order_date: NaiveDate,
        /// The order that ended the stay, not the one that began it.
        #[arg(long)]
        end: bool,
    },
    /// Move a student into a group of their class.
    Group { id: Id, group: String },
    /// Add a guardian of a student.
    Guardian {
        id: Id,
        #[command(flatten)]
        person: Person,
        #[arg(long, value_parser = relation_arg, default_value = "guardian")]
        relation: Relation,
        /// Correct a guardian someone else saved last (without it: exit 7).
        #[arg(long)]
        overwrite: bool,
    },
    /// Not leaving after all: remove a student from the departures to confirm.
    Stays { id: Id },
}

#[derive(Debug, Subcommand)]
pub enum TimetableCommand {
    /// A class's week: weekday × lesson, as in force on a date.
    Show {
        class: String,
        #[arg(long, value_parser = date_arg)]
        on: Option<NaiveDate>,
    },
    /// Set a lesson of the week from a date on (default: today or the year's start).
    Set {
        class: String,
        #[arg(value_parser = weekday_arg)]
        weekday: u8,
        lesson_no: u8,
        subject: String,
        /// The teacher's login or full name.
        teacher: String,
        #[arg(long, default_value = "")]
        room: String,
        #[arg(long)]
        group: Option<String>,
        #[arg(long, value_parser = date_arg)]
        from: Option<NaiveDate>,
        /// Replace a lesson someone else set (without it: exit 7).
        #[arg(long)]
        overwrite: bool,
    },
    /// No lesson any more in a slot from a date on.
    Clear {
        class: String,
        #[arg(value_parser = weekday_arg)]
        weekday: u8,
        lesson_no: u8,
        #[arg(long)]
        group: Option<String>,
        #[arg(long, value_parser = date_arg)]
        from: Option<NaiveDate>,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn print_report(r: &crate::service::import::apply::ImportReport) {
    let t = r.total();
    if t.added + t.changed + t.closed == 0 {
        outln!("nothing to change: it is already so");
        return;
    }
    for l in r.lines().iter().skip(1) {
        outln!("{}", l.trim_start());
    }
}

pub fn run_school(args: SchoolArgs, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    let b = match args.cmd {
        SchoolCommand::Show => {
            let o = setup::overview(db.conn(), today())?;
            outln!("school year    {}", o.year.as_deref().unwrap_or("(none)"));
            for (k, v) in [
                ("periods", o.periods),
                ("holidays", o.holidays),
                ("bells", o.bells),
                ("subjects", o.subjects),
                ("staff", o.staff),
                ("classes", o.classes),
                ("students", o.students),
                ("curriculum", o.curriculum),
                ("timetable", o.timetable),
                ("orders to enter", o.orders_to_enter),
                ("departures to confirm", o.departures_to_confirm),
            ] {
                outln!("{k:<22} {v}");
            }
            match o.missing() {
                Some(m) => outln!("next: {m}"),
                None => outln!("ready: the journal and attendance can be kept"),
            }
            return Ok(exit::OK);
        }
        SchoolCommand::AddYear { label, from, to } => setup::year(label.as_deref(), from, to),
        SchoolCommand::AddPeriod {
            kind,
            number,
            from,
            to,
            label,
            year,
        } => {
            let kind = PeriodKind::parse(&kind).unwrap_or(PeriodKind::Quarter);
            let year = match year {
                Some(y) => y,
                None => setup::overview(db.conn(), today())?.year.ok_or_else(|| {
                    anyhow::anyhow!("no school year yet: classbook school add-year")
                })?,
            };
            setup::period(&year, kind, number, label.as_deref(), from, to)
        }
        SchoolCommand::AddHoliday {
            label,
            from,
            to,
            non_school_day,
        } => setup::holiday(
            if non_school_day {
                HolidayKind::NonSchoolDay
            } else {
                HolidayKind::Holiday
            },
            &label,
            from,
            to.unwrap_or(from),
        ),
        SchoolCommand::SetBell {
            lesson_no,
            starts_at,
            ends_at,
        } => setup::bell(lesson_no, &starts_at, &ends_at)?,
        SchoolCommand::AddSubject { name, short } => setup::subject(&name, short.as_deref()),
        SchoolCommand::AddStaff {
            person,
            login,
            role,
        } => setup::staff(&person.get(), login.as_deref(), &role)?,
        SchoolCommand::AddClass { name, teacher } => setup::class(&name, teacher.as_deref())?,
        SchoolCommand::AddGroup {
            class,
            name,
            students,
        } => setup::group(&class, &name, &students),
        SchoolCommand::Curriculum {
            class,
            subject,
            hours,
            teacher,
            group,
        } => {
            let mut b = setup::curriculum(
                &class,
                &subject,
                hours,
                teacher.as_deref(),
                group.as_deref(),
            );
            // A subject named here for the first time is added with it.
            b.subjects = setup::subject(&subject, None).subjects;
            b
        }
    };
    let r = setup::add(&mut db, operator, today(), b, args.overwrite)?;
    print_report(&r);
    Ok(exit::OK)
}

pub fn run_student(cmd: StudentCommand, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    let mut overwrite = false;
    let b = match cmd {
        StudentCommand::List { class } => {
            let rows = store::people::stay_list(db.conn(), class.as_deref())?;
            if let Some(c) = class.as_deref()
                && rows.is_empty()
            {
                let working =
                    store::school::working_date(db.conn(), chrono::Local::now().date_naive())?;
                let known = match store::school::current_year(db.conn(), working)? {
                    Some(y) => store::classes::class_by_name(
                        db.conn(),
                        y.id,
                        &crate::domain::text::nfc(c),
                    )?
                    .is_some(),
                    None => false,
                };
                if !known {
                    anyhow::bail!("--class: no class «{c}»");
                }
            }
            if rows.is_empty() {
                outln!(
                    "no students{}",
                    class.map(|c| format!(" in {c}")).unwrap_or_default()
                );
            }
            for r in rows {
                outln!("{r}");
            }
            return Ok(exit::OK);
        }
        StudentCommand::Add {
            person,
            class,
            birth_date,
            sex,
            from,
            order,
        } => setup::student(&person.get(), birth_date, sex, &class, from, order.get()?)?,
        StudentCommand::Edit {
            id,
            overwrite,
            family_name,
            given_name,
            patronymic,
            birth_date,
            sex,
            phone,
            email,
        } => {
            let e = setup::StudentEdit {
                family_name,
                given_name,
                patronymic,
                birth_date: birth_date.map(Some),
                sex: sex.map(Some),
                phone,
                email,
                seen: None,
                overwrite,
            };
            let ids = setup::edit_student(&mut db, operator, id, &e)?;
            outln!(
                "{}",
                if ids.is_empty() {
                    "nothing to change"
                } else {
                    "saved"
                }
            );
            return Ok(exit::OK);
        }
        StudentCommand::Arrive {
            id,
            class,
            date,
            order,
        } => setup::movement(id, MovementKind::Arrival, Some(&class), date, order.get()?),
        StudentCommand::Leave {
            id,
            date,
            graduation,
            order,
        } => setup::movement(
            id,
            setup::departure_kind(graduation),
            None,
            date,
            order.get()?,
        ),
        StudentCommand::Transfer {
            id,
            class,
            date,
            order,
        } => setup::movement(id, MovementKind::Transfer, Some(&class), date, order.get()?),
        StudentCommand::SetOrder {
            stay,
            order_no,
            order_date,
            end,
        } => {
            let ids = setup::set_order(&mut db, operator, stay, end, &order_no, order_date)?;
            outln!(
                "{}",
                if ids.is_empty() {
                    "nothing to change"
                } else {
                    "saved"
                }
            );
            return Ok(exit::OK);
        }
        StudentCommand::Group { id, group } => {
            let gid = store::classes::student_group(db.conn(), id, &group)?.ok_or_else(|| {
                anyhow::anyhow!("no group «{group}» in the class of student {id}")
            })?;
            let ids = setup::move_to_group(&mut db, operator, id, gid)?;
            outln!(
                "{}",
                if ids.is_empty() {
                    "nothing to change"
                } else {
                    "saved"
                }
            );
            return Ok(exit::OK);
        }
        StudentCommand::Guardian {
            id,
            person,
            relation,
            overwrite: o,
        } => {
            overwrite = o;
            setup::guardian(id, &person.get(), relation)?
        }
        StudentCommand::Stays { id } => {
            setup::dismiss_departure(&mut db, operator, id)?;
            outln!("saved");
            return Ok(exit::OK);
        }
    };
    let r = setup::add(&mut db, operator, today(), b, overwrite)?;
    print_report(&r);
    Ok(exit::OK)
}

pub fn run_timetable(cmd: TimetableCommand, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    let working = store::school::working_date(db.conn(), today())?;
    match cmd {
        TimetableCommand::Show { class, on } => {
            let on = on.unwrap_or(working);
            for line in store::curriculum::week_text(db.conn(), &class, on)? {
                outln!("{line}");
            }
            Ok(exit::OK)
        }
        TimetableCommand::Set {
            class,
            weekday,
            lesson_no,
            subject,
            teacher,
            room,
            group,
            from,
            overwrite,
        } => {
            let from = match from {
                Some(f) => f,
                None => default_from(&db, &class, working)?,
            };
            let b = setup::slot(
                &class,
                group.as_deref(),
                weekday,
                lesson_no,
                &subject,
                &teacher,
                &room,
                from,
            );
            let r = setup::add(&mut db, operator, today(), b, overwrite)?;
            print_report(&r);
            Ok(exit::OK)
        }
        TimetableCommand::Clear {
            class,
            weekday,
            lesson_no,
            group,
            from,
        } => {
            let from = match from {
                Some(f) => f,
                None => default_from(&db, &class, working)?,
            };
            let slot = store::curriculum::slot_in_force(
                db.conn(),
                &class,
                group.as_deref(),
                weekday,
                lesson_no,
                from,
            )?
            .ok_or_else(|| anyhow::anyhow!("{class} has no lesson there on that date"))?;
            setup::clear_slot(&mut db, operator, slot, from)?;
            outln!("saved");
            Ok(exit::OK)
        }
    }
}

/// A change typed without a date applies from today, or from the start of
/// the class's year when that is still ahead.
fn default_from(db: &Db, class: &str, working: NaiveDate) -> anyhow::Result<NaiveDate> {
    let start = store::classes::year_start_of(db.conn(), class, working)?
        .ok_or_else(|| anyhow::anyhow!("no class «{class}»"))?;
    Ok(start.max(working))
}
