//! Files classbook writes hold personal data: a report written over an
//! existing file, and the companions of an existing database, are made
//! readable by their owner only.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_report_written_over_an_existing_file_is_made_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("школа.sqlite");
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["demo", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = dir.path().join("успеваемость 7А.csv");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args([
            "report",
            "performance",
            "--class",
            "7А",
            "--format",
            "csv",
            "--db",
        ])
        .arg(&db)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(mode(&out), 0o600);
    assert!(std::fs::read_to_string(&out).unwrap().contains(','));
}

#[test]
fn the_wal_and_shm_of_an_existing_database_are_narrowed_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trường.sqlite");
    let o = Command::new(env!("CARGO_BIN_EXE_classbook"))
        .args(["init", "--school", "Trường Tiểu học", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // As an older classbook (or another tool with a wide umask) left them.
    let mut wal = db.as_os_str().to_os_string();
    wal.push("-wal");
    let wal = std::path::PathBuf::from(wal);
    std::fs::write(&wal, b"").unwrap();
    std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _db = classbook::store::open(&db, &classbook::store::OpenOptions::default()).unwrap();
    assert_eq!(mode(&wal), 0o600);
    assert!(_db.warnings.is_empty(), "{:?}", _db.warnings);
}
