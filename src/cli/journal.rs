//! `classbook journal …`: the class journal without the TUI, over the same
//! service functions (`service::journal`), so that an administrator can
//! script a correction over SSH.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use crate::domain::text::nfc;
use crate::domain::{
    Class, HomeworkKind, Id, LessonMode, Period, PeriodKind, Subject, TeachingLog,
};
use crate::service::journal::{
    self as svc, CellInput, JournalLesson, JournalView, LessonEdit, MarkCell,
};
use crate::store::{self, Db};

use super::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GridFormat {
    Csv,
    Json,
    /// Aligned columns for reading; a lesson's column is headed by its date
    /// (DD.MM).
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    InClass,
    Online,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HwKind {
    Text,
    NotAssigned,
    NotProvided,
    Individual,
    Creative,
    /// Remove the homework.
    None,
}

/// The lesson of a class and subject on a date.
#[derive(Debug, clap::Args)]
pub struct LessonArgs {
    /// The class, e.g. 7А (Latin look-alikes are accepted: 7A).
    #[arg(long)]
    pub class: String,
    /// The subject, by name or short name.
    #[arg(long)]
    pub subject: String,
    /// The lesson's date (YYYY-MM-DD, DD.MM.YYYY or DD.MM).
    #[arg(long)]
    pub date: String,
    /// The lesson number, when the subject has several lessons that day.
    #[arg(long)]
    pub lesson: Option<u8>,
}

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Print the marks grid of a class, subject and period with each
    /// student's number of marks, weighted mean, suggested and final grade.
    Show {
        #[arg(long)]
        class: String,
        #[arg(long)]
        subject: String,
        /// The period: its name ("2 четверть") or q1–q4, h1–h2, year.
        #[arg(long)]
        period: String,
        /// One group of a subject taught in split groups ("Англ. 1"): its
        /// lessons and the whole class's, its students, its plan progress.
        #[arg(long)]
        group: Option<String>,
        #[arg(long, value_enum, default_value = "csv")]
        format: GridFormat,
    },
    /// Set the marks of one student in one lesson ("5/4", "н", "*", "°";
    /// an empty string clears the cell).
    SetMark {
        #[command(flatten)]
        at: LessonArgs,
        /// The student: "Фамилия Имя" (a unique start of the full name).
        #[arg(long)]
        student: String,
        /// The cell as typed: 2–5, Н (or H, n), * (pending), ° (deferred),
        /// several separated by "/".
        #[arg(long, allow_hyphen_values = true)]
        marks: String,
        /// The form of control from the catalogue (default: the lesson's).
        #[arg(long)]
        form: Option<String>,
        /// The intended mark of a pending "*".
        #[arg(long)]
        intended: Option<u8>,
        /// The correction deadline of a pending "*" (YYYY-MM-DD).
        #[arg(long)]
        deadline: Option<String>,
        /// The comment a deferred "°" needs.
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        replace: crate::cli::input::ReplaceArgs,
    },
    /// Set a student's final period grade (2–5, or na; "" clears it). The
    /// suggestion is kept beside it.
    SetFinal {
        #[arg(long)]
        class: String,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        period: String,
        #[arg(long)]
        student: String,
        #[arg(long, allow_hyphen_values = true)]
        grade: String,
        #[command(flatten)]
        replace: crate::cli::input::ReplaceArgs,
    },
    /// Fill in a lesson record: topic, homework, mode, who taught it, and
    /// the teaching log of an online lesson.
    SetLesson {
        #[command(flatten)]
        at: LessonArgs,
        #[arg(long)]
        topic: Option<String>,
        /// Replace a topic or homework someone else wrote (without it, only
        /// an empty one, the same one or your own is replaced: exit 7).
        #[arg(long)]
        overwrite: bool,
        /// Homework text (kind `text` unless --homework-kind says otherwise).
        #[arg(long)]
        homework: Option<String>,
        #[arg(long, value_enum)]
        homework_kind: Option<HwKind>,
        /// Estimated homework minutes.
        #[arg(long)]
        minutes: Option<u16>,
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        /// The teacher who actually taught (family name); "-" for the usual one.
        #[arg(long)]
        taught_by: Option<String>,
        /// The lesson's control event, a form of control of the catalogue
        /// (the default form of its marks); "-" for an ordinary lesson.
        #[arg(long)]
        control_form: Option<String>,
        /// Teaching log of an online lesson: content.
        #[arg(long)]
        log_content: Option<String>,
        #[arg(long)]
        log_form: Option<String>,
        #[arg(long)]
        log_effect: Option<String>,
        #[arg(long)]
        log_feedback: Option<String>,
        /// Minutes an online lesson keeps its students online (seed 001:
        /// grades 4–6 at most 90 a day); "-" for its bell's length.
        #[arg(long, allow_hyphen_values = true)]
        online_minutes: Option<String>,
        /// Whether the online lesson is live, synchronous (true, the
        /// default; at most 30 minutes) or recorded (false).
        #[arg(long)]
        live: Option<bool>,
    },
    /// Import thematic plans from CSV (class,subject,seq,topic,hours,control_form):
    /// all or nothing, errors as file:line.
    ImportPlan { file: PathBuf },
}

