//! Revoke: the marked or selected certificates (by id, or one by its serial number), or any
//! certificate of the account by a typed serial number. Both are confirmed by typing.

use super::MESSAGE_MAX;
use crate::form::{Field, Flow, Form, FormCx, Opening, Sent, Submission, Target, check, describe};
use crate::model::{AccountIdx, Cert, Collection};
use crate::provider::sectigo::Family;
use crate::provider::sectigo::actions::RevokeReason;
use crate::provider::sectigo::request::ScmRequest;

fn reason_options() -> Vec<String> {
    RevokeReason::ALL
        .iter()
        .map(|r| format!("{} ({})", r.label(), r.code()))
        .collect()
}

fn reason_of(f: &Form) -> RevokeReason {
    RevokeReason::ALL[f.field("code").map(|x| x.selected()).unwrap_or(0)]
}

/// The same serial number however it is written (colons, case, leading zeros).
pub fn same_serial(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_hexdigit())
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
            .trim_start_matches('0')
            .to_string()
    };
    norm(a) == norm(b)
}

/// Revoking the marked or selected certificates.
#[derive(Debug, Clone, PartialEq)]
pub struct Revoke {
    targets: Vec<Target>,
}

impl Revoke {
    /// What is typed to confirm: the common name of one, the number of several.
    fn confirm_word(&self) -> String {
        if self.targets.len() == 1 {
            self.targets[0].cn.clone()
        } else {
            self.targets.len().to_string()
        }
    }
}

pub fn revoke(cx: &FormCx) -> Result<Opening, String> {
    let flow = Revoke {
        targets: cx.targets.to_vec(),
    };
    let confirm_word = flow.confirm_word();
    let mut fields = Vec::new();
    if let [t] = cx.targets
        && t.serial.is_some()
    {
        fields.push(Field::choice(
            "by",
            "Revoke by",
            vec!["certificate id".into(), "serial number".into()],
            0,
        ));
    }
    fields.push(Field::choice("code", "Reason code", reason_options(), 0));
    fields.push(
        Field::text("reason", "Reason", "")
            .with_hint("kept by SCM and in the audit log; 1–512 characters"),
    );
    fields.push(
        Field::text("confirm", "Type to confirm", "")
            .with_hint(format!("type {confirm_word} to confirm")),
    );
    let title = match cx.targets.len() {
        1 => "Revoke certificate".to_string(),
        n => format!("Revoke {n} certificates"),
    };
    let form = Form::new(title, "Revoke", true)
        .with_intro(describe(cx.targets, "Revoke"))
        .with_fields(fields);
    Ok(Opening::new(form, flow))
}

impl Flow for Revoke {
    fn validate(&self, f: &mut Form) {
        check::len(f, "reason", "reason", MESSAGE_MAX, true);
        let want = self.confirm_word();
        if f.value("confirm") != want {
            f.set_error("confirm", format!("type {want} exactly to confirm"));
        }
    }

    fn summary(&self, f: &Form, _certs: &[Cert]) -> Vec<String> {
        let mut v = describe(&self.targets, "Revoke");
        v.push(format!(
            "reason: {} — {}",
            f.value("code"),
            f.value("reason")
        ));
        if f.field("by").is_some_and(|x| x.selected() == 1) {
            v.push(format!(
                "by serial number {}",
                self.targets[0].serial.clone().unwrap_or_default()
            ));
        }
        v.push("This cannot be undone.".into());
        v
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let reason = reason_of(f);
        let text = f.value("reason");
        let by_serial = f.field("by").is_some_and(|x| x.selected() == 1);
        let submissions = self
            .targets
            .iter()
            .map(|t| Submission::Act {
                account: t.account,
                cert: Some(t.cert),
                request: match (&t.serial, by_serial) {
                    (Some(serial), true) => ScmRequest::RevokeBySerial {
                        family: t.family,
                        serial: serial.clone(),
                        reason,
                        text: text.clone(),
                    }
                    .into(),
                    _ => ScmRequest::Revoke {
                        family: t.family,
                        id: t.id.clone(),
                        reason,
                        text: text.clone(),
                    }
                    .into(),
                },
                label: format!("revoke {}", t.cn),
            })
            .collect();
        Sent {
            submissions,
            batch: Some(("revoked", "certificates")),
            clear_marks: true,
            stay_open: None,
        }
    }
}

