//! SCM error bodies (`{"code":-16,"description":"Unknown user"}`) → [`ProviderError`].
//!
//! The kind is decided from the HTTP status and the provider code together; the message is the
//! server's description (with MessageFormat `''` escapes undone), or — when the body has no
//! description — the documented message for the code (§1.4 of the API digest).

use crate::provider::{ErrorKind, ProviderError};

use super::wire::ScmError;

/// Codes that mean "bad credentials".
pub const AUTH_CODES: [i64; 2] = [-16, -970];
/// Codes that mean "no such certificate / object". (−105 is both "Person not found." and a
/// renewal failure, so it is decided by its description.)
pub const NOT_FOUND_CODES: [i64; 4] = [-124, -5101, -727, -1023];
/// Codes that mean "not issued / not collectable yet".
pub const NOT_READY_CODES: [i64; 3] = [-183, -103, -109];
/// Codes that mean the caller lacks a privilege (used to fall back from report endpoints).
pub const FORBIDDEN_CODES: [i64; 4] = [-3, -25, -37, -738];

/// Every error code the SCM REST API documents, with its message template (MessageFormat:
/// `{0}` is a slot, `''` an escaped quote). Some codes appear twice with different meanings.
pub const DOCUMENTED_CODES: &[(i64, &str)] = &[
    (-1, "Unknown error."),
    (-2, "Internal error. Please contact Support for details."),
    (-3, "You are not authorized to perform {0}."),
    (-7, "{0} is required but missing."),
    (-9, "Unknown notification type: {0}"),
    (-9, "The CSR is not valid Base-64 data!"),
    (-10, "Error while decoding CSR."),
    (-11, "The CSR uses an unsupported algorithm!"),
    (-13, "The CSR uses an unsupported key size!"),
    (-14, "Unknown error."),
    (-25, "You are not authorized to execute {0}"),
    (-35, "The Server type is invalid!"),
    (
        -36,
        "The validity period (term) is invalid for this certificate profile.",
    ),
    (-37, "Access denied."),
    (-39, "{0}"),
    (-39, "The certificate profile id is invalid!"),
    (-43, "Internal error while decrypting."),
    (-44, "Error while generating key pair with open SSL"),
    (-62, "Missing mandatory custom field!"),
    (-62, "Invalid IP address {0}"),
    (-64, "Optional field 'name' is invalid!"),
    (
        -65,
        "Internal error {0}. Please contact Support for details.",
    ),
    (-76, "KU/EKU template is not allowed for customer."),
    (-78, "The public key is invalid or not supported."),
    (-102, "Only issued certificates could be revoked."),
    (-103, "Certificate has not been collected yet."),
    (-105, "Person not found."),
    (-105, "Error was occurred while renewing cert. Status = {0}"),
    (
        -107,
        "Domain Control Validation is either incomplete or expired for {0}. Please complete it before requesting a certificate.",
    ),
    (
        -109,
        "Certificate is not available now, please try again later.",
    ),
    (
        -110,
        "Certificate has been revoked and cannot be downloaded.",
    ),
    (-111, "No certificate profile found by id {0}"),
    (-123, "SSL Certificate to renew is invalid (null)"),
    (-124, "Wrong SSL certificate id {0}."),
    (-126, "Unknown SSL certificate file format requested: {0}"),
    (-129, "Connection error while applying certificate."),
    (-130, "SSL state is not ''ISSUED'': {0}"),
    (-131, "Custom fields limit exceeded for customer."),
    (-134, "Custom field has to have unique name."),
    (-135, "Custom field cannot be found."),
    (-138, "Invalid CSR."),
    (
        -140,
        "CSR decoding temporarily unavailable. Please try again later.",
    ),
    (
        -141,
        "The public key size in the CSR should be {0} bits minimum.",
    ),
    (-159, "Your certificate already revoked"),
    (
        -159,
        "Custom fields limit has been exceeded for this customer. Only {0} custom fields or fewer are allowed.",
    ),
    (-160, "You can''t create fields with the same name - {0}!"),
    (
        -164,
        "Certificate cannot be enrolled for a Local Domain and/or Private IP for a validity period exceeding {0}.",
    ),
    (
        -166,
        "Entered data doesn''t match the certificate or no valid certificate found",
    ),
    (
        -169,
        "Certificate is not available, please contact administrator.",
    ),
    (
        -170,
        "Based on the customer configuration, ECC CSRs are not allowed.",
    ),
    (-172, "The Client Certificate Profile is invalid!"),
    (
        -176,
        "Updating is not possible. List of your Client Certificate Profile was changed by super admin.",
    ),
    (-180, "This SSL Certificate Profile doesn''t allow renew"),
    (
        -181,
        "Anchor Certificate details do not match to your request.",
    ),
    (-183, "Certificate is not collectable."),
    (
        -184,
        "Object has no available customized Client Certificate Profile.",
    ),
    (
        -185,
        "Customized Client Certificate Profile: {0} has no available terms.",
    ),
    (
        -188,
        "This user have already reached the maximum allowed number of valid certificates: {0}",
    ),
    (-194, "The CSR uses an unsupported key size."),
    (-195, "CA is not available now. Please try again later."),
    (-196, "Connection error while retrieving DCV email list."),
    (-213, "Old password is incorrect"),
    (-219, "Cannot change the role of the only {0} user."),
    (-220, "Password can''t be the same."),
    (
        -221,
        "Please select at least one Organization/Department for each selected role",
    ),
    (-222, "Please select roles for the same level"),
    (
        -223,
        "Please select only one Organization/Department for each selected role",
    ),
    (
        -226,
        "This Admin account does not have privileges required to manage ''{0}'' <org>.",
    ),
    (-233, "You have no privilege to create this admin user."),
    (
        -234,
        "You have no privilege to modify the privileges of this admin.",
    ),
    (-237, "Client Admin''s Email is invalid"),
    (
        -249,
        "You cannot update this client admin which has already been deleted.",
    ),
    (
        -253,
        "You have no privilege to modify the role of this admin.",
    ),
    (
        -255,
        "Privilege \"Allow DCV\" can''t be added to non SSL admins.",
    ),
    (-256, "You have no privilege to assign DCV privileges."),
    (
        -303,
        "The range is too wide. Maximum of {0} public ip-port pairs and {1} private ip-port pairs per scan are allowed.",
    ),
    (-304, "Incorrect format CIDR."),
    (-305, "The range of ip-port pairs is too wide."),
    (-306, "Domain name {0} exceeds {1} characters limit."),
    (-410, "Customer {0} cannot be found."),
    (-429, "Customer {0} does not have a login name for CA."),
    (-500, "Person name cannot be empty"),
    (
        -507,
        "You can''t change organization for this person.<br> Key escrow of its level has been enabled for either current organization/department or target organization/department.",
    ),
    (-508, "New person. Please specify name"),
    (-518, "Unknown email address"),
    (
        -524,
        "You have no privilege to modify the email of this person.",
    ),
    (
        -607,
        "Available Agent(s) are not configured to scan the specified private range(s).",
    ),
    (
        -615,
        "To scan, you must first enter at least one range parameter.",
    ),
    (
        -618,
        "Discovery is currently running. Please try again later.",
    ),
    (
        -637,
        "Available Agent(s) are not configured to scan the specified public range(s).",
    ),
    (-639, "Supplied orgid invalid.."),
    (-700, "Such domain already exists"),
    (
        -705,
        "This operation cannot be performed as the delegation status is other than ‘‘Requested’’.",
    ),
    (
        -707,
        "This domain delegation request has already been deleted.",
    ),
    (
        -709,
        "Please delegate domain to at least one organization or department.",
    ),
    (-711, "Domain can''t be delegated to deleted organization."),
    (
        -712,
        "The domain name should be at least {0} characters in length.",
    ),
    (
        -713,
        "The domain name should be at most {0} characters in length.",
    ),
    (-714, "The domain name should have at least {0} dots."),
    (-715, "The domain ''{0}'' is inactive."),
    (
        -723,
        "<Something> is not a high-level domain. Only high-level domains can be validated.",
    ),
    (
        -724,
        "The request for ''{0}'' cannot be processed since it''s domain validation status is {1}.",
    ),
    (-727, "The domain ''{0}'' does not exist."),
    (
        -728,
        "One or more delegations have been changed by another administrator. Your changes will be ignored.",
    ),
    (
        -731,
        "You do not have sufficient privileges to modify the name of this domain.",
    ),
    (-732, "Invalid domain name."),
    (
        -737,
        "The domain(s): {0} are not validated! Please perform the DCV process for them before proceed.",
    ),
    (
        -738,
        "Access denied. You are not allowed to perform the {0} operation on this domain.",
    ),
    (
        -740,
        "This operation cannot be performed due to SSL certificates enrolled for this domain or its subdomains.",
    ),
    (
        -741,
        "Access denied due to a DRAO’s request that has not been approved for domain {0}. Force domain creation is disabled.",
    ),
    (
        -834,
        "The changes of Client Certificate Profile settings will cause the following departments have <br> no available customized Client Certificate Profile, or customized Client Certificate Profiles have no available term or default term: {0}",
    ),
    (
        -840,
        "The changes of Client Certificate Profile settings will cause the under levels have <br> no available customized Client Certificate Profile, or customized Client Certificate Profiles have no available term or default term.",
    ),
    (
        -843,
        "SSL certificate of this type cannot be requested due to ‘{0}’ validation status of the selected organization.",
    ),
    (
        -951,
        "'At least one of the following fields must be filled in: {0}.",
    ),
    (-970, "Incorrect login credentials."),
    (-976, "New password must be between {0} and 32 characters."),
    (-977, "New password length must be 32 characters."),
    (-982, "New password must not contain Login."),
    (-1010, "Domain ''{0}'' is not allowed."),
    (
        -1021,
        "This operation cannot be performed for Organization ''{0}''.",
    ),
    (-1023, "Organization ''{0}'' not found."),
    (-1104, "Invalid order number {0}"),
    (-1108, "No valid client certificates found for {0}."),
    (
        -1112,
        "Certificate can''t be approved cause it has state = {0}",
    ),
    (
        -1113,
        "{0} certificate is not ready to be applied. Current certificate state is {1}.",
    ),
    (-1117, "The SSL is null."),
    (
        -1137,
        "The domain(s) {0} have not been validated under the DCV procedure.",
    ),
    (-1138, "Error while checking size of public key in CSR."),
    (
        -1140,
        "Since you are a requester of this certificate you can''t approve it. For EV certificates the requester and the approver must not be the same person.",
    ),
    (
        -1144,
        "SSL certificate id: {0} must be re-discovered due to migration need. We are sorry for inconvenience.",
    ),
    (
        -1148,
        "Replace is forbidden for autoinstalled certificates.",
    ),
    (-1400, "The request is being processed by Sectigo."),
    (-1450, "Unsupported certificate format specified: {0}"),
    (-1601, "Field ''{0}'' has invalid value."),
    (-1603, "Error while validating the domain {0}"),
    (-1608, "DCV is not enabled for this customer."),
    (-3114, "This {0} was modified or deleted by another user."),
    (
        -3115,
        "This {0} was modified or deleted by another user. Please refresh data.",
    ),
    (-3301, "Invalid scan range: {0}"),
    (
        -5001,
        "You don' t have access to Organization assigned to the Rule",
    ),
    (-5002, "Assignment rules cannot be empty."),
    (
        -5003,
        "Cannot delete. An assignment rule has been assigned to the Net Discovery Tasks {0}",
    ),
    (-5101, "Certificate not found. {0}"),
    (-5109, "Device Certificate Profile not found."),
];

