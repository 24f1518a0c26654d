//! PEM/DER → what the detail pane shows. (Temporary stub on main; the real module is being
//! written on the x509 branch.)

#[derive(Debug, Clone, PartialEq)]
pub struct CertView {
    pub subject: String,
}

impl CertView {
    pub fn lines(&self, _now: i64) -> Vec<(String, String)> {
        vec![("Subject".into(), self.subject.clone())]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct X509Error(pub String);

impl std::fmt::Display for X509Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn parse_bundle(_bytes: &[u8]) -> Result<Vec<CertView>, X509Error> {
    Err(X509Error("x509 parsing not merged yet".into()))
}
