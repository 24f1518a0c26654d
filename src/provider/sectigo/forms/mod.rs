//! SCM's action forms: what each asks, how it is checked, what it sends. The console opens
//! them through the actions' specs (`spec.rs`) and drives them through `form::Flow`.

pub mod dcv;
pub mod decision;
pub mod download;
pub mod enroll;
pub mod key;
pub mod lifecycle;
pub mod replace;
pub mod revoke;

/// SCM's limit for a message or reason sent with a decision or a revocation.
pub const MESSAGE_MAX: usize = 512;
