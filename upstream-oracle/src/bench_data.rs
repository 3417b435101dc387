//! A realistic, deterministic authorization workload for benchmarking both
//! engines on identical inputs: a document-sharing app with an
//! Org ← Dept ← Team ← User hierarchy (depth 4), Drive ← Folder ← Doc,
//! attributes of every type (incl. all four extension types), 24 policies
//! and a few hundred requests. Everything is produced as Cedar's public
//! formats (policy text, entities JSON with explicit escapes, request JSON),
//! so each engine parses it with its own readers.

use serde_json::{json, Value as Json};

/// A tiny deterministic generator (SplitMix64), so the workload is the same
/// on every run without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

pub struct Workload {
    pub policies: String,
    /// Entities JSON array with `__entity`/`__extn` escapes.
    pub entities: Json,
    /// Request objects `{principal, action, resource, context}`.
    pub requests: Vec<Json>,
}

fn uid(t: &str, id: impl std::fmt::Display) -> Json {
    json!({"__entity": {"type": t, "id": id.to_string()}})
}

fn ext(f: &str, arg: impl Into<String>) -> Json {
    json!({"__extn": {"fn": f, "arg": arg.into()}})
}

pub const POLICIES: &str = r#"
permit(principal == User::"u0", action, resource);
permit(principal in Org::"acme", action == Action::"view", resource is Doc)
  when { resource.classification <= principal.level && principal.active };
permit(principal, action in [Action::"view", Action::"edit"], resource is Doc)
  when { resource.owner == principal };
permit(principal in Team::"t3", action == Action::"edit", resource in Folder::"f2");
forbid(principal, action, resource is Doc)
  when { resource.classification > 3 }
  unless { principal.roles.contains("security") };
permit(principal is User in Dept::"d1", action == Action::"share", resource is Doc in Drive::"shared")
  when { principal.profile.clearance >= 2 && context.mfa };
forbid(principal, action == Action::"delete", resource)
  unless { principal.roles.containsAny(["admin", "owner"]) };
permit(principal, action == Action::"delete", resource is Doc)
  when { resource.owner == principal && resource.tags.isEmpty() };
permit(principal, action in Action::"readOnly", resource is Doc)
  when { resource.tags.contains("public") };
forbid(principal, action, resource)
  when { !principal.active };
permit(principal, action == Action::"view", resource is Doc)
  when { context.ip.isInRange(resource.network) && !context.ip.isLoopback() };
forbid(principal, action, resource)
  when { context.ip.isInRange(ip("192.168.66.0/24")) };
permit(principal, action == Action::"edit", resource is Doc)
  when { principal has manager && resource.owner has manager && principal == resource.owner.manager };
permit(principal, action == Action::"view", resource is Doc)
  when { context.amount.lessThanOrEqual(principal.budget) && resource.price.lessThan(principal.budget) };
forbid(principal, action == Action::"edit", resource is Doc)
  when { context.now > resource.created.offset(duration("3650d")) };
permit(principal, action == Action::"view", resource is Doc)
  when { context.now.toTime() >= principal.shift_start && context.now.toTime().toHours() - principal.shift_start.toHours() < 8 };
permit(principal, action, resource is Doc)
  when { principal.name like "admin*" && context.mfa };
permit(principal, action == Action::"share", resource)
  when { resource has tags && resource.tags.containsAll(["shareable", "reviewed"]) };
forbid(principal, action == Action::"share", resource is Doc)
  when { resource.classification >= 3 && !(principal in Dept::"d0") };
permit(principal in Team::"t7", action, resource in Folder::"f7")
  when { context.now.durationSince(principal.joined) > duration("30d") };
permit(principal, action == Action::"view", resource is Folder)
  when { principal.level * 2 + 1 > 5 };
permit(principal, action == Action::"view", resource)
  when { if principal.profile has office then principal.profile.office == "HQ" else false };
forbid(principal == User::"u13", action, resource);
permit(principal, action == Action::"edit", resource is Doc)
  when { principal.roles.contains("editor") && resource.classification - principal.level < 1 && context.now.toDate() == datetime("2024-06-15") };
"#;

pub const USERS: usize = 100;
pub const DOCS: usize = 60;

