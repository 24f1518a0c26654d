//! The app: all UI state, the messages that change it, and `update`, a plain function (no I/O,
//! no `.await`, no clock reads: time arrives in `Msg::Tick`). Tests drive it directly.

mod actions;
mod dialogs;
mod domain_dialogs;
pub mod follow;
pub use crate::form::widget as form;
pub mod keys;
pub mod layout;
mod list;
pub mod prompt;
mod view;
pub mod views;

use crate::provider::sectigo::Family;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::model::spec::AccountInfo;
use crate::model::{AccountIdx, Cert, Collection, ProviderKind};
use crate::provider::{ErrorKind, ProviderError};
use crate::worker::{Command, DetailView, JobId, JobOutput, WorkerEvent};

pub use actions::MenuEntry;
pub use dialogs::{Dialog, DialogKind, Purpose, Target, dcv_state_lines};
pub use keys::{Action, Ctx, KeyConfigError, KeyMap};
pub use view::SortKey;

/// The panes, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Accounts,
    List,
    Detail,
}

impl Pane {
    pub fn ctx(self) -> Ctx {
        match self {
            Pane::Accounts => Ctx::Accounts,
            Pane::List => Ctx::List,
            Pane::Detail => Ctx::Detail,
        }
    }
}

/// Popups drawn over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// The error log; `selected` indexes `State::errors`.
    Errors {
        selected: usize,
    },
    /// One error, shown when it happens (or reopened from the log).
    Error {
        index: usize,
    },
    /// The action menu: `State::menu()` entries.
    Menu {
        selected: usize,
    },
    /// Values to copy to the clipboard, as (label, value); Enter or the number copies.
    Copy {
        items: Vec<(String, String)>,
        selected: usize,
    },
    /// The audit log as read back from its file (newest last); `scroll` is the selected
    /// entry, shown in full when `open`.
    Audit {
        path: std::path::PathBuf,
        entries: Vec<crate::audit::AuditEntry>,
        scroll: u16,
        open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Idle,
    Loading,
    Loaded,
    Failed(String),
}

/// One certificate family of an account, with its count.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyView {
    pub family: Collection,
    /// Rows seen by the current (or last) load / total reported by the provider.
    pub loaded: usize,
    pub total: Option<usize>,
    pub load: LoadState,
    /// Which load this is (1 for the first, +1 per refresh): rows not seen again by a
    /// finished refresh are gone from the server and leave the list.
    pub generation: u32,
    /// Loads that failed in a row (0 once one succeeds): only the first opens the error.
    pub failures: u32,
}

impl FamilyView {
    pub fn new(family: Collection) -> FamilyView {
        FamilyView {
            family,
            // Certificates start unseen (0), so the first rows of any load count.
            generation: 1,
            loaded: 0,
            total: None,
            load: LoadState::Idle,
            failures: 0,
        }
    }
}

/// The status line while a refresh runs (replaced when the last list job ends).
const REFRESHING: &str = "refreshing…";

/// One account as the accounts pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountView {
    pub name: String,
    pub kind: ProviderKind,
    pub read_only: bool,
    pub families: Vec<FamilyView>,
    /// Why the account cannot be used at all (kind not supported yet, no secret …).
    pub unavailable: Option<String>,
    /// `tls_skip_verify`: the server's certificate is not checked; the pane says so.
    pub tls_unverified: bool,
    /// What the provider declares the account offers: its actions and side views.
    pub info: AccountInfo,
}

impl AccountView {
    pub fn new(
        name: impl Into<String>,
        kind: ProviderKind,
        families: &[Collection],
    ) -> AccountView {
        AccountView {
            name: name.into(),
            kind,
            read_only: false,
            families: families.iter().map(|f| FamilyView::new(*f)).collect(),
            unavailable: None,
            tls_unverified: false,
            info: crate::provider::registry::info(kind),
        }
    }

    pub fn unavailable(name: impl Into<String>, kind: ProviderKind, why: String) -> AccountView {
        AccountView {
            name: name.into(),
            kind,
            read_only: false,
            families: vec![],
            unavailable: Some(why),
            tls_unverified: false,
            info: AccountInfo::NONE,
        }
    }

    pub fn loaded(&self) -> usize {
        self.families.iter().map(|f| f.loaded).sum()
    }

    pub fn is_loading(&self) -> bool {
        self.families.iter().any(|f| f.load == LoadState::Loading)
    }

    fn family_mut(&mut self, family: Collection) -> Option<&mut FamilyView> {
        self.families.iter_mut().find(|f| f.family == family)
    }
}

/// What the accounts pane can select: everything, one account, or one family of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    /// Every request awaiting approval, across accounts and families.
    Pending,
    /// A side view of an account (its id as the provider declares it).
    View(AccountIdx, &'static str),
    Account(AccountIdx),
    Collection(AccountIdx, Collection),
}

/// What a pending job is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobKind {
    List {
        account: AccountIdx,
        family: Collection,
    },
    /// Detail of `certs[cert]`.
    Detail {
        cert: usize,
    },
    /// An action on a certificate (or on none).
    Action {
        cert: Option<usize>,
    },
    Enroll,
    /// Data an open dialog is waiting for.
    DialogData,
    /// The files a form names, checked before its confirmation.
    FileCheck,
    Audit,
    /// A read of a side view.
    View(AccountIdx, &'static str),
}

/// A bulk action (one job per certificate), reported as one when its last job ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// "approved", "declined", "revoked".
    pub verb: &'static str,
    /// "requests", "certificates".
    pub noun: &'static str,
    pub total: usize,
    pub ok: usize,
    pub failed: usize,
}

impl Batch {
    /// What the whole batch did, once every job has ended.
    fn summary(&self) -> (String, Severity) {
        let mut text = if self.failed == 0 {
            format!("{} {} {}", self.verb, self.total, self.noun)
        } else {
            format!(
                "{} {} of {} {}; {} failed (e shows the errors)",
                self.verb, self.ok, self.total, self.noun, self.failed
            )
        };
        if self.verb == "approved" && self.ok > 0 {
            text.push_str(if self.ok == 1 {
                "; watching until it is issued"
            } else {
                "; watching until they are issued"
            });
        }
        let sev = if self.failed == 0 {
            Severity::Info
        } else {
            Severity::Warning
        };
        (text, sev)
    }
}

/// A job the worker is running for us.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub kind: JobKind,
    pub label: String,
    pub progress: Option<(usize, usize, String)>,
}

/// An error kept in the log pane.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEntry {
    /// Unix seconds.
    pub time: i64,
    pub error: ProviderError,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DetailState {
    Loading,
    Loaded(Box<DetailView>),
    Failed(ProviderError),
}

/// Severity of the one-line status message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A status message as kept in the history (the error log popup shows it in full).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEntry {
    /// Unix seconds.
    pub time: i64,
    pub text: String,
    pub severity: Severity,
}

/// How many status messages the history keeps.
pub const STATUS_HISTORY: usize = 50;
/// Info messages leave the status bar after this many seconds (warnings and errors stay
/// until the next key).
pub const INFO_STATUS_SECS: i64 = 15;

/// How far the scrolling panes can scroll, as the screen lays them out: the screen measures,
/// the keys use it. `State::measure` is set by whoever draws (`ui::measure`), so `app` needs
/// nothing from `ui`; until it is set nothing limits the scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub help_max: u16,
    pub detail_max: u16,
}

pub type Measure = fn(&State) -> Measured;

fn unmeasured(_: &State) -> Measured {
    Measured {
        help_max: u16::MAX,
        detail_max: u16::MAX,
    }
}

