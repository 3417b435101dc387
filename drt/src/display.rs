//! Values written in Cedar syntax for reports (`{"a": [1, User::"x"]}`).

use engine::ast::quote_string;
use engine::value::{ExtValue, Value};

pub fn value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Long(i) => i.to_string(),
        Value::String(s) => quote_string(s),
        Value::EntityUid(u) => u.to_string(),
        Value::Set(s) => format!("[{}]", s.iter().map(value).collect::<Vec<_>>().join(", ")),
        Value::Record(r) => format!(
            "{{{}}}",
            r.iter().map(|(k, v)| format!("{}: {}", quote_string(k), value(v))).collect::<Vec<_>>().join(", ")
        ),
        Value::Ext(x) => match x {
            ExtValue::Decimal(d) => {
                let sign = if *d < 0 { "-" } else { "" };
                let a = d.unsigned_abs();
                format!("decimal(\"{sign}{}.{:04}\")", a / 10_000, a % 10_000)
            }
            ExtValue::IpAddr(ip) => format!("ip(\"{}/{}\")", ip.addr, ip.prefix),
            ExtValue::Datetime(ms) => format!("datetime(\"1970-01-01\").offset(duration(\"{ms}ms\"))"),
            ExtValue::Duration(ms) => format!("duration(\"{ms}ms\")"),
        },
    }
}
