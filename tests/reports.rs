//! The reports against small schools whose numbers are worked out by hand
//! (tests/reports_fixture, tests/training_fixture): every row and summary
//! figure, the CSV as the table, the JSON, the printable HTML (escaping,
//! print stylesheet, signature lines), and the command line's refusals.

mod reports_fixture;
mod training_fixture;

use classbook::domain::{Period, PeriodKind};
use classbook::service::reports::{self, Kind, Names, Report, Request, Span, render};
use reports_fixture::{SCHOOL, as_of, build, d};

fn request(f: &reports_fixture::Fixture, kind: Kind, period: &str) -> Request {
    Request {
        kind,
        class: kind.needs_class().then(|| f.class.clone()),
        span: kind
            .needs_period()
            .then(|| Span::Period(f.periods[period].clone())),
        programme: kind.needs_programme().then(|| f.programme.clone()),
        as_of: as_of(),
    }
}

fn report(f: &reports_fixture::Fixture, kind: Kind, period: &str) -> Report {
    reports::build(f.db.conn(), &request(f, kind, period)).expect("report builds")
}

/// The table's body as rows of text (the header checked separately).
fn body(r: &Report) -> Vec<Vec<String>> {
    r.table().into_iter().skip(1).collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn figure(r: &Report, key: &str) -> String {
    r.figures
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("figure {key}"))
        .value
        .display()
}

#[test]
fn performance_by_hand() {
    let f = build();
    let r = report(&f, Kind::Performance, "q2");
    assert_eq!(r.school, SCHOOL);
    assert_eq!(r.scope, "Class 5А");
    assert_eq!(r.period, "2 четверть, 03.11.2025–28.12.2025");
    assert_eq!(
        r.table()[0],
        row(&[
            "№",
            "Student",
            "Subject",
            "Marks",
            "Count",
            "Mean",
            "Suggested",
            "Final",
            "Grade"
        ])
    );
    // Students in name order (Latin before Cyrillic before Chinese);
    // Музыка has no marks and is left out.
    #[rustfmt::skip]
    let expected = vec![
        // (4·1 + 3·2 + 4·1) / 4 = 3.50 → 3
        row(&["1", "Nguyễn Thị Hương", "Математика", "4 3 4", "3", "3.50", "3", "", "3"]),
        row(&["1", "Nguyễn Thị Hương", "Русский язык", "5 5 5", "3", "5.00", "5", "", "5"]),
        // 14 / 3 = 4.666… → 4.67 → 5; the pending *4 is due after the working date
        row(&["2", "Иванова Мария Сергеевна", "Математика", "5 5 4 *4", "3", "4.67", "5", "", "5"]),
        row(&["2", "Иванова Мария Сергеевна", "Русский язык", "4 4 5", "3", "4.33", "4", "", "4"]),
        // two marks: not attestable, but the teacher set 4
        row(&["3", "Ковалёв Пётр", "Математика", "5 4", "2", "4.50", "n/a", "4", "4"]),
        // Н does not count
        row(&["3", "Ковалёв Пётр", "Русский язык", "4 5 4 Н", "3", "4.33", "4", "", "4"]),
        row(&["4", "Соколова Анна", "Математика", "3", "1", "3.00", "n/a", "", "n/a"]),
        row(&["4", "Соколова Анна", "Русский язык", "", "0", "", "n/a", "", "n/a"]),
        // 7 / 3 = 2.33 → 2
        row(&["5", "王 小明", "Математика", "2 3 2", "3", "2.33", "2", "", "2"]),
        row(&["5", "王 小明", "Русский язык", "3 3 4", "3", "3.33", "3", "", "3"]),
    ];
    assert_eq!(body(&r), expected);
    // Counted: the four on the list on 24.12 (Соколова left on 20.11).
    // Quality: Иванова (5, 4) and Ковалёв (4, 4) → 2 of 4 = 50.0%.
    // Success: also Nguyễn (3, 5); 王 has a 2 → 3 of 4 = 75.0%.
    assert_eq!(figure(&r, "students"), "4");
    assert_eq!(figure(&r, "quality_students"), "2");
    assert_eq!(figure(&r, "quality_percent"), "50.0");
    assert_eq!(figure(&r, "success_students"), "3");
    assert_eq!(figure(&r, "success_percent"), "75.0");
    assert_eq!(figure(&r, "not_attested_students"), "0");
    let notes = r.notes.join("\n");
    assert!(
        notes.contains("Quality (only 4 and 5): 2 of 4 = 50.0%"),
        "{notes}"
    );
    assert!(notes.contains("Success (no 2, every subject attested): 3 of 4 = 75.0%"));
    // By subject: Математика 3, 5, 4, 2; Русский язык 5, 4, 4, 3.
    assert!(notes.contains("Математика 50.0% / 75.0%; Русский язык 75.0% / 100.0%"));
    assert!(notes.contains("Not counted (not on the list on 24.12.2025): Соколова Анна."));
    assert!(notes.contains("left out: Музыка."));
    // Signature lines name who holds the posts.
    let sig: Vec<(String, Option<String>)> = r
        .signatures
        .iter()
        .map(|s| (s.role.clone(), s.name.clone()))
        .collect();
    assert_eq!(
        sig,
        vec![
            ("Class teacher".into(), Some("Петрова А. В.".into())),
            ("Deputy director".into(), Some("王 芳.".into())),
            ("Director".into(), Some("Воробьёв Е. Ю.".into())),
        ]
    );
}

