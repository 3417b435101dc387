//! How many fuzzer bytes a full-size input consumes (for choosing -max_len).
fn main() {
    let s = generators::Settings::from_env().unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut used = Vec::new();
    let mut stats = generators::stats::Stats::default();
    for _ in 0..2000 {
        let data: Vec<u8> = (0..65536)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let mut src = generators::ByteSource::new(&data);
        let i = generators::auth_input(&mut src, &s, generators::Mode::TypeDirected);
        used.push(data.len() - src.remaining());
        stats.add_structure(&i);
    }
    used.sort();
    println!(
        "bytes consumed per type-directed input: median {} p90 {} max {}",
        used[used.len() / 2],
        used[used.len() * 9 / 10],
        used[used.len() - 1]
    );
    for n in [256usize, 1024, 4096] {
        let mut pols = 0;
        for k in 0..500u64 {
            let data: Vec<u8> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x ^ k) as u8
                })
                .collect();
            pols += generators::from_bytes(&data, &s, generators::Mode::TypeDirected).policies.policies.len();
        }
        println!("{n:5} bytes: {:.2} policies per input on average", pols as f64 / 500.0);
    }
}
