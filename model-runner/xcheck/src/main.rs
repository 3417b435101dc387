//! Random and edge-case strings for decimal/ip/datetime/duration, evaluated by
//! upstream cedar-policy and by the model binary: constructors must agree on
//! success vs error and (via upstream equality) on the value; methods must
//! agree on their Bool/Long results.

use cedar_policy::*;
use model_runner::*;
use serde_json::json;
use std::str::FromStr;

struct Rng(u64);
impl Rng { fn next(&mut self) -> u64 { self.0 ^= self.0 << 13; self.0 ^= self.0 >> 7; self.0 ^= self.0 << 17; self.0 }
  fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str { xs[(self.next() % xs.len() as u64) as usize] } }

fn gen(r: &mut Rng, f: &str) -> String {
    let alpha: &[&str] = match f {
        "decimal" => &["0","1","9","-",".","5","00","12345","922337203685477","5808","5807","+"," ","e"],
        "ip" => &["0","1","255","256","01",".",":","::","/","32","33","128","ffff","FFFF","12345","a","g","0:0","1.2.3.4","::1","/0","/01","%","7f00"],
        "datetime" => &["2024","1970","0000","9999","-","01","12","13","29","30","31","02","T","Z","00",":","59","60","23","24",".","123","1","+","0100","2400","1260","+01:00"],
        _ => &["1","0","9223372036854775807","9223372036854775808","d","h","m","s","ms","-","30","24","H","106751991167","+"," "],
    };
    let n = 1 + r.next() % 9;
    (0..n).map(|_| r.pick(alpha)).collect()
}

