//! The morning report of fuzzing nights (`scripts/report`, `drt report`): one
//! self-contained HTML page with the last run's table, per-target plots over
//! the run history (exec/s, coverage, corpus size; plain inline SVG), the
//! findings of the ledger with their reports and repro commands, the
//! generator's construct coverage (`gen-stats --json`) and links to coverage
//! reports (`scripts/coverage`).
//!
//! Inputs: `fuzz/runs/<run id>/table.json` (the closing table `scripts/fuzz`
//! writes) and `findings.json` (what the ledger update said of that run).

use crate::ledger::{Entry, Ledger, Status};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One target's row of a run's closing table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub target: String,
    pub runs: u64,
    pub exec_per_s: f64,
    pub coverage: f64,
    pub corpus: Option<f64>,
    pub crashes: u64,
    pub model_faults: u64,
    pub new_findings: Option<u64>,
}

/// One run of the history.
#[derive(Debug, Clone)]
pub struct Run {
    pub id: String,
    pub rows: Vec<Row>,
    /// `findings.json` of the run, when the ledger update wrote one.
    pub findings: Option<Json>,
}

fn num(j: &Json, k: &str) -> Option<f64> {
    j.get(k).and_then(Json::as_f64)
}

fn row_from_json(j: &Json, at: &str) -> Result<Row, String> {
    let need = |k: &str| num(j, k).ok_or_else(|| format!("{at}: `{k}` must be a number"));
    Ok(Row {
        target: j
            .get("target")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("{at}: `target` must be a string"))?
            .into(),
        runs: need("runs")? as u64,
        exec_per_s: need("exec_per_s")?,
        coverage: need("coverage")?,
        corpus: num(j, "corpus"),
        crashes: need("crashes")? as u64,
        model_faults: num(j, "model_faults").unwrap_or(0.0) as u64,
        new_findings: num(j, "new_findings").map(|n| n as u64),
    })
}

/// Every run under `runs_dir` with a `table.json`, oldest first (run ids
/// are UTC start times, so they sort by time).
pub fn read_runs(runs_dir: &Path) -> Result<Vec<Run>, String> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(runs_dir) else { return Ok(out) };
    let mut dirs: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for d in dirs {
        let table = d.join("table.json");
        if !table.is_file() {
            continue; // a run that was interrupted before its table
        }
        let text = std::fs::read_to_string(&table).map_err(|e| format!("{}: {e}", table.display()))?;
        let j: Json = serde_json::from_str(&text)
            .map_err(|e| format!("{}: {}:{}: {e}", table.display(), e.line(), e.column()))?;
        let items = j.as_array().ok_or_else(|| format!("{}: expected an array of rows", table.display()))?;
        let rows = items
            .iter()
            .enumerate()
            .map(|(i, r)| row_from_json(r, &format!("{}: at [{i}]", table.display())))
            .collect::<Result<Vec<_>, _>>()?;
        let fj = d.join("findings.json");
        let findings = match std::fs::read_to_string(&fj) {
            Ok(t) => Some(
                serde_json::from_str(&t).map_err(|e| format!("{}: {}:{}: {e}", fj.display(), e.line(), e.column()))?,
            ),
            Err(_) => None,
        };
        let id = d.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        out.push(Run { id, rows, findings });
    }
    Ok(out)
}

/// HTML text escaping.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// `20261206T120000` → `12-06 12:00` (short axis labels); other ids as they are.
fn short_id(id: &str) -> String {
    let b = id.as_bytes();
    if id.len() == 15 && b[8] == b'T' && id.chars().all(|c| c.is_ascii_digit() || c == 'T') {
        format!("{}-{} {}:{}", &id[4..6], &id[6..8], &id[9..11], &id[11..13])
    } else {
        id.to_string()
    }
}

