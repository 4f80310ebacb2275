//! The CSV templates read real files: delimiters, encodings, byte-order
//! marks, Russian headers, blank lines, and every bad line reported with
//! its file, line and column.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use classbook::domain::Sex;
use classbook::service::import::model::{Bundle, Severity};
use classbook::service::import::templates::{self, Kind};

fn file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).expect("create a test file");
    f.write_all(bytes).expect("write a test file");
    path
}

fn issues(b: &Bundle, severity: Severity) -> Vec<(usize, String)> {
    b.issues
        .iter()
        .filter(|i| i.severity == severity)
        .map(|i| (i.at.line, i.column.clone()))
        .collect()
}

fn at(line: usize, col: &str) -> (usize, String) {
    (line, col.to_string())
}

fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, dd)
}

#[test]
fn semicolons_a_bom_crlf_and_russian_headers() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = "Номер личного дела;Фамилия;Имя;Отчество;Дата рождения (ДД.ММ.ГГГГ);Пол;Класс;Группы\r\n\
                S-1;Иванова;Анна;Петровна;14.03.2012;ж;7А;Англ. 1\r\n\
                S-2;Nguyễn;Thị Hoa;;02.07.2012;nữ;7А;\"Англ. 2; Информатика\"\r\n\
                S-3;欧阳;明;;20.11.2011;男;8Б;\r\n";
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let path = file(dir.path(), "ученики.csv", &bytes);
    let b = templates::read(Kind::Students, &path);
    assert!(b.issues.is_empty(), "{:#?}", b.issues);
    assert_eq!(b.students.len(), 3);
    let s = &b.students[0];
    assert_eq!(s.key, "S-1");
    assert_eq!(
        (
            s.family_name.as_str(),
            s.given_name.as_str(),
            s.patronymic.as_deref()
        ),
        ("Иванова", "Анна", Some("Петровна"))
    );
    assert_eq!((s.birth_date, s.sex), (d(2012, 3, 14), Some(Sex::F)));
    assert_eq!(b.students[2].sex, Some(Sex::M));
    assert_eq!(b.group_members.len(), 3);
    assert_eq!(b.students[1].at.line, 3);
    assert!(b.source.contains("students") && b.source.contains("ученики.csv"));
}

#[test]
fn windows_1251_is_read_with_one_warning_and_bad_lines_keep_their_numbers() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = "Фамилия;Имя;Отчество;Пол;Класс;Код\r\n\
                Иванова;Анна;Петровна;Ж;7А;S-1\r\n\
                Петров;Пётр;;Я;7Б;S-2\r\n\
                Сидорова;Мария;Ивановна;Ж;ЙЦ;S-3\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file is not UTF-8"
    );
    let path = file(dir.path(), "students.csv", &bytes);
    let b = templates::read(Kind::Students, &path);
    assert_eq!(issues(&b, Severity::Warning), vec![at(0, "")]);
    let warning = b.issues[0].to_string();
    assert!(warning.contains("Windows-1251"), "{warning}");
    assert_eq!(
        issues(&b, Severity::Error),
        vec![at(3, "Пол"), at(4, "Класс")]
    );
    let sex = b.issues.iter().find(|i| i.at.line == 3).expect("line 3");
    assert_eq!(
        sex.to_string(),
        format!(
            "{}:3: Пол: not a sex: write F or M (also Ж/М, 女/男, nữ/nam), or leave empty («Я»)",
            path.display()
        )
    );
    assert_eq!(b.students[0].family_name, "Иванова");
    assert_eq!(b.students[0].patronymic.as_deref(), Some("Петровна"));
}

#[test]
fn a_utf8_file_with_a_few_stray_bytes_names_their_lines() {
    let mut bytes = "id,family_name,given_name\nS-1,Иванова,Анна\nS-2,Петров,"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(&[0xCF, 0xB8, 0xF2, 0xF0]); // «Пётр» in Windows-1251
    bytes.extend_from_slice("\nS-3,Nguyễn,Thị Hoa\nS-4,欧阳,明\n".as_bytes());
    let b = templates::read_str(Kind::Students, "s.csv", &bytes);
    assert_eq!(issues(&b, Severity::Error), vec![at(3, "")]);
    assert!(b.issues[0].message.contains("not UTF-8"), "{}", b.issues[0]);
    assert!(b.students.is_empty());
}

#[test]
fn utf16_with_a_bom_and_tabs_as_excel_unicode_text_writes_it() {
    let text = "lesson_no\tstarts_at\tends_at\r\n1\t8:30\t9:15\r\n2\t9:25\t10:10\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let b = templates::read_str(Kind::Bells, "bells.txt", &bytes);
    assert!(b.issues.is_empty(), "{:#?}", b.issues);
    assert_eq!(b.bells.len(), 2);
    assert_eq!(b.bells[1].starts_at, "09:25");
}