/// The workload with `n_requests` requests (seeded; identical on every run).
pub fn workload(n_requests: usize) -> Workload {
    let mut rng = Rng(0x5EED);
    let mut es = Vec::new();
    let entity = |uid: Json, attrs: Json, parents: Vec<Json>| json!({"uid": uid, "attrs": attrs, "parents": parents});
    es.push(entity(uid("Org", "acme"), json!({}), vec![]));
    for d in 0..5 {
        es.push(entity(uid("Dept", format!("d{d}")), json!({}), vec![uid("Org", "acme")]));
    }
    for t in 0..20 {
        es.push(entity(uid("Team", format!("t{t}")), json!({}), vec![uid("Dept", format!("d{}", t % 5))]));
    }
    let roles = ["admin", "editor", "viewer", "security", "owner", "auditor"];
    for u in 0..USERS {
        let mut user_roles: Vec<&str> = Vec::new();
        for _ in 0..rng.below(3) {
            let r = *rng.pick(&roles);
            if !user_roles.contains(&r) {
                user_roles.push(r);
            }
        }
        let mut profile = json!({"dept": format!("d{}", u % 5), "clearance": rng.below(4)});
        if u % 3 == 0 {
            profile["office"] = json!(if u % 2 == 0 { "HQ" } else { "Remote" });
        }
        let mut attrs = json!({
            "name": if u % 17 == 0 { format!("admin-{u}") } else { format!("user-{u}") },
            "level": rng.below(6),
            "active": u % 11 != 5,
            "roles": user_roles,
            "profile": profile,
            "ip": ext("ip", format!("10.{}.{}.{}/32", u % 4, rng.below(256), rng.below(256))),
            "budget": ext("decimal", format!("{}.{:04}", rng.below(1000), rng.below(10000))),
            "joined": ext("datetime", format!("20{:02}-{:02}-{:02}T08:00:00Z", 10 + rng.below(14), 1 + rng.below(12), 1 + rng.below(28))),
            "shift_start": ext("duration", format!("{}h", rng.below(16))),
        });
        if u >= 10 {
            attrs["manager"] = uid("User", format!("u{}", u / 10));
        }
        let mut parents = vec![uid("Team", format!("t{}", u % 20))];
        if u % 7 == 0 {
            parents.push(uid("Team", format!("t{}", (u + 3) % 20)));
        }
        es.push(entity(uid("User", format!("u{u}")), attrs, parents));
    }
    for d in 0..2 {
        es.push(entity(uid("Drive", if d == 0 { "shared" } else { "private" }), json!({}), vec![]));
    }
    for f in 0..10 {
        es.push(entity(
            uid("Folder", format!("f{f}")),
            json!({}),
            vec![uid("Drive", if f < 6 { "shared" } else { "private" })],
        ));
    }
    let tags = ["public", "shareable", "reviewed", "draft", "finance", "legal"];
    for d in 0..DOCS {
        let mut doc_tags: Vec<&str> = Vec::new();
        for _ in 0..rng.below(4) {
            let t = *rng.pick(&tags);
            if !doc_tags.contains(&t) {
                doc_tags.push(t);
            }
        }
        let attrs = json!({
            "owner": uid("User", format!("u{}", rng.below(USERS as u64))),
            "classification": rng.below(5),
            "tags": doc_tags,
            "created": ext("datetime", format!("20{:02}-{:02}-{:02}", 10 + rng.below(15), 1 + rng.below(12), 1 + rng.below(28))),
            "price": ext("decimal", format!("{}.{:02}", rng.below(500), rng.below(100))),
            "network": ext("ip", format!("10.{}.0.0/16", d % 4)),
        });
        es.push(entity(uid("Doc", format!("doc{d}")), attrs, vec![uid("Folder", format!("f{}", d % 10))]));
    }
    es.push(entity(uid("Action", "readOnly"), json!({}), vec![]));
    for a in ["view", "edit", "delete", "share"] {
        let parents = if a == "view" { vec![uid("Action", "readOnly")] } else { vec![] };
        es.push(entity(uid("Action", a), json!({}), parents));
    }

    let actions = ["view", "view", "view", "edit", "edit", "delete", "share"];
    let requests = (0..n_requests)
        .map(|_| {
            let resource = if rng.below(8) == 0 {
                uid("Folder", format!("f{}", rng.below(10)))
            } else {
                uid("Doc", format!("doc{}", rng.below(DOCS as u64)))
            };
            let ip = match rng.below(10) {
                0 => "127.0.0.1".to_string(),
                1 => format!("192.168.66.{}", rng.below(256)),
                _ => format!("10.{}.{}.{}", rng.below(4), rng.below(256), rng.below(256)),
            };
            json!({
                "principal": uid("User", format!("u{}", rng.below(USERS as u64 + 3))),
                "action": uid("Action", rng.pick(&actions)),
                "resource": resource,
                "context": {
                    "mfa": rng.below(2) == 0,
                    "ip": ext("ip", ip),
                    "amount": ext("decimal", format!("{}.{:02}", rng.below(800), rng.below(100))),
                    "now": ext("datetime", format!("2024-06-{:02}T{:02}:{:02}:00Z", 14 + rng.below(3), rng.below(24), rng.below(60))),
                },
            })
        })
        .collect();
    Workload { policies: POLICIES.to_string(), entities: Json::Array(es), requests }
}

