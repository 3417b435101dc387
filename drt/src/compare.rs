//! Comparing two engines' outcomes, and naming what differs (the bucket)
//! so findings can be triaged and listed precisely.

use crate::answer::{AuthAnswer, EvalAnswer, Outcome, ERROR_CLASSES};
use std::fmt;

/// What differs, most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// One side rejected the input, the other answered.
    Rejection,
    Decision,
    /// Erroring-policy ids differ.
    Errors,
    /// Determining-policy ids differ.
    Reason,
    /// Evaluation: different values, value vs error, or different error class.
    Value,
    /// Validation: a policy valid on one side, invalid on the other.
    Validity,
    /// Validation: an error kind the model names that ours does not.
    ErrorKind,
}

impl Bucket {
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Rejection => "rejection",
            Bucket::Decision => "decision",
            Bucket::Errors => "errors",
            Bucket::Reason => "reason",
            Bucket::Value => "value",
            Bucket::Validity => "validity",
            Bucket::ErrorKind => "error-kind",
        }
    }
    pub fn from_name(s: &str) -> Option<Bucket> {
        [
            Bucket::Rejection,
            Bucket::Decision,
            Bucket::Errors,
            Bucket::Reason,
            Bucket::Value,
            Bucket::Validity,
            Bucket::ErrorKind,
        ]
        .into_iter()
        .find(|b| b.name() == s)
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The outcome of comparing one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The most telling bucket.
    pub bucket: Bucket,
    /// Per differing request (authorization): index and buckets; empty for
    /// whole-case differences (rejection, evaluation).
    pub requests: Vec<(usize, Vec<Bucket>)>,
}

/// Authorization: decision, reason set and erroring-id set per request.
/// Rejected by both sides is agreement (the reasons may be worded
/// differently); rejected by one side only is a disagreement.
pub fn compare_auth(a: &Outcome<Vec<AuthAnswer>>, b: &Outcome<Vec<AuthAnswer>>) -> Option<Difference> {
    match (a, b) {
        (Outcome::Rejected(_), Outcome::Rejected(_)) => None,
        (Outcome::Rejected(_), _) | (_, Outcome::Rejected(_)) => {
            Some(Difference { bucket: Bucket::Rejection, requests: vec![] })
        }
        (Outcome::Answer(xs), Outcome::Answer(ys)) => {
            let mut requests = Vec::new();
            for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                let mut bs = Vec::new();
                if x.decision != y.decision {
                    bs.push(Bucket::Decision);
                }
                if x.errors != y.errors {
                    bs.push(Bucket::Errors);
                }
                if x.reason != y.reason {
                    bs.push(Bucket::Reason);
                }
                if !bs.is_empty() {
                    requests.push((i, bs));
                }
            }
            let bucket = requests.iter().flat_map(|(_, bs)| bs.iter().copied()).min()?;
            Some(Difference { bucket, requests })
        }
    }
}

/// Evaluation. Values are compared semantically: both are `Value`s (the
/// model's JSON read by the engine's value reader), because the JSON text is
/// not canonical — set order, `decimal("1.0")` vs `"1.0000"`, a datetime
/// written as an `offset` call all denote one value.
/// Errors: the error *class* is compared only when both sides name one of
/// the six classes both define (`ERROR_CLASSES`, docs/semantics.md §4.1); Cedar's
/// left-to-right evaluation makes the first error deterministic, so the
/// classes must agree. A class outside that vocabulary (only upstream names
/// such classes; ours and the model fault instead, `answer::spec_error`) is
/// compared only as "some error". Error messages are never compared.
pub fn compare_eval(a: &Outcome<EvalAnswer>, b: &Outcome<EvalAnswer>) -> Option<Difference> {
    let diff = Some(Difference { bucket: Bucket::Value, requests: vec![] });
    match (a, b) {
        (Outcome::Rejected(_), Outcome::Rejected(_)) => None,
        (Outcome::Rejected(_), _) | (_, Outcome::Rejected(_)) => {
            Some(Difference { bucket: Bucket::Rejection, requests: vec![] })
        }
        (Outcome::Answer(x), Outcome::Answer(y)) => match (x, y) {
            (EvalAnswer::Value(v), EvalAnswer::Value(w)) if v == w => None,
            (EvalAnswer::Error(c), EvalAnswer::Error(d)) => {
                let known = |s: &str| ERROR_CLASSES.contains(&s);
                if known(c) && known(d) && c != d {
                    diff
                } else {
                    None
                }
            }
            _ => diff,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::authorizer::Decision;
    use engine::value::Value;

    fn ans(d: Decision, reason: &[&str], errors: &[&str]) -> AuthAnswer {
        AuthAnswer {
            decision: d,
            reason: reason.iter().map(|s| s.to_string()).collect(),
            errors: errors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn auth_buckets() {
        let a = Outcome::Answer(vec![ans(Decision::Allow, &["policy0"], &[]), ans(Decision::Deny, &[], &["policy1"])]);
        assert_eq!(compare_auth(&a, &a.clone()), None);
        let b = Outcome::Answer(vec![ans(Decision::Allow, &["policy0"], &[]), ans(Decision::Deny, &[], &[])]);
        let d = compare_auth(&a, &b).unwrap();
        assert_eq!(d.bucket, Bucket::Errors);
        assert_eq!(d.requests, vec![(1, vec![Bucket::Errors])]);
        let c = Outcome::Answer(vec![ans(Decision::Deny, &[], &[]), ans(Decision::Deny, &[], &["policy1"])]);
        assert_eq!(compare_auth(&a, &c).unwrap().bucket, Bucket::Decision);
        let r: Outcome<Vec<AuthAnswer>> = Outcome::Rejected("x".into());
        assert_eq!(compare_auth(&a, &r).unwrap().bucket, Bucket::Rejection);
        assert_eq!(compare_auth(&r, &Outcome::Rejected("y".into())), None);
    }

    #[test]
    fn eval_rules() {
        let v = |i| Outcome::Answer(EvalAnswer::Value(Value::Long(i)));
        let e = |c: &str| Outcome::Answer(EvalAnswer::Error(c.to_string()));
        assert_eq!(compare_eval(&v(1), &v(1)), None);
        assert!(compare_eval(&v(1), &v(2)).is_some());
        assert!(compare_eval(&v(1), &e("typeError")).is_some());
        assert_eq!(compare_eval(&e("typeError"), &e("typeError")), None);
        assert!(compare_eval(&e("typeError"), &e("attrDoesNotExist")).is_some());
        // A class only one side defines is compared as "some error".
        assert_eq!(compare_eval(&e("typeError"), &e("somethingNew")), None);
    }
}