/// The documented messages for a code (usually one; five codes have two).
pub fn documented_messages(code: i64) -> Vec<&'static str> {
    DOCUMENTED_CODES
        .iter()
        .filter(|(c, _)| *c == code)
        .map(|(_, m)| *m)
        .collect()
}

/// Render a Java `MessageFormat` template: `''` → `'`, a lone `'` quotes text up to the next
/// lone `'` (so braces inside it are literal), `{n}` → `args[n]` (or `…` when missing).
pub fn render_message_format(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    quoted = !quoted;
                }
            }
            '{' if !quoted => {
                let mut inner = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == '}' {
                        closed = true;
                        break;
                    }
                    inner.push(d);
                }
                // `{0}` or `{0,number}`: the index is before the first comma.
                let idx = inner.split(',').next().unwrap_or("").trim();
                match idx.parse::<usize>() {
                    Ok(i) if closed => out.push_str(args.get(i).copied().unwrap_or("…")),
                    _ => {
                        out.push('{');
                        out.push_str(&inner);
                        if closed {
                            out.push('}');
                        }
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A description as the server sent it: real servers render their templates, but the doc (and
/// some servers) leave MessageFormat escapes in, so undo `''` only (a lone `'` is an apostrophe).
pub fn clean_description(description: &str) -> String {
    description.trim().replace("''", "'")
}

/// The kind of failure for an HTTP status plus an optional provider code.
pub fn classify(status: u16, code: Option<i64>) -> ErrorKind {
    if status == 401 || code.is_some_and(|c| AUTH_CODES.contains(&c)) {
        return ErrorKind::Auth;
    }
    if status == 429 || status >= 500 {
        return ErrorKind::Server;
    }
    if let Some(c) = code {
        if NOT_READY_CODES.contains(&c) {
            return ErrorKind::NotReady;
        }
        if NOT_FOUND_CODES.contains(&c) {
            return ErrorKind::NotFound;
        }
    }
    if status == 404 {
        return ErrorKind::NotFound;
    }
    ErrorKind::Rejected
}

/// Whether an error means "this account may not do that" (report endpoints fall back on it).
pub fn is_forbidden(err: &ProviderError) -> bool {
    err.http_status == Some(403) || err.code.is_some_and(|c| FORBIDDEN_CODES.contains(&c))
}

/// Build the error for a non-success HTTP answer from its status and raw body.
pub fn from_response(account: &str, operation: &str, status: u16, body: &[u8]) -> ProviderError {
    let parsed: Option<ScmError> = serde_json::from_slice(body).ok();
    let code = parsed.as_ref().and_then(|e| e.code);
    let description = parsed
        .as_ref()
        .and_then(|e| e.description.as_deref())
        .map(clean_description)
        .filter(|d| !d.is_empty());
    let details = parsed
        .as_ref()
        .and_then(|e| e.details.as_deref())
        .map(clean_description)
        .filter(|d| !d.is_empty());
    let mut kind = classify(status, code);
    if code == Some(-105)
        && kind == ErrorKind::Rejected
        && description
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("not found"))
    {
        kind = ErrorKind::NotFound;
    }
    let mut message = match (description, code) {
        (Some(d), _) => d,
        (None, Some(c)) => {
            let docs = documented_messages(c);
            if docs.is_empty() {
                format!("{} (undocumented code {c})", status_text(status))
            } else {
                docs.iter()
                    .map(|m| render_message_format(m, &[]))
                    .collect::<Vec<_>>()
                    .join(" / ")
            }
        }
        (None, None) => {
            let text = body_excerpt(body);
            if text.is_empty() {
                status_text(status).to_string()
            } else {
                format!("{}: {text}", status_text(status))
            }
        }
    };
    if let Some(d) = details
        && !message.contains(&d)
    {
        message = format!("{message} ({d})");
    }
    let mut err = ProviderError::new(account, operation, kind, message).with_status(status);
    if let Some(c) = code {
        err = err.with_code(c);
    }
    err
}

/// A short printable excerpt of a non-JSON error body (HTML error pages, proxies).
fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 160 {
        let cut: String = flat.chars().take(160).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// The reason phrase for the statuses SCM uses.
pub fn status_text(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        s if s >= 500 => "Server Error",
        _ => "Request Failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_documented_row() {
        assert_eq!(DOCUMENTED_CODES.len(), 144);
        assert_eq!(
            documented_messages(-183),
            vec!["Certificate is not collectable."]
        );
        assert_eq!(documented_messages(-9).len(), 2);
        assert!(documented_messages(-16).is_empty());
    }

    #[test]
    fn message_format_rendering() {
        assert_eq!(
            render_message_format("SSL state is not ''ISSUED'': {0}", &["Requested"]),
            "SSL state is not 'ISSUED': Requested"
        );
        assert_eq!(
            render_message_format("Wrong SSL certificate id {0}.", &[]),
            "Wrong SSL certificate id …."
        );
        assert_eq!(
            render_message_format("'{0}' literally", &["x"]),
            "{0} literally"
        );
        assert_eq!(render_message_format("{1} and {0}", &["a", "b"]), "b and a");
        assert_eq!(render_message_format("broken {x", &[]), "broken {x");
    }

    #[test]
    fn unknown_user_is_auth_and_keeps_code() {
        let e = from_response(
            "scm",
            "list SSL certificates",
            401,
            br#"{"code":-16,"description":"Unknown user"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(e.code, Some(-16));
        assert_eq!(e.http_status, Some(401));
        assert_eq!(e.message, "Unknown user");
        assert_eq!(
            e.to_string(),
            "scm: list SSL certificates failed (HTTP 401, code -16): Unknown user"
        );
    }

    #[test]
    fn codes_classify() {
        assert_eq!(classify(400, Some(-970)), ErrorKind::Auth);
        assert_eq!(classify(400, Some(-124)), ErrorKind::NotFound);
        assert_eq!(classify(404, Some(-5101)), ErrorKind::NotFound);
        assert_eq!(classify(404, None), ErrorKind::NotFound);
        assert_eq!(classify(400, Some(-183)), ErrorKind::NotReady);
        assert_eq!(classify(400, Some(-103)), ErrorKind::NotReady);
        assert_eq!(classify(400, Some(-109)), ErrorKind::NotReady);
        assert_eq!(classify(400, Some(-1112)), ErrorKind::Rejected);
        assert_eq!(classify(503, None), ErrorKind::Server);
        assert_eq!(classify(429, None), ErrorKind::Server);
    }

    #[test]
    fn ambiguous_codes_use_the_description() {
        let renew = br#"{"code":-105,"description":"Error was occurred while renewing cert. Status = Requested"}"#;
        assert_eq!(
            from_response("a", "op", 400, renew).kind,
            ErrorKind::Rejected
        );
        let person = br#"{"code":-105,"description":"Person not found."}"#;
        assert_eq!(
            from_response("a", "op", 400, person).kind,
            ErrorKind::NotFound
        );
    }

    #[test]
    fn missing_description_uses_documented_message() {
        let e = from_response("a", "collect SSL certificate 7", 400, br#"{"code":-183}"#);
        assert_eq!(e.kind, ErrorKind::NotReady);
        assert_eq!(e.message, "Certificate is not collectable.");
        let e = from_response("a", "op", 400, br#"{"code":-1112,"description":""}"#);
        assert_eq!(
            e.message,
            "Certificate can't be approved cause it has state = …"
        );
        let e = from_response("a", "op", 400, br#"{"code":-99999}"#);
        assert!(
            e.message.contains("undocumented code -99999"),
            "{}",
            e.message
        );
    }

    #[test]
    fn raw_template_descriptions_are_unescaped() {
        let e = from_response(
            "a",
            "op",
            400,
            br#"{"code":-180,"description":"This SSL Certificate Profile doesn''t allow renew","details":"more","items":[1]}"#,
        );
        assert_eq!(
            e.message,
            "This SSL Certificate Profile doesn't allow renew (more)"
        );
    }

    #[test]
    fn non_json_bodies_still_give_a_message() {
        let e = from_response(
            "a",
            "op",
            502,
            b"<html><body>\n  Bad gateway from proxy </body></html>",
        );
        assert_eq!(e.kind, ErrorKind::Server);
        assert_eq!(e.code, None);
        assert_eq!(
            e.message,
            "Bad Gateway: <html><body> Bad gateway from proxy </body></html>"
        );
        let e = from_response("a", "op", 404, b"");
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.message, "Not Found");
    }
}
