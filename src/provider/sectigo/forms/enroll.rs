//! A new certificate request in the selected family: SSL (names, DCV, external requester),
//! client/S-MIME (the person) or device. The form opens empty and is built once the account's
//! profiles, organizations and custom fields for that family have arrived; the profile
//! chosen then decides the terms and key types offered.

use std::path::Path;

use super::key;
use crate::form::check;
use crate::form::{Field, FieldKind, Flow, Focus, Form, FormCx, Load, Opening, Sent, Submission};
use crate::model::{AccountIdx, Cert, Collection};
use crate::provider::sectigo::actions::{
    ClientEnrollRequest, CustomFieldDef, DeviceEnrollRequest, EnrollRequest, Organization, Profile,
};
use crate::provider::sectigo::request::{ScmOutput, ScmRequest};
use crate::provider::sectigo::{Family, enrolment};
use crate::worker::{EnrollSpec, FileCheck, KeyAlg};

/// The form's state: what was loaded for it, and whether the key file still follows the name.
#[derive(Debug, Clone, PartialEq)]
pub struct Enroll {
    account: AccountIdx,
    family: Collection,
    profiles: Option<Vec<Profile>>,
    orgs: Option<Vec<Organization>>,
    custom: Option<Vec<CustomFieldDef>>,
    /// Why the form cannot be filled in (no profiles, no organizations), once loaded.
    missing: Option<String>,
    /// Whether the key-file path still follows the common name (the e-mail address for
    /// S/MIME): it does until it is edited by hand.
    key_path_auto: bool,
}

/// The form's title for a family; `None` for families certdeck does not enrol.
fn title(family: Collection) -> Option<&'static str> {
    match family {
        Family::Ssl => Some("Enroll SSL certificate"),
        Family::Client => Some("Enroll client (S/MIME) certificate"),
        Family::Device => Some("Enroll device certificate"),
        _ => None,
    }
}

/// How the family's profiles are named in messages.
fn profile_noun(family: Collection) -> &'static str {
    match family {
        Family::Ssl => "SSL certificate",
        Family::Client => "client (S/MIME) certificate",
        _ => "device certificate",
    }
}

pub fn enroll(cx: &FormCx) -> Result<Opening, String> {
    let family = cx.family;
    let Some(title) = title(family) else {
        return Err(format!(
            "certdeck enrols SSL, client (S/MIME) and device certificates; not {}",
            family.label().to_lowercase()
        ));
    };
    let mut form = Form::new(title, "Enroll", true)
        .with_intro(vec![format!("Account {}", cx.account_name)])
        .with_fields(vec![]);
    form.ready = false;
    form.note = Some("loading profiles, organizations and custom fields…".into());
    let loads = [
        ScmRequest::Profiles {
            family,
            org_id: None,
        },
        ScmRequest::Organizations,
        ScmRequest::CustomFields { family },
    ]
    .into_iter()
    .map(|request| Load {
        label: request.audit_name().into(),
        request: request.into(),
    })
    .collect();
    let flow = Enroll {
        account: cx.account,
        family,
        profiles: None,
        orgs: None,
        custom: None,
        missing: None,
        key_path_auto: true,
    };
    Ok(Opening {
        form,
        flow: Box::new(flow),
        loads,
    })
}

/// The keys of the custom fields' form fields (SCM accounts have a handful at most).
const CUSTOM_KEYS: [&str; 12] = [
    "custom_0",
    "custom_1",
    "custom_2",
    "custom_3",
    "custom_4",
    "custom_5",
    "custom_6",
    "custom_7",
    "custom_8",
    "custom_9",
    "custom_10",
    "custom_11",
];

impl Enroll {
    fn profile(&self, n: usize) -> Option<&Profile> {
        self.profiles.as_ref()?.get(n)
    }

    fn terms(&self, profile: usize) -> Vec<String> {
        self.profile(profile)
            .map(|p| p.terms.iter().map(|t| format!("{t} days")).collect())
            .filter(|v: &Vec<String>| !v.is_empty())
            .unwrap_or_else(|| vec!["365 days".into()])
    }

