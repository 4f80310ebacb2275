//! Handing the school's data to other systems: a OneRoster 1.2 CSV export
//! of one school year (the roster, the gradebook and, as a vendor
//! extension, attendance), written so that another classbook can read it
//! back ([`crate::service::import`]) and export it again byte for byte.
//!
//! - [`oneroster`]: the files, the identifiers and the roster part
//!   (orgs, academicSessions, courses, classes, users, roles, enrollments,
//!   demographics);
//! - [`gradebook`]: categories, lineItems and results (the journal's marks
//!   and period grades) and `classbook.attendance.csv`; its column names
//!   are what [`crate::service::import::results`] reads.

pub mod gradebook;
pub mod oneroster;

/// A short identifier that depends only on `parts` (64-bit FNV-1a of the
/// parts joined by a separator no text holds, as 16 hex digits): the same
/// row gets the same id in every export and in every database the export
/// is read into.
pub fn stable_id(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::stable_id;

    #[test]
    fn stable_ids_depend_on_every_part_and_their_boundaries() {
        let a = stable_id(&["7А", "Англ. 1", "2025-09-03", "2"]);
        assert_eq!(a, stable_id(&["7А", "Англ. 1", "2025-09-03", "2"]));
        assert_eq!(a.len(), 16);
        assert_ne!(a, stable_id(&["7А", "Англ. 1", "2025-09-03", "3"]));
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
        // FNV-1a of the empty input is its offset basis.
        assert_eq!(stable_id(&[""]), "cbf29ce484222325");
    }
}
