//! The report's outputs: CSV (the table, exactly [`Report::table`]), JSON,
//! plain text for a terminal, and one self-contained printable HTML file.
//! None of them computes anything: they only lay out the [`Report`].

use std::fmt::Write as _;

use chrono::NaiveDate;
use unicode_width::UnicodeWidthStr;

use super::{Report, full};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Csv,
    Json,
    Html,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// The report in `format`; `printed` is the date of printing shown on paper.
pub fn render(r: &Report, format: Format, printed: NaiveDate) -> String {
    match format {
        Format::Text => text(r),
        Format::Csv => csv(r),
        Format::Json => json(r),
        Format::Html => html(r, printed),
    }
}

/// The table as CSV: a header line of column titles, then the rows.
pub fn csv(r: &Report) -> String {
    let mut w = crate::service::csv_safe::SafeCsv::new(vec![]);
    for line in r.table() {
        // Writing into memory cannot fail.
        let _ = w.write_record(&line);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The whole report as pretty JSON (rows as objects keyed by column).
pub fn json(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Pad `s` to `w` display columns, on the left for numbers.
fn pad(s: &str, w: usize, right: bool) -> String {
    let n = w.saturating_sub(UnicodeWidthStr::width(s));
    if right {
        format!("{}{s}", " ".repeat(n))
    } else {
        format!("{s}{}", " ".repeat(n))
    }
}

/// The report for a terminal: the heading, an aligned table, the notes.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    if !r.school.is_empty() {
        let _ = writeln!(out, "{}", r.school);
    }
    let _ = writeln!(out, "{}", r.heading());
    let _ = writeln!(out, "as of {}", full(r.as_of));
    let _ = writeln!(out);
    let table = r.table();
    // Long text wraps inside its column rather than running off the line.
    let widths: Vec<usize> = (0..r.columns.len())
        .map(|c| {
            table
                .iter()
                .map(|row| row.get(c).map_or(0, |s| UnicodeWidthStr::width(s.as_str())))
                .max()
                .unwrap_or(0)
                .min(TEXT_WRAP)
        })
        .collect();
    for (i, row) in table.iter().enumerate() {
        let cells: Vec<Vec<String>> = row.iter().zip(&widths).map(|(s, w)| wrap(s, *w)).collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let line: Vec<String> = cells
                .iter()
                .zip(&r.columns)
                .zip(&widths)
                .map(|((lines, c), w)| {
                    let s = lines.get(k).map_or("", String::as_str);
                    pad(s, *w, c.numeric && i > 0)
                })
                .collect();
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
        }
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(out, "{}", rule.join("  "));
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out);
        for n in &r.notes {
            let _ = writeln!(out, "{n}");
        }
    }
    out
}

/// The widest a text column gets in the text output before it wraps.
const TEXT_WRAP: usize = 40;

/// `s` in lines of at most `w` display columns, broken at spaces (a word
/// longer than the line is cut). Always at least one line.
fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = vec![String::new()];
    for word in s.split(' ').filter(|x| !x.is_empty()) {
        let mut word = word.to_string();
        loop {
            let cur = lines
                .last()
                .map_or(0, |l| UnicodeWidthStr::width(l.as_str()));
            let ww = UnicodeWidthStr::width(word.as_str());
            let sep = usize::from(cur > 0);
            if cur + sep + ww <= w {
                if let Some(l) = lines.last_mut() {
                    if sep == 1 {
                        l.push(' ');
                    }
                    l.push_str(&word);
                }
                break;
            }
            if cur > 0 {
                lines.push(String::new());
                continue;
            }
            // A word wider than the line: cut it.
            let mut head = String::new();
            let mut used = 0;
            let mut rest = word.chars().peekable();
            while let Some(&c) = rest.peek() {
                let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if used + cw > w && !head.is_empty() {
                    break;
                }
                used += cw;
                head.push(c);
                rest.next();
            }
            if let Some(l) = lines.last_mut() {
                l.push_str(&head);
            }
            word = rest.collect();
            if word.is_empty() {
                break;
            }
            lines.push(String::new());
        }
    }
    lines
}

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Reports with more columns than this are printed on landscape pages.
const PORTRAIT_COLUMNS: usize = 9;