    /// The key choices the profile allows (every algorithm when it names none).
    fn keys(&self, profile: usize) -> Vec<String> {
        let allowed: Vec<KeyAlg> = match self.profile(profile) {
            Some(p) if !p.key_types.is_empty() => KeyAlg::ALL
                .into_iter()
                .filter(|k| {
                    let (alg, size) = k.scm_key_type();
                    p.key_types.iter().any(|(a, sizes)| {
                        a.eq_ignore_ascii_case(alg)
                            && (sizes.is_empty()
                                || sizes.iter().any(|s| {
                                    s.eq_ignore_ascii_case(size)
                                        || s.trim_start_matches("P-")
                                            == size.trim_start_matches("P-")
                                }))
                    })
                })
                .collect(),
            _ => KeyAlg::ALL.to_vec(),
        };
        key::choices(&allowed)
    }

    /// The field the key-file name follows until it is edited.
    fn key_path_source(&self) -> &'static str {
        if self.family == Family::Client {
            "email"
        } else {
            "cn"
        }
    }

    /// Everything has arrived: build the fields (or say what the account lacks).
    fn build(&mut self, form: &mut Form) {
        let profiles: Vec<String> = self
            .profiles
            .iter()
            .flatten()
            .map(|p| p.name.clone())
            .collect();
        let orgs: Vec<String> = self
            .orgs
            .iter()
            .flatten()
            .map(|o| format!("{} ({})", o.name, o.id))
            .collect();
        if profiles.is_empty() || orgs.is_empty() {
            let why = if profiles.is_empty() {
                format!(
                    "this account has no {} profiles (Esc closes)",
                    profile_noun(self.family)
                )
            } else {
                "this account has no organizations (Esc closes)".into()
            };
            form.note = Some(why.clone());
            self.missing = Some(why);
            return;
        }
        let mut fields = vec![
            Field::choice("profile", "Profile", profiles, 0),
            Field::choice("org", "Organization", orgs, 0),
            Field::choice("term", "Term", self.terms(0), 0),
        ];
        let key_fields = key::fields(self.keys(0), String::new());
        match self.family {
            Family::Client => {
                fields.extend([
                    Field::text("email", "E-mail", "")
                        .with_hint("the person's address; it goes into the certificate"),
                    Field::text("first", "First name", ""),
                    Field::text("middle", "Middle name", "").with_hint("optional"),
                    Field::text("last", "Last name", ""),
                    Field::text("secondary", "Other e-mails", "")
                        .with_hint("optional; comma-separated, also in the certificate"),
                    Field::text("phone", "Phone", "")
                        .with_hint("optional; digits, spaces and + - ( ) # x"),
                ]);
                fields.extend(key_fields);
                fields.push(Field::text("comments", "Comments", ""));
            }
            Family::Device => {
                fields.push(
                    Field::text("cn", "Common name", "")
                        .with_hint("the device's name, e.g. door-cam-7.example.com"),
                );
                fields.extend(key_fields);
                fields.push(Field::text("comments", "Comments", ""));
            }
            _ => {
                fields.extend([
                    Field::text("cn", "Common name", "")
                        .with_hint("e.g. www.example.com or *.example.com"),
                    Field::text("sans", "Other names", "")
                        .with_hint("comma-separated DNS names or IPs"),
                ]);
                fields.extend(key_fields);
                fields.extend(key::dcv_fields());
                fields.extend([
                    Field::text("comments", "Comments", ""),
                    Field::text("requester", "External requester", "")
                        .with_hint("e-mail addresses, comma-separated"),
                ]);
            }
        }
        for (n, c) in self.custom.iter().flatten().enumerate() {
            let key: &'static str = CUSTOM_KEYS.get(n).copied().unwrap_or("custom_x");
            let label = if c.mandatory {
                format!("{} *", c.name)
            } else {
                c.name.clone()
            };
            fields.push(Field::text(key, label, "").with_hint(if c.mandatory {
                "custom field, required"
            } else {
                "custom field"
            }));
        }
        *form = std::mem::replace(form, Form::new("", "", true)).with_fields(fields);
        // The first field to type into: the common name, or the person's e-mail.
        form.focus = Focus::Field(3);
        form.ready = true;
        form.note = None;
    }

    /// The custom fields with a value, as (name, value).
    fn custom_values(&self, f: &Form) -> Vec<(String, String)> {
        self.custom
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(n, c)| {
                let v = f.value(CUSTOM_KEYS.get(n)?);
                (!v.is_empty()).then(|| (c.name.clone(), v))
            })
            .collect()
    }

    /// The summary's last lines: the key (where it goes) or the CSR file, then the comments
    /// and custom fields that will be sent.
    fn extra_lines(&self, f: &Form) -> Vec<String> {
        let mut v = vec![key::line(f)];
        if !f.value("comments").is_empty() {
            v.push(format!("comments: {}", f.value("comments")));
        }
        let custom = self.custom_values(f);
        if !custom.is_empty() {
            let shown: Vec<String> = custom.iter().map(|(n, v)| format!("{n}={v}")).collect();
            v.push(format!("custom fields: {}", shown.join(", ")));
        }
        v
    }

    fn spec(&self, f: &Form) -> Option<EnrollSpec> {
        let profile = self.profile(f.field("profile")?.selected())?;
        let org = self.orgs.as_ref()?.get(f.field("org")?.selected())?;
        let chosen_term = profile
            .terms
            .get(f.field("term").map(|t| t.selected()).unwrap_or(0))
            .copied();
        let comments = Some(f.value("comments")).filter(|s| !s.is_empty());
        let custom_fields = self.custom_values(f);
        Some(match self.family {
            Family::Client => {
                let (first, middle, last) = (f.value("first"), f.value("middle"), f.value("last"));
                let name = full_name(&first, &middle, &last);
                let request = ClientEnrollRequest {
                    org_id: org.id,
                    profile_id: profile.id,
                    term_days: chosen_term,
                    csr: String::new(),
                    email: f.value("email"),
                    first_name: first,
                    middle_name: Some(middle).filter(|m| !m.is_empty()),
                    last_name: last,
                    common_name: Some(name.clone()).filter(|n| !n.is_empty()),
                    phone: Some(f.value("phone")).filter(|p| !p.is_empty()),
                    secondary_emails: secondary_emails(f),
                    custom_fields,
                    comments,
                };
                enrolment::client(&name, key::source(f), request)
            }
            Family::Device => {
                let cn = f.value("cn");
                let request = DeviceEnrollRequest {
                    org_id: org.id,
                    profile_id: profile.id,
                    term_days: chosen_term,
                    csr: String::new(),
                    custom_fields,
                    optional_fields: vec![("commonName".into(), cn.clone())],
                    comments,
                };
                enrolment::device(&cn, key::source(f), request)
            }
            _ => {
                let (cn, sans) = key::names_of(f);
                let (dcv_mode, dcv_email) = key::dcv_of(f);
                let request = EnrollRequest {
                    org_id: org.id,
                    profile_id: profile.id,
                    term_days: chosen_term.unwrap_or(365),
                    csr: String::new(),
                    sans,
                    comments,
                    external_requester: Some(check::split_list(&f.value("requester")).join(", "))
                        .filter(|s| !s.is_empty()),
                    custom_fields,
                    dcv_mode,
                    dcv_email,
                };
                enrolment::ssl(&cn, key::source(f), request)
            }
        })
    }
}

