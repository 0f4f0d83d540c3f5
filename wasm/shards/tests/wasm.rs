//! The sharded index's WASM API under Node (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use coopmatch_shards_wasm::WasmSharded;
use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const PROFILES: &str = include_str!("../../../tests/fixtures/profiles.jsonl");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn asks_for_fragments_in_rounds_then_ranks_as_the_whole_index() {
    let profiles = coopmatch::import::read_profiles(PROFILES, None)
        .unwrap()
        .records;
    let mut core = coopmatch::Matcher::new(coopmatch::Params::default()).unwrap();
    core.add_profiles(profiles);
    let sharded = core.write_sharded();
    let files: std::collections::HashMap<_, _> = sharded.fragments.into_iter().collect();
    let mut m = WasmSharded::new(&sharded.manifest).unwrap();
    assert_eq!(m.profile_count(), 6);
    let text = "defect detection battery 5G sludge vibration 钛合金";
    let expected: Vec<(String, f64)> = core
        .match_challenge(
            &coopmatch::Challenge::from_text("challenge", text),
            &coopmatch::MatchOptions::default(),
        )
        .unwrap()
        .iter()
        .map(|r| (r.profile.id.clone(), coopmatch::view::round_score(r.score)))
        .collect();
    assert!(expected.len() > 2);
    let q = JsValue::from_str(text);
    let mut rounds = 0;
    let results = loop {
        let step = m.match_challenge(q.clone(), JsValue::UNDEFINED).unwrap();
        let need = get(&step, "need");
        if need.is_undefined() {
            break Array::from(&get(&step, "results"));
        }
        rounds += 1;
        for name in Array::from(&need).iter() {
            let name = name.as_string().unwrap();
            m.add_fragment(&name, &files[&name]).unwrap();
        }
    };
    assert!(rounds >= 2);
    let got: Vec<(String, f64)> = results
        .iter()
        .map(|r| {
            (
                get(&r, "id").as_string().unwrap(),
                get(&r, "score").as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // Explanations and whole profiles come along, as from the matcher.
    let first = results.get(0);
    assert!(get(&get(&first, "explanation"), "terms").is_object());
    assert!(get(&get(&first, "profile"), "name").is_string());
    // A damaged fragment throws, naming it.
    let (name, file) = files.iter().next().unwrap();
    let mut bad = file.clone();
    let at = 40 % bad.len();
    bad[at] ^= 1;
    let err = m.add_fragment(name, &bad).unwrap_err();
    let message = String::from(js_sys::Error::from(JsValue::from(err)).message());
    assert!(message.contains(name.as_str()), "{message}");
}
