//! orgs.csv, courses.csv, classes.csv and enrollments.csv → the school,
//! subjects, classes (homerooms), enrolments, class teachers, and who
//! teaches what to which class or group (scheduled classes).

use crate::domain::EndReason;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::people::People;
use super::sessions::Sessions;
use super::table::{Spec, Table, list};
use crate::domain::text::{date_full, full_name};
use crate::service::import::model::{
    Bundle, ClassIn, EnrolmentIn, GroupIn, GroupMemberIn, Issue, Origin, SchoolIn, SubjectIn,
    WorkloadIn,
};

pub(super) const ORGS: Spec = Spec {
    required: &["sourcedId", "name", "type"],
    used: &["status"],
};

pub(super) const COURSES: Spec = Spec {
    required: &["sourcedId", "title"],
    used: &["status", "courseCode"],
};

pub(super) const CLASSES: Spec = Spec {
    required: &["sourcedId", "title", "classType"],
    used: &[
        "status",
        "grades",
        "courseSourcedId",
        "classCode",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        META_CLASS,
        META_GROUP,
    ],
};

pub(super) const ENROLLMENTS: Spec = Spec {
    required: &["classSourcedId", "userSourcedId", "role"],
    used: &[
        "sourcedId",
        "status",
        "schoolSourcedId",
        "primary",
        "beginDate",
        "endDate",
        META_ORDER_NO,
        META_ORDER_DATE,
        META_END_ORDER_NO,
        META_END_ORDER_DATE,
        META_END_REASON,
    ],
};

/// The homeroom a scheduled class is taught to (its key), set by hand.
const META_CLASS: &str = "metadata.classbook.class";
/// The group's name inside that homeroom; empty: the whole class.
const META_GROUP: &str = "metadata.classbook.group";
const META_ORDER_NO: &str = "metadata.orderNo";
const META_ORDER_DATE: &str = "metadata.orderDate";
const META_END_ORDER_NO: &str = "metadata.endOrderNo";
const META_END_ORDER_DATE: &str = "metadata.endOrderDate";
const META_END_REASON: &str = "metadata.classbook.endReason";

fn deleted(t: &Table, row: &super::table::Row) -> bool {
    t.get(row, "status").eq_ignore_ascii_case("tobedeleted")
}

/// The school: the org of type `school`; of several, the one most classes
/// name (with a warning). Returns the ids of the other schools, whose
/// classes and people are left out.
pub(super) fn school(
    orgs: &Table,
    classes: Option<&Table>,
    bundle: &mut Bundle,
) -> HashSet<String> {
    let schools: Vec<&super::table::Row> = orgs
        .rows
        .iter()
        .filter(|r| !deleted(orgs, r) && orgs.get(r, "type").eq_ignore_ascii_case("school"))
        .filter(|r| !orgs.get(r, "sourcedId").is_empty())
        .collect();
    for row in &orgs.rows {
        if deleted(orgs, row) {
            bundle
                .issues
                .push(orgs.warning(row, "status", "status «tobedeleted»: row skipped"));
        }
    }
    let Some(first) = schools.first() else {
        bundle.issues.push(Issue::warning(
            Origin::new(orgs.file.clone(), 0),
            "",
            "no org of type school; the school's name is not imported",
        ));
        return HashSet::new();
    };
    let mut refs: HashMap<&str, usize> = HashMap::new();
    if let Some(c) = classes {
        for row in c.rows.iter().filter(|r| !deleted(c, r)) {
            *refs.entry(c.get(row, "schoolSourcedId")).or_default() += 1;
        }
    }
    let count = |r: &super::table::Row| refs.get(orgs.get(r, "sourcedId")).copied().unwrap_or(0);
    let mut chosen = *first;
    for r in &schools {
        if count(r) > count(chosen) {
            chosen = r;
        }
    }
    let id = orgs.get(chosen, "sourcedId").to_string();
    let name = orgs.get(chosen, "name");
    if name.is_empty() {
        bundle
            .issues
            .push(orgs.error(chosen, "name", "no value (it is required)"));
    }
    let others: HashSet<String> = schools
        .iter()
        .map(|r| orgs.get(r, "sourcedId").to_string())
        .filter(|o| *o != id)
        .collect();
    if !others.is_empty() {
        let mut names: Vec<String> = schools
            .iter()
            .filter(|r| orgs.get(r, "sourcedId") != id)
            .map(|r| format!("«{}»", orgs.get(r, "name")))
            .collect();
        names.dedup();
        bundle.issues.push(orgs.warning(
            chosen,
            "",
            format!(
                "{} schools in the export; importing «{name}» ({} classes); the classes and people of {} are left out",
                schools.len(),
                count(chosen),
                names.join(", ")
            ),
        ));
    }
    bundle.school = Some(SchoolIn {
        at: orgs.at(chosen),
        ext_id: Some(id),
        name: name.to_string(),
    });
    others
}

