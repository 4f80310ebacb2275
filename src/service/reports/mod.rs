//! The reports the school prints and files (issue 7 §3): class performance,
//! attendance, journal keeping, training standing and plan indicators.
//!
//! Every report is built once, here, as a plain [`Report`]: a title, the
//! school, what it covers, the period, the as-of date, the columns, the rows
//! and the footer lines. The Reports tab draws that model, and the CSV,
//! JSON, text and printable HTML renderers ([`render`]) write it, so the
//! screen and `classbook report …` can never disagree: the CSV is
//! [`Report::table`] and so is the grid on screen.
//!
//! The numbers come from the services that already compute them (the
//! journal's period grid and grading, the attendance period summary, the
//! training standing, the indicator table); nothing is counted twice.

mod attendance;
mod indicators;
mod keeping;
mod performance;
pub mod render;
mod training;

use chrono::NaiveDate;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::domain::indicators::Programme;
use crate::domain::text::nfc;
use crate::domain::{Class, Period, PeriodKind, Role, SchoolYear};
use crate::store::{self, Result};

/// The kinds of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Performance,
    Attendance,
    Keeping,
    Training,
    Indicators,
}

impl Kind {
    /// In menu order.
    pub const ALL: [Kind; 5] = [
        Kind::Performance,
        Kind::Attendance,
        Kind::Keeping,
        Kind::Training,
        Kind::Indicators,
    ];

    /// The name on the command line (`classbook report performance`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Performance => "performance",
            Kind::Attendance => "attendance",
            Kind::Keeping => "keeping",
            Kind::Training => "training",
            Kind::Indicators => "indicators",
        }
    }

    /// The report's title.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Performance => "Class performance",
            Kind::Attendance => "Class attendance",
            Kind::Keeping => "Journal keeping by teacher",
            Kind::Training => "Teacher training standing",
            Kind::Indicators => "Plan indicators",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_lowercase();
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The report is about one class.
    pub fn needs_class(self) -> bool {
        matches!(self, Kind::Performance | Kind::Attendance)
    }

    /// The report covers a period (or a date range).
    pub fn needs_period(self) -> bool {
        !matches!(self, Kind::Indicators)
    }

    /// The report takes a range of dates instead of a period.
    pub fn takes_range(self) -> bool {
        matches!(self, Kind::Attendance | Kind::Keeping)
    }

    /// The report is about one programme.
    pub fn needs_programme(self) -> bool {
        matches!(self, Kind::Indicators)
    }

    /// Periods of this kind the report can cover: grades belong to any
    /// period; the training standing is kept by semester (half-year) or year.
    pub fn accepts(self, p: &Period) -> bool {
        match self {
            Kind::Training => p.kind != PeriodKind::Quarter,
            Kind::Indicators => false,
            _ => true,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a report covers in time.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// A reporting period of the school year (quarter, half, year).
    Period(Period),
    /// Any dates (attendance and journal keeping only).
    Range { from: NaiveDate, to: NaiveDate },
}

impl Span {
    pub fn from(&self) -> NaiveDate {
        match self {
            Span::Period(p) => p.starts_on,
            Span::Range { from, .. } => *from,
        }
    }

    pub fn to(&self) -> NaiveDate {
        match self {
            Span::Period(p) => p.ends_on,
            Span::Range { to, .. } => *to,
        }
    }

    /// "2 четверть, 03.11.2025–28.12.2025" or "01.12.2025–24.12.2025".
    pub fn label(&self) -> String {
        let dates = format!("{}–{}", full(self.from()), full(self.to()));
        match self {
            Span::Period(p) => format!("{}, {dates}", p.label),
            Span::Range { .. } => dates,
        }
    }
}

/// What to build.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: Kind,
    /// The class (performance, attendance).
    pub class: Option<Class>,
    /// The period or dates (every kind but indicators).
    pub span: Option<Span>,
    /// The programme (indicators).
    pub programme: Option<Programme>,
    /// The working date: pending marks, means and "so far" are judged on it.
    pub as_of: NaiveDate,
}

/// A refusal: what the request lacks or gets wrong, in a sentence.
fn refuse<T>(msg: impl Into<String>) -> Result<T> {
    Err(store::invalid(msg.into()))
}

