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