impl Flow for Enroll {
    fn loaded(
        &mut self,
        form: &mut Form,
        account: AccountIdx,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) {
        let Some((request, output)) = crate::provider::sectigo::request::scm_pair(request, output)
        else {
            return;
        };
        // An answer meant for a form since closed (another account's, another family's).
        let family = match request {
            ScmRequest::Profiles { family, .. } | ScmRequest::CustomFields { family } => {
                Some(*family)
            }
            _ => None,
        };
        if account != self.account || family.is_some_and(|f| f != self.family) {
            return;
        }
        match output {
            ScmOutput::Profiles(p) => self.profiles = Some(p.clone()),
            ScmOutput::Organizations(o) => self.orgs = Some(o.clone()),
            ScmOutput::CustomFields(c) => self.custom = Some(c.clone()),
            _ => return,
        }
        if self.profiles.is_some()
            && self.orgs.is_some()
            && self.custom.is_some()
            && form.fields.is_empty()
        {
            self.build(form);
        }
    }

    fn on_change(&mut self, form: &mut Form, field: &'static str) {
        match field {
            "profile" => {
                let p = form.field("profile").map(|f| f.selected()).unwrap_or(0);
                let (terms, keys) = (self.terms(p), self.keys(p));
                if let Some(f) = form.field_mut("term") {
                    *f = Field::choice("term", "Term", terms, 0);
                }
                if let Some(f) = form.field_mut("key") {
                    *f = Field::choice("key", "Key", keys, 0);
                }
                key::hints(form);
            }
            f if f == self.key_path_source() && self.key_path_auto => {
                let name = form.value(f);
                let path = if name.is_empty() {
                    String::new()
                } else {
                    format!("./{}.key", check::file_stem(&name))
                };
                if let Some(f) = form.field_mut("key_path") {
                    f.kind = FieldKind::Text(tui_input::Input::new(path));
                    f.error = None;
                }
            }
            "key_path" => self.key_path_auto = false,
            "key" => key::hints(form),
            _ => {}
        }
    }

