//! Speed and memory figures for the README: `cargo run --release --example bench`.
//!
//! Builds the large demo school in a temporary file, then times the queries
//! behind the screens an administrator opens most, each repeated and
//! reported as the median. Peak memory is the process's high-water mark.

use std::time::{Duration, Instant};

use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::store::{self, OpenMode, OpenOptions};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

/// Peak resident memory in KiB (Linux), from /proc/self/status.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    for (size, name) in [(DemoSize::Small, "small"), (DemoSize::Large, "large")] {
        let path = dir.path().join(format!("{name}.sqlite"));
        let t = Instant::now();
        let mut db = store::open(
            &path,
            &OpenOptions {
                mode: OpenMode::Create,
                ..OpenOptions::default()
            },
        )?;
        let stats = demo::generate(&mut db, &DemoOptions { size, seed: 42 })?;
        let took = t.elapsed();
        drop(db);
        let bytes = std::fs::metadata(&path)?.len();
        println!(
            "demo {name:<5}  {:>6.2} s  {} lessons, {} marks, {} attendance entries, file {:.1} MB",
            took.as_secs_f64(),
            stats.lessons,
            stats.marks,
            stats.attendance,
            bytes as f64 / 1e6
        );
    }
    let path = dir.path().join("large.sqlite");
    let t = Instant::now();
    let db = store::open(&path, &OpenOptions::default())?;
    println!(
        "open large database            {:>8.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let conn = db.conn();
    let today = store::school::working_date(conn, chrono::Local::now().date_naive())?;
    let year = store::school::current_year(conn, today)?.expect("the demo has a year");
    let classes = store::classes::classes(conn, year.id)?;
    let class = classes.iter().find(|c| c.name == "7А").expect("7А exists");
    let maths = store::curriculum::class_subjects(conn, class.id)?
        .into_iter()
        .find(|s| s.name == "Алгебра")
        .expect("algebra in grade 7");
    let q2 = store::school::periods(conn, year.id)?
        .into_iter()
        .find(|p| p.label == "2 четверть")
        .expect("Q2");
    let grid = time(50, || -> anyhow::Result<usize> {
        let members = store::people::class_members(conn, class.id, q2.starts_on, q2.ends_on)?;
        let lessons = store::journal::lessons(conn, class.id, maths.id, q2.starts_on, q2.ends_on)?;
        let marks = store::journal::marks(conn, class.id, maths.id, q2.starts_on, q2.ends_on)?;
        Ok(members.len() + lessons.len() + marks.len())
    });
    println!(
        "journal grid 7А algebra Q2     {:>8.2} ms (students, lessons, marks)",
        grid.as_secs_f64() * 1e3
    );
    let year_grid = time(20, || -> anyhow::Result<usize> {
        let lessons =
            store::journal::lessons(conn, class.id, maths.id, year.starts_on, year.ends_on)?;
        let marks = store::journal::marks(conn, class.id, maths.id, year.starts_on, year.ends_on)?;
        Ok(lessons.len() + marks.len())
    });
    println!(
        "journal grid 7А algebra year   {:>8.2} ms",
        year_grid.as_secs_f64() * 1e3
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 12).expect("a date");
    let att = time(50, || -> anyhow::Result<usize> {
        let lessons = store::journal::lessons_on(conn, class.id, day)?;
        let marks = store::attendance::marks_for_class(conn, class.id, day, day)?;
        let members = store::people::class_members(conn, class.id, day, day)?;
        Ok(lessons.len() + marks.len() + members.len())
    });
    println!(
        "attendance class-day 7А        {:>8.2} ms",
        att.as_secs_f64() * 1e3
    );
    let period_att = time(20, || -> anyhow::Result<usize> {
        Ok(store::attendance::marks_for_class(conn, class.id, q2.starts_on, q2.ends_on)?.len())
    });
    println!(
        "attendance class-period 7А Q2  {:>8.2} ms",
        period_att.as_secs_f64() * 1e3
    );
    // journal pane: the whole view model (timetable gaps, final grades,
    // plan progress), and the TUI opening the grid and moving the cursor.
    let view = time(50, || {
        classbook::service::journal::load(conn, class, &maths, &q2, today).map(|v| v.students.len())
    });
    println!(
        "journal view 7А algebra Q2     {:>8.2} ms (service::journal::load, gaps, plan progress)",
        view.as_secs_f64() * 1e3
    );
    let key = |c: char| {
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )
    };
    let enter = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    let opts = classbook::ui::UiOptions {
        operator: "bench".into(),
        no_color: false,
        today: chrono::Local::now().date_naive(),
    };
    let area = ratatui::layout::Rect::new(0, 0, 200, 50);
    let open_grid = time(10, || -> anyhow::Result<usize> {
        let db = store::open(&path, &OpenOptions::default())?;
        let mut app = classbook::ui::App::new(db, opts.clone())?;
        for ev in "c/7а".chars().map(key).chain([enter]) {
            app.handle_key(ev);
        }
        for ev in "s/алгебра".chars().map(key).chain([enter]) {
            app.handle_key(ev);
        }
        let mut buf = ratatui::buffer::Buffer::empty(area);
        classbook::ui::draw::render(&app, area, &mut buf);
        Ok(app.journal.view.as_ref().map_or(0, |v| v.lessons.len()))
    });
    println!(
        "TUI: open 7А algebra Q2 grid   {:>8.2} ms (start, pick class and subject, first 200×50 frame)",
        open_grid.as_secs_f64() * 1e3
    );
    let db2 = store::open(&path, &OpenOptions::default())?;
    let mut app = classbook::ui::App::new(db2, opts.clone())?;
    for ev in "c/7а".chars().map(key).chain([enter]) {
        app.handle_key(ev);
    }
    for ev in "s/алгебра".chars().map(key).chain([enter]) {
        app.handle_key(ev);
    }
    let mut n = 0usize;
    let moves = ['j', 'j', 'l', 'h', 'k', 'k'];
    let cursor = time(300, || {
        app.handle_key(key(moves[n % moves.len()]));
        n += 1;
        let mut buf = ratatui::buffer::Buffer::empty(area);
        classbook::ui::draw::render(&app, area, &mut buf);
        buf.area.width
    });
    println!(
        "TUI: cursor move in the grid   {:>8.3} ms (key and 200×50 frame)",
        cursor.as_secs_f64() * 1e3
    );
    drop(app);
    save_bench(&path, &opts)?;
    let check = time(3, || store::check::run(conn).map(|r| r.tables.len()));
    println!(
        "check (integrity, keys, counts){:>8.2} ms",
        check.as_secs_f64() * 1e3
    );
    // attendance
    attendance_bench(&path)?;
    // the command line's set-mark
    cli_bench(&path)?;
    // review
    review_bench(&path)?;
    // indicators and reports
    indicators_reports_bench(&path)?;
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak memory (whole run)        {:>8.1} MB",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}

