//! `gen-stats`: what the generators produce, over N seeded inputs.
//!
//! gen-stats [--profile P] [--count N] [--mode M] [--seed S] [--set k=v,…] [--json] [--no-eval]

use generators::stats::{goal_constructs, Stats};
use generators::{auth_input_counted, Counts, Mode, SeededSource, Settings};
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    profile: Option<String>,
    count: u64,
    mode: Mode,
    seed: u64,
    overrides: String,
    json: bool,
    eval: bool,
}

fn usage() -> String {
    let mut s = String::from(
        "usage: gen-stats [--profile P] [--count N] [--mode abac|type-directed|rbac] [--seed S] \
         [--set key=value,...] [--json] [--no-eval]\n\nsettings keys (also GEN_<KEY> env vars, GEN_PROFILE):\n",
    );
    for (k, d) in generators::settings::KEYS {
        s.push_str(&format!("  {k:<18} {d}\n"));
    }
    s.push_str(&format!("profiles: {}\n", generators::settings::PROFILES.join(", ")));
    s
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        profile: None,
        count: 1000,
        mode: Mode::TypeDirected,
        seed: 0,
        overrides: String::new(),
        json: false,
        eval: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--profile" => a.profile = Some(val("--profile")?),
            "--count" => a.count = val("--count")?.parse().map_err(|_| "--count needs a number".to_string())?,
            "--mode" => a.mode = val("--mode")?.parse()?,
            "--seed" => a.seed = val("--seed")?.parse().map_err(|_| "--seed needs a number".to_string())?,
            "--set" => {
                a.overrides.push(',');
                a.overrides.push_str(&val("--set")?);
            }
            "--json" => a.json = true,
            "--no-eval" => a.eval = false,
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument `{other}`\n{}", usage())),
        }
    }
    Ok(a)
}

/// Nanoseconds this thread has run on a CPU (Linux `schedstat`).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let settings = (|| {
        let mut s = match &args.profile {
            Some(p) => {
                // The env vars still apply on top of an explicit profile.
                std::env::set_var("GEN_PROFILE", p);
                Settings::from_env()?
            }
            None => Settings::from_env()?,
        };
        s.apply_overrides(&args.overrides)?;
        Ok::<_, generators::SettingsError>(s)
    })();
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gen-stats: {e}");
            return ExitCode::from(2);
        }
    };

    // The authorizer/evaluator may not exist yet in this build: probe once.
    let mut eval = args.eval;
    if eval {
        let probe = generators::from_seed(args.seed, &settings, args.mode);
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let ok = std::panic::catch_unwind(|| Stats::default().add_outcomes(&probe)).is_ok();
        std::panic::set_hook(prev);
        if !ok {
            eprintln!(
                "gen-stats: the engine's authorizer/evaluator is not available (panicked); outcome shares omitted"
            );
            eval = false;
        }
    }

    let mut stats = Stats::default();
    let mut counts = Counts::default();
    for i in 0..args.count {
        // CPU time of this thread where Linux tells it (the machine may be
        // shared), else wall time.
        let (t, c0) = (Instant::now(), thread_cpu_ns());
        let input =
            auth_input_counted(&mut SeededSource::new(args.seed.wrapping_add(i)), &settings, args.mode, &mut counts);
        stats.gen_nanos += match (c0, thread_cpu_ns()) {
            (Some(a), Some(b)) => u128::from(b.saturating_sub(a)),
            _ => t.elapsed().as_nanos(),
        };
        stats.add_structure(&input);
        if eval {
            stats.add_outcomes(&input);
        }
    }
    stats.injections = counts.injected;
    stats.reach = counts.reach;

    if args.json {
        let mut j = stats.to_json();
        j["mode"] = serde_json::json!(args.mode.name());
        j["settings"] = serde_json::json!(settings.describe());
        j["outcomes_measured"] = serde_json::json!(eval);
        println!("{j}");
        return ExitCode::SUCCESS;
    }
    let pct = |x: f64| format!("{:6.2} %", 100.0 * x);
    println!("generator statistics: {} inputs, mode {}", stats.inputs, args.mode);
    println!("settings: {}", settings.describe());
    println!(
        "generation: {:.1} µs (thread CPU time) per input",
        stats.gen_nanos as f64 / 1000.0 / stats.inputs.max(1) as f64
    );
    if eval {
        println!("requests: {}  allow {}  deny {}", stats.requests, pct(stats.allow_share()), pct(stats.deny_share()));
        println!(
            "policy evaluations: {}  erroring {}  satisfied {}",
            stats.evaluations,
            pct(stats.error_share()),
            pct(stats.satisfied_share())
        );
        for (k, v) in &stats.errors {
            println!("  {k:<20} {}", pct(*v as f64 / stats.evaluations.max(1) as f64));
        }
        if stats.unpreparable > 0 {
            println!("inputs the authorizer refused: {}", stats.unpreparable);
        }
    } else {
        println!("allow/deny/error shares: not measured");
    }
    println!("trivial policies: {} of {}", pct(stats.trivial_share()), stats.policies);
    println!("inputs with all requests identical: {}", pct(stats.identical_requests_share()));
    println!("injected errors:");
    for (k, v) in counts.injected.named() {
        println!("  {k:<20} {v}");
    }
    println!("value-space reach (occurrences; each class is a setting):");
    for (k, v) in counts.reach.named() {
        println!("  {k:<20} {v}");
    }
    println!("constructs (share of inputs):");
    let goals = goal_constructs();
    for name in stats.constructs.keys() {
        let mark = if goals.contains(name) { "" } else { " (extra)" };
        println!("  {name:<24} {}{mark}", pct(stats.construct_share(name)));
    }
    let rare = stats.rare_constructs();
    if rare.is_empty() {
        println!("every operator, method and extension function occurs in ≥ 0.5 % of inputs");
    } else {
        println!("BELOW 0.5 %: {}", rare.join(", "));
    }
    ExitCode::SUCCESS
}
