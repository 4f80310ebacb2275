//! The plain CSV templates: one file per kind of data (calendar, periods,
//! bells, classes, staff, students, guardians, curriculum, timetable,
//! movements) for the school that keeps its records in a spreadsheet.
//! `data/templates/<kind>.csv` is the template of each kind and
//! `data/templates/README.md` documents every column.
//!
//! A reader only reads and maps: it turns one file into a [`Bundle`] of
//! rows and [`Issue`]s; `super::apply` writes a bundle. Files are read the
//! way spreadsheets write them: `,`, `;` or tab as the delimiter (told by
//! the header line, or by an Excel `sep=;` line), UTF-8 with or without a
//! byte-order mark, UTF-16 with one, and anything else as Windows-1251 (the
//! Russian Excel default) with a warning (a UTF-8 file with a few stray
//! bytes is refused, naming their lines). Headers may be the canonical
//! English names or the usual Russian ones ("Фамилия", "Дата рождения").
//! Every bad cell of every line is reported as `file:line: column: what is
//! wrong («value»)`; nothing in a file makes the reader panic.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::model::{
    BellIn, Bundle, ClassIn, CurriculumIn, EnrolmentIn, GroupIn, GroupMemberIn, GuardianIn,
    HolidayIn, Issue, MovementIn, MovementKind, Origin, PeriodIn, StaffIn, StudentIn, SubjectIn,
    TimetableIn, YearIn, parse_date,
};
use crate::domain::text::{date_full, full_name, nfc};
use crate::domain::{EndReason, HolidayKind, PeriodKind, Relation, Role, Sex};

/// The kinds of template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Calendar,
    Periods,
    Bells,
    Classes,
    Staff,
    Students,
    Guardians,
    Curriculum,
    Timetable,
    Movements,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Calendar,
        Kind::Periods,
        Kind::Bells,
        Kind::Classes,
        Kind::Staff,
        Kind::Students,
        Kind::Guardians,
        Kind::Curriculum,
        Kind::Timetable,
        Kind::Movements,
    ];

    /// The kind's name, as on the command line and in the template's file
    /// name: "calendar", "students", …
    pub fn name(self) -> &'static str {
        match self {
            Kind::Calendar => "calendar",
            Kind::Periods => "periods",
            Kind::Bells => "bells",
            Kind::Classes => "classes",
            Kind::Staff => "staff",
            Kind::Students => "students",
            Kind::Guardians => "guardians",
            Kind::Curriculum => "curriculum",
            Kind::Timetable => "timetable",
            Kind::Movements => "movements",
        }
    }

    /// A kind by its name (any case; a trailing `.csv` is allowed).
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_lowercase();
        let s = s.strip_suffix(".csv").unwrap_or(&s);
        Kind::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// One line for `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Calendar => "school years, holidays and non-school days",
            Kind::Periods => "reporting periods of a year: quarters, halves, the year",
            Kind::Bells => "the bell schedule: when each lesson starts and ends",
            Kind::Classes => "classes with their class teacher and groups",
            Kind::Staff => "teachers and other staff, with logins and roles",
            Kind::Students => {
                "the whole roster: students with their class, groups and enrolment order"
            }
            Kind::Guardians => "parents and guardians, linked to students by the student's id",
            Kind::Curriculum => "hours a week of each subject in each class, and who teaches it",
            Kind::Timetable => "the weekly timetable: class or group, weekday, lesson, subject",
            Kind::Movements => "arrivals, departures, transfers and graduations with their orders",
        }
    }

    fn columns(self) -> &'static [Col] {
        match self {
            Kind::Calendar => CALENDAR,
            Kind::Periods => PERIODS,
            Kind::Bells => BELLS,
            Kind::Classes => CLASSES,
            Kind::Staff => STAFF,
            Kind::Students => STUDENTS,
            Kind::Guardians => GUARDIANS,
            Kind::Curriculum => CURRICULUM,
            Kind::Timetable => TIMETABLE,
            Kind::Movements => MOVEMENTS,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The template of a kind: a header and a few example rows
/// (`data/templates/<kind>.csv`).
pub fn template(kind: Kind) -> &'static str {
    match kind {
        Kind::Calendar => include_str!("../../../data/templates/calendar.csv"),
        Kind::Periods => include_str!("../../../data/templates/periods.csv"),
        Kind::Bells => include_str!("../../../data/templates/bells.csv"),
        Kind::Classes => include_str!("../../../data/templates/classes.csv"),
        Kind::Staff => include_str!("../../../data/templates/staff.csv"),
        Kind::Students => include_str!("../../../data/templates/students.csv"),
        Kind::Guardians => include_str!("../../../data/templates/guardians.csv"),
        Kind::Curriculum => include_str!("../../../data/templates/curriculum.csv"),
        Kind::Timetable => include_str!("../../../data/templates/timetable.csv"),
        Kind::Movements => include_str!("../../../data/templates/movements.csv"),
    }
}

/// The key of a group inside a class: "7А/Англ. 1" (the class's key, a
/// slash, the group's name). Group names repeat across classes, so the
/// class is part of the key.
pub fn group_key(class: &str, group: &str) -> String {
    format!("{class}/{group}")
}

/// Read a template file of `kind`. A file that cannot be read gives a
/// bundle with one error.
pub fn read(kind: Kind, path: &Path) -> Bundle {
    let label = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => read_str(kind, &label, &bytes),
        Err(e) => {
            let mut b = Bundle {
                source: source(kind, &label),
                ..Bundle::default()
            };
            b.issues.push(Issue::error(
                Origin::new(&label, 0),
                "",
                format!("cannot read the file: {e}"),
            ));
            b
        }
    }
}

/// Read the bytes of a template file of `kind`, named `file_label` in
/// issues.
pub fn read_str(kind: Kind, file_label: &str, bytes: &[u8]) -> Bundle {
    let mut b = Bundle {
        source: source(kind, file_label),
        full_roster: kind == Kind::Students,
        ..Bundle::default()
    };
    if let Some(text) = decode(file_label, bytes, &mut b.issues)
        && let Some(table) = Table::read(kind, file_label, &text, &mut b.issues)
    {
        match kind {
            Kind::Calendar => calendar(&table, &mut b),
            Kind::Periods => periods(&table, &mut b),
            Kind::Bells => bells(&table, &mut b),
            Kind::Classes => classes(&table, &mut b),
            Kind::Staff => staff(&table, &mut b),
            Kind::Students => students(&table, &mut b),
            Kind::Guardians => guardians(&table, &mut b),
            Kind::Curriculum => curriculum(&table, &mut b),
            Kind::Timetable => timetable(&table, &mut b),
            Kind::Movements => movements(&table, &mut b),
        }
        lookalike_classes(&table, &mut b);
    }
    b.issues.sort_by_key(|i| i.at.line);
    b
}

fn source(kind: Kind, file: &str) -> String {
    format!("CSV template {} ({file})", kind.name())
}

// ---------------------------------------------------------------------------
// Bytes to text

/// UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1251
/// with a warning. `None` (and an error) when the bytes are not text in
/// the encoding they claim.
fn decode(file: &str, bytes: &[u8], issues: &mut Vec<Issue>) -> Option<String> {
    let whole = |msg: String| Issue::error(Origin::new(file, 0), "", msg);
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if bad {
            issues.push(whole(format!(
                "starts with a {} byte-order mark but is not valid {}: save it again as «CSV UTF-8»",
                enc.name(),
                enc.name()
            )));
            return None;
        }
        return Some(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    // Mostly UTF-8 with a few stray bytes (a cell pasted from elsewhere):
    // reading it all as Windows-1251 would garble every name, so the lines
    // with the stray bytes are refused instead.
    let (mut letters, mut stray, mut offset) = (0usize, vec![], 0usize);
    for chunk in bytes.utf8_chunks() {
        letters += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            stray.push(bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1);
            offset += chunk.invalid().len();
        }
    }
    if letters > 4 * stray.len() {
        stray.dedup();
        for line in stray {
            issues.push(Issue::error(
                Origin::new(file, line),
                "",
                "holds bytes that are not UTF-8, though the rest of the file is: \
                 type the line again, or save the file as «CSV UTF-8»",
            ));
        }
        return None;
    }
    let (text, bad) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
    if bad {
        issues.push(whole(
            "is neither UTF-8 nor Windows-1251 text: save it as «CSV UTF-8»".to_string(),
        ));
        return None;
    }
    issues.push(Issue::warning(
        Origin::new(file, 0),
        "",
        "is not UTF-8: read as Windows-1251 (the Russian Excel default); \
         if names look garbled, save the file as «CSV UTF-8»",
    ));
    Some(text.into_owned())
}

/// The delimiter (`,`, `;` or tab), told by the first line with text:
/// an Excel `sep=;` line (its line number is returned, to skip it), or
/// the header, by which of the three it has most of outside quotes.
fn delimiter(text: &str) -> (u8, Option<usize>) {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_matches([' ', '\r', '\u{feff}']);
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix("sep=").or_else(|| t.strip_prefix("SEP="))
            && let [d @ (b',' | b';' | b'\t' | b'|')] = rest.as_bytes()
        {
            return (*d, Some(i + 1));
        }
        let (mut counts, mut quoted) = ([0usize; 3], false);
        for c in t.chars() {
            match c {
                '"' => quoted = !quoted,
                '\t' if !quoted => counts[0] += 1,
                ';' if !quoted => counts[1] += 1,
                ',' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let best = [b'\t', b';', b','];
        let mut pick = 2;
        for i in 0..3 {
            if counts[i] > counts[pick] {
                pick = i;
            }
        }
        return (best[pick], None);
    }
    (b',', None)
}

// ---------------------------------------------------------------------------
// Columns

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    /// family_name and given_name: required unless the file has a
    /// `full_name` column.
    NamePart,
}

struct Col {
    name: &'static str,
    need: Need,
    /// Other headers that mean this column, in [`norm_header`] form.
    aliases: &'static [&'static str],
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Col {
    Col {
        name,
        need: Need::Required,
        aliases,
    }
}

const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Col {
    Col {
        name,
        need: Need::Optional,
        aliases,
    }
}

