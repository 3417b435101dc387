//! Validation of extension-constructor literal arguments
//! (`FunctionArgumentValidation`, docs/semantics.md §9.4): a string literal given
//! to `decimal`, `ip`, `datetime` or `duration` must parse. Uses the same
//! parsers as the evaluator, so validation and evaluation agree exactly.

use crate::ext;

/// `Err(reason)` if `s` is not a valid argument of constructor `name`.
pub(crate) fn check_constructor_arg(name: &str, s: &str) -> Result<(), String> {
    match name {
        "decimal" => ext::decimal::parse(s).map(|_| ()),
        "ip" => ext::ipaddr::parse(s).map(|_| ()),
        "datetime" => ext::datetime::parse_datetime(s).map(|_| ()),
        "duration" => ext::datetime::parse_duration(s).map(|_| ()),
        _ => Ok(()),
    }
}
