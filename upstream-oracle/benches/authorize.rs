//! Authorization throughput, our engine and upstream `cedar-policy` side by
//! side on the same workload (`upstream_oracle::bench_data`: 24 policies,
//! ~200 entities in a depth-4 hierarchy, attributes of every type).
//! Each iteration authorizes the whole batch of `N` requests, so the time
//! per request is the reported time divided by `N`.
//!
//! Run briefly: `cargo bench -p upstream-oracle --bench authorize -- --measurement-time 3`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use upstream_oracle::bench_data;

const N: usize = 100;

fn bench(c: &mut Criterion) {
    let w = bench_data::workload(N);
    let up = bench_data::upstream::prepare(&w);
    let ours = bench_data::ours::prepare(&w);
    // Same inputs, same answers: otherwise the comparison is meaningless.
    assert_eq!(
        bench_data::upstream::answers(&up),
        bench_data::ours::answers(&ours),
        "engines disagree on the workload"
    );

    let mut g = c.benchmark_group("authorize");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("engine", |b| {
        b.iter(|| {
            for r in &ours.requests {
                black_box(ours.authorizer.is_authorized(black_box(r), &ours.entities));
            }
        })
    });
    g.bench_function("upstream", |b| {
        b.iter(|| {
            for r in &up.requests {
                black_box(up.authorizer.is_authorized(black_box(r), &up.policies, &up.entities));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