use super::input::{Refused, refuse};

/// Run a journal command; refusals print one line and exit 2.
pub fn run(db_path: &Path, operator: &str, cmd: JournalCommand) -> anyhow::Result<u8> {
    let mut db = store::open(db_path, &crate::cli::open_options())?;
    // Only a command that writes may say that nothing was saved.
    let writes = !matches!(cmd, JournalCommand::Show { .. });
    match run_on(&mut db, operator, cmd) {
        Ok(code) => Ok(code),
        Err(e) => {
            // What the rules refuse is the user's to fix: one line, exit 2,
            // nothing saved. Anything else is an error (exit 3 or 4).
            let refused = if let Some(r) = e.downcast_ref::<Refused>() {
                Some(r.0.clone())
            } else if let Some(c) = e.downcast_ref::<svc::CellError>() {
                match c {
                    svc::CellError::Store(store::StoreError::Invalid(m)) => Some(m.clone()),
                    svc::CellError::Store(_) => None,
                    other => Some(other.to_string()),
                }
            } else if let Some(store::StoreError::Invalid(m)) =
                e.downcast_ref::<store::StoreError>()
            {
                Some(m.clone())
            } else {
                None
            };
            match refused {
                Some(m) if writes => {
                    crate::cli::input::say(&format!("classbook: not saved: {m}"));
                    Ok(exit::USAGE)
                }
                Some(m) => {
                    crate::cli::input::say(&format!("classbook: {m}"));
                    Ok(exit::USAGE)
                }
                None => Err(e),
            }
        }
    }
}

fn today(db: &Db) -> anyhow::Result<NaiveDate> {
    Ok(store::school::working_date(
        db.conn(),
        chrono::Local::now().date_naive(),
    )?)
}

/// A date of `arg`; DD.MM is in the school year of `within`.
fn parse_date(arg: &str, s: &str, within: NaiveDate) -> anyhow::Result<NaiveDate> {
    let start = super::input::school_year_start_of(within);
    Ok(super::input::parse_date(arg, s, start)?)
}

/// Fold Latin look-alikes into Cyrillic so that "7A" finds "7А".
fn fold(s: &str) -> String {
    nfc(s)
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'a' => 'а',
            'b' => 'б',
            'v' => 'в',
            'g' => 'г',
            'd' => 'д',
            'e' => 'е',
            _ => c,
        })
        .collect()
}

struct Ctx {
    class: Class,
    subject: Subject,
    periods: Vec<Period>,
}

