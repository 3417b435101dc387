//! `drt export`: seeded inputs of a differential target written as tests in
//! Cedar's integration-test format (the writer is [`crate::testfile`]), with
//! the reference model's answers as the expectations. Input `i` is the same
//! input `drt run --seed S --start i --count 1` checks.

use crate::case::AnyCase;
use crate::driver::mix;
use crate::engine::Engine;
use crate::gen::Source;
use crate::targets::Target;
use crate::testfile;
use std::collections::BTreeMap;
use std::path::Path;

/// What an export did.
#[derive(Debug, Default)]
pub struct Summary {
    pub written: usize,
    /// Inputs generated (written or not).
    pub inputs: u64,
    /// Inputs the format cannot hold, counted by reason (the reason's text
    /// up to its first `:`), with one full example each.
    pub not_written: BTreeMap<String, (usize, String)>,
}

impl Summary {
    pub fn skipped(&self) -> usize {
        self.not_written.values().map(|(n, _)| n).sum()
    }
}

/// Write `count` tests of `target` (inputs `mix(seed, 0)`, `mix(seed, 1)`, …)
/// into `dir`, answered by `reference`. Inputs the format cannot hold are
/// counted and passed over; when more than nine in ten are, the export stops
/// with an error rather than search on.
pub fn export(
    target: Target,
    seed: u64,
    count: usize,
    dir: &Path,
    reference: &mut dyn Engine,
) -> Result<Summary, String> {
    if !target.is_differential() {
        return Err(format!("target {} checks a property of our engine and has no inputs to export", target.name()));
    }
    let mut s = Summary::default();
    let limit = (count as u64).saturating_mul(10).max(10);
    let mut i = 0;
    while s.written < count {
        if i >= limit {
            return Err(format!(
                "only {} of {i} inputs fit the integration-test format; the reasons: {}",
                s.written,
                reasons(&s)
            ));
        }
        s.inputs += 1;
        let name = format!("{}-{seed}-{i}", target.name());
        let Some(case) = crate::repro::case_from(target, Source::Seed(mix(seed, i))) else {
            count_skip(&mut s, "the generator built no input".into());
            i += 1;
            continue;
        };
        let answer = match &case {
            AnyCase::Auth(c) => reference.authorize(c).map(|o| testfile::auth_outcome_json(&o)),
            AnyCase::Eval(c) => reference.evaluate(c).map(|o| testfile::eval_outcome_json(&o)),
        }
        .map_err(|f| format!("input {i}: {f}"))?;
        match testfile::cedar_test(&name, &case, &answer) {
            Err(why) => count_skip(&mut s, why),
            Ok(test) => {
                let answers = [(reference.name().to_string(), answer)];
                let note = format!(
                    "drt export --target {t} --seed {seed}: input {i} (replay: drt run --target {t} --seed {seed} --start {i} --count 1)",
                    t = target.name()
                );
                testfile::write_case_as(dir, &name, &case, &answers, reference.name(), &note, Ok(test))
                    .map_err(|e| format!("cannot write {name} into {}: {e}", dir.display()))?;
                s.written += 1;
            }
        }
        i += 1;
    }
    Ok(s)
}

fn count_skip(s: &mut Summary, why: String) {
    let class = why.split(':').next().unwrap_or(&why).to_string();
    s.not_written.entry(class).or_insert((0, why)).0 += 1;
}

/// The reasons inputs were passed over, one `count× reason (e.g. …)` each.
pub fn reasons(s: &Summary) -> String {
    let one = |(c, (n, e)): (&String, &(usize, String))| {
        if c == e {
            format!("{n}× {c}")
        } else {
            format!("{n}× {c} (e.g. {e})")
        }
    };
    s.not_written.iter().map(one).collect::<Vec<_>>().join("; ")
}
