//! The training sessions of a semester's plan with their roll-call counts.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::Id;
use crate::domain::training::{StatusCategory, TrainingPlan, TrainingSession};
use crate::store::{self, Result};

/// A session and how many of the roll call attended it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    pub session: TrainingSession,
    /// Roll-call entries whose status counts as attended (present, late,
    /// left early).
    pub present: usize,
    /// Roll-call entries.
    pub total: usize,
    /// Who presents: the session's presenter text, else the staff member's
    /// short name.
    pub presenter: String,
}

/// A plan with its sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanView {
    pub plan: TrainingPlan,
    pub sessions: Vec<SessionRow>,
    pub hours: f64,
    pub credits: f64,
}

/// Load the sessions of `plan` with roll-call counts and totals.
pub fn load(conn: &store::Conn, plan: &TrainingPlan) -> Result<PlanView> {
    let attended: HashMap<String, bool> = store::training::statuses(conn)?
        .into_iter()
        .map(|s| (s.code, s.category == StatusCategory::Attended))
        .collect();
    let mut counts: HashMap<Id, (usize, usize)> = HashMap::new();
    for a in store::training::attendance_for_plan(conn, plan.id)? {
        let e = counts.entry(a.session_id).or_default();
        e.1 += 1;
        if attended.get(&a.status).copied().unwrap_or(false) {
            e.0 += 1;
        }
    }
    let staff: HashMap<Id, String> = store::people::staff(conn)?
        .into_iter()
        .map(|s| (s.id, s.short_name()))
        .collect();
    let sessions: Vec<SessionRow> = store::training::sessions(conn, plan.id)?
        .into_iter()
        .map(|session| {
            let (present, total) = counts.get(&session.id).copied().unwrap_or_default();
            let presenter = if session.presenter.is_empty() {
                session
                    .presenter_id
                    .and_then(|id| staff.get(&id).cloned())
                    .unwrap_or_default()
            } else {
                session.presenter.clone()
            };
            SessionRow {
                session,
                present,
                total,
                presenter,
            }
        })
        .collect();
    let hours = sessions.iter().map(|s| s.session.hours).sum();
    let credits = sessions.iter().map(|s| s.session.credits).sum();
    Ok(PlanView {
        plan: plan.clone(),
        sessions,
        hours,
        credits,
    })
}

// ---------------------------------------------------------------------------
// Standing, sessions, roll call, external training and publication.
// ---------------------------------------------------------------------------

use std::collections::{BTreeMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveTime};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::domain::settings::Settings;
use crate::domain::text::nfc;
use crate::domain::training::{
    CreditsProgress, ExternalTraining, FailReason, Format, Requirement, TrainingAttendance,
    TrainingStatus, counted_category, credits_hundredths, unapproved, verdict,
};
use crate::domain::{Role, SchoolYear, Staff};
use crate::store::invalid;

/// What a standing covers: one semester's plan, or the whole school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Semester(u8),
    Year,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Semester(n) => write!(f, "semester {n}"),
            Scope::Year => f.write_str("year"),
        }
    }
}

/// One teacher's standing for a semester or the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub staff_id: Id,
    pub name: String,
    /// Sessions of the period with a roll-call entry for the teacher.
    pub sessions: u32,
    /// Entries whose status counts as attended (present, late, left early).
    pub attended: u32,
    pub present: u32,
    pub late: u32,
    pub left_early: u32,
    pub official_leave: u32,
    /// Personal leave with its written request approved (excused).
    pub personal_leave: u32,
    pub sick_leave: u32,
    /// Absences without cause: statuses of category "unexcused", and
    /// personal leave not approved.
    pub unexcused: u32,
    /// Personal leave without an approval: counted in `unexcused`.
    #[serde(default)]
    pub personal_leave_unapproved: u32,
    /// Credits from school sessions attended, in hundredths.
    pub credits_school: u32,
    /// Credits from external training ending in the period, in hundredths.
    pub credits_external: u32,
    /// School and external credits, in hundredths.
    pub credits: u32,
    /// Credits of sessions missed on official leave: never penalised, so
    /// they are taken off the credits required.
    pub credits_excused: u32,
    /// Unexcused absences the verdict counts: the year so far (to the end
    /// of the semester for a semester standing).
    pub verdict_unexcused: u32,
    /// Credits the verdict counts (the year so far), in hundredths.
    pub verdict_credits: u32,
    /// Credits required: the yearly minimum less the official-leave credits
    /// of the year so far, in hundredths.
    pub required: u32,
    /// No fail so far: fewer unexcused absences than the limit, and the
    /// credits minimum earned or the year not over yet.
    pub pass: bool,
    /// Why the teacher fails (empty when passing).
    pub reasons: Vec<String>,
    /// What the elapsed share of the year requires by the standing's date
    /// (the whole `required` once the year is over), in hundredths.
    #[serde(default)]
    pub credits_expected: u32,
    /// How far the credits are behind `credits_expected` while the year is
    /// not over (0: on track or met), in hundredths.
    #[serde(default)]
    pub credits_behind: u32,
    /// The credits minimum before the year is over: "on track" or "behind by
    /// 4.50 credits"; empty when it is met or the year is over (a shortfall
    /// then is a fail reason).
    #[serde(default)]
    pub credits_progress: String,
    /// Study notes written in the period, characters (shown, not judged).
    #[serde(default)]
    pub study_notes: u32,
    /// Open lessons given in the period (shown, not judged).
    #[serde(default)]
    pub open_lessons: u32,
}