fn context(db: &Db, class: &str, subject: &str) -> anyhow::Result<Ctx> {
    let conn = db.conn();
    let year = store::school::current_year(conn, today(db)?)?;
    let Some(year) = year else {
        return refuse("the database has no school year");
    };
    let classes = store::classes::classes(conn, year.id)?;
    let Some(class) = classes
        .iter()
        .find(|c| fold(&c.name) == fold(class))
        .cloned()
    else {
        let names: Vec<&str> = classes.iter().map(|c| c.name.as_str()).collect();
        return refuse(format!(
            "no class «{class}» in {} (classes: {})",
            year.label,
            names.join(", ")
        ));
    };
    let subjects = store::curriculum::class_subjects(conn, class.id)?;
    let want = nfc(subject).to_lowercase();
    let Some(subject) = subjects
        .iter()
        .find(|s| s.name.to_lowercase() == want || s.short_name.to_lowercase() == want)
        .cloned()
    else {
        let names: Vec<&str> = subjects.iter().map(|s| s.name.as_str()).collect();
        return refuse(format!(
            "{} has no subject «{subject}» (its curriculum: {})",
            class.name,
            names.join(", ")
        ));
    };
    let periods = store::school::periods(conn, year.id)?;
    Ok(Ctx {
        class,
        subject,
        periods,
    })
}

fn period<'a>(ctx: &'a Ctx, name: &str) -> anyhow::Result<&'a Period> {
    match svc::find_period(&ctx.periods, name) {
        Some(p) => Ok(p),
        None => {
            let names: Vec<&str> = ctx.periods.iter().map(|p| p.label.as_str()).collect();
            refuse(format!(
                "no period «{name}» (periods: {}; or q1–q4, h1–h2, year)",
                names.join(", ")
            ))
        }
    }
}

/// The whole year as one period, to find a lesson on any date.
fn year_period(ctx: &Ctx) -> anyhow::Result<Period> {
    match ctx.periods.iter().find(|p| p.kind == PeriodKind::Year) {
        Some(p) => Ok(p.clone()),
        None => refuse("the school year has no year period"),
    }
}

/// A group of the class by name (case and Latin look-alikes aside); the
/// groups the subject is split into are offered when it is not one.
fn group_id(db: &Db, ctx: &Ctx, name: &str) -> anyhow::Result<Id> {
    let groups = store::classes::groups(db.conn(), ctx.class.id)?;
    if let Some(g) = groups.iter().find(|g| fold(&g.name) == fold(name)) {
        return Ok(g.id);
    }
    let split = store::journal::subject_groups(db.conn(), ctx.class.id, ctx.subject.id)?;
    if split.is_empty() {
        refuse(format!(
            "{} has no group «{name}»; {} is taught to the whole class",
            ctx.class.name, ctx.subject.name
        ))
    } else {
        let names: Vec<&str> = split.iter().map(|g| g.1.as_str()).collect();
        refuse(format!(
            "{} has no group «{name}» (groups of {}: {})",
            ctx.class.name,
            ctx.subject.name,
            names.join(", ")
        ))
    }
}