/// Everything the console knows. `ui::draw` is a pure function of this.
#[derive(Debug)]
pub struct State {
    /// Unix seconds, from the last tick.
    pub now: i64,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub no_color: bool,
    pub read_only: bool,
    pub keymap: KeyMap,
    pub accounts: Vec<AccountView>,
    /// Index into `scopes()`: 0 = all accounts, then each account followed by its families.
    pub account_sel: usize,
    pub focus: Pane,
    /// Whether the detail pane is open (on narrow screens it takes the list's place).
    pub detail_open: bool,
    /// The certificate the open detail pane shows: set when it opens or follows the cursor,
    /// and kept when the certificate leaves the list (an approved request leaves the pending
    /// view), so that the pane, and an action taken from it, never slide onto another.
    pub detail_cert: Option<usize>,
    /// The detail request the cursor made last, while it runs: moving on cancels it
    /// (latest wins), so holding `j` with the detail open loads one detail, not fifty.
    cursor_detail: Option<JobId>,
    pub detail_scroll: u16,
    pub certs: Vec<Cert>,
    index: view::CertIndex,
    /// Lower-case search text per cert (CN, SANs, serial with and without colons).
    haystack: view::Haystacks,
    /// Per certificate (parallel to `certs`): the generation of its family's load that last
    /// delivered it.
    seen: Vec<u32>,
    /// All cert indices in sort order, but for the ones in `unsorted`. Brought up to date
    /// only when something needs the whole order (a new filter, scope or sort), so a load
    /// merges each batch once, into the view.
    sorted: Vec<u32>,
    /// Rows placed in the view but whose place in `sorted` is missing or stale.
    unsorted: Vec<u32>,
    /// Per certificate: whether it is in `unsorted`.
    stale: Vec<bool>,
    /// Per certificate: its coarse sort key for `sort` (`view::sort_key`).
    sort_keys: Vec<view::RowKey>,
    /// Rows added since the last `settle`, not yet in `sorted` or `view`.
    fresh: Vec<u32>,
    /// Known rows whose sort or filter fields changed since the last `settle`.
    moved: Vec<u32>,
    /// Per certificate: whether it is in `fresh` or `moved`.
    queued: Vec<bool>,
    /// The visible rows: `sorted` filtered by account and filter text.
    pub view: Vec<u32>,
    /// Selected position in `view`, and the first row drawn.
    pub sel: usize,
    pub list_offset: usize,
    pub sort: SortKey,
    pub filter: Input,
    /// The filter texts of the lists not shown: the certificate lists share one (`None`),
    /// each side view has its own, so a filter typed in one never narrows another.
    filters: HashMap<Option<Scope>, Input>,
    pub filter_editing: bool,
    pub details: HashMap<usize, DetailState>,
    /// The open action dialog.
    pub dialog: Option<Dialog>,
    /// Certificates marked with Space for bulk actions.
    pub marked: BTreeSet<usize>,
    /// Rows deleted in this session (kept out of the list).
    pub hidden: HashSet<usize>,
    /// Renew tokens from enrolments of this session: (account, id) → renewId.
    pub renew_ids: HashMap<(AccountIdx, String), String>,
    /// Private keys written by enrolments of this session: (account, id) → path.
    pub key_paths: HashMap<(AccountIdx, String), PathBuf>,
    /// Operations the worker follows for us (a request until it is issued …).
    pub following: Vec<follow::Following>,
    /// Questions from providers waiting for the person's answer, oldest (shown) first.
    pub prompts: VecDeque<prompt::Asked>,
    /// The screen's measure of the scrolling panes (see [`Measured`]).
    pub measure: Measure,
    /// The file check the open form waits for before its confirmation.
    pub file_check: Option<JobId>,
    /// Text for the terminal's clipboard (OSC 52), taken by the main loop after `update`.
    pub clipboard: Option<String>,
    pending: usize,
    /// The form each job sent from a dialog came from, so a job that fails locally (a file
    /// problem) or is rejected by the server reopens it with every value kept.
    pub resubmit: HashMap<JobId, dialogs::Dialog>,
    /// Bulk actions in flight, by their first job: how many are done, failed, in all.
    pub batches: HashMap<JobId, Batch>,
    /// Job → the batch it belongs to.
    pub batch_of: HashMap<JobId, JobId>,
    /// The side views opened so far, by account and view id.
    pub views: HashMap<(AccountIdx, &'static str), views::ViewState>,
    pub jobs: BTreeMap<JobId, Job>,
    next_job: JobId,
    pub errors: Vec<ErrorEntry>,
    pub overlay: Option<Overlay>,
    /// The message in the status bar; it goes on the next key that does something (and an
    /// Info message also after `INFO_STATUS_SECS`).
    pub status: Option<(String, Severity)>,
    /// Where the config file is (or would be): the empty console says so.
    pub config_path: Option<PathBuf>,
    /// Certificates in the selected scope before the filter (the filter count's total).
    pub scope_total: usize,
    /// When the status message was set (Unix seconds).
    pub status_since: i64,
    /// The last `STATUS_HISTORY` status messages, oldest first.
    pub status_log: std::collections::VecDeque<StatusEntry>,
    pub spinner: usize,
    pub quit: bool,
}

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Time passes: Unix seconds. Also advances the spinner.
    Tick(i64),
    /// The wall clock, sent before the messages that follow it so that what they record
    /// (status history, audit of refusals, watches) carries the real time of the event, also
    /// when no tick has run for a while. Unix seconds; nothing else changes.
    Clock(i64),
    Worker(WorkerEvent),
}

impl Msg {
    /// Convert a terminal event; `None` for events the app ignores (key releases, mouse).
    pub fn from_event(ev: Event) -> Option<Msg> {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
            Event::Paste(s) => Some(Msg::Paste(s)),
            Event::Resize(w, h) => Some(Msg::Resize(w, h)),
            _ => None,
        }
    }
}

impl State {
    pub fn new(accounts: Vec<AccountView>, keymap: KeyMap, now: i64, size: (u16, u16)) -> State {
        State {
            now,
            size,
            no_color: false,
            read_only: false,
            keymap,
            accounts,
            account_sel: 0,
            focus: Pane::List,
            detail_open: false,
            detail_cert: None,
            cursor_detail: None,
            detail_scroll: 0,
            certs: Vec::new(),
            index: view::CertIndex::default(),
            haystack: view::Haystacks::default(),
            seen: Vec::new(),
            sorted: Vec::new(),
            unsorted: Vec::new(),
            stale: Vec::new(),
            sort_keys: Vec::new(),
            fresh: Vec::new(),
            moved: Vec::new(),
            queued: Vec::new(),
            view: Vec::new(),
            sel: 0,
            list_offset: 0,
            sort: SortKey::Expiry,
            filter: Input::default(),
            filters: HashMap::new(),
            filter_editing: false,
            details: HashMap::new(),
            jobs: BTreeMap::new(),
            next_job: 1,
            errors: Vec::new(),
            overlay: None,
            status: None,
            config_path: None,
            scope_total: 0,
            status_since: now,
            status_log: std::collections::VecDeque::new(),
            spinner: 0,
            quit: false,
            dialog: None,
            marked: BTreeSet::new(),
            hidden: HashSet::new(),
            renew_ids: HashMap::new(),
            key_paths: HashMap::new(),
            following: Vec::new(),
            prompts: VecDeque::new(),
            measure: unmeasured,
            clipboard: None,
            file_check: None,
            pending: 0,
            resubmit: HashMap::new(),
            batches: HashMap::new(),
            batch_of: HashMap::new(),
            views: HashMap::new(),
        }
    }

    /// Where the config file is expected (shown when no account is configured).
    pub fn with_config_path(mut self, path: Option<PathBuf>) -> State {
        self.config_path = path;
        self
    }

    /// Show a message in the status bar (and keep it in the history).
    pub fn notify(&mut self, text: impl Into<String>, severity: Severity) {
        self.set_status(text, severity);
    }