/// Upstream's side of the workload, parsed.
pub mod upstream {
    use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request};

    pub struct Prepared {
        pub policies: PolicySet,
        pub entities: Entities,
        pub requests: Vec<Request>,
        pub authorizer: Authorizer,
    }

    pub fn prepare(w: &super::Workload) -> Prepared {
        let policies: PolicySet = w.policies.parse().expect("upstream parses the bench policies");
        let entities = Entities::from_json_value(w.entities.clone(), None).expect("upstream reads the bench entities");
        let requests = w
            .requests
            .iter()
            .map(|r| {
                let u = |k: &str| EntityUid::from_json(r[k].clone()).expect("uid");
                let ctx = Context::from_json_value(r["context"].clone(), None).expect("context");
                Request::new(u("principal"), u("action"), u("resource"), ctx, None).expect("request")
            })
            .collect();
        Prepared { policies, entities, requests, authorizer: Authorizer::new() }
    }

    /// (decision is allow, reason ids, error ids) for every request.
    pub fn answers(p: &Prepared) -> Vec<(bool, Vec<String>, Vec<String>)> {
        p.requests
            .iter()
            .map(|r| {
                let resp = p.authorizer.is_authorized(r, &p.policies, &p.entities);
                let mut reason: Vec<String> = resp.diagnostics().reason().map(|i| i.to_string()).collect();
                let mut errors: Vec<String> = resp
                    .diagnostics()
                    .errors()
                    .map(|e| match e {
                        cedar_policy::AuthorizationError::PolicyEvaluationError(e) => e.policy_id().to_string(),
                    })
                    .collect();
                reason.sort();
                errors.sort();
                (resp.decision() == Decision::Allow, reason, errors)
            })
            .collect()
    }
}

/// Our engine's side of the workload, parsed.
pub mod ours {
    use engine::authorizer::{Authorizer, Decision};
    use engine::entities::Entities;
    use engine::request::Request;

    pub struct Prepared {
        pub authorizer: Authorizer,
        pub entities: Entities,
        pub requests: Vec<Request>,
    }

    pub fn prepare(w: &super::Workload) -> Prepared {
        let ps = engine::parser::parse_policy_set(&w.policies).expect("engine parses the bench policies");
        let authorizer = Authorizer::new(&ps).expect("engine prepares the bench policies");
        let entities = Entities::from_json(&w.entities, None).expect("engine reads the bench entities");
        let requests =
            w.requests.iter().map(|r| Request::from_json(r, None).expect("engine reads a bench request")).collect();
        Prepared { authorizer, entities, requests }
    }

    pub fn answers(p: &Prepared) -> Vec<(bool, Vec<String>, Vec<String>)> {
        p.requests
            .iter()
            .map(|r| {
                let resp = p.authorizer.is_authorized(r, &p.entities);
                let reason: Vec<String> = resp.reason.iter().map(|i| i.0.clone()).collect();
                let mut errors: Vec<String> = resp.errors.iter().map(|e| e.id.0.clone()).collect();
                errors.sort();
                errors.dedup();
                (resp.decision == Decision::Allow, reason, errors)
            })
            .collect()
    }
}
