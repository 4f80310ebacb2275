//! The reader against exports built here from the OneRoster 1.1 and 1.2
//! CSV column lists, with the quirks real exports have.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::classes::{grade_letter, short_form};
use super::sessions::year_label;
use super::{looks_like_oneroster, read};
use crate::domain::{PeriodKind, Relation, Role, Sex};
use crate::service::import::model::{Bundle, Severity};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid date")
}

/// A folder holding the files.
fn export(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("a file written");
    }
    dir
}

/// A zip of the files, inside `folder` when given.
fn zip_export(files: &[(&str, &str)], folder: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("export.zip");
    let file = std::fs::File::create(&path).expect("a zip created");
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    if let Some(f) = folder {
        zip.add_directory(format!("{f}/"), opts)
            .expect("a folder added");
    }
    for (name, text) in files {
        let name = match folder {
            Some(f) => format!("{f}/{name}"),
            None => (*name).to_string(),
        };
        zip.start_file(name, opts).expect("an entry started");
        zip.write_all(text.as_bytes()).expect("an entry written");
    }
    // What macOS adds when it zips a folder: not part of the export.
    zip.start_file("__MACOSX/export/._users.csv", opts)
        .expect("an entry started");
    zip.write_all(b"\x00\x05\x16\x07junk")
        .expect("an entry written");
    zip.finish().expect("the zip finished");
    (dir, path)
}