const fn part(name: &'static str, aliases: &'static [&'static str]) -> Col {
    Col {
        name,
        need: Need::NamePart,
        aliases,
    }
}

const ID: &[&str] = &["ext_id", "external_id", "код", "идентификатор", "ид"];
const STUDENT_ID: &[&str] = &[
    "ext_id",
    "external_id",
    "student_id",
    "код",
    "идентификатор",
    "ид",
    "код_ученика",
    "id_ученика",
    "номер_личного_дела",
    "личное_дело",
];
const STUDENT_REF: &[&str] = &[
    "student_id",
    "ученик",
    "учащийся",
    "обучающийся",
    "код_ученика",
    "id_ученика",
    "номер_личного_дела",
    "личное_дело",
];
const FAMILY: &[&str] = &["last_name", "surname", "фамилия"];
const GIVEN: &[&str] = &["first_name", "имя"];
const PATRONYMIC: &[&str] = &["middle_name", "отчество"];
const FULL: &[&str] = &["name", "фио", "фамилия_имя_отчество", "полное_имя"];
const EMAIL: &[&str] = &["e_mail", "mail", "электронная_почта", "эл_почта", "почта"];
const PHONE: &[&str] = &[
    "telephone",
    "mobile",
    "tel",
    "телефон",
    "тел",
    "мобильный",
    "мобильный_телефон",
    "контактный_телефон",
];
const ADDRESS: &[&str] = &["адрес", "адрес_проживания", "домашний_адрес"];
const LOGIN: &[&str] = &["username", "user", "user_name", "логин"];
const ROLES: &[&str] = &["role", "роли", "роль"];
const ACTIVE: &[&str] = &["is_active", "enabled", "активен", "активный", "работает"];
const BIRTH: &[&str] = &[
    "date_of_birth",
    "birthdate",
    "birthday",
    "dob",
    "дата_рождения",
    "др",
];
const SEX: &[&str] = &["gender", "пол"];
const CLASS: &[&str] = &["class_name", "класс"];
const GROUPS: &[&str] = &["group", "группы", "группа", "подгруппы", "подгруппа"];
const GROUP: &[&str] = &["группа", "подгруппа"];
const ENROLLED: &[&str] = &[
    "start_date",
    "enrolled_on",
    "enrollment_date",
    "дата_зачисления",
    "дата_прибытия",
];
const ORDER_NO: &[&str] = &[
    "order",
    "order_number",
    "приказ",
    "номер_приказа",
    "№_приказа",
];
const ORDER_DATE: &[&str] = &["дата_приказа"];
const SUBJECT: &[&str] = &["предмет", "учебный_предмет", "дисциплина"];
const TEACHER: &[&str] = &["учитель", "преподаватель", "педагог"];
const YEAR: &[&str] = &["school_year", "учебный_год", "год"];
const LABEL: &[&str] = &["name", "title", "название", "наименование"];
const STARTS: &[&str] = &[
    "start",
    "start_date",
    "from",
    "begin",
    "начало",
    "дата_начала",
    "с",
];
const ENDS: &[&str] = &[
    "end",
    "end_date",
    "to",
    "until",
    "окончание",
    "конец",
    "дата_окончания",
    "по",
];
const LESSON: &[&str] = &["lesson", "lesson_number", "урок", "номер_урока", "№_урока"];

const CALENDAR: &[Col] = &[
    req("kind", &["type", "вид", "тип"]),
    req("label", LABEL),
    req("starts_on", STARTS),
    req("ends_on", ENDS),
];

const PERIODS: &[Col] = &[
    req("year", YEAR),
    req("kind", &["type", "вид", "тип"]),
    req("number", &["no", "num", "номер", "№"]),
    opt("label", LABEL),
    req("starts_on", STARTS),
    req("ends_on", ENDS),
];

const BELLS: &[Col] = &[
    req("lesson_no", LESSON),
    req("starts_at", &["start", "from", "begin", "начало", "с"]),
    req("ends_at", &["end", "to", "конец", "окончание", "по"]),
    opt("year", YEAR),
];

const CLASSES: &[Col] = &[
    req("name", &["class", "class_name", "класс", "название"]),
    opt("grade", &["параллель"]),
    opt("letter", &["литера", "буква"]),
    opt(
        "class_teacher",
        &[
            "homeroom_teacher",
            "классный_руководитель",
            "кл_руководитель",
            "классрук",
        ],
    ),
    opt("groups", GROUPS),
    opt("id", ID),
    opt("year", YEAR),
];

const STAFF: &[Col] = &[
    opt("id", ID),
    part("family_name", FAMILY),
    part("given_name", GIVEN),
    opt("patronymic", PATRONYMIC),
    opt("login", LOGIN),
    opt("email", EMAIL),
    opt("phone", PHONE),
    opt("roles", ROLES),
    opt("active", ACTIVE),
    opt("full_name", FULL),
];

const STUDENTS: &[Col] = &[
    req("id", STUDENT_ID),
    part("family_name", FAMILY),
    part("given_name", GIVEN),
    opt("patronymic", PATRONYMIC),
    opt("birth_date", BIRTH),
    opt("sex", SEX),
    opt("class", CLASS),
    opt("groups", GROUPS),
    opt("starts_on", ENROLLED),
    opt("order_no", ORDER_NO),
    opt("order_date", ORDER_DATE),
    opt("phone", PHONE),
    opt("email", EMAIL),
    opt("address", ADDRESS),
    opt("full_name", FULL),
];

const GUARDIANS: &[Col] = &[
    req("student", STUDENT_REF),
    req(
        "relation",
        &[
            "relationship",
            "кем_приходится",
            "родство",
            "степень_родства",
        ],
    ),
    part("family_name", FAMILY),
    part("given_name", GIVEN),
    opt("patronymic", PATRONYMIC),
    opt("phone", PHONE),
    opt("email", EMAIL),
    opt("id", ID),
    opt("full_name", FULL),
];

const CURRICULUM: &[Col] = &[
    req("class", CLASS),
    req("subject", SUBJECT),
    opt(
        "short_name",
        &["short", "abbreviation", "сокращение", "краткое_название"],
    ),
    req(
        "hours_per_week",
        &[
            "hours",
            "hours_a_week",
            "часы",
            "часов_в_неделю",
            "кол_во_часов",
            "количество_часов",
        ],
    ),
    opt("teacher", TEACHER),
    opt("group", GROUP),
];

const TIMETABLE: &[Col] = &[
    req("class", CLASS),
    opt("group", GROUP),
    req("weekday", &["day", "day_of_week", "день", "день_недели"]),
    req("lesson_no", LESSON),
    req("subject", SUBJECT),
    req("teacher", TEACHER),
    opt("room", &["кабинет", "каб", "аудитория"]),
    opt("valid_from", &["from", "действует_с", "с"]),
    opt("valid_to", &["to", "действует_по", "по"]),
    opt("id", ID),
];

const MOVEMENTS: &[Col] = &[
    req("student", STUDENT_REF),
    req(
        "kind",
        &["type", "movement", "вид", "тип", "движение", "событие"],
    ),
    opt("class", CLASS),
    req("date", &["дата", "дата_движения"]),
    opt("order_no", ORDER_NO),
    opt("order_date", ORDER_DATE),
    opt("reason", &["причина", "основание"]),
];

/// A header or a word cell in the form the alias tables use: NFC, lower
/// case, `ё` as `е`, dots, quotes and asterisks dropped, and runs of
/// spaces, `_`, `-` and `/` as one `_` ("Дата рождения" → "дата_рождения",
/// "Ф.И.О." → "фио", "e-mail" → "e_mail").
fn norm_key(s: &str) -> String {
    let s = nfc(s).to_lowercase().replace('ё', "е");
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        match c {
            '.' | '*' | '"' | '\'' | '«' | '»' | ':' => {}
            c if c.is_whitespace() || matches!(c, '_' | '-' | '/') => gap = true,
            c => {
                if gap && !out.is_empty() {
                    out.push('_');
                }
                gap = false;
                out.push(c);
            }
        }
    }
    out
}

/// A header without a note in brackets ("Дата рождения (ДД.ММ.ГГГГ)").
fn norm_header(s: &str) -> String {
    match s.find('(') {
        Some(i) if i > 0 => norm_key(&s[..i]),
        _ => norm_key(s),
    }
}

// ---------------------------------------------------------------------------
// The table

struct Line {
    no: usize,
    cells: Vec<String>,
}

struct Table {
    kind: Kind,
    file: String,
    /// Canonical column → (index in a line, the header as written).
    cols: HashMap<&'static str, (usize, String)>,
    /// Columns whose absence was reported at the header.
    missing: HashSet<&'static str>,
    rows: Vec<Line>,
}

impl Table {
    fn read(kind: Kind, file: &str, text: &str, issues: &mut Vec<Issue>) -> Option<Table> {
        let (delim, sep_line) = delimiter(text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .from_reader(text.as_bytes());
        // The reader's own line count starts a record where the previous
        // one ended, before the blank lines (and the `\n` of a `\r\n`) it
        // skips: a record's line is counted here from its first byte.
        let bytes = text.as_bytes();
        let newlines: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
        let line_at = |pos: Option<&csv::Position>| {
            let Some(pos) = pos else { return 0 };
            let mut at = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
            while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
                at += 1;
            }
            newlines.partition_point(|&nl| nl < at) + 1
        };
        let mut header: Option<Line> = None;
        let mut rows = vec![];
        for rec in rdr.records() {
            let rec = match rec {
                Ok(rec) => rec,
                Err(e) => {
                    let line = line_at(e.position());
                    issues.push(Issue::error(
                        Origin::new(file, line),
                        "",
                        format!("not readable as CSV: {e}"),
                    ));
                    return None;
                }
            };
            let no = line_at(rec.position());
            if sep_line == Some(no) {
                continue;
            }
            let cells: Vec<String> = rec.iter().map(nfc).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            if header.is_none() {
                header = Some(Line { no, cells });
            } else {
                rows.push(Line { no, cells });
            }
        }
        let all: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        let all = all.join(", ");
        let Some(header) = header else {
            issues.push(Issue::error(
                Origin::new(file, 1),
                "",
                format!("the file is empty: a {kind} file starts with a header line ({all})"),
            ));
            return None;
        };
        let at = || Origin::new(file, header.no);
        let width = header
            .cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        let mut cols: HashMap<&'static str, (usize, String)> = HashMap::new();
        let mut unknown = vec![];
        for (i, h) in header.cells[..width].iter().enumerate() {
            if h.is_empty() {
                unknown.push(Issue::warning(
                    at(),
                    "",
                    format!("column {} has no header: its cells are ignored", i + 1),
                ));
                continue;
            }
            let n = norm_header(h);
            match kind
                .columns()
                .iter()
                .find(|c| c.name == n || c.aliases.contains(&n.as_str()))
            {
                Some(c) => match cols.get(c.name) {
                    Some((_, first)) => issues.push(Issue::error(
                        at(),
                        h.clone(),
                        format!("a second {} column (the first is «{first}»)", c.name),
                    )),
                    None => {
                        cols.insert(c.name, (i, h.clone()));
                    }
                },
                None => unknown.push(Issue::warning(
                    at(),
                    h.clone(),
                    format!("maps to nothing and is ignored (the columns of a {kind} file: {all})"),
                )),
            }
        }
        if cols.is_empty() {
            issues.push(Issue::error(
                at(),
                "",
                format!(
                    "is not the header of a {kind} file: none of its cells names a column ({all})"
                ),
            ));
            return None;
        }
        issues.extend(unknown);
        let mut missing = HashSet::new();
        let full_name = cols.contains_key("full_name");
        for c in kind.columns() {
            let required = match c.need {
                Need::Required => true,
                Need::Optional => false,
                Need::NamePart => !full_name,
            };
            if required && !cols.contains_key(c.name) {
                let also = c
                    .aliases
                    .iter()
                    .find(|a| !a.is_ascii())
                    .map_or(String::new(), |a| format!(" (in Russian: {a})"));
                let or_full = if c.need == Need::NamePart {
                    " (or one full_name column)"
                } else {
                    ""
                };
                issues.push(Issue::error(
                    at(),
                    c.name,
                    format!("a required column is missing{or_full}{also}"),
                ));
                missing.insert(c.name);
            }
        }
        for l in &rows {
            if let Some(extra) = l.cells.iter().skip(width).find(|c| !c.is_empty()) {
                issues.push(Issue::error(
                    Origin::new(file, l.no),
                    "",
                    format!(
                        "more cells than the header has columns; is a {} inside a value not quoted? («{extra}»)",
                        delim as char
                    ),
                ));
            }
        }
        if rows.is_empty() {
            issues.push(Issue::warning(at(), "", "no rows under the header"));
        }
        Some(Table {
            kind,
            file: file.to_string(),
            cols,
            missing,
            rows,
        })
    }

    fn has(&self, col: &str) -> bool {
        self.cols.contains_key(col)
    }

    /// The column's header as the file writes it (its canonical name when
    /// the file has no such column).
    fn header(&self, col: &str) -> String {
        self.cols
            .get(col)
            .map_or_else(|| col.to_string(), |(_, h)| h.clone())
    }

    fn origin(&self, line: usize) -> Origin {
        Origin::new(&self.file, line)
    }

    fn cell(&self, line: usize, col: &str) -> Option<&str> {
        let (i, _) = self.cols.get(col)?;
        let row = self
            .rows
            .binary_search_by_key(&line, |l| l.no)
            .ok()
            .and_then(|r| self.rows.get(r))?;
        row.cells
            .get(*i)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }

    /// An error about a cell found by a check across rows.
    fn error(&self, line: usize, col: &str, msg: impl Into<String>) -> Issue {
        Issue::error(
            self.origin(line),
            self.header(col),
            self.with_value(line, col, msg),
        )
    }

    fn warning(&self, line: usize, col: &str, msg: impl Into<String>) -> Issue {
        Issue::warning(
            self.origin(line),
            self.header(col),
            self.with_value(line, col, msg),
        )
    }

    fn with_value(&self, line: usize, col: &str, msg: impl Into<String>) -> String {
        let msg = msg.into();
        match self.cell(line, col) {
            Some(v) => format!("{msg} («{v}»)"),
            None => msg,
        }
    }

    fn rec<'t, 'i>(&'t self, line: &'t Line, issues: &'i mut Vec<Issue>) -> Rec<'t, 'i> {
        Rec {
            t: self,
            line: line.no,
            cells: &line.cells,
            issues,
            bad: false,
        }
    }
}

/// One line being read: its cells by column, and what is wrong with it.
struct Rec<'t, 'i> {
    t: &'t Table,
    line: usize,
    cells: &'t [String],
    issues: &'i mut Vec<Issue>,
    /// Some cell is wrong: the line gives no rows.
    bad: bool,
}

