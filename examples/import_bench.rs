//! Import speed for the README: `cargo run --release --example import_bench`.
//!
//! Builds the large demo school, writes its calendar, periods, bells,
//! staff, students (with classes, groups and stays), curriculum and
//! timetable out as the plain CSV templates, then imports them into a new
//! empty database (as `classbook init` makes it) and times each file (read
//! and write, all-or-nothing, audited), then imports them all again (a
//! re-import that finds everything unchanged). Peak memory is the process's
//! high-water mark.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::service::import::{apply, templates};
use classbook::store::{self, OpenMode, OpenOptions};
use rusqlite::Connection;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

fn q(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Rows of a query as CSV lines under `header`.
fn dump(conn: &Connection, header: &str, sql: &str) -> anyhow::Result<String> {
    let mut out = format!("{header}\n");
    let mut st = conn.prepare(sql)?;
    let n = st.column_count();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let cells: Vec<String> = (0..n)
            .map(|i| {
                r.get::<_, Option<String>>(i)
                    .ok()
                    .flatten()
                    .or_else(|| {
                        r.get::<_, Option<i64>>(i)
                            .ok()
                            .flatten()
                            .map(|v| v.to_string())
                    })
                    .or_else(|| {
                        r.get::<_, Option<f64>>(i)
                            .ok()
                            .flatten()
                            .map(|v| v.to_string())
                    })
                    .unwrap_or_default()
            })
            .map(|c| q(&c))
            .collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    Ok(out)
}

fn write_templates(
    conn: &Connection,
    dir: &Path,
) -> anyhow::Result<Vec<(templates::Kind, std::path::PathBuf)>> {
    use templates::Kind;
    let files = [
        (
            Kind::Calendar,
            "kind,label,starts_on,ends_on",
            "SELECT 'year', label, starts_on, ends_on FROM school_year
             UNION ALL SELECT kind, label, starts_on, ends_on FROM holiday",
        ),
        (
            Kind::Periods,
            "year,kind,number,label,starts_on,ends_on",
            "SELECT y.label, p.kind, p.number, p.label, p.starts_on, p.ends_on
             FROM period p JOIN school_year y ON y.id = p.year_id ORDER BY p.id",
        ),
        (
            Kind::Bells,
            "lesson_no,starts_at,ends_at,year",
            "SELECT b.lesson_no, b.starts_at, b.ends_at, y.label FROM bell b
             JOIN school_year y ON y.id = b.year_id",
        ),
        (
            Kind::Staff,
            "id,family_name,given_name,patronymic,login,email,phone,roles,active",
            "SELECT 'T' || s.id, family_name, given_name, patronymic, login, email, phone,
                    (SELECT group_concat(role, ';') FROM staff_role r WHERE r.staff_id = s.id),
                    CASE active WHEN 1 THEN 'yes' ELSE 'no' END
             FROM staff s ORDER BY s.id",
        ),
        (
            Kind::Students,
            "id,family_name,given_name,patronymic,birth_date,sex,class,groups,starts_on,order_no,order_date,phone,email,address",
            "SELECT 'S' || s.id, s.family_name, s.given_name, s.patronymic, s.birth_date, s.sex,
                    c.name,
                    (SELECT group_concat(g.name, ';') FROM group_member m
                       JOIN class_group g ON g.id = m.group_id
                      WHERE m.student_id = s.id AND g.class_id = c.id),
                    e.starts_on, e.start_order_no, e.start_order_date, s.phone, s.email, s.address
             FROM student s
             JOIN enrolment e ON e.id = (SELECT id FROM enrolment WHERE student_id = s.id
                                          ORDER BY starts_on DESC LIMIT 1)
             JOIN class c ON c.id = e.class_id ORDER BY s.id",
        ),
        (
            Kind::Curriculum,
            "class,subject,short_name,hours_per_week,teacher,group",
            "SELECT c.name, su.name, su.short_name, cu.hours_per_week,
                    (SELECT 'T' || teacher_id FROM workload w WHERE w.class_id = c.id
                       AND w.subject_id = su.id AND w.group_id IS NULL), ''
             FROM curriculum cu JOIN class c ON c.id = cu.class_id
             JOIN subject su ON su.id = cu.subject_id ORDER BY c.id, su.id",
        ),
        (
            Kind::Timetable,
            "class,group,weekday,lesson_no,subject,teacher,room,valid_from,valid_to,id",
            "SELECT c.name, g.name, t.weekday, t.lesson_no, su.name, 'T' || t.teacher_id, t.room,
                    t.valid_from, t.valid_to, 'TT' || t.id
             FROM timetable t JOIN class c ON c.id = t.class_id
             JOIN subject su ON su.id = t.subject_id
             LEFT JOIN class_group g ON g.id = t.group_id ORDER BY t.id",
        ),
    ];
    let mut out = vec![];
    for (kind, header, sql) in files {
        let path = dir.join(format!("{}.csv", kind.name()));
        std::fs::write(&path, dump(conn, header, sql)?)?;
        out.push((kind, path));
    }
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let demo_path = dir.path().join("large.sqlite");
    let mut db = store::open(
        &demo_path,
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )?;
    demo::generate(
        &mut db,
        &DemoOptions {
            size: DemoSize::Large,
            seed: 42,
        },
    )?;
    let files = write_templates(db.conn(), dir.path())?;
    drop(db);

    let target = dir.path().join("school.sqlite");
    let mut db = store::open(
        &target,
        &OpenOptions {
            mode: OpenMode::Create,
            ..OpenOptions::default()
        },
    )?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date");
    for pass in ["first import", "re-import, unchanged"] {
        let all = Instant::now();
        let mut rows = 0usize;
        for (kind, path) in &files {
            let t = Instant::now();
            let bundle = templates::read(*kind, path);
            let read = t.elapsed();
            let report = match apply::apply(&mut db, "bench", &bundle, today, false) {
                Ok(r) => r,
                Err(apply::ImportError::Refused(issues)) => {
                    for i in issues.iter().take(10) {
                        eprintln!("{i}");
                    }
                    anyhow::bail!("{} refused", kind.name());
                }
                Err(e) => return Err(e.into()),
            };
            let c = report.total();
            let n = c.added + c.changed + c.unchanged + c.closed;
            rows += n;
            println!(
                "{pass:<22} {:<11} {:>6} rows  read {:>6.1} ms  import {:>7.1} ms  ({} added, {} changed, {} unchanged)",
                kind.name(),
                n,
                read.as_secs_f64() * 1e3,
                (t.elapsed() - read).as_secs_f64() * 1e3,
                c.added,
                c.changed,
                c.unchanged
            );
        }
        println!(
            "{pass:<22} all files   {rows:>6} rows  {:.2} s",
            all.elapsed().as_secs_f64()
        );
    }
    let students: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM student", [], |r| r.get(0))?;
    let classes: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM class", [], |r| r.get(0))?;
    let slots: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM timetable", [], |r| r.get(0))?;
    println!("imported: {students} students, {classes} classes, {slots} timetable rows");
    plan_bench(&mut db, today)?;
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory {:.0} MB", kib as f64 / 1024.0);
    }
    Ok(())
}