#[test]
fn a_subject_of_a_group_counts_only_for_its_members() {
    use classbook::domain::marks::Mark;
    use classbook::domain::{ClassGroup, CurriculumLine, Lesson, LessonMode, Subject};
    use classbook::store;
    let f = build();
    let conn = f.db.conn();
    // Немецкий язык, taught to a group of one: Иванова, one lesson, a 5.
    let mut subject = Subject {
        id: 0,
        name: "Немецкий язык".into(),
        short_name: "Нем. яз.".into(),
    };
    subject.id = store::curriculum::insert_subject(conn, &subject).unwrap();
    store::curriculum::insert_curriculum(
        conn,
        &CurriculumLine {
            class_id: f.class.id,
            subject_id: subject.id,
            hours_per_week: 1.0,
        },
    )
    .unwrap();
    let group = store::classes::insert_group(
        conn,
        &ClassGroup {
            id: 0,
            class_id: f.class.id,
            name: "Нем.".into(),
        },
    )
    .unwrap();
    store::classes::add_group_member(conn, group, f.students["Иванова"]).unwrap();
    let lesson = store::journal::insert_lesson(
        conn,
        &Lesson {
            id: 0,
            class_id: f.class.id,
            group_id: Some(group),
            subject_id: subject.id,
            teacher_id: f.teacher,
            taught_by_id: None,
            date: d(2025, 11, 11),
            lesson_no: 1,
            timetable_id: None,
            plan_topic_id: None,
            control_form_id: None,
            topic: Some("Тема".into()),
            homework: None,
            homework_kind: None,
            homework_minutes: None,
            mode: LessonMode::InClass,
            recorded_at: None,
            attendance_taken_at: None,
        },
    )
    .unwrap();
    let oral = store::curriculum::control_forms(conn)
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Устный ответ")
        .unwrap()
        .id;
    store::journal::insert_mark(
        conn,
        &store::journal::StoredMark {
            id: 0,
            lesson_id: lesson,
            student_id: f.students["Иванова"],
            seq: 1,
            control_form_id: oral,
            mark: Mark::grade(5, 1),
            entered_at: "2025-11-11T12:00:00Z".into(),
            entered_by: "tester".into(),
        },
    )
    .unwrap();
    let r = report(&f, Kind::Performance, "q2");
    let german: Vec<Vec<String>> = body(&r)
        .into_iter()
        .filter(|x| x[2] == "Немецкий язык")
        .collect();
    // Only the group's member has the subject; one mark is too few, so
    // Иванова is not attested and counts in neither percentage now.
    assert_eq!(
        german,
        vec![row(&[
            "2",
            "Иванова Мария Сергеевна",
            "Немецкий язык",
            "5",
            "1",
            "5.00",
            "n/a",
            "",
            "n/a"
        ])]
    );
    assert_eq!(figure(&r, "quality_students"), "1");
    assert_eq!(figure(&r, "success_students"), "2");
    assert_eq!(figure(&r, "not_attested_students"), "1");
}