impl Standing {
    /// The verdict in words: "FAIL: …" with the reasons, else "behind by
    /// 4.5 credits" or "on track" while the year is not over, else "pass".
    pub fn verdict_text(&self) -> String {
        if !self.pass {
            format!("FAIL: {}", self.reasons.join("; "))
        } else if !self.credits_progress.is_empty() {
            self.credits_progress.clone()
        } else {
            "pass".to_string()
        }
    }

    /// The verdict in a word: "FAIL", "behind", "on track" or "pass".
    pub fn verdict_word(&self) -> &'static str {
        if !self.pass {
            "FAIL"
        } else if self.credits_behind > 0 {
            "behind"
        } else if !self.credits_progress.is_empty() {
            "on track"
        } else {
            "pass"
        }
    }
}

/// Hours or credits as "1.5", "2" when whole, "1.25" when needed.
pub fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Credits in hundredths as "39.50".
pub fn credits_text(h: u32) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

/// Credits in hundredths as "39.5" or "40", for tight columns.
pub fn credits_short(h: u32) -> String {
    if h.is_multiple_of(100) {
        format!("{}", h / 100)
    } else if h.is_multiple_of(10) {
        format!("{}.{}", h / 100, (h % 100) / 10)
    } else {
        credits_text(h)
    }
}

#[derive(Debug, Default, Clone)]
struct Tally {
    sessions: u32,
    by_status: BTreeMap<String, u32>,
    attended: u32,
    unexcused: u32,
    unapproved: u32,
    school: u32,
    external: u32,
    excused_credits: u32,
    study_notes: u32,
    open_lessons: u32,
}

/// The plans of the year (semester order).
fn year_plans(conn: &Connection, year: &SchoolYear) -> Result<Vec<TrainingPlan>> {
    store::training::plans(conn, year.id)
}

/// The date range whose external training a semester counts: from the day
/// after the previous plan ends (or the year's start) to the plan's end (or
/// the year's end for the last plan), so every course counts in exactly one
/// semester, by the date it ended.
fn external_range(
    plans: &[TrainingPlan],
    year: &SchoolYear,
    semester: u8,
) -> (NaiveDate, NaiveDate) {
    let idx = plans.iter().position(|p| p.semester == semester);
    let Some(i) = idx else {
        return (year.starts_on, year.ends_on);
    };
    let from = if i == 0 {
        year.starts_on
    } else {
        plans[i - 1].ends_on + Duration::days(1)
    };
    let to = if i + 1 == plans.len() {
        year.ends_on
    } else {
        plans[i].ends_on
    };
    (from.min(plans[i].starts_on), to.max(plans[i].ends_on))
}

fn tally(
    conn: &Connection,
    plans: &[&TrainingPlan],
    statuses: &[TrainingStatus],
    external: (NaiveDate, NaiveDate),
) -> Result<BTreeMap<Id, Tally>> {
    let by_code: HashMap<&str, &TrainingStatus> =
        statuses.iter().map(|s| (s.code.as_str(), s)).collect();
    let mut out: BTreeMap<Id, Tally> = BTreeMap::new();
    for plan in plans {
        let credits: HashMap<Id, u32> = store::training::sessions(conn, plan.id)?
            .into_iter()
            .map(|s| (s.id, credits_hundredths(s.credits)))
            .collect();
        for a in store::training::attendance_for_plan(conn, plan.id)? {
            let t = out.entry(a.staff_id).or_default();
            let c = credits.get(&a.session_id).copied().unwrap_or(0);
            t.sessions += 1;
            let Some(s) = by_code.get(a.status.as_str()) else {
                *t.by_status.entry(a.status.clone()).or_default() += 1;
                continue;
            };
            if unapproved(s, &a) {
                t.unapproved += 1;
            } else {
                *t.by_status.entry(a.status.clone()).or_default() += 1;
            }
            {
                match counted_category(s, &a) {
                    StatusCategory::Attended => t.attended += 1,
                    StatusCategory::Unexcused => t.unexcused += 1,
                    StatusCategory::Excused => {}
                }
                if s.earns_credit {
                    t.school += c;
                } else if s.requires == Requirement::MakeUp {
                    // Official leave: never penalised.
                    t.excused_credits += c;
                }
            }
        }
    }
    for plan in plans {
        for (staff, kind, amount) in store::training::record_totals(conn, plan.id)? {
            let t = out.entry(staff).or_default();
            let amount = u32::try_from(amount).unwrap_or(0);
            match kind.as_str() {
                "study_notes" => t.study_notes += amount,
                "open_lesson" => t.open_lessons += amount,
                _ => {}
            }
        }
    }
    // One certificate is one course: a course registered twice under the
    // same certificate number counts once (with its larger credits).
    let mut by_certificate: HashMap<(Id, String), u32> = HashMap::new();
    for e in store::training::external_between(conn, external.0, external.1)? {
        let c = credits_hundredths(e.credits);
        let cert = nfc(&e.certificate_no).to_lowercase();
        if cert.is_empty() {
            out.entry(e.staff_id).or_default().external += c;
        } else {
            let best = by_certificate.entry((e.staff_id, cert)).or_default();
            *best = (*best).max(c);
        }
    }
    for ((staff, _), c) in by_certificate {
        out.entry(staff).or_default().external += c;
    }
    Ok(out)
}

