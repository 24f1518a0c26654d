//! certdeck: a full-screen terminal console for certificates across providers.
//!
//! Shape (see README and DESIGN): keys → `app::update(&mut State, Msg)` → `Command`s → `worker`
//! → provider clients → HTTP; `WorkerEvent`s come back as messages; `ui::draw(&State)` is pure.

pub mod app;
pub mod audit;
pub mod config;
pub mod demo;
pub mod emulator;
pub mod files;
pub mod form;
pub mod keygen;
pub mod logging;
pub mod model;
pub mod provider;
pub mod secrets;
pub mod session;
pub mod text;
pub mod tui;
pub mod ui;
pub mod worker;
pub mod x509;