    /// Commands to run at start: list every usable account. An account that could not be
    /// set up (no secret, a bad TLS file …) goes into the error log, and the status line
    /// says how many there are.
    pub fn start(&mut self) -> Vec<Command> {
        let broken: Vec<ProviderError> = self
            .accounts
            .iter()
            // (A kind this build has no client for yet is not a failure: the pane says so.)
            .filter(|acc| crate::provider::registry::has_client(acc.kind))
            .filter_map(|acc| {
                let why = acc.unavailable.as_ref()?;
                Some(ProviderError::new(
                    &acc.name,
                    "set up the account",
                    ErrorKind::Local,
                    why.clone(),
                ))
            })
            .collect();
        if !broken.is_empty() {
            let names: Vec<&str> = broken.iter().map(|e| e.account.as_str()).collect();
            let text = match names.as_slice() {
                [one] => format!(
                    "{one} cannot be used: {} (e shows the log)",
                    broken[0].message
                ),
                _ => format!(
                    "{} accounts cannot be used: {} (e shows why)",
                    names.len(),
                    names.join(", ")
                ),
            };
            self.set_status(text, Severity::Warning);
        }
        for e in broken {
            self.push_error(e, false);
        }
        (0..self.accounts.len())
            .flat_map(|a| self.load_account(a))
            .collect()
    }

    /// Whether any job is pending (drives the spinner; tests wait for `!busy()`).
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// Whether the loop should send ticks (the spinner, an Info message to clear).
    pub fn wants_ticks(&self) -> bool {
        self.busy() || self.info_status_showing()
    }

    /// An Info message is in the status bar (it goes after `INFO_STATUS_SECS`).
    fn info_status_showing(&self) -> bool {
        matches!(self.status, Some((_, Severity::Info)))
    }

    /// Requests awaiting approval (the pending view's count), kept up to date by `refilter`
    /// so drawing never walks every certificate.
    pub fn pending_count(&self) -> usize {
        self.pending
    }

    pub fn selected_cert(&self) -> Option<(usize, &Cert)> {
        let idx = *self.view.get(self.sel)? as usize;
        self.certs.get(idx).map(|c| (idx, c))
    }

    /// The certificate the detail pane shows: the one it was opened on (or followed to),
    /// else the selected one.
    pub fn detail_target(&self) -> Option<(usize, &Cert)> {
        match self.detail_cert.filter(|_| self.detail_open) {
            Some(i) => self.certs.get(i).map(|c| (i, c)),
            None => self.selected_cert(),
        }
    }

    /// The entries of the accounts pane, in order. Families are listed under an account only
    /// when it has more than one.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut out = vec![Scope::All, Scope::Pending];
        for (a, acc) in self.accounts.iter().enumerate() {
            out.push(Scope::Account(a));
            if acc.families.len() > 1 {
                out.extend(acc.families.iter().map(|f| Scope::Collection(a, f.family)));
            }
            if acc.unavailable.is_none() {
                out.extend(acc.info.views.iter().map(|v| Scope::View(a, v.id)));
            }
        }
        out
    }

    pub fn scope(&self) -> Scope {
        self.scopes()
            .get(self.account_sel)
            .copied()
            .unwrap_or(Scope::All)
    }

    /// Whether the terminal is too small for the panes (the screen says so instead).
    pub fn too_small(&self) -> bool {
        self.size.0 < layout::MIN_WIDTH || self.size.1 < layout::MIN_HEIGHT
    }

    /// The account the accounts pane has selected, if not "all".
    pub fn selected_account(&self) -> Option<AccountIdx> {
        match self.scope() {
            Scope::All | Scope::Pending => None,
            Scope::Account(a) | Scope::Collection(a, _) | Scope::View(a, _) => Some(a),
        }
    }

    pub fn filter_text(&self) -> &str {
        self.filter.value()
    }

    /// The context whose bindings apply now.
    pub fn ctx(&self) -> Ctx {
        self.focus.ctx()
    }

    /// Accounts that could not be set up (a kind this build has a client for, but no
    /// secret, an unreadable TLS file …): (name, why).
    pub fn setup_failures(&self) -> Vec<(&str, &str)> {
        self.accounts
            .iter()
            .filter(|acc| crate::provider::registry::has_client(acc.kind))
            .filter_map(|acc| Some((acc.name.as_str(), acc.unavailable.as_deref()?)))
            .collect()
    }

    /// The lines the All view shows above its list about accounts that could not be set
    /// up: one per account, at most two (the second then counts the rest).
    pub fn setup_banner(&self) -> Vec<String> {
        if self.scope() != Scope::All {
            return Vec::new();
        }
        let failures = self.setup_failures();
        match failures.as_slice() {
            [] => Vec::new(),
            [(name, why)] => vec![format!("! {name} cannot be used (e: error log): {why}")],
            [(name, why), rest @ ..] => vec![
                format!("! {name} cannot be used: {why}"),
                match rest {
                    [(other, why)] => format!("! {other} cannot be used (e: error log): {why}"),
                    _ => format!(
                        "! and {} more accounts cannot be used (e: error log)",
                        rest.len()
                    ),
                },
            ],
        }
    }

    /// Rows of the list viewport for the current size (shared with `ui`).
    pub fn list_height(&self) -> usize {
        layout::list_viewport_rows(self)
    }

    fn new_job(&mut self, kind: JobKind, label: String) -> JobId {
        let id = self.next_job;
        self.next_job += 1;
        self.jobs.insert(
            id,
            Job {
                kind,
                label,
                progress: None,
            },
        );
        id
    }

    fn load_account(&mut self, a: AccountIdx) -> Vec<Command> {
        let Some(acc) = self.accounts.get(a) else {
            return vec![];
        };
        if acc.unavailable.is_some() {
            return vec![];
        }
        let families: Vec<Collection> = acc
            .families
            .iter()
            .filter(|f| f.load != LoadState::Loading)
            .map(|f| f.family)
            .collect();
        let name = acc.name.clone();
        let mut cmds = Vec::new();
        for family in families {
            let job = self.new_job(
                JobKind::List { account: a, family },
                format!("{name} {}", family.label()),
            );
            cmds.push(Command::List {
                job,
                account: a,
                family,
            });
            if let Some(f) = self
                .accounts
                .get_mut(a)
                .and_then(|acc| acc.family_mut(family))
            {
                f.load = LoadState::Loading;
                f.loaded = 0;
                f.total = None;
                f.generation += 1;
            }
        }
        cmds
    }

    /// A list job ended. After a complete load, rows of the family it did not deliver are
    /// gone from the server: they leave the list.
    /// Whether a list of the account has failed and not loaded since.
    fn account_failing(&self, account: AccountIdx) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|acc| acc.families.iter().any(|f| f.failures > 0))
    }

    fn finish_list(&mut self, account: AccountIdx, family: Collection, failure: Option<String>) {
        let ok = failure.is_none();
        let Some(f) = self
            .accounts
            .get_mut(account)
            .and_then(|acc| acc.family_mut(family))
        else {
            return;
        };
        f.failures = if ok { 0 } else { f.failures.saturating_add(1) };
        f.load = match failure {
            Some(why) => LoadState::Failed(why),
            None => LoadState::Loaded,
        };
        let generation = f.generation;
        if ok {
            let before = self.hidden.len();
            for (i, c) in self.certs.iter().enumerate() {
                if c.account == account && c.family == family && self.seen[i] != generation {
                    self.hidden.insert(i);
                    self.marked.remove(&i);
                }
            }
            if self.hidden.len() != before {
                self.refilter();
            }
        }
        if !self
            .jobs
            .values()
            .any(|j| matches!(j.kind, JobKind::List { .. }))
            && self
                .status
                .as_ref()
                .is_some_and(|(text, _)| text == REFRESHING)
        {
            self.set_status(
                format!(
                    "refreshed: {} certificates",
                    crate::text::group(self.certs.len().saturating_sub(self.hidden.len()))
                ),
                Severity::Info,
            );
        }
    }

    /// Note that a load of the certificate's family delivered it (counts it once per load).
    fn mark_seen(&mut self, i: usize) {
        let Some(c) = self.certs.get(i) else {
            return;
        };
        let (account, family) = (c.account, c.family);
        let Some(f) = self
            .accounts
            .get_mut(account)
            .and_then(|acc| acc.family_mut(family))
        else {
            return;
        };
        if self.seen[i] != f.generation {
            self.seen[i] = f.generation;
            f.loaded += 1;
        }
        if self.hidden.remove(&i) {
            // Back in the list (a refresh found it again).
            if self.counts_as_pending(&self.certs[i], i) {
                self.pending += 1;
            }
            self.requeue(i);
        }
    }

    fn push_error(&mut self, error: ProviderError, popup: bool) {
        self.errors.push(ErrorEntry {
            time: self.now,
            error,
        });
        if popup && !matches!(self.overlay, Some(Overlay::Help { .. })) {
            self.overlay = Some(Overlay::Error {
                index: self.errors.len() - 1,
            });
        }
    }

    fn set_status(&mut self, text: impl Into<String>, sev: Severity) {
        let text = text.into();
        if self.status_log.len() >= STATUS_HISTORY {
            self.status_log.pop_front();
        }
        self.status_log.push_back(StatusEntry {
            time: self.now,
            text: text.clone(),
            severity: sev,
        });
        self.status = Some((text, sev));
        self.status_since = self.now;
    }
}

