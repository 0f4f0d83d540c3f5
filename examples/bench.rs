//! Native speed benchmark: parsing, index build and per-challenge latency.
//!
//! ```text
//! python3 ../shared/tools/make_perf_corpus.py 10000 /tmp/perf10k
//! cargo run --release --example bench -- /tmp/perf10k
//! cargo run --release --example bench -- /tmp/perf10k --build-only --runs 1
//! cargo run --release --example bench -- /tmp/perf100k --index /tmp/perf100k/data.cmx
//! ```
//! Parsing the profiles' JSONL and building the index (analysis of every
//! work) are timed separately, as is each challenge against every profile
//! (top 10, with and without explanations). Everything runs `--runs`
//! times (default 3) and the medians are printed as one JSON line in the
//! shape of the peers' benchmark. `--build-only` parses and builds once
//! per run and skips the challenges: the case to run under a profiler
//! (`valgrind --tool=callgrind`), whose instruction counts do not depend
//! on the machine's load. `--index FILE` loads a prebuilt index (`coopmatch
//! index`) instead of parsing and building, and times that load.

use coopmatch::import::{read_challenges, read_profiles};
use coopmatch::{MatchOptions, Matcher, Params};
use std::time::Instant;

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(i).copied().unwrap_or(0.0)
}

fn millis_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

struct Args {
    dir: String,
    runs: usize,
    build_only: bool,
    index: Option<String>,
}

fn args() -> Result<Args, String> {
    let usage = "usage: bench DATA_DIR [--runs N] [--build-only] [--index FILE.cmx]";
    let mut dir = None;
    let mut index = None;
    let mut runs = 3;
    let mut build_only = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--build-only" => build_only = true,
            "--index" => index = Some(it.next().ok_or(usage)?),
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or(usage)?
            }
            _ if dir.is_none() && !a.starts_with("--") => dir = Some(a),
            _ => return Err(usage.into()),
        }
    }
    Ok(Args {
        dir: dir.ok_or(usage)?,
        runs,
        build_only,
        index,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Args {
        dir,
        runs,
        build_only,
        index,
    } = args()?;
    let mut matcher = None;
    let summary = match index {
        Some(file) => {
            let bytes = std::fs::read(&file)?;
            let mut loads = Vec::new();
            for _ in 0..runs {
                let t = Instant::now();
                let m = Matcher::from_index(&bytes)?;
                loads.push(millis_since(t));
                drop(matcher.replace(m));
            }
            loads.sort_by(f64::total_cmp);
            format!(
                "\"lib\":\"coopmatch-native\",\"profiles\":{},\"index_mb\":{:.1},\"load_index_ms\":{:.1}",
                matcher.as_ref().map_or(0, Matcher::len),
                bytes.len() as f64 / 1e6,
                percentile(&loads, 0.5)
            )
        }
        None => {
            let profiles_text = std::fs::read_to_string(format!("{dir}/profiles.jsonl"))?;
            let mut parses = Vec::new();
            let mut builds = Vec::new();
            let mut count = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let profiles = read_profiles(&profiles_text, None)?.records;
                parses.push(millis_since(t));
                count = profiles.len();
                let t = Instant::now();
                let mut m = Matcher::new(Params::default())?;
                m.add_profiles(profiles);
                builds.push(millis_since(t));
                // Dropping the previous matcher is not part of a build.
                drop(matcher.replace(m));
            }
            parses.sort_by(f64::total_cmp);
            builds.sort_by(f64::total_cmp);
            format!(
                "\"lib\":\"coopmatch-native\",\"profiles\":{count},\"parse_ms\":{:.1},\"build_ms\":{:.1}",
                percentile(&parses, 0.5),
                percentile(&builds, 0.5),
            )
        }
    };
    let m = matcher.ok_or("no matcher")?;
    if build_only {
        println!("{{{summary}}}");
        return Ok(());
    }

    let challenges = read_challenges(
        &std::fs::read_to_string(format!("{dir}/challenges.jsonl"))?,
        None,
    )?
    .records;
    let run = |explain: bool| -> Result<Vec<f64>, coopmatch::Error> {
        let options = MatchOptions {
            explain,
            ..MatchOptions::default()
        };
        let mut times = Vec::new();
        for _ in 0..runs {
            for c in &challenges {
                let t = Instant::now();
                let r = m.match_challenge(c, &options)?;
                times.push(millis_since(t));
                std::hint::black_box(r);
            }
        }
        times.sort_by(f64::total_cmp);
        Ok(times)
    };
    let plain = run(false)?;
    let explained = run(true)?;
    println!(
        "{{{summary},\"challenges\":{},\"p50_ms\":{:.3},\"p95_ms\":{:.3},\"explain_p50_ms\":{:.3},\"explain_p95_ms\":{:.3}}}",
        challenges.len(),
        percentile(&plain, 0.5),
        percentile(&plain, 0.95),
        percentile(&explained, 0.5),
        percentile(&explained, 0.95),
    );
    Ok(())
}
