//! users.csv, roles.csv (1.2) and demographics.csv → students, staff and
//! guardians, and the links between guardians and students.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::table::{Row, Spec, Table, list};
use crate::domain::{Relation, Role, Sex};
use crate::service::import::model::{Bundle, GuardianIn, Issue, Origin, StaffIn, StudentIn};

pub(super) const USERS: Spec = Spec {
    required: &["sourcedId", "givenName", "familyName"],
    used: &[
        "status",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "middleName",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "primaryOrgSourcedId",
    ],
};

pub(super) const ROLES: Spec = Spec {
    required: &["userSourcedId", "role"],
    used: &["sourcedId", "status", "roleType", "orgSourcedId"],
};

pub(super) const DEMOGRAPHICS: Spec = Spec {
    required: &["sourcedId"],
    used: &["status", "birthDate", "sex"],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuardianKind {
    Parent,
    Guardian,
    Relative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Student,
    Staff(Option<Role>),
    Guardian(GuardianKind),
}

/// What a OneRoster role (1.1 and 1.2 vocabularies) makes of a user.
fn classify(role: &str) -> Option<Kind> {
    Some(match role.to_lowercase().as_str() {
        "student" => Kind::Student,
        "teacher" | "aide" | "proctor" => Kind::Staff(Some(Role::Teacher)),
        "principal" => Kind::Staff(Some(Role::Director)),
        "administrator" | "siteadministrator" => Kind::Staff(Some(Role::Deputy)),
        "districtadministrator" | "systemadministrator" | "counselor" => Kind::Staff(None),
        "parent" => Kind::Guardian(GuardianKind::Parent),
        "guardian" => Kind::Guardian(GuardianKind::Guardian),
        "relative" => Kind::Guardian(GuardianKind::Relative),
        _ => return None,
    })
}

/// One row of roles.csv.
pub(super) struct RoleRow {
    kind: Kind,
    primary: bool,
    org: String,
}

pub(super) struct Roles {
    by_user: HashMap<String, Vec<RoleRow>>,
    /// user id → (file, first line naming it), for dangling references.
    lines: Vec<(String, Origin)>,
}

pub(super) fn read_roles(t: &Table, issues: &mut Vec<Issue>) -> Roles {
    let mut by_user: HashMap<String, Vec<RoleRow>> = HashMap::new();
    let mut lines = Vec::new();
    for row in &t.rows {
        if !t.keep(row, issues) {
            continue;
        }
        let (Some(user), Some(role)) = (
            t.required(row, "userSourcedId", issues),
            t.required(row, "role", issues),
        ) else {
            continue;
        };
        let Some(kind) = classify(role) else {
            issues.push(t.warning(
                row,
                "role",
                format!("role «{role}» is not known; row skipped"),
            ));
            continue;
        };
        let role_type = t.get(row, "roleType");
        let primary = match role_type.to_lowercase().as_str() {
            "primary" => true,
            "secondary" | "" => false,
            _ => {
                issues.push(t.warning(
                    row,
                    "roleType",
                    format!("«{role_type}» is neither primary nor secondary; taken as secondary"),
                ));
                false
            }
        };
        lines.push((user.to_string(), t.at(row)));
        by_user.entry(user.to_string()).or_default().push(RoleRow {
            kind,
            primary,
            org: t.get(row, "orgSourcedId").to_string(),
        });
    }
    Roles { by_user, lines }
}

/// One row of demographics.csv.
pub(super) struct Demo {
    birth: Option<NaiveDate>,
    sex: Option<Sex>,
    at: Origin,
}

pub(super) struct Demographics {
    by_user: HashMap<String, Demo>,
    broken: HashSet<String>,
}

pub(super) fn read_demographics(t: &Table, issues: &mut Vec<Issue>) -> Demographics {
    let mut by_user: HashMap<String, Demo> = HashMap::new();
    let mut broken = HashSet::new();
    for row in &t.rows {
        if !t.keep(row, issues) {
            continue;
        }
        let Some(id) = t.required(row, "sourcedId", issues) else {
            continue;
        };
        if let Some(first) = by_user.get(id) {
            issues.push(t.error(
                row,
                "sourcedId",
                format!("«{id}» is already used on line {}", first.at.line),
            ));
            continue;
        }
        let Ok(birth) = t.date(row, "birthDate", issues) else {
            broken.insert(id.to_string());
            continue;
        };
        let sex_text = t.get(row, "sex");
        let sex = match sex_text.to_lowercase().as_str() {
            "female" | "f" => Some(Sex::F),
            "male" | "m" => Some(Sex::M),
            "" => None,
            _ => {
                issues.push(t.warning(
                    row,
                    "sex",
                    format!("sex «{sex_text}» cannot be stored; left unknown"),
                ));
                None
            }
        };
        by_user.insert(
            id.to_string(),
            Demo {
                birth,
                sex,
                at: t.at(row),
            },
        );
    }
    Demographics { by_user, broken }
}

/// The people read, by key (the user's sourcedId).
#[derive(Default)]
pub(super) struct People {
    pub students: HashMap<String, usize>,
    pub staff: HashMap<String, usize>,
    pub guardians: HashMap<String, usize>,
    /// Users skipped with a warning (deleted, no role).
    pub skipped: HashSet<String>,
    /// Users whose rows have errors: references to them need no warning.
    pub broken: HashSet<String>,
    /// Users of other schools of a several-school export: left out quietly.
    pub other_school: HashSet<String>,
    /// users.csv could not be read: references into it need no warning.
    pub failed: bool,
}

impl People {
    /// What a reference to a user who is not of the wanted kind deserves:
    /// `None` when it needs no warning (the user's row has an error or
    /// belongs to another school), else the reason.
    pub fn why_not(&self, id: &str, wanted: &str) -> Option<String> {
        if self.failed || self.broken.contains(id) || self.other_school.contains(id) {
            None
        } else if self.skipped.contains(id) {
            Some(format!("user «{id}» was skipped"))
        } else if self.students.contains_key(id) {
            Some(format!("user «{id}» is a student, not {wanted}"))
        } else if self.staff.contains_key(id) {
            Some(format!("user «{id}» is staff, not {wanted}"))
        } else if self.guardians.contains_key(id) {
            Some(format!("user «{id}» is a parent or guardian, not {wanted}"))
        } else {
            Some(format!("user «{id}» is not in users.csv"))
        }
    }
}

/// A user's agents, linked once every user is known.
struct Agents {
    user: String,
    at: Origin,
    ids: Vec<String>,
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The user's roles: from roles.csv when it lists the user, else from the
/// 1.1 `role` column. `Err` carries the reason the user has none.
fn user_roles<'r>(
    t: &Table,
    row: &Row,
    id: &str,
    roles: Option<&'r Roles>,
) -> Result<Vec<(Kind, bool, &'r str)>, String> {
    if let Some(rows) = roles
        .and_then(|r| r.by_user.get(id))
        .filter(|r| !r.is_empty())
    {
        return Ok(rows
            .iter()
            .map(|r| (r.kind, r.primary, r.org.as_str()))
            .collect());
    }
    let role = t.get(row, "role");
    if role.is_empty() {
        return Err(if roles.is_some() {
            "no role (roles.csv does not list the user and the role column is empty); user skipped"
                .to_string()
        } else {
            "no role; user skipped".to_string()
        });
    }
    match classify(role) {
        Some(kind) => Ok(vec![(kind, true, "")]),
        None => Err(format!("role «{role}» is not known; user skipped")),
    }
}

pub(super) fn read_users(
    t: &Table,
    roles: Option<&Roles>,
    demographics: Option<&Demographics>,
    other_schools: &HashSet<String>,
    bundle: &mut Bundle,
) -> People {
    let mut people = People::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut guardian_kind: HashMap<String, GuardianKind> = HashMap::new();
    let mut agents: Vec<Agents> = Vec::new();
    let mut staff_agents: Option<(Origin, usize)> = None;
    let mut left_out = 0usize;
    let no_demo = HashMap::new();
    let demo = demographics.map_or(&no_demo, |d| &d.by_user);
    for row in &t.rows {
        let issues = &mut bundle.issues;
        let raw_id = t.get(row, "sourcedId").to_string();
        if !t.keep(row, issues) {
            people.skipped.insert(raw_id);
            continue;
        }
        let Some(id) = t.required(row, "sourcedId", issues) else {
            continue;
        };
        let id = id.to_string();
        if let Some(first) = seen.get(&id) {
            issues.push(t.error(
                row,
                "sourcedId",
                format!("«{id}» is already used on line {first}"),
            ));
            continue;
        }
        seen.insert(id.clone(), row.line);
        let family = t.required(row, "familyName", issues);
        let given = t.required(row, "givenName", issues);
        let active = t.flag(row, "enabledUser", true, issues);
        let (Some(family), Some(given), Ok(active)) = (family, given, active) else {
            people.broken.insert(id);
            continue;
        };
        let roles_of = match user_roles(t, row, &id, roles) {
            Ok(r) => r,
            Err(why) => {
                let col = if t.has("role") { "role" } else { "" };
                issues.push(t.warning(row, col, why));
                people.skipped.insert(id);
                continue;
            }
        };

        // In an export of several schools, users of the others stay out.
        if !other_schools.is_empty() {
            let mut orgs = list(t.get(row, "orgSourcedIds"));
            orgs.extend(opt(t.get(row, "primaryOrgSourcedId")));
            orgs.extend(
                roles_of
                    .iter()
                    .filter(|r| !r.2.is_empty())
                    .map(|r| r.2.to_string()),
            );
            if !orgs.is_empty() && orgs.iter().all(|o| other_schools.contains(o)) {
                left_out += 1;
                people.other_school.insert(id);
                continue;
            }
        }

        let main = roles_of
            .iter()
            .find(|r| r.1)
            .or_else(|| roles_of.first())
            .map(|r| r.0);
        let Some(main) = main else {
            issues.push(t.warning(row, "", "no role; user skipped"));
            people.skipped.insert(id);
            continue;
        };
        let patronymic = opt(t.get(row, "middleName"));
        let email = opt(t.get(row, "email"));
        let phone = opt(t.get(row, "phone")).or_else(|| opt(t.get(row, "sms")));
        let agent_ids = list(t.get(row, "agentSourcedIds"));
        // A guardian role, primary or secondary, makes the user a guardian
        // too (a teacher who is a pupil's parent).
        let as_guardian = match main {
            Kind::Guardian(g) => Some(g),
            _ => roles_of.iter().find_map(|r| match r.0 {
                Kind::Guardian(g) => Some(g),
                _ => None,
            }),
        };
        match main {
            Kind::Student => {
                let d = demo.get(&id);
                people.students.insert(id.clone(), bundle.students.len());
                bundle.students.push(StudentIn {
                    at: t.at(row),
                    key: id.clone(),
                    ext_id: Some(id.clone()),
                    family_name: family.to_string(),
                    given_name: given.to_string(),
                    patronymic: patronymic.clone(),
                    birth_date: d.and_then(|d| d.birth),
                    sex: d.and_then(|d| d.sex),
                    phone: phone.clone(),
                    email: email.clone(),
                    address: None,
                });
            }
            Kind::Staff(_) => {
                let mut staff_roles = Vec::new();
                for r in &roles_of {
                    if let Kind::Staff(Some(role)) = r.0
                        && !staff_roles.contains(&role)
                    {
                        staff_roles.push(role);
                    }
                }
                people.staff.insert(id.clone(), bundle.staff.len());
                bundle.staff.push(StaffIn {
                    at: t.at(row),
                    key: id.clone(),
                    ext_id: Some(id.clone()),
                    family_name: family.to_string(),
                    given_name: given.to_string(),
                    patronymic: patronymic.clone(),
                    login: opt(t.get(row, "username")),
                    email: email.clone(),
                    phone: phone.clone(),
                    active,
                    roles: staff_roles,
                });
            }
            Kind::Guardian(_) => {}
        }
        if let Some(g) = as_guardian {
            guardian_kind.insert(id.clone(), g);
            people.guardians.insert(id.clone(), bundle.guardians.len());
            bundle.guardians.push(GuardianIn {
                at: t.at(row),
                key: id.clone(),
                ext_id: Some(id.clone()),
                family_name: family.to_string(),
                given_name: given.to_string(),
                patronymic,
                phone,
                email,
                children: Vec::new(),
            });
        }
        if !agent_ids.is_empty() {
            if main == Kind::Student || as_guardian.is_some() {
                agents.push(Agents {
                    user: id,
                    at: t.at(row),
                    ids: agent_ids,
                });
            } else {
                let first = staff_agents.get_or_insert((t.at(row), 0));
                first.1 += 1;
            }
        }
    }

    link(t, &people, &guardian_kind, demo, &agents, bundle);

    if let Some((at, n)) = staff_agents {
        bundle.issues.push(Issue::warning(
            at,
            t.col("agentSourcedIds"),
            format!("agentSourcedIds of staff are not used ({n} rows)"),
        ));
    }
    if left_out > 0 {
        bundle.issues.push(Issue::warning(
            Origin::new(t.file.clone(), 0),
            "",
            format!("{left_out} users belong only to other schools; left out"),
        ));
    }
    if let Some(r) = roles {
        let mut told = HashSet::new();
        for (user, at) in &r.lines {
            if !seen.contains_key(user)
                && !people.skipped.contains(user)
                && told.insert(user.clone())
            {
                bundle.issues.push(Issue::warning(
                    at.clone(),
                    "userSourcedId",
                    format!("user «{user}» is not in users.csv; row skipped"),
                ));
            }
        }
    }
    if let Some(d) = demographics {
        let mut rows: Vec<(&String, &Demo)> = d.by_user.iter().collect();
        rows.sort_by_key(|(_, d)| d.at.line);
        for (user, row) in rows {
            if !seen.contains_key(user)
                && !people.skipped.contains(user)
                && !d.broken.contains(user)
            {
                bundle.issues.push(Issue::warning(
                    row.at.clone(),
                    "sourcedId",
                    format!("user «{user}» is not in users.csv; row skipped"),
                ));
            }
        }
    }
    people
}

/// Links guardians and students from both sides' agentSourcedIds.
fn link(
    t: &Table,
    people: &People,
    guardian_kind: &HashMap<String, GuardianKind>,
    demo: &HashMap<String, Demo>,
    agents: &[Agents],
    bundle: &mut Bundle,
) {
    let mut linked: HashSet<(String, String)> = HashSet::new();
    for a in agents {
        let user_is_student = people.students.contains_key(&a.user);
        for other in &a.ids {
            let (guardian, student) = if user_is_student {
                if !people.guardians.contains_key(other) {
                    if let Some(why) = people.why_not(other, "a parent or guardian") {
                        bundle.issues.push(Issue::warning(
                            a.at.clone(),
                            t.col("agentSourcedIds"),
                            format!("{why}; link skipped"),
                        ));
                    }
                    continue;
                }
                (other, &a.user)
            } else {
                if !people.students.contains_key(other) {
                    if let Some(why) = people.why_not(other, "a student") {
                        bundle.issues.push(Issue::warning(
                            a.at.clone(),
                            t.col("agentSourcedIds"),
                            format!("{why}; link skipped"),
                        ));
                    }
                    continue;
                }
                (&a.user, other)
            };
            if !linked.insert((guardian.clone(), student.clone())) {
                continue;
            }
            let relation = match guardian_kind.get(guardian) {
                Some(GuardianKind::Guardian) => Relation::Guardian,
                Some(GuardianKind::Parent) => match demo.get(guardian).and_then(|d| d.sex) {
                    Some(Sex::F) => Relation::Mother,
                    Some(Sex::M) => Relation::Father,
                    None => Relation::Other,
                },
                Some(GuardianKind::Relative) | None => Relation::Other,
            };
            if let Some(&gi) = people.guardians.get(guardian)
                && let Some(g) = bundle.guardians.get_mut(gi)
            {
                g.children.push((student.clone(), relation));
            }
        }
    }
}