#[test]
fn performance_without_graded_subjects_rates_nothing() {
    let f = build();
    // The first quarter has no lessons at all.
    let r = report(&f, Kind::Performance, "q1");
    assert!(r.rows.is_empty());
    assert_eq!(figure(&r, "quality_percent"), "");
    assert!(r.notes[0].contains("quality and success are not rated"));
}

#[test]
fn attendance_by_hand() {
    let f = build();
    let r = report(&f, Kind::Attendance, "q2");
    assert_eq!(r.period, "2 четверть, 03.11.2025–24.12.2025");
    #[rustfmt::skip]
    let expected = vec![
        // 12 lessons on the list, Музыка 01.12 not taken → 11 counted
        row(&["1", "Nguyễn Thị Hương", "11", "10", "1", "0", "0", "0", "0", "0", "1", "100.0"]),
        // 10 / 11 = 90.9%
        row(&["2", "Иванова Мария Сергеевна", "11", "10", "0", "0", "1", "0", "0", "1", "1", "90.9"]),
        row(&["3", "Ковалёв Пётр", "11", "10", "0", "1", "0", "0", "0", "0", "1", "100.0"]),
        // left on 20.11: the lessons of 10.11 and 17.11 only
        row(&["4", "Соколова Анна", "6", "6", "0", "0", "0", "0", "0", "0", "0", "100.0"]),
        // 9 / 11 = 81.8%
        row(&["5", "王 小明", "11", "9", "0", "0", "0", "1", "1", "2", "1", "81.8"]),
        // 47 / 50 = 94.0%
        row(&["", "Class total", "50", "45", "1", "1", "1", "1", "1", "3", "4", "94.0"]),
    ];
    assert_eq!(body(&r), expected);
    assert!(r.rows.last().unwrap().total);
    assert!(r.notes.iter().any(|n| n.contains("Counted to 24.12.2025")));
    // The same numbers over dates: one day.
    let one_day = reports::build(
        f.db.conn(),
        &Request {
            span: Some(Span::Range {
                from: d(2025, 11, 24),
                to: d(2025, 11, 24),
            }),
            ..request(&f, Kind::Attendance, "q2")
        },
    )
    .unwrap();
    assert_eq!(one_day.period, "24.11.2025–24.11.2025");
    let total = body(&one_day).pop().unwrap();
    // 4 students × 3 lessons; 王 absent twice
    assert_eq!(
        total,
        row(&[
            "",
            "Class total",
            "12",
            "10",
            "0",
            "0",
            "0",
            "1",
            "1",
            "2",
            "0",
            "83.3"
        ])
    );
}

#[test]
fn keeping_by_hand() {
    let f = build();
    let r = report(&f, Kind::Keeping, "q2");
    #[rustfmt::skip]
    let expected = vec![
        // the substitute taught Русский язык on 24.11: 4 marks, on time
        row(&["1", "Trần Văn Nam", "1", "1", "100.0", "1", "100.0", "1", "100.0", "4", "4", "100.0"]),
        // 11 lessons: Музыка 01.12 without topic and attendance, Музыка
        // never with homework; 22 marks, two entered 20 days late
        row(&["2", "Петрова Анна Викторовна", "11", "10", "90.9", "7", "63.6", "10", "90.9", "22", "20", "90.9"]),
        row(&["", "School total", "12", "11", "91.7", "8", "66.7", "11", "91.7", "26", "24", "92.3"]),
    ];
    assert_eq!(body(&r), expected);
    assert!(r.rows.last().unwrap().total);
}

#[test]
fn indicators_by_hand() {
    let f = build();
    let r = report(&f, Kind::Indicators, "q2");
    #[rustfmt::skip]
    let expected = vec![
        // 30 of 40 = 75%: a count behind the 98% of the year elapsed on 24.12
        row(&["1.1", "Методическое сопровождение", "Количество консультаций", "2025", "40", "30", "20.12.2025", "75", "at risk"]),
        row(&["1.2", "Методическое сопровождение", "Доля педагогов, прошедших обучение", "2025", "60%", "60%", "20.12.2025", "100", "met"]),
        // no actual value: the target of the period the working date is in
        row(&["1.3", "Методическое сопровождение", "Количество открытых уроков", "2025", "10", "", "", "", ""]),
    ];
    assert_eq!(body(&r), expected);
    assert!(r.notes[0].contains("2 with an actual value, 1 at or above the target"));
}

