//! What the tests that need the built model share: finding it, loading it
//! once, the reference fixtures.
#![allow(dead_code)]

use coopmatch_semantic::Model;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `$COOPMATCH_MODEL`, else `www/model/e5-small-zh-en.cme`.
pub fn model_path() -> PathBuf {
    std::env::var_os("COOPMATCH_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("www/model/e5-small-zh-en.cme"))
}

/// The model every test shares. These tests do not skip themselves: without
/// the model they fail and say how to build it.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = model_path();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read the model file {} ({e}): build it with `cargo xtask model`",
                path.display()
            )
        });
        Model::from_bytes(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    })
}

pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(name, text)` of every fixture input.
pub fn texts() -> Vec<(String, String)> {
    fixture("texts.json")["texts"]
        .as_array()
        .expect("texts.json: texts")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().expect("name").to_string(),
                t["text"].as_str().expect("text").to_string(),
            )
        })
        .collect()
}

pub fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("an array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array of strings")
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect()
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}