impl<'t> Rec<'t, '_> {
    fn at(&self) -> Origin {
        self.t.origin(self.line)
    }

    /// The cell (trimmed, NFC), `None` when empty or when the file has no
    /// such column.
    fn get(&self, col: &str) -> Option<&'t str> {
        let (i, _) = self.t.cols.get(col)?;
        self.cells
            .get(*i)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }

    fn text(&self, col: &str) -> Option<String> {
        self.get(col).map(str::to_string)
    }

    /// Report the cell as wrong (its value is quoted after `msg`).
    fn error(&mut self, col: &str, msg: impl Into<String>) {
        let mut msg = msg.into();
        if let Some(v) = self.get(col) {
            msg = format!("{msg} («{v}»)");
        }
        self.issues
            .push(Issue::error(self.at(), self.t.header(col), msg));
        self.bad = true;
    }

    fn warn(&mut self, col: &str, msg: impl Into<String>) {
        let mut msg = msg.into();
        if let Some(v) = self.get(col) {
            msg = format!("{msg} («{v}»)");
        }
        self.issues
            .push(Issue::warning(self.at(), self.t.header(col), msg));
    }

    /// The cell, which must not be empty.
    fn required(&mut self, col: &str) -> Option<&'t str> {
        let v = self.get(col);
        if v.is_none() {
            if self.t.missing.contains(col) {
                // Reported once, at the header.
                self.bad = true;
            } else {
                self.error(col, "empty; this column is required");
            }
        }
        v
    }

    /// The cell read by `f`; `None` when empty or wrong (reported).
    fn parse<T>(&mut self, col: &str, f: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let v = self.get(col)?;
        match f(v) {
            Ok(x) => Some(x),
            Err(msg) => {
                self.error(col, msg);
                None
            }
        }
    }

    fn parse_req<T>(&mut self, col: &str, f: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        self.required(col)?;
        self.parse(col, f)
    }

    fn date(&mut self, col: &str) -> Option<NaiveDate> {
        self.parse(col, date_cell)
    }

    fn date_req(&mut self, col: &str) -> Option<NaiveDate> {
        self.parse_req(col, date_cell)
    }

    /// A person's family, given name and patronymic, from the three
    /// columns or from one `full_name` column.
    fn names(&mut self) -> Option<(String, String, Option<String>)> {
        let patronymic = self.text("patronymic");
        if let Some(family) = self.get("family_name") {
            let given = self.required("given_name")?;
            return Some((family.to_string(), given.to_string(), patronymic));
        }
        if let Some(full) = self.get("full_name") {
            let parts = split_full_name(full);
            if parts.is_none() {
                self.error(
                    "full_name",
                    "cannot tell the family name from the given name: write \
                     «Family Given [Patronymic]» with spaces, or use the family_name \
                     and given_name columns",
                );
            }
            return parts;
        }
        if self.t.has("family_name") || !self.t.has("full_name") {
            self.required("family_name");
        } else {
            self.required("full_name");
        }
        None
    }

    /// An order number and date: both or neither.
    fn order(&mut self, no_col: &str, date_col: &str) -> (Option<String>, Option<NaiveDate>) {
        let no = self.text(no_col);
        let date = self.date(date_col);
        let date_given = self.get(date_col).is_some();
        if no.is_some() && !date_given {
            self.error(date_col, "empty; an order number needs the order's date");
        }
        if no.is_none() && date_given {
            self.error(no_col, "empty; an order date needs the order's number");
        }
        (no, date)
    }
}

// ---------------------------------------------------------------------------
// Cells

fn date_cell(s: &str) -> Result<NaiveDate, String> {
    const HOW: &str = "write 2025-09-01 or 01.09.2025";
    let head = s.trim().split(['T', ' ']).next().unwrap_or("");
    let parts: Vec<&str> = head.split('/').collect();
    let date = if let [a, b, _] = parts[..] {
        // Slashes: month first (as US exports write it) when that is the
        // only reading; day first when the first number cannot be a month;
        // refused when both readings are dates.
        match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a <= 12 && b <= 12 && a != b => {
                return Err(format!("ambiguous date: day/month or month/day? {HOW}"));
            }
            (Ok(a), _) if a > 12 => NaiveDate::parse_from_str(head, "%d/%m/%Y").ok(),
            _ => parse_date(head),
        }
    } else {
        parse_date(s)
    };
    let date = date.ok_or_else(|| format!("not a date: {HOW}"))?;
    if !(1900..=2100).contains(&date.year()) {
        return Err(format!("the year is not between 1900 and 2100: {HOW}"));
    }
    Ok(date)
}

fn int_in(lo: u8, hi: u8) -> impl Fn(&str) -> Result<u8, String> {
    move |s| {
        s.trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
            .ok_or_else(|| format!("not a whole number from {lo} to {hi}"))
    }
}

/// "8:30", "08.30", "08:30:00" → "08:30".
fn time_cell(s: &str) -> Result<String, String> {
    let err = || "not a time of day: write 08:30".to_string();
    let parts: Vec<&str> = s.trim().split([':', '.']).collect();
    let (h, m) = match parts[..] {
        [h, m] | [h, m, "00"] if m.len() == 2 && !h.is_empty() && h.len() <= 2 => (h, m),
        _ => return Err(err()),
    };
    let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.parse::<u32>()) else {
        return Err(err());
    };
    if h > 23 || m > 59 {
        return Err(err());
    }
    Ok(format!("{h:02}:{m:02}"))
}

/// Hours a week, with `,` or `.` before the decimals ("1,5").
fn hours_cell(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| "not a number of hours: write 2 or 1,5".to_string())?;
    if !v.is_finite() || v <= 0.0 || v > 20.0 {
        return Err("hours a week must be more than 0 and at most 20".to_string());
    }
    Ok(v)
}

/// A number Excel turned into scientific notation ("7,9E+10").
fn excel_number(s: &str) -> bool {
    let u = s.to_ascii_uppercase();
    match u.split_once("E+") {
        Some((m, e)) => {
            !m.is_empty()
                && m.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
                && !e.is_empty()
                && e.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

const EXCEL_NUMBER: &str = "Excel turned this into a number in scientific notation: format the column as text and type it again";

fn id_cell(s: &str) -> Result<String, String> {
    if excel_number(s) {
        return Err(EXCEL_NUMBER.to_string());
    }
    Ok(s.to_string())
}

fn phone_cell(s: &str) -> Result<String, String> {
    id_cell(s)
}

fn email_cell(s: &str) -> Result<String, String> {
    let ok = match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        }
        None => false,
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err("not an e-mail address (one address like name@school.ru)".to_string())
    }
}

fn login_cell(s: &str) -> Result<String, String> {
    if s.chars().any(char::is_whitespace) {
        return Err("a login has no spaces".to_string());
    }
    Ok(s.to_string())
}

/// Names separated by `;` (or `,`), each trimmed; empty ones dropped,
/// repeats dropped.
fn split_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for part in s.split([';', ',']) {
        let part = nfc(part);
        if !part.is_empty() && !out.contains(&part) {
            out.push(part);
        }
    }
    out
}

fn sex_cell(s: &str) -> Result<Sex, String> {
    match norm_key(s).as_str() {
        "f" | "female" | "girl" | "ж" | "жен" | "женский" | "女" | "nữ" | "nu" => {
            Ok(Sex::F)
        }
        "m" | "male" | "boy" | "м" | "муж" | "мужской" | "男" | "nam" => Ok(Sex::M),
        _ => Err("not a sex: write F or M (also Ж/М, 女/男, nữ/nam), or leave empty".to_string()),
    }
}

fn bool_cell(s: &str) -> Result<bool, String> {
    match s.trim() {
        "+" => return Ok(true),
        "-" => return Ok(false),
        _ => {}
    }
    match norm_key(s).as_str() {
        "yes" | "y" | "true" | "1" | "active" | "да" | "д" | "активен" | "работает" | "có"
        | "是" => Ok(true),
        "no"
        | "n"
        | "false"
        | "0"
        | "inactive"
        | "нет"
        | "н"
        | "не_активен"
        | "уволен"
        | "không"
        | "否" => Ok(false),
        _ => Err("not yes or no: write yes or no (да/нет, 1/0)".to_string()),
    }
}

fn role_word(s: &str) -> Option<Role> {
    let k = norm_key(s);
    if let Some(r) = Role::parse(&k) {
        return Some(r);
    }
    Some(match k.as_str() {
        "директор" | "principal" | "head_teacher" | "headteacher" => Role::Director,
        "deputy_head"
        | "vice_principal"
        | "завуч"
        | "заместитель_директора"
        | "зам_директора"
        | "замдиректора" => Role::Deputy,
        "учитель" | "преподаватель" | "педагог" => Role::Teacher,
        "homeroom_teacher" | "классный_руководитель" | "кл_руководитель" | "классрук" => {
            Role::ClassTeacher
        }
        "администратор_журнала" | "администратор_эж" => {
            Role::JournalAdmin
        }
        "nurse" | "doctor" | "медработник" | "медицинский_работник" | "медсестра" | "врач" => {
            Role::Medical
        }
        "кадры" | "специалист_по_кадрам" | "отдел_кадров" | "кадровик" => {
            Role::Hr
        }
        _ => return None,
    })
}

fn roles_cell(s: &str) -> Result<Vec<Role>, String> {
    let mut roles = vec![];
    let mut unknown = vec![];
    for w in split_list(s) {
        match role_word(&w) {
            Some(r) if !roles.contains(&r) => roles.push(r),
            Some(_) => {}
            None => unknown.push(w),
        }
    }
    if unknown.is_empty() {
        Ok(roles)
    } else {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        Err(format!(
            "unknown role {}: write {} (or учитель, директор, завуч, классный руководитель), separated by ;",
            unknown
                .iter()
                .map(|u| format!("«{u}»"))
                .collect::<Vec<_>>()
                .join(", "),
            names.join(", ")
        ))
    }
}

fn relation_cell(s: &str) -> Result<Relation, String> {
    let k = norm_key(s);
    if let Some(r) = Relation::parse(&k) {
        return Ok(r);
    }
    Ok(match k.as_str() {
        "mom" | "mum" | "мать" | "мама" | "mẹ" | "má" | "母亲" | "妈妈" => {
            Relation::Mother
        }
        "dad" | "отец" | "папа" | "bố" | "cha" | "父亲" | "爸爸" => Relation::Father,
        "бабушка" | "bà" | "奶奶" | "外婆" | "祖母" | "外祖母" => {
            Relation::Grandmother
        }
        "дедушка" | "ông" | "爷爷" | "外公" | "祖父" | "外祖父" => {
            Relation::Grandfather
        }
        "legal_guardian"
        | "опекун"
        | "попечитель"
        | "законный_представитель"
        | "người_giám_hộ"
        | "监护人" => Relation::Guardian,
        "другое" | "иное" | "другой" | "khác" | "其他" => Relation::Other,
        _ => {
            return Err(
                "not a relation: write mother, father, grandmother, grandfather, guardian or other \
                 (мать, отец, бабушка, дедушка, опекун)"
                    .to_string(),
            );
        }
    })
}