/// One cell: text, or a number kept as a number for JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// An exact decimal: `value` in units of 10^-places (466, 2 → 4.66).
    Dec {
        value: i64,
        places: u8,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn int(n: impl TryInto<i64>) -> Cell {
        n.try_into().map_or(Cell::Empty, Cell::Int)
    }

    /// A percentage in tenths (935 → "93.5"), or empty.
    pub fn tenths(v: Option<u32>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Dec {
            value: v as i64,
            places: 1,
        })
    }

    /// Hundredths (466 → "4.66"), or empty.
    pub fn hundredths(v: Option<u32>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Dec {
            value: v as i64,
            places: 2,
        })
    }

    /// The cell as every renderer and the screen write it.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Dec { value, places } => {
                let p = 10i64.pow(u32::from(*places));
                let sign = if *value < 0 { "-" } else { "" };
                let v = value.abs();
                if *places == 0 {
                    format!("{sign}{v}")
                } else {
                    format!("{sign}{}.{:0w$}", v / p, v % p, w = usize::from(*places))
                }
            }
        }
    }

    /// The cell in JSON: numbers as numbers, empty as null.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(n) => serde_json::json!(n),
            Cell::Dec { .. } => self
                .display()
                .parse::<f64>()
                .map_or(serde_json::Value::Null, |f| serde_json::json!(f)),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.json().serialize(s)
    }
}

/// A column: a key for JSON, a title for people, numbers right-aligned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub key: String,
    pub title: String,
    pub numeric: bool,
}

impl Column {
    fn text(key: &str, title: &str) -> Column {
        Column {
            key: key.into(),
            title: title.into(),
            numeric: false,
        }
    }

    fn num(key: &str, title: &str) -> Column {
        Column {
            numeric: true,
            ..Column::text(key, title)
        }
    }
}

/// A row of the table; a total row is set in bold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub total: bool,
}

impl Row {
    fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            total: false,
        }
    }

    fn total(cells: Vec<Cell>) -> Row {
        Row { cells, total: true }
    }
}

/// A figure of the summary (class quality %, …), for JSON and the footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub value: Cell,
}

/// A signature line of the printed report: "Director ____ / name /".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    pub role: String,
    /// "Фамилия И. О." when the database knows who holds the post.
    pub name: Option<String>,
}

/// A report as every output draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: Kind,
    pub title: String,
    pub school: String,
    /// What it is about: "Class 7А", "All teachers", the programme's name.
    pub scope: String,
    /// The period as a person reads it.
    pub period: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The working date the records were read at.
    pub as_of: NaiveDate,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Summary figures (also written out in `notes`).
    pub figures: Vec<Figure>,
    /// Footer lines: the summary and how the numbers are counted.
    pub notes: Vec<String>,
    pub signatures: Vec<Signature>,
    /// Leading columns that stay in view on screen (number and name).
    pub frozen: usize,
    /// Columns whose values group the rows (the student, the task): on
    /// paper they head each group instead of repeating on every row.
    pub group: Vec<usize>,
}

impl Report {
    /// The table as text: the header, then one line per row. The CSV is
    /// exactly this, and the Reports tab draws exactly these cells.
    pub fn table(&self) -> Vec<Vec<String>> {
        std::iter::once(self.columns.iter().map(|c| c.title.clone()).collect())
            .chain(
                self.rows
                    .iter()
                    .map(|r| r.cells.iter().map(Cell::display).collect()),
            )
            .collect()
    }

    /// "Class performance · Class 7А · 2 четверть, 03.11.2025–28.12.2025".
    pub fn heading(&self) -> String {
        [
            self.title.as_str(),
            self.scope.as_str(),
            self.period.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
    }
}

/// The rows as JSON objects keyed by column, with the rest of the report.
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct RowObj<'a>(&'a [Column], &'a Row);
        impl Serialize for RowObj<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len() + 1))?;
                for (c, v) in self.0.iter().zip(&self.1.cells) {
                    m.serialize_entry(&c.key, v)?;
                }
                if self.1.total {
                    m.serialize_entry("total", &true)?;
                }
                m.end()
            }
        }
        let rows: Vec<RowObj> = self.rows.iter().map(|r| RowObj(&self.columns, r)).collect();
        let mut m = s.serialize_map(Some(13))?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("title", &self.title)?;
        m.serialize_entry("school", &self.school)?;
        m.serialize_entry("scope", &self.scope)?;
        m.serialize_entry("period", &self.period)?;
        m.serialize_entry("from", &self.from)?;
        m.serialize_entry("to", &self.to)?;
        m.serialize_entry("as_of", &self.as_of)?;
        m.serialize_entry("columns", &self.columns)?;
        m.serialize_entry("rows", &rows)?;
        m.serialize_entry("figures", &self.figures)?;
        m.serialize_entry("notes", &self.notes)?;
        m.serialize_entry("signatures", &self.signatures)?;
        m.end()
    }
}

