//! Reports: choose the report, the class, the period (or the programme),
//! read it as a scrollable table with its summary, and write it as CSV or
//! as a printable HTML file. The table is `Report::table()`, the very rows
//! the CSV writes, so the screen and the file cannot disagree.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::service::reports::{self, Kind, Report, Request, Span, render};
use crate::ui::action::Action;
use crate::ui::component::{Ctx, Effect, Pane, PickTarget};
use crate::ui::dates;
use crate::ui::keymap::Mode;
use crate::ui::text::{put, width};
use crate::ui::widgets::grid::{Column, Grid};

/// The Reports tab's state.
#[derive(Debug)]
pub struct ReportsPane {
    /// Index into `Kind::ALL`.
    pub kind_idx: usize,
    /// The class (index into `Ctx::classes`), chosen on first use from the
    /// class the other tabs show.
    pub class_idx: Option<usize>,
    /// The period (index into `Ctx::periods`).
    pub period_idx: Option<usize>,
    /// The period was picked (else each kind opens on its default).
    pub period_chosen: bool,
    /// The programme (index into `Ctx::programmes`).
    pub programme_idx: usize,
    pub report: Option<Report>,
    /// The table as drawn: `report.table()` (header first).
    pub table: Vec<Vec<String>>,
    /// Why there is no report (a refusal, a read error).
    pub error: Option<String>,
    /// Where files are written (default: the current directory).
    pub output_dir: PathBuf,
    pub row: usize,
    pub col: usize,
    pub loaded: bool,
    pub(crate) row_offset: Cell<usize>,
    pub(crate) col_offset: Cell<usize>,
    pub(crate) page: Cell<usize>,
}

impl Default for ReportsPane {
    fn default() -> Self {
        ReportsPane {
            kind_idx: 0,
            class_idx: None,
            period_idx: None,
            period_chosen: false,
            programme_idx: 0,
            report: None,
            table: vec![],
            error: None,
            output_dir: PathBuf::from("."),
            row: 0,
            col: 0,
            loaded: false,
            row_offset: Cell::new(0),
            col_offset: Cell::new(0),
            page: Cell::new(10),
        }
    }
}

impl ReportsPane {
    /// The kind of report shown.
    pub fn kind(&self) -> Kind {
        Kind::ALL[self.kind_idx.min(Kind::ALL.len() - 1)]
    }

    /// Body rows of the table (without the header).
    fn rows(&self) -> usize {
        self.table.len().saturating_sub(1)
    }

    /// Columns that scroll (after the frozen ones).
    fn scrolling(&self) -> usize {
        let frozen = self.report.as_ref().map_or(0, |r| r.frozen);
        self.table
            .first()
            .map_or(0, |h| h.len().saturating_sub(frozen))
    }

    pub(crate) fn move_cursor(&mut self, action: &Action) {
        self.row = super::step_rows(self.row, self.rows(), action, self.page.get());
        self.col = super::step_cols(self.col, self.scrolling(), action);
    }
}

