//! The differential core.
//!
//! Every engine implements [`engine::Engine`] and reads a [`case`] — one
//! generated input rendered in Cedar's public formats — through its own
//! front end: our engine parses the Cedar text, the model reads the JSON
//! policy format. [`diff::Differ`] runs all engines on a case and compares
//! ([`compare`]): authorization by decision, reason set and erroring-policy
//! set; evaluation by semantic value or error class. A disagreement becomes a
//! [`diff::Finding`] with a readable [`report`] and a triage bucket; an engine
//! crash or hang is a [`answer::Fault`], never a disagreement. Known
//! discrepancies are listed case by case in [`known`].
//!
//! [`targets`] are shared by the libFuzzer targets (`fuzz/`, via [`fuzzing`])
//! and the seeded driver (`drt run`); [`repro`] turns a crash file into a
//! report and an integration-format test, with structural [`shrink`]ing;
//! [`export`] writes seeded inputs as such tests ([`testfile`] writes both).

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod answer;
pub mod case;
pub mod compare;
pub mod conformance;
pub mod data_validation;
pub mod diff;
pub mod display;
pub mod driver;
pub mod engine;
pub mod entity_validation;
pub mod export;
pub mod fuzzing;
pub mod gen;
pub mod html_report;
pub mod known;
pub mod ledger;
pub mod like;
#[cfg(feature = "model")]
pub mod model;
pub mod model_lines;
pub mod ours;
pub mod pipeline;
pub mod regress;
pub mod report;
pub mod repro;
pub mod schema_text;
pub mod shrink;
pub mod soundness;
pub mod targets;
pub mod testfile;
#[cfg(feature = "upstream")]
pub mod upstream;
pub mod validation;