fn weekday_cell(s: &str) -> Result<u8, String> {
    const NAMES: [&[&str]; 7] = [
        &[
            "mon",
            "mo",
            "monday",
            "пн",
            "пон",
            "понедельник",
            "t2",
            "thứ_2",
            "thứ_hai",
        ],
        &[
            "tue",
            "tu",
            "tues",
            "tuesday",
            "вт",
            "вторник",
            "t3",
            "thứ_3",
            "thứ_ba",
        ],
        &[
            "wed",
            "we",
            "wednesday",
            "ср",
            "среда",
            "t4",
            "thứ_4",
            "thứ_tư",
        ],
        &[
            "thu",
            "th",
            "thur",
            "thurs",
            "thursday",
            "чт",
            "четверг",
            "t5",
            "thứ_5",
            "thứ_năm",
        ],
        &[
            "fri",
            "fr",
            "friday",
            "пт",
            "пятница",
            "t6",
            "thứ_6",
            "thứ_sáu",
        ],
        &[
            "sat",
            "sa",
            "saturday",
            "сб",
            "суббота",
            "t7",
            "thứ_7",
            "thứ_bảy",
        ],
        &["sun", "su", "sunday", "вс", "воскресенье", "cn", "chủ_nhật"],
    ];
    let k = norm_key(s);
    if let Ok(n) = k.parse::<u8>()
        && (1..=7).contains(&n)
    {
        return Ok(n);
    }
    if let Some(i) = NAMES.iter().position(|names| names.contains(&k.as_str())) {
        return Ok(i as u8 + 1);
    }
    let zh = ["星期", "礼拜", "禮拜", "周", "週"]
        .iter()
        .find_map(|p| k.strip_prefix(p))
        .unwrap_or(&k);
    if let Some(i) = ["一", "二", "三", "四", "五", "六"]
        .iter()
        .position(|d| *d == zh)
    {
        return Ok(i as u8 + 1);
    }
    if zh == "日" || zh == "天" {
        return Ok(7);
    }
    Err("not a weekday: write 1 to 7 (1 = Monday), Mon, Пн, T2 or 周一".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CalKind {
    Year,
    Off(HolidayKind),
}

fn calendar_kind(s: &str) -> Result<CalKind, String> {
    let k = norm_key(s);
    if let Some(h) = HolidayKind::parse(&k) {
        return Ok(CalKind::Off(h));
    }
    match k.as_str() {
        "year" | "school_year" | "год" | "учебный_год" => Ok(CalKind::Year),
        "holidays" | "vacation" | "каникулы" => Ok(CalKind::Off(HolidayKind::Holiday)),
        "day_off"
        | "праздник"
        | "праздничный_день"
        | "выходной"
        | "нерабочий_день"
        | "неучебный_день" => Ok(CalKind::Off(HolidayKind::NonSchoolDay)),
        _ => Err("not a calendar kind: write year, holiday or non_school_day".to_string()),
    }
}

fn period_kind(s: &str) -> Result<PeriodKind, String> {
    let k = norm_key(s);
    if let Some(p) = PeriodKind::parse(&k) {
        return Ok(p);
    }
    match k.as_str() {
        "четверть" => Ok(PeriodKind::Quarter),
        "semester" | "полугодие" | "семестр" => Ok(PeriodKind::Half),
        "год" | "учебный_год" => Ok(PeriodKind::Year),
        _ => Err("not a period kind: write quarter, half or year".to_string()),
    }
}

fn movement_kind(s: &str) -> Result<MovementKind, String> {
    match norm_key(s).as_str() {
        "arrival" | "прибытие" | "зачисление" | "прибыл" => {
            Ok(MovementKind::Arrival)
        }
        "departure" | "выбытие" | "отчисление" | "выбыл" => {
            Ok(MovementKind::Departure(EndReason::Departure))
        }
        "transfer" | "перевод" | "переведен" => Ok(MovementKind::Transfer),
        "graduation" | "выпуск" | "окончание" => {
            Ok(MovementKind::Departure(EndReason::Graduation))
        }
        _ => Err(
            "not a movement: write arrival, departure, transfer or graduation \
             (прибытие, выбытие, перевод)"
                .to_string(),
        ),
    }
}

/// A year's label as the school writes it: "2025/2026", "2025-2026" and
/// "2025–26" become "2025/26"; anything else is kept.
fn year_label(s: &str) -> String {
    let s = nfc(s);
    let digits: Vec<&str> = s.split(['/', '-', '–', '—']).map(str::trim).collect();
    if let [a, b] = digits[..]
        && a.len() == 4
        && a.chars().all(|c| c.is_ascii_digit())
        && (b.len() == 2 || b.len() == 4)
        && b.chars().all(|c| c.is_ascii_digit())
        && let (Ok(first), Ok(second)) = (a.parse::<u32>(), b.parse::<u32>())
    {
        let second = if b.len() == 2 { second } else { second % 100 };
        if (first + 1) % 100 == second {
            return format!("{first}/{second:02}");
        }
    }
    s
}

const CLASS_NAME: &str =
    "not a class name like 7А: a grade from 1 to 11, then a letter (up to 3 letters or digits)";

/// "7А", "7 а", "7-А", "10A1" → (grade, upper-case letter).
fn parse_class_name(s: &str) -> Option<(u8, String)> {
    let s = s.trim();
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let grade: u8 = s[..digits].parse().ok()?;
    if !(1..=11).contains(&grade) {
        return None;
    }
    let letter = letter_cell(
        s[digits..]
            .trim_start_matches([' ', '-', '«', '"'])
            .trim_end_matches(['»', '"']),
    )
    .ok()?;
    Some((grade, letter))
}

fn letter_cell(s: &str) -> Result<String, String> {
    let l = nfc(s).to_uppercase();
    let n = l.chars().count();
    if (1..=3).contains(&n) && l.chars().all(char::is_alphanumeric) {
        Ok(l)
    } else {
        Err("not a class letter: one to three letters or digits".to_string())
    }
}

/// A class as another file names it: a class name is written the
/// canonical way ("7 а" → "7А"); anything else (an external id) is kept.
fn class_ref(s: &str) -> String {
    match parse_class_name(s) {
        Some((g, l)) => format!("{g}{l}"),
        None => s.to_string(),
    }
}

/// "Иванова Анна Петровна" → family, given, patronymic; "Nguyễn Thị Hoa"
/// → Nguyễn, "Thị Hoa" (a third word is a patronymic only when it looks
/// like one: -ич, -вна, -чна, or "… оглы/кызы"). One word: `None`.
fn split_full_name(s: &str) -> Option<(String, String, Option<String>)> {
    let w: Vec<&str> = s.split_whitespace().collect();
    let n = w.len();
    if n < 2 {
        return None;
    }
    let last = w[n - 1].to_lowercase();
    if n >= 4 && matches!(last.as_str(), "оглы" | "кызы" | "улы" | "уулу") {
        return Some((
            w[0].into(),
            w[1..n - 2].join(" "),
            Some(w[n - 2..].join(" ")),
        ));
    }
    if n >= 3 && ["ич", "вна", "чна"].iter().any(|e| last.ends_with(e)) {
        return Some((w[0].into(), w[1..n - 1].join(" "), Some(w[n - 1].into())));
    }
    Some((w[0].into(), w[1..].join(" "), None))
}

// ---------------------------------------------------------------------------
// The kinds

fn calendar(t: &Table, b: &mut Bundle) {
    let mut year_lines: HashMap<String, usize> = HashMap::new();
    let mut years_ok = true;
    let mut offs: Vec<HolidayIn> = vec![];
    let mut seen: HashMap<(HolidayKind, NaiveDate, NaiveDate), usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let kind = r.parse_req("kind", calendar_kind);
        let label = r.required("label").map(str::to_string);
        let starts = r.date_req("starts_on");
        let ends = if matches!(kind, Some(CalKind::Off(_))) && r.get("ends_on").is_none() {
            // A single day.
            starts
        } else {
            r.date_req("ends_on")
        };
        if let (Some(s), Some(e)) = (starts, ends) {
            if kind == Some(CalKind::Year) && e <= s {
                r.error(
                    "ends_on",
                    format!("a school year ends after it starts ({})", date_full(s)),
                );
            } else if e < s {
                r.error(
                    "ends_on",
                    format!("ends before it starts ({})", date_full(s)),
                );
            }
        }
        if r.bad && !matches!(kind, Some(CalKind::Off(_))) {
            // A year row (or one that may be) is wrong: which year holds a
            // holiday cannot be told.
            years_ok = false;
        }
        let label = label.map(|l| match kind {
            Some(CalKind::Year) => year_label(&l),
            _ => l,
        });
        if kind == Some(CalKind::Year)
            && let Some(key) = &label
        {
            if let Some(first) = year_lines.get(key) {
                r.error(
                    "label",
                    format!("a second year {key} (the first is on line {first})"),
                );
            } else {
                year_lines.insert(key.clone(), r.line);
            }
        }
        if r.bad {
            continue;
        }
        let (Some(kind), Some(label), Some(starts_on), Some(ends_on)) = (kind, label, starts, ends)
        else {
            continue;
        };
        match kind {
            CalKind::Year => b.years.push(YearIn {
                at: r.at(),
                key: label.clone(),
                ext_id: None,
                label,
                starts_on,
                ends_on,
            }),
            CalKind::Off(kind) => {
                if let Some(first) = seen.get(&(kind, starts_on, ends_on)) {
                    r.error(
                        "starts_on",
                        format!("the same {} as line {first}", kind.as_str()),
                    );
                    continue;
                }
                seen.insert((kind, starts_on, ends_on), r.line);
                offs.push(HolidayIn {
                    at: r.at(),
                    ext_id: None,
                    year: None,
                    kind,
                    label,
                    starts_on,
                    ends_on,
                });
            }
        }
    }
    // A holiday belongs to the file's year that holds it.
    for mut h in offs {
        if !b.years.is_empty() {
            match b
                .years
                .iter()
                .find(|y| y.starts_on <= h.starts_on && h.ends_on <= y.ends_on)
            {
                Some(y) => h.year = Some(y.key.clone()),
                None if years_ok => {
                    let years: Vec<String> = b
                        .years
                        .iter()
                        .map(|y| {
                            format!(
                                "{} is {}–{}",
                                y.label,
                                date_full(y.starts_on),
                                date_full(y.ends_on)
                            )
                        })
                        .collect();
                    b.issues.push(t.error(
                        h.at.line,
                        "starts_on",
                        format!(
                            "not inside a school year of this file ({})",
                            years.join("; ")
                        ),
                    ));
                    continue;
                }
                None => continue,
            }
        }
        b.holidays.push(h);
    }
}

fn periods(t: &Table, b: &mut Bundle) {
    let mut seen: HashMap<(String, PeriodKind, u8), usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let year = r.required("year").map(year_label);
        let kind = r.parse_req("kind", period_kind);
        let number = r.parse_req("number", int_in(1, 4));
        let label = r.text("label");
        let starts = r.date_req("starts_on");
        let ends = r.date_req("ends_on");
        if let (Some(kind), Some(n)) = (kind, number) {
            let most = match kind {
                PeriodKind::Quarter => 4,
                PeriodKind::Half => 2,
                PeriodKind::Year => 1,
            };
            if n > most {
                let msg = if most == 1 {
                    "a year period is number 1".to_string()
                } else {
                    format!("a {} is numbered 1 to {most}", kind.as_str())
                };
                r.error("number", msg);
            }
        }
        if let (Some(s), Some(e)) = (starts, ends)
            && e < s
        {
            r.error(
                "ends_on",
                format!("ends before it starts ({})", date_full(s)),
            );
        }
        if let (Some(y), Some(k), Some(n)) = (&year, kind, number) {
            let key = (y.clone(), k, n);
            if let Some(first) = seen.get(&key) {
                r.error(
                    "number",
                    format!(
                        "a second {} {n} of {y} (the first is on line {first})",
                        k.as_str()
                    ),
                );
            } else {
                seen.insert(key, r.line);
            }
        }
        if r.bad {
            continue;
        }
        let (Some(year), Some(kind), Some(number), Some(starts_on), Some(ends_on)) =
            (year, kind, number, starts, ends)
        else {
            continue;
        };
        let label = label.unwrap_or_else(|| match kind {
            PeriodKind::Quarter => format!("{number} четверть"),
            PeriodKind::Half => format!("{number} полугодие"),
            PeriodKind::Year => "Год".to_string(),
        });
        b.periods.push(PeriodIn {
            at: r.at(),
            ext_id: None,
            year,
            kind,
            number,
            label,
            starts_on,
            ends_on,
        });
    }
    // Periods of one kind in one year follow each other without overlap.
    let mut sorted: Vec<&PeriodIn> = b.periods.iter().collect();
    sorted.sort_by(|a, c| {
        (&a.year, a.kind.as_str(), a.starts_on).cmp(&(&c.year, c.kind.as_str(), c.starts_on))
    });
    for w in sorted.windows(2) {
        let (a, c) = (w[0], w[1]);
        if a.year == c.year && a.kind == c.kind && c.starts_on <= a.ends_on {
            b.issues.push(t.error(
                c.at.line,
                "starts_on",
                format!(
                    "overlaps {} (line {}: {}–{})",
                    a.label,
                    a.at.line,
                    date_full(a.starts_on),
                    date_full(a.ends_on)
                ),
            ));
        }
    }
}

fn bells(t: &Table, b: &mut Bundle) {
    let mut seen: HashMap<(Option<String>, u8), usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let lesson = r.parse_req("lesson_no", int_in(0, 12));
        let starts = r.parse_req("starts_at", time_cell);
        let ends = r.parse_req("ends_at", time_cell);
        let year = r.get("year").map(year_label);
        if let (Some(s), Some(e)) = (&starts, &ends)
            && e <= s
        {
            r.error("ends_at", format!("ends before it starts ({s})"));
        }
        if let Some(n) = lesson {
            if let Some(first) = seen.get(&(year.clone(), n)) {
                r.error(
                    "lesson_no",
                    format!("a second lesson {n} (the first is on line {first})"),
                );
            } else {
                seen.insert((year.clone(), n), r.line);
            }
        }
        if r.bad {
            continue;
        }
        let (Some(lesson_no), Some(starts_at), Some(ends_at)) = (lesson, starts, ends) else {
            continue;
        };
        b.bells.push(BellIn {
            at: r.at(),
            year,
            lesson_no,
            starts_at,
            ends_at,
        });
    }
    let mut sorted: Vec<&BellIn> = b.bells.iter().collect();
    sorted.sort_by(|a, c| (&a.year, a.lesson_no).cmp(&(&c.year, c.lesson_no)));
    for w in sorted.windows(2) {
        let (a, c) = (w[0], w[1]);
        if a.year == c.year && c.starts_at < a.ends_at {
            b.issues.push(t.error(
                c.at.line,
                "starts_at",
                format!(
                    "starts before lesson {} ends at {} (line {})",
                    a.lesson_no, a.ends_at, a.at.line
                ),
            ));
        }
    }
}

