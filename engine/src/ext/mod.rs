//! Extension types and functions (docs/semantics.md §5).
//!
//! `FUNCTIONS` is the one table of extension functions: the parser uses it to
//! accept calls in the right style, the printer to print them back, the
//! evaluator to dispatch and the validator to type them.

/// How a function is written in policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStyle {
    /// `decimal("1.0")`
    Function,
    /// `a.lessThan(b)`: the receiver is the first argument.
    Method,
}

/// Name, call style and number of arguments (counting a method's receiver).
pub struct ExtFunction {
    pub name: &'static str,
    pub style: CallStyle,
    pub arity: usize,
}

const fn f(name: &'static str, style: CallStyle, arity: usize) -> ExtFunction {
    ExtFunction { name, style, arity }
}

use CallStyle::{Function as Fun, Method as Met};

pub const FUNCTIONS: &[ExtFunction] = &[
    f("decimal", Fun, 1),
    f("lessThan", Met, 2),
    f("lessThanOrEqual", Met, 2),
    f("greaterThan", Met, 2),
    f("greaterThanOrEqual", Met, 2),
    f("ip", Fun, 1),
    f("isIpv4", Met, 1),
    f("isIpv6", Met, 1),
    f("isLoopback", Met, 1),
    f("isMulticast", Met, 1),
    f("isInRange", Met, 2),
    f("datetime", Fun, 1),
    f("duration", Fun, 1),
    f("offset", Met, 2),
    f("durationSince", Met, 2),
    f("toDate", Met, 1),
    f("toTime", Met, 1),
    f("toMilliseconds", Met, 1),
    f("toSeconds", Met, 1),
    f("toMinutes", Met, 1),
    f("toHours", Met, 1),
    f("toDays", Met, 1),
];

pub fn lookup(name: &str) -> Option<&'static ExtFunction> {
    FUNCTIONS.iter().find(|e| e.name == name)
}

// Implementations; the table above stays the single
// source of names, styles and arities.
pub mod datetime;
pub mod decimal;
mod dispatch;
pub mod ipaddr;
pub use dispatch::call;
