//! Calling extension functions on evaluated arguments (docs/semantics.md §5.1,
//! §5.6): arity first (wrong count → typeError), then argument types
//! (typeError), then the function itself (parse failures and overflow →
//! extensionError).
use super::{datetime, decimal, ipaddr};
use crate::eval::EvalError;
use crate::value::{ExtValue, IpAddrValue, Value};

/// Apply the extension function `name` to already evaluated arguments
/// (a method's receiver first).
pub fn call(name: &str, args: &[Value]) -> Result<Value, EvalError> {
    let Some(f) = super::lookup(name) else {
        return Err(EvalError::extension(format!("unknown extension function `{name}`")));
    };
    if args.len() != f.arity {
        return Err(EvalError::type_error(format!(
            "`{name}` takes {} argument{} but was given {}",
            f.arity,
            if f.arity == 1 { "" } else { "s" },
            args.len()
        )));
    }
    let ext = |e: ExtValue| Ok(Value::Ext(e));
    let b = |x: bool| Ok(Value::Bool(x));
    match name {
        "decimal" => ext(ExtValue::Decimal(decimal::parse(string(name, &args[0])?).map_err(EvalError::extension)?)),
        "ip" => ext(ExtValue::IpAddr(ipaddr::parse(string(name, &args[0])?).map_err(EvalError::extension)?)),
        "datetime" => {
            ext(ExtValue::Datetime(datetime::parse_datetime(string(name, &args[0])?).map_err(EvalError::extension)?))
        }
        "duration" => {
            ext(ExtValue::Duration(datetime::parse_duration(string(name, &args[0])?).map_err(EvalError::extension)?))
        }
        "lessThan" => b(dec(name, &args[0])? < dec(name, &args[1])?),
        "lessThanOrEqual" => b(dec(name, &args[0])? <= dec(name, &args[1])?),
        "greaterThan" => b(dec(name, &args[0])? > dec(name, &args[1])?),
        "greaterThanOrEqual" => b(dec(name, &args[0])? >= dec(name, &args[1])?),
        "isIpv4" => b(ip(name, &args[0])?.addr.is_ipv4()),
        "isIpv6" => b(ip(name, &args[0])?.addr.is_ipv6()),
        "isLoopback" => b(ipaddr::is_loopback(ip(name, &args[0])?)),
        "isMulticast" => b(ipaddr::is_multicast(ip(name, &args[0])?)),
        "isInRange" => {
            let (a, r) = (ip(name, &args[0])?, ip(name, &args[1])?);
            b(ipaddr::is_in_range(a, r))
        }
        "offset" => {
            let (t, d) = (dt(name, &args[0])?, dur(name, &args[1])?);
            match t.checked_add(d) {
                Some(v) => ext(ExtValue::Datetime(v)),
                None => Err(EvalError::extension("overflow in `offset`")),
            }
        }
        "durationSince" => {
            let (t1, t2) = (dt(name, &args[0])?, dt(name, &args[1])?);
            match t1.checked_sub(t2) {
                Some(v) => ext(ExtValue::Duration(v)),
                None => Err(EvalError::extension("overflow in `durationSince`")),
            }
        }
        "toDate" => {
            let t = dt(name, &args[0])?;
            match t.checked_sub(t.rem_euclid(datetime::MS_PER_DAY)) {
                Some(v) => ext(ExtValue::Datetime(v)),
                None => Err(EvalError::extension("overflow in `toDate`")),
            }
        }
        "toTime" => ext(ExtValue::Duration(dt(name, &args[0])?.rem_euclid(datetime::MS_PER_DAY))),
        // Integer division truncates toward zero, as Cedar's conversions do.
        "toMilliseconds" => Ok(Value::Long(dur(name, &args[0])?)),
        "toSeconds" => Ok(Value::Long(dur(name, &args[0])? / 1000)),
        "toMinutes" => Ok(Value::Long(dur(name, &args[0])? / 1000 / 60)),
        "toHours" => Ok(Value::Long(dur(name, &args[0])? / 1000 / 60 / 60)),
        "toDays" => Ok(Value::Long(dur(name, &args[0])? / 1000 / 60 / 60 / 24)),
        _ => Err(EvalError::extension(format!("extension function `{name}` is not implemented"))),
    }
}

fn wrong(name: &str, want: &str, got: &Value) -> EvalError {
    EvalError::type_error(format!("`{name}` expects {want}, got {}", got.type_name()))
}