fn main() {
    let mut client = ModelClient::spawn(ClientConfig::from_env()).unwrap();
    let req = Request::new(EntityUid::from_str(r#"U::"a""#).unwrap(), EntityUid::from_str(r#"A::"b""#).unwrap(), EntityUid::from_str(r#"R::"c""#).unwrap(), Context::empty(), None).unwrap();
    let ents = Entities::empty();
    let mreq = json!({"principal":{"type":"U","id":"a"},"action":{"type":"A","id":"b"},"resource":{"type":"R","id":"c"},"context":{}});
    let mut r = Rng(0x9e3779b97f4a7c15);
    let (mut n, mut bad) = (0, 0);
    let mut extra: Vec<String> = vec![];
    for s in ["1.2.3.4","::ffff:1.2.3.4","1:2:3:4:5:6:7::","::","1::","::1:2:3:4:5:6:7","1:2:3:4:5:6:7:8","1:2:3:4:5:6:7:8::","0.0.0.0/0","255.255.255.255/32","1.2.3.4/000","::/128","::/129","::/0128","a:b:c:d:e:f:0:1/64"] { extra.push(format!("ip|{s}")); }
    for s in ["2024-01-01T00:00:00.000+2359","2024-12-31T23:59:59.999-2359","0000-01-01T00:00:00+2359","9999-12-31T23:59:59-2359","1900-02-29","2000-02-29","2024-1-01","2024-01-01T00:00:00z","2024-01-01t00:00:00Z"] { extra.push(format!("datetime|{s}")); }
    for s in ["1d1h1m1s1ms","0d","1ms1s","-1d-1h","1d1d","9223372036854775807ms","-9223372036854775808ms","106751991167d","-106751991167d","1.5h"] { extra.push(format!("duration|{s}")); }
    for s in ["0.0","-0.0","1.0000","1.00000","-.5","5.","922337203685477.5807","-922337203685477.5809","00000000000000000001.1"] { extra.push(format!("decimal|{s}")); }
    let mut cases: Vec<(String, String)> = extra.iter().map(|e| { let (a, b) = e.split_once('|').unwrap(); (a.to_string(), b.to_string()) }).collect();
    for _ in 0..4000 { let f = ["decimal","ip","datetime","duration"][(r.next()%4) as usize]; cases.push((f.to_string(), gen(&mut r, f))); }
    for (f, s) in cases {
        n += 1;
        let up = eval_expression(&req, &ents, &Expression::from_str(&format!("{f}({:?})", s)).unwrap());
        let m = client.evaluate(&json!({f.as_str(): [{"Value": s}]}), &json!([]), &mreq).unwrap();
        let m = match m { ModelReply::Answer(a) => a, ModelReply::InputRejected(e) => panic!("{e}") };
        let agree = match (&up, &m) {
            (Err(_), EvalAnswer::Error(_)) => true,
            (Ok(_), EvalAnswer::Value(v)) => {
                // check the model's value equals upstream's via upstream itself
                let ext = &v["__extn"];
                let canon = if ext["fn"] == "offset" {
                    format!("datetime(\"1970-01-01\").offset(duration({}))", ext["args"][1]["__extn"]["arg"])
                } else { format!("{}({})", ext["fn"].as_str().unwrap(), ext["arg"]) };
                let e = format!("{f}({:?}) == {canon}", s);
                matches!(eval_expression(&req, &ents, &Expression::from_str(&e).unwrap()), Ok(EvalResult::Bool(true)))
            }
            _ => false,
        };
        if !agree { bad += 1; if bad < 40 { println!("DISAGREE {f}({s:?}): upstream {:?} model {:?}", up.map(|v| v.to_string()).map_err(|e| e.to_string()), m); } }
    }
    println!("{n} constructor cases, {bad} disagreements");
    // Methods on valid values: compare Bool/Long results.
    let mut valid: std::collections::HashMap<&str, Vec<String>> = Default::default();
    let mut r2 = Rng(12345);
    while valid.values().map(|v| v.len()).sum::<usize>() < 1200 {
        let f = ["decimal","ip","datetime","duration"][(r2.next()%4) as usize];
        let s = gen(&mut r2, f);
        if eval_expression(&req, &ents, &Expression::from_str(&format!("{f}({:?})", s)).unwrap()).is_ok() {
            valid.entry(f).or_default().push(s);
        }
    }
    for d in ["1970-01-01","1969-12-31T23:59:59Z","1969-12-31T23:59:59.999Z","0000-01-01","0000-03-01T12:00:00+2359","9999-12-31T23:59:59.999-2359","2024-02-29T01:02:03.004+0130","1900-03-01T00:00:00-0001","2000-02-29","1600-12-31T00:00:00Z","1969-01-01T00:00:00.001+0000","2038-01-19T03:14:08Z"] {
        valid.entry("datetime").or_default().push(d.to_string());
    }
    let (mut n2, mut bad2) = (0, 0);
    let mut check = |text: String, est: serde_json::Value| {
        n2 += 1;
        let up = eval_expression(&req, &ents, &Expression::from_str(&text).unwrap());
        let m = match client.evaluate(&est, &json!([]), &mreq).unwrap() { ModelReply::Answer(a) => a, r => panic!("{r:?}") };
        let agree = match (&up, &m) {
            (Err(_), EvalAnswer::Error(_)) => true,
            (Ok(EvalResult::Bool(b)), EvalAnswer::Value(v)) => v == &json!(b),
            (Ok(EvalResult::Long(l)), EvalAnswer::Value(v)) => v == &json!(l),
            _ => false,
        };
        if !agree { bad2 += 1; if bad2 < 30 { println!("DISAGREE {text}: upstream {:?} model {m:?}", up.map(|v| v.to_string()).map_err(|e| e.to_string())); } }
    };
    let c = |f: &str, s: &str| json!({f: [{"Value": s}]});
    let empty = vec![];
    let ips = valid.get("ip").unwrap_or(&empty).clone();
    for (i, a) in ips.iter().enumerate() {
        for m in ["isIpv4", "isIpv6", "isLoopback", "isMulticast"] {
            check(format!("ip({a:?}).{m}()"), json!({m: [c("ip", a)]}));
        }
        for b in ips.iter().skip(i % 7).step_by(37) {
            check(format!("ip({a:?}).isInRange(ip({b:?}))"), json!({"isInRange": [c("ip", a), c("ip", b)]}));
        }
    }
    for d in valid.get("duration").unwrap_or(&empty) {
        for m in ["toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"] {
            check(format!("duration({d:?}).{m}()"), json!({m: [c("duration", d)]}));
        }
    }
    let epoch = json!({"datetime": [{"Value": "1970-01-01"}]});
    for d in valid.get("datetime").unwrap_or(&empty) {
        check(format!("datetime({d:?}).toTime().toMilliseconds()"), json!({"toMilliseconds": [{"toTime": [c("datetime", d)]}]}));
        check(format!("datetime({d:?}).toDate().durationSince(datetime(\"1970-01-01\")).toMilliseconds()"),
              json!({"toMilliseconds": [{"durationSince": [{"toDate": [c("datetime", d)]}, epoch]}]}));
        for e in valid.get("duration").unwrap_or(&empty).iter().take(5) {
            check(format!("datetime({d:?}).offset(duration({e:?})).durationSince(datetime(\"1970-01-01\")).toMilliseconds()"),
                  json!({"toMilliseconds": [{"durationSince": [{"offset": [c("datetime", d), c("duration", e)]}, epoch]}]}));
        }
    }
    let decs = valid.get("decimal").unwrap_or(&empty).clone();
    for (i, a) in decs.iter().enumerate() {
        for b in decs.iter().skip(i % 5).step_by(23) {
            for m in ["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"] {
                check(format!("decimal({a:?}).{m}(decimal({b:?}))"), json!({m: [c("decimal", a), c("decimal", b)]}));
            }
        }
    }
    println!("{n2} method cases, {bad2} disagreements; valid values: {:?}", valid.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>());
}