/// Who is on the roll: active staff who teach, by name.
pub fn trainees(conn: &Connection) -> Result<Vec<Staff>> {
    Ok(store::people::staff(conn)?
        .into_iter()
        .filter(|s| s.active && s.roles.contains(&Role::Teacher))
        .collect())
}

/// The standing of every teacher for `scope` of `year`, judged by
/// `settings` on the working date (the school's as-of date, else today).
/// `classbook training standing` calls this; see [`standing_on`].
pub fn standing(
    conn: &Connection,
    year: &SchoolYear,
    scope: Scope,
    settings: &Settings,
) -> Result<Vec<Standing>> {
    let on = store::school::working_date(conn, chrono::Local::now().date_naive())?;
    standing_on(conn, year, scope, settings, on)
}

/// The standing of every teacher for `scope` of `year`, judged by
/// `settings` on the date `on` with [`verdict`], the one verdict the
/// Training tab, `classbook training standing` and the review's
/// `training.fail` share. The credits minimum fails only once the year is
/// over; before, it reads "on track" or "behind by N credits".
pub fn standing_on(
    conn: &Connection,
    year: &SchoolYear,
    scope: Scope,
    settings: &Settings,
    on: NaiveDate,
) -> Result<Vec<Standing>> {
    let plans = year_plans(conn, year)?;
    let statuses = store::training::statuses(conn)?;
    let (period, ytd, counted_to) = match scope {
        Scope::Year => {
            let all: Vec<&TrainingPlan> = plans.iter().collect();
            let t = tally(conn, &all, &statuses, (year.starts_on, year.ends_on))?;
            (t.clone(), t, year.ends_on)
        }
        Scope::Semester(n) => {
            let Some(plan) = plans.iter().find(|p| p.semester == n) else {
                return Err(invalid(format!(
                    "school year {} has no training plan for semester {n}",
                    year.label
                )));
            };
            let range = external_range(&plans, year, n);
            let sem = tally(conn, &[plan], &statuses, range)?;
            let so_far: Vec<&TrainingPlan> = plans.iter().filter(|p| p.semester <= n).collect();
            let ytd = tally(conn, &so_far, &statuses, (year.starts_on, range.1))?;
            (sem, ytd, range.1)
        }
    };
    let staff = store::people::staff(conn)?;
    let mut out = vec![];
    for s in &staff {
        let teaches = s.active && s.roles.contains(&Role::Teacher);
        if !teaches && !period.contains_key(&s.id) {
            continue;
        }
        let t = period.get(&s.id).cloned().unwrap_or_default();
        let y = ytd.get(&s.id).cloned().unwrap_or_default();
        let count = |code: &str| t.by_status.get(code).copied().unwrap_or(0);
        let verdict_credits = y.school + y.external;
        let required = settings
            .training_min_credits_year
            .saturating_sub(y.excused_credits);
        let v = verdict(
            y.unexcused,
            verdict_credits,
            required,
            (year.starts_on, year.ends_on),
            counted_to,
            on,
            settings,
        );
        let reasons = &v.fails;
        let (credits_expected, credits_behind, credits_progress) = match v.credits {
            CreditsProgress::Met | CreditsProgress::Short => (required, 0, String::new()),
            CreditsProgress::OnTrack { expected } => (expected, 0, "on track".to_string()),
            CreditsProgress::Behind { by, expected } => (
                expected,
                by,
                format!("behind by {} credits", credits_short(by)),
            ),
        };
        out.push(Standing {
            staff_id: s.id,
            name: s.full_name(),
            sessions: t.sessions,
            attended: t.attended,
            present: count("present"),
            late: count("late"),
            left_early: count("left_early"),
            official_leave: count("official_leave"),
            personal_leave: count("personal_leave"),
            sick_leave: count("sick_leave"),
            unexcused: t.unexcused,
            personal_leave_unapproved: t.unapproved,
            credits_school: t.school,
            credits_external: t.external,
            credits: t.school + t.external,
            credits_excused: t.excused_credits,
            verdict_unexcused: y.unexcused,
            verdict_credits,
            required,
            pass: reasons.is_empty(),
            reasons: reasons
                .iter()
                .map(|r| match r {
                    FailReason::TooFewCredits { .. } if y.excused_credits > 0 => format!(
                        "{r} ({} less {} on official leave)",
                        credits_text(settings.training_min_credits_year),
                        credits_text(y.excused_credits)
                    ),
                    FailReason::UnexcusedAbsences { .. } if y.unapproved > 0 => {
                        format!("{r}; {} of them personal leave, not approved", y.unapproved)
                    }
                    _ => r.to_string(),
                })
                .collect(),
            credits_expected,
            credits_behind,
            credits_progress,
            study_notes: t.study_notes,
            open_lessons: t.open_lessons,
        });
    }
    Ok(out)
}

// --- sessions ---------------------------------------------------------------

/// What a session form or `classbook training add-session` gives.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInput {
    pub date: NaiveDate,
    pub starts_at: NaiveTime,
    pub ends_at: NaiveTime,
    /// Academic hours; `None`: the time between start and end.
    pub hours: Option<f64>,
    pub topic: String,
    pub format: Format,
    pub presenter_id: Option<Id>,
    pub presenter: String,
    pub place: String,
    /// `None`: one credit an hour.
    pub credits: Option<f64>,
}

