//! Many hands on one file, for the README:
//! `cargo run --release --example contention_bench`.
//!
//! On the small demo school:
//! 1. four writers (four connections, as four admins or scripts) each set
//!    200 journal cells as fast as they can: how long a write waits for the
//!    lock and commits (p50, p99, max), and that every write landed;
//! 2. a reader loads a journal view again and again while another
//!    connection imports a programme of 100,000 indicator rows in one
//!    transaction: the reader's latency (p50, p99, max) during the import,
//!    and the import's own time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::service::journal::{self as svc, CellInput, LessonRef};
use classbook::service::programme_csv;
use classbook::store::{self, Db, OpenMode, OpenOptions, StoreError};

fn open(path: &std::path::Path) -> Db {
    store::open(
        path,
        &OpenOptions {
            busy_timeout: Duration::from_secs(30),
            ..OpenOptions::default()
        },
    )
    .expect("opens")
}

fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
        v.len()
    )
}

/// Every (lesson, student) cell of 7А's recorded lessons of one subject.
fn cells(db: &Db) -> Vec<(i64, i64)> {
    let mut st = db
        .conn()
        .prepare(
            "SELECT l.id, e.student_id FROM lesson l
             JOIN class k ON k.id = l.class_id
             JOIN enrolment e ON e.class_id = l.class_id
                 AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
             WHERE k.name = '7А' AND l.group_id IS NULL AND l.date < '2025-12-01'
             ORDER BY l.date, l.id, e.student_id",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn programme(rows: usize) -> String {
    let mut s = String::from(
        "programme,task_no,task,indicator_no,indicator,unit,direction,period,period_start,period_end,target\n",
    );
    let periods = 20;
    let indicators = rows / periods;
    for i in 0..indicators {
        let (task, ind) = (i / 100 + 1, i % 100 + 1);
        for p in 1..=periods {
            let month = (p - 1) % 12 + 1;
            s.push_str(&format!(
                "Программа нагрузки,{task},Задача {task},{ind},Показатель {task}.{ind},count,higher,P{p},2025-{month:02}-01,2025-{month:02}-28,{p}\n"
            ));
        }
    }
    s
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("school.sqlite");
    {
        let mut db = store::open(
            &path,
            &OpenOptions {
                mode: OpenMode::Create,
                ..OpenOptions::default()
            },
        )?;
        demo::generate(
            &mut db,
            &DemoOptions {
                size: DemoSize::Small,
                seed: 42,
            },
        )?;
    }

    // 1. Four writers.
    let all = cells(&open(&path));
    let per = 200;
    assert!(all.len() >= 4 * per, "enough cells: {}", all.len());
    let barrier = Arc::new(Barrier::new(4));
    let t = Instant::now();
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            let mine: Vec<(i64, i64)> = all.iter().skip(w).step_by(4).take(per).copied().collect();
            let barrier = barrier.clone();
            thread::spawn(move || {
                let mut db = open(&path);
                let who = ["Иванова", "Nguyễn Văn An", "王芳", "Петров"][w];
                let mut waits = vec![];
                barrier.wait();
                for (i, (lesson, student)) in mine.into_iter().enumerate() {
                    let mark = ["5", "4", "3"][i % 3];
                    let t = Instant::now();
                    let r: Result<_, StoreError> = db.write(|tx| {
                        svc::set_cell(
                            tx,
                            who,
                            LessonRef::Id(lesson),
                            student,
                            &CellInput::text(mark),
                        )
                        .map_err(StoreError::from)
                    });
                    r.expect("every write lands");
                    waits.push(t.elapsed());
                }
                waits
            })
        })
        .collect();
    let waits: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("a writer"))
        .collect();
    println!(
        "4 writers × {per} journal cells: {:.2} s in all; each write (wait for the lock, write, audit, commit): {}",
        t.elapsed().as_secs_f64(),
        percentiles(waits)
    );

    // 2. A reader during a 100,000-row import.
    let text = programme(100_000);
    let done = Arc::new(AtomicBool::new(false));
    let started = Arc::new(Barrier::new(2));
    let importer = {
        let path = path.clone();
        let done = done.clone();
        let started = started.clone();
        thread::spawn(move || {
            let mut db = open(&path);
            let t = Instant::now();
            let r: Result<_, StoreError> =
                db.write_announced("the import of load.csv", "bench", |tx| {
                    started.wait();
                    programme_csv::import(tx, "load.csv", &text)
                });
            let imported = r.expect("the import commits");
            done.store(true, Ordering::SeqCst);
            (t.elapsed(), imported.targets)
        })
    };
    let reader = open(&path);
    let conn = reader.conn();
    let today = store::school::working_date(conn, chrono::Local::now().date_naive())?;
    let year = store::school::current_year(conn, today)?.expect("a year");
    let class = store::classes::classes(conn, year.id)?
        .into_iter()
        .find(|c| c.name == "7А")
        .expect("7А");
    let subject = store::curriculum::class_subjects(conn, class.id)?
        .into_iter()
        .next()
        .expect("a subject");
    let period = store::school::periods(conn, year.id)?
        .into_iter()
        .next()
        .expect("a period");
    started.wait();
    let mut reads = vec![];
    while !done.load(Ordering::SeqCst) {
        let t = Instant::now();
        svc::load(conn, &class, &subject, &period, today)?;
        reads.push(t.elapsed());
    }
    let (took, targets) = importer.join().expect("the importer");
    println!(
        "import of {targets} indicator rows in one transaction: {:.2} s; a journal view read meanwhile: {}",
        took.as_secs_f64(),
        percentiles(reads)
    );
    Ok(())
}