/// A file name from the report: "performance_7А_2025-11-03_2025-12-28.csv"
/// (the kind, the class or programme, the dates).
pub fn file_name(r: &Report, ext: &str) -> String {
    let what = match r.kind {
        Kind::Performance | Kind::Attendance => r.scope.trim_start_matches("Class ").to_string(),
        Kind::Indicators => r.scope.chars().take(30).collect(),
        Kind::Training | Kind::Keeping => String::new(),
    };
    let when = match (r.from, r.to) {
        (Some(f), Some(t)) if r.kind != Kind::Indicators => {
            format!("{}_{}", f.format("%Y-%m-%d"), t.format("%Y-%m-%d"))
        }
        _ => String::new(),
    };
    let slug = |s: &str| -> String {
        let mut out = String::new();
        for c in s.chars() {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
        out.trim_matches('-').to_string()
    };
    let parts: Vec<String> = [r.kind.name().to_string(), slug(&what), when]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    format!("{}.{ext}", parts.join("_"))
}

impl Pane for ReportsPane {
    fn mode(&self) -> Mode {
        Mode::Reports
    }

    fn loaded(&self) -> bool {
        self.loaded
    }

    fn invalidate(&mut self) {
        self.loaded = false;
    }

    /// Build the chosen report again.
    fn load(&mut self, ctx: &mut Ctx) {
        self.loaded = true;
        let req = self.request(ctx);
        match reports::build(ctx.conn(), &req) {
            Ok(r) => {
                self.table = r.table();
                self.report = Some(r);
                self.error = None;
            }
            Err(e) => {
                self.table = vec![];
                self.report = None;
                self.error = Some(e.to_string());
            }
        }
        self.row = self.row.min(self.rows().saturating_sub(1));
        self.col = self.col.min(self.scrolling().saturating_sub(1));
    }

    /// The Reports tab's own keys and the cursor moves; the rest pass.
    fn handle(&mut self, action: &Action, ctx: &mut Ctx) -> Effect {
        match action {
            Action::ReportPickKind => {
                let items = Kind::ALL.iter().map(|k| k.title().to_string()).collect();
                Effect::picker(
                    PickTarget::ReportKind,
                    "Choose the report",
                    items,
                    self.kind_idx,
                )
            }
            Action::PickClass => {
                if !self.kind().needs_class() {
                    return Effect::Flash(format!(
                        "the {} report is not about one class",
                        self.kind()
                    ));
                }
                let items = ctx.classes.iter().map(|c| c.name.clone()).collect();
                let cur = self.class_idx.unwrap_or(ctx.class_idx);
                Effect::picker(PickTarget::ReportClass, "Choose the class", items, cur)
            }
            Action::PickPeriod | Action::PickProgramme => {
                let kind = self.kind();
                if kind.needs_programme() {
                    let items = ctx.programmes.iter().map(|p| p.name.clone()).collect();
                    return Effect::picker(
                        PickTarget::ReportProgramme,
                        "Choose the programme",
                        items,
                        self.programme_idx,
                    );
                }
                // Only the periods this report takes (the training
                // standing: half-years and the year).
                let items: Vec<String> = ctx
                    .periods
                    .iter()
                    .filter(|p| kind.accepts(p))
                    .map(|p| {
                        format!(
                            "{} ({}–{})",
                            p.label,
                            dates::short(p.starts_on),
                            dates::short(p.ends_on)
                        )
                    })
                    .collect();
                let cur = self
                    .period_idx
                    .and_then(|i| ctx.periods.get(i))
                    .and_then(|cur| {
                        ctx.periods
                            .iter()
                            .filter(|p| kind.accepts(p))
                            .position(|p| p.id == cur.id)
                    })
                    .unwrap_or(0);
                Effect::picker(PickTarget::ReportPeriod, "Choose the period", items, cur)
            }
            Action::ReportPrevPeriod | Action::ReportNextPeriod => {
                self.step_period(*action == Action::ReportNextPeriod, ctx)
            }
            Action::ReportSaveCsv => self.write(render::Format::Csv, ctx),
            Action::ReportSaveHtml => self.write(render::Format::Html, ctx),
            Action::MoveUp
            | Action::MoveDown
            | Action::MoveLeft
            | Action::MoveRight
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => {
                self.move_cursor(action);
                Effect::Done
            }
            _ => Effect::Pass,
        }
    }

    /// A picker of the Reports tab chose item `i`; the report is read
    /// again on the next load.
    fn pick(&mut self, target: PickTarget, i: usize, ctx: &mut Ctx) -> Effect {
        match target {
            PickTarget::ReportKind => {
                self.kind_idx = i.min(Kind::ALL.len() - 1);
                // Keep a period the user picked if the new kind takes it;
                // else the kind opens on its own default.
                let kind = self.kind();
                let keep = self.period_chosen
                    && self
                        .period_idx
                        .and_then(|p| ctx.periods.get(p))
                        .is_some_and(|p| kind.accepts(p));
                if !keep {
                    self.period_idx = None;
                    self.period_chosen = false;
                }
            }
            PickTarget::ReportClass => self.class_idx = Some(i),
            PickTarget::ReportPeriod => {
                let kind = self.kind();
                self.period_idx = ctx
                    .periods
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| kind.accepts(p))
                    .nth(i)
                    .map(|(k, _)| k);
                self.period_chosen = self.period_idx.is_some();
            }
            PickTarget::ReportProgramme => self.programme_idx = i,
            _ => return Effect::Pass,
        }
        self.row = 0;
        self.col = 0;
        self.loaded = false;
        Effect::Done
    }

    fn draw(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
        draw(self, ctx, area, buf);
    }
}