    fn validate(&self, f: &mut Form) {
        if !f.ready {
            f.note = Some(
                self.missing
                    .clone()
                    .unwrap_or_else(|| "still loading".into()),
            );
            return;
        }
        match self.family {
            Family::Client => check_person(f),
            Family::Device => {
                check_device_name(f);
                key::check_source(f);
            }
            _ => {
                key::check_names_and_dcv(f);
                let req = f.value("requester");
                if req.chars().count() > 512 {
                    f.set_error("requester", "at most 512 characters");
                } else if let Some(bad) = check::split_list(&req)
                    .into_iter()
                    .find(|e| !check::looks_like_email(e))
                {
                    f.set_error("requester", format!("{bad:?} is not an e-mail address"));
                }
            }
        }
        check::len(f, "comments", "comment", 1024, false);
        for (n, c) in self.custom.iter().flatten().enumerate() {
            let key = CUSTOM_KEYS.get(n).copied().unwrap_or("custom_x");
            let v = f.value(key);
            if c.mandatory && v.is_empty() {
                f.set_error(key, format!("{} is mandatory in this account", c.name));
            } else if v.chars().count() > 256 {
                f.set_error(key, "at most 256 characters");
            }
        }
    }

    fn file_checks(&self, f: &Form) -> Vec<FileCheck> {
        key::file_checks(f)
    }

    fn summary(&self, f: &Form, _certs: &[Cert]) -> Vec<String> {
        let mut v = match self.family {
            Family::Client => {
                let name = full_name(&f.value("first"), &f.value("middle"), &f.value("last"));
                let mut v = vec![
                    format!(
                        "Enroll a client (S/MIME) certificate for {name} <{}>",
                        f.value("email")
                    ),
                    format!(
                        "profile {}, term {}, organization {}",
                        f.value("profile"),
                        f.value("term"),
                        f.value("org")
                    ),
                ];
                let others = secondary_emails(f);
                if !others.is_empty() {
                    v.push(format!("other e-mails: {}", others.join(", ")));
                }
                if !f.value("phone").is_empty() {
                    v.push(format!("phone: {}", f.value("phone")));
                }
                v
            }
            Family::Device => vec![
                format!(
                    "Enroll a device certificate for {} with profile {}",
                    f.value("cn"),
                    f.value("profile")
                ),
                format!("term {}, organization {}", f.value("term"), f.value("org")),
            ],
            _ => {
                let mut v = vec![
                    format!(
                        "Enroll {} with profile {}",
                        f.value("cn"),
                        f.value("profile")
                    ),
                    format!("term {}, organization {}", f.value("term"), f.value("org")),
                ];
                let sans = check::split_list(&f.value("sans"));
                if !sans.is_empty() {
                    v.push(format!("other names: {}", sans.join(", ")));
                }
                v.extend(key::dcv_line(f));
                let requester = check::split_list(&f.value("requester"));
                if !requester.is_empty() {
                    v.push(format!("external requester: {}", requester.join(", ")));
                }
                v
            }
        };
        v.extend(self.extra_lines(f));
        v
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let Some(spec) = self.spec(f) else {
            return Sent::default();
        };
        Sent::one(Submission::Enroll {
            account: self.account,
            cert: None,
            label: format!("enroll {}", spec.common_name),
            spec: Box::new(spec),
        })
    }

