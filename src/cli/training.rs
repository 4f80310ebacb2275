//! `classbook training …`: the training plan's sessions, the roll call,
//! external training, the standing and its publication, headless. Every
//! command calls the same service functions as the Training tab.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::domain::SchoolYear;
use crate::domain::training::{ExternalTraining, Format, TrainingPlan};
use crate::service::training::{
    self as svc, Paperwork, Scope, SessionInput, Standing, credits_text, num,
};
use crate::store;

use super::exit;

/// The long help of `classbook help training`.
pub const ABOUT: &str = "Teacher in-service training: a plan of sessions per semester, the roll \
call (present, late, left early, official / personal / sick leave, absent without cause), \
external training and each teacher's standing: pass, or fail with the reason (3 or more \
unexcused absences in the year; fewer than 40 credits a year; both are settings). Official \
leave is never penalised: its sessions' credits are taken off the credits required. \
Sessions are chosen by id or by date; teachers by \"Фамилия Имя\" or a unique prefix. \
Dates are 2025-12-24, 24.12.2025 or 24.12.";

/// Output formats of the training commands.
/// What `training add-record` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordKindArg {
    StudyNotes,
    OpenLesson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// List the sessions of a semester's plan with their roll-call counts.
    Show {
        /// The semester (1 or 2) of the current school year (default: the
        /// one the working date is in).
        #[arg(long, value_name = "SEMESTER")]
        plan: Option<u8>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Set a teacher's status at a session (the roll call), with paperwork.
    Set {
        /// Session id, or its date when that day has one session.
        #[arg(long)]
        session: String,
        /// "Фамилия Имя" (or the full name, or a unique prefix).
        #[arg(long)]
        teacher: String,
        /// present, late, left_early, official_leave, personal_leave,
        /// sick_leave, absent (or the status's key letter).
        #[arg(long)]
        status: String,
        /// Personal leave: who approved the written request.
        #[arg(long, value_name = "NAME")]
        approved_by: Option<String>,
        /// Sick leave: a medical certificate was given.
        #[arg(long, conflicts_with = "no_certificate")]
        certificate: bool,
        /// Sick leave: no certificate was given (an emergency).
        #[arg(long)]
        no_certificate: bool,
        /// Official leave: the date the content was made up.
        #[arg(long, value_name = "DATE")]
        made_up: Option<String>,
    },
    /// Mark every teacher without an entry at a session as present.
    MarkAllPresent {
        #[arg(long)]
        session: String,
    },
    /// Each teacher's standing: sessions, late, left early, leave, unexcused,
    /// credits (school and external), pass or fail and why. Exit 0.
    Standing {
        /// One semester of the current school year.
        #[arg(long, conflicts_with = "year")]
        semester: Option<u8>,
        /// The whole school year (the default).
        #[arg(long)]
        year: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Add a session to a semester's plan.
    AddSession(SessionArgs),
    /// Change a session's fields (those given).
    EditSession {
        #[arg(long)]
        session: String,
        #[command(flatten)]
        fields: SessionFields,
        /// Change a session someone else saved last (without it: exit 7).
        #[arg(long)]
        overwrite: bool,
    },
    /// Delete a session (only one without a roll call).
    DeleteSession {
        #[arg(long)]
        session: String,
    },
    /// Copy a session to the same weekday of the following weeks
    /// (holidays skipped).
    CopyWeekly {
        #[arg(long)]
        session: String,
        #[arg(long)]
        weeks: u32,
    },
    /// Register external training (a course with a certificate).
    AddExternal {
        #[arg(long)]
        teacher: String,
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long)]
        provider: String,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long)]
        hours: f64,
        #[arg(long)]
        credits: f64,
        #[arg(long, default_value = "")]
        certificate_no: String,
    },
    /// Record a teacher's study notes (characters written, seed 004: at
    /// least 5,000 a semester) or an open lesson (one a year), in the
    /// semester whose plan covers the date.
    AddRecord {
        #[arg(long)]
        teacher: String,
        #[arg(long, value_enum)]
        kind: RecordKindArg,
        #[arg(long, value_name = "DATE")]
        date: String,
        /// Characters of study notes; open lessons (default 1).
        #[arg(long)]
        amount: Option<i64>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List the external training of the current school year (by the date
    /// it ended), optionally of one teacher.
    External {
        #[arg(long)]
        teacher: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutFormat,
    },
    /// Change an external course's fields (those given).
    EditExternal {
        /// The id `classbook training external` shows.
        #[arg(long)]
        id: crate::domain::Id,
        /// Change a record someone else saved last (without it: exit 7).
        #[arg(long)]
        overwrite: bool,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[arg(long)]
        provider: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        hours: Option<f64>,
        #[arg(long)]
        credits: Option<f64>,
        #[arg(long)]
        certificate_no: Option<String>,
    },
    /// Publish a semester's standing: a frozen, dated snapshot.
    Publish {
        #[arg(long)]
        semester: u8,
    },
}

#[derive(Debug, Args)]
pub struct SessionArgs {
    /// The semester (1 or 2) whose plan gets the session (default: the one
    /// containing the date).
    #[arg(long, value_name = "SEMESTER")]
    pub plan: Option<u8>,
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// 15:30
    #[arg(long)]
    pub start: String,
    /// 16:30
    #[arg(long)]
    pub end: String,
    /// Academic hours (default: end − start).
    #[arg(long)]
    pub hours: Option<f64>,
    #[arg(long)]
    pub topic: String,
    /// lecture, lesson_observation, reflection, demonstration_lesson,
    /// mentoring, study_group, external_course.
    #[arg(long, default_value = "lecture")]
    pub format: String,
    /// A staff member's name, or any text (an outside presenter).
    #[arg(long, default_value = "")]
    pub presenter: String,
    #[arg(long, default_value = "")]
    pub place: String,
    /// Credits (default: one per hour).
    #[arg(long)]
    pub credits: Option<f64>,
}

#[derive(Debug, Args)]
pub struct SessionFields {
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    #[arg(long)]
    pub hours: Option<f64>,
    #[arg(long)]
    pub topic: Option<String>,
    #[arg(long)]
    pub format: Option<String>,
    #[arg(long)]
    pub presenter: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub credits: Option<f64>,
}

/// A date of the command line; DD.MM is in the school year starting `start`.
fn date(s: &str, what: &str, start: NaiveDate) -> anyhow::Result<NaiveDate> {
    Ok(super::input::parse_date(what, s, start)?)
}

fn time(s: &str, what: &str) -> anyhow::Result<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .with_context(|| format!("{what} «{s}»: not a time (15:30)"))
}

