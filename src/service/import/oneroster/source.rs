//! Where an export's files come from: a folder or a `.zip`, with the CSV
//! files at the root or inside one sub-folder (as zipping a folder makes
//! them). Names are matched without case (`userProfiles.csv` and
//! `userprofiles.csv` are one file).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use zip::ZipArchive;

/// The largest CSV file read from a zip (its declared size), so that a
/// damaged or hostile archive cannot exhaust memory.
const MAX_ENTRY: u64 = 512 * 1024 * 1024;

enum Where {
    Disk(PathBuf),
    Zip(usize),
}

struct Entry {
    /// The file's name as the export writes it ("academicSessions.csv").
    name: String,
    at: Where,
}

pub(super) struct Source {
    zip: Option<ZipArchive<File>>,
    /// Lower-case file name → entry, for the files of the chosen folder.
    files: BTreeMap<String, Entry>,
}

/// A file that marks an export's folder.
fn marks_export(lower_name: &str) -> bool {
    lower_name == "manifest.csv" || lower_name == "users.csv"
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("__MACOSX")
}

/// Of the files found (folder "" = the root, else the sub-folder's name),
/// those of the folder that holds the export.
fn choose(
    mut by_folder: BTreeMap<String, Vec<(String, Where)>>,
) -> Result<Vec<(String, Where)>, String> {
    let marked =
        |files: &Vec<(String, Where)>| files.iter().any(|(n, _)| marks_export(&n.to_lowercase()));
    if by_folder.get("").is_some_and(marked) {
        return Ok(by_folder.remove("").unwrap_or_default());
    }
    let candidates: Vec<String> = by_folder
        .iter()
        .filter(|(k, v)| !k.is_empty() && marked(v))
        .map(|(k, _)| k.clone())
        .collect();
    match candidates.as_slice() {
        [] => Ok(by_folder.remove("").unwrap_or_default()),
        [one] => Ok(by_folder.remove(one).unwrap_or_default()),
        several => Err(format!(
            "holds several exports (folders {}); give one of them",
            several.join(", ")
        )),
    }
}

impl Source {
    pub fn open(path: &Path) -> Result<Source, String> {
        if path.is_dir() {
            Self::open_dir(path)
        } else if path.is_file() {
            Self::open_zip(path)
        } else {
            Err("no such folder or file".to_string())
        }
    }

    fn open_dir(path: &Path) -> Result<Source, String> {
        let list = |dir: &Path| -> Result<Vec<(String, Where)>, String> {
            let read =
                std::fs::read_dir(dir).map_err(|e| format!("cannot list the folder: {e}"))?;
            let mut out = Vec::new();
            for entry in read.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !skipped(&name)
                    && entry.path().is_file()
                    && name.to_lowercase().ends_with(".csv")
                {
                    out.push((name, Where::Disk(entry.path())));
                }
            }
            Ok(out)
        };
        let mut by_folder = BTreeMap::new();
        by_folder.insert(String::new(), list(path)?);
        let subs = std::fs::read_dir(path).map_err(|e| format!("cannot list the folder: {e}"))?;
        for entry in subs.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !skipped(&name) && entry.path().is_dir() {
                // A sub-folder that cannot be listed is simply not a candidate.
                if let Ok(files) = list(&entry.path()) {
                    by_folder.insert(name, files);
                }
            }
        }
        let files = choose(by_folder)?;
        Ok(Source {
            zip: None,
            files: files
                .into_iter()
                .map(|(name, at)| (name.to_lowercase(), Entry { name, at }))
                .collect(),
        })
    }

    fn open_zip(path: &Path) -> Result<Source, String> {
        let file = File::open(path).map_err(|e| format!("cannot be opened: {e}"))?;
        let mut zip = ZipArchive::new(file)
            .map_err(|e| format!("is neither a folder nor a readable zip: {e}"))?;
        let mut by_folder: BTreeMap<String, Vec<(String, Where)>> = BTreeMap::new();
        for i in 0..zip.len() {
            let Ok(entry) = zip.by_index(i) else { continue };
            if entry.is_dir() {
                continue;
            }
            let Some(name) = entry.enclosed_name() else {
                continue;
            };
            let parts: Vec<String> = name
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let (folder, file_name) = match parts.as_slice() {
                [f] => (String::new(), f.clone()),
                [d, f] => (d.clone(), f.clone()),
                _ => continue,
            };
            if skipped(&folder)
                || skipped(&file_name)
                || !file_name.to_lowercase().ends_with(".csv")
            {
                continue;
            }
            by_folder
                .entry(folder)
                .or_default()
                .push((file_name, Where::Zip(i)));
        }
        let files = choose(by_folder)?;
        Ok(Source {
            zip: Some(zip),
            files: files
                .into_iter()
                .map(|(name, at)| (name.to_lowercase(), Entry { name, at }))
                .collect(),
        })
    }

    /// Whether the export has the file (name without case).
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(&name.to_lowercase())
    }

    /// The file's name as the export writes it.
    pub fn name(&self, name: &str) -> Option<String> {
        self.files.get(&name.to_lowercase()).map(|e| e.name.clone())
    }

    /// The names (as written) of every CSV file of the export.
    pub fn names(&self) -> Vec<String> {
        self.files.values().map(|e| e.name.clone()).collect()
    }

    /// The file's bytes; `None` when the export has no such file, `Err`
    /// with a reason when it cannot be read.
    pub fn read(&mut self, name: &str) -> Option<Result<Vec<u8>, String>> {
        let entry = self.files.get(&name.to_lowercase())?;
        Some(match &entry.at {
            Where::Disk(p) => std::fs::read(p).map_err(|e| format!("cannot be read: {e}")),
            Where::Zip(i) => match self.zip.as_mut() {
                None => Err("cannot be read: the archive is closed".to_string()),
                Some(zip) => read_entry(zip, *i),
            },
        })
    }
}

fn read_entry(zip: &mut ZipArchive<File>, i: usize) -> Result<Vec<u8>, String> {
    let entry = zip
        .by_index(i)
        .map_err(|e| format!("cannot be read from the zip: {e}"))?;
    if entry.size() > MAX_ENTRY {
        return Err(format!(
            "is too large ({} MB; at most {} MB)",
            entry.size() / 1024 / 1024,
            MAX_ENTRY / 1024 / 1024
        ));
    }
    let mut out = Vec::new();
    entry
        .take(MAX_ENTRY + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot be read from the zip: {e}"))?;
    Ok(out)
}
