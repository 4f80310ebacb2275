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
    let check = time(3, || store::check::run(conn).map(|r| r.tables.len()));
    println!(
        "check (integrity, keys, counts){:>8.2} ms",
        check.as_secs_f64() * 1e3
    );
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak memory (whole run)        {:>8.1} MB",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}
