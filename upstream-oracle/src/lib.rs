//! Side-by-side comparisons with the upstream `cedar-policy` crate.
//!
//! This crate exists so that `engine` itself never depends on upstream: the
//! hand-written integration tests get their expected answers from here
//! (`expect`), and the benchmark runs both engines on the same inputs.

pub mod bench_data;
pub mod expect;
