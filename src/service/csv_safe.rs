//! CSV for people: what the reports and the command line write for a
//! spreadsheet, with formulas defused.

/// A cell for a CSV that people open in a spreadsheet: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula
/// there, so it gets a leading `'` (shown as text, the OWASP advice).
/// Numbers (`-5`, `+3.5`) stay as they are.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV writer whose every cell goes through [`csv_safe`].
pub struct SafeCsv<W: std::io::Write>(csv::Writer<W>);

impl<W: std::io::Write> SafeCsv<W> {
    pub fn new(out: W) -> Self {
        SafeCsv(csv::Writer::from_writer(out))
    }

    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|c| csv_safe(c.as_ref()).into_owned()),
        )
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }

    pub fn into_inner(self) -> std::io::Result<W> {
        self.0.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn formulas_are_defused_numbers_and_names_kept() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+7 999"), "'+7 999");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("-"), "'-");
        assert_eq!(csv_safe("-5"), "-5");
        assert_eq!(csv_safe("+3.5"), "+3.5");
        assert_eq!(csv_safe("Нгуен Ван Ан"), "Нгуен Ван Ан");
        assert_eq!(csv_safe("王小明"), "王小明");
        let mut w = SafeCsv::new(vec![]);
        w.write_record(["=1+1", "4.50", "Đỗ"]).unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "'=1+1,4.50,Đỗ\n");
    }
}
