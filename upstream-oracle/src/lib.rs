//! Side-by-side comparisons with the upstream `cedar-policy` crate.
//!
//! This crate exists so that `engine` itself never depends on upstream: the
//! hand-written integration tests get their expected answers from here
//! (`expect`), tests written by the harness are checked the way Cedar's own
//! integration-test runner reads them (`cedar_format`, binary `cedar-tests`),
//! and the benchmark runs both engines on the same inputs.

pub mod bench_data;
pub mod cedar_format;
pub mod expect;