fn classes(t: &Table, b: &mut Bundle) {
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<(Option<String>, String), usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let name = r.required("name");
        let grade = r.parse("grade", int_in(1, 11));
        let letter = r.parse("letter", letter_cell);
        let id = r.parse("id", id_cell);
        let year = r.get("year").map(year_label);
        let class_teacher = r.text("class_teacher");
        let groups = r.get("groups").map(split_list).unwrap_or_default();
        let parsed = match (name.and_then(parse_class_name), grade, letter) {
            (Some((g, le)), grade, letter) => {
                if grade.is_some_and(|x| x != g) {
                    r.error("grade", format!("does not match the class name {g}{le}"));
                }
                if letter.as_ref().is_some_and(|x| *x != le) {
                    r.error("letter", format!("does not match the class name {g}{le}"));
                }
                Some((g, le))
            }
            (None, Some(g), Some(le)) => Some((g, le)),
            (None, _, _) => {
                if name.is_some() {
                    r.error("name", CLASS_NAME);
                }
                None
            }
        };
        let Some((grade, letter)) = parsed else {
            continue;
        };
        let canonical = format!("{grade}{letter}");
        let key = id.clone().unwrap_or_else(|| canonical.clone());
        if let Some(first) = keys.get(&key) {
            let col = if id.is_some() { "id" } else { "name" };
            r.error(
                col,
                format!("a second class {key} (the first is on line {first})"),
            );
        } else {
            keys.insert(key.clone(), r.line);
            if let Some(first) = names.get(&(year.clone(), canonical.clone())) {
                r.error(
                    "name",
                    format!("a second class {canonical} (the first is on line {first})"),
                );
            } else {
                names.insert((year.clone(), canonical.clone()), r.line);
            }
        }
        if r.bad {
            continue;
        }
        for g in groups {
            b.groups.push(GroupIn {
                at: r.at(),
                key: group_key(&key, &g),
                ext_id: None,
                class: key.clone(),
                name: g,
            });
        }
        b.classes.push(ClassIn {
            at: r.at(),
            key,
            ext_id: id,
            year,
            grade,
            letter,
            class_teacher,
        });
    }
}

fn staff(t: &Table, b: &mut Bundle) {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut logins: HashMap<String, usize> = HashMap::new();
    // Every row's key (id, else login, else full name) → its line.
    let mut keys: HashMap<String, usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let names = r.names();
        let id = r.parse("id", id_cell);
        let login = r.parse("login", login_cell);
        let email = r.parse("email", email_cell);
        let phone = r.parse("phone", phone_cell);
        let roles = r.parse("roles", roles_cell).unwrap_or_default();
        let active = r.parse("active", bool_cell).unwrap_or(true);
        let mut twice = false;
        for (col, value, seen) in [("id", &id, &mut ids), ("login", &login, &mut logins)] {
            if let Some(v) = value {
                if let Some(first) = seen.get(v) {
                    r.error(
                        col,
                        format!("a second person with this {col} (the first is on line {first})"),
                    );
                    twice = true;
                } else {
                    seen.insert(v.clone(), r.line);
                }
            }
        }
        let Some((family_name, given_name, patronymic)) = names else {
            continue;
        };
        let full = full_name(&family_name, &given_name, patronymic.as_deref());
        let (key, col) = match (&id, &login) {
            (Some(id), _) => (id.clone(), "id"),
            (None, Some(login)) => (login.clone(), "login"),
            (None, None) if t.has("family_name") => (full, "family_name"),
            (None, None) => (full, "full_name"),
        };
        match keys.get(&key) {
            Some(_) if twice => {}
            Some(first) => r.error(
                col,
                format!("names the same person as line {first}; give each person an id or a login"),
            ),
            None => {
                keys.insert(key.clone(), r.line);
            }
        }
        if r.bad {
            continue;
        }
        b.staff.push(StaffIn {
            at: r.at(),
            key,
            ext_id: id,
            family_name,
            given_name,
            patronymic,
            login,
            email,
            phone,
            active,
            roles,
        });
    }
}

fn students(t: &Table, b: &mut Bundle) {
    let today = chrono::Local::now().date_naive();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut people: HashMap<(String, NaiveDate), (usize, String)> = HashMap::new();
    let mut class_seen: HashSet<String> = HashSet::new();
    let mut group_seen: HashSet<String> = HashSet::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let id = r.parse_req("id", id_cell);
        let names = r.names();
        let birth_date = r.date("birth_date");
        if birth_date.is_some_and(|d| d > today) {
            r.error("birth_date", "is in the future");
        }
        let sex = r.parse("sex", sex_cell);
        let class = r.parse("class", |s| {
            parse_class_name(s).ok_or_else(|| CLASS_NAME.to_string())
        });
        let groups = r.get("groups").map(split_list).unwrap_or_default();
        let starts_on = r.date("starts_on");
        let (order_no, order_date) = r.order("order_no", "order_date");
        let phone = r.parse("phone", phone_cell);
        let email = r.parse("email", email_cell);
        let address = r.text("address");
        if r.get("class").is_none() {
            if !groups.is_empty() {
                r.error("groups", "a group needs the student's class");
            }
            for col in ["starts_on", "order_no"] {
                if r.get(col).is_some() {
                    r.warn(col, "ignored: no class to enrol the student in");
                }
            }
        }
        if let Some(id) = &id {
            if let Some(first) = ids.get(id) {
                r.error(
                    "id",
                    format!("a second student with this id (the first is on line {first})"),
                );
            } else {
                ids.insert(id.clone(), r.line);
            }
        }
        if let (Some((f, g, p)), Some(born), Some(id)) = (&names, birth_date, &id) {
            let who = full_name(f, g, p.as_deref());
            match people.get(&(who.clone(), born)) {
                Some((first, other)) if other != id => {
                    let msg = format!(
                        "the same name and birth date as line {first} (id {other}): the same child twice?"
                    );
                    let col = if t.has("family_name") {
                        "family_name"
                    } else {
                        "full_name"
                    };
                    r.warn(col, msg);
                }
                Some(_) => {}
                None => {
                    people.insert((who, born), (r.line, id.clone()));
                }
            }
        }
        if r.bad {
            continue;
        }
        let (Some(id), Some((family_name, given_name, patronymic))) = (id, names) else {
            continue;
        };
        if let Some((grade, letter)) = class {
            let class = format!("{grade}{letter}");
            if class_seen.insert(class.clone()) {
                b.classes.push(ClassIn {
                    at: r.at(),
                    key: class.clone(),
                    ext_id: None,
                    year: None,
                    grade,
                    letter,
                    class_teacher: None,
                });
            }
            for g in groups {
                let key = group_key(&class, &g);
                if group_seen.insert(key.clone()) {
                    b.groups.push(GroupIn {
                        at: r.at(),
                        key: key.clone(),
                        ext_id: None,
                        class: class.clone(),
                        name: g,
                    });
                }
                b.group_members.push(GroupMemberIn {
                    at: r.at(),
                    group: key,
                    student: id.clone(),
                });
            }
            b.enrolments.push(EnrolmentIn {
                at: r.at(),
                ext_id: None,
                student: id.clone(),
                class,
                starts_on,
                ends_on: None,
                order_no,
                order_date,
                end_reason: None,
                end_order_no: None,
                end_order_date: None,
            });
        }
        b.students.push(StudentIn {
            at: r.at(),
            key: id.clone(),
            ext_id: Some(id),
            family_name,
            given_name,
            patronymic,
            birth_date,
            sex,
            phone,
            email,
            address,
        });
    }
}

fn guardians(t: &Table, b: &mut Bundle) {
    // Guardian key → index in b.guardians.
    let mut index: HashMap<String, usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let student = r.required("student").map(str::to_string);
        let relation = match r.get("relation") {
            Some(_) => r.parse("relation", relation_cell),
            None if t.has("relation") => {
                r.warn("relation", "empty: stored as other");
                Some(Relation::Other)
            }
            None => Some(Relation::Other),
        };
        let names = r.names();
        let id = r.parse("id", id_cell);
        let phone = r.parse("phone", phone_cell);
        let email = r.parse("email", email_cell);
        if r.bad {
            continue;
        }
        let (Some(student), Some(relation), Some((family_name, given_name, patronymic))) =
            (student, relation, names)
        else {
            continue;
        };
        let key = id
            .clone()
            .unwrap_or_else(|| full_name(&family_name, &given_name, patronymic.as_deref()));
        let Some(&i) = index.get(&key) else {
            index.insert(key.clone(), b.guardians.len());
            b.guardians.push(GuardianIn {
                at: r.at(),
                key,
                ext_id: id,
                family_name,
                given_name,
                patronymic,
                phone,
                email,
                children: vec![(student, relation)],
            });
            continue;
        };
        // The same guardian again: another child, and the same details.
        let g = &mut b.guardians[i];
        let first = g.at.line;
        let differs = |o: &str| format!("differs from line {first} («{o}») for the same guardian");
        let mut wrong: Vec<(&str, String)> = vec![];
        if g.family_name != family_name {
            wrong.push(("family_name", differs(&g.family_name)));
        }
        if g.given_name != given_name {
            wrong.push(("given_name", differs(&g.given_name)));
        }
        for (col, mine, theirs) in [
            ("patronymic", patronymic, &mut g.patronymic),
            ("phone", phone, &mut g.phone),
            ("email", email, &mut g.email),
        ] {
            match (mine, theirs.as_deref()) {
                (Some(m), Some(o)) if m != o => wrong.push((col, differs(o))),
                (Some(m), None) => *theirs = Some(m),
                _ => {}
            }
        }
        match g.children.iter().find(|(s, _)| *s == student) {
            Some((_, rel)) if *rel != relation => wrong.push((
                "relation",
                format!(
                    "differs from line {first} ({}) for the same guardian and student",
                    rel.as_str()
                ),
            )),
            Some(_) => r.warn(
                "student",
                format!("listed twice for this guardian (line {first})"),
            ),
            None => g.children.push((student, relation)),
        }
        for (col, msg) in wrong {
            let col = if !t.has(col) && (col == "family_name" || col == "given_name") {
                "full_name"
            } else {
                col
            };
            r.error(col, msg);
        }
    }
}

fn curriculum(t: &Table, b: &mut Bundle) {
    let mut seen: HashMap<(String, Option<String>, String), usize> = HashMap::new();
    let mut hours_of: HashMap<(String, String), (usize, f64)> = HashMap::new();
    let mut subjects: HashMap<String, usize> = HashMap::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let class = r.required("class").map(class_ref);
        let subject = r.required("subject").map(str::to_string);
        let short_name = r.text("short_name");
        let hours = r.parse_req("hours_per_week", hours_cell);
        let teacher = r.text("teacher");
        let group = r.text("group");
        if let (Some(c), Some(s)) = (&class, &subject) {
            let key = (c.clone(), group.clone(), s.clone());
            if let Some(first) = seen.get(&key) {
                r.error(
                    "subject",
                    format!("a second row for {s} in {c} (the first is on line {first})"),
                );
            } else {
                seen.insert(key, r.line);
            }
            if let Some(h) = hours {
                match hours_of.get(&(c.clone(), s.clone())) {
                    Some((first, h0)) if (h0 - h).abs() > 1e-9 => r.warn(
                        "hours_per_week",
                        format!(
                            "differs from line {first} ({h0}) for the same class and subject; \
                             the curriculum holds one number of hours per class and subject"
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        hours_of.insert((c.clone(), s.clone()), (r.line, h));
                    }
                }
            }
        }
        if let (Some(s), Some(sn)) = (&subject, &short_name)
            && let Some(&i) = subjects.get(s)
        {
            let known = &mut b.subjects[i];
            if known.short_name == known.name {
                known.short_name = sn.clone();
            } else if known.short_name != *sn {
                let msg = format!(
                    "differs from line {} («{}») for the same subject; the first is kept",
                    known.at.line, known.short_name
                );
                r.warn("short_name", msg);
            }
        }
        if r.bad {
            continue;
        }
        let (Some(class), Some(subject), Some(hours_per_week)) = (class, subject, hours) else {
            continue;
        };
        if !subjects.contains_key(&subject) {
            subjects.insert(subject.clone(), b.subjects.len());
            b.subjects.push(SubjectIn {
                at: r.at(),
                key: subject.clone(),
                ext_id: None,
                name: subject.clone(),
                short_name: short_name.unwrap_or_else(|| subject.clone()),
            });
        }
        b.curriculum.push(CurriculumIn {
            at: r.at(),
            class,
            subject,
            hours_per_week,
            teacher,
            group,
        });
    }
}