fn errors(b: &Bundle) -> Vec<String> {
    b.issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

fn warnings(b: &Bundle) -> Vec<String> {
    b.issues
        .iter()
        .filter(|i| i.severity == Severity::Warning)
        .map(ToString::to_string)
        .collect()
}

fn has_warning(b: &Bundle, text: &str) -> bool {
    warnings(b).iter().any(|w| w.contains(text))
}

fn no_errors(b: &Bundle) {
    assert!(!b.has_errors(), "unexpected errors: {:#?}", errors(b));
}

// ---- a OneRoster 1.2 export (roles.csv) ----

const MANIFEST_12: &str = "propertyName,value\r
manifest.version,1.0\r
oneroster.version,1.2\r
file.academicSessions,bulk\r
file.categories,absent\r
file.classes,bulk\r
file.courses,bulk\r
file.demographics,bulk\r
file.enrollments,bulk\r
file.orgs,bulk\r
file.roles,bulk\r
file.users,bulk\r
source.systemName,Test SIS\r
";

const ORGS_12: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-d,active,2025-08-01T00:00:00Z,Районный отдел образования,district,RO,
org-s,active,2025-08-01T00:00:00Z,Школа № 17,school,S17,org-d
";

const SESSIONS_12: &str =
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
y2026,active,2025-08-01,2025/26 учебный год,schoolYear,2025-09-01,2026-05-31,,2026
s1,active,2025-08-01,1 полугодие,semester,2025-09-01,2025-12-28,y2026,2026
s2,active,2025-08-01,2 полугодие,semester,2026-01-12,2026-05-31,y2026,2026
q2,active,2025-08-01,2 четверть,gradingPeriod,2025-11-05,2025-12-28,s1,2026
q1,active,2025-08-01,1 четверть,gradingPeriod,2025-09-01,2025-10-26,s1,2026
q3,active,2025-08-01,3 четверть,gradingPeriod,2026-01-12,2026-03-22,s2,2026
q4,active,2025-08-01,4 четверть,gradingPeriod,2026-03-30,2026-05-31,s2,2026
";

const COURSES_12: &str = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c-math7,active,,y2026,Математика,Мат,07,org-s,Mathematics,
c-eng7,active,,y2026,Английский язык,,07,org-s,English,
c-hr,active,,y2026,Homeroom,,07,org-s,,
";

const CLASSES_12: &str = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
hr-7a,active,,7А,07,c-hr,7А,homeroom,каб. 12,org-s,y2026,,,
hr-10b,active,,Class 10B,,c-hr,10B,homeroom,,org-s,\"s1,s2\",,,
sc-math7,active,,Математика 7А,07,c-math7,MATH-7A,scheduled,,org-s,\"s1,s2\",,,\"1,2\"
";

const USERS_12: &str = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns
t1,active,,true,ivanova,,Анна,Иванова,Петровна,T1,ivanova@school17.ru,,+7 900 000-00-01,,,secret,,,,,,org-s,она
t2,active,,FALSE,hoa.nguyen,,Thị Hoa,Nguyễn,,T2,,+84 90 000 0002,,,,secret,,,,,,org-s,
p1,active,,true,ouyang,,明,欧阳,,P1,ouyang@school17.cn,,,,,,,,,,,org-s,
st1,active,,true,,,Илья,Смирнов,Андреевич,S1,,,,g1,07,,,,,,,org-s,
st2,,,true,,,Văn Nam,Trần,,S2,,,,,07,,,,,,,org-s,
st3,active,,true,,,小龙,李,,S3,,,,,10,,,,,,,org-s,
g1,active,,true,,,Ольга,Смирнова,Игоревна,,olga@mail.ru,,+7 900 000-00-03,,,,,,,,,,
g2,active,,true,,,Thị Lan,Trần,,,,,,st2,,,,,,,,,
";

const ROLES_12: &str = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId,,
r1,active,,t1,primary,teacher,2025-09-01,,org-s,,,
r2,active,,t2,primary,teacher,2025-09-01,,org-s,,,
r3,active,,p1,primary,principal,2025-09-01,,org-s,,,
r3b,active,,p1,secondary,teacher,2025-09-01,,org-s,,,
r4,active,,st1,primary,student,,,org-s
r5,active,,st2,primary,student,,,org-s
r6,active,,st3,primary,student,,,org-s
r7,active,,g1,primary,parent,,,org-s
r8,active,,g2,primary,guardian,,,org-s
";

const ENROLLMENTS_12: &str = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate,metadata.orderNo,metadata.orderDate
e1,active,,hr-7a,org-s,st1,student,false,2025-09-01,,12-у,2025-08-28
e2,active,,hr-7a,org-s,st2,student,false,2025-09-01,,,
e3,active,,hr-10b,org-s,st3,student,false,9/1/2025,,,
e4,active,,hr-7a,org-s,t2,teacher,false,,,,
e5,active,,hr-7a,org-s,t1,teacher,true,,,,
e6,active,,sc-math7,org-s,t2,teacher,true,,,,
e7,active,,sc-math7,org-s,st1,student,false,,,,
e8,active,,sc-math7,org-s,st2,student,false,,,,
";

const DEMOGRAPHICS_12: &str = "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus
st1,active,,2013-04-12,male,,,,,,,,,,,
st2,active,,2013-11-02,other,,,,,,,,,,,
st3,active,,03/15/2010,female,,,,,,,,,,,
g1,active,,,female,,,,,,,,,,,
";

fn files_12() -> Vec<(&'static str, &'static str)> {
    vec![
        ("manifest.csv", MANIFEST_12),
        ("orgs.csv", ORGS_12),
        ("academicSessions.csv", SESSIONS_12),
        ("courses.csv", COURSES_12),
        ("classes.csv", CLASSES_12),
        ("users.csv", USERS_12),
        ("roles.csv", ROLES_12),
        ("enrollments.csv", ENROLLMENTS_12),
        ("demographics.csv", DEMOGRAPHICS_12),
    ]
}

/// `files` with one file's text replaced (or added).
fn with(
    mut files: Vec<(&'static str, &'static str)>,
    name: &'static str,
    text: &'static str,
) -> Vec<(&'static str, &'static str)> {
    match files.iter_mut().find(|(n, _)| *n == name) {
        Some(f) => f.1 = text,
        None => files.push((name, text)),
    }
    files
}

fn without(
    files: Vec<(&'static str, &'static str)>,
    name: &str,
) -> Vec<(&'static str, &'static str)> {
    files.into_iter().filter(|(n, _)| *n != name).collect()
}

#[test]
fn a_1_2_export_with_roles_is_read_whole() {
    let dir = export(&files_12());
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(
        b.source,
        format!("OneRoster 1.2 ({})", dir.path().display())
    );
    assert!(b.full_roster);

    let school = b.school.as_ref().expect("the school");
    assert_eq!(school.name, "Школа № 17");
    assert_eq!(school.ext_id.as_deref(), Some("org-s"));

    assert_eq!(b.years.len(), 1);
    let y = &b.years[0];
    assert_eq!((y.key.as_str(), y.label.as_str()), ("y2026", "2025/26"));
    assert_eq!((y.starts_on, y.ends_on), (d(2025, 9, 1), d(2026, 5, 31)));
    let periods: Vec<(PeriodKind, u8, &str)> = b
        .periods
        .iter()
        .map(|p| (p.kind, p.number, p.ext_id.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        periods,
        vec![
            (PeriodKind::Quarter, 1, "q1"),
            (PeriodKind::Half, 1, "s1"),
            (PeriodKind::Quarter, 2, "q2"),
            (PeriodKind::Quarter, 3, "q3"),
            (PeriodKind::Half, 2, "s2"),
            (PeriodKind::Quarter, 4, "q4"),
            (PeriodKind::Year, 1, "-"),
        ],
        "quarters numbered by start date, found through their semesters"
    );
    assert!(b.periods.iter().all(|p| p.year == "y2026"));
    let year_period = b.periods.last().expect("the year period");
    assert_eq!(
        (year_period.starts_on, year_period.ends_on),
        (d(2025, 9, 1), d(2026, 5, 31))
    );
    assert_eq!(b.periods[0].label, "1 четверть");
    assert_eq!(year_period.label, "Год");

    // Courses that only homerooms use are no subjects.
    let subjects: Vec<(&str, &str, &str)> = b
        .subjects
        .iter()
        .map(|s| (s.key.as_str(), s.name.as_str(), s.short_name.as_str()))
        .collect();
    assert_eq!(
        subjects,
        vec![
            ("c-math7", "Математика", "Мат"),
            ("c-eng7", "Английский язык", "Англ")
        ]
    );

    let classes: Vec<_> = b
        .classes
        .iter()
        .map(|c| {
            (
                c.key.as_str(),
                c.grade,
                c.letter.as_str(),
                c.year.as_deref(),
                c.class_teacher.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        vec![
            ("hr-7a", 7, "А", Some("y2026"), Some("t1")),
            ("hr-10b", 10, "B", Some("y2026"), None),
        ],
        "the primary teacher is the class teacher even when listed second"
    );

    let staff: Vec<_> = b
        .staff
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.family_name.as_str(),
                s.given_name.as_str(),
                s.login.as_deref(),
                s.active,
                s.roles.clone(),
            )
        })
        .collect();
    assert_eq!(
        staff,
        vec![
            (
                "t1",
                "Иванова",
                "Анна",
                Some("ivanova"),
                true,
                vec![Role::Teacher]
            ),
            (
                "t2",
                "Nguyễn",
                "Thị Hoa",
                Some("hoa.nguyen"),
                false,
                vec![Role::Teacher]
            ),
            (
                "p1",
                "欧阳",
                "明",
                Some("ouyang"),
                true,
                vec![Role::Director, Role::Teacher]
            ),
        ]
    );
    assert_eq!(b.staff[0].patronymic.as_deref(), Some("Петровна"));
    assert_eq!(b.staff[0].phone.as_deref(), Some("+7 900 000-00-01"));
    assert_eq!(
        b.staff[1].phone.as_deref(),
        Some("+84 90 000 0002"),
        "sms when there is no phone"
    );

    let students: Vec<(&str, &str, Option<NaiveDate>, Option<Sex>)> = b
        .students
        .iter()
        .map(|s| (s.key.as_str(), s.family_name.as_str(), s.birth_date, s.sex))
        .collect();
    assert_eq!(
        students,
        vec![
            ("st1", "Смирнов", Some(d(2013, 4, 12)), Some(Sex::M)),
            ("st2", "Trần", Some(d(2013, 11, 2)), None),
            ("st3", "李", Some(d(2010, 3, 15)), Some(Sex::F)),
        ]
    );
    assert_eq!(b.students[0].patronymic.as_deref(), Some("Андреевич"));

    let guardians: Vec<(&str, Vec<(String, Relation)>)> = b
        .guardians
        .iter()
        .map(|g| (g.key.as_str(), g.children.clone()))
        .collect();
    assert_eq!(
        guardians,
        vec![
            ("g1", vec![("st1".to_string(), Relation::Mother)]),
            ("g2", vec![("st2".to_string(), Relation::Guardian)]),
        ],
        "a parent's sex from demographics makes her the mother; a guardian stays a guardian"
    );

    let enrolments: Vec<_> = b
        .enrolments
        .iter()
        .map(|e| {
            (
                e.student.as_str(),
                e.class.as_str(),
                e.starts_on,
                e.order_no.as_deref(),
                e.order_date,
            )
        })
        .collect();
    assert_eq!(
        enrolments,
        vec![
            (
                "st1",
                "hr-7a",
                Some(d(2025, 9, 1)),
                Some("12-у"),
                Some(d(2025, 8, 28))
            ),
            ("st2", "hr-7a", Some(d(2025, 9, 1)), None, None),
            ("st3", "hr-10b", Some(d(2025, 9, 1)), None, None),
        ]
    );
    assert_eq!(b.enrolments[0].ext_id.as_deref(), Some("e1"));

    // Maths is taken by every student of 7А: the whole class, no group.
    assert!(b.groups.is_empty() && b.group_members.is_empty());
    assert_eq!(b.workload.len(), 1);
    let w = &b.workload[0];
    assert_eq!(
        (
            w.class.as_str(),
            w.group.as_deref(),
            w.subject.as_str(),
            w.teacher.as_str()
        ),
        ("hr-7a", None, "c-math7", "t2")
    );

    // What was left aside is said once per file and column.
    let pronouns: Vec<String> = warnings(&b)
        .into_iter()
        .filter(|w| w.contains("pronouns"))
        .collect();
    assert_eq!(
        pronouns,
        vec!["users.csv:1: pronouns: warning: column «pronouns» is not used"]
    );
    assert!(has_warning(
        &b,
        "demographics.csv:3: sex: warning: sex «other» cannot be stored; left unknown"
    ));
    assert!(!has_warning(&b, "dateLastModified"), "{:#?}", warnings(&b));
    let roles_columns: Vec<String> = warnings(&b)
        .into_iter()
        .filter(|w| w.starts_with("roles.csv:1:"))
        .collect();
    assert_eq!(
        roles_columns,
        vec!["roles.csv:1: beginDate: warning: column «beginDate» is not used",],
        "empty header cells are no columns, and unused columns left empty (endDate, userProfileSourcedId) are not named"
    );
}

#[test]
fn every_text_is_nfc_and_trimmed() {
    // "Nguyễn" typed with combining marks, padded with spaces.
    let decomposed = "Nguye\u{302}\u{303}n";
    let users = format!(
        "sourcedId,givenName,familyName,role\nst9,  Thi\u{323} Hoa ,  {decomposed} ,student\n"
    );
    let dir = export(&[("users.csv", &users)]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.students[0].family_name, "Nguyễn");
    assert_eq!(b.students[0].given_name, "Thị Hoa");
}

// ---- a OneRoster 1.1 export (role in users.csv) ----

#[test]
fn a_1_1_export_with_the_role_in_users_and_its_own_column_order() {
    let manifest = "propertyName,value\noneroster.version,1.1\nfile.users,delta\nfile.enrollments,bulk\nfile.classes,bulk\n";
    // 1.1 columns, in an order of this exporter's own.
    let users = "role,sourcedId,familyName,givenName,middleName,status,dateLastModified,enabledUser,orgSourcedIds,username,userIds,identifier,email,sms,phone,agentSourcedIds,grades,password
teacher,u-t,Иванова,Анна,Петровна,active,2025-08-01,true,org-s,ivanova,,,ivanova@school.ru,,,,,
student,u-s1,Nguyễn,Thị Hoa,,active,2025-08-01,true,org-s,,,,,,,u-p,08,
student,u-s2,欧阳,明,,active,2025-08-01,true,org-s,,,,,,,,08,
parent,u-p,Nguyễn,Văn Minh,,active,2025-08-01,true,org-s,,,,,,0901234567,u-s1,,
relative,u-r,欧阳,华,,active,2025-08-01,true,,,,,,,,u-s2,,
administrator,u-a,Петров,Пётр,,active,2025-08-01,true,org-s,petrov,,,,,,,,
";
    let classes = "classType,sourcedId,title,grades,termSourcedIds,courseSourcedId,classCode,schoolSourcedId,status,dateLastModified,location,subjects,periods
homeroom,k-8a,8A,08,,,8A,org-s,active,,,,
";
    let enrollments = "userSourcedId,classSourcedId,role,primary,sourcedId,status,dateLastModified,schoolSourcedId,beginDate,endDate
u-s1,k-8a,student,false,en1,active,,org-s,,
u-s2,k-8a,student,false,en2,active,,org-s,,
u-t,k-8a,teacher,true,en3,active,,org-s,,
";
    let dir = export(&[
        ("manifest.csv", manifest),
        ("users.csv", users),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(
        b.source,
        format!("OneRoster 1.1 ({})", dir.path().display())
    );
    assert!(!b.full_roster, "a delta users.csv is not the whole roster");
    let students: Vec<&str> = b.students.iter().map(|s| s.given_name.as_str()).collect();
    assert_eq!(students, vec!["Thị Hoa", "明"]);
    let staff: Vec<(&str, Vec<Role>)> = b
        .staff
        .iter()
        .map(|s| (s.key.as_str(), s.roles.clone()))
        .collect();
    assert_eq!(
        staff,
        vec![("u-t", vec![Role::Teacher]), ("u-a", vec![Role::Deputy])]
    );
    let guardians: Vec<(&str, Vec<(String, Relation)>)> = b
        .guardians
        .iter()
        .map(|g| (g.key.as_str(), g.children.clone()))
        .collect();
    assert_eq!(
        guardians,
        vec![
            ("u-p", vec![("u-s1".to_string(), Relation::Other)]),
            ("u-r", vec![("u-s2".to_string(), Relation::Other)]),
        ],
        "a parent of unknown sex and a relative are «other»; the link named on both sides is one link"
    );
    assert_eq!(b.guardians[0].phone.as_deref(), Some("0901234567"));
    assert_eq!(b.classes.len(), 1);
    assert_eq!(
        (
            b.classes[0].grade,
            b.classes[0].letter.as_str(),
            b.classes[0].year.as_deref()
        ),
        (8, "A", None)
    );
    assert_eq!(b.classes[0].class_teacher.as_deref(), Some("u-t"));
    assert_eq!(b.enrolments.len(), 2);
    assert!(b.years.is_empty() && b.periods.is_empty());
    assert!(has_warning(&b, "no orgs.csv"));
}

#[test]
fn a_1_1_export_without_a_role_column_is_refused() {
    let users = "sourcedId,givenName,familyName\nu1,Анна,Иванова\n";
    let dir = export(&[("users.csv", users)]);
    let b = read(dir.path());
    assert_eq!(
        errors(&b),
        vec![
            "users.csv:1: role: required column «role» is missing (OneRoster 1.1 gives each user's role there; 1.2 gives roles.csv)"
        ]
    );
}

// ---- headers as real exports write them ----

#[test]
fn headers_are_matched_by_name_whatever_their_order_case_spelling_and_extras() {
    // A byte order mark, padded and upper-case headers, the misspellings
    // real exports carry, vendor and metadata columns, empty header cells
    // and rows shorter or longer than the header.
    let users = "\u{feff} SourcedID ,ROLE,dataLastModified,FamilyName,givenname,prefferedGivenName,metadata.vendor.house,Vendor Code,,email,
u1,student,2025-01-01,Иванова,Анна,Аня,Red,X1,,anna@example.com,extra
u2,student,2025-01-01,Nguyễn,Thị Hoa,Hoa,Blue,X2
u3,student,,欧阳,明
";
    let dir = export(&[("users.csv", users)]);
    let b = read(dir.path());
    no_errors(&b);
    let names: Vec<(&str, &str, Option<&str>)> = b
        .students
        .iter()
        .map(|s| (s.key.as_str(), s.family_name.as_str(), s.email.as_deref()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("u1", "Иванова", Some("anna@example.com")),
            ("u2", "Nguyễn", None),
            ("u3", "欧阳", None)
        ]
    );
    let mut columns: Vec<String> = warnings(&b)
        .into_iter()
        .filter(|w| w.starts_with("users.csv:1:"))
        .collect();
    columns.sort();
    assert_eq!(
        columns,
        vec![
            "users.csv:1: Vendor Code: warning: column «Vendor Code» is not used",
            "users.csv:1: metadata.vendor.house: warning: column «metadata.vendor.house» is not used",
            "users.csv:1: prefferedGivenName: warning: column «prefferedGivenName» is not used",
        ],
        "one warning per unused column, none for dataLastModified or empty header cells"
    );
}

#[test]
fn a_missing_required_column_is_one_error_at_the_header() {
    let users = "sourcedId,role,givenName\nu1,student,Анна\nu2,student,Hoa\n";
    let dir = export(&[("users.csv", users)]);
    let b = read(dir.path());
    assert_eq!(
        errors(&b),
        vec!["users.csv:1: familyName: required column «familyName» is missing"]
    );
    assert!(b.students.is_empty());
}

#[test]
fn semicolon_separated_files_are_read_with_a_warning() {
    let users = "sourcedId;role;givenName;familyName\nu1;student;Анна;Иванова\n";
    let dir = export(&[("users.csv", users)]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.students[0].family_name, "Иванова");
    assert!(has_warning(&b, "separated by semicolons"));
}

#[test]
fn text_that_is_not_utf8_is_an_error_on_its_line() {
    let mut users =
        b"sourcedId,role,givenName,familyName\nu1,student,Anna,Ivanova\nu2,student,".to_vec();
    users.extend_from_slice(b"\xc0\xc1na,Petrova\n");
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("users.csv"), users).expect("written");
    let b = read(dir.path());
    assert_eq!(
        errors(&b),
        vec!["users.csv:3: givenName: not UTF-8 text (save the file as CSV in UTF-8)"]
    );
    assert_eq!(b.students.len(), 1);
}

// ---- every bad line is reported ----

#[test]
fn every_bad_line_is_reported_with_file_line_and_column() {
    let users = "sourcedId,role,givenName,familyName,enabledUser
u1,student,Анна,Иванова,true
u2,student,Hoa,,true
u3,teacher,明,欧阳,maybe
u4,student,Илья,Смирнов,
u1,student,Анна,Иванова,true
";
    let sessions = "sourcedId,type,startDate,endDate,title
y1,schoolYear,2025-09-01,2026-05-31,2025/26
t1,term,2025-09-01,31/12/2025,1
t2,term,,2026-05-31,2
t3,term,2026-05-31,2026-01-12,3
";
    let classes = "sourcedId,title,classType,grades,termSourcedIds
c1,7А,homeroom,07,y1
c2,12А,homeroom,,y1
c3,Kindergarten,homeroom,KG,y1
c4,7,homeroom,07,y1
";
    let enrollments = "sourcedId,classSourcedId,userSourcedId,role,beginDate,endDate,primary,metadata.orderNo,metadata.orderDate
e1,c1,u1,student,2025-09-01,,false,,
e2,c1,u4,student,2025-13-01,,false,,
e3,c1,u4,student,2025-09-01,2025-08-01,false,,
e4,c1,u4,student,,,perhaps,,
e5,c1,u4,student,,,,15,
e6,c1,u4,student,,,,,2025-08-30
e1,c1,u4,student,,,,,
";
    let demographics = "sourcedId,birthDate,sex\nu1,2013-02-30,female\n";
    // Windows line ends in one file: line numbers must not drift.
    let users = users.replace('\n', "\r\n");
    let dir = export(&[
        ("users.csv", &users),
        ("academicSessions.csv", sessions),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
        ("demographics.csv", demographics),
    ]);
    let b = read(dir.path());
    let mut got = errors(&b);
    got.sort();
    let mut want = vec![
        "users.csv:3: familyName: no value (it is required)",
        "users.csv:4: enabledUser: neither true nor false: «maybe»",
        "users.csv:6: sourcedId: «u1» is already used on line 2",
        "academicSessions.csv:3: endDate: not a date: «31/12/2025»",
        "academicSessions.csv:4: startDate: no value (it is required)",
        "academicSessions.csv:5: endDate: ends (12.01.2026) before it starts (31.05.2026)",
        "classes.csv:3: title: grade «12» (from the title) is not 1–11",
        "classes.csv:4: grades: grade «KG» is not a number 1–11",
        "classes.csv:5: title: no class letter (1–3 characters after the grade) in «7»",
        "enrollments.csv:3: beginDate: not a date: «2025-13-01»",
        "enrollments.csv:4: endDate: ends (01.08.2025) before it begins (01.09.2025)",
        "enrollments.csv:5: primary: neither true nor false: «perhaps»",
        "enrollments.csv:6: metadata.orderDate: order «15» has no date (give both the order number and its date, or neither)",
        "enrollments.csv:7: metadata.orderNo: an order date without an order number (give both, or neither)",
        "enrollments.csv:8: sourcedId: «e1» is already used on line 2",
        "demographics.csv:2: birthDate: not a date: «2013-02-30»",
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(b.has_errors());
}

// ---- zips ----

#[test]
fn a_zip_with_the_export_in_a_sub_folder_is_read() {
    let (_dir, path) = zip_export(&files_12(), Some("oneroster-2025"));
    assert!(looks_like_oneroster(&path));
    let b = read(&path);
    no_errors(&b);
    assert_eq!(b.source, format!("OneRoster 1.2 ({})", path.display()));
    assert_eq!(b.students.len(), 3);
    assert_eq!(b.classes.len(), 2);
    assert_eq!(b.workload.len(), 1);
    // Issues name the file as the export does, not the zip's inner path.
    assert!(has_warning(&b, "users.csv:1: pronouns: warning"));
    assert!(!has_warning(&b, "__MACOSX"), "{:#?}", warnings(&b));
}

#[test]
fn a_zip_with_the_files_at_its_root_is_read() {
    let (_dir, path) = zip_export(&files_12(), None);
    assert!(looks_like_oneroster(&path));
    let b = read(&path);
    no_errors(&b);
    assert_eq!(b.staff.len(), 3);
}

#[test]
fn what_is_not_an_export_says_so() {
    let empty = tempfile::tempdir().expect("a temporary folder");
    assert!(!looks_like_oneroster(empty.path()));
    let b = read(empty.path());
    assert_eq!(
        errors(&b),
        vec![format!(
            "{}: no users.csv: the export has no people",
            empty.path().display()
        )]
    );

    let not_zip = empty.path().join("roster.zip");
    std::fs::write(&not_zip, "sourcedId,role\n").expect("written");
    assert!(!looks_like_oneroster(&not_zip));
    let b = read(&not_zip);
    assert_eq!(b.issues.len(), 1);
    assert!(errors(&b)[0].starts_with(&format!(
        "{}: is neither a folder nor a readable zip",
        not_zip.display()
    )));

    let nowhere = empty.path().join("missing");
    assert!(!looks_like_oneroster(&nowhere));
    assert_eq!(
        errors(&read(&nowhere)),
        vec![format!("{}: no such folder or file", nowhere.display())]
    );

    let folder = export(&[("users.csv", "sourcedId,role,givenName,familyName\n")]);
    assert!(looks_like_oneroster(folder.path()));
}

#[test]
fn a_folder_with_the_export_one_level_down_is_read() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let inner = dir.path().join("export");
    std::fs::create_dir(&inner).expect("a folder");
    for (name, text) in files_12() {
        std::fs::write(inner.join(name), text).expect("written");
    }
    std::fs::write(dir.path().join("README.txt"), "not csv").expect("written");
    assert!(looks_like_oneroster(dir.path()));
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.students.len(), 3);
}

// ---- rows to skip ----

#[test]
fn tobedeleted_rows_are_skipped_with_a_warning() {
    let users = "sourcedId,status,role,givenName,familyName
u1,active,student,Анна,Иванова
u2,tobedeleted,student,Hoa,Nguyễn
u3,,student,明,欧阳
u4,TOBEDELETED,teacher,Пётр,Петров
";
    let classes = "sourcedId,status,title,classType,grades
c1,active,7А,homeroom,07
c2,tobedeleted,7Б,homeroom,07
";
    let enrollments = "sourcedId,status,classSourcedId,userSourcedId,role
e1,active,c1,u1,student
e2,tobedeleted,c1,u3,student
e3,active,c2,u3,student
e4,active,c1,u2,student
";
    let dir = export(&[
        ("users.csv", users),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    let students: Vec<&str> = b.students.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(students, vec!["u1", "u3"]);
    assert!(b.staff.is_empty());
    assert_eq!(b.classes.len(), 1);
    assert_eq!(b.enrolments.len(), 1);
    for w in [
        "users.csv:3: status: warning: status «tobedeleted»: row skipped",
        "users.csv:5: status: warning: status «tobedeleted»: row skipped",
        "classes.csv:3: status: warning: status «tobedeleted»: row skipped",
        "enrollments.csv:3: status: warning: status «tobedeleted»: row skipped",
        "enrollments.csv:4: classSourcedId: warning: class «c2» was skipped; row skipped",
        "enrollments.csv:5: userSourcedId: warning: user «u2» was skipped; row skipped",
    ] {
        assert!(has_warning(&b, w), "missing «{w}» in {:#?}", warnings(&b));
    }
}

#[test]
fn dangling_references_are_warnings_and_their_rows_are_skipped() {
    let users = "sourcedId,role,givenName,familyName,agentSourcedIds
u1,student,Анна,Иванова,p-gone
u2,parent,Hoa,Nguyễn,\"u1,s-gone\"
";
    let sessions = "sourcedId,type,startDate,endDate
y1,schoolYear,2025-09-01,2026-05-31
";
    let classes = "sourcedId,title,classType,grades,termSourcedIds
c1,7А,homeroom,07,y1
c2,8Б,homeroom,08,t-gone
";
    let enrollments = "sourcedId,classSourcedId,userSourcedId,role
e1,c1,u1,student
e2,c1,u-gone,student
e3,c-gone,u1,student
e4,c1,u2,student
";
    let demographics = "sourcedId,birthDate,sex\nu-gone,2013-01-01,male\n";
    let dir = export(&[
        ("users.csv", users),
        ("academicSessions.csv", sessions),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
        ("demographics.csv", demographics),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.classes.len(), 1);
    assert_eq!(b.enrolments.len(), 1);
    assert_eq!(
        b.guardians[0].children,
        vec![("u1".to_string(), Relation::Other)]
    );
    for w in [
        "users.csv:2: agentSourcedIds: warning: user «p-gone» is not in users.csv; link skipped",
        "users.csv:3: agentSourcedIds: warning: user «s-gone» is not in users.csv; link skipped",
        "classes.csv:3: termSourcedIds: warning: term «t-gone» is not in academicSessions.csv; row skipped",
        "enrollments.csv:3: userSourcedId: warning: user «u-gone» is not in users.csv; row skipped",
        "enrollments.csv:4: classSourcedId: warning: class «c-gone» is not in classes.csv; row skipped",
        "enrollments.csv:5: userSourcedId: warning: user «u2» is a parent or guardian, not a student; row skipped",
        "demographics.csv:2: sourcedId: warning: user «u-gone» is not in users.csv; row skipped",
    ] {
        assert!(has_warning(&b, w), "missing «{w}» in {:#?}", warnings(&b));
    }
}

#[test]
fn demographics_store_only_female_and_male() {
    let users = "sourcedId,role,givenName,familyName
u1,student,Анна,Иванова
u2,student,Hoa,Nguyễn
u3,student,明,欧阳
u4,student,Илья,Смирнов
";
    let demographics = "sourcedId,birthDate,sex
u1,2013-05-01,Female
u2,2013-05-02,other
u3,2013-05-03,unspecified
u4,2013-05-04,
";
    let dir = export(&[("users.csv", users), ("demographics.csv", demographics)]);
    let b = read(dir.path());
    no_errors(&b);
    let sexes: Vec<Option<Sex>> = b.students.iter().map(|s| s.sex).collect();
    assert_eq!(sexes, vec![Some(Sex::F), None, None, None]);
    assert_eq!(b.students[2].birth_date, Some(d(2013, 5, 3)));
    assert!(has_warning(
        &b,
        "demographics.csv:3: sex: warning: sex «other» cannot be stored; left unknown"
    ));
    assert!(has_warning(
        &b,
        "demographics.csv:4: sex: warning: sex «unspecified» cannot be stored; left unknown"
    ));
    assert_eq!(warnings(&b).iter().filter(|w| w.contains("sex")).count(), 2);
}

#[test]
fn users_without_a_role_or_with_an_unknown_one_are_skipped() {
    let users = "sourcedId,role,givenName,familyName
u1,student,Анна,Иванова
u2,,Hoa,Nguyễn
u3,wizard,明,欧阳
";
    let dir = export(&[("users.csv", users)]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.students.len(), 1);
    assert!(has_warning(
        &b,
        "users.csv:3: role: warning: no role; user skipped"
    ));
    assert!(has_warning(
        &b,
        "users.csv:4: role: warning: role «wizard» is not known; user skipped"
    ));
}

#[test]
fn roles_csv_gives_the_primary_role_and_every_staff_role() {
    let users = "sourcedId,givenName,familyName,agentSourcedIds
u1,Анна,Иванова,
u2,Văn Minh,Nguyễn,s1
s1,Hoa,Nguyễn,
u3,明,欧阳,
";
    // u1: secondary first, the primary wins; u2: a teacher who is also a
    // pupil's parent; u3: only in users.csv.
    let roles = "sourcedId,userSourcedId,roleType,role
r1,u1,secondary,teacher
r2,u1,primary,principal
r3,u2,primary,teacher
r4,u2,secondary,parent
r5,s1,primary,student
r6,ghost,primary,student
";
    let demographics = "sourcedId,birthDate,sex\nu2,,male\n";
    let dir = export(&[
        ("users.csv", users),
        ("roles.csv", roles),
        ("demographics.csv", demographics),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    let staff: Vec<(&str, Vec<Role>)> = b
        .staff
        .iter()
        .map(|s| (s.key.as_str(), s.roles.clone()))
        .collect();
    assert_eq!(
        staff,
        vec![
            ("u1", vec![Role::Teacher, Role::Director]),
            ("u2", vec![Role::Teacher])
        ]
    );
    assert_eq!(b.guardians.len(), 1);
    assert_eq!(b.guardians[0].key, "u2");
    assert_eq!(
        b.guardians[0].children,
        vec![("s1".to_string(), Relation::Father)]
    );
    assert!(has_warning(
        &b,
        "users.csv:5: warning: no role (roles.csv does not list the user and the role column is empty); user skipped"
    ));
    assert!(has_warning(
        &b,
        "roles.csv:7: userSourcedId: warning: user «ghost» is not in users.csv; row skipped"
    ));
}

// ---- school years and periods ----

#[test]
fn a_year_the_file_lacks_is_made_from_its_terms() {
    let sessions = "sourcedId,status,title,type,startDate,endDate,parentSourcedId,schoolYear
t1,active,Term 1,term,2024-09-02,2024-12-20,y-missing,2025
t2,active,Term 2,term,2025-01-08,2025-05-30,y-missing,2025
g1,active,Q1,gradingPeriod,2024-09-02,2024-10-25,t1,2025
x1,active,Summer school,ext:summer,2025-06-01,2025-06-30,,2025
";
    let users = "sourcedId,role,givenName,familyName\nu1,student,Анна,Иванова\n";
    let dir = export(&[("users.csv", users), ("academicSessions.csv", sessions)]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.years.len(), 1);
    let y = &b.years[0];
    assert_eq!(
        (
            y.key.as_str(),
            y.ext_id.as_deref(),
            y.label.as_str(),
            y.starts_on,
            y.ends_on
        ),
        (
            "y-missing",
            Some("y-missing"),
            "2024/25",
            d(2024, 9, 2),
            d(2025, 5, 30)
        )
    );
    let periods: Vec<(PeriodKind, u8, Option<&str>)> = b
        .periods
        .iter()
        .map(|p| (p.kind, p.number, p.ext_id.as_deref()))
        .collect();
    assert_eq!(
        periods,
        vec![
            (PeriodKind::Quarter, 1, Some("g1")),
            (PeriodKind::Half, 1, Some("t1")),
            (PeriodKind::Half, 2, Some("t2")),
            (PeriodKind::Year, 1, None),
        ]
    );
    assert!(has_warning(
        &b,
        "academicSessions.csv:2: warning: school year «y-missing» is not in the file; it is made from its sessions: 2024/25, 02.09.2024 – 30.05.2025"
    ));
    assert!(has_warning(
        &b,
        "academicSessions.csv:5: type: warning: session type «ext:summer»"
    ));
}

#[test]
fn a_year_named_only_by_the_school_year_column_is_made_too() {
    let sessions = "sourcedId,title,type,startDate,endDate,schoolYear
s1,Semester 1,semester,2025-09-01,2025-12-26,2026
s2,Semester 2,semester,2026-01-12,2026-05-29,2026
";
    let users = "sourcedId,role,givenName,familyName\nu1,student,Анна,Иванова\n";
    let dir = export(&[("users.csv", users), ("academicSessions.csv", sessions)]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.years.len(), 1);
    assert_eq!(
        (b.years[0].key.as_str(), b.years[0].ext_id.as_deref()),
        ("2025/26", None)
    );
    assert!(b.periods.iter().all(|p| p.year == "2025/26"));
    assert!(has_warning(
        &b,
        "no school year of the file has schoolYear 2026"
    ));
}

#[test]
fn a_term_spanning_its_year_is_the_year_period() {
    let sessions = "sourcedId,title,type,startDate,endDate,parentSourcedId
y1,2025-26,schoolYear,2025-09-01,2026-06-30,
fy,Full Year,term,2025-09-01,2026-06-30,y1
s1,Fall,semester,2025-09-01,2026-01-20,y1
s2,Spring,semester,2026-01-21,2026-06-30,y1
";
    let users = "sourcedId,role,givenName,familyName\nu1,student,Анна,Иванова\n";
    let dir = export(&[("users.csv", users), ("academicSessions.csv", sessions)]);
    let b = read(dir.path());
    no_errors(&b);
    let periods: Vec<(PeriodKind, u8, Option<&str>, &str)> = b
        .periods
        .iter()
        .map(|p| (p.kind, p.number, p.ext_id.as_deref(), p.label.as_str()))
        .collect();
    assert_eq!(
        periods,
        vec![
            (PeriodKind::Half, 1, Some("s1"), "Fall"),
            (PeriodKind::Year, 1, Some("fy"), "Full Year"),
            (PeriodKind::Half, 2, Some("s2"), "Spring"),
        ]
    );
}

#[test]
fn more_than_four_periods_of_a_kind_in_a_year_is_an_error() {
    let sessions = "sourcedId,type,startDate,endDate,parentSourcedId
y1,schoolYear,2025-09-01,2026-05-31,
g1,gradingPeriod,2025-09-01,2025-10-15,y1
g2,gradingPeriod,2025-10-16,2025-12-01,y1
g3,gradingPeriod,2025-12-02,2026-01-31,y1
g4,gradingPeriod,2026-02-01,2026-03-31,y1
g5,gradingPeriod,2026-04-01,2026-05-31,y1
t1,term,2025-08-01,2025-12-31,y1
";
    let users = "sourcedId,role,givenName,familyName\nu1,student,Анна,Иванова\n";
    let dir = export(&[("users.csv", users), ("academicSessions.csv", sessions)]);
    let b = read(dir.path());
    assert_eq!(
        errors(&b),
        vec![
            "academicSessions.csv:8: startDate: «t1» (01.08.2025 – 31.12.2025) lies outside its school year «y1» (01.09.2025 – 31.05.2026)",
            "academicSessions.csv:7: type: school year «y1» has more than 4 quarters (grading periods); «g5» is the 5th",
        ]
    );
}

#[test]
fn year_labels_come_from_the_dates_and_the_school_year_column() {
    assert_eq!(year_label(d(2025, 9, 1), d(2026, 5, 31), ""), "2025/26");
    assert_eq!(year_label(d(1999, 9, 1), d(2000, 6, 30), "2000"), "1999/00");
    assert_eq!(
        year_label(d(2022, 9, 1), d(2022, 12, 24), "2023"),
        "2022/23"
    );
    assert_eq!(year_label(d(2025, 2, 1), d(2025, 12, 15), "2025"), "2025");
    assert_eq!(year_label(d(2025, 2, 1), d(2025, 12, 15), ""), "2025");
}

// ---- classes ----

#[test]
fn grades_and_letters_are_read_from_titles_as_schools_write_them() {
    let ok = |grades: &str, title: &str, code: &str| {
        grade_letter(grades, title, code).expect("a grade and letter")
    };
    assert_eq!(ok("07", "7А", ""), (7, "А".to_string()));
    assert_eq!(ok("", "7А", ""), (7, "А".to_string()));
    assert_eq!(ok("", "Class 10B", ""), (10, "B".to_string()));
    assert_eq!(ok("09,10", "9 «Б» класс", ""), (9, "Б".to_string()));
    assert_eq!(ok("", "11-В", ""), (11, "В".to_string()));
    assert_eq!(ok("10", "Lớp 10A1", ""), (10, "A1".to_string()));
    assert_eq!(ok("07", "初一(3)班", "7-3"), (7, "3".to_string()));
    assert_eq!(ok("05", "Homeroom Smith", "Б"), (5, "Б".to_string()));
    assert_eq!(ok("1", "1 a", ""), (1, "a".to_string()));

    let err = |grades: &str, title: &str, code: &str| {
        grade_letter(grades, title, code).expect_err("refused")
    };
    assert_eq!(err("12", "12A", "").0, "grades");
    assert_eq!(err("00", "0A", "").1, "grade «00» is not 1–11");
    assert_eq!(
        err("", "Kindergarten", "").1,
        "no grade: the grades column is empty and the title «Kindergarten» has no number"
    );
    assert_eq!(
        err("07", "7 Homeroom", "HR-7").1,
        "no class letter (1–3 characters after the grade) in «7 Homeroom» nor in the class code «HR-7»"
    );
}

#[test]
fn short_subject_names() {
    assert_eq!(short_form("Физика"), "Физика");
    assert_eq!(short_form("Toán học"), "Toán học");
    assert_eq!(short_form("数学"), "数学");
    assert_eq!(short_form("Introduction to Physics"), "Intr");
    assert_eq!(short_form("Lịch sử Việt Nam"), "Lịch");
    assert_eq!(short_form("Изобразительное искусство"), "Изоб");
}

const USERS_SPLIT: &str = "sourcedId,role,givenName,familyName
t-en1,teacher,Анна,Иванова
t-en2,teacher,Thị Hoa,Nguyễn
t-ma,teacher,明,欧阳
s1,student,Илья,Смирнов
s2,student,Văn Nam,Trần
s3,student,小龙,李
s4,student,Мария,Кузнецова
s5,student,Thu,Phạm
";

#[test]
fn a_scheduled_class_taken_by_part_of_a_homeroom_becomes_a_group() {
    let classes = "sourcedId,title,classType,grades,classCode,courseSourcedId
hr-7a,7А,homeroom,07,,
hr-7b,7Б,homeroom,07,,
en-1,English 7 (1),scheduled,07,EN7-1,c-en
en-2,English 7 (2),scheduled,07,,c-en
ma-7a,Maths 7А,scheduled,07,MA7A,c-ma
";
    let courses = "sourcedId,title,courseCode\nc-en,English,ENG\nc-ma,Mathematics,\n";
    // 7А: s1–s4; 7Б: s5. English 7 (1) takes s1, s2 and s5 (a group of 7А
    // and the whole of 7Б); English 7 (2) takes s3, s4; Maths all of 7А.
    let enrollments = "sourcedId,classSourcedId,userSourcedId,role,primary
h1,hr-7a,s1,student,
h2,hr-7a,s2,student,
h3,hr-7a,s3,student,
h4,hr-7a,s4,student,
h5,hr-7b,s5,student,
a1,en-1,s1,student,
a2,en-1,s2,student,
a3,en-1,s5,student,
a4,en-1,t-en1,teacher,true
b1,en-2,s3,student,
b2,en-2,s4,student,
b3,en-2,t-en2,teacher,false
m1,ma-7a,t-ma,teacher,
m2,ma-7a,s4,student,
m3,ma-7a,s3,student,
m4,ma-7a,s2,student,
m5,ma-7a,s1,student,
";
    let dir = export(&[
        ("users.csv", USERS_SPLIT),
        ("classes.csv", classes),
        ("courses.csv", courses),
        ("enrollments.csv", enrollments),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    let groups: Vec<(&str, &str, &str)> = b
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.class.as_str(), g.name.as_str()))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("en-1@hr-7a", "hr-7a", "EN7-1"),
            ("en-2@hr-7a", "hr-7a", "English 7 (2)")
        ]
    );
    let members: Vec<(&str, &str)> = b
        .group_members
        .iter()
        .map(|m| (m.group.as_str(), m.student.as_str()))
        .collect();
    assert_eq!(
        members,
        vec![
            ("en-1@hr-7a", "s1"),
            ("en-1@hr-7a", "s2"),
            ("en-2@hr-7a", "s3"),
            ("en-2@hr-7a", "s4")
        ]
    );
    let workload: Vec<(&str, Option<&str>, &str, &str)> = b
        .workload
        .iter()
        .map(|w| {
            (
                w.class.as_str(),
                w.group.as_deref(),
                w.subject.as_str(),
                w.teacher.as_str(),
            )
        })
        .collect();
    assert_eq!(
        workload,
        vec![
            ("hr-7a", Some("en-1@hr-7a"), "c-en", "t-en1"),
            ("hr-7b", None, "c-en", "t-en1"),
            ("hr-7a", Some("en-2@hr-7a"), "c-en", "t-en2"),
            ("hr-7a", None, "c-ma", "t-ma"),
        ]
    );
    assert_eq!(b.subjects[0].short_name, "ENG");
}

#[test]
fn metadata_columns_say_explicitly_which_class_and_group() {
    let classes = "sourcedId,title,classType,grades,classCode,courseSourcedId,metadata.classbook.class,metadata.classbook.group
hr-7a,7А,homeroom,07,,,,
de-7a,Deutsch,scheduled,07,DE,,hr-7a,Немецкий
pe-7a,Физкультура,scheduled,07,,,hr-7a,
";
    // Deutsch has every pupil of 7А but is named a group; PE has two but
    // is declared the whole class.
    let enrollments = "sourcedId,classSourcedId,userSourcedId,role
h1,hr-7a,s1,student
h2,hr-7a,s2,student
h3,hr-7a,s3,student
d1,de-7a,s1,student
d2,de-7a,s2,student
d3,de-7a,s3,student
d4,de-7a,t-en1,teacher
p1,pe-7a,s1,student
p2,pe-7a,s2,student
p3,pe-7a,t-ma,teacher
";
    let dir = export(&[
        ("users.csv", USERS_SPLIT),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(b.groups.len(), 1);
    assert_eq!(
        (b.groups[0].class.as_str(), b.groups[0].name.as_str()),
        ("hr-7a", "Немецкий")
    );
    assert_eq!(b.group_members.len(), 3);
    let workload: Vec<(&str, Option<&str>, &str)> = b
        .workload
        .iter()
        .map(|w| (w.class.as_str(), w.group.as_deref(), w.subject.as_str()))
        .collect();
    assert_eq!(
        workload,
        vec![
            ("hr-7a", Some("de-7a@hr-7a"), "Deutsch"),
            ("hr-7a", None, "Физкультура")
        ]
    );
    // Without a course the subject comes from the title, said once per class.
    assert!(has_warning(
        &b,
        "classes.csv:3: courseSourcedId: warning: no course; the subject is taken from its title: «Deutsch»"
    ));
}

#[test]
fn a_scheduled_class_without_a_teacher_or_homeroom_is_said() {
    let classes = "sourcedId,title,classType,grades,subjects
hr-7a,7А,homeroom,07,
ch-1,Choir,scheduled,07,\"Music, Arts\"
ar-1,Art club,scheduled,,
";
    let enrollments = "sourcedId,classSourcedId,userSourcedId,role
h1,hr-7a,s1,student
c1,ch-1,s1,student
c2,ch-1,s5,student
r1,ar-1,s5,student
r2,ar-1,t-ma,teacher
";
    let dir = export(&[
        ("users.csv", USERS_SPLIT),
        ("classes.csv", classes),
        ("enrollments.csv", enrollments),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    assert!(b.workload.is_empty());
    assert_eq!(
        b.subjects
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Music", "Art club"]
    );
    for w in [
        "classes.csv:3: warning: «Choir»: 1 of its students are in no homeroom class; left out of its groups",
        "classes.csv:3: warning: «Choir»: no teacher is enrolled; no workload row",
        "classes.csv:4: warning: «Art club»: none of its students is in a homeroom class, so the class it is taught to is unknown; skipped",
        "enrollments.csv: warning: 4 students are in no homeroom class: Trần Văn Nam, 李 小龙, Кузнецова Мария, Phạm Thu",
    ] {
        assert!(has_warning(&b, w), "missing «{w}» in {:#?}", warnings(&b));
    }
}

// ---- several schools, no school ----

#[test]
fn of_several_schools_the_one_most_classes_name_is_imported() {
    let orgs = "sourcedId,name,type
d1,District,district
s-small,Школа № 2,school
s-big,Trường THCS Lê Lợi,school
";
    let classes = "sourcedId,title,classType,grades,schoolSourcedId
c1,6A,homeroom,06,s-big
c2,6B,homeroom,06,s-big
c3,5А,homeroom,05,s-small
";
    let users = "sourcedId,role,givenName,familyName,orgSourcedIds
u1,student,Thị Hoa,Nguyễn,s-big
u2,student,Анна,Иванова,s-small
u3,teacher,明,欧阳,\"s-small,s-big\"
u4,parent,Văn Minh,Nguyễn,
";
    let enrollments = "sourcedId,classSourcedId,userSourcedId,role
e1,c1,u1,student
e2,c3,u2,student
";
    let dir = export(&[
        ("orgs.csv", orgs),
        ("classes.csv", classes),
        ("users.csv", users),
        ("enrollments.csv", enrollments),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    assert_eq!(
        b.school.as_ref().map(|s| s.name.as_str()),
        Some("Trường THCS Lê Lợi")
    );
    assert_eq!(
        b.classes.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
        vec!["c1", "c2"]
    );
    assert_eq!(
        b.students
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>(),
        vec!["u1"]
    );
    assert_eq!(b.staff.len(), 1, "a teacher of both schools stays");
    assert_eq!(b.guardians.len(), 1, "a parent with no org stays");
    assert_eq!(b.enrolments.len(), 1);
    assert!(has_warning(
        &b,
        "orgs.csv:4: warning: 2 schools in the export; importing «Trường THCS Lê Lợi» (2 classes); the classes and people of «Школа № 2» are left out"
    ));
    assert!(has_warning(
        &b,
        "1 classes belong to other schools; left out"
    ));
    assert!(has_warning(
        &b,
        "1 users belong only to other schools; left out"
    ));
    assert!(!has_warning(&b, "enrollments.csv:3"), "{:#?}", warnings(&b));
}

#[test]
fn no_school_org_is_a_warning() {
    let orgs = "sourcedId,name,type\nd1,History Department,department\n";
    let users = "sourcedId,role,givenName,familyName\nu1,student,Анна,Иванова\n";
    let dir = export(&[("orgs.csv", orgs), ("users.csv", users)]);
    let b = read(dir.path());
    no_errors(&b);
    assert!(b.school.is_none());
    assert!(has_warning(&b, "orgs.csv: warning: no org of type school"));
}

// ---- the manifest ----

#[test]
fn the_manifest_says_what_is_there_and_what_is_not_used() {
    let manifest = "propertyName,value
oneroster.version,1.2
file.users,bulk
file.courses,absent
file.classes,bulk
";
    let courses = "sourcedId,title\nc1,Stale\n";
    let users = "sourcedId,role,givenName,familyName\nu1,student,Анна,Иванова\n";
    let profiles = "sourcedId,userSourcedId\np1,u1\n";
    let dir = export(&[
        ("manifest.csv", manifest),
        ("users.csv", users),
        ("courses.csv", courses),
        ("userProfiles.csv", profiles),
        ("results.csv", "sourcedId\n"),
    ]);
    let b = read(dir.path());
    no_errors(&b);
    assert!(b.full_roster);
    assert!(
        b.subjects.is_empty(),
        "a file the manifest calls absent is not read"
    );
    for w in [
        "manifest.csv:4: value: warning: the manifest says courses.csv is absent; the file is ignored",
        "manifest.csv:5: value: warning: the manifest lists classes.csv (bulk) but the export has no such file",
        "userProfiles.csv: warning: this file is not used",
        "results.csv: warning: this file is not used",
    ] {
        assert!(has_warning(&b, w), "missing «{w}» in {:#?}", warnings(&b));
    }
}

#[test]
fn without_a_manifest_the_export_is_a_full_roster() {
    let dir = export(&without(files_12(), "manifest.csv"));
    let b = read(dir.path());
    no_errors(&b);
    assert!(b.full_roster);
    assert_eq!(
        b.source,
        format!("OneRoster 1.2 ({})", dir.path().display()),
        "roles.csv makes it 1.2"
    );
    assert!(has_warning(
        &b,
        "no manifest.csv; the export is read as a full (bulk) one"
    ));
}

#[test]
fn an_empty_demographics_file_leaves_birth_and_sex_unknown() {
    let dir = export(&with(
        files_12(),
        "demographics.csv",
        "sourcedId,birthDate,sex\n",
    ));
    let b = read(dir.path());
    no_errors(&b);
    assert!(
        b.students
            .iter()
            .all(|s| s.birth_date.is_none() && s.sex.is_none())
    );
}

#[test]
fn reading_is_deterministic() {
    let dir = export(&files_12());
    let p: &Path = dir.path();
    assert_eq!(read(p), read(p));
}

#[test]
fn a_subject_taken_for_want_of_a_course_is_said_once_with_a_count() {
    let classes = "sourcedId,title,classType,grades,subjects,courseSourcedId
hr-7a,7А,homeroom,07,,
m1,Music 7А (1),scheduled,07,Music,
m2,Music 7А (2),scheduled,07,Music,
h1,История 7А,scheduled,07,,c-gone
";
    let dir = export(&[("users.csv", USERS_SPLIT), ("classes.csv", classes)]);
    let b = read(dir.path());
    no_errors(&b);
    let said: Vec<String> = warnings(&b)
        .into_iter()
        .filter(|w| w.contains("courseSourcedId"))
        .collect();
    assert_eq!(
        said,
        vec![
            "classes.csv:3: courseSourcedId: warning: no course; the subject is taken from its subjects column: «Music» (2 classes)",
            "classes.csv:5: courseSourcedId: warning: course «c-gone» is not in courses.csv; the subject is taken from its title: «История 7А»",
        ]
    );
    assert_eq!(
        b.subjects
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Music", "История 7А"]
    );
}