impl ReportsPane {
    /// The next (or previous) period of the same kind: quarter to quarter,
    /// half-year to half-year.
    fn step_period(&mut self, forward: bool, ctx: &mut Ctx) -> Effect {
        let kind = self.kind();
        let Some(cur) = self.period_idx.and_then(|i| ctx.periods.get(i)) else {
            return Effect::Flash(format!("the {kind} report has no period"));
        };
        let next = ctx
            .periods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == cur.kind && kind.accepts(p))
            .filter(|(_, p)| {
                if forward {
                    p.number > cur.number
                } else {
                    p.number < cur.number
                }
            })
            .min_by_key(|(_, p)| {
                if forward {
                    i32::from(p.number)
                } else {
                    -i32::from(p.number)
                }
            })
            .map(|(i, _)| i);
        match next {
            Some(i) => {
                self.period_idx = Some(i);
                self.period_chosen = true;
                self.load(ctx);
                Effect::Done
            }
            None => Effect::Flash(format!(
                "no {} period of this kind than {}",
                if forward { "later" } else { "earlier" },
                cur.label
            )),
        }
    }

    /// What the pane's choices ask for (the class and period chosen on
    /// first use: the class the other tabs show, the kind's default).
    fn request(&mut self, ctx: &Ctx) -> Request {
        let kind = self.kind();
        if kind.needs_class() && self.class_idx.is_none() {
            self.class_idx = Some(ctx.class_idx);
        }
        if kind.needs_period() && self.period_idx.is_none() {
            self.period_idx = reports::default_period(kind, ctx.periods, ctx.working_date)
                .and_then(|d| ctx.periods.iter().position(|p| p.id == d.id));
        }
        Request {
            kind,
            class: if kind.needs_class() {
                self.class_idx.and_then(|i| ctx.classes.get(i)).cloned()
            } else {
                None
            },
            span: if kind.needs_period() {
                self.period_idx
                    .and_then(|i| ctx.periods.get(i))
                    .cloned()
                    .map(Span::Period)
            } else {
                None
            },
            programme: if kind.needs_programme() {
                ctx.programmes.get(self.programme_idx).cloned()
            } else {
                None
            },
            as_of: ctx.working_date,
        }
    }

    /// Write the report shown into the output directory.
    fn write(&self, format: render::Format, ctx: &Ctx) -> Effect {
        let Some(r) = &self.report else {
            return Effect::Flash("no report to write".into());
        };
        let path = self.output_dir.join(file_name(r, format.extension()));
        let text = render::render(r, format, ctx.today);
        let rows = r.rows.len();
        Effect::Flash(match crate::store::write_private(&path, text.as_bytes()) {
            Ok(()) => {
                let shown = absolute(&path);
                format!("written {} ({rows} rows)", shown.display())
            }
            Err(e) => format!("not written: {}: {e}", path.display()),
        })
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Column widths from the content: the widest cell, capped.
fn col_width(table: &[Vec<String>], c: usize, cap: usize) -> u16 {
    table
        .iter()
        .map(|row| row.get(c).map_or(0, |s| width(s)))
        .max()
        .unwrap_or(0)
        .clamp(2, cap) as u16
}

/// Draw the Reports tab into `area`.
fn draw(p: &ReportsPane, ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let t = ctx.theme;
    let w = area.width as usize - 1;
    let kind = p.kind();
    let Some(r) = &p.report else {
        put(buf, area, area.x + 1, area.y, w, kind.title(), t.header);
        let why = p.error.as_deref().unwrap_or("No report yet.");
        for (k, line) in super::wrap(why, w, 3).iter().enumerate() {
            put(buf, area, area.x + 1, area.y + 2 + k as u16, w, line, t.bad);
        }
        put(
            buf,
            area,
            area.x + 1,
            area.y + 6,
            w,
            "r chooses the report, c the class, p the period (the programme).",
            t.dim,
        );
        return;
    };
    put(buf, area, area.x + 1, area.y, w, &r.heading(), t.header);
    let sub = format!(
        "{} rows · as of {} · {}",
        r.rows.len(),
        dates::full(r.as_of),
        if r.school.is_empty() {
            "(no school name)"
        } else {
            r.school.as_str()
        },
    );
    put(buf, area, area.x + 1, area.y + 1, w, &sub, t.dim);
    // The summary under the table: the first note, on up to two lines.
    let notes = r
        .notes
        .first()
        .map_or_else(Vec::new, |n| super::wrap(n, w, 2));
    let table_area = Rect {
        x: area.x,
        y: area.y + 2,
        width: area.width,
        // Under the table: the cell under the cursor in full, then the notes.
        height: area.height.saturating_sub(3 + notes.len() as u16).max(2),
    };
    let table = &p.table;
    let frozen = r.frozen.min(r.columns.len());
    let column = |c: usize| -> Column {
        let col = &r.columns[c];
        // Names get more room when they are the only wide frozen column.
        // A wide terminal shows long names and marks whole.
        let cap = match (area.width >= 120, c < frozen, frozen) {
            (true, _, _) => 40,
            (false, true, 0..=2) => 28,
            _ => 22,
        };
        let wd = col_width(table, c, cap);
        if col.numeric {
            Column::right(wd, &[col.title.as_str()])
        } else {
            Column::left(wd, &[col.title.as_str()])
        }
    };
    let style = |row: usize| -> Style {
        if r.rows.get(row).is_some_and(|x| x.total) {
            t.header
        } else {
            t.text
        }
    };
    let text = |row: usize, c: usize| -> String {
        table
            .get(row + 1)
            .and_then(|x| x.get(c))
            .cloned()
            .unwrap_or_default()
    };
    let frozen_cell = |row: usize, c: usize| -> (String, Style) { (text(row, c), style(row)) };
    let cell = |row: usize, c: usize| -> (String, Style) { (text(row, frozen + c), style(row)) };
    let grid = Grid {
        frozen: (0..frozen).map(column).collect(),
        columns: (frozen..r.columns.len()).map(column).collect(),
        rows: r.rows.len(),
        header_rows: 1,
        header: None,
        frozen_cell: &frozen_cell,
        cell: &cell,
        cursor: (!r.rows.is_empty() && r.columns.len() > frozen).then_some((p.row, p.col)),
        row_offset: &p.row_offset,
        col_offset: &p.col_offset,
        theme: t,
    };
    p.page
        .set((table_area.height.saturating_sub(1) as usize).max(1));
    grid.render(table_area, buf);
    if r.rows.is_empty() {
        put(
            buf,
            area,
            area.x + 1,
            table_area.y + 1,
            w,
            "(no rows)",
            t.dim,
        );
    }
    if let Some(line) = cursor_line(r, table, p.row, frozen + p.col) {
        put(buf, area, area.x + 1, table_area.bottom(), w, &line, t.text);
    }
    for (k, line) in notes.iter().enumerate() {
        put(
            buf,
            area,
            area.x + 1,
            area.bottom() - notes.len() as u16 + k as u16,
            w,
            line,
            t.dim,
        );
    }
}

/// The cell under the cursor in full, with its row's frozen cells:
/// "Иванова Мария · Marks: 5 4 5/4 Н 3 …".
fn cursor_line(r: &Report, table: &[Vec<String>], row: usize, col: usize) -> Option<String> {
    let cells = table.get(row + 1)?;
    let title = table.first()?.get(col)?;
    let who: Vec<&str> = cells
        .iter()
        .take(r.frozen)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    Some(format!(
        "{} · {title}: {}",
        who.join(" "),
        cells.get(col).map_or("", String::as_str)
    ))
}
