//! Forms, as neutral as the list: the form widget (fields, stages, keys), what a provider
//! declares to open one ([`FormBuilder`] on an action's spec), the flow it hands the app to
//! drive it ([`Flow`]), and the validators every provider shares. Nothing here does I/O: a
//! flow's methods run inside the app's `update`.

pub mod check;
pub mod download;
pub mod flow;
pub mod widget;

pub use flow::{Flow, FormBuilder, FormCx, Load, Opening, Sent, Submission, Target, describe};
pub use widget::{Field, FieldKind, Focus, Form, FormEvent, Stage};