struct Course {
    id: String,
    line: usize,
    title: String,
    code: String,
}

#[derive(Default)]
pub(super) struct Courses {
    list: Vec<Course>,
    skipped: HashSet<String>,
    broken: HashSet<String>,
    file: String,
    failed: bool,
}

pub(super) fn read_courses(t: Option<&Table>, failed: bool, issues: &mut Vec<Issue>) -> Courses {
    let mut out = Courses {
        failed,
        ..Courses::default()
    };
    let Some(t) = t else {
        return out;
    };
    out.file = t.file.clone();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &t.rows {
        if !t.keep(row, issues) {
            out.skipped.insert(t.get(row, "sourcedId").to_string());
            continue;
        }
        let Some(id) = t.required(row, "sourcedId", issues) else {
            continue;
        };
        if let Some(first) = seen.get(id) {
            issues.push(t.error(
                row,
                "sourcedId",
                format!("«{id}» is already used on line {first}"),
            ));
            continue;
        }
        seen.insert(id.to_string(), row.line);
        let Some(title) = t.required(row, "title", issues) else {
            out.broken.insert(id.to_string());
            continue;
        };
        out.list.push(Course {
            id: id.to_string(),
            line: row.line,
            title: title.to_string(),
            code: t.get(row, "courseCode").to_string(),
        });
    }
    out
}

/// A subject's short name: the title itself when short, else its first
/// word, cut to four letters when that is long too.
pub(super) fn short_form(title: &str) -> String {
    if title.chars().count() <= 8 {
        return title.to_string();
    }
    let word = title.split_whitespace().next().unwrap_or(title);
    if word.chars().count() <= 8 {
        word.to_string()
    } else {
        word.chars().take(4).collect()
    }
}

/// A class's grade and letter from its `grades` cell, title and code.
/// `Err((column, message))` when they cannot be told.
pub(super) fn grade_letter(
    grades: &str,
    title: &str,
    code: &str,
) -> Result<(u8, String), (&'static str, String)> {
    let grade = match list(grades).first() {
        Some(g) => {
            let n: Option<u32> = g
                .parse()
                .ok()
                .filter(|_| g.chars().all(|c| c.is_ascii_digit()));
            match n {
                Some(n) if (1..=11).contains(&n) => n,
                Some(_) => return Err(("grades", format!("grade «{g}» is not 1–11"))),
                None => return Err(("grades", format!("grade «{g}» is not a number 1–11"))),
            }
        }
        None => match digit_runs(title).first() {
            Some(&(_, _, n)) if (1..=11).contains(&n) => n,
            Some(&(a, b, _)) => {
                return Err((
                    "title",
                    format!("grade «{}» (from the title) is not 1–11", &title[a..b]),
                ));
            }
            None => {
                return Err((
                    "title",
                    format!(
                        "no grade: the grades column is empty and the title «{title}» has no number"
                    ),
                ));
            }
        },
    };
    let grade_u8 = u8::try_from(grade).unwrap_or(0);
    let letter = letter_in(title, grade).or_else(|| letter_in(code, grade));
    match letter {
        Some(l) => Ok((grade_u8, l)),
        None => Err((
            "title",
            if code.is_empty() {
                format!("no class letter (1–3 characters after the grade) in «{title}»")
            } else {
                format!(
                    "no class letter (1–3 characters after the grade) in «{title}» nor in the class code «{code}»"
                )
            },
        )),
    }
}

/// (start byte, end byte, value) of each run of ASCII digits.
fn digit_runs(s: &str) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                let n = s[a..i].parse().unwrap_or(u32::MAX);
                out.push((a, i, n));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The letter in "7А", "Class 10B", "10 «Б»", "11-В класс", "Lớp 10A1":