#[test]
fn training_by_hand() {
    let mut f = training_fixture::build();
    f.roll_call();
    let conn = f.db.conn();
    let mut year = Period {
        id: 0,
        year_id: f.year.id,
        kind: PeriodKind::Year,
        number: 1,
        label: "Год".into(),
        starts_on: f.year.starts_on,
        ends_on: f.year.ends_on,
    };
    year.id = classbook::store::school::insert_period(conn, &year).unwrap();
    let r = reports::build(
        conn,
        &Request {
            kind: Kind::Training,
            class: None,
            span: Some(Span::Period(year)),
            programme: None,
            as_of: d(2025, 12, 24),
        },
    )
    .unwrap();
    let by_name = |name: &str| -> Vec<String> {
        body(&r)
            .into_iter()
            .find(|x| x[1].starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {:?}", body(&r)))
    };
    // Columns: №, teacher, sessions, attended, late, left early, official,
    // personal, sick, unexcused, credits, required, verdict, why.
    assert_eq!(
        by_name("Иванова Анна")[2..],
        row(&[
            "2", "1", "0", "0", "0", "0", "1", "0", "39.50", "40.00",
            // 24 December: the year is not over, the minimum does not fail
            // yet (issue 15, item 7).
            "pass", ""
        ])
    );
    assert_eq!(
        by_name("Nguyễn Thị Lan")[2..],
        row(&[
            "2", "2", "1", "0", "0", "0", "0", "0", "40.00", "40.00", "pass", ""
        ])
    );
    assert_eq!(
        by_name("王 芳")[9..13],
        row(&["2", "40.00", "40.00", "pass"])
    );
    let petrov = by_name("Петров Сергей");
    assert_eq!(petrov[9], "3");
    assert_eq!(petrov[12], "fail");
    // Official leave is never penalised: 39.5 credits off the 40 required.
    assert_eq!(
        by_name("Trần Văn Minh")[6..13],
        row(&["4", "0", "0", "0", "0.50", "0.50", "pass"])
    );
    assert_eq!(by_name("Ковалёва Мария")[7], "3");
    assert_eq!(by_name("李 伟")[10..13], row(&["40.00", "40.00", "pass"]));
    // The training lead does not teach: not listed.
    assert!(body(&r).iter().all(|x| !x[1].starts_with("Смирнова")));
    assert!(
        r.notes[0].contains("7 teachers: 6 pass, 1 fail"),
        "{}",
        r.notes[0]
    );
}

#[test]
fn the_csv_is_the_table_and_json_keeps_numbers() {
    let f = build();
    for kind in Kind::ALL {
        if kind == Kind::Training {
            continue; // no training plan in this school
        }
        let r = report(&f, kind, "q2");
        let csv = render::csv(&r);
        let parsed: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(parsed, r.table(), "{kind}");
    }
    let r = report(&f, Kind::Performance, "q2");
    let v: serde_json::Value = serde_json::from_str(&render::json(&r)).unwrap();
    assert_eq!(v["kind"], "performance");
    assert_eq!(v["school"], SCHOOL);
    assert_eq!(v["as_of"], "2025-12-24");
    assert_eq!(v["rows"][2]["student"], "Иванова Мария Сергеевна");
    assert_eq!(v["rows"][2]["mean"], serde_json::json!(4.67));
    assert_eq!(v["rows"][2]["counted"], serde_json::json!(3));
    assert_eq!(v["rows"][7]["mean"], serde_json::Value::Null);
    let q = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "quality_percent")
        .unwrap();
    assert_eq!(q["value"], serde_json::json!(50.0));
}

