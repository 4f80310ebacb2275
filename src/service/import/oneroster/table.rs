//! One OneRoster CSV file read into rows whose cells are found by column
//! name: headers trimmed, compared without case, the byte order mark
//! dropped, known misspellings accepted, empty header cells ignored. Every
//! problem becomes an [`Issue`] naming the file, the line and the column.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::text::nfc;
use crate::service::import::model::{Issue, Origin, parse_date};

/// Which columns a file must have and which the reader uses; any other
/// column (bar `dateLastModified`, which no reader needs) gets one warning.
pub(super) struct Spec {
    pub required: &'static [&'static str],
    pub used: &'static [&'static str],
}

/// Columns that carry nothing the school keeps and need no warning.
const SILENT: &[&str] = &["datelastmodified"];

/// The header as the specification spells it (lower case), for the
/// misspellings real exports carry.
fn canonical(header: &str) -> String {
    let lower = header.to_lowercase();
    match lower.as_str() {
        "datalastmodified" => "datelastmodified".to_string(),
        "prefferedgivenname" => "preferredgivenname".to_string(),
        "prefferedmiddlename" => "preferredmiddlename".to_string(),
        "prefferedfamilyname" => "preferredfamilyname".to_string(),
        _ => lower,
    }
}

pub(super) struct Row {
    pub line: usize,
    cells: Vec<String>,
}

pub(super) struct Table {
    /// The file's name as found in the export.
    pub file: String,
    /// Header cells as written.
    written: Vec<String>,
    /// Canonical (lower-case) column name → position.
    index: HashMap<String, usize>,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn has(&self, col: &str) -> bool {
        self.index.contains_key(&col.to_lowercase())
    }

    /// The cell (trimmed, NFC), "" when the column or the cell is missing.
    pub fn get<'r>(&self, row: &'r Row, col: &str) -> &'r str {
        self.index
            .get(&col.to_lowercase())
            .and_then(|&i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The column's header as the file writes it (the specification's name
    /// when the file has no such column).
    pub fn col(&self, col: &str) -> String {
        self.index
            .get(&col.to_lowercase())
            .and_then(|&i| self.written.get(i))
            .cloned()
            .unwrap_or_else(|| col.to_string())
    }

    pub fn at(&self, row: &Row) -> Origin {
        Origin::new(self.file.clone(), row.line)
    }

    pub fn error(&self, row: &Row, col: &str, message: impl Into<String>) -> Issue {
        let column = if col.is_empty() {
            String::new()
        } else {
            self.col(col)
        };
        Issue::error(self.at(row), column, message)
    }

    pub fn warning(&self, row: &Row, col: &str, message: impl Into<String>) -> Issue {
        let column = if col.is_empty() {
            String::new()
        } else {
            self.col(col)
        };
        Issue::warning(self.at(row), column, message)
    }

    /// A value the row cannot do without: `None` (and an error) when empty.
    pub fn required<'r>(
        &self,
        row: &'r Row,
        col: &str,
        issues: &mut Vec<Issue>,
    ) -> Option<&'r str> {
        let v = self.get(row, col);
        if v.is_empty() {
            issues.push(self.error(row, col, "no value (it is required)"));
            None
        } else {
            Some(v)
        }
    }

    /// An optional date: `Ok(None)` when empty, `Err` (and an error) when
    /// unreadable.
    pub fn date(
        &self,
        row: &Row,
        col: &str,
        issues: &mut Vec<Issue>,
    ) -> Result<Option<NaiveDate>, ()> {
        let v = self.get(row, col);
        if v.is_empty() {
            return Ok(None);
        }
        match parse_date(v) {
            Some(d) => Ok(Some(d)),
            None => {
                issues.push(self.error(row, col, format!("not a date: «{v}»")));
                Err(())
            }
        }
    }

    /// A true/false cell (`true`, `false`, any case; also `1`/`0`,
    /// `yes`/`no`); `default` when empty.
    pub fn flag(
        &self,
        row: &Row,
        col: &str,
        default: bool,
        issues: &mut Vec<Issue>,
    ) -> Result<bool, ()> {
        let v = self.get(row, col);
        match v.to_lowercase().as_str() {
            "" => Ok(default),
            "true" | "1" | "yes" | "y" | "t" => Ok(true),
            "false" | "0" | "no" | "n" | "f" => Ok(false),
            _ => {
                issues.push(self.error(row, col, format!("neither true nor false: «{v}»")));
                Err(())
            }
        }
    }

    /// Whether the row is kept: `tobedeleted` rows are skipped with a
    /// warning; `active` and empty are kept; any other status is kept
    /// with a warning.
    pub fn keep(&self, row: &Row, issues: &mut Vec<Issue>) -> bool {
        let status = self.get(row, "status");
        match status.to_lowercase().as_str() {
            "" | "active" => true,
            "tobedeleted" => {
                issues.push(self.warning(row, "status", "status «tobedeleted»: row skipped"));
                false
            }
            _ => {
                issues.push(self.warning(
                    row,
                    "status",
                    format!("status «{status}» is neither active nor tobedeleted; row kept"),
                ));
                true
            }
        }
    }
}

