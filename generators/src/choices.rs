//! Where the generators' decisions come from.
//!
//! Two drivers implement `Choices`: `ByteSource` reads libFuzzer's bytes via
//! `arbitrary::Unstructured`, `SeededSource` draws from a seeded RNG. The
//! generators only ever ask "a number below n", so both drivers produce the
//! same input types.
//!
//! Exhaustion contract: once the bytes run out, every choice is 0. The
//! generators order their options so that option 0 is always the finite,
//! simplest one (a leaf, the smallest count, `false`), so generation still
//! finishes with a valid input instead of rejecting it.

use arbitrary::Unstructured;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub trait Choices {
    /// A number in `0..n`; 0 when `n <= 1` or when the source is exhausted.
    fn below(&mut self, n: usize) -> usize;
    /// True once no more entropy is available (never for a seeded RNG).
    fn is_exhausted(&self) -> bool;

    /// True with probability `p`; `false` when exhausted (unless `p >= 1`).
    fn flip(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        // Map so that 0 (the exhausted answer) means `false`.
        let r = self.below(1024);
        r >= 1024 - (p * 1024.0).round() as usize
    }
    /// A number in `lo..=hi` (`lo` when exhausted).
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }
    /// An index chosen by weight; the first option with a non-zero weight
    /// when exhausted.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Pick one branch by weight, each weight written next to its branch:
///
/// ```ignore
/// choose!(self.c,
///     3 => self.leaf(env, ty),
///     if self.s.like { 2 } else { 0 } => self.like(env, d),
/// )
/// ```
///
/// One `Choices::weighted` draw over the weights in written order picks the
/// branch, and only that branch is evaluated. A weight of 0 disables its
/// branch. An exhausted byte source gets the first branch with a non-zero
/// weight, so write the simplest, finite branch first.
macro_rules! choose {
    // Branch `$n` of those left, the last one taking whatever remains.
    (@branch $i:ident, $n:expr; $body:expr) => { $body };
    (@branch $i:ident, $n:expr; $body:expr, $($rest:expr),+) => {
        if $i == $n {
            $body
        } else {
            $crate::choices::choose!(@branch $i, $n + 1; $($rest),+)
        }
    };
    ($c:expr, $($w:expr => $body:expr),+ $(,)?) => {{
        let weights: &[u32] = &[$($w),+];
        let branch = $crate::choices::Choices::weighted(&mut *$c, weights);
        $crate::choices::choose!(@branch branch, 0; $($body),+)
    }};
}
pub(crate) use choose;

/// libFuzzer driver: decisions are read from the fuzzer's bytes.
pub struct ByteSource<'a> {
    u: Unstructured<'a>,
}

impl<'a> ByteSource<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        ByteSource { u: Unstructured::new(data) }
    }
    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.u.len()
    }
}

impl Choices for ByteSource<'_> {
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        // `int_in_range` yields the lower bound once the data is empty.
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }
    fn is_exhausted(&self) -> bool {
        self.u.is_empty()
    }
}

/// Seeded driver: the same seed gives the same decisions.
pub struct SeededSource {
    rng: StdRng,
}

impl SeededSource {
    pub fn new(seed: u64) -> Self {
        SeededSource { rng: StdRng::seed_from_u64(seed) }
    }
}

impl Choices for SeededSource {
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.rng.gen_range(0..n)
    }
    fn is_exhausted(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhausted_bytes_choose_zero() {
        let mut b = ByteSource::new(&[]);
        assert!(b.is_exhausted());
        assert_eq!(b.below(10), 0);
        assert!(!b.flip(0.99));
        assert!(b.flip(1.0));
        assert_eq!(b.range(3, 9), 3);
        assert_eq!(b.weighted(&[0, 5, 1]), 1);
    }

    #[test]
    fn choose_evaluates_only_the_weighted_branch() {
        let mut taken = Vec::new();
        // Exhausted: the first branch with a non-zero weight.
        let c = &mut ByteSource::new(&[]);
        let x = choose!(c, 0 => { taken.push(0); 'a' }, 5 => { taken.push(1); 'b' }, 1 => 'c');
        assert_eq!((x, taken.as_slice()), ('b', &[1][..]));
        // The same draw as `weighted` over the weights in written order.
        for seed in 0..50 {
            let (mut a, mut b) = (SeededSource::new(seed), SeededSource::new(seed));
            let c = &mut a;
            let x = choose!(c, 2 => 0, 0 => 1, 3 => 2, 1 => 3);
            assert_eq!(x, b.weighted(&[2, 0, 3, 1]));
        }
    }

    #[test]
    fn bytes_are_read() {
        let mut b = ByteSource::new(&[7, 200]);
        assert_eq!(b.below(10), 7);
        assert!(b.below(256) > 0);
        assert!(b.is_exhausted());
    }

    #[test]
    fn seeded_is_deterministic() {
        let mut a = SeededSource::new(42);
        let mut b = SeededSource::new(42);
        let xs: Vec<usize> = (0..100).map(|_| a.below(1000)).collect();
        let ys: Vec<usize> = (0..100).map(|_| b.below(1000)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().any(|x| *x != xs[0]));
    }
}