/// The one place that changes state. Returns the commands for the worker.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    // Everything but the row feed (and its counters) sees the list settled.
    if !matches!(
        msg,
        Msg::Worker(
            WorkerEvent::Rows { .. } | WorkerEvent::Progress { .. } | WorkerEvent::Total { .. }
        )
    ) {
        state.settle();
    }
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            state.spinner = state.spinner.wrapping_add(1);
            if state.info_status_showing() && now - state.status_since >= INFO_STATUS_SECS {
                state.status = None;
            }
            vec![]
        }
        Msg::Clock(now) => {
            state.now = state.now.max(now);
            vec![]
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            state.clamp_list();
            vec![]
        }
        // Nothing to paste into while the screen cannot show it.
        Msg::Paste(_) if state.too_small() => vec![],
        Msg::Paste(text) => {
            if !state.prompts.is_empty() {
                state.prompt_paste(&text);
            } else if state.dialog.is_some() {
                state.dialog_paste(&text);
            } else if state.filter_editing {
                let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                let value = format!("{}{}", state.filter.value(), clean);
                state.filter = Input::new(value);
                state.refilter();
            }
            vec![]
        }
        Msg::Worker(ev) => on_worker(state, ev),
        Msg::Key(key) => on_key(state, key),
    }
}

fn on_worker(state: &mut State, ev: WorkerEvent) -> Vec<Command> {
    match ev {
        WorkerEvent::Progress {
            job,
            done,
            of,
            label,
        } => {
            if let Some(j) = state.jobs.get_mut(&job) {
                j.progress = Some((done, of, label));
            }
        }
        // Applied in time proportional to the batch; `settle` places them before the next
        // frame (while the user has not moved, the list stays at its top as rows fill in).
        WorkerEvent::Rows { rows, .. } => state.upsert(rows, true),
        WorkerEvent::Total {
            account,
            family,
            total,
            ..
        } => {
            if let Some(f) = state
                .accounts
                .get_mut(account)
                .and_then(|acc| acc.family_mut(family))
            {
                // Room for the rows to come, once: growing a list of 100,000 rows while they
                // arrive would copy it (and rehash its index) in the middle of a batch.
                f.total = Some(total);
                let expected: usize = state
                    .accounts
                    .iter()
                    .flat_map(|a| &a.families)
                    .map(|f| f.total.unwrap_or(0).max(f.loaded))
                    .sum();
                state.reserve(expected.saturating_sub(state.certs.len()));
            }
        }
        WorkerEvent::Done { job, result } => {
            let kind = state.jobs.remove(&job).map(|j| j.kind);
            let batch = state.batch_of.remove(&job);
            let form = state.resubmit.remove(&job);
            let ok = result.is_ok();
            if let Ok(JobOutput::FilesChecked { problems }) = &result {
                return state.files_checked(job, problems.clone());
            }
            let cmds = on_done(state, job, kind, result, form);
            if let Some(b) = batch {
                state.batch_step(b, ok);
            }
            return cmds;
        }
        WorkerEvent::Followed {
            job,
            account,
            op,
            step,
        } => return state.on_followed(job, account, op, step),
        WorkerEvent::Prompt {
            prompt,
            account,
            question,
        } => state.asked(prompt, account, question),
    }
    vec![]
}

impl State {
    /// One job of a bulk action ended; the last one reports the whole batch.
    fn batch_step(&mut self, key: JobId, ok: bool) {
        let Some(b) = self.batches.get_mut(&key) else {
            return;
        };
        if ok {
            b.ok += 1;
        } else {
            b.failed += 1;
        }
        if b.ok + b.failed >= b.total {
            let (text, sev) = b.summary();
            self.batches.remove(&key);
            self.set_status(text, sev);
        }
    }

    /// A job sent from a form failed in a way the user can fix in the form (a file problem
    /// found by the worker, a value the server rejected): reopen it, every value kept, with
    /// the error on the field it concerns (or in its note).
    fn reopen_form(&mut self, mut d: dialogs::Dialog, err: &ProviderError) -> bool {
        // Another dialog is open: leave it. The same one still open (a DCV step waiting for
        // its answer) takes the error.
        if self
            .dialog
            .as_ref()
            .is_some_and(|cur| cur.purpose != d.purpose)
        {
            return false;
        }
        let msg = match err.code {
            Some(c) => format!("{} (code {c})", err.message),
            None => err.message.clone(),
        };
        d.form.stage = form::Stage::Edit;
        d.form.ready = true;
        d.form.clear_errors();
        let op = err.operation.as_str();
        let field = if op.starts_with("write the private key") {
            Some("key_path")
        } else if op.starts_with("read the CSR") {
            Some("csr_path")
        } else if op.starts_with("save certificate") {
            Some("path")
        } else {
            None
        };
        // The attempt made a key before it failed: the form now signs with that key, so a
        // second try does not strand it (or need a new file name).
        if let Some(kept) = &err.kept_key
            && offer_kept_key(&mut d.form, kept)
        {
            match &mut d.purpose {
                dialogs::Purpose::Enroll { data, .. } => data.key_path_auto = false,
                dialogs::Purpose::Flow(flow) => flow.key_kept(),
                _ => {}
            }
            d.form.note = Some(format!(
                "not done: {msg} — OK sends it again with the key kept in {}",
                kept.display()
            ));
            d.form.focus = form::Focus::Ok;
            self.dialog = Some(d);
            return true;
        }
        match field.filter(|f| d.form.field(f).is_some()) {
            Some(f) => {
                d.form.set_error(f, msg);
                if let Some(i) = d.form.fields.iter().position(|x| x.key == f) {
                    d.form.focus = form::Focus::Field(i);
                }
            }
            None => {
                d.form.note = Some(format!("not done: {msg}"));
                d.form.focus = form::Focus::Ok;
            }
        }
        self.dialog = Some(d);
        true
    }
}

