//! `classbook users`: who may do what. Lists the logins classbook knows
//! (the file's owner, logins granted a role, staff members' logins) with
//! their roles; an administrator grants and revokes roles (audited).

use clap::Subcommand;

use super::{TextOrJson, exit};
use crate::store::{Db, access};

pub const ABOUT: &str = "\
Who may do what. The operator is the operating-system user running classbook;
`--as NAME` is for administrators only and is recorded as \"you as NAME\".

Roles:
  admin          everything, settings, the school's set-up and these roles
                 (root and the owner of the database file always are)
  deputy         every journal, reason and final grade, teacher training,
                 plan indicators, review acknowledgements
  training_lead  teacher training
  viewer         nothing but reading, whatever else the login holds
A staff member whose login is the operator is a teacher of their workload:
they edit the journals of the lessons they teach (and substitute at) and
set the final grades of their classes and subjects; the class teacher a
class names also gives the reasons of its absences. Any other login may
only read. Staff roles count too: director and deputy as deputy, journal
administrator as admin, training lead as training_lead.";

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Every login with its staff member and roles (the default).
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
    },
    /// Grant a role to a login: admin, deputy, training_lead or viewer.
    Grant { login: String, role: String },
    /// Take a role back from a login.
    Revoke { login: String, role: String },
}

pub fn run(cmd: Option<UsersCommand>, mut db: Db, operator: &str) -> anyhow::Result<u8> {
    match cmd.unwrap_or(UsersCommand::List {
        format: TextOrJson::Text,
    }) {
        UsersCommand::List { format } => {
            let rows = access::users(db.conn(), db.path())?;
            match format {
                TextOrJson::Json => outln!("{}", serde_json::to_string_pretty(&rows)?),
                TextOrJson::Text => out!("{}", users_text(&rows)),
            }
            Ok(exit::OK)
        }
        UsersCommand::Grant { login, role } => {
            let written = db.write(|tx| access::grant(tx, operator, &login, &role))?;
            outln!(
                "{}",
                if written.is_some() {
                    format!("{login}: granted {role}")
                } else {
                    format!("{login} already holds {role}; nothing changed")
                }
            );
            Ok(exit::OK)
        }
        UsersCommand::Revoke { login, role } => {
            let written = db.write(|tx| access::revoke(tx, operator, &login, &role))?;
            outln!(
                "{}",
                if written.is_some() {
                    format!("{login}: {role} revoked")
                } else {
                    format!("{login} does not hold {role}; nothing changed")
                }
            );
            Ok(exit::OK)
        }
    }
}

fn users_text(rows: &[access::UserRow]) -> String {
    use std::fmt::Write;
    let lw = rows
        .iter()
        .map(|r| r.login.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let sw = rows
        .iter()
        .map(|r| r.staff.as_deref().map_or(1, |s| s.chars().count()))
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = String::new();
    let _ = writeln!(out, "{:<lw$}  {:<sw$}  roles", "login", "staff");
    for r in rows {
        let roles = if r.roles.is_empty() {
            "none: may only read".to_string()
        } else {
            r.roles.join(", ")
        };
        let _ = writeln!(
            out,
            "{:<lw$}  {:<sw$}  {roles}",
            r.login,
            r.staff.as_deref().unwrap_or("-")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_without_roles_says_it_may_only_read() {
        let rows = vec![
            access::UserRow {
                login: "nguyen".into(),
                staff: Some("Nguyễn V. A.".into()),
                roles: vec!["teacher (workload)".into()],
            },
            access::UserRow {
                login: "wang".into(),
                staff: None,
                roles: vec![],
            },
        ];
        let text = users_text(&rows);
        assert_eq!(
            text,
            "login   staff         roles\n\
             nguyen  Nguyễn V. A.  teacher (workload)\n\
             wang    -             none: may only read\n"
        );
    }
}
