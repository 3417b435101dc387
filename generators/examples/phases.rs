//! Rough per-phase generation timings (for tuning the hot path).
fn main() {
    let s = generators::Settings::default();
    let n: u64 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let mut t = [0u128; 4];
    for seed in 0..n {
        let mut c = generators::SeededSource::new(seed);
        let t0 = std::time::Instant::now();
        let mut g = generators::__phases::new(&mut c, &s);
        let t1 = std::time::Instant::now();
        let es = generators::__phases::entities(&mut g);
        let t2 = std::time::Instant::now();
        let ps = generators::__phases::policies(&mut g);
        let t3 = std::time::Instant::now();
        let rs = generators::__phases::requests(&mut g, &es);
        let t4 = std::time::Instant::now();
        std::hint::black_box((es, ps, rs));
        t[0] += (t1 - t0).as_nanos();
        t[1] += (t2 - t1).as_nanos();
        t[2] += (t3 - t2).as_nanos();
        t[3] += (t4 - t3).as_nanos();
    }
    for (name, x) in ["schema+pool", "entities", "policies", "requests"].iter().zip(t) {
        println!("{name:<12} {:8.1} µs", x as f64 / 1000.0 / n as f64);
    }
}
