//! The app: all UI state, the messages that change it, and `update`, a plain function (no I/O,
//! no `.await`, no clock reads: time arrives in `Msg::Tick`). Tests drive it directly.

mod actions;
mod dialogs;
mod done;
pub mod follow;
mod input;
pub use crate::form::widget as form;
pub mod keys;
pub mod layout;
mod list;
pub mod prompt;
mod types;
mod view;
pub mod views;

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
pub use dialogs::{Dialog, Target};
pub use keys::{Action, Ctx, KeyConfigError, KeyMap};
pub use view::SortKey;

use done::*;
use input::*;
pub use types::*;

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

    /// How many lines `setup_banner` takes (counted, not written: the viewport asks on every
    /// key and frame).
    pub fn setup_banner_rows(&self) -> usize {
        if self.scope() != Scope::All {
            return 0;
        }
        self.accounts
            .iter()
            .filter(|acc| acc.unavailable.is_some())
            .filter(|acc| crate::provider::registry::has_client(acc.kind))
            .take(2)
            .count()
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

    /// The server says certificate `i` is gone (it was deleted here): it leaves the list, the
    /// marks and its collection's counts until a load delivers it again.
    fn hide_gone(&mut self, i: usize) {
        let Some(c) = self.certs.get(i) else {
            return;
        };
        let (account, family) = (c.account, c.family);
        if !self.hidden.insert(i) {
            return;
        }
        self.marked.remove(&i);
        if let Some(f) = self
            .accounts
            .get_mut(account)
            .and_then(|acc| acc.family_mut(family))
        {
            if self.seen[i] == f.generation {
                f.loaded = f.loaded.saturating_sub(1);
            }
            f.total = f.total.map(|t| t.saturating_sub(1));
        }
        // Not seen by this load any more: a load that finds it again counts it again.
        self.seen[i] = 0;
        // The detail pane does not go on showing what is gone.
        if self.focus == Pane::Detail && self.detail_target().is_some_and(|(d, _)| d == i) {
            self.focus = Pane::List;
        }
        // (The pending count is recounted here too.)
        self.refilter();
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

#[cfg(test)]
mod tests;