#[test]
fn blank_lines_and_empty_rows_are_skipped_and_lines_keep_their_numbers() {
    let text =
        "\nid,family_name,given_name,sex\n\nS-1,Иванова,Анна,F\n,,,\n   \nS-2,Nguyễn,Hoa,X\n\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert_eq!(issues(&b, Severity::Error), vec![at(7, "sex")]);
    assert_eq!(b.students.len(), 1);
    assert_eq!(b.students[0].at.line, 4);
}

#[test]
fn an_excel_sep_line_sets_the_delimiter() {
    let text = "sep=;\nid;family_name;given_name;birth_date\nS-1;欧阳;明;2011-11-20\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert!(b.issues.is_empty(), "{:#?}", b.issues);
    assert_eq!(b.students[0].at.line, 3);
    assert_eq!(b.students[0].family_name, "欧阳");
}

#[test]
fn an_unknown_column_is_one_warning_and_trailing_empty_columns_are_ignored() {
    let text = "id,family_name,given_name,Примечание,,\n\
                S-1,Иванова,Анна,староста,,\n\
                S-2,Петров,Пётр,,,\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert_eq!(issues(&b, Severity::Warning), vec![at(1, "Примечание")]);
    assert!(!b.has_errors());
    assert_eq!(b.students.len(), 2);
}

#[test]
fn a_missing_required_column_is_one_error_and_other_bad_cells_are_still_reported() {
    let text = "family_name,given_name,sex\nИванова,Анна,X\nNguyễn,Hoa,F\n欧阳,明,Z\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert_eq!(
        issues(&b, Severity::Error),
        vec![at(1, "id"), at(2, "sex"), at(4, "sex")]
    );
    assert_eq!(
        b.issues[0].to_string(),
        "s.csv:1: id: a required column is missing (in Russian: код)"
    );
    assert!(b.students.is_empty());
}

#[test]
fn more_cells_than_the_header_is_an_error_on_that_line() {
    let text = "id,family_name,given_name,address\nS-1,Иванова,Анна,г. Тверь, ул. Советская\nS-2,Петров,Пётр,\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert_eq!(issues(&b, Severity::Error), vec![at(2, "")]);
    assert!(
        b.issues[0].message.contains("(«ул. Советская»)"),
        "{}",
        b.issues[0]
    );
}

#[test]
fn a_file_without_a_header_or_without_text_is_refused_once() {
    let b = templates::read_str(
        Kind::Staff,
        "x.csv",
        "T-1,Иванова,Анна\nT-2,Петров,Пётр\n".as_bytes(),
    );
    assert_eq!(issues(&b, Severity::Error), vec![at(1, "")]);
    assert!(
        b.issues[0]
            .message
            .contains("not the header of a staff file")
    );
    assert_eq!(b.issues.len(), 1);

    let b = templates::read_str(Kind::Staff, "x.csv", b"\n\n");
    assert_eq!(issues(&b, Severity::Error), vec![at(1, "")]);
    assert!(b.issues[0].message.contains("empty"));

    let b = templates::read(Kind::Staff, Path::new("/nonexistent/dir/staff.csv"));
    assert_eq!(issues(&b, Severity::Error), vec![at(0, "")]);
    assert!(
        b.issues[0]
            .to_string()
            .starts_with("/nonexistent/dir/staff.csv: cannot read the file")
    );
}

#[test]
fn text_is_stored_in_nfc() {
    let text = "id,family_name,given_name\nS-1,Nguye\u{0302}\u{0303}n,Tho\u{0323}\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert!(b.issues.is_empty(), "{:#?}", b.issues);
    assert_eq!(b.students[0].family_name, "Nguyễn");
    assert_eq!(b.students[0].given_name, "Thọ");
}

#[test]
fn a_second_column_of_the_same_meaning_is_an_error() {
    let text = "id,Фамилия,family_name,given_name\nS-1,Иванова,Иванова,Анна\n";
    let b = templates::read_str(Kind::Students, "s.csv", text.as_bytes());
    assert_eq!(issues(&b, Severity::Error), vec![at(1, "family_name")]);
    assert!(b.issues[0].message.contains("«Фамилия»"));
}

#[test]
fn every_template_is_valid_when_read_from_a_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    for &kind in Kind::ALL {
        let path = file(
            dir.path(),
            &format!("{}.csv", kind.name()),
            templates::template(kind).as_bytes(),
        );
        let b = templates::read(kind, &path);
        assert!(b.issues.is_empty(), "{kind}: {:#?}", b.issues);
    }
}