fn timetable(t: &Table, b: &mut Bundle) {
    let mut subjects: HashSet<String> = HashSet::new();
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let class = r.required("class").map(class_ref);
        let group = r.text("group");
        let weekday = r.parse_req("weekday", weekday_cell);
        let lesson = r.parse_req("lesson_no", int_in(0, 12));
        let subject = r.required("subject").map(str::to_string);
        let teacher = r.required("teacher").map(str::to_string);
        let room = r.text("room").unwrap_or_default();
        let valid_from = r.date("valid_from");
        let valid_to = r.date("valid_to");
        let id = r.parse("id", id_cell);
        if let (Some(f), Some(to)) = (valid_from, valid_to)
            && to < f
        {
            r.error(
                "valid_to",
                format!("ends before it starts ({})", date_full(f)),
            );
        }
        if r.bad {
            continue;
        }
        let (Some(class), Some(weekday), Some(lesson_no), Some(subject), Some(teacher)) =
            (class, weekday, lesson, subject, teacher)
        else {
            continue;
        };
        if subjects.insert(subject.clone()) {
            b.subjects.push(SubjectIn {
                at: r.at(),
                key: subject.clone(),
                ext_id: None,
                name: subject.clone(),
                short_name: subject.clone(),
            });
        }
        b.timetable.push(TimetableIn {
            at: r.at(),
            ext_id: id,
            class,
            group,
            weekday,
            lesson_no,
            subject,
            teacher,
            room,
            valid_from,
            valid_to,
        });
    }
    // Two lessons at once: for the same class (the same group, or the
    // whole class and a group) is an error; for the same teacher in two
    // classes a warning (a lesson taught to two classes together).
    let overlap = |a: &TimetableIn, c: &TimetableIn| {
        let (a0, a1) = (
            a.valid_from.unwrap_or(NaiveDate::MIN),
            a.valid_to.unwrap_or(NaiveDate::MAX),
        );
        let (c0, c1) = (
            c.valid_from.unwrap_or(NaiveDate::MIN),
            c.valid_to.unwrap_or(NaiveDate::MAX),
        );
        a.weekday == c.weekday && a.lesson_no == c.lesson_no && a0 <= c1 && c0 <= a1
    };
    let mut issues = vec![];
    let group = |x: &TimetableIn| x.group.clone().unwrap_or_else(|| "the whole class".into());
    // Rows by (weekday, lesson): only rows of one slot can clash.
    let mut slots: HashMap<(u8, u8), Vec<&TimetableIn>> = HashMap::new();
    for c in &b.timetable {
        let slot = slots.entry((c.weekday, c.lesson_no)).or_default();
        let clash = slot.iter().copied().find(|a| {
            overlap(a, c)
                && a.class == c.class
                && (a.group.is_none() || c.group.is_none() || a.group == c.group)
        });
        if let Some(a) = clash {
            let col = if a.group == c.group {
                "lesson_no"
            } else {
                "group"
            };
            issues.push(t.error(
                c.at.line,
                col,
                format!(
                    "{} ({}) already has lesson {} on day {} at line {} ({}, {})",
                    c.class,
                    group(c),
                    c.lesson_no,
                    c.weekday,
                    a.at.line,
                    a.subject,
                    group(a)
                ),
            ));
        } else if let Some(a) = slot
            .iter()
            .copied()
            .find(|a| overlap(a, c) && a.teacher == c.teacher && a.class != c.class)
        {
            issues.push(t.warning(
                c.at.line,
                "teacher",
                format!(
                    "also teaches {} at the same time (line {}); fine if the classes are taught together",
                    a.class, a.at.line
                ),
            ));
        }
        slot.push(c);
    }
    b.issues.extend(issues);
}

fn movements(t: &Table, b: &mut Bundle) {
    let mut seen: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let mut reasons = 0usize;
    let mut first_reason = 0usize;
    for l in &t.rows {
        let mut r = t.rec(l, &mut b.issues);
        let student = r.required("student").map(str::to_string);
        let kind = r.parse_req("kind", movement_kind);
        let class = r.get("class").map(class_ref);
        let date = r.date_req("date");
        let (order_no, order_date) = r.order("order_no", "order_date");
        if r.get("reason").is_some() {
            reasons += 1;
            if first_reason == 0 {
                first_reason = r.line;
            }
        }
        if class.is_none() && matches!(kind, Some(MovementKind::Arrival | MovementKind::Transfer)) {
            r.error(
                "class",
                "empty; an arrival or a transfer needs the class the student goes to",
            );
        }
        if let (Some(s), Some(d)) = (&student, date) {
            if let Some(first) = seen.get(&(s.clone(), d)) {
                r.error(
                    "date",
                    format!("a second movement of this student on this day (the first is on line {first})"),
                );
            } else {
                seen.insert((s.clone(), d), r.line);
            }
        }
        if r.bad {
            continue;
        }
        let (Some(student), Some(kind), Some(date)) = (student, kind, date) else {
            continue;
        };
        b.movements.push(MovementIn {
            at: r.at(),
            student,
            kind,
            class,
            date,
            order_no,
            order_date,
        });
    }
    if reasons > 0 {
        b.issues.push(Issue::warning(
            t.origin(first_reason),
            t.header("reason"),
            format!("{reasons} reason(s) given but not stored: the records keep no reason text for a movement"),
        ));
    }
}