/// A line plot of `points` (run id, value) as inline SVG; runs where the
/// target did not run are left out (the x axis is the run's position).
pub fn svg_plot(title: &str, points: &[(usize, f64)], run_ids: &[String]) -> String {
    const W: f64 = 320.0;
    const H: f64 = 150.0;
    const L: f64 = 52.0; // left margin: y labels
    const R: f64 = 12.0;
    const T: f64 = 22.0; // top: title
    const B: f64 = 30.0; // bottom: x labels
    let n = run_ids.len().max(1);
    let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| (lo.min(*v), hi.max(*v)));
    // The y axis starts at 0 for non-negative series (an honest scale).
    let lo = if points.is_empty() || lo >= 0.0 { 0.0 } else { lo };
    let hi = if points.is_empty() || hi <= lo { lo + 1.0 } else { hi };
    let x = |i: usize| if n == 1 { L + (W - L - R) / 2.0 } else { L + (W - L - R) * i as f64 / (n - 1) as f64 };
    let y = |v: f64| T + (H - T - B) * (1.0 - (v - lo) / (hi - lo));
    let mut s = String::new();
    write!(
        s,
        r#"<svg class="plot" xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" aria-label="{t}">"#,
        t = esc(title)
    )
    .unwrap();
    write!(s, r#"<text x="{L}" y="14" class="title">{}</text>"#, esc(title)).unwrap();
    // Axes and the y range.
    write!(s, r#"<line x1="{L}" y1="{T}" x2="{L}" y2="{}" class="axis"/>"#, H - B).unwrap();
    write!(s, r#"<line x1="{L}" y1="{yb}" x2="{}" y2="{yb}" class="axis"/>"#, W - R, yb = H - B).unwrap();
    write!(s, r#"<text x="{}" y="{}" class="ylab">{}</text>"#, L - 4.0, T + 4.0, fmt_num(hi)).unwrap();
    write!(s, r#"<text x="{}" y="{}" class="ylab">{}</text>"#, L - 4.0, H - B, fmt_num(lo)).unwrap();
    if let (Some(first), Some(last)) = (run_ids.first(), run_ids.last()) {
        write!(s, r#"<text x="{L}" y="{}" class="xlab">{}</text>"#, H - 10.0, esc(&short_id(first))).unwrap();
        if n > 1 {
            write!(s, r#"<text x="{}" y="{}" class="xlab end">{}</text>"#, W - R, H - 10.0, esc(&short_id(last)))
                .unwrap();
        }
    }
    if points.len() > 1 {
        let pts: Vec<String> = points.iter().map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v))).collect();
        write!(s, r#"<polyline points="{}" class="line"/>"#, pts.join(" ")).unwrap();
    }
    for (i, v) in points {
        write!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" class="pt"><title>{}: {}</title></circle>"#,
            x(*i),
            y(*v),
            esc(&run_ids[*i]),
            fmt_num(*v)
        )
        .unwrap();
    }
    s.push_str("</svg>");
    s
}

fn fmt_num(v: f64) -> String {
    if v.fract().abs() < 1e-9 && v.abs() < 1e15 {
        let i = v as i64;
        let d = i.abs().to_string();
        let mut o = String::new();
        for (k, c) in d.chars().enumerate() {
            if k > 0 && (d.len() - k).is_multiple_of(3) {
                o.push(',');
            }
            o.push(c);
        }
        if i < 0 {
            format!("-{o}")
        } else {
            o
        }
    } else {
        format!("{v:.2}")
    }
}

/// Where the parts of the page come from.
pub struct Inputs {
    pub runs: Vec<Run>,
    pub ledger: Ledger,
    /// `gen-stats --json` output, when given.
    pub gen_stats: Option<Json>,
    /// Target → link (relative to the page) of its coverage report.
    pub coverage_links: BTreeMap<String, String>,
}

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { padding: .2em .6em; border-bottom: 1px solid #eee; text-align: right; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
.new { color: #b00020; font-weight: bold; } .known { color: #8a6d00; } .fixed { color: #2e7d32; }
.plots { display: flex; flex-wrap: wrap; gap: .5em; }
svg.plot { background: #fafafa; border: 1px solid #e4e4e4; }
svg .title { font-size: 12px; font-weight: bold; } svg .ylab { font-size: 10px; text-anchor: end; fill: #555; }
svg .xlab { font-size: 10px; fill: #555; } svg .xlab.end { text-anchor: end; }
svg .axis { stroke: #999; } svg .line { fill: none; stroke: #1565c0; stroke-width: 2; } svg .pt { fill: #1565c0; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: 12px; }
code { background: #f0f0f0; padding: 0 .25em; }
.bar { display: inline-block; height: .7em; background: #1565c0; } .rare { color: #b00020; }
";

fn status_name(s: Status) -> &'static str {
    match s {
        Status::New => "new",
        Status::Known => "known",
        Status::Fixed => "fixed",
    }
}

/// The whole page.
pub fn render(inp: &Inputs) -> String {
    let mut h = String::new();
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cedar-drt fuzzing report</title>",
    );
    writeln!(h, "<style>{STYLE}</style></head><body>\n<h1>cedar-drt fuzzing report</h1>").unwrap();
    let last = inp.runs.last();
    writeln!(
        h,
        "<p>{} run(s) in the history{}; {} finding(s) in the ledger.</p>",
        inp.runs.len(),
        last.map_or(String::new(), |r| format!(", the last one <code>{}</code>", esc(&r.id))),
        inp.ledger.entries.len()
    )
    .unwrap();
    last_run_section(&mut h, last, &inp.coverage_links);
    plots_section(&mut h, &inp.runs);
    findings_section(&mut h, &inp.ledger);
    gen_stats_section(&mut h, inp.gen_stats.as_ref());
    h.push_str("</body></html>\n");
    h
}

fn last_run_section(h: &mut String, last: Option<&Run>, coverage: &BTreeMap<String, String>) {
    h.push_str("<h2 id=\"last-run\">Last run</h2>\n");
    let Some(run) = last else {
        h.push_str("<p>No run recorded yet: <code>scripts/fuzz</code> records one in <code>fuzz/runs/</code>.</p>\n");
        return;
    };
    if let Some(f) = &run.findings {
        let n = f.get("findings").and_then(Json::as_array).map_or(0, Vec::len);
        let new = f.get("new").and_then(Json::as_u64).unwrap_or(0);
        writeln!(
            h,
            "<p>Findings in this run: {n} (<span class=\"new\">{new} new</span>, {} known).</p>",
            n as u64 - new.min(n as u64)
        )
        .unwrap();
    }
    h.push_str("<table><tr><th class=\"l\">target</th><th>runs</th><th>exec/s</th><th>coverage</th><th>corpus</th><th>crashes</th><th>model faults</th><th>new findings</th><th class=\"l\">coverage report</th></tr>\n");
    for r in &run.rows {
        let cov = coverage
            .get(&r.target)
            .map_or("—".to_string(), |l| format!("<a href=\"{}\">{}</a>", esc(l), esc(&r.target)));
        writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{cov}</td></tr>",
            esc(&r.target),
            fmt_num(r.runs as f64),
            fmt_num(r.exec_per_s),
            fmt_num(r.coverage),
            r.corpus.map_or("—".into(), fmt_num),
            r.crashes,
            r.model_faults,
            r.new_findings.map_or("—".into(), |n| n.to_string()),
        )
        .unwrap();
    }
    h.push_str("</table>\n");
}

fn plots_section(h: &mut String, runs: &[Run]) {
    h.push_str("<h2 id=\"trends\">Trends per target</h2>\n");
    let ids: Vec<String> = runs.iter().map(|r| r.id.clone()).collect();
    let mut targets: Vec<String> = Vec::new();
    for r in runs {
        for row in &r.rows {
            if !targets.contains(&row.target) {
                targets.push(row.target.clone());
            }
        }
    }
    if targets.is_empty() {
        h.push_str("<p>No runs yet.</p>\n");
        return;
    }
    for t in targets {
        let series = |f: &dyn Fn(&Row) -> Option<f64>| -> Vec<(usize, f64)> {
            runs.iter()
                .enumerate()
                .filter_map(|(i, r)| r.rows.iter().find(|row| row.target == t).and_then(f).map(|v| (i, v)))
                .collect()
        };
        write!(h, "<h3>{}</h3>\n<div class=\"plots\" data-target=\"{}\">", esc(&t), esc(&t)).unwrap();
        h.push_str(&svg_plot("exec/s", &series(&|r| Some(r.exec_per_s)), &ids));
        h.push_str(&svg_plot("coverage", &series(&|r| Some(r.coverage)), &ids));
        h.push_str(&svg_plot("corpus size", &series(&|r| r.corpus), &ids));
        h.push_str("</div>\n");
    }
}

fn findings_section(h: &mut String, ledger: &Ledger) {
    h.push_str("<h2 id=\"findings\">Findings</h2>\n");
    if ledger.entries.is_empty() {
        h.push_str("<p>The ledger is empty: no run has crashed.</p>\n");
        return;
    }
    let mut es: Vec<&Entry> = ledger.entries.values().collect();
    let rank = |s: Status| match s {
        Status::New => 0,
        Status::Known => 1,
        Status::Fixed => 2,
    };
    es.sort_by(|a, b| rank(a.status).cmp(&rank(b.status)).then(b.last_seen.cmp(&a.last_seen)));
    h.push_str("<table><tr><th class=\"l\">signature</th><th class=\"l\">status</th><th>crashes</th><th class=\"l\">first seen</th><th class=\"l\">last seen</th><th class=\"l\">targets</th></tr>\n");
    for e in &es {
        let st = status_name(e.status);
        writeln!(
            h,
            "<tr><td class=\"l\"><a href=\"#f-{}\">{}</a></td><td class=\"l {st}\">{st}</td><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>",
            esc(&crate::ledger::slug(&e.signature)),
            esc(&e.signature),
            e.count,
            esc(&e.first_seen),
            esc(&e.last_seen),
            esc(&e.targets.iter().cloned().collect::<Vec<_>>().join(", "))
        )
        .unwrap();
    }
    h.push_str("</table>\n");
    for e in es {
        let st = status_name(e.status);
        writeln!(
            h,
            "<h3 id=\"f-{}\">{} <span class=\"{st}\">({st})</span></h3>",
            esc(&crate::ledger::slug(&e.signature)),
            esc(&e.signature)
        )
        .unwrap();
        match (&e.example, e.repro_command()) {
            (Some(x), Some(cmd)) => {
                writeln!(
                    h,
                    "<p>Reproduce: <code>{}</code>{}</p>",
                    esc(&cmd),
                    if x.minimized { " (shrunk case)" } else { "" }
                )
                .unwrap();
                if x.report.is_empty() {
                    h.push_str("<p>No readable report (not a disagreement: see the run's log).</p>\n");
                } else {
                    writeln!(h, "<details open><summary>report</summary><pre>{}</pre></details>", esc(&x.report))
                        .unwrap();
                }
            }
            _ => h.push_str("<p>No example recorded.</p>\n"),
        }
    }
}

fn gen_stats_section(h: &mut String, stats: Option<&Json>) {
    h.push_str("<h2 id=\"generator\">Generator construct coverage</h2>\n");
    let Some(s) = stats else {
        h.push_str("<p>Not measured (run <code>scripts/report</code>, which runs <code>gen-stats</code>).</p>\n");
        return;
    };
    let pct = |k: &str| num(s, k).map_or("—".to_string(), |v| format!("{:.1} %", v * 100.0));
    writeln!(
        h,
        "<p>{} inputs of mode <code>{}</code>: allow {}, deny {}, erroring evaluations {}, trivial policies {}.</p>",
        num(s, "inputs").map_or("?".into(), fmt_num),
        esc(s.get("mode").and_then(Json::as_str).unwrap_or("?")),
        pct("allow_share"),
        pct("deny_share"),
        pct("error_share"),
        pct("trivial_share"),
    )
    .unwrap();
    let Some(cs) = s.get("constructs").and_then(Json::as_object) else { return };
    let mut cs: Vec<(&String, f64)> = cs.iter().map(|(k, v)| (k, v.as_f64().unwrap_or(0.0))).collect();
    cs.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(b.0)));
    let rare = cs.iter().filter(|(_, v)| *v < 0.005).count();
    writeln!(h, "<p>{} constructs, {rare} in fewer than 0.5 % of inputs (rarest first).</p>", cs.len()).unwrap();
    h.push_str("<table><tr><th class=\"l\">construct</th><th>share of inputs</th><th class=\"l\"></th></tr>\n");
    for (k, v) in cs {
        let class = if v < 0.005 { " rare" } else { "" };
        writeln!(
            h,
            "<tr><td class=\"l{class}\">{}</td><td>{:.1} %</td><td class=\"l\"><span class=\"bar\" style=\"width:{:.0}px\"></span></td></tr>",
            esc(k),
            v * 100.0,
            (v * 200.0).clamp(1.0, 200.0)
        )
        .unwrap();
    }
    h.push_str("</table>\n");
}

/// `drt report`: read the inputs, write `<out>/index.html`.
pub fn main(
    runs: &Path,
    ledger: &Path,
    gen_stats: Option<&Path>,
    coverage: &Path,
    out: &Path,
) -> std::process::ExitCode {
    match write_report(runs, ledger, gen_stats, coverage, out) {
        Ok(p) => {
            println!("wrote {}", p.display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("drt report: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

pub fn write_report(
    runs: &Path,
    ledger: &Path,
    gen_stats: Option<&Path>,
    coverage: &Path,
    out: &Path,
) -> Result<PathBuf, String> {
    let gen_stats = match gen_stats {
        Some(p) => {
            let t = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Some(serde_json::from_str(&t).map_err(|e| format!("{}: {}:{}: {e}", p.display(), e.line(), e.column()))?)
        }
        None => None,
    };
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let inp = Inputs {
        runs: read_runs(runs)?,
        ledger: Ledger::open(ledger)?,
        gen_stats,
        coverage_links: coverage_links(coverage, out),
    };
    let p = out.join("index.html");
    std::fs::write(&p, render(&inp)).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(p)
}

/// `<coverage>/<target>/index.html` of each target that has one, as a link
/// relative to the report folder (absolute when no relative path exists).
fn coverage_links(coverage: &Path, out: &Path) -> BTreeMap<String, String> {
    let mut links = BTreeMap::new();
    let Ok(rd) = std::fs::read_dir(coverage) else { return links };
    for e in rd.filter_map(|e| e.ok()) {
        let page = e.path().join("index.html");
        if let (true, Some(t)) = (page.is_file(), e.file_name().to_str()) {
            let abs = |p: &Path| std::fs::canonicalize(p).ok();
            let link = match (abs(&page), abs(out)) {
                (Some(pg), Some(o)) => relative(&pg, &o).unwrap_or(pg),
                _ => page.clone(),
            };
            links.insert(t.to_string(), link.to_string_lossy().into());
        }
    }
    links
}

/// `target` relative to folder `base` (both absolute).
fn relative(target: &Path, base: &Path) -> Option<PathBuf> {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut p = PathBuf::new();
    for _ in common..b.len() {
        p.push("..");
    }
    for c in &t[common..] {
        p.push(c);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: &str, eps: f64, cov: f64, corpus: f64) -> Row {
        Row {
            target: t.into(),
            runs: 1000,
            exec_per_s: eps,
            coverage: cov,
            corpus: Some(corpus),
            crashes: 0,
            model_faults: 0,
            new_findings: Some(0),
        }
    }

    #[test]
    fn plots_have_a_point_per_run_and_scale_to_the_box() {
        let ids: Vec<String> = vec!["20261205T010000".into(), "20261206T010000".into(), "20261207T010000".into()];
        let svg = svg_plot("exec/s", &[(0, 500.0), (2, 600.0)], &ids);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<polyline"), "{svg}");
        assert!(svg.contains(">12-05 01:00<") && svg.contains(">12-07 01:00<"), "{svg}");
        // Every coordinate lies inside the 320x150 box.
        for part in svg.split(['"', ' ', ',']).filter_map(|p| p.parse::<f64>().ok()) {
            assert!((0.0..=320.0).contains(&part), "{part} outside the plot in {svg}");
        }
        // One run: one point, no line.
        let one = svg_plot("coverage", &[(0, 10.0)], &ids[..1]);
        assert_eq!((one.matches("<circle").count(), one.contains("<polyline")), (1, false));
    }

    #[test]
    fn the_page_has_the_table_three_plots_per_target_and_escapes_text() {
        let runs = vec![
            Run {
                id: "r1".into(),
                rows: vec![row("abac", 500.0, 6000.0, 40.0), row("rbac", 400.0, 5000.0, 30.0)],
                findings: None,
            },
            Run {
                id: "r2".into(),
                rows: vec![row("abac", 550.0, 6100.0, 44.0)],
                findings: Some(serde_json::json!({"findings": [{"signature": "disagreement/decision"}], "new": 1})),
            },
        ];
        let inp = Inputs {
            runs,
            ledger: Ledger { dir: "x".into(), entries: BTreeMap::new() },
            gen_stats: Some(serde_json::json!({"inputs": 100, "mode": "type-directed", "allow_share": 0.3,
                "constructs": {"like": 0.2, "<toDate>": 0.001}})),
            coverage_links: BTreeMap::from([("abac".to_string(), "../coverage/abac/index.html".to_string())]),
        };
        let page = render(&inp);
        assert_eq!(page.matches("<svg class=\"plot\"").count(), 6, "two targets × three plots");
        // abac ran twice (a line), rbac once (a point).
        assert_eq!(page.matches("<polyline").count(), 3);
        assert!(page.contains("Findings in this run: 1 (<span class=\"new\">1 new</span>, 0 known)"), "{page}");
        assert!(page.contains("<td class=\"l rare\">&lt;toDate&gt;</td>"), "{page}");
        assert!(page.contains("href=\"../coverage/abac/index.html\""));
        assert!(page.contains("The ledger is empty"));
    }

    #[test]
    fn relative_links() {
        assert_eq!(
            relative(Path::new("/w/fuzz/coverage/abac/index.html"), Path::new("/w/fuzz/report")),
            Some(PathBuf::from("../coverage/abac/index.html"))
        );
    }

    #[test]
    fn a_bad_table_is_named_with_its_path() {
        let d = std::env::temp_dir().join(format!("drt-report-bad-{}", std::process::id()));
        let run = d.join("20261206T010000");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("table.json"), r#"[{"target": "abac", "runs": "many"}]"#).unwrap();
        let err = read_runs(&d).unwrap_err();
        assert!(err.contains("table.json: at [0]: `runs` must be a number"), "{err}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
