//! `classbook attendance …`: show a class's attendance on a day or over a
//! period (grid or summary), set codes, take lessons, give reasons, list the
//! lessons not taken. Calls the same service functions as the TUI.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use crate::domain::attendance::{AttendanceCode, Category};
use crate::domain::text::nfc;
use crate::domain::{Class, Id, Lesson, SchoolYear};
use crate::service::attendance::{
    self as att, Counts, DayCell, DaySummary, DayView, PeriodView, ReasonChoice,
};
use crate::store::{self, Db};

use super::exit;

#[derive(Debug, Args)]
#[command(after_help = "Attendance of a class: show a day or a period (grid or \
summary), set or clear a code, mark lessons present, give reasons for absences, \
list the lessons whose attendance is not taken yet.

Dates are YYYY-MM-DD, DD.MM.YYYY or DD.MM; without --date the working date is used \
(the school's as-of date, else today). Future dates, holidays and students not \
enrolled that day are refused and nothing is saved.

Examples:
  classbook attendance show --class 7А --date 2025-12-23
  classbook attendance show --class 7А --period \"2 четверть\" --summary --format csv
  classbook attendance set --class 7А --date 2025-12-23 --lesson 2 --student \"Иванов\" --code Б
  classbook attendance set --class 7А --date 2025-12-23 --present
  classbook attendance set --class 7А --date 2025-12-23 --lesson 3 --mode online
  classbook attendance reason --class 7А --date 2025-12-24
  classbook attendance reason --class 7А --date 2025-12-24 --student \"Иванов\" --reason illness
  classbook attendance not-taken")]
pub struct AttendanceArgs {
    #[command(subcommand)]
    pub command: AttendanceCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Online,
    InClass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReasonArg {
    /// Excused: health.
    Health,
    /// Excused: the parent's request.
    ParentRequest,
    /// Excused: quarantine.
    Quarantine,
    /// Unexcused (reason unknown or doubtful).
    Unexcused,
    /// Illness, not infectious.
    Illness,
    /// Infectious illness.
    InfectiousIllness,
}

impl From<ReasonArg> for ReasonChoice {
    fn from(r: ReasonArg) -> Self {
        match r {
            ReasonArg::Health => ReasonChoice::ExcusedHealth,
            ReasonArg::ParentRequest => ReasonChoice::ExcusedParentRequest,
            ReasonArg::Quarantine => ReasonChoice::ExcusedQuarantine,
            ReasonArg::Unexcused => ReasonChoice::Unexcused,
            ReasonArg::Illness => ReasonChoice::Illness,
            ReasonArg::InfectiousIllness => ReasonChoice::InfectiousIllness,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AttendanceCommand {
    /// Show a class's attendance: one day (students × lessons) or a period
    /// (students × school days); --summary counts lessons and absences by
    /// category with the percentage attended.
    Show {
        #[arg(long)]
        class: String,
        /// One day (default: the working date).
        #[arg(long, conflicts_with = "period")]
        date: Option<String>,
        /// A reporting period by its label ("2 четверть", "Год") or a range
        /// FROM..TO.
        #[arg(long)]
        period: Option<String>,
        /// Counts per student and for the class instead of the grid.
        #[arg(long)]
        summary: bool,
        /// Only this student (name or part of it).
        #[arg(long)]
        student: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Set or clear a code, or mark lessons present. With --present and no
    /// --student the lesson (or, without --lesson, every lesson of the day)
    /// is marked taken: students without a code were present.
    Set {
        #[arg(long)]
        class: String,
        #[arg(long)]
        date: Option<String>,
        /// The lesson number of that day.
        #[arg(long)]
        lesson: Option<u8>,
        #[arg(long)]
        student: Option<String>,
        /// The code as the code table writes it (Н, Б, Д …; the first code
        /// of the table with that letter), or its label.
        #[arg(long, conflicts_with_all = ["present", "clear"])]
        code: Option<String>,
        /// Mark present: the lesson(s) taken, or the student's code cleared.
        #[arg(long, conflicts_with = "clear")]
        present: bool,
        /// Remove the student's code.
        #[arg(long)]
        clear: bool,
        /// A parent's comment to put beside the code (with the table's
        /// comment code, К).
        #[arg(long, conflicts_with_all = ["present", "clear"])]
        comment: Option<String>,
        /// Teach the lesson (--lesson) online or in class (distance teaching).
        #[arg(long, value_enum, requires = "lesson", conflicts_with_all = ["student", "code", "present", "clear", "comment"])]
        mode: Option<ModeArg>,
        #[command(flatten)]
        replace: crate::cli::input::ReplaceArgs,
    },
    /// Give a reason for a student's absences on a day (all of that day's
    /// lessons with no reason given at once); without --student, list the
    /// reasons still to give.
    Reason {
        #[arg(long)]
        class: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, requires = "reason")]
        student: Option<String>,
        #[arg(long, value_enum, requires = "student")]
        reason: Option<ReasonArg>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Lessons of a day (default: the working date) whose attendance is not
    /// taken yet, per teacher.
    NotTaken {
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// The device census of a class (online teaching); --cannot lists only
    /// the students who cannot attend online (or have no census), with
    /// their follow-ups.
    Online {
        #[arg(long)]
        class: String,
        #[arg(long)]
        cannot: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// The attendance code table.
    Codes {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

/// A date of `arg`: YYYY-MM-DD, DD.MM.YYYY or DD.MM (in the current school
/// year).
fn parse_date(c: &Ctx, arg: &str, s: &str) -> anyhow::Result<NaiveDate> {
    Ok(super::input::parse_date(arg, s, c.year.starts_on)?)
}

struct Ctx {
    db: Db,
    working: NaiveDate,
    year: SchoolYear,
}

fn ctx(db: Db) -> anyhow::Result<Ctx> {
    let working = store::school::working_date(db.conn(), chrono::Local::now().date_naive())?;
    let year = store::school::current_year(db.conn(), working)?
        .or_else(|| {
            store::school::years(db.conn())
                .ok()
                .and_then(|y| y.into_iter().last())
        })
        .context("the database has no school year")?;
    Ok(Ctx { db, working, year })
}

fn find_class(c: &Ctx, name: &str) -> anyhow::Result<Class> {
    let name = nfc(name);
    if let Some(class) = store::classes::class_by_name(c.db.conn(), c.year.id, &name)? {
        return Ok(class);
    }
    let all = store::classes::classes(c.db.conn(), c.year.id)?;
    let names: Vec<String> = all.iter().map(|c| c.name.clone()).collect();
    bail!(
        "no class «{name}» in {}; classes: {}",
        c.year.label,
        names.join(", ")
    )
}

fn date_or_working(c: &Ctx, d: Option<&str>) -> anyhow::Result<NaiveDate> {
    match d {
        Some(s) => parse_date(c, "--date", s),
        None => Ok(c.working),
    }
}

/// A student of the class (enrolled some time between the dates) by full
/// name, or by a part of it that only one student's name contains.
fn find_student(
    c: &Ctx,
    class: &Class,
    from: NaiveDate,
    to: NaiveDate,
    who: &str,
) -> anyhow::Result<(Id, String)> {
    let who = nfc(who).to_lowercase();
    let members = store::people::class_members(c.db.conn(), class.id, from, to)?;
    let names: Vec<(Id, String)> = members
        .iter()
        .map(|m| (m.student.id, m.student.full_name()))
        .collect();
    if let Some(exact) = names.iter().find(|(_, n)| n.to_lowercase() == who) {
        return Ok(exact.clone());
    }
    let hits: Vec<&(Id, String)> = names
        .iter()
        .filter(|(_, n)| n.to_lowercase().contains(&who))
        .collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("no student «{who}» in {} on these dates", class.name),
        many => bail!(
            "«{who}» matches {} students in {}: {}",
            many.len(),
            class.name,
            many.iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

fn find_code(codes: &[AttendanceCode], s: &str) -> anyhow::Result<AttendanceCode> {
    let s = nfc(s);
    let lower = s.to_lowercase();
    codes
        .iter()
        .filter(|c| !c.hidden)
        .find(|c| c.code == s)
        .or_else(|| {
            codes
                .iter()
                .filter(|c| !c.hidden)
                .find(|c| c.label.to_lowercase() == lower)
        })
        .cloned()
        .with_context(|| {
            let list: Vec<String> = codes
                .iter()
                .filter(|c| !c.hidden)
                .map(|c| c.code.clone())
                .collect();
            format!(
                "no attendance code «{s}»; the table has {}",
                list.join(", ")
            )
        })
}

/// The period named by `--period`: a label of the year's periods, a short
/// name as `journal` takes them (q1–q4, h1–h2, year), or FROM..TO.
fn find_period(c: &Ctx, p: &str) -> anyhow::Result<(NaiveDate, NaiveDate, String)> {
    if let Some((a, b)) = p.split_once("..") {
        let (from, to) = (parse_date(c, "--period", a)?, parse_date(c, "--period", b)?);
        if from > to {
            bail!("--period {p}: ends before it starts");
        }
        return Ok((from, to, format!("{from}..{to}")));
    }
    let periods = store::school::periods(c.db.conn(), c.year.id)?;
    match crate::service::journal::find_period(&periods, p) {
        Some(x) => Ok((x.starts_on, x.ends_on, x.label.clone())),
        None => bail!(
            "--period: no period «{p}» in {}; periods: {} (or q1–q4, h1–h2, year, FROM..TO)",
            c.year.label,
            periods
                .iter()
                .map(|x| x.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn pad(s: &str, w: usize) -> String {
    let n = s.width();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

fn csv_out(rows: Vec<Vec<String>>) -> anyhow::Result<String> {
    let mut w = crate::service::csv_safe::SafeCsv::new(vec![]);
    for r in rows {
        w.write_record(&r)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn day_cell_text(c: &DayCell) -> String {
    match c {
        DayCell::NotEnrolled => "—".into(),
        DayCell::NotTaken => "?".into(),
        DayCell::Present => ".".into(),
        DayCell::Code {
            code,
            comment: Some(k),
            ..
        } => format!("{code}+{k}"),
        DayCell::Code { code, .. } => code.clone(),
    }
}

fn day_text(v: &DayView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", v.class.name, v.date);
    if let Some(h) = &v.holiday {
        let _ = writeln!(out, "holiday: {} ({}..{})", h.label, h.starts_on, h.ends_on);
        return out;
    }
    if v.lessons.is_empty() {
        let _ = writeln!(out, "no lessons");
        return out;
    }
    let w = v
        .students
        .iter()
        .map(|s| s.name.width())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut head = pad("Student", w);
    for l in &v.lessons {
        let _ = write!(
            head,
            "  {}",
            pad(&format!("{} {}", l.lesson.lesson_no, l.subject), 6)
        );
    }
    let _ = writeln!(out, "{}", head.trim_end());
    for s in &v.students {
        let mut line = pad(&s.name, w);
        for (c, l) in s.cells.iter().zip(&v.lessons) {
            let width = format!("{} {}", l.lesson.lesson_no, l.subject)
                .width()
                .max(6);
            let _ = write!(line, "  {}", pad(&day_cell_text(c), width));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        ". present  ? not taken  — not on the list{}",
        if v.lessons.iter().any(|l| !l.taken) {
            "  (some lessons not taken)"
        } else {
            ""
        }
    );
    out
}

fn day_csv(v: &DayView) -> anyhow::Result<String> {
    let mut rows = vec![
        [
            "date", "lesson", "subject", "group", "mode", "taken", "student", "code", "category",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for s in &v.students {
        for (c, l) in s.cells.iter().zip(&v.lessons) {
            let (code, cat) = match c {
                DayCell::NotEnrolled => continue,
                DayCell::NotTaken => (String::new(), "not_taken".to_string()),
                DayCell::Present => (String::new(), Category::Present.as_str().to_string()),
                DayCell::Code { code, category, .. } => {
                    (code.clone(), category.as_str().to_string())
                }
            };
            rows.push(vec![
                v.date.to_string(),
                l.lesson.lesson_no.to_string(),
                l.subject.clone(),
                l.group.clone().unwrap_or_default(),
                l.lesson.mode.as_str().to_string(),
                l.taken.to_string(),
                s.name.clone(),
                code,
                cat,
            ]);
        }
    }
    csv_out(rows)
}

fn day_summary_text(d: &DaySummary) -> String {
    match d {
        DaySummary::NotEnrolled => "—".into(),
        DaySummary::NoLessons => " ".into(),
        DaySummary::Present => ".".into(),
        DaySummary::NotTaken => "?".into(),
        DaySummary::Absent { lessons, code, .. } => format!("{lessons}{code}"),
        DaySummary::Remote { lessons, code } => format!("{lessons}{code}"),
    }
}

fn period_text(v: &PeriodView, label: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {label} ({}..{})", v.class.name, v.from, v.to);
    let w = v
        .students
        .iter()
        .map(|s| s.name.width())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut head = pad("Student", w);
    for d in &v.days {
        let _ = write!(head, " {}", d.date.format("%d.%m"));
    }
    let _ = writeln!(out, "{}", head.trim_end());
    for s in &v.students {
        let mut line = pad(&s.name, w);
        for (c, d) in s.days.iter().zip(&v.days) {
            let text = if d.holiday.is_some() {
                "hol".to_string()
            } else {
                day_summary_text(c)
            };
            let _ = write!(line, " {}", pad(&text, 5));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

fn period_csv(v: &PeriodView) -> anyhow::Result<String> {
    let mut rows = vec![
        [
            "date",
            "holiday",
            "student",
            "day",
            "absent_lessons",
            "first_code",
            "category",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for s in &v.students {
        for (c, d) in s.days.iter().zip(&v.days) {
            let (kind, n, code, cat) = match c {
                DaySummary::NotEnrolled => continue,
                DaySummary::NoLessons => ("no_lessons", 0, String::new(), String::new()),
                DaySummary::Present => ("present", 0, String::new(), String::new()),
                DaySummary::NotTaken => ("not_taken", 0, String::new(), String::new()),
                DaySummary::Remote { lessons, code } => (
                    "remote",
                    *lessons,
                    code.clone(),
                    Category::PresentRemote.as_str().to_string(),
                ),
                DaySummary::Absent {
                    lessons,
                    code,
                    category,
                } => (
                    "absent",
                    *lessons,
                    code.clone(),
                    category.as_str().to_string(),
                ),
            };
            rows.push(vec![
                d.date.to_string(),
                d.holiday.clone().unwrap_or_default(),
                s.name.clone(),
                kind.to_string(),
                n.to_string(),
                code,
                cat,
            ]);
        }
    }
    csv_out(rows)
}

const SUMMARY_HEAD: [&str; 11] = [
    "student",
    "lessons",
    "present",
    "present_remote",
    "exempt",
    "absent_excused",
    "absent_unexcused",
    "absent_unspecified",
    "absent",
    "not_taken",
    "attended_pct",
];

fn summary_row(name: &str, c: &Counts) -> Vec<String> {
    let pct = match c.attended_permille() {
        Some(p) => format!("{}.{}", p / 10, p % 10),
        None => String::new(),
    };
    vec![
        name.to_string(),
        c.lessons.to_string(),
        c.present.to_string(),
        c.present_remote.to_string(),
        c.exempt.to_string(),
        c.absent_excused.to_string(),
        c.absent_unexcused.to_string(),
        c.absent_unspecified.to_string(),
        c.absent().to_string(),
        c.not_taken.to_string(),
        pct,
    ]
}

/// The summary as text: one line per student and the class total; the
/// same numbers as the TUI's period grid.
pub fn summary_text(v: &PeriodView, label: &str, only: Option<Id>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {label} ({}..{})", v.class.name, v.from, v.to);
    let w = v
        .students
        .iter()
        .map(|s| s.name.width())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{}  lessons  present  remote  exempt  excused  unexcused  no reason  absent  not taken  attended",
        pad("Student", w)
    );
    let line = |out: &mut String, name: &str, c: &Counts| {
        let _ = writeln!(
            out,
            "{}  {:>7}  {:>7}  {:>6}  {:>6}  {:>7}  {:>9}  {:>9}  {:>6}  {:>9}  {:>8}",
            pad(name, w),
            c.lessons,
            c.present,
            c.present_remote,
            c.exempt,
            c.absent_excused,
            c.absent_unexcused,
            c.absent_unspecified,
            c.absent(),
            c.not_taken,
            c.attended_text()
        );
    };
    for s in v
        .students
        .iter()
        .filter(|s| only.is_none_or(|id| id == s.student_id))
    {
        line(&mut out, &s.name, &s.counts);
    }
    if only.is_none() {
        line(&mut out, "Class total", &v.total);
    }
    out
}

fn summary_csv(v: &PeriodView, only: Option<Id>) -> anyhow::Result<String> {
    let mut rows = vec![SUMMARY_HEAD.map(String::from).to_vec()];
    for s in v
        .students
        .iter()
        .filter(|s| only.is_none_or(|id| id == s.student_id))
    {
        rows.push(summary_row(&s.name, &s.counts));
    }
    if only.is_none() {
        rows.push(summary_row("Class total", &v.total));
    }
    csv_out(rows)
}

fn summary_json(v: &PeriodView, label: &str, only: Option<Id>) -> serde_json::Value {
    let row = |name: &str, id: Option<Id>, c: &Counts| {
        let mut j = serde_json::to_value(c).unwrap_or_default();
        j["student"] = serde_json::json!(name);
        j["student_id"] = serde_json::json!(id);
        j["absent"] = serde_json::json!(c.absent());
        j["attended_pct"] = serde_json::json!(c.attended_permille().map(|p| p as f64 / 10.0));
        j
    };
    serde_json::json!({
        "class": v.class.name,
        "period": label,
        "from": v.from,
        "to": v.to,
        "students": v.students.iter()
            .filter(|s| only.is_none_or(|id| id == s.student_id))
            .map(|s| row(&s.name, Some(s.student_id), &s.counts))
            .collect::<Vec<_>>(),
        "total": row("Class total", None, &v.total),
    })
}

/// The class's lessons on a date with this number (two group lessons may
/// share one), for the student if given.
fn lessons_numbered(
    c: &Ctx,
    class: &Class,
    date: NaiveDate,
    no: u8,
) -> anyhow::Result<Vec<Lesson>> {
    let ls: Vec<Lesson> = att::day_lessons(c.db.conn(), class, date)?
        .into_iter()
        .filter(|l| l.lesson_no == no)
        .collect();
    if ls.is_empty() {
        bail!("{} has no lesson {no} on {date}", class.name);
    }
    Ok(ls)
}

/// Run `classbook attendance …`.
pub fn run(args: AttendanceArgs, db: Db, operator: &str) -> anyhow::Result<u8> {
    let mut c = ctx(db)?;
    match args.command {
        AttendanceCommand::Show {
            class,
            date,
            period,
            summary,
            student,
            format,
        } => {
            let class = find_class(&c, &class)?;
            let (from, to, label) = match &period {
                Some(p) => find_period(&c, p)?,
                None => {
                    let d = date_or_working(&c, date.as_deref())?;
                    (d, d, d.to_string())
                }
            };
            let only = match &student {
                Some(s) => Some(find_student(&c, &class, from, to, s)?.0),
                None => None,
            };
            let out = if period.is_none() && !summary {
                let mut v = att::load(c.db.conn(), &class, &c.year, from)?;
                if let Some(id) = only {
                    v.students.retain(|s| s.student_id == id);
                }
                match format {
                    Format::Text => day_text(&v),
                    Format::Csv => day_csv(&v)?,
                    Format::Json => serde_json::to_string_pretty(&v)? + "\n",
                }
            } else {
                let mut v = att::load_period(c.db.conn(), &class, &c.year, from, to)?;
                if summary {
                    match format {
                        Format::Text => summary_text(&v, &label, only),
                        Format::Csv => summary_csv(&v, only)?,
                        Format::Json => {
                            serde_json::to_string_pretty(&summary_json(&v, &label, only))? + "\n"
                        }
                    }
                } else {
                    if let Some(id) = only {
                        v.students.retain(|s| s.student_id == id);
                    }
                    match format {
                        Format::Text => period_text(&v, &label),
                        Format::Csv => period_csv(&v)?,
                        Format::Json => serde_json::to_string_pretty(&v)? + "\n",
                    }
                }
            };
            out!("{out}");
            Ok(exit::OK)
        }
        AttendanceCommand::Set {
            class,
            date,
            lesson,
            student,
            code,
            present,
            clear,
            comment,
            mode,
            replace,
        } => {
            let class = find_class(&c, &class)?;
            let date = date_or_working(&c, date.as_deref())?;
            let working = c.working;
            if let (Some(mode), Some(no)) = (mode, lesson) {
                let mode = match mode {
                    ModeArg::Online => crate::domain::LessonMode::Online,
                    ModeArg::InClass => crate::domain::LessonMode::InClass,
                };
                let lessons = lessons_numbered(&c, &class, date, no)?;
                let ids = c.db.write(|tx| -> store::Result<Vec<i64>> {
                    let mut ids = vec![];
                    for l in &lessons {
                        let (id, made) = att::record_lesson(tx, operator, l)?;
                        ids.extend(made);
                        ids.extend(att::set_mode(tx, operator, id, mode)?);
                    }
                    Ok(ids)
                })?;
                outln!(
                    "{} {date} lesson {no}: {}{}",
                    class.name,
                    mode.as_str().replace('_', " "),
                    if ids.is_empty() { " (unchanged)" } else { "" }
                );
                return Ok(exit::OK);
            }
            let student = match &student {
                Some(s) => Some(find_student(&c, &class, date, date, s)?),
                None => None,
            };
            let lessons = match lesson {
                Some(n) => lessons_numbered(&c, &class, date, n)?,
                None => att::day_lessons(c.db.conn(), &class, date)?,
            };
            let codes = store::attendance::codes(c.db.conn(), true)?;
            let code = code.as_deref().map(|s| find_code(&codes, s)).transpose()?;
            let (sid, name) = match (&student, present) {
                (None, true) => {
                    let taken = c.db.write(|tx| -> store::Result<usize> {
                        att::day_refusal(tx, date, working)?
                            .map_or(Ok(()), |why| Err(store::invalid(why)))?;
                        let mut taken = 0;
                        for l in &lessons {
                            let (id, _) = att::record_lesson(tx, operator, l)?;
                            if !att::take_lesson(tx, operator, working, id)?.is_empty() {
                                taken += 1;
                            }
                        }
                        Ok(taken)
                    })?;
                    outln!(
                        "{} {date}: {} lesson(s) marked taken ({} already were); students without a code were present",
                        class.name,
                        taken,
                        lessons.len() - taken
                    );
                    return Ok(exit::OK);
                }
                (None, false) => bail!("--student is needed to set or clear a code"),
                (Some((id, name)), _) => (*id, name.clone()),
            };
            let Some(no) = lesson else {
                bail!("--lesson is needed to set a student's code");
            };
            // Of two group lessons with one number, the student's own.
            let lesson = lessons
                .iter()
                .find(|l| {
                    att::load(c.db.conn(), &class, &c.year, date)
                        .ok()
                        .and_then(|v| {
                            let col = v.lessons.iter().position(|x| {
                                (x.lesson.lesson_no, x.lesson.group_id) == (l.lesson_no, l.group_id)
                            })?;
                            let row = v.students.iter().find(|s| s.student_id == sid)?;
                            Some(row.cells[col] != DayCell::NotEnrolled)
                        })
                        .unwrap_or(false)
                })
                .or(lessons.first())
                .cloned()
                .with_context(|| format!("{} has no lesson {no} on {date}", class.name))?;
            let (ids, what) = c.db.write(|tx| -> store::Result<(Vec<i64>, String)> {
                if clear && !present && lesson.id == 0 {
                    // A lesson without a record has nothing to clear.
                    return Ok((vec![], "cleared".into()));
                }
                // A timetable lesson without a record gets one now.
                let (lesson_id, mut ids) = att::record_lesson(tx, operator, &lesson)?;
                // A code someone else gave is not replaced unseen.
                let now = store::attendance::entry(tx, lesson_id, sid)?
                    .map(|(_, c)| c.code)
                    .unwrap_or_default();
                let new = code.as_ref().map_or(String::new(), |c| c.code.clone());
                if code.is_some() || present || clear {
                    let last = store::audit::cell_changed_since(tx, 0, lesson_id, sid)?;
                    replace.expect().check(
                        &format!("{name}'s attendance at lesson {no} of {date}"),
                        (&now, &new),
                        operator,
                        last.as_ref().map(|e| (e.operator.as_str(), e.at.as_str())),
                    )?;
                }
                if present || clear {
                    ids.extend(att::clear(tx, operator, working, lesson_id, sid)?);
                    if present {
                        ids.extend(att::take_lesson(tx, operator, working, lesson_id)?);
                    }
                    return Ok((ids, if present { "present" } else { "cleared" }.into()));
                }
                let mut what = vec![];
                if let Some(code) = &code {
                    ids.extend(att::set_code(
                        tx, operator, working, lesson_id, sid, code.id,
                    )?);
                    what.push(format!("{} ({})", code.code, code.label));
                }
                if let Some(text) = &comment {
                    let annotation = codes
                        .iter()
                        .find(|c| c.category == Category::Annotation && !c.hidden)
                        .map(|c| c.id);
                    ids.extend(att::set_comment(
                        tx,
                        operator,
                        working,
                        lesson_id,
                        sid,
                        annotation,
                        Some(text),
                    )?);
                    what.push(format!("comment «{}»", text.trim()));
                }
                if what.is_empty() {
                    return Err(store::invalid(
                        "say what to set: --code, --comment, --present or --clear",
                    ));
                }
                Ok((ids, what.join(", ")))
            })?;
            outln!(
                "{} {date} lesson {no}, {name}: {what}{}",
                class.name,
                if ids.is_empty() { " (unchanged)" } else { "" }
            );
            Ok(exit::OK)
        }
        AttendanceCommand::Reason {
            class,
            date,
            student,
            reason,
            format,
        } => {
            let class = find_class(&c, &class)?;
            let date = date_or_working(&c, date.as_deref())?;
            let working = c.working;
            if let (Some(s), Some(r)) = (student, reason) {
                let (sid, name) = find_student(&c, &class, date, date, &s)?;
                let choice = ReasonChoice::from(r);
                let (n, _) = c.db.write(|tx| {
                    att::apply_reason(tx, operator, working, class.id, date, sid, choice)
                })?;
                outln!(
                    "{} {date}, {name}: {} given for {n} lesson(s)",
                    class.name,
                    choice.label()
                );
                return Ok(exit::OK);
            }
            let list = att::reasons_to_give(c.db.conn(), &class, &c.year, date)?;
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&list)? + "\n",
                Format::Csv => {
                    let mut rows = vec![["date", "student", "lessons"].map(String::from).to_vec()];
                    for r in &list {
                        rows.push(vec![
                            r.date.to_string(),
                            r.name.clone(),
                            r.lessons
                                .iter()
                                .map(|(_, n, s)| format!("{n} {s}"))
                                .collect::<Vec<_>>()
                                .join("; "),
                        ]);
                    }
                    csv_out(rows)?
                }
                Format::Text => {
                    let mut out = format!("{} {date}: reasons to give\n", class.name);
                    if list.is_empty() {
                        out.push_str("none: every absence has a reason\n");
                    }
                    for r in &list {
                        let _ = writeln!(
                            out,
                            "{}  lessons {}",
                            r.name,
                            r.lessons
                                .iter()
                                .map(|(_, n, s)| format!("{n} {s}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    out
                }
            };
            out!("{out}");
            Ok(exit::OK)
        }
        AttendanceCommand::NotTaken { date, format } => {
            let date = date_or_working(&c, date.as_deref())?;
            let list = att::not_taken(c.db.conn(), date)?;
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&list)? + "\n",
                Format::Csv => {
                    let mut rows = vec![
                        ["date", "teacher", "lesson", "class", "subject"]
                            .map(String::from)
                            .to_vec(),
                    ];
                    for t in &list {
                        for (n, cl, s) in &t.lessons {
                            rows.push(vec![
                                date.to_string(),
                                t.teacher.clone(),
                                n.to_string(),
                                cl.clone(),
                                s.clone(),
                            ]);
                        }
                    }
                    csv_out(rows)?
                }
                Format::Text => {
                    let mut out = format!("{date}: lessons whose attendance is not taken\n");
                    if list.is_empty() {
                        out.push_str("none\n");
                    }
                    for t in &list {
                        let _ = writeln!(
                            out,
                            "{}: {}",
                            t.teacher,
                            t.lessons
                                .iter()
                                .map(|(n, cl, s)| format!("{cl} lesson {n} {s}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    out
                }
            };
            out!("{out}");
            Ok(if list.is_empty() {
                exit::OK
            } else {
                exit::FINDINGS
            })
        }
        AttendanceCommand::Online {
            class,
            cannot,
            format,
        } => {
            let class = find_class(&c, &class)?;
            let date = c.working.clamp(c.year.starts_on, c.year.ends_on);
            let rows = if cannot {
                att::cannot_attend_online(c.db.conn(), &class, &c.year, date)?
            } else {
                att::census(c.db.conn(), &class, &c.year, date)?
            };
            let yn = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
                Format::Csv | Format::Text => {
                    let mut head: Vec<String> = vec!["student".into()];
                    head.extend(att::Device::ALL.iter().map(|d| d.column().to_string()));
                    head.extend(
                        ["can_attend_online", "followups", "last_followup"].map(String::from),
                    );
                    let mut table = vec![head];
                    for r in &rows {
                        let mut line = vec![r.name.clone()];
                        for d in att::Device::ALL {
                            line.push(yn(r.census.as_ref().map(|x| d.get(x))).to_string());
                        }
                        line.push(
                            match r.can_attend_online() {
                                Some(b) => yn(Some(b)),
                                None => "no census",
                            }
                            .to_string(),
                        );
                        line.push(r.followups.len().to_string());
                        line.push(
                            r.followups
                                .last()
                                .map(|f| format!("{} {}: {}", f.date, f.method, f.note))
                                .unwrap_or_default(),
                        );
                        table.push(line);
                    }
                    if format == Format::Csv {
                        csv_out(table)?
                    } else {
                        let widths: Vec<usize> = (0..table[0].len())
                            .map(|i| table.iter().map(|r| r[i].width()).max().unwrap_or(0))
                            .collect();
                        let mut out = format!("{} device census\n", class.name);
                        for r in &table {
                            let cells: Vec<String> =
                                r.iter().zip(&widths).map(|(x, w)| pad(x, *w)).collect();
                            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
                        }
                        out
                    }
                }
            };
            out!("{out}");
            Ok(exit::OK)
        }
        AttendanceCommand::Codes { format } => {
            let codes = store::attendance::codes(c.db.conn(), true)?;
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&codes)? + "\n",
                Format::Csv | Format::Text => {
                    let mut rows = vec![
                        ["code", "label", "category", "reason", "key", "hidden"]
                            .map(String::from)
                            .to_vec(),
                    ];
                    for x in &codes {
                        rows.push(vec![
                            x.code.clone(),
                            x.label.clone(),
                            x.category.as_str().to_string(),
                            x.reason.map(|r| r.as_str().to_string()).unwrap_or_default(),
                            x.key.clone().unwrap_or_default(),
                            x.hidden.to_string(),
                        ]);
                    }
                    csv_out(rows)?
                }
            };
            out!("{out}");
            Ok(exit::OK)
        }
    }
}