impl SessionInput {
    /// The input that reproduces `s`.
    pub fn of(s: &TrainingSession) -> SessionInput {
        SessionInput {
            date: s.date,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            hours: Some(s.hours),
            topic: s.topic.clone(),
            format: s.format,
            presenter_id: s.presenter_id,
            presenter: s.presenter.clone(),
            place: s.place.clone(),
            credits: Some(s.credits),
        }
    }
}

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The plan with this id.
pub fn plan(conn: &Connection, plan_id: Id) -> Result<(TrainingPlan, SchoolYear)> {
    for y in store::school::years(conn)? {
        if let Some(p) = store::training::plans(conn, y.id)?
            .into_iter()
            .find(|p| p.id == plan_id)
        {
            return Ok((p, y));
        }
    }
    Err(invalid(format!("no training plan {plan_id}")))
}

/// The session with this id.
pub fn session(conn: &Connection, id: Id) -> Result<TrainingSession> {
    store::training::session(conn, id)?.ok_or_else(|| invalid(format!("no training session {id}")))
}

/// Check a session's fields against its plan, its school year and the
/// settings; the message names the field and what is wrong.
pub fn validate_session(
    conn: &Connection,
    plan: &TrainingPlan,
    year: &SchoolYear,
    input: &SessionInput,
) -> Result<(f64, f64)> {
    let settings = store::settings::load(conn)?;
    let d = input.date;
    if !year.contains(d) {
        return Err(invalid(format!(
            "date {}: outside the school year {} ({} – {})",
            d.format("%d.%m.%Y"),
            year.label,
            year.starts_on.format("%d.%m.%Y"),
            year.ends_on.format("%d.%m.%Y")
        )));
    }
    if d < plan.starts_on || d > plan.ends_on {
        return Err(invalid(format!(
            "date {}: outside semester {} of the training plan ({} – {})",
            d.format("%d.%m.%Y"),
            plan.semester,
            plan.starts_on.format("%d.%m.%Y"),
            plan.ends_on.format("%d.%m.%Y")
        )));
    }
    if input.ends_at <= input.starts_at {
        return Err(invalid(format!(
            "end {} is not after start {}",
            hm(input.ends_at),
            hm(input.starts_at)
        )));
    }
    let minutes = (input.ends_at - input.starts_at).num_minutes();
    let hours = input.hours.unwrap_or(minutes as f64 / 60.0);
    if !hours.is_finite() || hours <= 0.0 {
        return Err(invalid(format!("hours {hours}: must be a positive number")));
    }
    let min = settings.training_min_session_minutes;
    if (hours * 60.0).round() < f64::from(min) {
        return Err(invalid(format!(
            "hours {}: below the minimum session of {} minutes (setting training_min_session_minutes)",
            num(hours),
            min
        )));
    }
    if minutes < i64::from(min) {
        return Err(invalid(format!(
            "time {}–{}: {minutes} minutes, below the minimum session of {min} minutes (setting training_min_session_minutes)",
            hm(input.starts_at),
            hm(input.ends_at)
        )));
    }
    let credits = input.credits.unwrap_or(hours);
    if !credits.is_finite() || credits < 0.0 {
        return Err(invalid(format!("credits {credits}: must be 0 or more")));
    }
    if nfc(&input.topic).is_empty() {
        return Err(invalid("topic: must not be empty"));
    }
    if let Some(p) = input.presenter_id
        && !store::people::staff(conn)?.iter().any(|s| s.id == p)
    {
        return Err(invalid(format!("presenter: no staff member {p}")));
    }
    Ok((hours, credits))
}

fn session_row(
    id: Id,
    plan_id: Id,
    input: &SessionInput,
    hours: f64,
    credits: f64,
) -> Map<String, Value> {
    obj(vec![
        ("id", id.into()),
        ("plan_id", plan_id.into()),
        ("date", input.date.to_string().into()),
        ("starts_at", hm(input.starts_at).into()),
        ("ends_at", hm(input.ends_at).into()),
        ("hours", hours.into()),
        ("topic", nfc(&input.topic).into()),
        ("format", input.format.as_str().into()),
        (
            "presenter_id",
            input.presenter_id.map_or(Value::Null, Value::from),
        ),
        ("presenter", nfc(&input.presenter).into()),
        ("place", nfc(&input.place).into()),
        ("credits", credits.into()),
    ])
}

fn key(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    obj(pairs)
}

fn next_id(conn: &Connection, table: &str) -> Result<Id> {
    store::training::next_id(conn, table)
}