/// "24.12.2025".
pub(crate) use crate::domain::text::date_full as full;

/// `part` of `whole` in tenths of a percent, rounded half-up (exact
/// integers, so every output agrees); `None` when `whole` is 0.
pub fn percent_tenths(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| ((part * 2000 + whole) / (2 * whole)) as u32)
}

/// "37.5%" from tenths, or "–".
pub fn percent_text(t: Option<u32>) -> String {
    t.map_or_else(|| "–".into(), |t| format!("{}.{}%", t / 10, t % 10))
}

/// The name on a signature line: the first active holder of `role`.
fn holder(staff: &[crate::domain::Staff], role: Role) -> Option<String> {
    staff
        .iter()
        .find(|s| s.active && s.roles.contains(&role))
        .map(|s| s.short_name())
}

fn school_name(conn: &store::Conn) -> Result<String> {
    Ok(store::school::school(conn)?.map_or_else(String::new, |s| s.name))
}

/// The school year the request's dates fall in.
fn year_of(conn: &store::Conn, d: NaiveDate) -> Result<SchoolYear> {
    match store::school::current_year(conn, d)? {
        Some(y) => Ok(y),
        None => refuse("the database has no school year"),
    }
}

/// Build the report `req` asks for.
pub fn build(conn: &store::Conn, req: &Request) -> Result<Report> {
    let staff = store::people::staff(conn)?;
    let sign = |roles: &[(&str, Role)]| signatures(&staff, roles);
    let need_span = || -> Result<&Span> {
        match &req.span {
            Some(s) if s.from() <= s.to() => Ok(s),
            Some(s) => refuse(format!(
                "the period ends ({}) before it starts ({})",
                full(s.to()),
                full(s.from())
            )),
            None => refuse(format!("the {} report needs a period", req.kind)),
        }
    };
    let need_class = || -> Result<&Class> {
        match &req.class {
            Some(c) => Ok(c),
            None => refuse(format!("the {} report needs a class", req.kind)),
        }
    };
    let mut report = match req.kind {
        Kind::Performance => {
            let class = need_class()?;
            let Span::Period(period) = need_span()? else {
                return refuse(
                    "the performance report needs a period (a quarter, half or the year), \
                     not dates: period grades belong to a period",
                );
            };
            let mut r = performance::build(conn, class, period, req.as_of)?;
            r.signatures = class_signatures(&staff, class);
            r
        }
        Kind::Attendance => {
            let class = need_class()?;
            let span = need_span()?;
            let mut r = attendance::build(conn, class, span, req.as_of)?;
            r.signatures = class_signatures(&staff, class);
            r
        }
        Kind::Keeping => {
            let mut r = keeping::build(conn, need_span()?, req.as_of)?;
            r.signatures = sign(&[
                ("Deputy director", Role::Deputy),
                ("Director", Role::Director),
            ]);
            r
        }
        Kind::Training => {
            let span = need_span()?;
            let Span::Period(period) = span else {
                return refuse(
                    "the training standing is kept by semester or year: \
                     give a half-year (h1, h2) or the year, not dates",
                );
            };
            let mut r = training::build(conn, period, req.as_of)?;
            r.signatures = sign(&[
                ("Training lead", Role::TrainingLead),
                ("Director", Role::Director),
            ]);
            r
        }
        Kind::Indicators => {
            let Some(p) = &req.programme else {
                return refuse("the indicators report needs a programme");
            };
            let mut r = indicators::build(conn, p, req.as_of)?;
            r.signatures = sign(&[("Director", Role::Director)]);
            r
        }
    };
    report.school = school_name(conn)?;
    report.as_of = req.as_of;
    Ok(report)
}

