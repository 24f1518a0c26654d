//! The SCM emulator's requests: the `Product` the harness serves (authentication, the
//! SCM's error answers, expired "sessions") and the routing by path segments.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

use super::util::{self, DateFmt, Query};
use super::{Ctx, Data, Shared, domain, family, report, ssl, ssl_flow};
use crate::emulator::harness::{Product, Request};

impl Product for Shared {
    async fn handle(&self, req: &Request) -> Option<Response> {
        Some(handle(self, req).await)
    }

    fn not_found(&self, _req: &Request) -> Response {
        util::not_found()
    }

    fn status_error(&self, status: StatusCode) -> Response {
        status_fault(status.as_u16())
    }

    /// SCM has no sessions: the credentials of an authorised request are refused once, as
    /// SCM refuses them (401, −16).
    fn session_expired(&self, req: &Request) -> Option<Response> {
        let (private, _) = split_private(req.path());
        authorised(self, &req.headers, private)
            .then(|| util::error(StatusCode::UNAUTHORIZED, -16, "Unknown user"))
    }
}

/// `/private/...` → (true, `/...`).
fn split_private(raw_path: &str) -> (bool, &str) {
    match raw_path.strip_prefix("/private") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (true, rest),
        _ => (false, raw_path),
    }
}

async fn handle(sh: &Shared, req: &Request) -> Response {
    let (private, path) = split_private(req.path());
    if !authorised(sh, &req.headers, private) {
        return util::error(StatusCode::UNAUTHORIZED, -16, "Unknown user");
    }
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(util::percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let q = Query::parse(req.uri.query());
    let date_fmt = match q.get_ci("dateFormat") {
        None => None,
        Some(v) => match DateFmt::parse(v) {
            Some(f) => Some(f),
            None => return util::invalid_field("dateFormat").into_response(),
        },
    };
    // Requests that arrive while the data is being seeded wait for it.
    if let Err(e) = sh.wait_ready().await {
        tracing::warn!("sectigo emulator request without data: {e}");
        return util::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            -2,
            "Internal error. Please contact Support for details.",
        );
    }
    let ctx = Ctx {
        q: &q,
        body: &req.body,
        now: sh.now(),
        at: sh.instant(),
        date_fmt,
    };
    route(sh, &req.method, &segs, &ctx)
}

fn authorised(sh: &Shared, headers: &HeaderMap, private: bool) -> bool {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let login_ok = h("login") == Some(sh.login.as_str());
    let customer_ok = h("customerUri") == Some(sh.customer_uri.as_str());
    if private {
        login_ok && customer_ok
    } else {
        login_ok && customer_ok && h("password") == Some(sh.password.as_str())
    }
}

fn route(sh: &Shared, method: &Method, segs: &[&str], ctx: &Ctx) -> Response {
    route_inner(sh, method, segs, ctx).unwrap_or_else(util::ApiError::into_response)
}

