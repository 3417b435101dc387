//! An independent `like` matcher: dynamic programming over Unicode scalar
//! values (not the engine's algorithm), the oracle of the `like-matching`
//! target.

use engine::ast::{Pattern, PatternElem};

/// Does `s` match `p`? `m[j]` = "the first i characters of `s` match the
/// first j pattern elements", updated one character at a time.
pub fn dp_match(p: &Pattern, s: &str) -> bool {
    let pe = &p.0;
    let mut m = vec![false; pe.len() + 1];
    m[0] = true;
    for j in 0..pe.len() {
        m[j + 1] = m[j] && pe[j] == PatternElem::Wildcard;
    }
    for c in s.chars() {
        let mut next = vec![false; pe.len() + 1];
        for j in 0..pe.len() {
            next[j + 1] = match pe[j] {
                // A star absorbs this character, or matches empty here.
                PatternElem::Wildcard => m[j + 1] || next[j],
                PatternElem::Char(d) => m[j] && c == d,
            };
        }
        m = next;
    }
    m[pe.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Pattern {
        Pattern(s.chars().map(|c| if c == '*' { PatternElem::Wildcard } else { PatternElem::Char(c) }).collect())
    }

    #[test]
    fn matches() {
        assert!(dp_match(&pat(""), ""));
        assert!(!dp_match(&pat(""), "a"));
        assert!(dp_match(&pat("*"), ""));
        assert!(dp_match(&pat("a*c"), "abbbc"));
        assert!(dp_match(&pat("a*c"), "ac"));
        assert!(!dp_match(&pat("a*c"), "acb"));
        assert!(dp_match(&pat("**a**"), "bab"));
        assert!(dp_match(&pat("é*"), "éx"));
        let lit_star = Pattern(vec![PatternElem::Char('*')]);
        assert!(dp_match(&lit_star, "*"));
        assert!(!dp_match(&lit_star, "a"));
    }
}
