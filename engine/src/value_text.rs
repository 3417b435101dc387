//! Values written as Cedar expressions (for reports and messages).
//! The text parses back to an expression evaluating to the same
//! value: `[1, "a", User::"x", decimal("1.5000"), {"k": ip("10.0.0.1/24")}]`.
use crate::ast::quote_string;
use crate::ext::{datetime, decimal, ipaddr};
use crate::value::{ExtValue, Value};
use std::fmt::Write;

pub fn value_to_cedar(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // i64::MIN has no literal form; `-9223372036854775808` folds to it.
        Value::Long(i) => {
            let _ = write!(out, "{i}");
        }
        Value::String(s) => out.push_str(&quote_string(s)),
        Value::EntityUid(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Set(s) => {
            out.push('[');
            for (i, x) in s.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, x);
            }
            out.push(']');
        }
        Value::Record(r) => {
            out.push('{');
            for (i, (k, x)) in r.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quote_string(k));
                out.push_str(": ");
                write_value(out, x);
            }
            out.push('}');
        }
        Value::Ext(e) => out.push_str(&ext_to_cedar(e)),
    }
}

pub fn ext_to_cedar(e: &ExtValue) -> String {
    match e {
        ExtValue::Decimal(d) => format!("decimal(\"{}\")", decimal::format(*d)),
        ExtValue::IpAddr(a) => format!("ip(\"{}\")", ipaddr::format(a)),
        ExtValue::Duration(d) => format!("duration(\"{}\")", datetime::format_duration(*d)),
        ExtValue::Datetime(t) => match datetime::format_datetime_iso(*t) {
            Some(s) => format!("datetime(\"{s}\")"),
            None => format!("datetime(\"1970-01-01\").offset(duration(\"{}\"))", datetime::format_duration(*t)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::EntityUid;

    #[test]
    fn prints() {
        let v = Value::set([
            Value::Long(-1),
            Value::String("a\"b".into()),
            Value::EntityUid(EntityUid::new("NS::User", "x")),
            Value::record([("k k".into(), Value::Ext(ExtValue::Decimal(15_000)))]),
        ]);
        assert_eq!(value_to_cedar(&v), r#"[-1, "a\"b", NS::User::"x", {"k k": decimal("1.5000")}]"#);
        assert_eq!(ext_to_cedar(&ExtValue::Datetime(1)), r#"datetime("1970-01-01T00:00:00.001Z")"#);
        assert_eq!(
            ext_to_cedar(&ExtValue::Datetime(i64::MAX)),
            r#"datetime("1970-01-01").offset(duration("9223372036854775807ms"))"#
        );
    }

    #[test]
    fn datetime_text_reparses() {
        for t in [0, -1, 1_700_000_000_123, -62_167_219_200_000, 253_402_300_799_999] {
            let s = datetime::format_datetime_iso(t).unwrap();
            assert_eq!(datetime::parse_datetime(&s), Ok(t), "{s}");
        }
    }
}
