//! Saving a certificate's body to a new file, in one of the account's export formats: the
//! one download form every provider that can export shares. The provider only says what
//! the default file name is made of.

use std::path::PathBuf;

use super::check;
use super::flow::{Flow, FormCx, Opening, Sent, Submission, Target};
use super::widget::{Field, FieldKind, Form};
use crate::model::Cert;
use crate::model::spec::ExportFormat;
use crate::worker::FileCheck;

/// The download form of the one target, its default file named after `stem`.
pub fn open(cx: &FormCx, stem: String) -> Result<Opening, String> {
    let t = cx
        .target()
        .cloned()
        .ok_or_else(|| "no certificate selected".to_string())?;
    let formats = cx.exports;
    let Some(first) = formats.first() else {
        return Err(format!("{}: this account offers no download", t.cn));
    };
    let options = formats
        .iter()
        .map(|f| format!("{} — {}", f.id, f.description))
        .collect();
    let form = Form::new("Download certificate", "Download", false)
        .with_intro(vec![format!("{} (id {})", t.cn, t.id)])
        .with_fields(vec![
            Field::choice("format", "Format", options, 0),
            Field::text("path", "Save to", default_path(&stem, first))
                .with_hint("a new file; an existing one is never overwritten"),
        ]);
    Ok(Opening::new(
        form,
        Download {
            target: t,
            stem,
            path_auto: true,
            formats,
        },
    ))
}

/// The default file of a download: the stem and the format's own ending, so downloading
/// several formats of one certificate never collides on the default names.
pub fn default_path(stem: &str, format: &ExportFormat) -> String {
    format!("./{}.{}", check::file_stem(stem), format.ext)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    target: Target,
    /// What the default file name is made of.
    stem: String,
    /// The path still follows the format (it does until it is edited by hand).
    path_auto: bool,
    /// The account's export formats, as the form's `format` choice lists them.
    formats: &'static [ExportFormat],
}

impl Download {
    fn format(&self, f: &Form) -> Option<&'static ExportFormat> {
        self.formats
            .get(f.field("format").map_or(0, |x| x.selected()))
    }
}

impl Flow for Download {
    fn on_change(&mut self, form: &mut Form, field: &'static str) {
        match field {
            "format" if self.path_auto => {
                let Some(fmt) = self.format(form) else {
                    return;
                };
                let path = default_path(&self.stem, fmt);
                if let Some(f) = form.field_mut("path") {
                    f.kind = FieldKind::Text(tui_input::Input::new(path));
                }
            }
            "path" => self.path_auto = false,
            _ => {}
        }
    }

    fn validate(&self, f: &mut Form) {
        let p = f.value("path");
        if p.is_empty() {
            f.set_error("path", "a file name is required");
        } else if p.ends_with('/') {
            f.set_error("path", "that is a directory; add a file name");
        }
    }

    fn file_checks(&self, f: &Form) -> Vec<FileCheck> {
        vec![FileCheck {
            field: "path",
            path: PathBuf::from(f.value("path")),
            new: true,
        }]
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let Some(format) = self.format(f) else {
            return Sent::default();
        };
        let t = &self.target;
        Sent::one(Submission::Download {
            account: t.account,
            cert: t.cert,
            family: t.family,
            id: t.id.clone(),
            format: format.id,
            path: PathBuf::from(f.value("path")),
            label: format!("download {}", t.cn),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_come_from_the_stem_and_the_format() {
        let bin = ExportFormat {
            id: "bin",
            description: "PKCS#7, DER",
            ext: "p7b",
        };
        assert_eq!(default_path("www.x.test", &bin), "./www.x.test.p7b");
        assert_eq!(default_path("*.x.test", &bin), "./_.x.test.p7b");
    }
}