/// Revoking a certificate of the account by its serial number (listed or not).
#[derive(Debug, Clone, PartialEq)]
pub struct RevokeSerial {
    account: AccountIdx,
}

const SERIAL_FAMILIES: [Collection; 3] = [Family::Ssl, Family::Device, Family::Client];

pub fn revoke_serial(cx: &FormCx) -> Result<Opening, String> {
    let form = Form::new("Revoke by serial number", "Revoke", true)
        .with_intro(vec![format!("Account {}", cx.account_name)])
        .with_fields(vec![
            Field::choice(
                "family",
                "Family",
                vec!["SSL".into(), "Device".into(), "Client".into()],
                0,
            ),
            Field::text("serial", "Serial number", "").with_hint("hex, with or without colons"),
            Field::choice("code", "Reason code", reason_options(), 0),
            Field::text("reason", "Reason", "").with_hint("1–512 characters"),
            Field::text("confirm", "Type to confirm", "").with_hint("type the serial number again"),
        ]);
    Ok(Opening::new(
        form,
        RevokeSerial {
            account: cx.account,
        },
    ))
}

impl RevokeSerial {
    /// The listed certificate of the account with this serial, if any.
    fn position(&self, certs: &[Cert], serial: &str) -> Option<usize> {
        certs.iter().position(|c| {
            c.account == self.account && c.serial.as_deref().is_some_and(|s| same_serial(s, serial))
        })
    }

    fn listed<'a>(&self, certs: &'a [Cert], serial: &str) -> Option<&'a Cert> {
        self.position(certs, serial).map(|i| &certs[i])
    }
}

impl Flow for RevokeSerial {
    fn validate(&self, f: &mut Form) {
        let serial = f.value("serial");
        let hex: String = serial.chars().filter(|c| *c != ':').collect();
        if hex.is_empty() {
            f.set_error("serial", "a serial number is required");
        } else if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            f.set_error(
                "serial",
                format!("{serial:?} is not a hexadecimal serial number"),
            );
        }
        check::len(f, "reason", "reason", MESSAGE_MAX, true);
        if serial.is_empty() || !same_serial(&f.value("confirm"), &serial) {
            f.set_error("confirm", "type the same serial number to confirm");
        }
    }

    fn summary(&self, f: &Form, certs: &[Cert]) -> Vec<String> {
        let (family, serial) = (f.value("family"), f.value("serial"));
        let mut v = vec![format!(
            "Revoke the {family} certificate with serial {serial}"
        )];
        // Name it when it is listed: what is revoked should be seen before, not after.
        match self.listed(certs, &serial) {
            Some(c) if c.family.label() == family => v.push(format!(
                "that is {} (id {}), listed in this account",
                c.common_name, c.id
            )),
            Some(c) => v.push(format!(
                "the listed certificate with this serial is {} (id {}), a {} certificate: check the family",
                c.common_name,
                c.id,
                c.family.label()
            )),
            None => v.push("it is not in the list loaded here".into()),
        }
        v.push(format!(
            "reason: {} — {}",
            f.value("code"),
            f.value("reason")
        ));
        v.push("This cannot be undone.".into());
        v
    }

    fn submit(&self, f: &Form, certs: &[Cert]) -> Sent {
        let family = SERIAL_FAMILIES[f.field("family").map(|x| x.selected()).unwrap_or(0)];
        let serial = f.value("serial");
        // The row (if listed) is refreshed by the next list reload.
        let cert = self.position(certs, &serial);
        Sent::one(Submission::Act {
            account: self.account,
            cert,
            request: ScmRequest::RevokeBySerial {
                family,
                serial: serial.clone(),
                reason: reason_of(f),
                text: f.value("reason"),
            }
            .into(),
            label: format!("revoke serial {serial}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_compare_without_colons_case_or_leading_zeros() {
        assert!(same_serial("0A:1B:FF", "a1bff"));
        assert!(!same_serial("0A:1B:FF", "a1bfe"));
    }
}
