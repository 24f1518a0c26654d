//! Download: the shared download form, its default file named after the common name, or
//! for S/MIME after the person's e-mail address (as the enrolment's key file is).

use crate::form::{FormCx, Opening, download};
use crate::provider::sectigo::Family;

pub fn download(cx: &FormCx) -> Result<Opening, String> {
    let t = cx
        .target()
        .ok_or_else(|| "no certificate selected".to_string())?;
    let mut stem = t.cn.clone();
    if t.family == Family::Client
        && let Some(email) = cx
            .cert(t)
            .and_then(|c| c.sans.iter().find(|s| s.contains('@')))
    {
        stem = email.clone();
    }
    download::open(cx, stem)
}