/// Add a session to a plan. Returns its id and the audit entries.
pub fn create_session(
    conn: &Connection,
    operator: &str,
    plan_id: Id,
    input: &SessionInput,
) -> Result<(Id, Vec<i64>)> {
    let (plan, year) = plan(conn, plan_id)?;
    let (hours, credits) = validate_session(conn, &plan, &year, input)?;
    let id = next_id(conn, "training_session")?;
    let row = session_row(id, plan_id, input, hours, credits);
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.session.add",
        "training_session",
        &key(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok((id, ids.into_iter().collect()))
}

/// Change a session's fields (its roll call stays).
pub fn update_session(
    conn: &Connection,
    operator: &str,
    id: Id,
    input: &SessionInput,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    let old = session(conn, id)?;
    let (plan, year) = plan(conn, old.plan_id)?;
    let (hours, credits) = validate_session(conn, &plan, &year, input)?;
    if input.date > store::school::working_date(conn, today)?
        && store::training::attendance_count(conn, id)? > 0
    {
        return Err(invalid(format!(
            "date {}: the session already has a roll call, so it cannot move after the working date",
            input.date.format("%d.%m.%Y")
        )));
    }
    let row = session_row(id, old.plan_id, input, hours, credits);
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.session.edit",
        "training_session",
        &key(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok(ids.into_iter().collect())
}

/// Delete a session that has no roll call yet.
pub fn delete_session(conn: &Connection, operator: &str, id: Id) -> Result<Vec<i64>> {
    let s = session(conn, id)?;
    let n = store::training::attendance_count(conn, id)?;
    if n > 0 {
        return Err(invalid(format!(
            "session of {} «{}» has {n} roll-call entries; only a session without attendance can be deleted",
            s.date.format("%d.%m.%Y"),
            s.topic
        )));
    }
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.session.delete",
        "training_session",
        &key(vec![("id", id.into())]),
        None,
    )?;
    Ok(ids.into_iter().collect())
}

/// The new session ids of a weekly series and the holiday dates skipped.
pub type WeeklyCopies = (Vec<Id>, Vec<NaiveDate>);

/// Copy a session as a weekly series: `weeks` copies, 7, 14, … days later,
/// same time, topic and credits. Days in a holiday are skipped (and
/// returned); a copy that would fall after the semester refuses the whole
/// series. Returns the new ids, the skipped dates and the audit entries.
pub fn copy_weekly(
    conn: &Connection,
    operator: &str,
    id: Id,
    weeks: u32,
) -> Result<(WeeklyCopies, Vec<i64>)> {
    if weeks == 0 || weeks > 30 {
        return Err(invalid(format!("weeks {weeks}: give 1 to 30 copies")));
    }
    let s = session(conn, id)?;
    let (plan, year) = plan(conn, s.plan_id)?;
    let holidays = store::school::holidays(conn, year.id)?;
    let mut made = vec![];
    let mut skipped = vec![];
    let mut audit = vec![];
    for w in 1..=weeks {
        let date = s.date + Duration::days(7 * i64::from(w));
        if date > plan.ends_on {
            return Err(invalid(format!(
                "copy {w} of {weeks}: {} is after semester {} ends ({}); nothing was copied",
                date.format("%d.%m.%Y"),
                plan.semester,
                plan.ends_on.format("%d.%m.%Y")
            )));
        }
        if holidays.iter().any(|h| h.contains(date)) {
            skipped.push(date);
            continue;
        }
        let mut input = SessionInput::of(&s);
        input.date = date;
        let (new_id, ids) = create_session(conn, operator, plan.id, &input)?;
        made.push(new_id);
        audit.extend(ids);
    }
    Ok(((made, skipped), audit))
}

// --- roll call --------------------------------------------------------------

/// The paperwork a leave needs (only the field its status requires is kept).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paperwork {
    /// Personal leave: who approved the written request.
    pub approved_by_id: Option<Id>,
    /// Sick leave: whether a medical certificate was given.
    pub certificate: Option<bool>,
    /// Official leave: when the content was made up.
    pub made_up_on: Option<NaiveDate>,
}

/// The status with this code, or this key, or this label.
pub fn find_status(conn: &Connection, s: &str) -> Result<TrainingStatus> {
    let all = store::training::statuses(conn)?;
    let q = nfc(s).to_lowercase().replace([' ', '-'], "_");
    all.iter()
        .find(|t| t.code == q || t.key == s || t.label.to_lowercase() == s.to_lowercase())
        .cloned()
        .ok_or_else(|| {
            let codes: Vec<&str> = all.iter().map(|t| t.code.as_str()).collect();
            invalid(format!(
                "status «{s}»: unknown (statuses: {})",
                codes.join(", ")
            ))
        })
}

/// Set `staff_id`'s status at `session_id` with its paperwork.
pub fn set_attendance(
    conn: &Connection,
    operator: &str,
    session_id: Id,
    staff_id: Id,
    status: &str,
    paperwork: &Paperwork,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    let s = session(conn, session_id)?;
    let st = find_status(conn, status)?;
    let staff = store::people::staff(conn)?;
    let Some(teacher) = staff.iter().find(|x| x.id == staff_id) else {
        return Err(invalid(format!("no staff member {staff_id}")));
    };
    let working = store::school::working_date(conn, today)?;
    if s.date > working {
        return Err(invalid(format!(
            "session of {}: after the working date {}; its roll call cannot be taken yet",
            s.date.format("%d.%m.%Y"),
            working.format("%d.%m.%Y")
        )));
    }
    let who = teacher.full_name();
    if paperwork.approved_by_id.is_some() && st.requires != Requirement::Approval {
        return Err(invalid(format!(
            "{who}: an approver is recorded for personal leave only, not «{}»",
            st.code
        )));
    }
    if paperwork.certificate.is_some() && st.requires != Requirement::Certificate {
        return Err(invalid(format!(
            "{who}: a certificate is recorded for sick leave only, not «{}»",
            st.code
        )));
    }
    if paperwork.made_up_on.is_some() && st.requires != Requirement::MakeUp {
        return Err(invalid(format!(
            "{who}: a make-up date is recorded for official leave only, not «{}»",
            st.code
        )));
    }
    if let Some(a) = paperwork.approved_by_id
        && !staff.iter().any(|x| x.id == a)
    {
        return Err(invalid(format!("approved by: no staff member {a}")));
    }
    if let Some(m) = paperwork.made_up_on
        && m < s.date
    {
        return Err(invalid(format!(
            "made up on {}: before the session of {}",
            m.format("%d.%m.%Y"),
            s.date.format("%d.%m.%Y")
        )));
    }
    let k = key(vec![
        ("session_id", session_id.into()),
        ("staff_id", staff_id.into()),
    ]);
    let note = store::training::attendance(conn, session_id, staff_id)?
        .map(|a| a.note)
        .unwrap_or_default();
    let row = obj(vec![
        ("session_id", session_id.into()),
        ("staff_id", staff_id.into()),
        ("status", st.code.clone().into()),
        (
            "approved_by_id",
            paperwork.approved_by_id.map_or(Value::Null, Value::from),
        ),
        (
            "certificate",
            paperwork
                .certificate
                .map_or(Value::Null, |c| Value::from(i64::from(c))),
        ),
        (
            "made_up_on",
            paperwork
                .made_up_on
                .map_or(Value::Null, |d| Value::from(d.to_string())),
        ),
        ("note", note.into()),
        ("set_by", operator.into()),
        ("set_at", store::now().into()),
    ]);
    // Unchanged status and paperwork: nothing to write (set_at would differ).
    if let Some(old) = store::training::attendance(conn, session_id, staff_id)?
        && old.status == st.code
        && old.approved_by_id == paperwork.approved_by_id
        && old.certificate == paperwork.certificate
        && old.made_up_on == paperwork.made_up_on
    {
        return Ok(vec![]);
    }
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.roll_call",
        "training_attendance",
        &k,
        Some(&row),
    )?;
    Ok(ids.into_iter().collect())
}

