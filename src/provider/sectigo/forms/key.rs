//! The key fields enrol and replace share: which key (a new one of an algorithm, an existing
//! key file, or a CSR from a file), where it is, what each field is for, how they are
//! checked, what the worker is told, and the DCV method fields of an SSL request.

use std::path::{Path, PathBuf};

use crate::form::{Field, FieldKind, Form, check};
use crate::worker::{FileCheck, KeyAlg, KeySource};

/// The key choice that sends a CSR read from a file (no key is made).
pub const CSR_FILE: &str = "CSR from a file";
/// The key choice that signs the CSR with an existing key (the one a failed attempt made).
pub const KEY_FILE: &str = "Existing key file";

const KEY_FILE_HINT: &str = "written here (mode 0600) before the CSR is sent";
const KEY_FILE_READ_HINT: &str = "read: the CSR is signed with this key (none is made)";
const CSR_FILE_HINT: &str = "only with \"CSR from a file\"";
const KEY_FILE_UNUSED_HINT: &str = "not used: no key is made with \"CSR from a file\"";
const CSR_FILE_USED_HINT: &str = "the CSR (PEM) to send; its key stays where it is";

/// SCM's DCV methods as a request names them; the first sends none (pre-validated domains).
pub const DCV_MODES: [&str; 6] = ["(pre-validated)", "CNAME", "HTTP", "HTTPS", "TXT", "EMAIL"];

/// The key choices: each algorithm of `allowed`, then an existing key file, then a CSR file.
pub fn choices(allowed: &[KeyAlg]) -> Vec<String> {
    allowed
        .iter()
        .map(|k| k.label().to_string())
        .chain([KEY_FILE.to_string(), CSR_FILE.to_string()])
        .collect()
}

/// The key choice, the key file (at `key_path`) and the CSR file.
pub fn fields(choices: Vec<String>, key_path: String) -> Vec<Field> {
    vec![
        Field::choice("key", "Key", choices, 0),
        Field::text("key_path", "Key file", key_path).with_hint(KEY_FILE_HINT),
        Field::text("csr_path", "CSR file", "").with_hint(CSR_FILE_HINT),
    ]
}

/// The DCV method and the approver's address (SSL).
pub fn dcv_fields() -> Vec<Field> {
    vec![
        Field::choice(
            "dcv",
            "DCV method",
            DCV_MODES.iter().map(|s| s.to_string()).collect(),
            0,
        ),
        Field::text("dcv_email", "DCV e-mail", "").with_hint("required for EMAIL"),
    ]
}

/// The chosen DCV method, `None` for a pre-validated domain; and the approver's address.
pub fn dcv_of(f: &Form) -> (Option<String>, Option<String>) {
    let dcv = f.value("dcv");
    (
        (dcv != DCV_MODES[0]).then_some(dcv),
        Some(f.value("dcv_email")).filter(|s| !s.is_empty()),
    )
}

/// The summary's line for the DCV method, when one is chosen.
pub fn dcv_line(f: &Form) -> Option<String> {
    let (dcv, email) = dcv_of(f);
    dcv.map(|dcv| match email {
        Some(e) => format!("domain validation by {dcv} to {e}"),
        None => format!("domain validation by {dcv}"),
    })
}

/// The key-file and CSR-file hints follow the key choice: each says whether it is used.
pub fn hints(form: &mut Form) {
    let choice = form.value("key");
    let from_file = choice == CSR_FILE;
    if let Some(f) = form.field_mut("key_path") {
        f.hint = Some(
            match choice.as_str() {
                CSR_FILE => KEY_FILE_UNUSED_HINT,
                KEY_FILE => KEY_FILE_READ_HINT,
                _ => KEY_FILE_HINT,
            }
            .into(),
        );
    }
    if let Some(f) = form.field_mut("csr_path") {
        f.hint = Some(
            if from_file {
                CSR_FILE_USED_HINT
            } else {
                CSR_FILE_HINT
            }
            .into(),
        );
    }
}