#[test]
fn the_html_is_escaped_printable_and_signed() {
    let f = build();
    let r = report(&f, Kind::Performance, "q2");
    let html = render::html(&r, d(2026, 1, 15));
    // The school's name has < > & and quotes: all escaped, nothing raw.
    assert!(html.contains("Школа № 7 &lt;«Гимназия» &amp; &quot;Lyceum&quot;&gt;"));
    assert!(!html.contains(SCHOOL));
    assert!(!html.contains("<«"));
    // Names in three scripts, as they are.
    for name in ["Nguyễn Thị Hương", "王 小明", "Ковалёв Пётр"] {
        assert!(html.contains(name), "{name}");
    }
    // The print stylesheet: A4, margins, the header repeated, rows kept whole.
    for rule in [
        "@page { size: A4 portrait; margin:",
        "thead { display: table-header-group; }",
        "break-inside: avoid",
        "font-size: 10pt",
    ] {
        assert!(html.contains(rule), "{rule}");
    }
    // Heading, period, dates, signatures.
    assert!(html.contains("<h1>Class performance</h1>"));
    assert!(html.contains("Period: 2 четверть, 03.11.2025–28.12.2025"));
    assert!(html.contains("Records as of 24.12.2025 · printed 15.01.2026"));
    assert!(
        html.contains(
            "<tr><td>Director</td><td class=\"line\"></td><td>/ Воробьёв Е. Ю. /</td></tr>"
        )
    );
    assert!(html.contains("<td>Class teacher</td>"));
    // One <tr> per row, grouped by student: the number and name head each
    // student's rows instead of repeating on them.
    assert_eq!(html.matches("</td>\n</tr>").count(), r.rows.len());
    assert!(html.contains(
        "<tbody class=\"group\">\n<tr class=\"group\"><th colspan=\"7\">1 · Nguyễn Thị Hương</th></tr>"
    ));
    assert_eq!(html.matches("<tr class=\"group\">").count(), 5);
    assert!(!html.contains("<td class=\"w\">Nguyễn Thị Hương</td>"));
    // Wide reports print on landscape pages.
    let att = render::html(&report(&f, Kind::Attendance, "q2"), d(2026, 1, 15));
    assert!(att.contains("size: A4 landscape"));
    // Nothing the text contains can open a tag.
    let mut evil = r.clone();
    evil.rows[0].cells[1] = reports::Cell::text("<script>alert('x')</script>");
    let html = render::html(&evil, d(2026, 1, 15));
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
}

#[test]
fn the_text_output_aligns_wide_characters() {
    let f = build();
    let r = report(&f, Kind::Attendance, "q2");
    let text = render::text(&r);
    assert!(text.starts_with(SCHOOL));
    // From the header to the total, every line of the table ends at the
    // same display column: "王 小明" (double-width) is padded by width.
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("№"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 2 + r.rows.len());
    let width = |l: &str| unicode_width::UnicodeWidthStr::width(l.trim_end());
    assert!(lines.iter().any(|l| l.contains("王 小明")));
    assert!(lines.iter().all(|l| width(l) == width(lines[0])), "{text}");
}

