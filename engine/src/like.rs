//! `s like p` (docs/semantics.md §4.9): literal pattern items match one equal
//! Unicode scalar value, a wildcard any run of zero or more.
//!
//! Greedy matching that remembers only the most recent wildcard: when a
//! literal mismatches, the last wildcard absorbs one more character and
//! matching resumes after it. This is correct for patterns whose only
//! metacharacter is `*` (an earlier wildcard never needs to absorb more,
//! because the later one can absorb anything the earlier would have), and
//! runs in O(|s|·|p|) time — no exponential backtracking.
use crate::ast::{Pattern, PatternElem};

pub fn matches(s: &str, p: &Pattern) -> bool {
    let p = &p.0;
    let (mut si, mut pi) = (0usize, 0usize); // byte index into s, index into p
    let mut resume: Option<(usize, usize)> = None; // (pattern index after the last `*`, text index it matched up to)
    while si < s.len() {
        // `si` is always at a char boundary.
        let c = s[si..].chars().next().unwrap_or('\0');
        match p.get(pi) {
            Some(PatternElem::Char(pc)) if *pc == c => {
                pi += 1;
                si += c.len_utf8();
            }
            Some(PatternElem::Wildcard) => {
                pi += 1;
                resume = Some((pi, si));
            }
            _ => match resume {
                Some((rp, rs)) => {
                    let skipped = s[rs..].chars().next().map_or(1, char::len_utf8);
                    resume = Some((rp, rs + skipped));
                    pi = rp;
                    si = rs + skipped;
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|e| *e == PatternElem::Wildcard)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `*` is a wildcard, every other char literal (test helper only).
    fn pat(s: &str) -> Pattern {
        Pattern(s.chars().map(|c| if c == '*' { PatternElem::Wildcard } else { PatternElem::Char(c) }).collect())
    }

    #[test]
    fn basics() {
        for (s, p, want) in [
            ("", "", true),
            ("", "*", true),
            ("", "**", true),
            ("a", "", false),
            ("", "a", false),
            ("ab", "a**b", true),
            ("a\nb", "a*b", true),
            ("abc", "a?c", false),
            ("a?c", "a?c", true),
            ("abc", "*c", true),
            ("abc", "*b", false),
            ("abcabd", "*abd", true),
            ("abcab", "a*b*b", true),
            ("mississippi", "m*iss*ppi", true),
            ("mississippi", "m*iss*ppx", false),
            ("Ab", "ab", false),
            ("héllo wörld", "h*ö*d", true),
            ("日本語", "*本*", true),
            ("日本語", "?本?", false),
            ("aaa", "a*a*a*a", false),
        ] {
            assert_eq!(matches(s, &pat(p)), want, "{s:?} like {p:?}");
        }
    }

    #[test]
    fn literal_star_vs_wildcard() {
        let p = Pattern(vec![PatternElem::Char('a'), PatternElem::Char('*')]);
        assert!(matches("a*", &p));
        assert!(!matches("ab", &p));
    }

    #[test]
    fn no_blowup() {
        let s = "a".repeat(20_000);
        let p = pat(&("*a".repeat(50) + "b"));
        let t = std::time::Instant::now();
        assert!(!matches(&s, &p));
        assert!(t.elapsed().as_secs() < 5);
    }
}