/// Signature lines for `roles` ("Director", Role::Director), with the
/// names of who holds them.
fn signatures(staff: &[crate::domain::Staff], roles: &[(&str, Role)]) -> Vec<Signature> {
    roles
        .iter()
        .map(|(label, role)| Signature {
            role: (*label).into(),
            name: holder(staff, *role),
        })
        .collect()
}

/// Class teacher, deputy director, director.
fn class_signatures(staff: &[crate::domain::Staff], class: &Class) -> Vec<Signature> {
    let teacher = class
        .class_teacher_id
        .and_then(|id| staff.iter().find(|s| s.id == id))
        .map(|s| s.short_name());
    let mut out = vec![Signature {
        role: "Class teacher".into(),
        name: teacher,
    }];
    out.extend(signatures(
        staff,
        &[
            ("Deputy director", Role::Deputy),
            ("Director", Role::Director),
        ],
    ));
    out
}

// ---------------------------------------------------------------------------
// Finding what a request names (the command line)

/// What the command line names, before it is looked up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub class: Option<String>,
    /// A period label ("2 четверть") or q1–q4, h1–h2, year.
    pub period: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub programme: Option<String>,
}

/// Fold case and Cyrillic letters into Latin ones, so "7a" finds "7А" and
/// "9b" finds "9Б" (as the pickers do).
fn fold(s: &str) -> String {
    const CYR: &str = "абвгдеёзийклмнопрстуфхцы";
    const LAT: &str = "abvgdeezijklmnoprstufhcy";
    nfc(s)
        .to_lowercase()
        .chars()
        .map(|c| {
            CYR.chars()
                .position(|k| k == c)
                .and_then(|i| LAT.chars().nth(i))
                .unwrap_or(c)
        })
        .collect()
}

/// The period a report opens on: the quarter the working date is in (else
/// the latest begun); for the training standing, the year.
pub fn default_period(kind: Kind, periods: &[Period], as_of: NaiveDate) -> Option<&Period> {
    let fits = |p: &&Period| kind.accepts(p);
    if kind == Kind::Training {
        return periods
            .iter()
            .filter(fits)
            .find(|p| p.kind == PeriodKind::Year)
            .or_else(|| periods.iter().find(fits));
    }
    let quarters = || periods.iter().filter(|p| p.kind == PeriodKind::Quarter);
    quarters()
        .find(|p| p.contains(as_of))
        .or_else(|| quarters().rfind(|p| p.starts_on <= as_of))
        .or_else(|| periods.iter().find(fits))
}

