//! Embeds every text of a fixture file natively and writes the vectors as
//! JSON, for the browser test that checks WebAssembly gives the same
//! (`cargo xtask test` runs it):
//!
//! `cargo run --release -p coopmatch-semantic --example embed -- MODEL TEXTS_JSON OUT_JSON`
//!
//! TEXTS_JSON is `{"texts": [{"name", "text"}, ...]}`; OUT_JSON gets
//! `{"results": [{"name", "query": [...], "passage": [...]}]}`, each number
//! the shortest decimal that reads back as the same `f32`.
use coopmatch_semantic::{Model, Role};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, texts, out] = args.as_slice() else {
        return Err("usage: embed MODEL TEXTS_JSON OUT_JSON".into());
    };
    let model = Model::from_bytes(&std::fs::read(model)?)?;
    let texts: Value = serde_json::from_str(&std::fs::read_to_string(texts)?)?;
    let mut results = Vec::new();
    for t in texts["texts"].as_array().ok_or("texts: not a list")? {
        let text = t["text"].as_str().ok_or("text: not a string")?;
        let vector =
            |role| -> Vec<Value> { model.embed(text, role).iter().map(|&x| json!(x)).collect() };
        results.push(json!({
            "name": t["name"],
            "query": vector(Role::Query),
            "passage": vector(Role::Passage),
        }));
    }
    std::fs::write(out, serde_json::to_string(&json!({ "results": results }))?)?;
    Ok(())
}