/// Remove a roll-call entry (the teacher is not on this session's roll).
pub fn clear_attendance(
    conn: &Connection,
    operator: &str,
    session_id: Id,
    staff_id: Id,
) -> Result<Vec<i64>> {
    let k = key(vec![
        ("session_id", session_id.into()),
        ("staff_id", staff_id.into()),
    ]);
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.roll_call.clear",
        "training_attendance",
        &k,
        None,
    )?;
    Ok(ids.into_iter().collect())
}

/// Mark every teacher on the roll who has no entry yet as present (entries
/// already made stay). Returns how many were marked.
pub fn mark_all_present(
    conn: &Connection,
    operator: &str,
    session_id: Id,
    today: NaiveDate,
) -> Result<(usize, Vec<i64>)> {
    let done: HashSet<Id> = store::training::attendance_for_session(conn, session_id)?
        .into_iter()
        .map(|a| a.staff_id)
        .collect();
    let mut ids = vec![];
    let mut n = 0;
    for t in trainees(conn)? {
        if done.contains(&t.id) {
            continue;
        }
        ids.extend(set_attendance(
            conn,
            operator,
            session_id,
            t.id,
            "present",
            &Paperwork::default(),
            today,
        )?);
        n += 1;
    }
    if n == 0 {
        // Make sure the session exists and say so rather than do nothing.
        session(conn, session_id)?;
    }
    Ok((n, ids))
}

/// The roll call of a plan: teachers × sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollCall {
    pub sessions: Vec<TrainingSession>,
    pub teachers: Vec<(Id, String)>,
    pub entries: HashMap<(Id, Id), TrainingAttendance>,
    pub statuses: Vec<TrainingStatus>,
    /// Every staff member's name (approvers need not be on the roll).
    pub staff: HashMap<Id, String>,
}

impl RollCall {
    pub fn entry(&self, session_id: Id, staff_id: Id) -> Option<&TrainingAttendance> {
        self.entries.get(&(session_id, staff_id))
    }

    pub fn status(&self, code: &str) -> Option<&TrainingStatus> {
        self.statuses.iter().find(|s| s.code == code)
    }
}

/// Read the roll call of `plan`.
pub fn roll_call(conn: &Connection, plan: &TrainingPlan) -> Result<RollCall> {
    let sessions = store::training::sessions(conn, plan.id)?;
    let entries: HashMap<(Id, Id), TrainingAttendance> =
        store::training::attendance_for_plan(conn, plan.id)?
            .into_iter()
            .map(|a| ((a.session_id, a.staff_id), a))
            .collect();
    let on_roll: HashSet<Id> = entries.keys().map(|k| k.1).collect();
    let all = store::people::staff(conn)?;
    let teachers = all
        .iter()
        .filter(|s| (s.active && s.roles.contains(&Role::Teacher)) || on_roll.contains(&s.id))
        .map(|s| (s.id, s.full_name()))
        .collect();
    Ok(RollCall {
        sessions,
        teachers,
        entries,
        statuses: store::training::statuses(conn)?,
        staff: all.iter().map(|s| (s.id, s.full_name())).collect(),
    })
}

// --- external training ------------------------------------------------------

