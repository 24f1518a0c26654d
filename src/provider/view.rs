//! Side views: tables an account shows beside its certificate collections (SCM's domains,
//! domain validations and organizations; later DSM's services or NCP's instances).
//!
//! The provider owns the rows and what they mean: how they load, what each cell says, how
//! they sort, what a row's detail shows and which of its own actions a key opens. The console
//! keeps the rest, the same for every view: the selection (which follows its row across
//! reloads and sorts), the `/` filter and the sort order of each view, the drawing, and the
//! keys. Everything here is pure; it runs inside `update`.

use std::any::Any;
use std::fmt::Debug;

use super::request::{ActionOutput, ActionRequest};
use crate::form::Opening;
use crate::model::AccountIdx;

/// How a cell or a detail line is coloured: a meaning, which the theme turns into a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Plain,
    Ok,
    Warning,
    Danger,
    Muted,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewCell {
    pub text: String,
    pub tone: Tone,
}

impl ViewCell {
    pub fn plain(text: impl Into<String>) -> ViewCell {
        ViewCell {
            text: text.into(),
            tone: Tone::Plain,
        }
    }

    pub fn toned(text: impl Into<String>, tone: Tone) -> ViewCell {
        ViewCell {
            text: text.into(),
            tone,
        }
    }
}

/// A column: the first takes the width the others leave; the others are as wide as their
/// visible contents, at most `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub cap: u16,
}

/// One line of a row's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    /// The row's name, first.
    Title(String),
    /// A labelled value.
    Field(String, String),
    /// A heading of what follows ("Delegations").
    Section(String),
    /// Free text.
    Text(String, Tone),
    /// Text followed by a toned word (a delegation and its status).
    Pair(String, String, Tone),
    Blank,
}

/// A read the view sends, with the words the job list shows while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewRead {
    pub request: ActionRequest,
    pub label: String,
}

/// What an answer did to the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Not the view's business.
    Ignored,
    /// Part of the view's data arrived or changed (rows updated in place, side data).
    Updated,
    /// The view's rows arrived: the view is loaded.
    Rows,
}

/// A key of the view's own: the console action it is bound to (its `[ui.keys]` name, e.g.
/// "approve") and the provider's action it opens there (e.g. approving a delegation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewKey {
    /// The console action (its `[ui.keys]` name) whose key opens it here.
    pub action: &'static str,
    pub opens: &'static str,
    /// The status bar's word for it ("validate").
    pub label: &'static str,
}

/// What a view key opens: a form, and what the read-only gate needs to know of it.
#[derive(Debug)]
pub struct ViewAction {
    pub opening: Opening,
    /// It sends a change (refused, with an audit line, on a read-only account).
    pub changes: bool,
    /// The action's name in the audit log, and what it is about there.
    pub audit: &'static str,
    pub about: Vec<String>,
}

/// A side view's rows and the provider's knowledge of them. Row numbers are positions in
/// the view's own order (after `sort`), before the console's filter.
pub trait SideView: Debug + Send {
    /// The list pane's heading ("Domains").
    fn title(&self) -> &'static str;
    /// Row nouns for counts: ("domain", "domains").
    fn nouns(&self) -> (&'static str, &'static str);
    /// What the rows are, for messages ("domain validations sorted by name").
    fn what(&self) -> &'static str;
    fn columns(&self) -> &'static [Column];
    /// The reads that (re)load the view.
    fn loads(&self) -> Vec<ViewRead>;
    /// An answer the account's worker gave (to one of `loads`, or to any action on the
    /// account): the view takes what concerns it.
    fn take(&mut self, request: &ActionRequest, output: &ActionOutput) -> Taken;
    /// Whether a successful `request` on the account changes what the view shows (it is
    /// then read again).
    fn stale_after(&self, request: &ActionRequest) -> bool;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// What identifies row `i` across reloads and sorts.
    fn key(&self, i: usize) -> String;
    /// The text the `/` filter looks in.
    fn search_text(&self, i: usize) -> String;
    /// The cells of row `i`, one per column.
    fn cells(&self, i: usize) -> Vec<ViewCell>;
    /// The orders the view can be sorted in ("expiry", "name" …), the first the default.
    fn sorts(&self) -> &'static [&'static str];
    /// Put the rows in order `by` (an index into `sorts`).
    fn sort(&mut self, by: usize);
    /// Said after the heading: the view's server-side filters, if any (" · EXPIRED").
    fn subtitle(&self) -> String {
        String::new()
    }
    /// Shown while the view has no rows to show.
    fn empty_text(&self) -> &'static str;
    fn detail(&self, i: usize) -> Vec<DetailLine>;
    /// What the view's keys do, for the status bar when a key means nothing here.
    fn hint(&self) -> &'static str;
    /// The view's own keys.
    fn keys(&self) -> &'static [ViewKey] {
        &[]
    }
    /// Enter on row `i`: reads that bring more of it into the detail.
    fn open(&self, _i: usize) -> Vec<ViewRead> {
        Vec::new()
    }
    /// The form a view key opens (`opens` of one of [`SideView::keys`]) on `row`, the
    /// selected row if any; `Err` says why not, for the status line.
    fn form(
        &self,
        opens: &str,
        _account: AccountIdx,
        _row: Option<usize>,
    ) -> Result<ViewAction, String> {
        Err(format!("{opens}: no such action here"))
    }
    /// New server-side filters, from a form's (field, value) pairs
    /// (`Submission::Refilter`); the console then reads the view again from the top.
    fn refilter(&mut self, _values: &[(&'static str, String)]) {}
    /// For the provider's own code, which knows the concrete type.
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}
