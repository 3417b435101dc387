//! Print one generated input readably: `cargo run -p generators --example show -- [MODE] [SEED]`
//! (settings from GEN_PROFILE / GEN_<KEY>).
fn main() {
    let mode: generators::Mode = std::env::args().nth(1).unwrap_or("typed".into()).parse().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let seed: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let s = generators::Settings::from_env().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let i = generators::from_seed(seed, &s, mode);
    if let Some(schema) = &i.schema {
        println!("--- schema ---\n{}", schema.to_cedar_string());
    }
    println!("--- entities ---\n{}", serde_json::to_string_pretty(&i.entities.to_json()).unwrap());
    println!("--- policies ---\n{}", engine::printer::policy_set_to_text(&i.policies));
    for l in &i.policies.links {
        println!("link {} of {}: {:?}", l.new_id, l.template_id, l.values);
    }
    println!("--- requests ---");
    for r in &i.requests {
        println!("{}", r.to_json());
    }
}