/// the letters and digits right after the grade's number; or the whole
/// text when it is only 1–3 letters and digits ("Б").
fn letter_in(text: &str, grade: u32) -> Option<String> {
    let ok = |l: &str| (1..=3).contains(&l.chars().count());
    if let Some(&(_, end, _)) = digit_runs(text).iter().find(|r| r.2 == grade) {
        let rest = text[end..]
            .trim_start_matches(|c: char| c.is_whitespace() || "-_/.:«»\"'“”„()[]".contains(c));
        let letter: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        return ok(&letter).then_some(letter);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (ok(&compact)
        && compact.chars().all(char::is_alphanumeric)
        && !compact.chars().any(|c| c.is_ascii_digit()))
    .then_some(compact)
}

struct Scheduled {
    id: String,
    line: usize,
    title: String,
    code: String,
    subject: String,
    meta_class: Option<String>,
    /// `None`: no such column; `Some("")`: the whole class.
    meta_group: Option<String>,
    students: Vec<String>,
    /// (primary, staff key), in file order.
    teachers: Vec<(bool, String)>,
}

#[derive(Default)]
pub(super) struct Classes {
    homerooms: HashMap<String, usize>,
    scheduled: Vec<Scheduled>,
    scheduled_index: HashMap<String, usize>,
    skipped: HashSet<String>,
    broken: HashSet<String>,
    other_school: HashSet<String>,
    failed: bool,
    /// classes.csv as the export names it.
    file: String,
}

impl Classes {
    fn why_not(&self, id: &str) -> Option<String> {
        if self.failed || self.broken.contains(id) || self.other_school.contains(id) {
            None
        } else if self.skipped.contains(id) {
            Some(format!("class «{id}» was skipped"))
        } else {
            Some(format!("class «{id}» is not in classes.csv"))
        }
    }
}

/// The subject of each course (courses of the same title are one subject).
struct Subjects {
    of_course: HashMap<String, String>,
    by_name: HashMap<String, String>,
}

impl Subjects {
    fn add(
        &mut self,
        bundle: &mut Bundle,
        at: Origin,
        ext_id: Option<String>,
        name: &str,
        code: &str,
    ) -> String {
        if let Some(key) = self.by_name.get(&name.to_lowercase()) {
            return key.clone();
        }
        let key = ext_id.clone().unwrap_or_else(|| name.to_string());
        self.by_name.insert(name.to_lowercase(), key.clone());
        bundle.subjects.push(SubjectIn {
            at,
            key: key.clone(),
            ext_id,
            name: name.to_string(),
            short_name: if code.is_empty() {
                short_form(name)
            } else {
                code.to_string()
            },
        });
        key
    }
}

pub(super) fn read_classes(
    t: Option<&Table>,
    failed: bool,
    sessions: &Sessions,
    courses: &Courses,
    other_schools: &HashSet<String>,
    bundle: &mut Bundle,
) -> Classes {
    let mut out = Classes {
        failed,
        ..Classes::default()
    };
    let mut subjects = Subjects {
        of_course: HashMap::new(),
        by_name: HashMap::new(),
    };
    let Some(t) = t else {
        for c in &courses.list {
            let key = subjects.add(
                bundle,
                Origin::new(courses.file.clone(), c.line),
                Some(c.id.clone()),
                &c.title,
                &c.code,
            );
            subjects.of_course.insert(c.id.clone(), key);
        }
        return out;
    };
    out.file = t.file.clone();

    // Which courses are taught (scheduled classes) and which only name
    // homerooms ("Homeroom 7A" is no subject).
    let mut taught: HashSet<&str> = HashSet::new();
    let mut homeroom_only: HashSet<&str> = HashSet::new();
    for row in t.rows.iter().filter(|r| !deleted(t, r)) {
        let course = t.get(row, "courseSourcedId");
        if t.get(row, "classType").eq_ignore_ascii_case("homeroom") {
            homeroom_only.insert(course);
        } else {
            taught.insert(course);
        }
    }
    for c in &courses.list {
        if taught.contains(c.id.as_str()) || !homeroom_only.contains(c.id.as_str()) {
            let key = subjects.add(
                bundle,
                Origin::new(courses.file.clone(), c.line),
                Some(c.id.clone()),
                &c.title,
                &c.code,
            );
            subjects.of_course.insert(c.id.clone(), key);
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut left_out = 0usize;
    let mut fallback: Vec<Fallback> = Vec::new();
    for row in &t.rows {
        let issues = &mut bundle.issues;
        if !t.keep(row, issues) {
            out.skipped.insert(t.get(row, "sourcedId").to_string());
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
        if other_schools.contains(t.get(row, "schoolSourcedId")) {
            left_out += 1;
            out.other_school.insert(id);
            continue;
        }
        let (Some(title), Some(class_type)) = (
            t.required(row, "title", issues),
            t.required(row, "classType", issues),
        ) else {
            out.broken.insert(id);
            continue;
        };
        let homeroom = match class_type.to_lowercase().as_str() {
            "homeroom" => true,
            "scheduled" => false,
            _ => {
                issues.push(t.warning(
                    row,
                    "classType",
                    format!(
                        "class type «{class_type}» is neither homeroom nor scheduled; row skipped"
                    ),
                ));
                out.skipped.insert(id);
                continue;
            }
        };

        // The class's school year, from its terms.
        let mut year: Option<String> = None;
        let mut unknown = Vec::new();
        let mut any_term = false;
        for term in list(t.get(row, "termSourcedIds")) {
            match sessions.year_of.get(&term) {
                Some(y) => {
                    any_term = true;
                    match &year {
                        None => year = Some(y.clone()),
                        Some(first) if first != y => issues.push(t.warning(
                            row,
                            "termSourcedIds",
                            format!("terms of several school years; the class goes to «{first}», not «{y}»"),
                        )),
                        Some(_) => {}
                    }
                }
                None if sessions.failed || sessions.broken.contains(&term) => any_term = true,
                None => unknown.push(term),
            }
        }
        if !unknown.is_empty() {
            let names = unknown
                .iter()
                .map(|u| format!("«{u}»"))
                .collect::<Vec<_>>()
                .join(", ");
            if any_term {
                issues.push(t.warning(
                    row,
                    "termSourcedIds",
                    format!("term {names} is not in academicSessions.csv; the class's other terms are used"),
                ));
            } else {
                issues.push(t.warning(
                    row,
                    "termSourcedIds",
                    format!("term {names} is not in academicSessions.csv; row skipped"),
                ));
                out.skipped.insert(id);
                continue;
            }
        }
        let code = t.get(row, "classCode");

        if homeroom {
            match grade_letter(t.get(row, "grades"), title, code) {
                Ok((grade, letter)) => {
                    out.homerooms.insert(id.clone(), bundle.classes.len());
                    bundle.classes.push(ClassIn {
                        at: t.at(row),
                        key: id.clone(),
                        ext_id: Some(id),
                        year,
                        grade,
                        letter,
                        class_teacher: None,
                    });
                }
                Err((col, message)) => {
                    issues.push(t.error(row, col, message));
                    out.broken.insert(id);
                }
            }
            continue;
        }

        // A scheduled class: its subject, from its course or, failing
        // that, its subjects column or title.
        let course = t.get(row, "courseSourcedId");
        let subject = match subjects.of_course.get(course) {
            Some(key) => key.clone(),
            None => {
                let quiet = courses.failed || courses.broken.contains(course);
                let (name, from) = match list(t.get(row, "subjects")).into_iter().next() {
                    Some(s) => (s, "its subjects column"),
                    None => (title.to_string(), "its title"),
                };
                if !quiet {
                    let why = if course.is_empty() {
                        "no course".to_string()
                    } else if courses.skipped.contains(course) {
                        format!("course «{course}» was skipped")
                    } else {
                        format!("course «{course}» is not in courses.csv")
                    };
                    // Said once per reason and subject, with how many
                    // classes: an export without courses has hundreds.
                    let said = fallback
                        .iter_mut()
                        .find(|f| f.why == why && f.from == from && f.name == name);
                    match said {
                        Some(f) => f.count += 1,
                        None => fallback.push(Fallback {
                            at: t.at(row),
                            why,
                            from,
                            name: name.clone(),
                            count: 1,
                        }),
                    }
                }
                subjects.add(bundle, t.at(row), None, &name, "")
            }
        };
        let meta_class = Some(t.get(row, META_CLASS).to_string()).filter(|s| !s.is_empty());
        let meta_group = t
            .has(META_GROUP)
            .then(|| t.get(row, META_GROUP).to_string());
        out.scheduled_index.insert(id.clone(), out.scheduled.len());
        out.scheduled.push(Scheduled {
            id,
            line: row.line,
            title: title.to_string(),
            code: code.to_string(),
            subject,
            meta_class,
            meta_group,
            students: Vec::new(),
            teachers: Vec::new(),
        });
    }
    for f in fallback {
        let classes = if f.count > 1 {
            format!(" ({} classes)", f.count)
        } else {
            String::new()
        };
        bundle.issues.push(Issue::warning(
            f.at,
            t.col("courseSourcedId"),
            format!(
                "{}; the subject is taken from {}: «{}»{classes}",
                f.why, f.from, f.name
            ),
        ));
    }
    if left_out > 0 {
        bundle.issues.push(Issue::warning(
            Origin::new(t.file.clone(), 0),
            "",
            format!("{left_out} classes belong to other schools; left out"),
        ));
    }
    out
}

/// A subject taken from a class for want of its course, said once.
struct Fallback {
    at: Origin,
    why: String,
    from: &'static str,
    name: String,
    count: usize,
}

/// The teacher of a class: the primary one, else the first.
fn pick(teachers: &[(bool, String)]) -> Option<String> {
    teachers
        .iter()
        .find(|t| t.0)
        .or_else(|| teachers.first())
        .map(|t| t.1.clone())
}

pub(super) fn read_enrollments(
    t: &Table,
    classes: &mut Classes,
    people: &People,
    bundle: &mut Bundle,
) {
    let mut class_teachers: HashMap<String, Vec<(bool, String)>> = HashMap::new();
    let mut other_roles: BTreeMap<String, (Origin, usize)> = BTreeMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &t.rows {
        let issues = &mut bundle.issues;
        if !t.keep(row, issues) {
            continue;
        }
        let id = t.get(row, "sourcedId");
        if !id.is_empty() {
            if let Some(first) = seen.get(id) {
                issues.push(t.error(
                    row,
                    "sourcedId",
                    format!("«{id}» is already used on line {first}"),
                ));
                continue;
            }
            seen.insert(id.to_string(), row.line);
        }
        let class = t.required(row, "classSourcedId", issues);
        let user = t.required(row, "userSourcedId", issues);
        let role = t.required(row, "role", issues);
        let primary = t.flag(row, "primary", false, issues);
        let begin = t.date(row, "beginDate", issues);
        let end = t.date(row, "endDate", issues);
        let order_no = t.get(row, META_ORDER_NO);
        let order_date = t.date(row, META_ORDER_DATE, issues);
        let end_no = t.get(row, META_END_ORDER_NO).to_string();
        let end_date = t.date(row, META_END_ORDER_DATE, issues);
        let end_reason = match t.get(row, META_END_REASON) {
            "" => Ok(None),
            r => match EndReason::parse(r) {
                Some(r) => Ok(Some(r)),
                None => {
                    issues.push(t.error(
                        row,
                        META_END_REASON,
                        format!("«{r}» is not departure, transfer, graduation or end_of_year"),
                    ));
                    Err(())
                }
            },
        };
        let (
            Some(class),
            Some(user),
            Some(role),
            Ok(primary),
            Ok(begin),
            Ok(end),
            Ok(order_date),
            Ok(end_date),
            Ok(end_reason),
        ) = (
            class, user, role, primary, begin, end, order_date, end_date, end_reason,
        )
        else {
            continue;
        };
        if end_no.is_empty() != end_date.is_none() {
            issues.push(t.error(
                row,
                META_END_ORDER_NO,
                "give both the end order's number and its date, or neither",
            ));
            continue;
        }
        if let (Some(b), Some(e)) = (begin, end)
            && e < b
        {
            issues.push(t.error(
                row,
                "endDate",
                format!(
                    "ends ({}) before it begins ({})",
                    date_full(e),
                    date_full(b)
                ),
            ));
            continue;
        }
        let order = match (order_no.is_empty(), order_date) {
            (true, None) => (None, None),
            (false, Some(d)) => (Some(order_no.to_string()), Some(d)),
            (false, None) => {
                issues.push(t.error(
                    row,
                    META_ORDER_DATE,
                    format!("order «{order_no}» has no date (give both the order number and its date, or neither)"),
                ));
                continue;
            }
            (true, Some(_)) => {
                issues.push(t.error(
                    row,
                    META_ORDER_NO,
                    "an order date without an order number (give both, or neither)",
                ));
                continue;
            }
        };
        let role_lower = role.to_lowercase();
        let wants = match role_lower.as_str() {
            "student" => "a student",
            "teacher" => "staff",
            _ => {
                let e = other_roles
                    .entry(role.to_string())
                    .or_insert((t.at(row), 0));
                e.1 += 1;
                continue;
            }
        };
        let homeroom = classes.homerooms.contains_key(class);
        let scheduled = classes.scheduled_index.get(class).copied();
        if !homeroom && scheduled.is_none() {
            if let Some(why) = classes.why_not(class) {
                issues.push(t.warning(row, "classSourcedId", format!("{why}; row skipped")));
            }
            continue;
        }
        let is_student = role_lower == "student";
        let fits = if is_student {
            people.students.contains_key(user)
        } else {
            people.staff.contains_key(user)
        };
        if !fits {
            if let Some(why) = people.why_not(user, wants) {
                issues.push(t.warning(row, "userSourcedId", format!("{why}; row skipped")));
            }
            continue;
        }
        match (homeroom, scheduled, is_student) {
            (true, _, true) => bundle.enrolments.push(EnrolmentIn {
                at: t.at(row),
                ext_id: Some(t.get(row, "sourcedId").to_string()).filter(|s| !s.is_empty()),
                student: user.to_string(),
                class: class.to_string(),
                starts_on: begin,
                ends_on: end,
                order_no: order.0,
                order_date: order.1,
                end_reason,
                end_order_no: Some(end_no.clone()).filter(|n| !n.is_empty()),
                end_order_date: end_date,
            }),
            (true, _, false) => class_teachers
                .entry(class.to_string())
                .or_default()
                .push((primary, user.to_string())),
            (false, Some(si), true) => {
                let s = &mut classes.scheduled[si];
                if !s.students.iter().any(|x| x == user) {
                    s.students.push(user.to_string());
                }
            }
            (false, Some(si), false) => classes.scheduled[si]
                .teachers
                .push((primary, user.to_string())),
            (false, None, _) => {}
        }
    }
    for (role, (at, n)) in other_roles {
        bundle.issues.push(Issue::warning(
            at,
            t.col("role"),
            format!("enrollments with role «{role}» are not used ({n} rows)"),
        ));
    }
    for (class, teachers) in class_teachers {
        if let Some(&ci) = classes.homerooms.get(&class)
            && let Some(c) = bundle.classes.get_mut(ci)
        {
            c.class_teacher = pick(&teachers);
        }
    }
    workload(t, classes, bundle);
}

/// The current homeroom of each student: the stay that starts last.
fn homes(bundle: &Bundle) -> HashMap<String, String> {
    let mut best: HashMap<&str, (Option<NaiveDate>, usize, &str)> = HashMap::new();
    for (i, e) in bundle.enrolments.iter().enumerate() {
        let cand = (e.starts_on, i, e.class.as_str());
        best.entry(e.student.as_str())
            .and_modify(|b| {
                if (cand.0, cand.1) > (b.0, b.1) {
                    *b = cand;
                }
            })
            .or_insert(cand);
    }
    best.into_iter()
        .map(|(s, (_, _, c))| (s.to_string(), c.to_string()))
        .collect()
}

/// Who teaches each scheduled class's subject to which class or group.
fn workload(t: &Table, classes: &Classes, bundle: &mut Bundle) {
    let home = homes(bundle);
    let mut roster: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (s, c) in &home {
        roster.entry(c.as_str()).or_default().insert(s.as_str());
    }
    let mut new_groups = Vec::new();
    let mut new_members = Vec::new();
    let mut new_workload = Vec::new();
    let mut issues = Vec::new();
    for s in &classes.scheduled {
        let class_at = Origin::new(classes.file.clone(), s.line);
        let teacher = pick(&s.teachers);

        // (homeroom key, students) the class is taught to.
        let mut targets: Vec<(String, Vec<String>)> = Vec::new();
        let mut no_home = Vec::new();
        match &s.meta_class {
            Some(h) if classes.homerooms.contains_key(h) => {
                let (inside, outside): (Vec<String>, Vec<String>) = s
                    .students
                    .iter()
                    .cloned()
                    // Any stay in that class counts: a student who moved
                    // on mid-year keeps the group they were in there.
                    .partition(|st| {
                        bundle
                            .enrolments
                            .iter()
                            .any(|e| &e.student == st && &e.class == h)
                    });
                if !outside.is_empty() {
                    issues.push(Issue::warning(
                        class_at.clone(),
                        META_CLASS,
                        format!(
                            "{} students of «{}» are not in class «{h}»; left out of it",
                            outside.len(),
                            s.title
                        ),
                    ));
                }
                targets.push((h.clone(), inside));
            }
            Some(h) => targets.push((h.clone(), s.students.clone())),
            None => {
                for st in &s.students {
                    match home.get(st) {
                        Some(h) => match targets.iter_mut().find(|(k, _)| k == h) {
                            Some((_, v)) => v.push(st.clone()),
                            None => targets.push((h.clone(), vec![st.clone()])),
                        },
                        None => no_home.push(st.clone()),
                    }
                }
            }
        }
        if targets.is_empty() {
            let why = if s.students.is_empty() {
                "no students are enrolled"
            } else {
                "none of its students is in a homeroom class"
            };
            issues.push(Issue::warning(
                class_at.clone(),
                "",
                format!(
                    "«{}»: {why}, so the class it is taught to is unknown; skipped",
                    s.title
                ),
            ));
            continue;
        }
        if !no_home.is_empty() {
            issues.push(Issue::warning(
                class_at.clone(),
                "",
                format!(
                    "«{}»: {} of its students are in no homeroom class; left out of its groups",
                    s.title,
                    no_home.len()
                ),
            ));
        }
        if teacher.is_none() {
            issues.push(Issue::warning(
                class_at.clone(),
                "",
                format!("«{}»: no teacher is enrolled; no workload row", s.title),
            ));
        }
        for (h, students) in targets {
            let whole = match s.meta_group.as_deref() {
                Some("") => true,
                Some(_) => false,
                None => match roster.get(h.as_str()) {
                    Some(all) => {
                        all.len() == students.len()
                            && students.iter().all(|st| all.contains(st.as_str()))
                    }
                    // A class of the database, named by hand: taught whole.
                    None => !classes.homerooms.contains_key(&h),
                },
            };
            let key = format!("{}@{h}", s.id);
            let group = if whole {
                None
            } else {
                let name = match s.meta_group.as_deref() {
                    Some(g) if !g.is_empty() => g.to_string(),
                    _ if !s.code.is_empty() => s.code.clone(),
                    _ => s.title.clone(),
                };
                new_groups.push(GroupIn {
                    at: class_at.clone(),
                    key: key.clone(),
                    ext_id: Some(key.clone()),
                    class: h.clone(),
                    name,
                });
                for st in students {
                    new_members.push(GroupMemberIn {
                        at: class_at.clone(),
                        group: key.clone(),
                        student: st,
                    });
                }
                Some(key.clone())
            };
            if let Some(teacher) = &teacher {
                new_workload.push(WorkloadIn {
                    at: class_at.clone(),
                    ext_id: Some(key),
                    class: h,
                    group,
                    subject: s.subject.clone(),
                    teacher: teacher.clone(),
                });
            }
        }
    }
    bundle.groups.extend(new_groups);
    bundle.group_members.extend(new_members);
    bundle.workload.extend(new_workload);
    bundle.issues.extend(issues);

    let mut homeless: Vec<String> = bundle
        .students
        .iter()
        .filter(|s| !home.contains_key(&s.key))
        .map(|s| full_name(&s.family_name, &s.given_name, s.patronymic.as_deref()))
        .collect();
    if !homeless.is_empty() {
        let n = homeless.len();
        homeless.truncate(5);
        let more = if n > 5 { ", …" } else { "" };
        bundle.issues.push(Issue::warning(
            Origin::new(t.file.clone(), 0),
            "",
            format!(
                "{n} students are in no homeroom class: {}{more}",
                homeless.join(", ")
            ),
        ));
    }
}