const STYLE: &str = r#"
  * { box-sizing: border-box; }
  html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body {
    font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP",
                 "Noto Sans CJK KR", "Arial Unicode MS", sans-serif;
    font-size: 10pt; line-height: 1.3; color: #000; margin: 0;
  }
  header { margin-bottom: 4mm; }
  .school { font-size: 11pt; font-weight: bold; margin: 0; }
  h1 { font-size: 15pt; margin: 1.5mm 0 1mm; }
  .meta { margin: 0; font-size: 10pt; }
  table.report { border-collapse: collapse; width: 100%; }
  table.report thead { display: table-header-group; }
  table.report tr { break-inside: avoid; page-break-inside: avoid; }
  table.report th, table.report td {
    border: 0.6pt solid #555; padding: 0.8mm 1.4mm; vertical-align: top;
    overflow-wrap: break-word; hyphens: manual;
  }
  table.report th { background: #e8e8e8; text-align: left; font-weight: bold; }
  table.report .n { text-align: right; }
  table.report td.n { white-space: nowrap; }
  table.report .w { min-width: 30mm; }
  table.report .name { min-width: 40mm; }
  table.report.dense { font-size: 9pt; }
  table.report tr.total td { font-weight: bold; background: #f2f2f2; }
  table.report tbody.group { break-inside: avoid; page-break-inside: avoid; }
  table.report tr.group th {
    background: #f4f4f4; text-align: left; font-weight: bold;
    break-after: avoid; page-break-after: avoid;
  }
  table.report tbody tr:nth-child(even) td { background: #fafafa; }
  .notes { margin-top: 4mm; }
  .notes p { margin: 0 0 1.5mm; }
  .signatures { margin-top: 8mm; break-inside: avoid; page-break-inside: avoid; }
  .signatures table { border-collapse: collapse; }
  .signatures td { padding: 4mm 2mm 0 0; vertical-align: bottom; white-space: nowrap; }
  .signatures td.line { width: 55mm; border-bottom: 0.6pt solid #000; }
  @media screen { body { max-width: 290mm; margin: 8mm auto; padding: 0 6mm; } }
"#;

/// The report as one self-contained HTML page made for printing: A4 with
/// margins, the table's header repeated on every page, no row split across
/// pages, the school, title, period, as-of date, date of printing and
/// signature lines.
pub fn html(r: &Report, printed: NaiveDate) -> String {
    let e = escape;
    // On paper the grouping columns (the student, the task) head their
    // group of rows instead of repeating on every row.
    let group: Vec<usize> = r
        .group
        .iter()
        .copied()
        .filter(|&i| i < r.columns.len())
        .collect();
    let shown: Vec<usize> = (0..r.columns.len())
        .filter(|i| !group.contains(i))
        .collect();
    let landscape = shown.len() > PORTRAIT_COLUMNS;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"classbook\">\n<title>{} — {}</title>\n<style>\
         \n  @page {{ size: A4 {}; margin: 14mm 12mm 16mm 14mm; }}{STYLE}</style>\n</head>\n<body>\n",
        e(&r.title),
        e(&r.scope),
        if landscape { "landscape" } else { "portrait" },
    );
    let _ = writeln!(out, "<header>");
    if !r.school.is_empty() {
        let _ = writeln!(out, "<p class=\"school\">{}</p>", e(&r.school));
    }
    let _ = writeln!(out, "<h1>{}</h1>", e(&r.title));
    let mut meta = vec![];
    if !r.scope.is_empty() {
        meta.push(e(&r.scope));
    }
    if !r.period.is_empty() {
        meta.push(format!("Period: {}", e(&r.period)));
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Records as of {} · printed {}</p>",
        full(r.as_of),
        full(printed)
    );
    let _ = writeln!(out, "</header>");
    // Numbers right-aligned; text columns with long cells kept readable.
    let classes: Vec<&str> = r
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let long = r.rows.iter().any(|row| {
                row.cells
                    .get(i)
                    .is_some_and(|x| x.display().chars().count() > 15)
            });
            match (c.numeric, long) {
                (true, _) => " class=\"n\"",
                // the name (student, teacher) that leads each row
                (false, _) if i < r.frozen && i > 0 => " class=\"name\"",
                (false, true) => " class=\"w\"",
                (false, false) => "",
            }
        })
        .collect();
    // Very wide tables (the training standing) in 9 pt.
    let dense = if shown.len() > 12 { " dense" } else { "" };
    let _ = writeln!(out, "<table class=\"report{dense}\">\n<thead>\n<tr>");
    for &i in &shown {
        let _ = writeln!(out, "<th{}>{}</th>", classes[i], e(&r.columns[i].title));
    }
    let _ = writeln!(out, "</tr>\n</thead>");
    // One <tbody> per group, kept on one page when it fits.
    let key = |row: &super::Row| -> Vec<String> {
        group
            .iter()
            .map(|&i| row.cells.get(i).map_or_else(String::new, |c| c.display()))
            .collect()
    };
    let mut current: Option<Vec<String>> = None;
    let mut open = false;
    for row in &r.rows {
        let k = key(row);
        if !group.is_empty() && !row.total && current.as_ref() != Some(&k) {
            if open {
                let _ = writeln!(out, "</tbody>");
            }
            let title: Vec<String> = k.iter().filter(|s| !s.is_empty()).map(|s| e(s)).collect();
            let _ = writeln!(
                out,
                "<tbody class=\"group\">\n<tr class=\"group\"><th colspan=\"{}\">{}</th></tr>",
                shown.len(),
                title.join(" · ")
            );
            current = Some(k);
            open = true;
        } else if !open {
            let _ = writeln!(out, "<tbody>");
            open = true;
        }
        let _ = writeln!(
            out,
            "<tr{}>",
            if row.total { " class=\"total\"" } else { "" }
        );
        for &i in &shown {
            let text = row.cells.get(i).map_or_else(String::new, |c| c.display());
            let _ = writeln!(out, "<td{}>{}</td>", classes[i], e(&text));
        }
        let _ = writeln!(out, "</tr>");
    }
    if open {
        let _ = writeln!(out, "</tbody>");
    }
    let _ = writeln!(out, "</table>");
    if !r.notes.is_empty() {
        let _ = writeln!(out, "<section class=\"notes\">");
        for n in &r.notes {
            let _ = writeln!(out, "<p>{}</p>", e(n));
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(out, "<section class=\"signatures\">\n<table>");
    for s in &r.signatures {
        let name = s.name.as_deref().map_or_else(
            || "/ ______________________ /".to_string(),
            |n| format!("/ {} /", e(n)),
        );
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"line\"></td><td>{name}</td></tr>",
            e(&s.role)
        );
    }
    let _ = writeln!(
        out,
        "<tr><td>Date</td><td class=\"line\"></td><td></td></tr>\n</table>\n</section>"
    );
    let _ = writeln!(out, "</body>\n</html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(
            escape("Nguyễn Thị Lan 王芳 Ёлкина"),
            "Nguyễn Thị Lan 王芳 Ёлкина"
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("", 4), vec![""]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("王芳王芳", 4), vec!["王芳", "王芳"]);
    }

    #[test]
    fn pad_measures_display_width() {
        assert_eq!(pad("王芳", 6, false), "王芳  ");
        assert_eq!(pad("7", 3, true), "  7");
    }
}
