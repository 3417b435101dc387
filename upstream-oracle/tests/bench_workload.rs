//! The benchmark workload is realistic (sizes as promised) and upstream
//! reads it; our engine gives the same answers on every request.

use upstream_oracle::bench_data;

#[test]
fn workload_has_the_promised_shape_and_upstream_reads_it() {
    let w = bench_data::workload(200);
    let n_policies = w.policies.matches("permit(").count() + w.policies.matches("forbid(").count();
    assert!(n_policies >= 20, "{n_policies} policies");
    assert!(w.entities.as_array().unwrap().len() >= 100);
    let up = bench_data::upstream::prepare(&w);
    let answers = bench_data::upstream::answers(&up);
    let allows = answers.iter().filter(|a| a.0).count();
    let errors = answers.iter().filter(|a| !a.2.is_empty()).count();
    let mut per_policy = std::collections::BTreeMap::<String, usize>::new();
    for a in &answers {
        for id in a.1.iter().chain(&a.2) {
            *per_policy.entry(id.clone()).or_default() += 1;
        }
    }
    eprintln!("{allows} allows, {errors} requests with errors; policy hits: {per_policy:?}");
    // A useful mix: some allows, some denies, some errors.
    assert!(allows > 10 && allows < 190, "{allows} allows of 200");
    assert!(errors > 0, "no request errors");
}

#[test]
fn our_engine_agrees_with_upstream_on_the_workload() {
    let w = bench_data::workload(200);
    let up = bench_data::upstream::answers(&bench_data::upstream::prepare(&w));
    let ours = bench_data::ours::answers(&bench_data::ours::prepare(&w));
    for (i, (a, b)) in up.iter().zip(&ours).enumerate() {
        assert_eq!(a, b, "request {i}: {}", w.requests[i]);
    }
}
