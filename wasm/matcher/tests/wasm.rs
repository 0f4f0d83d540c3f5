//! The WASM API under Node (wasm-bindgen-test): what JS callers get.
#![cfg(target_arch = "wasm32")]

use coopmatch_wasm::{parse_challenges, IndexLoader, WasmMatcher};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const PROFILES: &str = include_str!("../../../tests/fixtures/profiles.jsonl");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn loaded() -> WasmMatcher {
    let mut m = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    let report = m.load_profiles(JsValue::from_str(PROFILES), None).unwrap();
    assert_eq!(get(&report, "added").as_f64(), Some(6.0));
    m
}

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn match_returns_plain_objects_with_utf16_spans() {
    let m = loaded();
    let text = "😀 钛合金增材制造零件的疲劳寿命";
    let results: Array = m
        .match_challenge(JsValue::from_str(text), JsValue::UNDEFINED)
        .unwrap()
        .unchecked_into();
    let first = results.get(0);
    assert_eq!(
        get(&get(&first, "profile"), "id").as_string().unwrap(),
        "ti-am"
    );
    let score = get(&first, "score").as_f64().unwrap();
    assert!(score > 0.0 && score <= 1.0);
    let spans: Array = get(&get(&first, "explanation"), "challengeSpans").unchecked_into();
    let span = spans.get(0);
    let (start, end) = (
        get(&span, "start").as_f64().unwrap() as u32,
        get(&span, "end").as_f64().unwrap() as u32,
    );
    // The emoji is two UTF-16 units: the span is sliced on the JS string.
    let js_text = js_sys::JsString::from(text);
    assert_eq!(String::from(js_text.slice(start, end)), "钛合金");
}

