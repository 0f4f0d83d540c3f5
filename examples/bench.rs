//! Native speed benchmark: index build and per-challenge latency.
//!
//! ```text
//! python3 ../shared/tools/make_perf_corpus.py 10000 /tmp/perf10k
//! cargo run --release --example bench -- /tmp/perf10k
//! ```
//! Reading and parsing the JSON files is not timed; building the index
//! (analysis of every work) is, as is each challenge against every profile
//! (top 10, with and without explanations), over 3 passes. Prints one JSON
//! line in the same shape as the peers' benchmark.

use coopmatch::import::{read_challenges, read_profiles};
use coopmatch::{MatchOptions, Matcher, Params};
use std::time::Instant;

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(i).copied().unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: bench DATA_DIR")?;
    let profiles = read_profiles(
        &std::fs::read_to_string(format!("{dir}/profiles.jsonl"))?,
        None,
    )?
    .records;
    let challenges = read_challenges(
        &std::fs::read_to_string(format!("{dir}/challenges.jsonl"))?,
        None,
    )?
    .records;

    let mut builds = Vec::new();
    let mut matcher = None;
    for _ in 0..3 {
        let copy = profiles.clone();
        let t = Instant::now();
        let mut m = Matcher::new(Params::default())?;
        m.add_profiles(copy);
        builds.push(t.elapsed().as_secs_f64() * 1e3);
        matcher = Some(m);
    }
    let m = matcher.ok_or("no matcher")?;
    builds.sort_by(f64::total_cmp);

    let run = |explain: bool| -> Result<Vec<f64>, coopmatch::Error> {
        let options = MatchOptions {
            explain,
            ..MatchOptions::default()
        };
        let mut times = Vec::new();
        for _ in 0..3 {
            for c in &challenges {
                let t = Instant::now();
                let r = m.match_challenge(c, &options)?;
                times.push(t.elapsed().as_secs_f64() * 1e3);
                std::hint::black_box(r);
            }
        }
        times.sort_by(f64::total_cmp);
        Ok(times)
    };
    let plain = run(false)?;
    let explained = run(true)?;
    println!(
        "{{\"lib\":\"coopmatch-native\",\"profiles\":{},\"challenges\":{},\"build_ms\":{:.1},\"p50_ms\":{:.3},\"p95_ms\":{:.3},\"explain_p50_ms\":{:.3},\"explain_p95_ms\":{:.3}}}",
        profiles.len(),
        challenges.len(),
        percentile(&builds, 0.5),
        percentile(&plain, 0.5),
        percentile(&plain, 0.95),
        percentile(&explained, 0.5),
        percentile(&explained, 0.95),
    );
    Ok(())
}
