//! Cross-language sanity check on a bilingual pair set (the same paper
//! described in Chinese and in English): for the first N pairs, the share
//! of challenges whose own counterpart ranks first among the N candidate
//! profiles (P@1), with raw cosine and with each language's mean embedding
//! subtracted (then renormalised), in both directions.
//!
//! `cargo run --release -p coopmatch-semantic --example xling -- \
//!     ../shared/data/xling-dev/stress [--pairs 300] [--model PATH] [--full-vocabulary E5S1_PATH]`
//!
//! The set's folder holds `zh2en/` and `en2zh/`, each with
//! `challenges.jsonl` (id, title, description), `profiles.jsonl` (id, works
//! of title and abstract) and `qrels.tsv` (challenge, profile, gain).
use coopmatch_semantic::{e5s1, Model, Role};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn text_of(v: &Value) -> String {
    match v["works"].as_array() {
        Some(works) => works
            .iter()
            .map(|w| {
                format!(
                    "{} {}",
                    w["title"].as_str().unwrap_or(""),
                    w["abstract"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join(" "),
        None => format!(
            "{} {}",
            v["title"].as_str().unwrap_or(""),
            v["description"].as_str().unwrap_or("")
        ),
    }
}

fn centred(vectors: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let h = vectors[0].len();
    let mut mean = vec![0f32; h];
    for v in vectors {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += x / vectors.len() as f32;
        }
    }
    vectors
        .iter()
        .map(|v| {
            let c: Vec<f32> = v.iter().zip(&mean).map(|(x, m)| x - m).collect();
            let n = c.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            c.iter().map(|x| x / n).collect()
        })
        .collect()
}

fn precision_at_1(queries: &[Vec<f32>], docs: &[Vec<f32>], answer: &[usize]) -> f64 {
    let hits = queries
        .iter()
        .zip(answer)
        .filter(|(q, &want)| {
            let score = |d: &Vec<f32>| q.iter().zip(d).map(|(a, b)| a * b).sum::<f32>();
            let best = (0..docs.len()).max_by(|&a, &b| score(&docs[a]).total_cmp(&score(&docs[b])));
            best == Some(want)
        })
        .count();
    hits as f64 / queries.len() as f64
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(
        args.first()
            .expect("usage: xling DATA_DIR [--pairs N] [--model PATH]"),
    );
    let pairs: usize = arg(&args, "--pairs").map_or(300, |n| n.parse().expect("--pairs N"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let model = match arg(&args, "--full-vocabulary") {
        Some(e5) => {
            Model::from_parts(e5s1::read(&std::fs::read(e5).expect("E5S1 file")).expect("E5S1"))
                .expect("model")
        }
        None => {
            let path = arg(&args, "--model").unwrap_or_else(|| {
                root.join("../../www/model/e5-small-zh-en.cme")
                    .display()
                    .to_string()
            });
            Model::from_bytes(&std::fs::read(&path).expect("model file")).expect("model")
        }
    };
    for direction in ["zh2en", "en2zh"] {
        let d = dir.join(direction);
        let challenges: Vec<Value> = lines(&d.join("challenges.jsonl"))
            .into_iter()
            .take(pairs)
            .collect();
        let qrels: HashMap<String, String> = std::fs::read_to_string(d.join("qrels.tsv"))
            .expect("qrels.tsv")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.to_string(), f.next()?.to_string()))
            })
            .collect();
        let profiles: HashMap<String, Value> = lines(&d.join("profiles.jsonl"))
            .into_iter()
            .map(|p| (p["id"].as_str().unwrap_or("").to_string(), p))
            .collect();
        let docs: Vec<&Value> = challenges
            .iter()
            .map(|c| &profiles[&qrels[c["id"].as_str().expect("id")]])
            .collect();
        let t = Instant::now();
        let query_texts: Vec<String> = challenges.iter().map(text_of).collect();
        let doc_texts: Vec<String> = docs.iter().map(|p| text_of(p)).collect();
        let queries = model.embed_batch(&refs(&query_texts), Role::Query, 2);
        let documents = model.embed_batch(&refs(&doc_texts), Role::Passage, 2);
        let answer: Vec<usize> = (0..pairs.min(challenges.len())).collect();
        println!(
            "{direction}: {} pairs, P@1 raw cosine {:.3}, per-language mean removed {:.3} ({:.0} s to embed)",
            answer.len(),
            precision_at_1(&queries, &documents, &answer),
            precision_at_1(&centred(&queries), &centred(&documents), &answer),
            t.elapsed().as_secs_f64()
        );
    }
}