// attendance: marking a whole school day present (one class, then every
// class of the school, one transaction each, undone after each run) and
// opening a class's period grid (students × school days with summaries).
fn attendance_bench(path: &std::path::Path) -> anyhow::Result<()> {
    use classbook::service::attendance as att;
    let mut db = store::open(path, &OpenOptions::default())?;
    let today = store::school::working_date(db.conn(), chrono::Local::now().date_naive())?;
    let year = store::school::current_year(db.conn(), today)?.expect("the demo has a year");
    let classes = store::classes::classes(db.conn(), year.id)?;
    let class = classes
        .iter()
        .find(|c| c.name == "7А")
        .expect("7А exists")
        .clone();
    let periods = store::school::periods(db.conn(), year.id)?;
    let q2 = periods
        .iter()
        .find(|p| p.label == "2 четверть")
        .expect("Q2")
        .clone();
    let whole = periods
        .iter()
        .find(|p| p.kind == classbook::domain::PeriodKind::Year)
        .expect("the year")
        .clone();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 23).expect("a date");
    let working = today.max(day);
    // Make the day "not taken" first (undone at the end), so that marking
    // it present writes every lesson.
    let mut reset = Vec::new();
    for c in &classes {
        for l in store::journal::lessons_on(db.conn(), c.id, day)? {
            if l.attendance_taken_at.is_some() {
                let key: serde_json::Map<String, serde_json::Value> =
                    [("id".to_string(), serde_json::json!(l.id))]
                        .into_iter()
                        .collect();
                let info = store::rows::table_info(db.conn(), "lesson")?;
                let mut row = store::rows::snapshot(db.conn(), &info, &key)?.expect("the lesson");
                row.insert("attendance_taken_at".into(), serde_json::Value::Null);
                reset.push((key, row));
            }
        }
    }
    let reset_ids = db.write(|tx| -> store::Result<Vec<i64>> {
        let mut ids = Vec::new();
        for (key, row) in &reset {
            ids.extend(store::audit::write_row(
                tx,
                "bench",
                "bench.reset",
                "lesson",
                key,
                Some(row),
            )?);
        }
        Ok(ids)
    })?;
    let mut one = Vec::new();
    let mut all = Vec::new();
    let mut written = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let ids = db.write(|tx| att::take_day(tx, "bench", working, class.id, day))?;
        one.push(t.elapsed());
        written.0 = ids.len();
        db.write(|tx| store::audit::undo_group(tx, "bench", &ids))?;
        let t = Instant::now();
        let ids = db.write(|tx| -> store::Result<Vec<i64>> {
            let mut ids = Vec::new();
            for c in &classes {
                ids.extend(att::take_day(tx, "bench", working, c.id, day)?);
            }
            Ok(ids)
        })?;
        all.push(t.elapsed());
        written.1 = ids.len();
        db.write(|tx| store::audit::undo_group(tx, "bench", &ids))?;
    }
    db.write(|tx| store::audit::undo_group(tx, "bench", &reset_ids))?;
    println!(
        "day present 7А                 {:>8.2} ms ({} lessons, audited)",
        median(one).as_secs_f64() * 1e3,
        written.0
    );
    println!(
        "day present, whole school      {:>8.2} ms ({} lessons of {} classes, one transaction)",
        median(all).as_secs_f64() * 1e3,
        written.1,
        classes.len()
    );
    let conn = db.conn();
    let q = time(20, || {
        att::load_period(conn, &class, &year, q2.starts_on, q2.ends_on).map(|v| v.days.len())
    });
    println!(
        "period grid 7А Q2              {:>8.2} ms (students × school days, summaries)",
        q.as_secs_f64() * 1e3
    );
    let y = time(5, || {
        att::load_period(conn, &class, &year, whole.starts_on, whole.ends_on).map(|v| v.days.len())
    });
    println!(
        "period grid 7А whole year      {:>8.2} ms",
        y.as_secs_f64() * 1e3
    );
    Ok(())
}

