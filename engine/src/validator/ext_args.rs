//! Validation of extension-constructor literal arguments
//! (`FunctionArgumentValidation`, language doc §8.4): a string literal given
//! to `decimal`, `ip`, `datetime` or `duration` must parse.

/// `Err(reason)` if `s` is not a valid argument of constructor `name`.
pub(crate) fn check_constructor_arg(name: &str, s: &str) -> Result<(), String> {
    // Placeholder until the extension parsers land on main.
    let _ = (name, s);
    Ok(())
}