/// Switch a form's key choice to the existing key file at `kept`; false when the form has no
/// such choice.
fn offer_kept_key(f: &mut form::Form, kept: &std::path::Path) -> bool {
    let Some(form::FieldKind::Choice { options, selected }) =
        f.field_mut("key").map(|x| &mut x.kind)
    else {
        return false;
    };
    let Some(at) = options.iter().position(|o| o == dialogs::KEY_FILE) else {
        return false;
    };
    *selected = at;
    if let Some(form::FieldKind::Text(input)) = f.field_mut("key_path").map(|x| &mut x.kind) {
        *input = tui_input::Input::new(kept.display().to_string());
    }
    dialogs::key_hints(f);
    true
}

/// A job ended: its output goes where it belongs; a failure is shown (or reopens its form).
fn on_done(
    state: &mut State,
    job: JobId,
    kind: Option<JobKind>,
    result: Result<JobOutput, ProviderError>,
    form: Option<dialogs::Dialog>,
) -> Vec<Command> {
    match result {
        Ok(JobOutput::Listed {
            account, family, ..
        }) => state.finish_list(account, family, None),
        Ok(JobOutput::Detail { cert, view, .. }) => {
            let key = (cert.account, cert.family, cert.id.clone());
            let known = state
                .index
                .get(&state.certs, cert.account, cert.family, &cert.id);
            let new = known.is_none();
            // A certificate new to the list (enrolled or renewed here) counts as seen.
            state.upsert(vec![cert], new);
            state.settle();
            if let Some(i) = state.index.get(&state.certs, key.0, key.1, &key.2) {
                state.details.insert(i, DetailState::Loaded(view));
            }
        }
        Ok(other) => return on_action_done(state, job, kind, other),
        Err(err)
            if (matches!(err.kind, ErrorKind::Local | ErrorKind::Rejected)
                || state
                    .dialog
                    .as_ref()
                    .zip(form.as_ref())
                    .is_some_and(|(cur, d)| cur.purpose == d.purpose))
                && form.clone().is_some_and(|d| state.reopen_form(d, &err)) =>
        {
            state.set_status(
                format!("not done: {} — the form is open again", short_error(&err)),
                Severity::Error,
            );
            state.push_error(err, false);
        }
        Err(err) => {
            // A list failure opens the error only the first time: while an account keeps
            // failing (unreachable, every refresh) the status line and the log say so.
            let mut popup = true;
            match kind {
                Some(JobKind::List { account, family }) => {
                    popup = !state.account_failing(account);
                    state.finish_list(account, family, Some(short_error(&err)))
                }
                Some(JobKind::Detail { cert }) => {
                    state.details.insert(cert, DetailState::Failed(err.clone()));
                }
                Some(JobKind::DialogData) => state.dialog_data_failed(short_error(&err)),
                Some(JobKind::FileCheck) => {
                    state.file_check = None;
                    if let Some(d) = state.dialog.as_mut() {
                        d.form.ready = true;
                        d.form.note = Some(short_error(&err));
                    }
                }
                Some(JobKind::View(account, id)) => state.view_failed(account, id),
                Some(JobKind::Action { .. } | JobKind::Enroll | JobKind::Audit) | None => {}
            }
            match err.kind {
                // "Not issued yet" is a state, not a failure: say so, no popup.
                ErrorKind::NotReady => {
                    state.set_status(
                        format!("not issued yet — {}", short_error(&err)),
                        Severity::Warning,
                    );
                    state.push_error(err, false);
                }
                ErrorKind::Unsupported => {
                    state.set_status(short_error(&err), Severity::Error);
                    state.push_error(err, false);
                }
                _ if !popup => {
                    state.set_status(
                        format!("{} (failing again; e shows the log)", short_error(&err)),
                        Severity::Error,
                    );
                    state.push_error(err, false);
                }
                _ => {
                    state.set_status(short_error(&err), Severity::Error);
                    state.push_error(err, true);
                }
            }
        }
    }
    vec![]
}

/// An action, enrolment or download finished: say so, and refresh what it changed.
fn on_action_done(
    state: &mut State,
    job: JobId,
    kind: Option<JobKind>,
    output: JobOutput,
) -> Vec<Command> {
    use crate::provider::request::{ActionOutput, ActionRequest};
    let mut cmds = Vec::new();
    match output {
        JobOutput::Enrolled {
            account,
            family,
            enrolled,
            key_path,
            follows,
        } => {
            let what = match family {
                Family::Client => "new S/MIME request",
                Family::Device => "new device request",
                _ => "new request",
            };
            // What the request does next: the provider set an operation going (the CA issues
            // it by itself), or it waits for an approval.
            let next = match state.follow(job, account, &follows) {
                w if w.is_empty() => "; it waits in the pending view (p)".to_string(),
                w => format!("; it needs no approval{}", w.replacen(';', ",", 1)),
            };
            let text = match &key_path {
                Some(p) => format!(
                    "enrolled: {what} {} (private key in {}){next}",
                    enrolled.id,
                    p.display()
                ),
                None => format!("enrolled: {what} {}", enrolled.id),
            };
            if let Some(t) = &enrolled.renew_id {
                state
                    .renew_ids
                    .insert((account, enrolled.id.clone()), t.clone());
            }
            if let Some(p) = key_path {
                state.key_paths.insert((account, enrolled.id.clone()), p);
            }
            // The new request appears in the list at once.
            cmds.extend(state.load_detail(account, family, enrolled.id.clone()));
            state.set_status(text, Severity::Info);
        }
        JobOutput::Replaced {
            account,
            family,
            id,
            key_path,
            follows,
        } => {
            let text = match &key_path {
                Some(p) => format!("replacement of {id} requested (new key in {})", p.display()),
                None => format!("replacement of {id} requested"),
            };
            if let Some(p) = key_path {
                state.key_paths.insert((account, id.clone()), p);
            }
            // Like an approval: the CA processes the replacement, followed by the worker.
            let text = format!("{text}{}", state.follow(job, account, &follows));
            cmds.extend(state.load_detail(account, family, id));
            state.set_status(text, Severity::Info);
        }
        JobOutput::Collected { path, bytes, .. } => {
            state.set_status(
                format!("saved {bytes} bytes to {}", path.display()),
                Severity::Info,
            );
        }
        JobOutput::Acted {
            account,
            request,
            output,
            follows,
        } => {
            let watching = state.follow(job, account, &follows);
            // The account's side views take what concerns them (their rows, or the new state
            // of one of them) and are read again when the action made them stale.
            let is_view_read = matches!(kind, Some(JobKind::View(..)));
            cmds.extend(state.views_take(account, &request, &output, !is_view_read));
            if kind == Some(JobKind::DialogData) {
                state.dialog_data(account, &request, &output);
                return cmds;
            }
            if is_view_read {
                return cmds;
            }
            let cert = match kind {
                Some(JobKind::Action { cert }) => cert,
                _ => None,
            };
            let name = cert
                .and_then(|i| state.certs.get(i))
                .map(|c| c.common_name.clone())
                .unwrap_or_default();
            let text = match (&*request, &*output) {
                (ActionRequest::Approve { .. }, _) => format!("approved {name}{watching}"),
                (ActionRequest::Decline { .. }, _) => format!("declined {name}"),
                (ActionRequest::Revoke { .. } | ActionRequest::RevokeBySerial { .. }, _) => {
                    format!("revoked {name}")
                }
                (
                    ActionRequest::Renew { .. } | ActionRequest::RenewByToken { .. },
                    ActionOutput::Renewed(Some(new)),
                ) => {
                    if let Some(c) = cert.and_then(|i| state.certs.get(i)) {
                        let (a, f) = (c.account, c.family);
                        cmds.extend(state.load_detail(a, f, new.id.clone()));
                    }
                    format!("renewal requested: new request {}", new.id)
                }
                (ActionRequest::RenewByToken { .. }, _) => {
                    // SCM answers a renewal by renew id with no body: the new request's id is
                    // not known, so the SSL list is read again to bring it in.
                    cmds.extend(state.load_account(account));
                    format!(
                        "renewal of {name} requested; SCM does not say the new request's id — reloading the list to show it"
                    )
                }
                (ActionRequest::Renew { .. }, _) => {
                    format!("renewal of {name} requested")
                }
                (ActionRequest::MarkRenewed { .. }, _) => format!("marked {name} as renewed"),
                (ActionRequest::Delete { .. }, _) => {
                    if let Some(i) = cert {
                        state.hidden.insert(i);
                        state.marked.remove(&i);
                        state.refilter();
                    }
                    format!("deleted {name}")
                }
                (ActionRequest::DcvRecheck { .. }, _) => {
                    // Show the new DCV state in the open dialog.
                    if let Some(dialog) = &state.dialog
                        && let Purpose::Dcv { target, .. } = &dialog.purpose
                    {
                        let (account, id) = (target.account, target.id.clone());
                        let job = state.new_job(JobKind::DialogData, "DCV status".into());
                        cmds.push(Command::Act {
                            job,
                            account,
                            request: ActionRequest::CertDcv { id },
                            about: Vec::new(),
                        });
                    }
                    format!("DCV recheck of {name} requested{watching}")
                }
                (ActionRequest::ApproveDelegation { .. }, _) => "delegation approved".to_string(),
                (ActionRequest::RejectDelegation { .. }, _) => "delegation rejected".to_string(),
                (ActionRequest::DcvSubmit { domain, method, .. }, ActionOutput::DcvState(st)) => {
                    let record = st
                        .instruction
                        .as_ref()
                        .filter(|i| i.host.is_some() && i.point.is_some());
                    state.dcv_submitted(account, domain, st);
                    let status = st
                        .status
                        .as_deref()
                        .map(|s| format!(" (status {s})"))
                        .unwrap_or_default();
                    match record {
                        Some(_) if *method == crate::provider::actions::DcvMethod::Txt => format!(
                            "DCV of {domain} submitted{status}: publish the TXT record shown; the CA checks it"
                        ),
                        _ => format!("DCV of {domain} submitted{status}{watching}"),
                    }
                }
                (r, _) => format!("{} done", r.audit_name()),
            };
            // Refresh the row the action changed.
            if let Some(i) = cert
                && !state.hidden.contains(&i)
                && let Some(c) = state.certs.get(i)
            {
                let (a, f, id) = (c.account, c.family, c.id.clone());
                cmds.extend(state.load_detail(a, f, id));
            }
            state.set_status(text, Severity::Info);
        }
        JobOutput::AuditLog { path, entries } => {
            let n = entries.len() as u16;
            state.overlay = Some(Overlay::Audit {
                path,
                entries,
                scroll: n.saturating_sub(1),
                open: false,
            });
        }
        JobOutput::Audited
        | JobOutput::Listed { .. }
        | JobOutput::Detail { .. }
        | JobOutput::FilesChecked { .. } => {}
    }
    cmds
}