/// Check and write an external course (a new one when `e.id` is 0).
pub fn save_external(
    conn: &Connection,
    operator: &str,
    e: &ExternalTraining,
) -> Result<(Id, Vec<i64>)> {
    let staff = store::people::staff(conn)?;
    if !staff.iter().any(|s| s.id == e.staff_id) {
        return Err(invalid(format!("teacher: no staff member {}", e.staff_id)));
    }
    if e.ends_on < e.starts_on {
        return Err(invalid(format!(
            "ends {} before it starts {}",
            e.ends_on.format("%d.%m.%Y"),
            e.starts_on.format("%d.%m.%Y")
        )));
    }
    if nfc(&e.provider).is_empty() {
        return Err(invalid("provider: must not be empty"));
    }
    if !e.hours.is_finite() || e.hours <= 0.0 {
        return Err(invalid(format!("hours {}: must be more than 0", e.hours)));
    }
    if !e.credits.is_finite() || e.credits < 0.0 {
        return Err(invalid(format!("credits {}: must be 0 or more", e.credits)));
    }
    let years = store::school::years(conn)?;
    if !years.iter().any(|y| y.contains(e.ends_on)) {
        return Err(invalid(format!(
            "ends {}: outside every school year",
            e.ends_on.format("%d.%m.%Y")
        )));
    }
    let cert = nfc(&e.certificate_no);
    if !cert.is_empty()
        && let Some(dup) = store::training::external(conn, e.staff_id)?
            .into_iter()
            .find(|x| x.id != e.id && nfc(&x.certificate_no).to_lowercase() == cert.to_lowercase())
    {
        return Err(invalid(format!(
            "certificate {cert}: already registered for this teacher (external training {}, {}, ended {}); a course counts once",
            dup.id,
            dup.provider,
            dup.ends_on.format("%d.%m.%Y")
        )));
    }
    let id = if e.id == 0 {
        next_id(conn, "external_training")?
    } else {
        if store::training::external_by_id(conn, e.id)?.is_none() {
            return Err(invalid(format!("no external training {}", e.id)));
        }
        e.id
    };
    let row = obj(vec![
        ("id", id.into()),
        ("staff_id", e.staff_id.into()),
        ("starts_on", e.starts_on.to_string().into()),
        ("ends_on", e.ends_on.to_string().into()),
        ("provider", nfc(&e.provider).into()),
        ("title", nfc(&e.title).into()),
        ("hours", e.hours.into()),
        ("credits", e.credits.into()),
        ("certificate_no", nfc(&e.certificate_no).into()),
    ]);
    let ids = store::audit::write_row(
        conn,
        operator,
        if e.id == 0 {
            "training.external.add"
        } else {
            "training.external.edit"
        },
        "external_training",
        &key(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok((id, ids.into_iter().collect()))
}

// --- publication ------------------------------------------------------------

/// A published semester standing: frozen, dated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub id: Id,
    pub plan_id: Id,
    pub semester: u8,
    pub published_at: String,
    pub published_by: String,
    /// The working date it was published on.
    pub as_of: NaiveDate,
    pub standing: Vec<Standing>,
}

/// Publish semester `semester` of `year`: freeze its standing as it is now.
pub fn publish(
    conn: &Connection,
    operator: &str,
    year: &SchoolYear,
    semester: u8,
    today: NaiveDate,
) -> Result<(Publication, Vec<i64>)> {
    let settings = store::settings::load(conn)?;
    let plans = year_plans(conn, year)?;
    let Some(plan) = plans.iter().find(|p| p.semester == semester) else {
        return Err(invalid(format!(
            "school year {} has no training plan for semester {semester}",
            year.label
        )));
    };
    let as_of = store::school::working_date(conn, today)?;
    let standing = standing_on(conn, year, Scope::Semester(semester), &settings, as_of)?;
    let id = next_id(conn, "training_publication")?;
    let p = Publication {
        id,
        plan_id: plan.id,
        semester,
        published_at: store::now(),
        published_by: operator.to_string(),
        as_of,
        standing,
    };
    let snapshot = serde_json::to_string(&p).map_err(|e| invalid(e.to_string()))?;
    let row = obj(vec![
        ("id", id.into()),
        ("plan_id", plan.id.into()),
        ("published_at", p.published_at.clone().into()),
        ("published_by", operator.into()),
        ("snapshot", snapshot.into()),
    ]);
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.publish",
        "training_publication",
        &key(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok((p, ids.into_iter().collect()))
}

/// The latest publication of a plan, if any.
pub fn latest_publication(conn: &Connection, plan_id: Id) -> Result<Option<Publication>> {
    match store::training::latest_publication(conn, plan_id)? {
        None => Ok(None),
        Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| {
            invalid(format!(
                "published standing of plan {plan_id} unreadable: {e}"
            ))
        }),
    }
}

/// How a teacher's standing now differs from the published one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub staff_id: Id,
    pub name: String,
    /// "late 1 → 2", "credits 38.50 → 40.00", "fail → pass".
    pub changes: Vec<String>,
}

/// Compare the standing now with a published one, teacher by teacher.
pub fn differences(published: &[Standing], now: &[Standing]) -> Vec<Difference> {
    let old: HashMap<Id, &Standing> = published.iter().map(|s| (s.staff_id, s)).collect();
    let new: HashMap<Id, &Standing> = now.iter().map(|s| (s.staff_id, s)).collect();
    let mut out = vec![];
    for n in now {
        let Some(o) = old.get(&n.staff_id) else {
            out.push(Difference {
                staff_id: n.staff_id,
                name: n.name.clone(),
                changes: vec!["not in the published standing".into()],
            });
            continue;
        };
        let mut c = vec![];
        let counts = [
            ("present", o.present, n.present),
            ("late", o.late, n.late),
            ("left early", o.left_early, n.left_early),
            ("official leave", o.official_leave, n.official_leave),
            ("personal leave", o.personal_leave, n.personal_leave),
            (
                "personal leave, not approved",
                o.personal_leave_unapproved,
                n.personal_leave_unapproved,
            ),
            ("sick leave", o.sick_leave, n.sick_leave),
            ("unexcused", o.unexcused, n.unexcused),
        ];
        for (what, a, b) in counts {
            if a != b {
                c.push(format!("{what} {a} → {b}"));
            }
        }
        if o.credits != n.credits {
            c.push(format!(
                "credits {} → {}",
                credits_text(o.credits),
                credits_text(n.credits)
            ));
        }
        if o.pass != n.pass {
            let v = |p: bool| if p { "pass" } else { "fail" };
            c.push(format!("{} → {}", v(o.pass), v(n.pass)));
        } else if o.pass && o.credits_progress != n.credits_progress {
            let v = |s: &Standing| {
                if s.credits_progress.is_empty() {
                    "pass".to_string()
                } else {
                    s.credits_progress.clone()
                }
            };
            c.push(format!("{} → {}", v(o), v(n)));
        }
        if !c.is_empty() {
            out.push(Difference {
                staff_id: n.staff_id,
                name: n.name.clone(),
                changes: c,
            });
        }
    }
    for o in published {
        if !new.contains_key(&o.staff_id) {
            out.push(Difference {
                staff_id: o.staff_id,
                name: o.name.clone(),
                changes: vec!["no longer in the standing".into()],
            });
        }
    }
    out
}