/// `journal import-plan` of every class's thematic plans (35 topics for
/// each line of the curriculum), into the database just imported: cells
/// (rows × 6 columns) per second, read, checked, written and audited in one
/// transaction; then the same file again (nothing changes).
fn plan_bench(db: &mut store::Db, today: chrono::NaiveDate) -> anyhow::Result<()> {
    let lines: Vec<(String, String)> = {
        let mut st = db.conn().prepare(
            "SELECT DISTINCT c.name, s.name FROM curriculum cu
             JOIN class c ON c.id = cu.class_id JOIN subject s ON s.id = cu.subject_id
             ORDER BY c.name, s.name",
        )?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut text = String::from("class,subject,seq,topic,hours,control_form\n");
    let mut rows = 0usize;
    for (class, subject) in &lines {
        for seq in 1..=35 {
            let form = if seq % 7 == 0 {
                "Контрольная работа"
            } else {
                ""
            };
            writeln!(
                text,
                "{},{},{seq},{},{},{form}",
                q(class),
                q(subject),
                q(&format!("Тема {seq}: {subject}, 第{seq}课")),
                1 + seq % 2
            )?;
            rows += 1;
        }
    }
    for pass in ["plan import", "plan re-import"] {
        let t = Instant::now();
        let r = db.write(|tx| {
            classbook::service::journal::import_plan(tx, "bench", "plans.csv", &text, today)
        })?;
        let took = t.elapsed().as_secs_f64();
        println!(
            "{pass:<22} {rows} rows ({} plans, {} audit rows) {:>7.1} ms: {:.0} cells/s",
            r.plans.len(),
            r.audit.len(),
            took * 1e3,
            (rows * 6) as f64 / took
        );
    }
    Ok(())
}