fn short_error(err: &ProviderError) -> String {
    let mut s = format!("{}: {}", err.operation, err.message);
    if let Some(c) = err.code {
        s.push_str(&format!(" (code {c})"));
    }
    s
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    // Ctrl-C always quits, whatever has focus.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![];
    }
    // While the terminal is too small to show the panes, nothing is shown to act on: only
    // the quit key works (a hidden dialog is never completed blind, no hidden field typed
    // into).
    if state.too_small() {
        let quit = state
            .keymap
            .binding(Action::Quit)
            .is_some_and(|b| b.keys.iter().any(|k| k.matches(&key)));
        if quit {
            state.quit = true;
        }
        return vec![];
    }
    // A provider's question sits over everything and takes every key until it is answered.
    if !state.prompts.is_empty() {
        return state.prompt_key(key);
    }
    // The copy picker can sit over a dialog (DCV records); it takes the keys first.
    if let Some(overlay @ Overlay::Copy { .. }) = state.overlay.clone() {
        state.status = None;
        return on_overlay_key(state, overlay, key);
    }
    if state.dialog.is_some() {
        state.status = None;
        return state.dialog_key(key);
    }
    if state.filter_editing {
        state.status = None;
        return on_filter_key(state, key);
    }
    if let Some(overlay) = state.overlay.clone() {
        state.status = None;
        return on_overlay_key(state, overlay, key);
    }
    // A key that does nothing leaves the message; any other key clears it (the action may
    // set a new one). The history in the error log (e) keeps every message.
    let Some(action) = state.keymap.lookup(state.ctx(), &key) else {
        return vec![];
    };
    state.status = None;
    on_action(state, action)
}

fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Esc => {
            state.filter_editing = false;
            state.filter.reset();
            state.refilter();
        }
        KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => {
            state.filter_editing = false;
            state.focus = Pane::List;
            if key.code == KeyCode::Down {
                state.move_list(1);
            }
        }
        _ => {
            let before = state.filter.value().to_string();
            state.filter.handle_event(&Event::Key(key));
            let after = state.filter.value();
            if after != before {
                if after.starts_with(&before) {
                    state.refine();
                } else {
                    state.refilter();
                }
            }
        }
    }
    vec![]
}