/// "7A" (Latin A) and "7А" (Cyrillic А) look the same and are two
/// different classes: warn when one file names both.
fn lookalike_classes(t: &Table, b: &mut Bundle) {
    fn fold(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                'A' => 'А',
                'B' => 'В',
                'C' => 'С',
                'E' => 'Е',
                'H' => 'Н',
                'K' => 'К',
                'M' => 'М',
                'O' => 'О',
                'P' => 'Р',
                'T' => 'Т',
                'X' => 'Х',
                'Y' => 'У',
                c => c,
            })
            .collect()
    }
    let mut names: Vec<(&str, usize)> = vec![];
    let col = if t.kind == Kind::Classes {
        "name"
    } else {
        "class"
    };
    for c in &b.classes {
        names.push((&c.key, c.at.line));
    }
    for e in &b.enrolments {
        names.push((&e.class, e.at.line));
    }
    for c in &b.curriculum {
        names.push((&c.class, c.at.line));
    }
    for c in &b.timetable {
        names.push((&c.class, c.at.line));
    }
    for m in &b.movements {
        if let Some(c) = &m.class {
            names.push((c, m.at.line));
        }
    }
    let mut first: HashMap<String, (&str, usize)> = HashMap::new();
    let mut warned: HashSet<(String, String)> = HashSet::new();
    let mut issues = vec![];
    for (name, line) in names {
        if parse_class_name(name).is_none() {
            continue;
        }
        match first.get(&fold(name)) {
            Some((other, at)) if *other != name => {
                if warned.insert((other.to_string(), name.to_string())) {
                    issues.push(t.warning(
                        line,
                        col,
                        format!(
                            "looks like {other} (line {at}) but is spelled with other letters \
                             (Latin and Cyrillic mixed up): they are two different classes"
                        ),
                    ));
                }
            }
            Some(_) => {}
            None => {
                first.insert(fold(name), (name, line));
            }
        }
    }
    b.issues.extend(issues);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{HolidayKind, PeriodKind, Relation, Role, Sex};
    use crate::service::import::model::Severity;

    fn read(kind: Kind, text: &str) -> Bundle {
        read_str(kind, "f.csv", text.as_bytes())
    }

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).expect("a test date")
    }

    /// (line, column) of every error, in order.
    fn errors(b: &Bundle) -> Vec<(usize, String)> {
        b.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| (i.at.line, i.column.clone()))
            .collect()
    }

    fn warnings(b: &Bundle) -> Vec<(usize, String)> {
        b.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .map(|i| (i.at.line, i.column.clone()))
            .collect()
    }

    fn e(line: usize, col: &str) -> (usize, String) {
        (line, col.to_string())
    }

    fn clean(b: &Bundle) {
        assert!(b.issues.is_empty(), "{:#?}", b.issues);
    }

    fn message(b: &Bundle, line: usize, col: &str) -> String {
        b.issues
            .iter()
            .find(|i| i.at.line == line && i.column == col)
            .map(|i| i.to_string())
            .unwrap_or_else(|| panic!("no issue at {line} {col}: {:#?}", b.issues))
    }

    #[test]
    fn every_shipped_template_reads_without_issues() {
        for &kind in Kind::ALL {
            let b = read(kind, template(kind));
            assert!(b.issues.is_empty(), "{kind}: {:#?}", b.issues);
            let rows = b.years.len()
                + b.holidays.len()
                + b.periods.len()
                + b.bells.len()
                + b.classes.len()
                + b.staff.len()
                + b.students.len()
                + b.guardians.len()
                + b.curriculum.len()
                + b.timetable.len()
                + b.movements.len();
            assert!(rows >= 2, "{kind} gave {rows} rows");
        }
    }

    #[test]
    fn template_headers_are_the_canonical_columns() {
        for &kind in Kind::ALL {
            let header = template(kind).lines().next().expect("a header");
            let want: Vec<&str> = kind
                .columns()
                .iter()
                .map(|c| c.name)
                .filter(|n| *n != "full_name")
                .collect();
            assert_eq!(header.split(',').collect::<Vec<_>>(), want, "{kind}");
        }
    }

    #[test]
    fn the_readme_documents_every_column_of_every_kind() {
        let readme = include_str!("../../../data/templates/README.md");
        for &kind in Kind::ALL {
            let start = readme
                .find(&format!("\n## {}\n", kind.name()))
                .unwrap_or_else(|| panic!("README has no section for {kind}"));
            let rest = &readme[start + 4..];
            let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
            for c in kind.columns() {
                assert!(
                    section.contains(&format!("| `{}`", c.name)),
                    "README's {kind} section does not document {}",
                    c.name
                );
            }
            assert!(readme.contains(&format!("| `{}` | {} |", kind.name(), kind.describe())));
        }
    }

    #[test]
    fn aliases_are_normalised_and_unique_within_a_kind() {
        for &kind in Kind::ALL {
            let mut seen = HashSet::new();
            for c in kind.columns() {
                for a in std::iter::once(&c.name).chain(c.aliases) {
                    assert_eq!(norm_header(a), *a, "{kind}: alias {a} is not normalised");
                    assert!(seen.insert(*a), "{kind}: {a} names two columns");
                }
            }
        }
    }

    #[test]
    fn kinds_parse_by_name() {
        for &kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.name()), Some(kind));
            assert!(!kind.describe().is_empty());
        }
        assert_eq!(Kind::parse(" Students.CSV "), Some(Kind::Students));
        assert_eq!(Kind::parse("pupils"), None);
    }

    #[test]
    fn cells_read_the_ways_spreadsheets_write_them() {
        assert_eq!(time_cell("8:30"), Ok("08:30".into()));
        assert_eq!(time_cell("08.05"), Ok("08:05".into()));
        assert_eq!(time_cell("14:30:00"), Ok("14:30".into()));
        assert!(time_cell("24:00").is_err() && time_cell("8:3").is_err());
        assert_eq!(hours_cell("1,5"), Ok(1.5));
        assert!(hours_cell("NaN").is_err() && hours_cell("0").is_err());
        assert_eq!(date_cell("24/12/2025"), Ok(d(2025, 12, 24)));
        assert_eq!(date_cell("12/24/2025"), Ok(d(2025, 12, 24)));
        assert_eq!(date_cell("05/05/2025"), Ok(d(2025, 5, 5)));
        assert!(date_cell("01/09/2025").unwrap_err().contains("ambiguous"));
        assert!(
            date_cell("01.09.25").is_err(),
            "a two-digit year is refused"
        );
        assert_eq!(date_cell("01.09.2025 0:00:00"), Ok(d(2025, 9, 1)));
        assert_eq!(year_label("2025/2026"), "2025/26");
        assert_eq!(year_label("2025-26"), "2025/26");
        assert_eq!(year_label("2099–2100"), "2099/00");
        assert_eq!(year_label("2025/2027"), "2025/2027");
        assert_eq!(parse_class_name("7 а"), Some((7, "А".into())));
        assert_eq!(parse_class_name("10-A1"), Some((10, "A1".into())));
        assert_eq!(parse_class_name("12А"), None);
        assert_eq!(parse_class_name("А7"), None);
        assert_eq!(class_ref("C-7A"), "C-7A");
        assert_eq!(
            split_full_name("Иванова Анна Петровна"),
            Some(("Иванова".into(), "Анна".into(), Some("Петровна".into())))
        );
        assert_eq!(
            split_full_name("Nguyễn Thị Hoa"),
            Some(("Nguyễn".into(), "Thị Hoa".into(), None))
        );
        assert_eq!(
            split_full_name("Алиев Эльдар Рашид оглы"),
            Some(("Алиев".into(), "Эльдар".into(), Some("Рашид оглы".into())))
        );
        assert_eq!(split_full_name("欧阳明"), None);
        assert!(excel_number("7,9E+10") && excel_number("1.23e+5") && !excel_number("+7 900"));
        assert_eq!(norm_header("Дата рождения (ДД.ММ.ГГГГ)"), "дата_рождения");
        assert_eq!(norm_header(" Ф.И.О. "), "фио");
        assert_eq!(norm_header("E-mail"), "e_mail");
    }

    #[test]
    fn weekdays_in_every_language_the_school_writes() {
        for (s, n) in [
            ("1", 1),
            ("Mon", 1),
            ("Пн", 1),
            ("понедельник", 1),
            ("T2", 1),
            ("Thứ Hai", 1),
            ("一", 1),
            ("tuesday", 2),
            ("Вт", 2),
            ("thứ ba", 2),
            ("周二", 2),
            ("СРЕДА", 3),
            ("星期三", 3),
            ("Thu", 4),
            ("Thứ Năm", 4),
            ("пятница", 5),
            ("T7", 6),
            ("Sun", 7),
            ("CN", 7),
            ("Chủ nhật", 7),
            ("星期日", 7),
            ("礼拜天", 7),
        ] {
            assert_eq!(weekday_cell(s), Ok(n), "{s}");
        }
        for s in ["0", "8", "Funday", "周八"] {
            assert!(weekday_cell(s).is_err(), "{s}");
        }
    }

    #[test]
    fn calendar_good() {
        let b = read(
            Kind::Calendar,
            "kind,label,starts_on,ends_on\n\
             year,2025/2026,01.09.2025,31.08.2026\n\
             holiday,Осенние каникулы,2025-10-25,2025-11-02\n\
             non_school_day,Tết Nguyên Đán,2026-02-17,\n\
             каникулы,春节,2026-02-15,2026-02-23\n",
        );
        clean(&b);
        assert_eq!(b.years.len(), 1);
        let y = &b.years[0];
        assert_eq!((y.key.as_str(), y.label.as_str()), ("2025/26", "2025/26"));
        assert_eq!((y.starts_on, y.ends_on), (d(2025, 9, 1), d(2026, 8, 31)));
        assert_eq!(y.at, Origin::new("f.csv", 2));
        assert_eq!(b.holidays.len(), 3);
        let h = &b.holidays[1];
        assert_eq!(h.kind, HolidayKind::NonSchoolDay);
        assert_eq!(h.label, "Tết Nguyên Đán");
        assert_eq!((h.starts_on, h.ends_on), (d(2026, 2, 17), d(2026, 2, 17)));
        assert!(
            b.holidays
                .iter()
                .all(|h| h.year.as_deref() == Some("2025/26"))
        );
        assert_eq!(b.holidays[2].kind, HolidayKind::Holiday);

        // Without a year row a holiday's year is left to its dates.
        let b = read(
            Kind::Calendar,
            "kind,label,starts_on,ends_on\nholiday,Зимние каникулы,2025-12-29,2026-01-11\n",
        );
        clean(&b);
        assert_eq!(b.holidays[0].year, None);
    }

    #[test]
    fn calendar_bad_lines_are_all_reported() {
        let b = read(
            Kind::Calendar,
            "kind,label,starts_on,ends_on\n\
             year,2025/26,2025-09-01,2025-08-31\n\
             term,Четверть,2025-09-01,2025-10-01\n\
             holiday,,2025-13-01,\n\
             year,2026/27,2026-09-01,\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "ends_on"),
                e(3, "kind"),
                e(4, "label"),
                e(4, "starts_on"),
                e(5, "ends_on")
            ]
        );
        assert_eq!(
            message(&b, 4, "starts_on"),
            "f.csv:4: starts_on: not a date: write 2025-09-01 or 01.09.2025 («2025-13-01»)"
        );
        assert_eq!(
            message(&b, 5, "ends_on"),
            "f.csv:5: ends_on: empty; this column is required"
        );
        assert!(b.has_errors());

        // A holiday outside the file's years; the same holiday twice.
        let b = read(
            Kind::Calendar,
            "kind,label,starts_on,ends_on\n\
             year,2025/26,2025-09-01,2026-08-31\n\
             holiday,Летние,2026-08-20,2026-09-05\n\
             holiday,Осенние,2025-10-25,2025-11-02\n\
             holiday,Осенние,2025-10-25,2025-11-02\n\
             year,2025/2026,2025-09-01,2026-08-31\n",
        );
        assert_eq!(
            errors(&b),
            vec![e(3, "starts_on"), e(5, "starts_on"), e(6, "label")]
        );
        assert!(message(&b, 3, "starts_on").contains("not inside a school year"));
    }

    #[test]
    fn periods_good() {
        let b = read(
            Kind::Periods,
            "Учебный год;Вид;Номер;Название;Начало;Окончание\n\
             2025/26;четверть;1;;01.09.2025;24.10.2025\n\
             2025/26;quarter;2;II четверть;05.11.2025;28.12.2025\n\
             2025/26;полугодие;1;;01.09.2025;28.12.2025\n",
        );
        clean(&b);
        assert_eq!(b.periods.len(), 3);
        let p = &b.periods[0];
        assert_eq!(
            (p.year.as_str(), p.kind, p.number, p.label.as_str()),
            ("2025/26", PeriodKind::Quarter, 1, "1 четверть")
        );
        assert_eq!((p.starts_on, p.ends_on), (d(2025, 9, 1), d(2025, 10, 24)));
        assert_eq!(b.periods[1].label, "II четверть");
        assert_eq!(b.periods[2].kind, PeriodKind::Half);
        assert_eq!(b.periods[2].label, "1 полугодие");
    }

    #[test]
    fn periods_bad_lines_are_all_reported() {
        let b = read(
            Kind::Periods,
            "year,kind,number,label,starts_on,ends_on\n\
             2025/26,quarter,5,,2025-09-01,2025-10-24\n\
             2025/26,half,3,,2025-09-01,2025-12-28\n\
             2025/26,trimester,1,,2025-09-01,2025-11-30\n\
             2025/26,quarter,1,,2025-09-01,2025-08-01\n\
             ,quarter,2,,2025-11-05,2025-12-28\n\
             2025/26,quarter,3,,2026-01-12,2026-03-20\n\
             2025/26,quarter,3,,2026-01-12,2026-03-20\n\
             2025/26,quarter,4,,2026-03-15,2026-05-26\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "number"),
                e(3, "number"),
                e(4, "kind"),
                e(5, "ends_on"),
                e(6, "year"),
                e(8, "number"),
                e(9, "starts_on"),
            ]
        );
        assert!(message(&b, 9, "starts_on").contains("overlaps 3 четверть (line 7"));
        assert!(message(&b, 8, "number").contains("the first is on line 7"));
    }

    #[test]
    fn bells_good() {
        let b = read(
            Kind::Bells,
            "Урок\tНачало\tКонец\n1\t8:30\t9:15\n2\t09:25\t10:10\n0\t7:45\t8:20\n",
        );
        clean(&b);
        assert_eq!(b.bells.len(), 3);
        let x = &b.bells[0];
        assert_eq!(
            (
                x.lesson_no,
                x.starts_at.as_str(),
                x.ends_at.as_str(),
                x.year.as_deref()
            ),
            (1, "08:30", "09:15", None)
        );
        assert_eq!(b.bells[2].lesson_no, 0);
    }

    #[test]
    fn bells_bad_lines_are_all_reported() {
        let b = read(
            Kind::Bells,
            "lesson_no,starts_at,ends_at,year\n\
             13,08:30,09:15,2025/26\n\
             1,25:00,9:15,2025/26\n\
             2,10:10,09:25,2025/26\n\
             3,10:20,11:05,2025/2026\n\
             3,11:20,12:05,2025/26\n\
             4,11:00,11:45,2025/26\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "lesson_no"),
                e(3, "starts_at"),
                e(4, "ends_at"),
                e(6, "lesson_no"),
                e(7, "starts_at")
            ]
        );
        assert_eq!(
            message(&b, 3, "starts_at"),
            "f.csv:3: starts_at: not a time of day: write 08:30 («25:00»)"
        );
    }

    #[test]
    fn classes_good() {
        let b = read(
            Kind::Classes,
            "name,grade,letter,class_teacher,groups,id\n\
             7 а,,,Иванова Анна Петровна,Англ. 1; Англ. 2,\n\
             10A1,10,a1,nguyen.hoa,,C-10A1\n",
        );
        clean(&b);
        assert_eq!(b.classes.len(), 2);
        let c = &b.classes[0];
        assert_eq!(
            (
                c.key.as_str(),
                c.grade,
                c.letter.as_str(),
                c.ext_id.as_deref()
            ),
            ("7А", 7, "А", None)
        );
        assert_eq!(c.class_teacher.as_deref(), Some("Иванова Анна Петровна"));
        let c = &b.classes[1];
        assert_eq!(
            (
                c.key.as_str(),
                c.grade,
                c.letter.as_str(),
                c.ext_id.as_deref()
            ),
            ("C-10A1", 10, "A1", Some("C-10A1"))
        );
        assert_eq!(b.groups.len(), 2);
        assert_eq!(b.groups[1].key, "7А/Англ. 2");
        assert_eq!(
            (b.groups[1].class.as_str(), b.groups[1].name.as_str()),
            ("7А", "Англ. 2")
        );
    }

    #[test]
    fn classes_bad_lines_are_all_reported() {
        let b = read(
            Kind::Classes,
            "name,grade,letter,class_teacher,groups,id\n\
             А7,,,,,\n\
             7Б,8,В,,,\n\
             12А,,,,,\n\
             ,,,,,X\n\
             5В,,,,,\n\
             5в,,,,,\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "name"),
                e(3, "grade"),
                e(3, "letter"),
                e(4, "name"),
                e(5, "name"),
                e(7, "name")
            ]
        );
        assert_eq!(
            message(&b, 3, "grade"),
            "f.csv:3: grade: does not match the class name 7Б («8»)"
        );
    }

    #[test]
    fn latin_and_cyrillic_class_letters_are_told_apart() {
        let b = read(Kind::Classes, "name\n7А\n7A\n");
        assert!(!b.has_errors());
        assert_eq!(warnings(&b), vec![e(3, "name")]);
        assert!(message(&b, 3, "name").contains("Latin and Cyrillic"));
    }

    #[test]
    fn staff_good() {
        let b = read(
            Kind::Staff,
            "ФИО;Логин;E-mail;Телефон;Роли;Активен\n\
             Иванова Анна Петровна;ivanova;ivanova@school.ru;+7 900 123-45-67;учитель; да\n\
             Nguyễn Thị Hoa;;hoa@school.vn;;teacher, class_teacher;\n\
             欧阳 明;ouyang;;;завуч;нет\n",
        );
        clean(&b);
        assert_eq!(b.staff.len(), 3);
        let s = &b.staff[0];
        assert_eq!(s.key, "ivanova");
        assert_eq!(
            (
                s.family_name.as_str(),
                s.given_name.as_str(),
                s.patronymic.as_deref()
            ),
            ("Иванова", "Анна", Some("Петровна"))
        );
        assert_eq!(s.roles, vec![Role::Teacher]);
        assert!(s.active);
        assert_eq!(s.phone.as_deref(), Some("+7 900 123-45-67"));
        let s = &b.staff[1];
        assert_eq!(s.key, "Nguyễn Thị Hoa");
        assert_eq!(
            (s.family_name.as_str(), s.given_name.as_str()),
            ("Nguyễn", "Thị Hoa")
        );
        assert_eq!(s.roles, vec![Role::Teacher, Role::ClassTeacher]);
        let s = &b.staff[2];
        assert_eq!(
            (s.family_name.as_str(), s.given_name.as_str()),
            ("欧阳", "明")
        );
        assert_eq!(s.roles, vec![Role::Deputy]);
        assert!(!s.active);

        let b = read(
            Kind::Staff,
            "id,family_name,given_name,patronymic,login,roles\n\
             T-1,Иванова,Анна,Петровна,ivanova,director;teacher\n",
        );
        clean(&b);
        assert_eq!(b.staff[0].key, "T-1");
        assert_eq!(b.staff[0].ext_id.as_deref(), Some("T-1"));
        assert_eq!(b.staff[0].roles, vec![Role::Director, Role::Teacher]);
    }

    #[test]
    fn staff_bad_lines_are_all_reported() {
        let b = read(
            Kind::Staff,
            "id,family_name,given_name,login,email,roles,active\n\
             T-1,Иванова,,ivanova,ivanova-at-school,teacher,yes\n\
             T-2,Петров,Иван,ivanova,,уборщик;teacher,maybe\n\
             T-1,Nguyễn,Hoa,nguyen hoa,,,\n\
             ,,,,,,\n\
             T-3,,欧阳,,,,\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "given_name"),
                e(2, "email"),
                e(3, "roles"),
                e(3, "active"),
                e(3, "login"),
                e(4, "login"),
                e(4, "id"),
                e(6, "family_name"),
            ]
        );
        assert!(message(&b, 3, "roles").contains("«уборщик»"));
        // Without an id or a login, a person is known by the full name.
        let b = read(
            Kind::Staff,
            "family_name,given_name,patronymic\n\
             Иванова,Анна,Петровна\n\
             Иванова,Анна,Петровна\n\
             Иванова,Анна,\n",
        );
        assert_eq!(errors(&b), vec![e(3, "family_name")]);
        assert_eq!(b.staff[1].key, "Иванова Анна");
        // A single name in a full-name column cannot be split.
        let b = read(Kind::Staff, "ФИО\n欧阳明\n");
        assert_eq!(errors(&b), vec![e(2, "ФИО")]);
    }

    #[test]
    fn students_good() {
        let b = read(
            Kind::Students,
            "id,family_name,given_name,patronymic,birth_date,sex,class,groups,starts_on,order_no,order_date,phone,email,address\n\
             S-1,Иванова,Анна,Петровна,14.03.2012,Ж,7а,Англ. 1,2025-09-01,112-у,2025-08-28,,,\"г. Тверь, ул. Советская, 5\"\n\
             S-2,Nguyễn,Thị Hoa,,2012-07-02,nữ,7А,Англ. 2;Информатика 1,,,,,hoa@example.vn,\n\
             S-3,欧阳,明,,2011-11-20,男,8Б,,,,,+86 138 0000 0000,,\n\
             S-4,Петров,Пётр,,,,,,,,,,,\n",
        );
        clean(&b);
        assert!(b.full_roster);
        assert_eq!(b.students.len(), 4);
        let s = &b.students[0];
        assert_eq!((s.key.as_str(), s.ext_id.as_deref()), ("S-1", Some("S-1")));
        assert_eq!(s.birth_date, Some(d(2012, 3, 14)));
        assert_eq!(s.sex, Some(Sex::F));
        assert_eq!(s.address.as_deref(), Some("г. Тверь, ул. Советская, 5"));
        assert_eq!(b.students[1].sex, Some(Sex::F));
        assert_eq!(b.students[2].sex, Some(Sex::M));
        assert_eq!((b.students[3].sex, b.students[3].birth_date), (None, None));
        let classes: Vec<(&str, u8, &str)> = b
            .classes
            .iter()
            .map(|c| (c.key.as_str(), c.grade, c.letter.as_str()))
            .collect();
        assert_eq!(classes, vec![("7А", 7, "А"), ("8Б", 8, "Б")]);
        let groups: Vec<&str> = b.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(groups, vec!["7А/Англ. 1", "7А/Англ. 2", "7А/Информатика 1"]);
        assert_eq!(b.group_members.len(), 3);
        assert_eq!(
            (
                b.group_members[2].group.as_str(),
                b.group_members[2].student.as_str()
            ),
            ("7А/Информатика 1", "S-2")
        );
        assert_eq!(b.enrolments.len(), 3, "S-4 has no class");
        let en = &b.enrolments[0];
        assert_eq!((en.student.as_str(), en.class.as_str()), ("S-1", "7А"));
        assert_eq!(en.starts_on, Some(d(2025, 9, 1)));
        assert_eq!(
            (en.order_no.as_deref(), en.order_date),
            (Some("112-у"), Some(d(2025, 8, 28)))
        );
        assert_eq!(
            (
                b.enrolments[1].order_no.as_deref(),
                b.enrolments[1].starts_on
            ),
            (None, None)
        );
    }

    #[test]
    fn students_bad_lines_are_all_reported() {
        let b = read(
            Kind::Students,
            "id,family_name,given_name,birth_date,sex,class,groups,order_no,order_date,phone\n\
             S-1,Иванова,Анна,31.02.2012,X,7А,,12,,\n\
             S-1,Nguyễn,Hoa,2012-07-02,F,А7,,,2025-08-28,\n\
             ,欧阳,明,2099-01-01,M,,Англ. 1,,,7.9E+10\n\
             S-4,Петров,Пётр,2012-01-01,,7А,,,,\n\
             S-5,Петров,Пётр,2012-01-01,,7А,,,,\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "birth_date"),
                e(2, "sex"),
                e(2, "order_date"),
                e(3, "class"),
                e(3, "order_no"),
                e(3, "id"),
                e(4, "id"),
                e(4, "birth_date"),
                e(4, "phone"),
                e(4, "groups"),
            ]
        );
        assert_eq!(warnings(&b), vec![e(6, "family_name")]);
        assert_eq!(
            message(&b, 2, "sex"),
            "f.csv:2: sex: not a sex: write F or M (also Ж/М, 女/男, nữ/nam), or leave empty («X»)"
        );
    }

    #[test]
    fn guardians_good() {
        let b = read(
            Kind::Guardians,
            "Ученик;Кем приходится;Фамилия;Имя;Отчество;Телефон;Электронная почта;Код\n\
             S-1;мать;Иванова;Елена;Сергеевна;+7 900 765-43-21;;G-1\n\
             S-5;мать;Иванова;Елена;Сергеевна;;ivanova@example.com;G-1\n\
             S-2;mẹ;Nguyễn;Thị Lan;;;;\n\
             S-3;父亲;欧阳;建国;;;;\n\
             S-3;;欧阳;红;;;;\n",
        );
        assert!(!b.has_errors(), "{:#?}", b.issues);
        assert_eq!(warnings(&b), vec![e(6, "Кем приходится")]);
        assert_eq!(b.guardians.len(), 4);
        let g = &b.guardians[0];
        assert_eq!((g.key.as_str(), g.ext_id.as_deref()), ("G-1", Some("G-1")));
        assert_eq!(
            g.children,
            vec![
                ("S-1".to_string(), Relation::Mother),
                ("S-5".to_string(), Relation::Mother)
            ]
        );
        assert_eq!(g.phone.as_deref(), Some("+7 900 765-43-21"));
        assert_eq!(g.email.as_deref(), Some("ivanova@example.com"));
        assert_eq!(b.guardians[1].key, "Nguyễn Thị Lan");
        assert_eq!(b.guardians[1].children[0].1, Relation::Mother);
        assert_eq!(b.guardians[2].children[0].1, Relation::Father);
        assert_eq!(b.guardians[3].children[0].1, Relation::Other);
    }

    #[test]
    fn guardians_bad_lines_are_all_reported() {
        let b = read(
            Kind::Guardians,
            "student,relation,family_name,given_name,phone,email,id\n\
             S-1,тётя,Иванова,Елена,,,G-1\n\
             ,mother,Nguyễn,Thị Lan,,,G-2\n\
             S-3,father,欧阳,建国,+86 1,,G-3\n\
             S-4,father,欧阳,建国,+86 2,bad,G-3\n\
             S-5,father,Петров,Иван,+86 1,,G-3\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "relation"),
                e(3, "student"),
                e(5, "email"),
                e(6, "family_name"),
                e(6, "given_name"),
            ]
        );
        assert!(message(&b, 6, "family_name").contains("differs from line 4 («欧阳»)"));

        let b = read(
            Kind::Guardians,
            "student,relation,family_name,given_name,phone,id\n\
             S-3,father,欧阳,建国,+86 1,G-3\n\
             S-4,father,欧阳,建国,+86 2,G-3\n",
        );
        assert_eq!(errors(&b), vec![e(3, "phone")]);
    }

    #[test]
    fn curriculum_good() {
        let b = read(
            Kind::Curriculum,
            "class;subject;short_name;hours_per_week;teacher;group\n\
             7А;Математика;Матем.;5;T-001;\n\
             7 а;Английский язык;;1,5;T-002;Англ. 1\n\
             7А;Английский язык;Англ.;1.5;T-003;Англ. 2\n\
             C-8B;Математика;;4;;\n",
        );
        clean(&b);
        assert_eq!(b.curriculum.len(), 4);
        let c = &b.curriculum[1];
        assert_eq!(
            (c.class.as_str(), c.subject.as_str()),
            ("7А", "Английский язык")
        );
        assert_eq!(c.hours_per_week, 1.5);
        assert_eq!(
            (c.teacher.as_deref(), c.group.as_deref()),
            (Some("T-002"), Some("Англ. 1"))
        );
        assert_eq!(b.curriculum[3].class, "C-8B");
        assert_eq!(b.curriculum[3].teacher, None);
        let subjects: Vec<(&str, &str)> = b
            .subjects
            .iter()
            .map(|s| (s.key.as_str(), s.short_name.as_str()))
            .collect();
        assert_eq!(
            subjects,
            vec![("Математика", "Матем."), ("Английский язык", "Англ.")]
        );
    }

    #[test]
    fn curriculum_bad_lines_are_all_reported() {
        let b = read(
            Kind::Curriculum,
            "class,subject,hours_per_week,group\n\
             7А,Математика,0,\n\
             7А,Физика,abc,\n\
             ,История,2,\n\
             7А,Музыка,25,\n\
             7А,Химия,2,\n\
             7А,Химия,2,\n\
             7А,Английский язык,3,Англ. 1\n\
             7А,Английский язык,2,Англ. 2\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "hours_per_week"),
                e(3, "hours_per_week"),
                e(4, "class"),
                e(5, "hours_per_week"),
                e(7, "subject"),
            ]
        );
        assert_eq!(warnings(&b), vec![e(9, "hours_per_week")]);
    }

    #[test]
    fn timetable_good() {
        let b = read(
            Kind::Timetable,
            "Класс,Группа,День,Урок,Предмет,Учитель,Кабинет,Действует с,Действует по\n\
             7А,,Пн,1,Математика,T-001,201,,\n\
             7А,Англ. 1,T3,2,Английский язык,T-002,305,01.09.2025,28.12.2025\n\
             7А,Англ. 2,T3,2,Английский язык,T-003,306,01.09.2025,\n\
             7А,,周三,3,Математика,T-001,,,\n\
             7А,,Thursday,4,Математика,T-001,,2025-09-01,2025-12-28\n\
             7А,,4,4,История,欧阳 明,,2026-01-12,\n",
        );
        clean(&b);
        assert_eq!(b.timetable.len(), 6);
        let days: Vec<u8> = b.timetable.iter().map(|x| x.weekday).collect();
        assert_eq!(days, vec![1, 2, 2, 3, 4, 4]);
        let x = &b.timetable[1];
        assert_eq!(
            (
                x.class.as_str(),
                x.group.as_deref(),
                x.lesson_no,
                x.room.as_str()
            ),
            ("7А", Some("Англ. 1"), 2, "305")
        );
        assert_eq!(
            (x.valid_from, x.valid_to),
            (Some(d(2025, 9, 1)), Some(d(2025, 12, 28)))
        );
        assert_eq!(b.timetable[3].room, "");
        assert_eq!(b.timetable[0].valid_from, None);
        let subjects: Vec<&str> = b.subjects.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(subjects, vec!["Математика", "Английский язык", "История"]);
    }

    #[test]
    fn timetable_bad_lines_are_all_reported() {
        let b = read(
            Kind::Timetable,
            "class,group,weekday,lesson_no,subject,teacher,valid_from,valid_to\n\
             7А,,Funday,1,Математика,T-001,,\n\
             7А,,1,13,Математика,T-001,,\n\
             7А,,1,1,Математика,,2025-09-01,2025-08-01\n\
             7А,,2,1,Математика,T-001,,\n\
             7А,,2,1,Физика,T-004,,\n\
             7А,Англ. 1,2,1,Английский язык,T-002,,\n\
             7Б,,2,1,Химия,T-001,,\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "weekday"),
                e(3, "lesson_no"),
                e(4, "teacher"),
                e(4, "valid_to"),
                e(6, "lesson_no"),
                e(7, "group"),
            ]
        );
        assert_eq!(warnings(&b), vec![e(8, "teacher")]);
        assert!(message(&b, 6, "lesson_no").contains("at line 5"));

        // Rows that hold at different times do not clash.
        let b = read(
            Kind::Timetable,
            "class,weekday,lesson_no,subject,teacher,valid_from,valid_to\n\
             7А,1,1,Математика,T-001,2025-09-01,2025-12-28\n\
             7А,1,1,Физика,T-004,2026-01-12,\n",
        );
        clean(&b);
    }

    #[test]
    fn movements_good() {
        let b = read(
            Kind::Movements,
            "student,kind,class,date,order_no,order_date,reason\n\
             S-4,прибытие,7 а,2025-10-06,145-у,2025-10-03,\n\
             S-2,transfer,7Б,12.01.2026,,,\n\
             S-3,выбытие,,2026-03-02,21-у,2026-02-27,\n\
             S-9,graduation,,2026-05-26,30-у,2026-05-20,\n",
        );
        clean(&b);
        let kinds: Vec<MovementKind> = b.movements.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![
                MovementKind::Arrival,
                MovementKind::Transfer,
                MovementKind::Departure(EndReason::Departure),
                MovementKind::Departure(EndReason::Graduation),
            ]
        );
        let m = &b.movements[0];
        assert_eq!(
            (m.student.as_str(), m.class.as_deref()),
            ("S-4", Some("7А"))
        );
        assert_eq!(m.date, d(2025, 10, 6));
        assert_eq!(
            (m.order_no.as_deref(), m.order_date),
            (Some("145-у"), Some(d(2025, 10, 3)))
        );
        assert_eq!(b.movements[1].order_no, None);
        assert_eq!(b.movements[2].class, None);
        assert!(!b.full_roster);
    }

    #[test]
    fn movements_bad_lines_are_all_reported() {
        let b = read(
            Kind::Movements,
            "student,kind,class,date,order_no,order_date,reason\n\
             S-4,arrival,,2025-10-06,,,\n\
             S-2,escape,7Б,2026-01-12,,,\n\
             S-3,departure,,2026-02-30,,2026-02-27,переезд\n\
             ,transfer,7Б,2026-01-12,,,\n\
             S-5,transfer,7Б,2026-01-12,,,\n\
             S-5,departure,,2026-01-12,,,\n",
        );
        assert_eq!(
            errors(&b),
            vec![
                e(2, "class"),
                e(3, "kind"),
                e(4, "date"),
                e(4, "order_no"),
                e(5, "student"),
                e(7, "date"),
            ]
        );
        assert_eq!(warnings(&b), vec![e(4, "reason")]);
    }
}