// review: every rule over the whole school year of the large demo, as
// `classbook review` and the Review tab run it.
fn review_bench(path: &std::path::Path) -> anyhow::Result<()> {
    use classbook::service::review::{ReviewQuery, run};
    let db = store::open(path, &OpenOptions::default())?;
    let conn = db.conn();
    let as_of = store::school::working_date(conn, chrono::Local::now().date_naive())?;
    let q = ReviewQuery {
        from: None,
        to: None,
        now: as_of.and_hms_opt(23, 59, 59).expect("a time"),
    };
    let review = run(conn, &q)?;
    let took = time(3, || run(conn, &q).map(|r| r.findings.len()));
    println!(
        "review, whole year (large)     {:>8.2} ms ({} findings, {}–{})",
        took.as_secs_f64() * 1e3,
        review.findings.len(),
        review.from,
        review.to
    );
    let month = ReviewQuery {
        from: Some(as_of - chrono::Days::new(30)),
        ..q.clone()
    };
    let took = time(3, || run(conn, &month).map(|r| r.findings.len()));
    println!(
        "review, last 30 days (large)   {:>8.2} ms",
        took.as_secs_f64() * 1e3
    );
    Ok(())
}

// indicators: recompute every bound indicator of the seed 002 programme
// (rolled back after each run); reports: each kind for 7А / the year.
fn indicators_reports_bench(path: &std::path::Path) -> anyhow::Result<()> {
    use classbook::service::reports::{self, Kind, Names};
    let mut db = store::open(path, &OpenOptions::default())?;
    let as_of = store::school::working_date(db.conn(), chrono::Local::now().date_naive())?;
    let programme = classbook::service::indicators::find_programme(db.conn(), "методического")?;
    let took = time(3, || {
        // Refusing at the end rolls the transaction back: every run
        // recomputes from the same state.
        let r: Result<(), store::StoreError> = db.write(|tx| {
            classbook::service::indicators::recompute(tx, "bench", programme.id, None, as_of)?;
            Err(store::StoreError::Invalid("rolled back".into()))
        });
        r.is_err()
    });
    println!(
        "indicators: recompute seed 002 {:>8.2} ms (every bound metric, large)",
        took.as_secs_f64() * 1e3
    );
    let conn = db.conn();
    for (kind, class, period, programme) in [
        (Kind::Performance, Some("7А"), Some("year"), None),
        (Kind::Attendance, Some("7А"), Some("year"), None),
        (Kind::Keeping, None, Some("year"), None),
        (Kind::Training, None, Some("year"), None),
        (Kind::Indicators, None, None, Some("методического")),
    ] {
        let names = Names {
            class: class.map(str::to_string),
            period: period.map(str::to_string),
            from: None,
            to: None,
            programme: programme.map(str::to_string),
        };
        let req = reports::resolve(conn, kind, &names, as_of)?;
        let rows = reports::build(conn, &req)?.rows.len();
        let took = time(5, || reports::build(conn, &req).map(|r| r.rows.len()));
        let raw = raw_sql(&req);
        let raw = raw.map(|sql| {
            time(5, || -> rusqlite::Result<usize> {
                let mut st = conn.prepare(&sql)?;
                let n = st.query_map([], |_| Ok(()))?.count();
                Ok(n)
            })
        });
        println!(
            "report {:<12} {:>8.2} ms ({rows} rows{}){}",
            format!("{kind:?}"),
            took.as_secs_f64() * 1e3,
            class.map_or(String::new(), |c| format!(", {c}")),
            raw.map_or(String::new(), |r| format!(
                "; the raw SQL of its table {:.2} ms: {:.2}×",
                r.as_secs_f64() * 1e3,
                took.as_secs_f64() / r.as_secs_f64()
            ))
        );
    }
    Ok(())
}