fn student_id(view: &JournalView, name: &str) -> anyhow::Result<Id> {
    let want = nfc(name).to_lowercase();
    let exact: Vec<_> = view
        .students
        .iter()
        .filter(|s| s.name.to_lowercase() == want)
        .collect();
    let hits = if exact.is_empty() {
        view.students
            .iter()
            .filter(|s| s.name.to_lowercase().starts_with(&want))
            .collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(one.student_id),
        [] => refuse(format!(
            "no student «{name}» in {} {}",
            view.class.name, view.period.label
        )),
        many => refuse(format!(
            "«{name}» could be {}: give more of the name",
            many.iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn find_lesson<'a>(view: &'a JournalView, at: &LessonArgs) -> anyhow::Result<&'a JournalLesson> {
    let date = parse_date("--date", &at.date, view.period.starts_on)?;
    let on_day: Vec<&JournalLesson> = view
        .lessons
        .iter()
        .filter(|l| l.lesson.date == date)
        .collect();
    let hits: Vec<&JournalLesson> = on_day
        .iter()
        .copied()
        .filter(|l| at.lesson.is_none_or(|n| l.lesson.lesson_no == n))
        .collect();
    let d = date.format("%d.%m.%Y");
    match hits.as_slice() {
        [one] => Ok(one),
        [] if on_day.is_empty() => refuse(format!(
            "{} {} has no lesson on {d} (none recorded and none in the timetable up to the working date)",
            view.class.name, view.subject.name
        )),
        [] => refuse(format!(
            "{} {} has no lesson number {} on {d} (lessons: {})",
            view.class.name,
            view.subject.name,
            at.lesson.unwrap_or(0),
            numbers(&on_day)
        )),
        many => refuse(format!(
            "{} {} has {} lessons on {d} (numbers {}): add --lesson N",
            view.class.name,
            view.subject.name,
            many.len(),
            numbers(many)
        )),
    }
}

fn numbers(ls: &[&JournalLesson]) -> String {
    ls.iter()
        .map(|l| l.lesson.lesson_no.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Serialize)]
struct JsonLesson<'a> {
    date: NaiveDate,
    lesson_no: u8,
    recorded: bool,
    topic: Option<&'a str>,
    homework: String,
    control_form: Option<&'a str>,
    online: bool,
    substitute: Option<&'a str>,
    group: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonStudent<'a> {
    name: &'a str,
    /// One per lesson: the marks, "" for none, null when not enrolled.
    cells: Vec<Option<&'a str>>,
    marks: usize,
    mean: Option<String>,
    suggested: String,
    final_grade: Option<&'a str>,
    differs: bool,
    /// One per lesson: each mark in full (form of control, weight, a
    /// pending mark's deadline, a deferred mark's comment, who and when).
    details: &'a [Vec<svc::MarkDetail>],
    /// One per lesson: the attendance code behind the cell's Н (attendance
    /// is the one record of an absence), null when present.
    absences: &'a [Option<String>],
}

#[derive(Serialize)]
struct JsonGrid<'a> {
    class: &'a str,
    subject: &'a str,
    period: &'a str,
    /// The group shown (`--group`), else null: the whole class.
    group: Option<&'a str>,
    required_marks: usize,
    lessons: Vec<JsonLesson<'a>>,
    students: Vec<JsonStudent<'a>>,
    plan: &'a svc::PlanProgress,
}

fn grid_json(v: &JournalView) -> JsonGrid<'_> {
    JsonGrid {
        class: &v.class.name,
        subject: &v.subject.name,
        period: &v.period.label,
        group: v.group.as_ref().map(|g| g.1.as_str()),
        required_marks: v.required_marks,
        lessons: v
            .lessons
            .iter()
            .map(|l| JsonLesson {
                date: l.lesson.date,
                lesson_no: l.lesson.lesson_no,
                recorded: l.recorded,
                topic: l.lesson.topic.as_deref(),
                homework: l.lesson.homework_display(),
                control_form: l.control_form.as_deref(),
                online: l.online(),
                substitute: l.substitute.as_deref(),
                group: l.group.as_deref(),
            })
            .collect(),
        students: v
            .students
            .iter()
            .map(|s| JsonStudent {
                name: &s.name,
                cells: s
                    .cells
                    .iter()
                    .map(|c| match c {
                        MarkCell::NotEnrolled => None,
                        MarkCell::Empty => Some(""),
                        MarkCell::Marks(m) => Some(m.as_str()),
                    })
                    .collect(),
                marks: s.counted,
                mean: s
                    .mean_hundredths
                    .map(crate::domain::marks::format_hundredths),
                suggested: svc::suggestion_text(&s.suggestion),
                final_grade: s.final_grade.as_deref(),
                differs: svc::final_differs(s.final_grade.as_deref(), &s.suggestion),
                details: &s.details,
                absences: &s.absences,
            })
            .collect(),
        plan: &v.progress,
    }
}

/// The grid's rows as aligned text: a lesson column ("2025-11-03 #1 …") is
/// headed by its date as the school writes it (03.11); the other columns
/// keep their names.
fn grid_text(rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let Some((head, body)) = rows.split_first() else {
        return String::new();
    };
    let head: Vec<String> = head
        .iter()
        .map(|h| {
            match h
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            {
                Some(d) => crate::domain::text::date_short(d),
                None => h.clone(),
            }
        })
        .collect();
    let mut widths: Vec<usize> = head.iter().map(|h| h.width()).collect();
    for r in body {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            out.push_str(c);
            out.push_str(&" ".repeat(w.saturating_sub(c.width())));
            out.push_str("  ");
        }
        format!("{}\n", out.trim_end())
    };
    let mut out = line(&head);
    for r in body {
        out.push_str(&line(r));
    }
    out
}