#[wasm_bindgen_test]
fn options_filter_and_bad_options_throw() {
    let m = loaded();
    let q = JsValue::from_str("defect detection battery 5G sludge vibration");
    let only: Array = m
        .match_challenge(q.clone(), options(r#"{"kinds":["patent"],"top":0}"#))
        .unwrap()
        .unchecked_into();
    assert_eq!(only.length(), 1);
    assert!(m
        .match_challenge(q.clone(), options(r#"{"minScore":2}"#))
        .is_err());
    assert!(m
        .match_challenge(q, options(r#"{"colour":"red"}"#))
        .is_err());
}

#[wasm_bindgen_test]
fn csv_rows_with_errors_are_reported_and_good_rows_kept() {
    let mut m = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    let csv = "id,name,work1_title\na,<img src=x onerror=alert(1)>,weld defect detection\n,B,x\nc,C,battery cooling\n";
    let report = m
        .load_profiles(JsValue::from_str(csv), Some("csv".into()))
        .unwrap();
    assert_eq!(get(&report, "added").as_f64(), Some(2.0));
    let errors: Array = get(&report, "errors").unchecked_into();
    assert_eq!(errors.length(), 1);
    assert_eq!(get(&errors.get(0), "line").as_f64(), Some(3.0));
    assert_eq!(
        get(&errors.get(0), "field").as_string().as_deref(),
        Some("id")
    );
    assert_eq!(m.profile_count(), 2);
    // Names are data, returned as they are; the page renders them as text.
    let profiles: Array = m.profiles().unwrap().unchecked_into();
    assert_eq!(
        get(&profiles.get(0), "name").as_string().unwrap(),
        "<img src=x onerror=alert(1)>"
    );
}

#[wasm_bindgen_test]
fn objects_load_and_reverse_view_ranks_challenges() {
    let mut m = WasmMatcher::new(options(r#"{"phraseWeight":0.5}"#)).unwrap();
    let data =
        options(r#"[{"id":"x","works":[{"title":"vapor chamber cooling of GaN amplifiers"}]}]"#);
    m.load_profiles(data, None).unwrap();
    let challenges = options(
        r#"[{"id":"c1","description":"GaN amplifier cooling"},{"id":"c2","description":"sludge"}]"#,
    );
    let ranked: Array = m
        .match_profile("x", challenges.clone(), JsValue::UNDEFINED)
        .unwrap()
        .unchecked_into();
    assert_eq!(ranked.length(), 1);
    assert_eq!(
        get(&get(&ranked.get(0), "challenge"), "id")
            .as_string()
            .unwrap(),
        "c1"
    );
    assert!(m
        .match_profile("missing", challenges, JsValue::UNDEFINED)
        .is_err());
}

#[wasm_bindgen_test]
fn a_challenge_object_needs_no_id_and_data_must_be_records() {
    let mut m = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    // An escaped quote in an object's text arrives unescaped.
    let data = options(r#"[{"id":"x","name":"Li \"GaN\" Lab","keywords":["GaN amplifier"]}]"#);
    m.load_profiles(data, None).unwrap();
    let profiles: Array = m.profiles().unwrap().unchecked_into();
    assert_eq!(
        get(&profiles.get(0), "name").as_string().unwrap(),
        "Li \"GaN\" Lab"
    );
    let results: Array = m
        .match_challenge(
            options(r#"{"description":"GaN amplifier"}"#),
            JsValue::UNDEFINED,
        )
        .unwrap()
        .unchecked_into();
    assert_eq!(results.length(), 1);
    for not_records in [JsValue::NULL, JsValue::UNDEFINED, options(r#"{"id":"x"}"#)] {
        let e = m.load_profiles(not_records, None).unwrap_err();
        let message = get(&JsValue::from(e), "message").as_string().unwrap();
        assert!(message.starts_with("data must be text"), "{message}");
    }
}

#[wasm_bindgen_test]
fn bad_input_throws_instead_of_crashing() {
    assert!(WasmMatcher::new(options(r#"{"b":7}"#)).is_err());
    let mut m = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    assert!(m
        .load_profiles(JsValue::from_str("[{\"id\":"), None)
        .is_err());
    assert!(m.load_profiles(JsValue::from_f64(3.0), None).is_err());
    assert!(m
        .match_challenge(JsValue::from_f64(1.0), JsValue::UNDEFINED)
        .is_err());
    // Lone surrogates from JS arrive replaced, never as a crash.
    let lone = js_sys::JsString::from_char_code1(0xD800);
    let r = m.match_challenge(lone.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(Array::from(&r).length(), 0);
    let parsed = parse_challenges(
        JsValue::from_str("{\"id\":\"a\",\"description\":\"x\"}\nnot json"),
        None,
    )
    .unwrap();
    assert_eq!(Array::from(&get(&parsed, "challenges")).length(), 1);
    assert_eq!(Array::from(&get(&parsed, "errors")).length(), 1);
}

#[wasm_bindgen_test]
fn index_round_trips_and_a_corrupt_index_throws() {
    let m = loaded();
    let q = JsValue::from_str("钛合金增材制造零件的疲劳寿命 weld defects");
    let before =
        js_sys::JSON::stringify(&m.match_challenge(q.clone(), JsValue::UNDEFINED).unwrap())
            .unwrap();
    let bytes = m.write_index();
    let mut copy = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(copy.load_index(&bytes).unwrap(), 6);
    let after =
        js_sys::JSON::stringify(&copy.match_challenge(q, JsValue::UNDEFINED).unwrap()).unwrap();
    assert_eq!(String::from(before), String::from(after));
    let mut broken = bytes.clone();
    let last = broken.len() - 1;
    broken[last] ^= 0x55;
    assert!(copy.load_index(&broken).is_err());
    assert!(copy.load_index(&bytes[..bytes.len() / 2]).is_err());
}

#[wasm_bindgen_test]
fn an_index_given_in_pieces_loads_like_a_whole_one() {
    let m = loaded();
    let q = JsValue::from_str("钛合金增材制造零件的疲劳寿命 weld defects");
    let ranking = |m: &WasmMatcher| {
        String::from(
            js_sys::JSON::stringify(&m.match_challenge(q.clone(), JsValue::UNDEFINED).unwrap())
                .unwrap(),
        )
    };
    let bytes = m.write_index();
    for total in [Some(bytes.len() as f64), None] {
        let mut loader = IndexLoader::new(total);
        for piece in bytes.chunks(100) {
            loader.push(piece).unwrap();
        }
        assert_eq!(loader.received(), bytes.len() as f64);
        assert_eq!(loader.profiles_decoded(), 6);
        let mut copy = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
        assert_eq!(copy.load_index_from(&mut loader).unwrap(), 6);
        assert_eq!(ranking(&copy), ranking(&m));
        // A loader is used once.
        assert!(copy.load_index_from(&mut loader).is_err());
        assert!(loader.push(&bytes[..10]).is_err());
    }
    // Damage is an Error from loadIndexFrom; a foreign file from push.
    let mut broken = bytes.clone();
    broken[bytes.len() / 2] ^= 0x55;
    let mut loader = IndexLoader::new(None);
    loader.push(&broken).unwrap();
    let mut copy = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    assert!(copy.load_index_from(&mut loader).is_err());
    assert!(IndexLoader::new(None).push(b"{\"id\": 1}").is_err());
    // A size that disagrees with the header is refused at the first piece.
    assert!(IndexLoader::new(Some(bytes.len() as f64 + 1.0))
        .push(&bytes[..64])
        .is_err());
}

#[wasm_bindgen_test]
fn ids_only_results_and_event_input_arrays() {
    let m = loaded();
    let r: Array = m
        .match_challenge(
            JsValue::from_str("battery thermal runaway"),
            options(r#"{"profile":false,"explain":false}"#),
        )
        .unwrap()
        .unchecked_into();
    let first = r.get(0);
    assert_eq!(get(&first, "id").as_string().unwrap(), "battery-thermal");
    assert!(get(&first, "profile").is_undefined());
    let challenges = options(
        r#"[{"id":"c1","description":"battery thermal runaway"},{"id":"c2","description":"weld defect"}]"#,
    );
    let input = m.event_input(challenges).unwrap();
    let scores: js_sys::Float64Array = get(&input, "score").unchecked_into();
    let enterprise: js_sys::Uint32Array = get(&input, "enterprise").unchecked_into();
    assert!(scores.length() > 0 && scores.length() == enterprise.length());
    assert_eq!(Array::from(&get(&input, "participants")).length(), 6);
}

/// Profile text arrives whole however it is encoded (it is copied into WASM
/// memory, given more room piece by piece, not through wasm-bindgen's
/// 3-bytes-a-unit buffer): ASCII, CJK, an emoji and a lone surrogate,
/// which reads as U+FFFD.
#[wasm_bindgen_test]
fn non_ascii_profile_text_loads_whole() {
    let mut m = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
    let lone = js_sys::JsString::from_char_code1(0xDC00);
    let text = js_sys::JsString::from(r#"{"id":"x","name":"a"#)
        .concat(&lone)
        .concat(&JsValue::from_str(
            "b 😀\",\"summary\":\"钛合金增材制造 weld\"}\n{\"id\":\"y\",\"summary\":\"steel\"}",
        ));
    let report = m.load_profiles(text.into(), Some("jsonl".into())).unwrap();
    assert_eq!(get(&report, "added").as_f64(), Some(2.0));
    let results = Array::from(
        &m.match_challenge(JsValue::from_str("钛合金增材制造"), JsValue::UNDEFINED)
            .unwrap(),
    );
    let profile = get(&results.get(0), "profile");
    assert_eq!(get(&profile, "id").as_string().unwrap(), "x");
    assert_eq!(get(&profile, "name").as_string().unwrap(), "a\u{FFFD}b 😀");
}

/// Text that needs far more UTF-8 bytes than UTF-16 units (CJK, emoji) is
/// copied in over several rounds of `encodeInto`; nothing is lost or
/// doubled where the rounds meet, even inside a surrogate pair.
#[wasm_bindgen_test]
fn text_needing_several_rounds_of_room_loads_exactly() {
    for name in [
        "钛".repeat(700) + "end",
        "😀".repeat(333) + "x",
        "a".repeat(999) + &"合金😀".repeat(200),
    ] {
        let mut m = WasmMatcher::new(JsValue::UNDEFINED).unwrap();
        let line = format!(r#"{{"id":"p","name":"{name}","summary":"titanium"}}"#);
        let report = m.load_profiles(JsValue::from_str(&line), None).unwrap();
        assert_eq!(get(&report, "added").as_f64(), Some(1.0));
        let results = Array::from(
            &m.match_challenge(JsValue::from_str("titanium"), JsValue::UNDEFINED)
                .unwrap(),
        );
        let profile = get(&results.get(0), "profile");
        assert_eq!(get(&profile, "name").as_string().unwrap(), name);
    }
}