/// The 50th and 99th percentiles of samples.
fn p50_p99(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

// The TUI: type a mark into a cell of 7А algebra and save it with Enter
// (transaction, audit, the student's row read again), in the second
// quarter's grid and in the whole year's; then draw the 200×50 frame.
fn save_bench(path: &std::path::Path, opts: &classbook::ui::UiOptions) -> anyhow::Result<()> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let area = ratatui::layout::Rect::new(0, 0, 200, 50);
    let db = store::open(path, &OpenOptions::default())?;
    let mut app = classbook::ui::App::new(db, opts.clone())?;
    let typed = |app: &mut classbook::ui::App, s: &str| {
        for ev in s.chars().map(key).chain([enter]) {
            app.handle_key(ev);
        }
    };
    typed(&mut app, "c/7а");
    typed(&mut app, "s/алгебра");
    let periods: Vec<String> = {
        let conn = app.db().conn();
        let year = store::school::current_year(conn, app.working_date)?.expect("a year");
        store::school::periods(conn, year.id)?
            .into_iter()
            .map(|p| p.label)
            .collect()
    };
    for period in ["2 четверть", "Год"] {
        app.journal.period_idx = periods.iter().position(|p| p == period).unwrap_or(0);
        app.journal.loaded = false;
        app.ensure_loaded();
        let label = app.journal.view.as_ref().map(|v| v.period.label.clone());
        // A recorded lesson's column, every student in turn.
        let col = app
            .journal
            .view
            .as_ref()
            .and_then(|v| v.lessons.iter().rposition(|l| l.recorded))
            .unwrap_or(0);
        app.journal.col = col;
        let rows = app.journal.view.as_ref().map_or(1, |v| v.students.len());
        let (mut wall, mut cpu) = (Vec::new(), Vec::new());
        for n in 0..300usize {
            app.journal.row = n % rows;
            let (t, c) = (Instant::now(), thread_cpu());
            // `i` starts mark entry (a digit alone would switch tabs).
            if !app.journal.focus {
                app.handle_key(key('i'));
            }
            typed(&mut app, if n % 3 == 0 { "5" } else { "4" });
            let mut buf = ratatui::buffer::Buffer::empty(area);
            classbook::ui::draw::render(&app, area, &mut buf);
            wall.push(t.elapsed());
            cpu.push(thread_cpu().saturating_sub(c));
            if n == 0 {
                assert!(
                    app.message
                        .as_deref()
                        .is_some_and(|m| m.starts_with("saved: ")),
                    "the mark was saved: {:?}",
                    app.message
                );
            }
        }
        let (p50, p99) = p50_p99(wall);
        let (c50, c99) = p50_p99(cpu);
        println!(
            "TUI: type a mark and save, {:<11} p50 {:>5.2} ms, p99 {:>5.2} ms; CPU p50 {:>5.2} ms, p99 {:>5.2} ms (write, audit, row read again, 200×50 frame; {})",
            period,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            c50.as_secs_f64() * 1e3,
            c99.as_secs_f64() * 1e3,
            label.unwrap_or_default()
        );
    }
    Ok(())
}