fn print_grid(v: &JournalView, format: GridFormat) -> anyhow::Result<()> {
    match format {
        GridFormat::Json => outln!("{}", serde_json::to_string_pretty(&grid_json(v))?),
        GridFormat::Text => out!("{}", grid_text(&svc::grid_table(v))),
        GridFormat::Csv => {
            let mut w =
                crate::service::csv_safe::SafeCsv::new(crate::cli::input::CleanStdout::new());
            for row in svc::grid_table(v) {
                w.write_record(&row)?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

fn run_on(db: &mut Db, operator: &str, cmd: JournalCommand) -> anyhow::Result<u8> {
    let today = today(db)?;
    match cmd {
        JournalCommand::Show {
            class,
            subject,
            period: p,
            group,
            format,
        } => {
            let ctx = context(db, &class, &subject)?;
            let period = period(&ctx, &p)?;
            let group = match group {
                None => None,
                Some(g) => Some(group_id(db, &ctx, &g)?),
            };
            let v = svc::load_group(db.conn(), &ctx.class, &ctx.subject, period, group, today)?;
            print_grid(&v, format)?;
            Ok(exit::OK)
        }
        JournalCommand::SetMark {
            at,
            student,
            marks,
            form,
            intended,
            deadline,
            comment,
            replace,
        } => {
            let ctx = context(db, &at.class, &at.subject)?;
            let year = year_period(&ctx)?;
            // The journal of that one day: a cell is found without reading
            // the whole year (which only a refusal's message needs).
            let date = parse_date("--date", &at.date, year.starts_on)?;
            let day = Period {
                starts_on: date,
                ends_on: date,
                ..year.clone()
            };
            let mut view = svc::load(db.conn(), &ctx.class, &ctx.subject, &day, today)?;
            let sid = match student_id(&view, &student) {
                Ok(id) => id,
                Err(_) => {
                    view = svc::load(db.conn(), &ctx.class, &ctx.subject, &year, today)?;
                    student_id(&view, &student)?
                }
            };
            let lesson = find_lesson(&view, &at)?.reference();
            let form_id = match form {
                None => None,
                Some(f) => {
                    let want = nfc(&f).to_lowercase();
                    let forms = store::curriculum::control_forms(db.conn())?;
                    match forms.iter().find(|c| c.name.to_lowercase() == want) {
                        Some(c) => Some(c.id),
                        None => {
                            return refuse(format!(
                                "«{f}» is not a form of control of the catalogue (e.g. «Устный ответ», «Контрольная работа»)"
                            ));
                        }
                    }
                }
            };
            let input = CellInput {
                text: marks,
                form_id,
                intended,
                deadline: deadline
                    .as_deref()
                    .map(|d| parse_date("--deadline", d, year.starts_on))
                    .transpose()?,
                comment,
                expect: replace.expect(),
            };
            let written = db.write(|tx| svc::set_cell(tx, operator, lesson, sid, &input))?;
            outln!(
                "{} {} {} lesson {}: {} → «{}» ({} change{} recorded)",
                ctx.class.name,
                ctx.subject.name,
                at.date,
                find_lesson(&view, &at)?.lesson.lesson_no,
                view.students
                    .iter()
                    .find(|s| s.student_id == sid)
                    .map_or("", |s| s.name.as_str()),
                written.shown,
                written.audit.len(),
                if written.audit.len() == 1 { "" } else { "s" }
            );
            Ok(exit::OK)
        }
        JournalCommand::SetFinal {
            class,
            subject,
            period: p,
            student,
            grade,
            replace,
        } => {
            let ctx = context(db, &class, &subject)?;
            let period = period(&ctx, &p)?.clone();
            let final_grade = svc::parse_final(&grade).or_else(refuse)?;
            let view = svc::load(db.conn(), &ctx.class, &ctx.subject, &period, today)?;
            let sid = student_id(&view, &student)?;
            let ids = db.write(|tx| {
                // A final grade someone else gave is not replaced unseen.
                use rusqlite::OptionalExtension;
                let (now, by, at): (Option<String>, Option<String>, Option<String>) = tx
                    .query_row(
                        "SELECT final, set_by, set_at FROM period_grade
                         WHERE student_id = ?1 AND subject_id = ?2 AND period_id = ?3",
                        rusqlite::params![sid, ctx.subject.id, period.id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?
                    .unwrap_or_default();
                let name = view
                    .students
                    .iter()
                    .find(|s| s.student_id == sid)
                    .map_or("the student", |s| s.name.as_str());
                replace.expect().check(
                    &format!(
                        "{name}'s final grade in {} for {}",
                        ctx.subject.name, period.label
                    ),
                    (
                        &now.unwrap_or_default(),
                        final_grade.as_deref().unwrap_or(""),
                    ),
                    operator,
                    by.as_deref().zip(at.as_deref()),
                )?;
                svc::set_final_grade(
                    tx,
                    operator,
                    (&ctx.class, &ctx.subject, &period),
                    sid,
                    final_grade.as_deref(),
                    today,
                )
            })?;
            let s = view.students.iter().find(|s| s.student_id == sid);
            outln!(
                "{} {} {}: final grade {} (suggested {}){}",
                ctx.class.name,
                period.label,
                s.map_or("", |s| s.name.as_str()),
                final_grade.as_deref().unwrap_or("cleared"),
                s.map_or(String::new(), |s| svc::suggestion_text(&s.suggestion)),
                if ids.is_empty() {
                    "; nothing changed"
                } else {
                    ""
                }
            );
            Ok(exit::OK)
        }
        JournalCommand::SetLesson {
            at,
            topic,
            overwrite,
            homework,
            homework_kind,
            minutes,
            mode,
            taught_by,
            control_form,
            log_content,
            log_form,
            log_effect,
            log_feedback,
            online_minutes,
            live,
        } => {
            let online_minutes = match online_minutes.as_deref().map(str::trim) {
                None => None,
                Some("-") | Some("") => Some(None),
                Some(m) => match m.parse::<u32>() {
                    Ok(n) => Some(Some(n)),
                    Err(_) => {
                        return refuse(format!(
                            "--online-minutes «{m}» is not a whole number of minutes (or - for the bell's length)"
                        ));
                    }
                },
            };
            let ctx = context(db, &at.class, &at.subject)?;
            let year = year_period(&ctx)?;
            let view = svc::load(db.conn(), &ctx.class, &ctx.subject, &year, today)?;
            let jl = find_lesson(&view, &at)?;
            let homework = match (homework_kind, homework) {
                (None, None) => None,
                (Some(HwKind::None), _) => Some((None, None)),
                (None, Some(t)) => Some((Some(HomeworkKind::Text), Some(t))),
                (Some(k), t) => Some((
                    Some(match k {
                        HwKind::Text => HomeworkKind::Text,
                        HwKind::NotAssigned => HomeworkKind::NotAssigned,
                        HwKind::NotProvided => HomeworkKind::NotProvided,
                        HwKind::Individual => HomeworkKind::Individual,
                        HwKind::Creative => HomeworkKind::Creative,
                        HwKind::None => unreachable!("handled above"),
                    }),
                    t,
                )),
            };
            let taught_by = match taught_by.as_deref() {
                None => None,
                Some("-") | Some("") => Some(None),
                Some(name) => {
                    let want = nfc(name).to_lowercase();
                    let staff = store::people::staff(db.conn())?;
                    let hits: Vec<_> = staff
                        .iter()
                        .filter(|s| s.full_name().to_lowercase().starts_with(&want))
                        .collect();
                    match hits.as_slice() {
                        [one] => Some(Some(one.id)),
                        [] => return refuse(format!("no staff member «{name}»")),
                        many => {
                            return refuse(format!(
                                "«{name}» could be {}: give more of the name",
                                many.iter()
                                    .map(|s| s.full_name())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        }
                    }
                }
            };
            let log = if log_content.is_some()
                || log_form.is_some()
                || log_effect.is_some()
                || log_feedback.is_some()
            {
                let old = if jl.recorded {
                    store::journal::teaching_log(db.conn(), jl.lesson.id)?
                } else {
                    None
                };
                let old = old.unwrap_or(TeachingLog {
                    lesson_id: jl.lesson.id,
                    content: String::new(),
                    form: String::new(),
                    effect: String::new(),
                    homework_feedback: String::new(),
                });
                Some(TeachingLog {
                    lesson_id: jl.lesson.id,
                    content: log_content.unwrap_or(old.content),
                    form: log_form.unwrap_or(old.form),
                    effect: log_effect.unwrap_or(old.effect),
                    homework_feedback: log_feedback.unwrap_or(old.homework_feedback),
                })
            } else {
                None
            };
            let control_form = match control_form.as_deref() {
                None => None,
                Some("-") | Some("") => Some(None),
                Some(f) => {
                    let want = nfc(f).to_lowercase();
                    let forms = store::curriculum::control_forms(db.conn())?;
                    match forms.iter().find(|c| c.name.to_lowercase() == want) {
                        Some(c) => Some(Some(c.id)),
                        None => {
                            return refuse(format!(
                                "«{f}» is not a form of control of the catalogue"
                            ));
                        }
                    }
                }
            };
            let edit = LessonEdit {
                control_form,
                topic,
                homework,
                minutes: minutes.map(Some),
                mode: mode.map(|m| match m {
                    Mode::InClass => LessonMode::InClass,
                    Mode::Online => LessonMode::Online,
                }),
                taught_by,
                log,
                online_minutes,
                online_live: live,
            };
            let reference = jl.reference();
            let recorded = jl.recorded.then_some(jl.lesson.id);
            let place = format!(
                "{} {} lesson of {}",
                ctx.class.name,
                ctx.subject.name,
                jl.lesson.date.format("%d.%m.%Y")
            );
            let (l, ids) = db.write(|tx| {
                // A topic or homework someone else wrote is not replaced
                // unseen.
                if let Some(id) = recorded {
                    use rusqlite::OptionalExtension;
                    let expect = if overwrite {
                        crate::service::expect::Expect::Anything
                    } else {
                        crate::service::expect::Expect::Empty
                    };
                    let (topic_now, homework_now): (Option<String>, Option<String>) = tx
                        .query_row(
                            "SELECT topic, homework FROM lesson WHERE id = ?1",
                            [id],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()?
                        .unwrap_or_default();
                    let last = store::audit::last_change(
                        tx,
                        "lesson",
                        &serde_json::json!({ "id": id }).to_string(),
                    )?;
                    let last = last.as_ref().map(|e| (e.operator.as_str(), e.at.as_str()));
                    if let Some(t) = &edit.topic {
                        let now = topic_now.unwrap_or_default();
                        expect.check_overwrite_only(
                            &format!("the topic of {place}"),
                            (&now, t),
                            operator,
                            last,
                        )?;
                    }
                    if let Some((_, Some(h))) = &edit.homework {
                        let now = homework_now.unwrap_or_default();
                        expect.check_overwrite_only(
                            &format!("the homework of {place}"),
                            (&now, h),
                            operator,
                            last,
                        )?;
                    }
                }
                svc::set_lesson(tx, operator, reference, &edit)
            })?;
            outln!(
                "{} {} {} lesson {}: topic «{}», homework «{}»{} ({} change{} recorded)",
                ctx.class.name,
                ctx.subject.name,
                l.date.format("%d.%m.%Y"),
                l.lesson_no,
                l.topic.as_deref().unwrap_or(""),
                l.homework_display(),
                if l.mode == LessonMode::Online {
                    ", online"
                } else {
                    ""
                },
                ids.len(),
                if ids.len() == 1 { "" } else { "s" }
            );
            Ok(exit::OK)
        }
        JournalCommand::ImportPlan { file } => {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => return refuse(format!("{}: {e}", file.display())),
            };
            let source = file.display().to_string();
            let done = db.write(|tx| svc::import_plan(tx, operator, &source, &text, today))?;
            let plans: Vec<String> = done.plans.iter().map(|(c, s)| format!("{c} {s}")).collect();
            outln!(
                "imported {} planned topics for {} ({} changes recorded)",
                done.topics,
                plans.join(", "),
                done.audit.len()
            );
            Ok(exit::OK)
        }
    }
}