fn session_format(s: &str) -> anyhow::Result<Format> {
    let k = s.trim().to_lowercase().replace([' ', '-'], "_");
    Format::parse(&k).with_context(|| {
        let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        format!("format «{s}»: unknown (formats: {})", all.join(", "))
    })
}

/// The presenter field: a staff member by name, else outside text.
fn presenter(
    conn: &rusqlite::Connection,
    s: &str,
) -> anyhow::Result<(Option<crate::domain::Id>, String)> {
    if s.trim().is_empty() {
        return Ok((None, String::new()));
    }
    Ok(match svc::find_teacher(conn, s) {
        Ok(t) => (Some(t.id), String::new()),
        Err(_) => (None, s.trim().to_string()),
    })
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn current_year(conn: &rusqlite::Connection) -> anyhow::Result<(SchoolYear, NaiveDate)> {
    let working = store::school::working_date(conn, today())?;
    let year =
        store::school::current_year(conn, working)?.context("the database has no school year")?;
    Ok((year, working))
}

fn pick_plan(
    conn: &rusqlite::Connection,
    year: &SchoolYear,
    working: NaiveDate,
    semester: Option<u8>,
) -> anyhow::Result<TrainingPlan> {
    let plans = store::training::plans(conn, year.id)?;
    match semester {
        Some(n) => plans
            .into_iter()
            .find(|p| p.semester == n)
            .with_context(|| {
                format!(
                    "school year {} has no training plan for semester {n}",
                    year.label
                )
            }),
        None => {
            let i = plans
                .iter()
                .rposition(|p| p.starts_on <= working)
                .unwrap_or(0);
            plans
                .into_iter()
                .nth(i)
                .with_context(|| format!("school year {} has no training plan", year.label))
        }
    }
}

fn csv_line(fields: &[String]) -> anyhow::Result<String> {
    let mut w = crate::service::csv_safe::SafeCsv::new(vec![]);
    w.write_record(fields)?;
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// Run `classbook training …` on the database at `path`.
pub fn run(path: &Path, operator: &str, cmd: TrainingCommand) -> anyhow::Result<u8> {
    let mut db = store::open(path, &crate::cli::open_options())?;
    let (year, working) = current_year(db.conn())?;
    match cmd {
        TrainingCommand::Show { plan, format } => {
            let plan = pick_plan(db.conn(), &year, working, plan)?;
            let view = svc::load(db.conn(), &plan)?;
            out!("{}", show(&view, format)?);
        }
        TrainingCommand::Standing {
            semester,
            year: _,
            format,
        } => {
            let scope = semester.map_or(Scope::Year, Scope::Semester);
            let settings = store::settings::load(db.conn())?;
            let rows = svc::standing(db.conn(), &year, scope, &settings)?;
            let published = match scope {
                Scope::Semester(n) => {
                    let plan = pick_plan(db.conn(), &year, working, Some(n))?;
                    svc::latest_publication(db.conn(), plan.id)?
                }
                Scope::Year => None,
            };
            out!(
                "{}",
                standing(&year, scope, &rows, published.as_ref(), format)?
            );
        }
        TrainingCommand::Set {
            session,
            teacher,
            status,
            approved_by,
            certificate,
            no_certificate,
            made_up,
        } => {
            let conn = db.conn();
            let s = svc::find_session(conn, &year, &session)?;
            let t = svc::find_teacher(conn, &teacher)?;
            let st = svc::find_status(conn, &status)?;
            let paperwork = Paperwork {
                approved_by_id: match &approved_by {
                    Some(a) => Some(svc::find_teacher(conn, a)?.id),
                    None => None,
                },
                certificate: if certificate {
                    Some(true)
                } else if no_certificate {
                    Some(false)
                } else {
                    None
                },
                made_up_on: made_up
                    .as_deref()
                    .map(|m| date(m, "--made-up", year.starts_on))
                    .transpose()?,
            };
            let ids = db.write(|tx| {
                svc::set_attendance(tx, operator, s.id, t.id, &st.code, &paperwork, today())
            })?;
            outln!(
                "{} {}: {} at the session of {} «{}»{}",
                if ids.is_empty() { "unchanged" } else { "set" },
                t.full_name(),
                st.code,
                s.date.format("%d.%m.%Y"),
                s.topic,
                if ids.is_empty() {
                    ""
                } else {
                    " (audited; undo from the Training tab)"
                }
            );
        }
        TrainingCommand::MarkAllPresent { session } => {
            let s = svc::find_session(db.conn(), &year, &session)?;
            let (n, _) = db.write(|tx| svc::mark_all_present(tx, operator, s.id, today()))?;
            outln!(
                "marked {n} teachers present at the session of {}",
                s.date.format("%d.%m.%Y")
            );
        }
        TrainingCommand::AddSession(a) => {
            let conn = db.conn();
            let d = date(&a.date, "--date", year.starts_on)?;
            let plan = match a.plan {
                Some(n) => pick_plan(conn, &year, working, Some(n))?,
                // The plan containing the date; else the current one, whose
                // check then says what is wrong with the date.
                None => match store::training::plans(conn, year.id)?
                    .into_iter()
                    .find(|p| p.starts_on <= d && d <= p.ends_on)
                {
                    Some(p) => p,
                    None => pick_plan(conn, &year, working, None)?,
                },
            };
            let (presenter_id, presenter_text) = presenter(conn, &a.presenter)?;
            let input = SessionInput {
                date: d,
                starts_at: time(&a.start, "--start")?,
                ends_at: time(&a.end, "--end")?,
                hours: a.hours,
                topic: a.topic.clone(),
                format: session_format(&a.format)?,
                presenter_id,
                presenter: presenter_text,
                place: a.place.clone(),
                credits: a.credits,
            };
            let (id, _) = db.write(|tx| svc::create_session(tx, operator, plan.id, &input))?;
            outln!(
                "added session {id} on {} to semester {}",
                d.format("%d.%m.%Y"),
                plan.semester
            );
        }
        TrainingCommand::EditSession {
            session,
            fields,
            overwrite,
        } => {
            // Parse what was given first; then read the session and write
            // it back in one IMMEDIATE transaction, so a concurrent edit of
            // another field is not undone by a stale copy.
            let conn = db.conn();
            let date_v = fields
                .date
                .as_deref()
                .map(|v| date(v, "--date", year.starts_on))
                .transpose()?;
            let start_v = fields
                .start
                .as_deref()
                .map(|v| time(v, "--start"))
                .transpose()?;
            let end_v = fields
                .end
                .as_deref()
                .map(|v| time(v, "--end"))
                .transpose()?;
            let format_v = fields.format.as_deref().map(session_format).transpose()?;
            let presenter_v = fields
                .presenter
                .as_deref()
                .map(|v| presenter(conn, v))
                .transpose()?;
            let (id, ids) = db.write(|tx| -> anyhow::Result<_> {
                let s = svc::find_session(tx, &year, &session)?;
                crate::service::expect::guard_row(
                    tx,
                    operator,
                    overwrite,
                    ("training_session", serde_json::json!({ "id": s.id })),
                    &format!("the session of {}", s.date.format("%d.%m.%Y")),
                )?;
                let mut input = SessionInput::of(&s);
                if let Some(v) = date_v {
                    input.date = v;
                }
                if let Some(v) = start_v {
                    input.starts_at = v;
                }
                if let Some(v) = end_v {
                    input.ends_at = v;
                }
                if let Some(v) = fields.hours {
                    input.hours = Some(v);
                }
                if let Some(v) = &fields.topic {
                    input.topic = v.clone();
                }
                if let Some(v) = format_v {
                    input.format = v;
                }
                if let Some(v) = presenter_v.clone() {
                    (input.presenter_id, input.presenter) = v;
                }
                if let Some(v) = &fields.place {
                    input.place = v.clone();
                }
                if let Some(v) = fields.credits {
                    input.credits = Some(v);
                }
                Ok((
                    s.id,
                    svc::update_session(tx, operator, s.id, &input, today())?,
                ))
            })?;
            outln!(
                "{} session {}",
                if ids.is_empty() {
                    "unchanged"
                } else {
                    "changed"
                },
                id
            );
        }
        TrainingCommand::DeleteSession { session } => {
            let s = svc::find_session(db.conn(), &year, &session)?;
            db.write(|tx| svc::delete_session(tx, operator, s.id))?;
            outln!(
                "deleted session {} of {} «{}»",
                s.id,
                s.date.format("%d.%m.%Y"),
                s.topic
            );
        }
        TrainingCommand::CopyWeekly { session, weeks } => {
            let s = svc::find_session(db.conn(), &year, &session)?;
            let ((made, skipped), _) =
                db.write(|tx| svc::copy_weekly(tx, operator, s.id, weeks))?;
            let mut line = format!("copied session {} to {} weeks", s.id, made.len());
            if !skipped.is_empty() {
                let days: Vec<String> = skipped
                    .iter()
                    .map(|d| d.format("%d.%m.%Y").to_string())
                    .collect();
                let _ = write!(line, "; skipped holidays {}", days.join(", "));
            }
            outln!("{line}");
        }
        TrainingCommand::AddExternal {
            teacher,
            from,
            to,
            provider,
            title,
            hours,
            credits,
            certificate_no,
        } => {
            let t = svc::find_teacher(db.conn(), &teacher)?;
            let e = ExternalTraining {
                id: 0,
                staff_id: t.id,
                starts_on: date(&from, "--from", year.starts_on)?,
                ends_on: date(&to, "--to", year.starts_on)?,
                provider,
                title,
                hours,
                credits,
                certificate_no,
            };
            let (id, _) = db.write(|tx| svc::save_external(tx, operator, &e))?;
            outln!(
                "registered external training {id} for {}: {} credits",
                t.full_name(),
                num(e.credits)
            );
        }
        TrainingCommand::AddRecord {
            teacher,
            kind,
            date: on,
            amount,
            note,
        } => {
            let t = svc::find_teacher(db.conn(), &teacher)?;
            let (kind, amount) = match (kind, amount) {
                (RecordKindArg::StudyNotes, Some(n)) => (svc::RecordKind::StudyNotes, n),
                (RecordKindArg::StudyNotes, None) => {
                    return Err(crate::store::invalid(
                        "--kind study-notes needs --amount (characters written)",
                    )
                    .into());
                }
                (RecordKindArg::OpenLesson, n) => (svc::RecordKind::OpenLesson, n.unwrap_or(1)),
            };
            let on = date(&on, "--date", year.starts_on)?;
            let (id, _) =
                db.write(|tx| svc::add_record(tx, operator, t.id, kind, on, amount, &note))?;
            outln!(
                "recorded {} for {} on {} (record {id})",
                match kind {
                    svc::RecordKind::StudyNotes if amount == 1 => {
                        "1 character of study notes".to_string()
                    }
                    svc::RecordKind::StudyNotes => format!("{amount} characters of study notes"),
                    svc::RecordKind::OpenLesson if amount == 1 => "an open lesson".to_string(),
                    svc::RecordKind::OpenLesson => format!("{amount} open lessons"),
                },
                t.full_name(),
                on.format("%d.%m.%Y")
            );
        }
        TrainingCommand::External { teacher, format } => {
            let conn = db.conn();
            let only = teacher
                .as_deref()
                .map(|t| svc::find_teacher(conn, t))
                .transpose()?;
            let names: std::collections::HashMap<crate::domain::Id, String> =
                store::people::staff(conn)?
                    .into_iter()
                    .map(|s| (s.id, s.full_name()))
                    .collect();
            let list: Vec<ExternalTraining> =
                store::training::external_between(conn, year.starts_on, year.ends_on)?
                    .into_iter()
                    .filter(|e| only.as_ref().is_none_or(|t| t.id == e.staff_id))
                    .collect();
            out!("{}", external_list(&list, &names, format)?);
        }
        TrainingCommand::EditExternal {
            id,
            overwrite,
            from,
            to,
            provider,
            title,
            hours,
            credits,
            certificate_no,
        } => {
            // Parse first; read and write back in one IMMEDIATE transaction
            // (a concurrent edit of another field is not lost).
            let from_v = from
                .as_deref()
                .map(|v| date(v, "--from", year.starts_on))
                .transpose()?;
            let to_v = to
                .as_deref()
                .map(|v| date(v, "--to", year.starts_on))
                .transpose()?;
            let (_, ids) = db.write(|tx| -> anyhow::Result<_> {
                let mut e = store::training::external_by_id(tx, id)?
                    .with_context(|| format!("--id {id}: no external training {id}"))?;
                crate::service::expect::guard_row(
                    tx,
                    operator,
                    overwrite,
                    ("external_training", serde_json::json!({ "id": id })),
                    &format!("external training {id}"),
                )?;
                if let Some(v) = from_v {
                    e.starts_on = v;
                }
                if let Some(v) = to_v {
                    e.ends_on = v;
                }
                if let Some(v) = provider {
                    e.provider = v;
                }
                if let Some(v) = title {
                    e.title = v;
                }
                if let Some(v) = hours {
                    e.hours = v;
                }
                if let Some(v) = credits {
                    e.credits = v;
                }
                if let Some(v) = certificate_no {
                    e.certificate_no = v;
                }
                Ok(svc::save_external(tx, operator, &e)?)
            })?;
            outln!(
                "{} external training {id}",
                if ids.is_empty() {
                    "unchanged"
                } else {
                    "changed"
                }
            );
        }
        TrainingCommand::Publish { semester } => {
            let (p, _) = db.write(|tx| svc::publish(tx, operator, &year, semester, today()))?;
            let failing = p.standing.iter().filter(|s| !s.pass).count();
            outln!(
                "published semester {semester} of {} as of {}: {} teachers, {failing} failing",
                year.label,
                p.as_of.format("%d.%m.%Y"),
                p.standing.len()
            );
        }
    }
    Ok(exit::OK)
}

fn show(view: &svc::PlanView, format: OutFormat) -> anyhow::Result<String> {
    let mut out = String::new();
    match format {
        OutFormat::Json => {
            let sessions: Vec<Value> = view
                .sessions
                .iter()
                .map(|r| {
                    let s = &r.session;
                    json!({
                        "id": s.id,
                        "date": s.date,
                        "start": s.starts_at.format("%H:%M").to_string(),
                        "end": s.ends_at.format("%H:%M").to_string(),
                        "hours": s.hours,
                        "topic": s.topic,
                        "format": s.format.as_str(),
                        "presenter": r.presenter,
                        "place": s.place,
                        "credits": s.credits,
                        "attended": r.present,
                        "on_roll": r.total,
                    })
                })
                .collect();
            let v = json!({
                "plan": {
                    "id": view.plan.id,
                    "semester": view.plan.semester,
                    "title": view.plan.title,
                    "starts_on": view.plan.starts_on,
                    "ends_on": view.plan.ends_on,
                },
                "sessions": sessions,
                "hours": view.hours,
                "credits": view.credits,
            });
            out.push_str(&serde_json::to_string_pretty(&v)?);
            out.push('\n');
        }
        OutFormat::Csv => {
            out.push_str(&csv_line(
                &[
                    "id",
                    "date",
                    "start",
                    "end",
                    "hours",
                    "format",
                    "topic",
                    "presenter",
                    "place",
                    "credits",
                    "attended",
                    "on_roll",
                ]
                .map(String::from),
            )?);
            for r in &view.sessions {
                let s = &r.session;
                out.push_str(&csv_line(&[
                    s.id.to_string(),
                    s.date.to_string(),
                    s.starts_at.format("%H:%M").to_string(),
                    s.ends_at.format("%H:%M").to_string(),
                    num(s.hours),
                    s.format.as_str().to_string(),
                    s.topic.clone(),
                    r.presenter.clone(),
                    s.place.clone(),
                    num(s.credits),
                    r.present.to_string(),
                    r.total.to_string(),
                ])?);
            }
        }
        OutFormat::Text => {
            let _ = writeln!(
                out,
                "{} (semester {}, {} – {}): {} sessions, {} hours, {} credits",
                view.plan.title,
                view.plan.semester,
                view.plan.starts_on.format("%d.%m.%Y"),
                view.plan.ends_on.format("%d.%m.%Y"),
                view.sessions.len(),
                num(view.hours),
                num(view.credits)
            );
            for r in &view.sessions {
                let s = &r.session;
                let _ = writeln!(
                    out,
                    "{:>4}  {}  {}–{}  {:>4} h  {:>4} cr  {:<20}  {}  [{}]  {}/{}",
                    s.id,
                    s.date.format("%d.%m.%Y"),
                    s.starts_at.format("%H:%M"),
                    s.ends_at.format("%H:%M"),
                    num(s.hours),
                    num(s.credits),
                    s.format.label(),
                    s.topic,
                    r.presenter,
                    r.present,
                    r.total
                );
            }
        }
    }
    Ok(out)
}

fn decimal(h: u32) -> Value {
    json!(f64::from(h) / 100.0)
}

fn standing(
    year: &SchoolYear,
    scope: Scope,
    rows: &[Standing],
    published: Option<&svc::Publication>,
    format: OutFormat,
) -> anyhow::Result<String> {
    let diffs = published.map(|p| svc::differences(&p.standing, rows));
    let mut out = String::new();
    match format {
        OutFormat::Json => {
            let teachers: Vec<Value> = rows
                .iter()
                .map(|s| {
                    json!({
                        "staff_id": s.staff_id,
                        "name": s.name,
                        "sessions": s.sessions,
                        "attended": s.attended,
                        "present": s.present,
                        "late": s.late,
                        "left_early": s.left_early,
                        "official_leave": s.official_leave,
                        "personal_leave": s.personal_leave,
                        "sick_leave": s.sick_leave,
                        "unexcused": s.unexcused,
                        "credits_school": decimal(s.credits_school),
                        "credits_external": decimal(s.credits_external),
                        "credits": decimal(s.credits),
                        "credits_excused": decimal(s.credits_excused),
                        "verdict_unexcused": s.verdict_unexcused,
                        "verdict_credits": decimal(s.verdict_credits),
                        "credits_required": decimal(s.required),
                        "pass": s.pass,
                        "verdict": if s.pass { "pass" } else { "fail" },
                        "reasons": s.reasons,
                        "study_notes_chars": s.study_notes,
                        "open_lessons": s.open_lessons,
                    })
                })
                .collect();
            let mut v = json!({
                "year": year.label,
                "scope": scope.to_string(),
                "teachers": teachers,
                "passing": rows.iter().filter(|s| s.pass).count(),
                "failing": rows.iter().filter(|s| !s.pass).count(),
            });
            if let (Some(p), Some(d)) = (published, &diffs) {
                v["published"] = json!({
                    "published_at": p.published_at,
                    "published_by": p.published_by,
                    "as_of": p.as_of,
                    "differences": d,
                });
            }
            out.push_str(&serde_json::to_string_pretty(&v)?);
            out.push('\n');
        }
        OutFormat::Csv => {
            out.push_str(&csv_line(
                &[
                    "staff_id",
                    "name",
                    "sessions",
                    "attended",
                    "present",
                    "late",
                    "left_early",
                    "official_leave",
                    "personal_leave",
                    "sick_leave",
                    "unexcused",
                    "credits_school",
                    "credits_external",
                    "credits",
                    "credits_required",
                    "verdict",
                    "reasons",
                    "study_notes_chars",
                    "open_lessons",
                ]
                .map(String::from),
            )?);
            for s in rows {
                out.push_str(&csv_line(&[
                    s.staff_id.to_string(),
                    s.name.clone(),
                    s.sessions.to_string(),
                    s.attended.to_string(),
                    s.present.to_string(),
                    s.late.to_string(),
                    s.left_early.to_string(),
                    s.official_leave.to_string(),
                    s.personal_leave.to_string(),
                    s.sick_leave.to_string(),
                    s.unexcused.to_string(),
                    credits_text(s.credits_school),
                    credits_text(s.credits_external),
                    credits_text(s.credits),
                    credits_text(s.required),
                    if s.pass { "pass" } else { "fail" }.to_string(),
                    s.reasons.join("; "),
                    s.study_notes.to_string(),
                    s.open_lessons.to_string(),
                ])?);
            }
        }
        OutFormat::Text => {
            let failing = rows.iter().filter(|s| !s.pass).count();
            let _ = writeln!(
                out,
                "Training standing, {} of {}: {} teachers, {} pass, {failing} fail{}",
                scope,
                year.label,
                rows.len(),
                rows.len() - failing,
                match scope {
                    Scope::Semester(_) => " (counts of the semester; verdict on the year so far)",
                    Scope::Year => "",
                }
            );
            let _ = writeln!(
                out,
                "{:<34} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>7} {:>7} {:>7}  verdict",
                "teacher",
                "sess",
                "att",
                "late",
                "left",
                "off",
                "pers",
                "sick",
                "unex",
                "school",
                "extern",
                "total"
            );
            for s in rows {
                let name = crate::ui::text::fit(&s.name, 34);
                let pad = 34usize.saturating_sub(crate::ui::text::width(&name));
                let _ = writeln!(
                    out,
                    "{name}{} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>4} {:>7} {:>7} {:>7}  {}",
                    " ".repeat(pad),
                    s.sessions,
                    s.attended,
                    s.late,
                    s.left_early,
                    s.official_leave,
                    s.personal_leave,
                    s.sick_leave,
                    s.unexcused,
                    credits_text(s.credits_school),
                    credits_text(s.credits_external),
                    credits_text(s.credits),
                    if s.pass {
                        "pass".to_string()
                    } else {
                        format!("FAIL: {}", s.reasons.join("; "))
                    }
                );
            }
            if let (Some(p), Some(d)) = (published, &diffs) {
                let _ = writeln!(
                    out,
                    "published {} by {} (as of {}); {}",
                    p.published_at,
                    p.published_by,
                    p.as_of.format("%d.%m.%Y"),
                    if d.is_empty() {
                        "no differences since".to_string()
                    } else {
                        if d.len() == 1 {
                            "1 teacher differs since:".to_string()
                        } else {
                            format!("{} teachers differ since:", d.len())
                        }
                    }
                );
                for x in d {
                    let _ = writeln!(out, "  {}: {}", x.name, x.changes.join(", "));
                }
            }
        }
    }
    if rows.is_empty() && format == OutFormat::Text {
        bail!("no teachers on the roll");
    }
    Ok(out)
}

fn external_list(
    list: &[ExternalTraining],
    names: &std::collections::HashMap<crate::domain::Id, String>,
    format: OutFormat,
) -> anyhow::Result<String> {
    let name = |id| names.get(&id).cloned().unwrap_or_default();
    let mut out = String::new();
    match format {
        OutFormat::Json => {
            let v: Vec<Value> = list
                .iter()
                .map(|e| {
                    json!({
                        "id": e.id,
                        "staff_id": e.staff_id,
                        "teacher": name(e.staff_id),
                        "from": e.starts_on,
                        "to": e.ends_on,
                        "provider": e.provider,
                        "title": e.title,
                        "hours": e.hours,
                        "credits": e.credits,
                        "certificate_no": e.certificate_no,
                    })
                })
                .collect();
            out.push_str(&serde_json::to_string_pretty(&v)?);
            out.push('\n');
        }
        OutFormat::Csv => {
            out.push_str(&csv_line(
                &[
                    "id",
                    "staff_id",
                    "teacher",
                    "from",
                    "to",
                    "provider",
                    "title",
                    "hours",
                    "credits",
                    "certificate_no",
                ]
                .map(String::from),
            )?);
            for e in list {
                out.push_str(&csv_line(&[
                    e.id.to_string(),
                    e.staff_id.to_string(),
                    name(e.staff_id),
                    e.starts_on.to_string(),
                    e.ends_on.to_string(),
                    e.provider.clone(),
                    e.title.clone(),
                    num(e.hours),
                    num(e.credits),
                    e.certificate_no.clone(),
                ])?);
            }
        }
        OutFormat::Text => {
            let _ = writeln!(out, "{} external courses", list.len());
            for e in list {
                let _ = writeln!(
                    out,
                    "{:>4}  {}  {} – {}  {:>4} h  {:>5} cr  {}  «{}»  {}",
                    e.id,
                    name(e.staff_id),
                    e.starts_on.format("%d.%m.%Y"),
                    e.ends_on.format("%d.%m.%Y"),
                    num(e.hours),
                    num(e.credits),
                    e.provider,
                    e.title,
                    e.certificate_no
                );
            }
        }
    }
    Ok(out)
}