// `classbook journal set-mark` as a process (the release binary beside
// this example), median of 20.
fn cli_bench(path: &std::path::Path) -> anyhow::Result<()> {
    let Some(bin) = std::env::current_exe()?
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("classbook"))
        .filter(|b| b.exists())
    else {
        println!("journal set-mark (CLI)         (build the binary first: cargo build --release)");
        return Ok(());
    };
    let conn = rusqlite::Connection::open(path)?;
    let (student, date): (String, String) = conn.query_row(
        "SELECT s.family_name || ' ' || s.given_name, l.date
         FROM lesson l JOIN class c ON c.id = l.class_id JOIN subject sj ON sj.id = l.subject_id
         JOIN enrolment e ON e.class_id = c.id AND e.ends_on IS NULL
         JOIN student s ON s.id = e.student_id
         WHERE c.name = '7А' AND sj.name = 'Алгебра' AND l.date <= '2025-12-20'
         ORDER BY l.date DESC, s.family_name LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut n = 0;
    let took = time(20, || {
        n += 1;
        std::process::Command::new(&bin)
            .args(["--db"])
            .arg(path)
            .args([
                "journal",
                "set-mark",
                "--class",
                "7А",
                "--subject",
                "Алгебра",
                "--date",
                &date,
                "--student",
                &student,
                "--marks",
                if n % 2 == 0 { "5" } else { "4" },
                "--overwrite",
            ])
            .output()
            .map(|o| o.status.success())
    });
    println!(
        "journal set-mark (CLI process) {:>8.2} ms (start, open, one cell, audit)",
        took.as_secs_f64() * 1e3
    );
    Ok(())
}

/// The raw SQL that computes a report's table (its rows and figures, not
/// its wording), as the yardstick for the report's own time.
fn raw_sql(req: &classbook::service::reports::Request) -> Option<String> {
    use classbook::service::reports::Kind;
    let class = req.class.as_ref()?.id;
    let span = req.span.as_ref()?;
    let (from, to) = (span.from(), span.to());
    match req.kind {
        // Per student and subject: the marks, their count and weighted mean.
        Kind::Performance => Some(format!(
            "SELECT m.student_id, l.subject_id, group_concat(m.symbol || ifnull(m.value, ''), '/'),
                    count(m.value), sum(m.value * m.weight) * 1.0 / nullif(sum(CASE WHEN m.value IS NOT NULL THEN m.weight END), 0)
             FROM lesson l JOIN mark m ON m.lesson_id = l.id
             WHERE l.class_id = {class} AND l.date BETWEEN '{from}' AND '{to}'
             GROUP BY m.student_id, l.subject_id"
        )),
        // Per student: lessons and absences by category.
        Kind::Attendance => Some(format!(
            "SELECT a.student_id, c.category, count(*)
             FROM lesson l JOIN attendance a ON a.lesson_id = l.id JOIN attendance_code c ON c.id = a.code_id
             WHERE l.class_id = {class} AND l.date BETWEEN '{from}' AND '{to}'
             GROUP BY a.student_id, c.category"
        )),
        _ => None,
    }
}

/// The CPU time this thread has used (not the time it waited for the CPU
/// on a busy machine).
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}
