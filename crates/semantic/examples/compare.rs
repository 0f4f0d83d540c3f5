//! Cosine of each fixture's embedding with the committed reference, and the
//! pieces that differ (a diagnostic: `cargo run --release -p
//! coopmatch-semantic --example compare`).
use coopmatch_semantic::{Model, Role};
use serde_json::Value;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let model_path = std::env::args().nth(1).unwrap_or_else(|| {
        root.join("../../www/model/e5-small-zh-en.cme")
            .display()
            .to_string()
    });
    let model = Model::from_bytes(&std::fs::read(&model_path).expect("model")).expect("load");
    let texts: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/texts.json")).unwrap(),
    )
    .unwrap();
    let refs: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/reference.json")).unwrap(),
    )
    .unwrap();
    for (t, r) in texts["texts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(refs["results"].as_array().unwrap())
    {
        let text = t["text"].as_str().unwrap();
        let tok = model.tokenizer();
        let got: Vec<String> = tok
            .tokenize(text)
            .iter()
            .map(|&i| tok.piece(i).to_string())
            .collect();
        let want: Vec<String> = r["pieces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        let missing: Vec<&String> = want.iter().filter(|p| tok.id(p).is_none()).collect();
        let mut line = format!("{:16}", t["name"].as_str().unwrap());
        for (role, key) in [(Role::Query, "query"), (Role::Passage, "passage")] {
            let e = model.embed(text, role);
            let rv: Vec<f32> = r[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect();
            let c: f32 = e.iter().zip(&rv).map(|(a, b)| a * b).sum();
            line += &format!(" {key} {c:.6}");
        }
        println!("{line} same-tokens {} missing {:?}", got == want, missing);
    }
}
