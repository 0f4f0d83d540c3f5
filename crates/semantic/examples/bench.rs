//! Native embedding speed: works per second of a given token length on 1
//! and 2 threads.
//!
//! `cargo run --release -p coopmatch-semantic --example bench -- [MODEL]
//! [--tokens 200] [--texts 32] [--rounds 3]`
//!
//! The texts are slices of the mixed Chinese/English fixture cut to the
//! token count asked for (prefix, `<s>` and `</s>` included); the time of an
//! embedding does not depend on what the tokens say.
use coopmatch_semantic::{kernel_name, Model, Role};
use std::time::Instant;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| {
            root.join("../../www/model/e5-small-zh-en.cme")
                .display()
                .to_string()
        });
    let tokens = arg(&args, "--tokens", 200);
    let count = arg(&args, "--texts", 32);
    let rounds = arg(&args, "--rounds", 3);

    let started = Instant::now();
    let model = Model::from_bytes(&std::fs::read(&path).expect("model file")).expect("model");
    println!(
        "loaded {path} in {:.2} s; kernel {}",
        started.elapsed().as_secs_f64(),
        kernel_name()
    );

    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/texts.json")).expect("texts.json"),
    )
    .expect("JSON");
    let long: Vec<char> = fixture["texts"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "long-10000"))
        .and_then(|t| t["text"].as_str())
        .expect("long-10000")
        .chars()
        .collect();
    let texts: Vec<String> = (0..count)
        .map(|i| {
            let start = (i * 97) % (long.len() / 2);
            let mut end = start + 1;
            while end < long.len()
                && model.token_count(
                    &long[start..end + 1].iter().collect::<String>(),
                    Role::Passage,
                ) <= tokens
            {
                end += 1;
            }
            long[start..end].iter().collect()
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mean_tokens = refs
        .iter()
        .map(|t| model.token_count(t, Role::Passage))
        .sum::<usize>() as f64
        / count as f64;
    println!("{count} texts of {mean_tokens:.1} tokens on average");

    for threads in [1, 2] {
        let mut best = f64::INFINITY;
        for _ in 0..rounds {
            let t = Instant::now();
            let out = model.embed_batch(&refs, Role::Passage, threads);
            assert_eq!(out.len(), count);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{threads} thread(s): {:.2} works/s ({:.1} ms per work; best of {rounds} rounds)",
            count as f64 / best,
            best * 1000.0 / count as f64 * threads as f64
        );
    }
}
