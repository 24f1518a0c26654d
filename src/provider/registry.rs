//! The one place that knows every provider kind: what each declares about its accounts.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::AccountTable;
use crate::model::spec::{AccountInfo, ActionSpec};
use crate::provider::Provider;
use crate::provider::setup::Setup;
use crate::provider::view::SideView;
use std::sync::Arc;

/// The kinds of provider an account can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Sectigo,
    Synology,
    Iis,
    Ncloud,
    Yeastar,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 5] = [
        ProviderKind::Sectigo,
        ProviderKind::Synology,
        ProviderKind::Iis,
        ProviderKind::Ncloud,
        ProviderKind::Yeastar,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Sectigo => "sectigo",
            ProviderKind::Synology => "synology",
            ProviderKind::Iis => "iis",
            ProviderKind::Ncloud => "ncloud",
            ProviderKind::Yeastar => "yeastar",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account's own keys, as its provider read them from the config.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderKeys {
    Sectigo(super::sectigo::config::ScmKeys),
    /// A kind this build has no client for: its own keys are not settled yet, so only the
    /// `login` its examples show is read (each provider's issue gives it its own keys).
    Planned {
        login: Option<String>,
    },
}

impl ProviderKeys {
    /// Why the account uses no secret at all (so `certdeck secret set` has nothing to store),
    /// or `None` when it takes one from its secret source.
    pub fn no_secret(&self) -> Option<&'static str> {
        match self {
            ProviderKeys::Sectigo(k) => k.no_secret(),
            ProviderKeys::Planned { .. } => None,
        }
    }
}

/// The keys an account of `kind` takes besides the common ones (`config::COMMON_KEYS`).
pub fn keys(kind: ProviderKind) -> &'static [&'static str] {
    match kind {
        ProviderKind::Sectigo => super::sectigo::config::KEYS,
        ProviderKind::Synology
        | ProviderKind::Iis
        | ProviderKind::Ncloud
        | ProviderKind::Yeastar => &["login"],
    }
}

/// Read the own keys of an account of `kind` from its config table (problems are reported on
/// the table; what no one takes is reported as unknown afterwards).
pub fn read_keys(kind: ProviderKind, t: &mut AccountTable<'_>) -> ProviderKeys {
    match kind {
        ProviderKind::Sectigo => ProviderKeys::Sectigo(super::sectigo::config::read(t)),
        ProviderKind::Synology
        | ProviderKind::Iis
        | ProviderKind::Ncloud
        | ProviderKind::Yeastar => ProviderKeys::Planned {
            login: t.text("login").map(|v| v.into_inner()),
        },
    }
}

/// Whether this build has a client for `kind`. The others are accepted in the config and
/// shown as "not supported yet".
pub fn has_client(kind: ProviderKind) -> bool {
    match kind {
        ProviderKind::Sectigo => true,
        ProviderKind::Synology
        | ProviderKind::Iis
        | ProviderKind::Ncloud
        | ProviderKind::Yeastar => false,
    }
}

/// What accounts of `kind` offer (nothing for kinds without a client yet).
pub fn info(kind: ProviderKind) -> AccountInfo {
    match kind {
        ProviderKind::Sectigo => super::sectigo::spec::INFO,
        ProviderKind::Synology
        | ProviderKind::Iis
        | ProviderKind::Ncloud
        | ProviderKind::Yeastar => AccountInfo::NONE,
    }
}

/// The client of an account (its kind is supported), or why it cannot be built.
pub fn connect(setup: Setup<'_>) -> Result<Arc<dyn Provider>, String> {
    match setup.account.kind {
        ProviderKind::Sectigo => super::sectigo::setup::connect(setup),
        ProviderKind::Synology
        | ProviderKind::Iis
        | ProviderKind::Ncloud
        | ProviderKind::Yeastar => Err("not supported yet".into()),
    }
}

/// A new, empty side view `id` of an account of `kind` (`None` if the kind has no such view).
pub fn side_view(kind: ProviderKind, id: &str) -> Option<Box<dyn SideView>> {
    match kind {
        ProviderKind::Sectigo => super::sectigo::views::open(id),
        ProviderKind::Synology
        | ProviderKind::Iis
        | ProviderKind::Ncloud
        | ProviderKind::Yeastar => None,
    }
}

/// Every action any provider offers, once per id (the first declaration's keys and help):
/// the key table binds them all, so a key means the same action on every account.
pub fn all_actions() -> Vec<&'static ActionSpec> {
    let mut out: Vec<&'static ActionSpec> = Vec::new();
    for kind in ProviderKind::ALL {
        for a in info(kind).actions {
            if !out.iter().any(|o| o.id == a.id) {
                out.push(a);
            }
        }
    }
    out
}