    fn key_kept(&mut self, form: &mut Form, kept: &Path) -> bool {
        self.key_path_auto = false;
        key::offer_kept(form, kept)
    }
}

/// SCM's limits for a person (S/MIME enrol): e-mail (≤128), first and last name, the full
/// name (≤64 together), other addresses, the phone number; then the key.
fn check_person(f: &mut Form) {
    let email = f.value("email");
    if email.is_empty() {
        f.set_error("email", "the e-mail address is required");
    } else if email.chars().count() > 128 {
        f.set_error(
            "email",
            format!(
                "the e-mail address is too long: {} characters, at most 128",
                email.chars().count()
            ),
        );
    } else if !crate::keygen::is_email(&email) {
        f.set_error("email", format!("{email:?} is not an e-mail address"));
    }
    let (first, middle, last) = (f.value("first"), f.value("middle"), f.value("last"));
    if first.is_empty() {
        f.set_error("first", "the first name is required");
    }
    if last.is_empty() {
        f.set_error("last", "the last name is required");
    }
    let n = full_name(&first, &middle, &last).chars().count();
    if !first.is_empty() && !last.is_empty() && n > 64 {
        f.set_error(
            "last",
            format!("the full name is {n} characters; SCM allows at most 64"),
        );
    }
    let bad: Vec<String> = check::split_list(&f.value("secondary"))
        .into_iter()
        .filter(|e| !crate::keygen::is_email(e))
        .collect();
    if !bad.is_empty() {
        f.set_error(
            "secondary",
            format!("not e-mail addresses: {}", bad.join(", ")),
        );
    }
    let phone = f.value("phone");
    if phone.chars().count() > 32 {
        f.set_error(
            "phone",
            format!(
                "the phone number is too long: {} characters, at most 32",
                phone.chars().count()
            ),
        );
    } else if let Some(c) = phone
        .chars()
        .find(|c| !(c.is_ascii_digit() || "+-()# x".contains(*c)))
    {
        f.set_error(
            "phone",
            format!("{c:?} is not allowed in a phone number (digits, spaces and + - ( ) # x)"),
        );
    }
    key::check_source(f);
}

/// A device's common name: required, at most 64 characters.
fn check_device_name(f: &mut Form) {
    let cn = f.value("cn");
    let n = cn.chars().count();
    if n == 0 {
        f.set_error("cn", "the device's common name is required");
    } else if n > 64 {
        f.set_error(
            "cn",
            format!("the common name is too long: {n} characters, at most 64"),
        );
    }
}

/// "First Middle Last" as SCM builds it (an empty middle name is left out).
fn full_name(first: &str, middle: &str, last: &str) -> String {
    [first, middle, last]
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The S/MIME form's other addresses, without repeats or the primary one.
fn secondary_emails(f: &Form) -> Vec<String> {
    let email = f.value("email");
    let mut out: Vec<String> = Vec::new();
    for e in check::split_list(&f.value("secondary")) {
        if !e.eq_ignore_ascii_case(&email) && !out.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
            out.push(e);
        }
    }
    out
}