fn on_overlay_key(state: &mut State, overlay: Overlay, key: KeyEvent) -> Vec<Command> {
    let action = state.keymap.lookup(Ctx::Global, &key).or_else(|| {
        // Movement keys work inside popups too.
        state.keymap.lookup(Ctx::List, &key)
    });
    match (overlay, action) {
        (_, Some(Action::Quit)) if key.code != KeyCode::Esc => {
            state.quit = true;
        }
        // One audit entry in full: Enter opens it, Esc (or Enter) goes back to the list.
        (
            Overlay::Audit {
                path,
                entries,
                scroll,
                open,
            },
            Some(a @ (Action::Open | Action::Close)),
        ) if open || a == Action::Open => {
            state.overlay = Some(Overlay::Audit {
                open: !open && !entries.is_empty(),
                path,
                entries,
                scroll,
            });
        }
        (_, Some(Action::Close)) => {
            state.overlay = None;
        }
        (Overlay::Help { .. }, Some(Action::Help)) => state.overlay = None,
        (Overlay::Help { scroll }, Some(Action::Down)) => {
            state.overlay = Some(Overlay::Help {
                scroll: scroll
                    .saturating_add(1)
                    .min((state.measure)(state).help_max),
            })
        }
        (Overlay::Help { scroll }, Some(Action::Up)) => {
            state.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(1),
            })
        }
        (Overlay::Help { scroll }, Some(Action::PageDown)) => {
            state.overlay = Some(Overlay::Help {
                scroll: scroll
                    .saturating_add(10)
                    .min((state.measure)(state).help_max),
            })
        }
        (Overlay::Help { scroll }, Some(Action::PageUp)) => {
            state.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(10),
            })
        }
        (Overlay::Help { .. }, Some(Action::Top)) => {
            state.overlay = Some(Overlay::Help { scroll: 0 })
        }
        (Overlay::Help { .. }, Some(Action::Bottom)) => {
            state.overlay = Some(Overlay::Help {
                scroll: (state.measure)(state).help_max,
            })
        }
        (Overlay::Errors { selected }, Some(Action::Down)) => {
            let n = state.errors.len();
            state.overlay = Some(Overlay::Errors {
                selected: (selected + 1).min(n.saturating_sub(1)),
            });
        }
        (Overlay::Errors { selected }, Some(Action::Up)) => {
            state.overlay = Some(Overlay::Errors {
                selected: selected.saturating_sub(1),
            });
        }
        (Overlay::Errors { selected }, Some(Action::Open)) if selected < state.errors.len() => {
            state.overlay = Some(Overlay::Error { index: selected });
        }
        (Overlay::Errors { .. }, Some(Action::ErrorLog)) => state.overlay = None,
        (Overlay::Error { .. }, Some(Action::ErrorLog)) => {
            state.overlay = Some(Overlay::Errors {
                selected: state.errors.len().saturating_sub(1),
            });
        }
        (Overlay::Error { .. }, Some(Action::Open)) => state.overlay = None,
        (Overlay::Menu { selected }, Some(Action::Down)) => {
            state.overlay = Some(Overlay::Menu {
                selected: (selected + 1).min(state.menu().len().saturating_sub(1)),
            })
        }
        (Overlay::Menu { selected }, Some(Action::Up)) => {
            state.overlay = Some(Overlay::Menu {
                selected: selected.saturating_sub(1),
            })
        }
        (Overlay::Menu { selected }, Some(Action::Open)) => {
            let menu = state.menu();
            state.overlay = None;
            if let Some(e) = menu.get(selected.min(menu.len().saturating_sub(1))) {
                return on_action(state, e.action);
            }
        }
        (Overlay::Menu { .. }, Some(Action::Menu)) => state.overlay = None,
        (Overlay::Copy { items, selected }, _) => {
            let pick = match (key.code, action) {
                (KeyCode::Char(d @ '1'..='9'), _) => Some(d as usize - '1' as usize),
                (KeyCode::Enter, _) | (_, Some(Action::Copy)) => Some(selected),
                _ => None,
            };
            match (pick, action) {
                (Some(i), _) if i < items.len() => {
                    let (label, value) = items[i].clone();
                    state.overlay = None;
                    state.clipboard = Some(value);
                    state.set_status(
                        format!("copied the {label} to the clipboard (OSC 52)"),
                        Severity::Info,
                    );
                }
                (_, Some(Action::Down)) => {
                    state.overlay = Some(Overlay::Copy {
                        selected: (selected + 1).min(items.len().saturating_sub(1)),
                        items,
                    })
                }
                (_, Some(Action::Up)) => {
                    state.overlay = Some(Overlay::Copy {
                        selected: selected.saturating_sub(1),
                        items,
                    })
                }
                _ if key.code == KeyCode::Esc => state.overlay = None,
                _ => state.overlay = Some(Overlay::Copy { items, selected }),
            }
        }
        (Overlay::Audit { .. }, Some(Action::AuditLog)) => state.overlay = None,
        (
            Overlay::Audit {
                path,
                entries,
                scroll,
                open,
            },
            Some(
                a @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ),
        ) => {
            let last = entries.len().saturating_sub(1) as isize;
            let delta: isize = match a {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -10,
                Action::PageDown => 10,
                Action::Top => -last - 1,
                _ => last + 1,
            };
            let scroll = (scroll as isize + delta).clamp(0, last.max(0)) as u16;
            state.overlay = Some(Overlay::Audit {
                path,
                entries,
                scroll,
                open,
            });
        }
        (Overlay::Menu { .. }, Some(a)) if state.menu().iter().any(|e| e.action == a) => {
            state.overlay = None;
            return on_action(state, a);
        }
        (_, Some(Action::Help)) => state.overlay = Some(Overlay::Help { scroll: 0 }),
        _ => {}
    }
    vec![]
}

fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let page = state.list_height().max(1) as isize;
    if let Scope::View(a, id) = state.scope()
        && state.focus != Pane::Accounts
        && let Some(cmds) = on_view_action(state, a, id, action, page)
    {
        return cmds;
    }
    match action {
        Action::Quit => state.quit = true,
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::ErrorLog => {
            state.overlay = Some(Overlay::Errors {
                selected: state.errors.len().saturating_sub(1),
            })
        }
        Action::NextPane => state.focus = next_pane(state, 1),
        Action::PrevPane => state.focus = next_pane(state, -1),
        Action::FocusLeft => {
            if state.focus != Pane::Accounts {
                state.focus = next_pane(state, -1);
            }
        }
        Action::FocusRight => {
            if state.focus == Pane::Detail {
            } else if state.focus == Pane::List && !state.detail_open {
                return open_detail(state);
            } else {
                state.focus = next_pane(state, 1);
            }
        }
        Action::Up => return move_focused(state, -1),
        Action::Down => return move_focused(state, 1),
        Action::PageUp => return move_focused(state, -page),
        Action::PageDown => return move_focused(state, page),
        Action::Top => return move_focused(state, isize::MIN / 2),
        Action::Bottom => return move_focused(state, isize::MAX / 2),
        Action::Open => match state.focus {
            Pane::Accounts => state.focus = Pane::List,
            Pane::List => return open_detail(state),
            Pane::Detail => {}
        },
        Action::Close => {
            if !state.marked.is_empty() {
                state.marked.clear();
                state.set_status("unmarked all", Severity::Info);
            } else if state.focus == Pane::Detail || state.detail_open {
                state.detail_open = false;
                state.focus = Pane::List;
            } else if !state.filter.value().is_empty() {
                state.filter.reset();
                state.refilter();
            }
        }
        Action::Filter => {
            state.filter_editing = true;
            state.focus = Pane::List;
        }
        Action::Sort => {
            state.sort = state.sort.next();
            state.resort();
            state.set_status(format!("sorted by {}", state.sort.label()), Severity::Info);
        }
        Action::Mark => {
            if let Some((i, _)) = state.selected_cert() {
                if !state.marked.remove(&i) {
                    state.marked.insert(i);
                }
                state.move_list(1);
                let n = state.marked.len();
                state.set_status(
                    if n == 0 {
                        "no certificates marked".to_string()
                    } else {
                        format!("{n} marked — actions apply to them (Esc unmarks all)")
                    },
                    Severity::Info,
                );
            }
        }
        Action::Pending => {
            let scopes = state.scopes();
            let before = state.scope();
            state.account_sel = if state.scope() == Scope::Pending {
                0
            } else {
                scopes
                    .iter()
                    .position(|s| *s == Scope::Pending)
                    .unwrap_or(0)
            };
            state.switch_filter(before);
            state.sel = 0;
            state.list_offset = 0;
            state.refilter();
            state.focus = Pane::List;
        }
        Action::Menu => state.overlay = Some(Overlay::Menu { selected: 0 }),
        Action::AuditLog => {
            let job = state.new_job(JobKind::Audit, "read the audit log".into());
            return vec![Command::ReadAudit { job }];
        }
        Action::ServerFilter => state.set_status(
            "f sets a side view's server-side filters, where the view has them (select it in the accounts pane)",
            Severity::Info,
        ),
        Action::Copy => state.open_copy(),
        Action::Invoke(id) => return state.invoke(id),
        Action::Refresh => {
            let targets: Vec<AccountIdx> = match state.selected_account() {
                Some(a) => vec![a],
                None => (0..state.accounts.len()).collect(),
            };
            let mut cmds = Vec::new();
            for a in targets {
                cmds.extend(state.load_account(a));
            }
            // Cached details may be stale after a refresh.
            state.details.clear();
            if cmds.is_empty() {
                state.set_status("nothing to refresh", Severity::Info);
            } else {
                state.set_status(REFRESHING, Severity::Info);
            }
            return cmds;
        }
    }
    vec![]
}

