//! The whole-year review on the large demo: time and memory.
//!
//! `cargo run --release --example review_bench -- [--db FILE] [--runs N] [--list FILE]`
//!
//! With `--db`, the large demo (seed 42) is generated into FILE unless it
//! is there already (so repeated runs skip the 8 s of generating); without
//! it, into a temporary directory. Prints the first review on a freshly
//! opened connection, the median of `--runs` more (default 5), and how much
//! the process's peak resident memory grew while reviewing (the peak is
//! reset after opening, Linux only), with the CPU time a run used (steadier
//! than the wall clock on a shared machine). `--list FILE` writes every finding of
//! the whole year and of the last 30 days as sorted lines
//! (`tests/common/review_listing.rs`) to compare two versions of the
//! review.

#[path = "../tests/common/review_listing.rs"]
mod review_listing;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use classbook::service::demo::{self, DemoOptions, DemoSize};
use classbook::service::review::{ReviewQuery, run};
use classbook::store::{self, OpenMode, OpenOptions};

/// A field of /proc/self/status in KiB (Linux).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

/// CPU time (user and system) the process has used so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Reset the peak resident memory to the current one (Linux).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn main() -> anyhow::Result<()> {
    let mut db_path: Option<PathBuf> = None;
    let mut list: Option<PathBuf> = None;
    let mut runs = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--db" => db_path = args.next().map(PathBuf::from),
            "--list" => list = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let dir = tempfile::tempdir()?;
    let path = db_path.unwrap_or_else(|| dir.path().join("large.sqlite"));
    if !path.exists() {
        let t = Instant::now();
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
                size: DemoSize::Large,
                seed: 42,
            },
        )?;
        println!(
            "generated the large demo in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let db = store::open(&path, &OpenOptions::default())?;
    let conn = db.conn();
    let as_of = store::school::working_date(conn, chrono::Local::now().date_naive())?;
    let q = ReviewQuery {
        from: None,
        to: None,
        now: as_of.and_hms_opt(23, 59, 59).expect("a time"),
    };
    let peak_reset = reset_peak();
    let rss_before = status_kib("VmRSS:").unwrap_or(0);
    let t = Instant::now();
    let review = run(conn, &q)?;
    let first = t.elapsed();
    let peak = status_kib("VmHWM:").unwrap_or(0);
    let cpu = cpu_time();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let n = run(conn, &q).map(|r| r.findings.len());
            std::hint::black_box(n.ok());
            t.elapsed()
        })
        .collect();
    let cpu = (cpu_time() - cpu) / runs.max(1) as u32;
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or(first);
    println!(
        "review, whole year (large): first {:.1} ms, median of {runs} {:.1} ms, CPU {:.1} ms a run ({} findings, {}–{})",
        first.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3,
        review.findings.len(),
        review.from,
        review.to
    );
    let peak_all = status_kib("VmHWM:").unwrap_or(0);
    println!(
        "peak resident memory growth: first review {:.1} MB, all runs {:.1} MB (from {:.1} MB{})",
        peak.saturating_sub(rss_before) as f64 / 1024.0,
        peak_all.saturating_sub(rss_before) as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        if peak_reset {
            ""
        } else {
            "; the peak could not be reset"
        }
    );
    let month = ReviewQuery {
        from: Some(as_of - chrono::Days::new(30)),
        ..q.clone()
    };
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let n = run(conn, &month).map(|r| r.findings.len());
            std::hint::black_box(n.ok());
            t.elapsed()
        })
        .collect();
    times.sort();
    let m = run(conn, &month)?;
    println!(
        "review, last 30 days (large): median of {runs} {:.1} ms ({} findings)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        m.findings.len()
    );
    if let Some(file) = list {
        let mut text = String::new();
        for (name, r) in [("year", &review), ("last 30 days", &m)] {
            let lines = review_listing::lines(r);
            text.push_str(&format!(
                "== {name}: {} – {}, {} findings, fnv {:016x}\n",
                r.from,
                r.to,
                lines.len(),
                review_listing::fnv(&lines)
            ));
            for l in lines {
                text.push_str(&l);
                text.push('\n');
            }
        }
        std::fs::write(&file, text)?;
        println!("listing written to {}", file.display());
    }
    Ok(())
}