#[test]
fn names_are_looked_up_with_clear_refusals() {
    let f = build();
    let conn = f.db.conn();
    let resolve = |kind: Kind, n: Names| reports::resolve(conn, kind, &n, as_of());
    let names = |class: Option<&str>, period: Option<&str>| Names {
        class: class.map(str::to_string),
        period: period.map(str::to_string),
        ..Names::default()
    };
    // Latin look-alikes and short period names.
    let req = resolve(Kind::Performance, names(Some("5a"), Some("q2"))).unwrap();
    assert_eq!(req.class.unwrap().name, "5А");
    assert_eq!(req.span, Some(Span::Period(f.periods["q2"].clone())));
    // Defaults: the quarter of the working date; the year for training.
    let req = resolve(Kind::Attendance, names(Some("5А"), None)).unwrap();
    assert_eq!(req.span, Some(Span::Period(f.periods["q2"].clone())));
    let req = resolve(Kind::Training, names(None, None)).unwrap();
    assert_eq!(req.span, Some(Span::Period(f.periods["year"].clone())));
    let err = |kind: Kind, n: Names| resolve(kind, n).unwrap_err().to_string();
    assert_eq!(
        err(Kind::Performance, names(Some("9Z"), None)),
        "no class «9Z» in 2025/26 (classes: 5А)"
    );
    assert!(
        err(Kind::Performance, names(Some("5А"), Some("q7"))).starts_with(
            "no period «q7» in 2025/26 (periods: 1 четверть, 2 четверть, 1 полугодие, Год"
        )
    );
    assert!(
        err(Kind::Performance, names(None, None))
            .starts_with("the performance report needs --class")
    );
    assert_eq!(
        err(Kind::Training, names(None, Some("q1"))),
        "the training report cannot cover 1 четверть (periods it takes: 1 полугодие, Год)"
    );
    assert!(err(Kind::Keeping, names(Some("5А"), None)).contains("leave out --class"));
    assert!(
        err(
            Kind::Performance,
            Names {
                class: Some("5А".into()),
                from: Some(d(2025, 11, 1)),
                to: Some(d(2025, 11, 30)),
                ..Names::default()
            }
        )
        .contains("covers a period, not dates")
    );
    assert!(
        err(
            Kind::Attendance,
            Names {
                class: Some("5А".into()),
                from: Some(d(2025, 11, 30)),
                to: Some(d(2025, 11, 1)),
                ..Names::default()
            }
        )
        .contains("is after --to")
    );
    // Programmes: a unique part of the name; the only one by default.
    let req = resolve(
        Kind::Indicators,
        Names {
            programme: Some("цифровая".into()),
            ..Names::default()
        },
    )
    .unwrap();
    assert_eq!(req.programme.unwrap().id, f.programme.id);
    assert!(resolve(Kind::Indicators, Names::default()).is_ok());
    assert!(
        err(
            Kind::Indicators,
            Names {
                programme: Some("нет такой".into()),
                ..Names::default()
            }
        )
        .starts_with("no programme «нет такой»")
    );
}

/// `classbook report …` on the fixture's database file.
fn classbook(f: &reports_fixture::Fixture, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .arg("--db")
        .arg(f.dir.path().join("reports.sqlite"))
        .args(args)
        .env_remove("CLASSBOOK_DB")
        .output()
        .expect("classbook runs")
}

#[test]
fn the_command_line_writes_every_format_and_refuses_with_exit_2() {
    let f = build();
    let r = report(&f, Kind::Performance, "q2");
    // CSV on standard output is the table.
    let o = classbook(
        &f,
        &[
            "report",
            "performance",
            "--class",
            "5A",
            "--period",
            "q2",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8(o.stdout).unwrap(), render::csv(&r));
    // JSON and text.
    let o = classbook(
        &f,
        &["report", "attendance", "--class", "5А", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows"][5]["attended_percent"], serde_json::json!(94.0));
    let o = classbook(
        &f,
        &[
            "report",
            "keeping",
            "--from",
            "01.11.2025",
            "--to",
            "2025-11-30",
        ],
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("Journal keeping by teacher · All teachers · 01.11.2025–30.11.2025"),
        "{text}"
    );
    // HTML into a file (mode 0600, as every file classbook writes).
    let out = f.dir.path().join("perf.html");
    let o = classbook(
        &f,
        &[
            "report",
            "performance",
            "--class",
            "5А",
            "--format",
            "html",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<h1>Class performance</h1>"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Refusals: one line naming what is wrong, exit 2.
    for (args, says) in [
        (
            vec!["report", "performance", "--class", "9Z"],
            "no class «9Z» in 2025/26 (classes: 5А)",
        ),
        (
            vec!["report", "attendance", "--class", "5А", "--period", "x"],
            "no period «x» in 2025/26",
        ),
        (
            vec!["report", "training", "--period", "q1"],
            "cannot cover 1 четверть",
        ),
        (
            vec![
                "report",
                "keeping",
                "--from",
                "31.11.2025",
                "--to",
                "2025-12-01",
            ],
            "--from \"31.11.2025\": not a date (use YYYY-MM-DD, DD.MM.YYYY or DD.MM)",
        ),
    ] {
        let o = classbook(&f, &args);
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // A kind that does not exist is clap's usage error (exit 2).
    assert_eq!(classbook(&f, &["report", "grades"]).status.code(), Some(2));
    // A database that is not there: exit 3.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["--db", "/nonexistent/x.sqlite", "report", "training"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
}