/// Keys in a side view; `None` falls through to the general handling.
fn on_view_action(
    state: &mut State,
    account: AccountIdx,
    id: &'static str,
    action: Action,
    page: isize,
) -> Option<Vec<Command>> {
    let in_list = state.focus == Pane::List;
    match action {
        Action::Up if in_list => state.move_view_row(account, id, -1),
        Action::Down if in_list => state.move_view_row(account, id, 1),
        Action::PageUp if in_list => state.move_view_row(account, id, -page),
        Action::PageDown if in_list => state.move_view_row(account, id, page),
        Action::Top if in_list => state.move_view_row(account, id, isize::MIN / 2),
        Action::Bottom if in_list => state.move_view_row(account, id, isize::MAX / 2),
        Action::Open | Action::FocusRight if in_list => {
            return Some(state.open_view_row(account, id));
        }
        Action::Refresh => return Some(state.load_scope(Scope::View(account, id), true)),
        Action::Sort => state.sort_view(account, id),
        Action::Invoke(_) | Action::ServerFilter | Action::Mark => {
            let name = match action {
                Action::Invoke(name) => name,
                Action::ServerFilter => "server_filter",
                _ => "mark",
            };
            let view = &state.side_view(account, id)?.view;
            if let Some(key) = view.keys().iter().find(|k| k.action == name) {
                return Some(state.open_view_action(account, id, key.opens));
            }
            // Actions that take no listed certificate still work here (enrol, revoke by
            // serial number); the others mean nothing in a side view.
            let takes_none = state
                .accounts
                .get(account)
                .and_then(|a| a.info.action(name))
                .is_some_and(|spec| spec.targets == crate::model::spec::Targets::Account);
            if takes_none {
                return None;
            }
            let hint = view.hint();
            state.set_status(hint, Severity::Info);
        }
        _ => return None,
    }
    Some(vec![])
}

fn next_pane(state: &State, dir: isize) -> Pane {
    let mut panes = vec![Pane::Accounts, Pane::List];
    if state.detail_open {
        panes.push(Pane::Detail);
    }
    let i = panes.iter().position(|p| *p == state.focus).unwrap_or(1) as isize;
    let n = panes.len() as isize;
    panes[((i + dir).rem_euclid(n)) as usize]
}

fn move_focused(state: &mut State, delta: isize) -> Vec<Command> {
    match state.focus {
        Pane::Accounts => {
            let n = state.scopes().len();
            let before = state.account_sel;
            let scope_before = state.scope();
            state.account_sel =
                (state.account_sel as isize + delta).clamp(0, n as isize - 1) as usize;
            if state.account_sel != before {
                state.switch_filter(scope_before);
                state.sel = 0;
                state.list_offset = 0;
                state.refilter();
                let scope = state.scope();
                return state.load_scope(scope, false);
            }
        }
        Pane::List => {
            state.move_list(delta);
            // In the side-by-side layout the open detail follows the selection; the one
            // still loading for the row just left is dropped.
            if state.detail_open {
                let mut cmds = state.cancel_cursor_detail();
                cmds.extend(request_detail(state));
                return cmds;
            }
        }
        Pane::Detail => {
            let max = (state.measure)(state).detail_max as isize;
            state.detail_scroll = (state.detail_scroll as isize + delta).clamp(0, max) as u16;
        }
    }
    vec![]
}

/// Which filter text a scope uses: the certificate lists share one, each side view its own.
fn filter_key(scope: Scope) -> Option<Scope> {
    match scope {
        Scope::View(..) => Some(scope),
        _ => None,
    }
}

impl State {
    /// After the scope changed from `before`: keep the old list's filter text, bring back the
    /// new one's.
    fn switch_filter(&mut self, before: Scope) {
        let (old, new) = (filter_key(before), filter_key(self.scope()));
        if old == new {
            return;
        }
        let restored = self.filters.remove(&new).unwrap_or_default();
        let kept = std::mem::replace(&mut self.filter, restored);
        if !kept.value().is_empty() {
            self.filters.insert(old, kept);
        }
        self.filter_editing = false;
    }

    /// Cancel the cursor's detail request if it still runs for another row than the
    /// selected one: its job leaves the pending set and the row can be loaded again later.
    fn cancel_cursor_detail(&mut self) -> Vec<Command> {
        let Some(job) = self.cursor_detail else {
            return Vec::new();
        };
        let selected = self.selected_cert().map(|(i, _)| i);
        let cert = match self.jobs.get(&job).map(|j| j.kind) {
            Some(JobKind::Detail { cert }) => cert,
            _ => {
                self.cursor_detail = None;
                return Vec::new();
            }
        };
        if Some(cert) == selected {
            return Vec::new();
        }
        self.jobs.remove(&job);
        self.cursor_detail = None;
        if matches!(self.details.get(&cert), Some(DetailState::Loading)) {
            self.details.remove(&cert);
        }
        vec![Command::Cancel { job }]
    }
}

fn open_detail(state: &mut State) -> Vec<Command> {
    if state.selected_cert().is_none() {
        state.set_status("no certificate selected", Severity::Info);
        return vec![];
    }
    state.detail_open = true;
    state.focus = Pane::Detail;
    state.detail_scroll = 0;
    request_detail(state)
}

impl State {
    /// (Re)load one certificate's detail, e.g. after an action changed it.
    fn load_detail(&mut self, account: AccountIdx, family: Collection, id: String) -> Vec<Command> {
        let cert = self.index.get(&self.certs, account, family, &id);
        if let Some(i) = cert
            && matches!(self.details.get(&i), Some(DetailState::Loading))
        {
            return vec![];
        }
        let job = match cert {
            Some(i) => {
                self.details.insert(i, DetailState::Loading);
                self.new_job(JobKind::Detail { cert: i }, format!("refresh {id}"))
            }
            None => self.new_job(JobKind::Action { cert: None }, format!("load {id}")),
        };
        let key = self.key_paths.get(&(account, id.clone())).cloned();
        vec![Command::Detail {
            job,
            account,
            family,
            id,
            key,
        }]
    }

    /// Offer the selected certificate's values for copying.
    fn open_copy(&mut self) {
        let one = if self.focus == Pane::Detail {
            self.detail_target()
        } else {
            self.selected_cert()
        };
        let Some((i, c)) = one else {
            self.set_status("nothing selected to copy", Severity::Info);
            return;
        };
        let mut items = vec![("common name".to_string(), c.common_name.clone())];
        items.push(("id".into(), c.id.clone()));
        if let Some(serial) = c.serial.clone().filter(|s| !s.is_empty()) {
            items.push(("serial number".into(), serial));
        }
        if c.sans.len() > 1 {
            items.push(("names (SANs)".into(), c.sans.join(", ")));
        }
        if let Some(DetailState::Loaded(v)) = self.details.get(&i)
            && let Ok(certs) = &v.x509
            && let Some(leaf) = certs.first()
        {
            items.push(("SHA-256 fingerprint".into(), leaf.sha256.clone()));
            if let Some(pem) = &v.detail.body_pem {
                items.push(("certificate (PEM)".into(), pem.clone()));
            }
        }
        self.overlay = Some(Overlay::Copy { items, selected: 0 });
    }
}

/// Ask for the selected certificate's detail unless it is loaded or loading.
fn request_detail(state: &mut State) -> Vec<Command> {
    let Some(i) = state.selected_cert().map(|(i, _)| i) else {
        return vec![];
    };
    state.detail_cert = Some(i);
    let cert = &state.certs[i];
    if matches!(
        state.details.get(&i),
        Some(DetailState::Loaded(_) | DetailState::Loading)
    ) {
        return vec![];
    }
    let (account, family, id) = (cert.account, cert.family, cert.id.clone());
    let label = format!("detail {}", cert.common_name);
    let job = state.new_job(JobKind::Detail { cert: i }, label);
    state.cursor_detail = Some(job);
    state.details.insert(i, DetailState::Loading);
    let key = state.key_paths.get(&(account, id.clone())).cloned();
    vec![Command::Detail {
        job,
        account,
        family,
        id,
        key,
    }]
}

#[cfg(test)]
mod tests;