/// A list cell ("a,b, c") as its non-empty trimmed values.
pub(super) fn list(cell: &str) -> Vec<String> {
    cell.split(',').map(nfc).filter(|s| !s.is_empty()).collect()
}

/// The byte that separates values: a comma, unless the header line has
/// none and has semicolons or tabs (spreadsheets saved in some locales).
fn delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    if count(b',') > 0 {
        b','
    } else if count(b';') > 0 {
        b';'
    } else if count(b'\t') > 0 {
        b'\t'
    } else {
        b','
    }
}

/// Reads a file's rows. `None` when the file cannot be used at all (not
/// text, no header, a required column missing): the errors say why.
pub(super) fn read(
    file: &str,
    bytes: &[u8],
    spec: &Spec,
    issues: &mut Vec<Issue>,
) -> Option<Table> {
    let whole = |message: String| Issue::error(Origin::new(file, 0), "", message);
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        issues.push(whole(
            "the file is UTF-16 text; save it as CSV in UTF-8".to_string(),
        ));
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delim = delimiter(bytes);
    // Line numbers from byte offsets: the csv crate counts a CRLF line's
    // end with the next record, so its own line numbers drift by one.
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |pos: Option<&csv::Position>| -> usize {
        let Some(pos) = pos else { return 0 };
        let mut at = usize::try_from(pos.byte()).unwrap_or(bytes.len());
        while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
            at += 1;
        }
        1 + newlines.partition_point(|&p| p < at)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(record.position());
                let mut cells = Vec::with_capacity(record.len());
                let mut bad = false;
                for (i, field) in record.iter().enumerate() {
                    match std::str::from_utf8(field) {
                        Ok(s) => cells.push(nfc(s.trim_start_matches('\u{feff}'))),
                        Err(_) => {
                            bad = true;
                            let column = header
                                .as_ref()
                                .and_then(|h| h.get(i))
                                .filter(|h| !h.is_empty())
                                .cloned()
                                .unwrap_or_else(|| format!("column {}", i + 1));
                            issues.push(Issue::error(
                                Origin::new(file, line),
                                column,
                                "not UTF-8 text (save the file as CSV in UTF-8)",
                            ));
                            cells.push(String::new());
                        }
                    }
                }
                if header.is_none() {
                    if bad {
                        return None;
                    }
                    header = Some(cells);
                    continue;
                }
                if bad || cells.iter().all(String::is_empty) {
                    continue;
                }
                rows.push(Row { line, cells });
            }
            Err(e) => {
                let line = line_at(e.position());
                issues.push(Issue::error(
                    Origin::new(file, line),
                    "",
                    format!("cannot be read as CSV: {e}"),
                ));
                break;
            }
        }
    }
    let Some(written) = header else {
        issues.push(whole("the file is empty (no header line)".to_string()));
        return None;
    };
    if delim != b',' {
        let name = if delim == b';' { "semicolons" } else { "tabs" };
        issues.push(Issue::warning(
            Origin::new(file, 1),
            "",
            format!("values are separated by {name}, not commas; read as such"),
        ));
    }

    let mut index = HashMap::new();
    let mut ok = true;
    for (i, h) in written.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let key = canonical(h);
        if let Some(&first) = index.get(&key) {
            issues.push(Issue::error(
                Origin::new(file, 1),
                h.clone(),
                format!(
                    "the column appears twice (columns {} and {})",
                    first + 1,
                    i + 1
                ),
            ));
            ok = false;
            continue;
        }
        let known = spec
            .required
            .iter()
            .chain(spec.used)
            .any(|c| c.to_lowercase() == key)
            || SILENT.contains(&key.as_str());
        // An unused column is named only when it holds something: the
        // spec's optional columns left empty are no news.
        let holds = rows
            .iter()
            .any(|r: &Row| r.cells.get(i).is_some_and(|c| !c.trim().is_empty()));
        if !known && holds {
            issues.push(Issue::warning(
                Origin::new(file, 1),
                h.clone(),
                format!("column «{h}» is not used"),
            ));
        }
        index.insert(key, i);
    }
    for col in spec.required {
        if !index.contains_key(&col.to_lowercase()) {
            issues.push(Issue::error(
                Origin::new(file, 1),
                *col,
                format!("required column «{col}» is missing"),
            ));
            ok = false;
        }
    }
    ok.then(|| Table {
        file: file.to_string(),
        written,
        index,
        rows,
    })
}
