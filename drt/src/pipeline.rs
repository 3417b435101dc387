//! Sending ahead ("start now, collect later"): how the model computes while
//! we work. The mechanism is here (the job, the engine-side queue, the
//! driver's in-flight inputs); elsewhere an engine implements one method,
//! [`crate::engine::Engine::send_ahead`], and the [`Differ`] calls it.
//!
//! The model is another process. Asked and waited on one input at a time, it
//! would idle while we generate an input, run our engine and compare, and we
//! would idle while it computes. So:
//!
//! 1. **Send ahead.** [`crate::engine::Engine::send_ahead`] hands an engine a [`Job`] before
//!    anyone asks for its answer. In-process engines ignore it. The model
//!    writes the job to its process at once and keeps what it sent in a
//!    [`SentAhead`] queue (a failure to send is kept there too, and becomes
//!    that job's fault).
//! 2. **Judge.** The [`Differ`] then asks every engine for its answer
//!    (`authorize`, `evaluate`, `validate`) and compares. An engine answers
//!    a job it got ahead from its queue ([`SentAhead::take`]) and computes any
//!    other job on the spot, so sending ahead never changes an answer, only
//!    the waiting. `Differ::check_auth` (and `check_eval`, `check_validate`)
//!    is the two steps for one case: every engine gets the case before any is
//!    asked, so the model computes while our engine runs.
//! 3. **Keep inputs in flight.** The seeded driver runs a target through a
//!    [`Pipeline`]: inputs are generated and sent ahead [`DEPTH`] at a time and
//!    judged in order, so the model has the next input queued while we judge
//!    this one. The libFuzzer targets get one input at a time (`Target::run`:
//!    steps 1 and 2 only).
//!
//! An answer is only ever taken for the job it was sent for (jobs are
//! compared by value). Jobs queued ahead of it and never asked for (a driver
//! that stopped early, our engine panicking first) are dropped, and the model
//! client discards their replies.

use crate::answer::Fault;
use crate::case::{AuthCase, EvalCase};
use crate::diff::{Differ, Verdict};
use crate::driver::mix;
use crate::gen::Source;
use crate::targets::{Prepared, Target};
use crate::validation::ValidationCase;
use std::collections::VecDeque;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What an engine may be asked to answer.
#[derive(Debug, Clone, Copy)]
pub enum Job<'a> {
    Authorize(&'a AuthCase),
    Evaluate(&'a EvalCase),
    Validate(&'a ValidationCase),
}

/// A job kept to recognise its answer.
enum SentJob {
    Authorize(AuthCase),
    Evaluate(EvalCase),
    Validate(ValidationCase),
}

impl SentJob {
    fn of(job: Job<'_>) -> SentJob {
        match job {
            Job::Authorize(c) => SentJob::Authorize(c.clone()),
            Job::Evaluate(c) => SentJob::Evaluate(c.clone()),
            Job::Validate(c) => SentJob::Validate(c.clone()),
        }
    }
    fn is(&self, job: Job<'_>) -> bool {
        match (self, job) {
            (SentJob::Authorize(a), Job::Authorize(b)) => a == b,
            (SentJob::Evaluate(a), Job::Evaluate(b)) => a == b,
            (SentJob::Validate(a), Job::Validate(b)) => a == b,
            _ => false,
        }
    }
}

/// An out-of-process engine's jobs sent ahead and not yet answered, oldest
/// first, each with what sending it gave (`S`: a handle to the reply, or the
/// fault).
pub struct SentAhead<S> {
    queue: VecDeque<(SentJob, Result<S, Fault>)>,
}

impl<S> Default for SentAhead<S> {
    fn default() -> Self {
        SentAhead { queue: VecDeque::new() }
    }
}

impl<S> SentAhead<S> {
    pub fn push(&mut self, job: Job<'_>, sent: Result<S, Fault>) {
        self.queue.push_back((SentJob::of(job), sent));
    }

    /// What was sent for `job`, if it was sent ahead; older jobs nobody asked
    /// for are dropped on the way.
    pub fn take(&mut self, job: Job<'_>) -> Option<Result<S, Fault>> {
        while let Some((sent_job, sent)) = self.queue.pop_front() {
            if sent_job.is(job) {
                return Some(sent);
            }
        }
        None
    }
}

/// How many inputs are with the engines while the oldest is judged: the
/// model always has the next input queued while it answers this one.
pub const DEPTH: usize = 2;

/// One target's seeded inputs `range`, generated and sent ahead [`DEPTH`] at
/// a time, judged in order. Each input is still judged on its own; only the
/// waiting overlaps.
pub struct Pipeline {
    target: Target,
    seed: u64,
    next: Range<u64>,
    /// Generated inputs with their index (or the generator's panic message).
    in_flight: VecDeque<(u64, Result<Prepared, String>)>,
}

impl Pipeline {
    pub fn new(target: Target, seed: u64, range: Range<u64>) -> Pipeline {
        Pipeline { target, seed, next: range, in_flight: VecDeque::new() }
    }

    /// The next input's index and verdict, or the message of a panic while
    /// generating or judging it.
    pub fn next(&mut self, d: &mut Differ) -> Option<(u64, Result<Verdict, String>)> {
        while self.in_flight.len() < DEPTH {
            let Some(i) = self.next.next() else { break };
            let (t, seed) = (self.target, mix(self.seed, i));
            let p = catch_unwind(AssertUnwindSafe(|| t.prepare(Source::Seed(seed)))).map_err(panic_message);
            if let Some(job) = p.as_ref().ok().and_then(Prepared::job) {
                d.send_ahead(job);
            }
            self.in_flight.push_back((i, p));
        }
        let (i, p) = self.in_flight.pop_front()?;
        let verdict = p.and_then(|p| catch_unwind(AssertUnwindSafe(|| self.target.judge(p, d))).map_err(panic_message));
        Some((i, verdict))
    }
}

/// The message of a caught panic.
fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "non-string panic".into())
}