fn route_inner(sh: &Shared, method: &Method, segs: &[&str], ctx: &Ctx) -> util::Res {
    let mut data = sh.data();
    let Data::Ready(db) = &mut *data else {
        return Err(util::ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: -2,
            description: "Internal error. Please contact Support for details.".into(),
        });
    };
    let db = &mut **db;
    let Some(ca) = sh.ca.get() else {
        return Err(util::ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: -2,
            description: "Internal error. Please contact Support for details.".into(),
        });
    };
    db.tick(ctx.now, ctx.at, ca);
    db.tick_families(ctx.now, ctx.at, ca);
    use family::Family::{Client, Device};
    match (method.as_str(), segs) {
        // Emulator knob: "the DCV instructions for this domain were followed".
        ("POST", ["__emulator", "dcv", "publish"]) => {
            let b = util::body_json(ctx.body)?;
            let d = util::req_str(&b, "domain")?;
            db.published.insert(d.trim().to_ascii_lowercase());
            Ok(util::empty(StatusCode::NO_CONTENT))
        }
        // SSL workflows
        ("POST", ["api", "ssl", "v1", "enroll"]) => ssl_flow::enroll(db, ctx),
        ("POST", ["api", "ssl", "v1", "approve", id]) => ssl_flow::approve(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "decline", id]) => ssl_flow::decline(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "revoke", "manual"]) => ssl_flow::revoke_manual(db, ctx),
        ("POST", ["api", "ssl", "v1", "revoke", "serial", serial]) => {
            ssl_flow::revoke_serial(db, ctx, serial)
        }
        ("POST", ["api", "ssl", "v1", "revoke", id]) => ssl_flow::revoke(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "renewById", id]) => ssl_flow::renew_by_id(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "renew", "manual", id]) => {
            ssl_flow::renew_manual(db, ctx, id)
        }
        ("POST", ["api", "ssl", "v1", "renew", token]) => ssl_flow::renew_by_token(db, ctx, token),
        ("POST", ["api", "ssl", "v1", "replace", id]) => ssl_flow::replace(db, ctx, id),
        ("PUT", ["api", "ssl", "v1"]) => ssl_flow::update(db, ctx),
        ("DELETE", ["api", "ssl", "v1", id]) => ssl_flow::delete(db, id),
        ("GET", ["api", "ssl", "v1", id, "dcv"]) => ssl_flow::dcv(db, ctx, id),
        ("POST", ["api", "ssl", "v1", id, "dcv", "recheck"]) => ssl_flow::dcv_recheck(db, ctx, id),
        ("GET", ["api", "ssl", "v1"]) => ssl::list(db, ctx),
        ("HEAD", ["api", "ssl", "v1"]) => ssl::count(db, ctx),
        ("GET", ["api", "ssl", "v1", "types"]) => ssl::types(db, ctx),
        ("GET", ["api", "ssl", "v1", "customFields"]) => ssl::custom_fields(db),
        ("GET", ["api", "ssl", "v1", "collect", id]) => ssl::collect(db, ca, ctx, id, None),
        ("GET", ["api", "ssl", "v1", "collect", id, fmt]) => {
            ssl::collect(db, ca, ctx, id, Some(fmt))
        }
        ("GET", ["api", "ssl", "v1", id]) => ssl::details(db, ctx, id),
        // Client (S/MIME) certificates: v1 and v2 side by side, as documented
        ("GET", ["api", "smime", "v1", "types"]) => family::types(db, ctx, Client),
        ("GET", ["api", "smime", "v1", "customFields"]) => family::custom_fields(Client),
        ("GET", ["api", "smime", "v2"]) => family::list(db, ctx, Client),
        ("HEAD", ["api", "smime", "v2"]) => family::count(db, ctx, Client),
        ("GET", ["api", "smime", "v2", "byPersonId", pid]) => {
            family::by_person(db, ctx, Some(pid), None)
        }
        ("GET", ["api", "smime", "v2", "byPersonEmail", email]) => {
            family::by_person(db, ctx, None, Some(email))
        }
        ("GET", ["api", "smime", "v2", "collect", "order", b]) => {
            family::collect(db, ca, ctx, Client, "order", b)
        }
        ("GET", ["api", "smime", "v2", "collect", id]) => {
            family::collect(db, ca, ctx, Client, "id", id)
        }
        ("POST", ["api", "smime", "v1", "enroll"]) => family::enroll(db, ctx, Client),
        ("POST", ["api", "smime", "v1", "renew", id]) => family::renew(db, ctx, Client, "id", id),
        ("POST", ["api", "smime", "v2", "renew", by @ ("order" | "serial"), x]) => {
            family::renew(db, ctx, Client, by, x)
        }
        ("POST", ["api", "smime", "v1", "revoke"]) => family::revoke(db, ctx, Client, "email", ""),
        ("POST", ["api", "smime", "v1", "revoke", "manual"]) => {
            family::revoke(db, ctx, Client, "manual", "")
        }
        ("POST", ["api", "smime", "v1", "revoke", by @ ("order" | "serial"), x]) => {
            family::revoke(db, ctx, Client, by, x)
        }
        ("POST", ["api", "smime", "v1", "revoke", id]) => family::revoke(db, ctx, Client, "id", id),
        ("GET", ["api", "smime", "v1", id]) => family::details(db, ctx, Client, id),
        ("PUT", ["api", "smime", "v1", id]) => family::update(db, ctx, Client, id),
        ("DELETE", ["api", "smime", "v1", id]) => family::delete(db, Client, id),
        // Device certificates
        ("GET", ["api", "device", "v1", "types"]) => family::types(db, ctx, Device),
        ("GET", ["api", "device", "v1", "customFields"]) => family::custom_fields(Device),
        ("GET", ["api", "device", "v1"]) => family::list(db, ctx, Device),
        ("HEAD", ["api", "device", "v1"]) => family::count(db, ctx, Device),
        ("POST", ["api", "device", "v1", "enroll"]) => family::enroll(db, ctx, Device),
        ("GET", ["api", "device", "v1", "collect", id]) => {
            family::collect(db, ca, ctx, Device, "id", id)
        }
        ("POST", ["api", "device", "v1", "approve", id]) => family::decide(db, ctx, id, true),
        ("POST", ["api", "device", "v1", "decline", id]) => family::decide(db, ctx, id, false),
        ("POST", ["api", "device", "v1", "revoke", "manual"]) => {
            family::revoke(db, ctx, Device, "manual", "")
        }
        ("POST", ["api", "device", "v1", "revoke", "order", id]) => {
            family::revoke(db, ctx, Device, "id", id)
        }
        ("POST", ["api", "device", "v1", "revoke", "serial", s]) => {
            family::revoke(db, ctx, Device, "serial", s)
        }
        ("POST", ["api", "device", "v1", "renew", "order", id]) => {
            family::renew(db, ctx, Device, "id", id)
        }
        ("POST", ["api", "device", "v1", "renew", "serial", s]) => {
            family::renew(db, ctx, Device, "serial", s)
        }
        ("POST", ["api", "device", "v1", "replace", "order", id]) => family::replace(db, ctx, id),
        ("GET", ["api", "device", "v1", id]) => family::details(db, ctx, Device, id),
        ("PUT", ["api", "device", "v1", id]) => family::update(db, ctx, Device, id),
        ("DELETE", ["api", "device", "v1", id]) => family::delete(db, Device, id),
        // Reports v1
        ("POST", ["api", "report", "v1", "ssl-certificates"]) => report::ssl(db, ctx),
        ("POST", ["api", "report", "v1", "client-certificates"]) => report::client(db, ctx),
        ("POST", ["api", "report", "v1", "device-certificates"]) => report::device(db, ctx),
        ("POST", ["api", "report", "v1", "domains"]) => report::domains(db, ctx),
        // Domain control validation
        ("GET", ["api", "dcv", "v1", "validation"]) => domain::dcv_list(db, ctx),
        ("POST", ["api", "dcv", "v2", "validation", "status"]) => domain::dcv_status(db, ctx, true),
        ("POST", ["api", "dcv", "v1", "validation", "status"]) => {
            domain::dcv_status(db, ctx, false)
        }
        ("POST", ["api", "dcv", "v1", "validation", "sync"]) => domain::dcv_sync(db, ctx),
        ("POST", ["api", "dcv", "v1", "validation", "clear"]) => domain::dcv_clear(db, ctx),
        ("POST", ["api", "dcv", "v1", "validation", "delete"]) => domain::dcv_delete(db, ctx),
        ("POST", ["api", "dcv", "v1", "validation", "start", "domain", m]) => {
            domain::dcv_start(db, ctx, m)
        }
        ("POST", ["api", "dcv", "v1", "validation", "submit", "domain", m]) => {
            domain::dcv_submit(db, ctx, m)
        }
        (
            "POST",
            [
                "api",
                "dcv",
                "v1",
                "validation",
                "submit-bulk",
                "domain",
                "email",
            ],
        ) => domain::dcv_submit_bulk_email(db, ctx),
        // Domains
        ("GET", ["api", "domain", "v1"]) => domain::domain_list(db, ctx),
        ("GET", ["api", "domain", "v1", "count"]) => domain::domain_count(db, ctx),
        ("POST", ["api", "domain", "v1"]) => domain::domain_create(db, ctx, &sh.base_url),
        ("POST", ["api", "domain", "v1", "delegation"]) => {
            domain::delegation(db, ctx, None, "bulk")
        }
        ("GET", ["api", "domain", "v1", id]) => domain::domain_get(db, ctx, id),
        ("DELETE", ["api", "domain", "v1", id]) => domain::domain_delete(db, id),
        ("PUT", ["api", "domain", "v1", id, what]) => domain::domain_put(db, ctx, id, what),
        ("POST", ["api", "domain", "v1", id, "delegation"]) => {
            domain::delegation(db, ctx, Some(id), "add")
        }
        ("DELETE", ["api", "domain", "v1", id, "delegation"]) => {
            domain::delegation(db, ctx, Some(id), "remove")
        }
        (
            "POST",
            [
                "api",
                "domain",
                "v1",
                id,
                "delegation",
                action @ ("approve" | "reject"),
            ],
        ) => domain::delegation(db, ctx, Some(id), action),
        // Organizations
        ("GET", ["api", "organization", "v1"]) => domain::org_list(db),
        ("GET", ["api", "organization", "v1", id]) => domain::org_get(db, id),
        _ => Ok(util::not_found()),
    }
}

fn status_fault(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = match code {
        401 => util::error(status, -16, "Unknown user"),
        500 => util::error(
            status,
            -2,
            "Internal error. Please contact Support for details.",
        ),
        503 => util::error(
            status,
            -195,
            "CA is not available now. Please try again later.",
        ),
        _ => util::error(status, -1, "Unknown error."),
    };
    if code == 429 || code == 503 {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}