// --- look-ups for the command line ------------------------------------------

/// A teacher by name: "Фамилия Имя", a full name, or a unique prefix of
/// one (case and Unicode form ignored).
/// What a teacher's training record is (seed 004): characters of study
/// notes written, or an open lesson given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    StudyNotes,
    OpenLesson,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::StudyNotes => "study_notes",
            RecordKind::OpenLesson => "open_lesson",
        }
    }
}

/// The most characters of study notes one record may hold (a typo guard).
pub const STUDY_NOTES_MAX: i64 = 1_000_000;

/// Record study notes (`amount` characters) or open lessons (`amount`
/// lessons, usually 1) of a teacher on `date`, in the training plan (the
/// semester) that covers that date. Returns the record's id and the audit
/// entries.
pub fn add_record(
    conn: &Connection,
    operator: &str,
    staff_id: Id,
    kind: RecordKind,
    date: NaiveDate,
    amount: i64,
    note: &str,
) -> Result<(Id, Vec<i64>)> {
    if !store::people::staff(conn)?.iter().any(|s| s.id == staff_id) {
        return Err(invalid(format!("teacher: no staff member {staff_id}")));
    }
    let max = match kind {
        RecordKind::StudyNotes => STUDY_NOTES_MAX,
        RecordKind::OpenLesson => 10,
    };
    if !(1..=max).contains(&amount) {
        return Err(invalid(format!(
            "{}: {amount} is not between 1 and {max}",
            match kind {
                RecordKind::StudyNotes => "characters of study notes",
                RecordKind::OpenLesson => "open lessons",
            }
        )));
    }
    let mut plan = None;
    for y in store::school::years(conn)? {
        if let Some(p) = store::training::plans(conn, y.id)?
            .into_iter()
            .find(|p| p.starts_on <= date && date <= p.ends_on)
        {
            plan = Some(p);
        }
    }
    let Some(plan) = plan else {
        return Err(invalid(format!(
            "{}: no training plan (semester) covers that day",
            date.format("%d.%m.%Y")
        )));
    };
    let id = next_id(conn, "training_record")?;
    let row = obj(vec![
        ("id", id.into()),
        ("staff_id", staff_id.into()),
        ("plan_id", plan.id.into()),
        ("kind", kind.as_str().into()),
        ("date", date.to_string().into()),
        ("amount", amount.into()),
        ("note", nfc(note).into()),
    ]);
    let ids = store::audit::write_row(
        conn,
        operator,
        "training.record.add",
        "training_record",
        &key(vec![("id", id.into())]),
        Some(&row),
    )?;
    Ok((id, ids.into_iter().collect()))
}

pub fn find_teacher(conn: &Connection, query: &str) -> Result<Staff> {
    let q = nfc(query).to_lowercase();
    if q.is_empty() {
        return Err(invalid("teacher: give a name"));
    }
    let staff = store::people::staff(conn)?;
    let full = |s: &Staff| s.full_name().to_lowercase();
    let exact: Vec<&Staff> = staff
        .iter()
        .filter(|s| {
            full(s) == q
                || format!("{} {}", s.family_name, s.given_name).to_lowercase() == q
                || s.short_name().to_lowercase() == q
        })
        .collect();
    let hits = if exact.is_empty() {
        staff
            .iter()
            .filter(|s| full(s).starts_with(&q))
            .collect::<Vec<_>>()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(invalid(format!("teacher «{query}»: no such staff member"))),
        many => Err(invalid(format!(
            "teacher «{query}»: {} staff members match ({}); give the full name",
            many.len(),
            many.iter()
                .take(5)
                .map(|s| s.full_name())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A date as 2025-12-24 or 24.12.2025.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
}

/// A session of the year's plans by id, or by date when the date has
/// exactly one session.
pub fn find_session(conn: &Connection, year: &SchoolYear, query: &str) -> Result<TrainingSession> {
    if let Ok(id) = query.trim().parse::<Id>() {
        return session(conn, id);
    }
    let Some(d) = parse_date(query) else {
        return Err(invalid(format!(
            "session «{query}»: give a session id or a date (2025-12-24 or 24.12.2025)"
        )));
    };
    let mut hits = vec![];
    for p in year_plans(conn, year)? {
        hits.extend(
            store::training::sessions(conn, p.id)?
                .into_iter()
                .filter(|s| s.date == d),
        );
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => Err(invalid(format!(
            "session «{query}»: no training session on {}",
            d.format("%d.%m.%Y")
        ))),
        n => Err(invalid(format!(
            "session «{query}»: {n} sessions on that day (ids {}); give the id",
            hits.iter()
                .map(|s| s.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