fn string<'a>(name: &str, v: &'a Value) -> Result<&'a str, EvalError> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(wrong(name, "a string", v)),
    }
}
fn dec(name: &str, v: &Value) -> Result<i64, EvalError> {
    match v {
        Value::Ext(ExtValue::Decimal(d)) => Ok(*d),
        _ => Err(wrong(name, "a decimal", v)),
    }
}
fn ip<'a>(name: &str, v: &'a Value) -> Result<&'a IpAddrValue, EvalError> {
    match v {
        Value::Ext(ExtValue::IpAddr(a)) => Ok(a),
        _ => Err(wrong(name, "an ipaddr", v)),
    }
}
fn dt(name: &str, v: &Value) -> Result<i64, EvalError> {
    match v {
        Value::Ext(ExtValue::Datetime(t)) => Ok(*t),
        _ => Err(wrong(name, "a datetime", v)),
    }
}
fn dur(name: &str, v: &Value) -> Result<i64, EvalError> {
    match v {
        Value::Ext(ExtValue::Duration(d)) => Ok(*d),
        _ => Err(wrong(name, "a duration", v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::ErrorKind;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn ok(name: &str, args: &[Value]) -> Value {
        call(name, args).unwrap_or_else(|e| panic!("{name}: {e:?}"))
    }
    fn kind(name: &str, args: &[Value]) -> ErrorKind {
        call(name, args).expect_err(name).kind
    }
    fn dec(x: &str) -> Value {
        ok("decimal", &[s(x)])
    }
    fn dt(x: &str) -> Value {
        ok("datetime", &[s(x)])
    }
    fn dur(x: &str) -> Value {
        ok("duration", &[s(x)])
    }
    fn ipv(x: &str) -> Value {
        ok("ip", &[s(x)])
    }

    #[test]
    fn constructors_and_errors() {
        assert_eq!(dec("1.0"), dec("1.0000"));
        assert_eq!(kind("decimal", &[s("1")]), ErrorKind::ExtensionError);
        assert_eq!(kind("decimal", &[Value::Long(1)]), ErrorKind::TypeError);
        assert_eq!(kind("decimal", &[]), ErrorKind::TypeError);
        assert_eq!(kind("decimal", &[s("1.0"), s("1.0")]), ErrorKind::TypeError);
        assert_eq!(kind("ip", &[s("::ffff:1.2.3.4")]), ErrorKind::ExtensionError);
        assert_eq!(kind("datetime", &[s("2023-02-29")]), ErrorKind::ExtensionError);
        assert_eq!(kind("duration", &[s("1x")]), ErrorKind::ExtensionError);
        assert_eq!(kind("nosuch", &[]), ErrorKind::ExtensionError);
        // isInRange takes exactly two arguments (no variadic feature).
        assert_eq!(kind("isInRange", &[ipv("1.2.3.4"), ipv("1.2.3.4"), ipv("1.2.3.4")]), ErrorKind::TypeError);
    }

    #[test]
    fn decimal_methods() {
        let (a, b) = (dec("1.5"), dec("-2.0"));
        assert_eq!(ok("lessThan", &[b.clone(), a.clone()]), Value::Bool(true));
        assert_eq!(ok("lessThan", &[a.clone(), a.clone()]), Value::Bool(false));
        assert_eq!(ok("lessThanOrEqual", &[a.clone(), a.clone()]), Value::Bool(true));
        assert_eq!(ok("greaterThan", &[a.clone(), b.clone()]), Value::Bool(true));
        assert_eq!(ok("greaterThanOrEqual", &[b.clone(), a.clone()]), Value::Bool(false));
        assert_eq!(kind("lessThan", &[a.clone(), Value::Long(1)]), ErrorKind::TypeError);
        assert_eq!(kind("lessThan", &[s("1.0"), a]), ErrorKind::TypeError);
    }

    #[test]
    fn ip_methods() {
        assert_eq!(ok("isIpv4", &[ipv("1.2.3.4")]), Value::Bool(true));
        assert_eq!(ok("isIpv6", &[ipv("1.2.3.4")]), Value::Bool(false));
        assert_eq!(ok("isLoopback", &[ipv("127.0.0.1")]), Value::Bool(true));
        assert_eq!(ok("isMulticast", &[ipv("ff00::/8")]), Value::Bool(true));
        assert_eq!(ok("isInRange", &[ipv("1.2.3.4"), ipv("1.2.0.0/16")]), Value::Bool(true));
        assert_eq!(ok("isInRange", &[ipv("1.2.3.4"), ipv("::/0")]), Value::Bool(false));
        assert_eq!(kind("isInRange", &[ipv("1.2.3.4"), s("1.2.0.0/16")]), ErrorKind::TypeError);
        assert_eq!(kind("isIpv4", &[dec("1.0")]), ErrorKind::TypeError);
    }

    #[test]
    fn datetime_methods() {
        let t = dt("2024-10-15T11:38:02Z");
        let later = ok("offset", &[t.clone(), dur("1h")]);
        assert_eq!(later, dt("2024-10-15T12:38:02Z"));
        assert_eq!(ok("durationSince", &[later, t.clone()]), dur("1h"));
        assert_eq!(ok("toDate", std::slice::from_ref(&t)), dt("2024-10-15"));
        assert_eq!(ok("toTime", std::slice::from_ref(&t)), dur("11h38m2s"));
        let before = dt("1969-12-31T23:59:59Z");
        assert_eq!(ok("toDate", std::slice::from_ref(&before)), Value::Ext(ExtValue::Datetime(-86_400_000)));
        assert_eq!(ok("toTime", &[before]), dur("23h59m59s"));
        let max = Value::Ext(ExtValue::Datetime(i64::MAX));
        let min = Value::Ext(ExtValue::Datetime(i64::MIN));
        assert_eq!(kind("offset", &[max.clone(), dur("1ms")]), ErrorKind::ExtensionError);
        assert_eq!(kind("durationSince", &[max, min.clone()]), ErrorKind::ExtensionError);
        assert_eq!(kind("toDate", &[min]), ErrorKind::ExtensionError);
        assert_eq!(kind("offset", &[t.clone(), t.clone()]), ErrorKind::TypeError);
        assert_eq!(kind("toDate", &[dur("1h")]), ErrorKind::TypeError);
    }

    #[test]
    fn duration_methods() {
        let l = |v: i64| Value::Long(v);
        assert_eq!(ok("toMilliseconds", &[dur("1s1ms")]), l(1001));
        assert_eq!(ok("toSeconds", &[dur("-1ms")]), l(0));
        assert_eq!(ok("toSeconds", &[dur("1m59s")]), l(119));
        assert_eq!(ok("toMinutes", &[dur("1h59m")]), l(119));
        assert_eq!(ok("toHours", &[dur("-90m")]), l(-1));
        assert_eq!(ok("toDays", &[dur("47h")]), l(1));
        assert_eq!(ok("toDays", &[dur("-49h")]), l(-2));
        assert_eq!(kind("toDays", &[dt("2024-01-01")]), ErrorKind::TypeError);
    }
}