/// Look up what `names` names for a report of `kind`, judged on `as_of`.
/// Options the report does not take, and names that are not there, are
/// refused with a sentence that lists what there is.
pub fn resolve(conn: &store::Conn, kind: Kind, names: &Names, as_of: NaiveDate) -> Result<Request> {
    let unused = |what: &str, why: &str| -> Result<()> {
        refuse(format!("the {kind} report {why}: leave out {what}"))
    };
    if !kind.needs_class() && names.class.is_some() {
        unused("--class", "is not about one class")?;
    }
    if !kind.needs_programme() && names.programme.is_some() {
        unused("--programme", "is not about a programme")?;
    }
    if !kind.needs_period() && (names.period.is_some() || names.from.is_some()) {
        unused(
            "--period, --from and --to",
            "covers the programme's whole span",
        )?;
    }
    if !kind.takes_range() && (names.from.is_some() || names.to.is_some()) {
        return refuse(format!(
            "the {kind} report covers a period, not dates: give --period (q1–q4, h1–h2, year{})",
            if kind == Kind::Training {
                "; the standing: h1, h2 or year"
            } else {
                ""
            }
        ));
    }
    let year = year_of(conn, as_of)?;
    let class = if kind.needs_class() {
        let classes = store::classes::classes(conn, year.id)?;
        let list = || {
            classes
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(want) = &names.class else {
            return refuse(format!(
                "the {kind} report needs --class (classes in {}: {})",
                year.label,
                list()
            ));
        };
        let exact = nfc(want).to_lowercase();
        match classes
            .iter()
            .find(|c| c.name.to_lowercase() == exact)
            .or_else(|| classes.iter().find(|c| fold(&c.name) == fold(want)))
        {
            Some(c) => Some(c.clone()),
            None => {
                return refuse(format!(
                    "no class «{want}» in {} (classes: {})",
                    year.label,
                    list()
                ));
            }
        }
    } else {
        None
    };
    let span = if !kind.needs_period() {
        None
    } else if let (Some(from), Some(to)) = (names.from, names.to) {
        if from > to {
            return refuse(format!("--from {} is after --to {}", full(from), full(to)));
        }
        Some(Span::Range { from, to })
    } else if names.from.is_some() || names.to.is_some() {
        return refuse("give both --from and --to, or --period");
    } else {
        let periods = store::school::periods(conn, year.id)?;
        let choices = || {
            periods
                .iter()
                .filter(|p| kind.accepts(p))
                .map(|p| p.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let period = match &names.period {
            Some(want) => match crate::service::journal::find_period(&periods, want) {
                Some(p) if kind.accepts(p) => p.clone(),
                Some(p) => {
                    return refuse(format!(
                        "the {kind} report cannot cover {} (periods it takes: {})",
                        p.label,
                        choices()
                    ));
                }
                None => {
                    return refuse(format!(
                        "no period «{want}» in {} (periods: {}; or q1–q4, h1–h2, year)",
                        year.label,
                        choices()
                    ));
                }
            },
            None => match default_period(kind, &periods, as_of) {
                Some(p) => p.clone(),
                None => return refuse(format!("the school year {} has no periods", year.label)),
            },
        };
        Some(Span::Period(period))
    };
    let programme = if kind.needs_programme() {
        let all = store::indicators::programmes(conn)?;
        let list = || {
            all.iter()
                .map(|p| format!("«{}»", p.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let found = match &names.programme {
            Some(want) => {
                let w = nfc(want).to_lowercase();
                let exact: Vec<&Programme> =
                    all.iter().filter(|p| p.name.to_lowercase() == w).collect();
                let hits: Vec<&Programme> = if exact.is_empty() {
                    all.iter()
                        .filter(|p| p.name.to_lowercase().contains(&w))
                        .collect()
                } else {
                    exact
                };
                match hits.as_slice() {
                    [one] => (*one).clone(),
                    [] => return refuse(format!("no programme «{want}» (programmes: {})", list())),
                    many => {
                        return refuse(format!(
                            "«{want}» matches {} programmes: give more of the name ({})",
                            many.len(),
                            list()
                        ));
                    }
                }
            }
            None => match all.as_slice() {
                [one] => one.clone(),
                [] => return refuse("the database has no programme"),
                _ => {
                    return refuse(format!(
                        "the indicators report needs --programme (programmes: {})",
                        list()
                    ));
                }
            },
        };
        Some(found)
    } else {
        None
    };
    Ok(Request {
        kind,
        class,
        span,
        programme,
        as_of,
    })
}

/// An empty report of `kind` for the builders to fill.
fn blank(kind: Kind, scope: String, period: String, as_of: NaiveDate) -> Report {
    Report {
        kind,
        title: kind.title().into(),
        school: String::new(),
        scope,
        period,
        from: None,
        to: None,
        as_of,
        columns: vec![],
        rows: vec![],
        figures: vec![],
        notes: vec![],
        signatures: vec![],
        frozen: 2,
        group: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_display_exactly() {
        assert_eq!(Cell::hundredths(Some(466)).display(), "4.66");
        assert_eq!(Cell::hundredths(Some(405)).display(), "4.05");
        assert_eq!(Cell::tenths(Some(1000)).display(), "100.0");
        assert_eq!(Cell::tenths(Some(5)).display(), "0.5");
        assert_eq!(Cell::tenths(None).display(), "");
        assert_eq!(Cell::int(7u32).display(), "7");
        assert_eq!(Cell::hundredths(Some(466)).json(), serde_json::json!(4.66));
        assert_eq!(Cell::Empty.json(), serde_json::Value::Null);
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent_tenths(1, 3), Some(333));
        assert_eq!(percent_tenths(2, 3), Some(667));
        assert_eq!(percent_tenths(1, 8), Some(125));
        // 1/16 = 6.25% → 6.3
        assert_eq!(percent_tenths(1, 16), Some(63));
        assert_eq!(percent_tenths(0, 0), None);
        assert_eq!(percent_text(Some(375)), "37.5%");
    }
}