/// Where the key goes, or where the CSR comes from.
pub fn check_source(f: &mut Form) {
    let choice = f.value("key");
    if choice == CSR_FILE {
        if f.value("csr_path").is_empty() {
            f.set_error("csr_path", "name the CSR file (PEM)");
        }
    } else if choice == KEY_FILE {
        if f.value("key_path").is_empty() {
            f.set_error("key_path", "name the key file (PEM) to sign the CSR with");
        }
    } else if f.value("key_path").is_empty() {
        f.set_error("key_path", "name the file the private key is written to");
    }
}

/// The checks enrol and replace share for SSL: common name, other names, the key, and the
/// DCV e-mail.
pub fn check_names_and_dcv(f: &mut Form) {
    let cn = f.value("cn");
    if cn.is_empty() {
        f.set_error("cn", "the common name is required");
    } else if cn.chars().count() > 64 {
        f.set_error("cn", "the common name is at most 64 characters");
    } else if !check::valid_name(&cn) {
        f.set_error("cn", format!("{cn:?} is not a valid host name"));
    }
    let bad: Vec<String> = check::split_list(&f.value("sans"))
        .into_iter()
        .filter(|s| !check::valid_name(s))
        .collect();
    if !bad.is_empty() {
        f.set_error("sans", format!("not valid host names: {}", bad.join(", ")));
    }
    check_source(f);
    let email = f.value("dcv_email");
    if f.value("dcv") == "EMAIL" && !check::looks_like_email(&email) {
        f.set_error(
            "dcv_email",
            "EMAIL validation needs the approver's e-mail address",
        );
    } else if !email.is_empty() && !check::looks_like_email(&email) {
        f.set_error("dcv_email", format!("{email:?} is not an e-mail address"));
    }
}

/// The file the chosen key source writes (a new key: it must not exist) or reads.
pub fn file_checks(f: &Form) -> Vec<FileCheck> {
    let check = |field: &'static str, new: bool| FileCheck {
        field,
        path: PathBuf::from(f.value(field)),
        new,
    };
    vec![match f.value("key").as_str() {
        CSR_FILE => check("csr_path", false),
        // An existing key is read, not written.
        KEY_FILE => check("key_path", false),
        _ => check("key_path", true),
    }]
}

/// What the worker does for the key: make one (written first), read one, or read a CSR.
pub fn source(f: &Form) -> KeySource {
    let key_label = f.value("key");
    match KeyAlg::ALL.into_iter().find(|k| k.label() == key_label) {
        Some(alg) => KeySource::Generate {
            alg,
            key_path: PathBuf::from(f.value("key_path")),
        },
        None if key_label == KEY_FILE => KeySource::KeyFile(PathBuf::from(f.value("key_path"))),
        None => KeySource::CsrFile(PathBuf::from(f.value("csr_path"))),
    }
}

/// The summary's words for the key: a new one and where it goes, an existing one, or the
/// CSR file.
pub fn line(f: &Form) -> String {
    let key = f.value("key");
    match key.as_str() {
        CSR_FILE => format!("CSR from {}", f.value("csr_path")),
        KEY_FILE => format!("CSR signed by the existing key {}", f.value("key_path")),
        _ => format!(
            "new {key} key, written to {} (0600) first",
            f.value("key_path")
        ),
    }
}

/// The common name and every name for the certificate (the CN first, no repeats).
pub fn names_of(f: &Form) -> (String, Vec<String>) {
    let cn = f.value("cn");
    let mut sans = vec![cn.clone()];
    for s in check::split_list(&f.value("sans")) {
        if !sans.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
            sans.push(s);
        }
    }
    (cn, sans)
}

/// Switch the key choice to the existing key file at `kept` (the key a failed attempt made),
/// so that a second try signs with it; false when the form has no such choice.
pub fn offer_kept(f: &mut Form, kept: &Path) -> bool {
    let Some(FieldKind::Choice { options, selected }) = f.field_mut("key").map(|x| &mut x.kind)
    else {
        return false;
    };
    let Some(at) = options.iter().position(|o| o == KEY_FILE) else {
        return false;
    };
    *selected = at;
    if let Some(FieldKind::Text(input)) = f.field_mut("key_path").map(|x| &mut x.kind) {
        *input = tui_input::Input::new(kept.display().to_string());
    }
    hints(f);
    true
}
