//! Hostile and broken input (issue #7): the fuzz corpus replayed as
//! regression tests, and hand-written adversarial cases.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

/// Replays every file under `tests/fixtures/fuzz/<target>/` through the
/// same check the fuzz target runs.
fn replay(target: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if let Err(e) = std::panic::catch_unwind(|| checks::run(target, &data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("fuzz/{target}/{name}: {msg}");
        }
    }
}

#[test]
fn fuzz_corpus_analyze() {
    replay("analyze");
}

#[test]
fn fuzz_corpus_import() {
    replay("import");
}

#[test]
fn fuzz_corpus_event() {
    replay("event");
}

#[test]
fn fuzz_corpus_matching() {
    replay("matching");
}

#[test]
fn fuzz_corpus_index() {
    replay("index");
}

// ---------------------------------------------------------------------------
// Hand-written adversarial cases
// ---------------------------------------------------------------------------

use coopmatch::import::{read_challenges, read_profiles, Format, MAX_IMPORT_BYTES};
use coopmatch::model::limits;
use coopmatch::text::{Analyzer, Mode};
use coopmatch::{Challenge, ErrorKind, MatchOptions, Matcher, Params, Profile, StoreErrorKind};
use coopmatch_event::Event;
use std::time::{Duration, Instant};

const MB: usize = 1 << 20;

/// Generous: these run unoptimised in `cargo test`, on a shared machine.
/// What they catch is quadratic behaviour, which takes minutes, not seconds.
const QUICK: Duration = Duration::from_secs(30);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < QUICK, "{what} took {took:?}");
    out
}

fn fixtures(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn fixture_matcher() -> Matcher {
    let got = read_profiles(&fixtures("profiles.jsonl"), None).unwrap();
    assert!(got.errors.is_empty());
    let mut m = Matcher::new(Params::default()).unwrap();
    m.add_profiles(got.records);
    m
}

fn all() -> MatchOptions {
    MatchOptions {
        top: None,
        keep_unmatched: true,
        ..MatchOptions::default()
    }
}

/// (id, score bits) of a ranking.
fn ranking(m: &Matcher, c: &Challenge, o: &MatchOptions) -> Vec<(String, u32)> {
    m.match_challenge(c, o)
        .unwrap()
        .iter()
        .map(|r| (r.profile.id.clone(), r.score.to_bits()))
        .collect()
}

fn assert_scores_sane(m: &Matcher, c: &Challenge) {
    for r in m.match_challenge(c, &all()).unwrap() {
        assert!(
            r.score.is_finite() && (0.0..=1.0).contains(&r.score),
            "{}",
            r.score
        );
    }
}

/// Every token of the analysis sits on char boundaries of `text`.
fn analyse_checked(a: &mut Analyzer, text: &str) -> usize {
    let an = a.analyze(text, Mode::default());
    for t in an.tokens() {
        let (s, e) = (t.start as usize, t.end as usize);
        assert!(s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    an.tokens().len()
}

/// 1 MB texts of the shapes that break tokenizers: one character, no
/// space, long model-number chains, combining marks, emoji sequences.
fn megabyte_texts() -> Vec<(&'static str, String)> {
    let fill = |unit: &str| unit.repeat(MB / unit.len());
    vec![
        ("one ASCII letter", fill("a")),
        ("one CJK character", fill("钛")),
        ("one digit", fill("7")),
        ("spaces", fill(" ")),
        ("full stops", fill(".")),
        ("newlines", fill("\n")),
        ("zero-width spaces", fill("\u{200B}")),
        (
            "no space, mixed scripts",
            fill("钛合金Ti6Al4V增材制造fatigue"),
        ),
        (
            "no space, Latin words",
            fill("superconductingmaglevbearing"),
        ),
        ("a model-number chain", fill("Ti-6Al-")),
        ("standards", fill("ISO 9001 ")),
        (
            "combining marks on one letter",
            format!("e{}", "\u{0301}".repeat(MB / 2 - 1)),
        ),
        ("emoji ZWJ sequences", fill("👩\u{200D}🔬")),
        ("flags", fill("🇨🇳")),
        ("bidi controls", fill("\u{202E}abc\u{202C}")),
        ("hyphens and digits", fill("-1")),
    ]
}

#[test]
fn megabyte_texts_are_analysed_quickly_on_char_boundaries() {
    let mut a = Analyzer::new();
    for (what, text) in megabyte_texts() {
        timed(what, || analyse_checked(&mut a, &text));
    }
}

#[test]
fn a_megabyte_challenge_is_refused_naming_the_limit() {
    let m = fixture_matcher();
    for (what, text) in megabyte_texts() {
        let c = Challenge::from_text("pasted", &text);
        let e = timed(what, || m.match_challenge(&c, &MatchOptions::default())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{what}: {e}");
        assert!(
            e.message().contains("MAX_CHALLENGE_BYTES") && e.message().contains("600000 bytes"),
            "{what}: {e}"
        );
        // The reverse view and explanations refuse it the same way.
        let e = m
            .match_profile("ti-am", std::slice::from_ref(&c), &MatchOptions::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert_eq!(
            m.explain_pair(&c, "ti-am").unwrap_err().kind(),
            ErrorKind::Limit
        );
    }
}

#[test]
fn a_challenge_just_under_the_limit_is_matched_quickly() {
    let m = fixture_matcher();
    let n = limits::MAX_CHALLENGE_BYTES;
    for (what, unit) in [
        ("no space", "钛合金Ti6Al4V增材制造fatigue"),
        ("one letter", "a"),
        ("words", "titanium alloy fatigue crack 钛合金 疲劳 "),
    ] {
        let text = unit.repeat(n / unit.len());
        assert!(text.len() <= n);
        let c = Challenge::from_text(what, &text);
        let ranked = timed(what, || m.match_challenge(&c, &all())).unwrap();
        assert_eq!(ranked.len(), m.len(), "{what}");
        assert!(
            ranked.iter().all(|r| (0.0..=1.0).contains(&r.score)),
            "{what}"
        );
    }
}

#[test]
fn a_megabyte_profile_field_is_rejected_by_row_and_the_rest_load() {
    for (what, text) in megabyte_texts() {
        if text.trim().is_empty() {
            // Only white space: trimmed to nothing, so the row loads with an empty field.
            let file = serde_json::json!([{"id": "blank", "summary": text}]).to_string();
            let got = read_profiles(&file, None).unwrap();
            assert!(
                got.errors.is_empty() && got.records[0].summary.is_empty(),
                "{what}"
            );
            continue;
        }
        for field in ["summary", "name", "keywords"] {
            let big = serde_json::json!({"id": "big", field: text});
            let file =
                format!("{{\"id\":\"ok1\",\"summary\":\"fatigue\"}}\n{big}\n{{\"id\":\"ok2\"}}\n");
            let got = timed(what, || read_profiles(&file, None)).unwrap();
            let ids: Vec<_> = got.records.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids, ["ok1", "ok2"], "{what} in {field}");
            assert_eq!(got.errors.len(), 1);
            let e = &got.errors[0];
            assert_eq!(
                (e.line, e.id.as_deref(), e.field.as_deref()),
                (2, Some("big"), Some(field))
            );
            assert!(e.message.contains("limit of 200000 bytes"), "{}", e.message);
        }
    }
    // The same in a CSV cell.
    let csv = format!("id,summary\nok,x\nbig,{}\n", "钛".repeat(MB / 3));
    let got = read_profiles(&csv, None).unwrap();
    assert_eq!(got.records.len(), 1);
    assert_eq!(got.errors[0].line, 3);
    assert!(got.errors[0].message.contains("limit of 200000 bytes"));
}

#[test]
fn profile_text_at_the_field_limit_without_a_space_loads_and_matches_quickly() {
    let unit = "钛合金Ti6Al4V增材制造fatigue";
    let text = unit.repeat(limits::MAX_FIELD_BYTES / unit.len());
    let file = serde_json::json!([
        {"id": "long", "summary": text, "works": [{"title": text, "abstract": text}]},
        {"id": "short", "summary": "钛合金 fatigue"}
    ])
    .to_string();
    let got = read_profiles(&file, None).unwrap();
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    let mut m = Matcher::new(Params::default()).unwrap();
    timed("indexing", || m.add_profiles(got.records));
    let c = Challenge::from_text("c", "钛合金 fatigue Ti6Al4V");
    let ranked = timed("matching", || {
        m.match_challenge(&c, &MatchOptions::default())
    })
    .unwrap();
    assert_eq!(ranked.len(), 2);
    assert!(ranked.iter().all(|r| r.score > 0.0 && r.score <= 1.0));
}

#[test]
fn lone_surrogate_escapes_are_reported_not_panicked_on() {
    // A JSON array is one document: it fails as a whole, saying where.
    for bad in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\u0041""#,
        r#""x\ud83d""#,
    ] {
        let file = format!("[{{\"id\":\"ok\"}},\n{{\"id\":\"p\",\"name\":{bad}}}]");
        let e = read_profiles(&file, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse, "{bad}");
        assert!(
            e.message().contains("escape") && e.message().contains("line 2"),
            "{e}"
        );
        // JSON Lines: that row is listed with its line, the others load.
        let file =
            format!("{{\"id\":\"a\"}}\n{{\"id\":\"b\",\"summary\":{bad}}}\n{{\"id\":\"c\"}}\n");
        let got = read_profiles(&file, None).unwrap();
        assert_eq!(
            got.records
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(got.errors.len(), 1);
        assert_eq!(got.errors[0].line, 2);
        assert!(
            got.errors[0].message.contains("escape"),
            "{}",
            got.errors[0].message
        );
        let got = read_challenges(&file.replace("summary", "description"), None).unwrap();
        assert!(got
            .errors
            .iter()
            .any(|e| e.line == 2 && e.message.contains("escape")));
        // The event file too.
        let e = Event::from_json(&format!(
            r#"{{"name":{bad},"slots":[{{"start":"a"}}],"tables":1}}"#
        ))
        .unwrap_err();
        assert!(e.message().contains("escape"), "{e}");
    }
    // A proper pair is one character.
    let got = read_profiles(r#"[{"id":"e","name":"\ud83d\ude00"}]"#, None).unwrap();
    assert_eq!(got.records[0].name, "😀");
}

#[test]
fn invisible_and_combining_characters_neither_hide_nor_split_words() {
    let zoo = serde_json::json!([{
        "id": "zoo\u{200B}",
        "name": "\u{202E}evil\u{202C} Lab 👩\u{200D}🔬",
        "keywords": ["super\u{200B}conducting", "mag\u{00AD}lev", "e\u{0301}cole"],
        "summary": "bear\u{200D}ing 轴\u{200B}承 🇨🇳 \u{2066}isolate\u{2069}",
        "works": [{"title": "Cafe\u{0301} ﬁne İstanbul", "abstract": "x"}]
    }])
    .to_string();
    let got = read_profiles(&zoo, None).unwrap();
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    let p = &got.records[0];
    assert_eq!(p.id, "zoo\u{200B}", "ids are kept byte for byte");
    let mut m = Matcher::new(Params::default()).unwrap();
    m.add_profiles(got.records.clone());
    // Zero-width characters and soft hyphens inside words are ignored.
    for q in ["superconducting maglev", "bearing", "轴承"] {
        let r = m
            .match_challenge(&Challenge::from_text("c", q), &MatchOptions::default())
            .unwrap();
        assert_eq!(r.len(), 1, "{q} did not match through invisible characters");
    }
    // And in the challenge: highlights still land on char boundaries.
    let c = Challenge::from_text(
        "c",
        "super\u{200B}conducting ma\u{200D}glev be\u{0301}aring 轴\u{FEFF}承 👩\u{200D}🔬",
    );
    let r = m
        .match_challenge(
            &c,
            &MatchOptions {
                explain: true,
                ..MatchOptions::default()
            },
        )
        .unwrap();
    assert_eq!(r.len(), 1);
    for s in &r[0].explanation.as_ref().unwrap().challenge_spans {
        assert!(c.description.is_char_boundary(s.start) && c.description.is_char_boundary(s.end));
    }
    checks::round_trip(&got.records);
}

#[test]
fn bidi_controls_around_a_word_do_not_hide_it() {
    let mut m = Matcher::new(Params::default()).unwrap();
    m.add_profiles(vec![Profile {
        id: "b".into(),
        summary: "\u{202E}bearing\u{202C} \u{2067}轴承\u{2069} \u{200F}vibration\u{200E}".into(),
        ..Profile::default()
    }]);
    for q in ["bearing", "轴承", "vibration"] {
        let r = m
            .match_challenge(&Challenge::from_text("c", q), &MatchOptions::default())
            .unwrap();
        assert_eq!(r.len(), 1, "{q} hidden by bidi controls");
    }
}

#[test]
fn json_nested_ten_thousand_deep_is_an_error_not_a_stack_overflow() {
    let deep_array = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let in_field = format!(
        "{{\"id\":\"d\",\"works\":{}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    for text in [&deep_array, &deep_object, &in_field] {
        let e = read_profiles(text, Some(Format::Json)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert!(e.message().contains("recursion limit"), "{e}");
        // Detected as JSON Lines when it starts with `{`: one rejected row.
        match read_challenges(text, None) {
            Err(e) => assert_eq!(e.kind(), ErrorKind::Parse),
            Ok(got) => assert_eq!((got.rows, got.rejected()), (1, 1)),
        }
        let got =
            read_profiles(&format!("{{\"id\":\"ok\"}}\n{text}\n"), Some(Format::Jsonl)).unwrap();
        assert_eq!(
            (got.records.len(), got.errors.len(), got.errors[0].line),
            (1, 1, 2)
        );
        assert!(Event::from_json(text).is_err());
    }
    // Detected as CSV, the brackets are one odd header without an id.
    assert!(read_profiles(&deep_array, Some(Format::Csv)).is_err());
}

#[test]
fn a_hundred_thousand_profiles_with_empty_works_load_and_match_quickly() {
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!("{{\"id\":\"p{i}\",\"works\":[]}}\n"));
    }
    let got = timed("import", || read_profiles(&text, None)).unwrap();
    assert_eq!(
        (got.rows, got.records.len(), got.errors.len()),
        (100_000, 100_000, 0)
    );
    let mut m = Matcher::new(Params::default()).unwrap();
    let report = timed("load", || m.load(got));
    assert_eq!(
        (report.added, report.total, report.rows),
        (100_000, 100_000, 100_000)
    );
    let c = Challenge::from_text("c", "钛合金 fatigue bearing");
    assert!(
        timed("match", || m.match_challenge(&c, &MatchOptions::default()))
            .unwrap()
            .is_empty()
    );
    let every = timed("match all", || m.match_challenge(&c, &all())).unwrap();
    assert_eq!(every.len(), 100_000);
    assert!(every.iter().all(|r| r.score == 0.0));
    // The same with empty works, empty titles, and a card to match on.
    let mut text = String::from("id,keywords,work1_title,work1_abstract\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "p{i},{},,\n",
            if i % 1000 == 0 { "fatigue" } else { "" }
        ));
    }
    let got = timed("csv import", || read_profiles(&text, None)).unwrap();
    assert_eq!(got.records.len(), 100_000);
    let mut m = Matcher::new(Params::default()).unwrap();
    timed("load", || m.add_profiles(got.records));
    let r = timed("match", || {
        m.match_challenge(
            &c,
            &MatchOptions {
                top: None,
                ..MatchOptions::default()
            },
        )
    })
    .unwrap();
    assert_eq!(r.len(), 100);
}

#[test]
fn fifty_megabytes_are_handled_and_more_than_the_limit_is_refused() {
    assert_eq!(MAX_IMPORT_BYTES, 64 * MB);
    // 50 MB: under the import limit, so it is read; its rows are each over
    // the field limit, so each is listed with its line and the limit.
    let row = format!("{{\"id\":\"r\",\"summary\":\"{}\"}}\n", "a".repeat(MB - 40));
    let mut text = String::with_capacity(50 * MB);
    let mut n = 0;
    while text.len() + row.len() <= 50 * MB {
        text.push_str(&row.replace("\"r\"", &format!("\"r{n}\"")));
        n += 1;
    }
    text.push_str("{\"id\":\"small\"}\n");
    let got = timed("50 MB", || read_profiles(&text, None)).unwrap();
    assert_eq!(got.rows, n + 1);
    assert_eq!(got.records.len(), 1);
    assert_eq!(got.rejected(), n);
    assert!(got
        .errors
        .iter()
        .all(|e| e.message.contains("limit of 200000 bytes")));
    // Over the limit: refused as a whole, naming it.
    text.push_str(&"\n".repeat(MAX_IMPORT_BYTES + 1 - text.len()));
    for format in [None, Some(Format::Json), Some(Format::Csv)] {
        let e = read_profiles(&text, format).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit);
        assert!(e.message().contains("import limit of 64 MB"), "{e}");
        assert_eq!(
            read_challenges(&text, format).unwrap_err().kind(),
            ErrorKind::Limit
        );
    }
}

#[test]
fn every_record_limit_is_an_error_naming_it() {
    let id = "i".repeat(limits::MAX_ID_BYTES + 1);
    let keywords: Vec<String> = (0..=limits::MAX_KEYWORDS)
        .map(|i| format!("k{i}"))
        .collect();
    let fat_keywords: Vec<String> = (0..10)
        .map(|_| "k".repeat(limits::MAX_FIELD_BYTES / 9))
        .collect();
    let works: Vec<_> = (0..=limits::MAX_WORKS)
        .map(|i| format!("work {i}"))
        .collect();
    let long = "a".repeat(limits::MAX_FIELD_BYTES + 1);
    let cases = [
        (serde_json::json!({"id": id}), "id", "limit of 256 bytes"),
        (
            serde_json::json!({"id": "k", "keywords": keywords}),
            "keywords",
            "limit of 500 items",
        ),
        (
            serde_json::json!({"id": "f", "keywords": fat_keywords}),
            "keywords",
            "limit of 200000 bytes",
        ),
        (
            serde_json::json!({"id": "w", "works": works}),
            "works",
            "limit of 5000 works",
        ),
        (
            serde_json::json!({"id": "a", "works": [{"abstract": long}]}),
            "works[0].abstract",
            "limit of 200000 bytes",
        ),
        (
            serde_json::json!({"id": "t", "works": [long]}),
            "works[0]",
            "limit of 200000 bytes",
        ),
        (
            serde_json::json!({"id": "l", "licence": {"terms": long}}),
            "licence.terms",
            "limit of 200000 bytes",
        ),
    ];
    for (i, (record, field, limit)) in cases.iter().enumerate() {
        let text = format!("{{\"id\":\"first\"}}\n{record}\n");
        let got = read_profiles(&text, None).unwrap();
        assert_eq!(got.records.len(), 1, "case {i}");
        let e = &got.errors[0];
        assert_eq!(
            (e.line, e.field.as_deref()),
            (2, Some(*field)),
            "case {i}: {e:?}"
        );
        assert!(e.message.contains(limit), "case {i}: {}", e.message);
        assert!(
            e.message.len() < 400,
            "the message repeats the input: {}",
            e.message.len()
        );
    }
    // Exactly at the limits loads.
    let at = serde_json::json!({
        "id": "i".repeat(limits::MAX_ID_BYTES),
        "summary": "a".repeat(limits::MAX_FIELD_BYTES),
        "keywords": (0..limits::MAX_KEYWORDS).map(|i| format!("k{i}")).collect::<Vec<_>>(),
        "works": (0..limits::MAX_WORKS).map(|i| format!("work {i}")).collect::<Vec<_>>(),
    });
    let got = read_profiles(&at.to_string(), None).unwrap();
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    // Challenges: the same field limits.
    let got = read_challenges(
        &format!("{}\n", serde_json::json!({"id": "c", "description": long})),
        None,
    )
    .unwrap();
    assert!(got.errors[0].message.contains("limit of 200000 bytes"));
}

#[test]
fn event_limits_are_errors_naming_them() {
    let slots = |n: usize| {
        serde_json::to_string(
            &(0..n)
                .map(|i| serde_json::json!({"start": i.to_string()}))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    };
    let parties = |p: &str, n: usize| -> Vec<coopmatch_event::Party> {
        (0..n)
            .map(|i| coopmatch_event::Party {
                id: format!("{p}{i}"),
                name: String::new(),
                institution: String::new(),
            })
            .collect()
    };
    let (e, p) = (parties("e", 2), parties("p", 2));
    for (event, needle) in [
        (format!(r#"{{"slots":{},"tables":1}}"#, slots(257)), "256"),
        (format!(r#"{{"slots":{},"tables":5001}}"#, slots(1)), "5000"),
        (
            format!(r#"{{"slots":{},"tables":200}}"#, slots(101)),
            "20000",
        ),
        (r#"{"slots":[],"tables":1}"#.to_string(), "slot"),
        (
            r#"{"slots":[{"start":"a"}],"tables":0}"#.to_string(),
            "table",
        ),
        (
            r#"{"slots":[{"start":"a"}],"tables":1,"min_score":2}"#.to_string(),
            "min_score",
        ),
    ] {
        let ev = Event::from_json(&event).unwrap();
        let err = coopmatch_event::plan(&ev, &e, &p, &[]).unwrap_err();
        assert!(err.message().contains(needle), "{event}: {err}");
    }
    for bad in [
        r#"{"slots":[{"start":"a"}],"tables":4294967296}"#,
        r#"{"slots":[{"start":"a"}],"tables":-1}"#,
        r#"{"slots":[{"start":"a"}],"tables":1,"fairnes":true}"#,
        "",
        "null",
        "\u{FEFF}",
    ] {
        assert_eq!(
            Event::from_json(bad).unwrap_err().kind(),
            coopmatch_event::ErrorKind::Parse,
            "{bad}"
        );
    }
}

#[test]
fn broken_index_files_are_errors_with_their_own_messages() {
    let m = fixture_matcher();
    let good = m.write_index();
    assert!(Matcher::from_index(&good).is_ok());
    use StoreErrorKind::*;
    let mut cases: Vec<(&str, Vec<u8>, StoreErrorKind)> = vec![
        ("empty", vec![], Truncated),
        ("text", b"{\"id\":\"p1\"}\n".to_vec(), NotAnIndex),
        (
            "header only",
            good[..coopmatch::store::HEADER_LEN].to_vec(),
            Truncated,
        ),
        ("truncated", good[..good.len() - 1].to_vec(), Truncated),
        ("extra byte", [&good[..], &[0]].concat(), TrailingBytes),
    ];
    let mut version = good.clone();
    version[8] = 99;
    cases.push(("version", version, Version));
    for at in [coopmatch::store::HEADER_LEN, good.len() / 2, good.len() - 1] {
        let mut flipped = good.clone();
        flipped[at] ^= 0x40;
        cases.push(("flipped", flipped, Checksum));
    }
    // A payload that passes the checksum but lies about its counts.
    cases.push(("huge count", checks::wrap_payload(&[0xff; 64]), Damaged));
    cases.push(("empty payload", checks::wrap_payload(&[]), Damaged));
    for (what, bytes, kind) in cases {
        let e = Matcher::from_index(&bytes)
            .err()
            .unwrap_or_else(|| panic!("{what} loaded"));
        assert!(!e.message().is_empty(), "{what}");
        assert_eq!(e.store_kind(), Some(kind), "{what}: {e}");
    }
}

#[test]
fn every_row_is_loaded_or_listed_and_the_counts_add_up() {
    let jsonl = "{\"id\":\"a\"}\n\nnot json\n{\"id\":\"a\",\"name\":\"again\"}\n{\"name\":\"no id\"}\n{\"id\":\"b\",\"works\":5}\n{\"id\":\"c\"}\r\n[1]\n\"s\"\n";
    let csv = "id,name,kind\na,A,expert\n,no id,lab\nb,B,robot\nc,C\nd,\"D, \"\"quoted\"\"\",team\na,A2,lab\n\n";
    let json = "[{\"id\":\"a\"},{\"id\":\"a\"},5,null,{\"id\":\"\"},{\"id\":1.5},{\"id\":7}]";
    for (text, loaded, rejected, duplicates) in [(jsonl, 2, 5, 1), (csv, 2, 3, 1), (json, 2, 4, 1)]
    {
        let got = read_profiles(text, None).unwrap();
        checks::check_imported(&got, |p| &p.id);
        assert_eq!(
            (got.records.len(), got.rejected(), got.duplicates()),
            (loaded, rejected, duplicates),
            "{text}: {:?}",
            got.errors
        );
        assert_eq!(got.rows, loaded + rejected + duplicates);
        // Every line with data is either a loaded record or a listed error.
        let mut seen: Vec<usize> = got.lines.clone();
        seen.extend(got.errors.iter().filter(|e| !e.loaded).map(|e| e.line));
        // Lines of replaced rows.
        let replaced = got.duplicates();
        assert_eq!(seen.len() + replaced, got.rows);
        checks::round_trip(&got.records);
    }
    // Loading into a matcher reports each row too.
    let mut m = Matcher::new(Params::default()).unwrap();
    let report = m.load(read_profiles(jsonl, None).unwrap());
    assert_eq!((report.added, report.rows), (2, 8));
    let report = m.load(read_profiles(csv, None).unwrap());
    assert_eq!(report.total, 3);
    assert!(report
        .errors
        .iter()
        .any(|e| e.loaded && e.message.contains("already loaded")));
}

#[test]
fn profiles_survive_a_json_round_trip() {
    let mut profiles = read_profiles(&fixtures("profiles.jsonl"), None)
        .unwrap()
        .records;
    let csv = "id,kind,name,keywords,summary,work1_title,work1_abstract,work1_year,licence_fee,licence_terms,number\n\
               p1,patent,\"Li, \"\"Wei\"\"\",钛合金;增材制造,\"two\nlines\",T,A,-12,1万,非独占,ZL1\n\
               p2,lab,  spaced  ,,,,,,,,\n";
    profiles.extend(read_profiles(csv, None).unwrap().records);
    let odd = serde_json::json!([
        {"id": 42, "keywords": "a; b；c", "works": ["bare title", {"title": "", "abstract": ""}, {"title": "t", "year": "2020"}]},
        {"id": "u", "name": "\u{202E}x\u{0301}👩\u{200D}🔬", "license": "open", "works": [{"title": "y", "year": 99999999999i64}]},
        {"id": "n", "name": 3.25, "number": "", "licence": {"fee": 0}}
    ]);
    profiles.extend(read_profiles(&odd.to_string(), None).unwrap().records);
    assert_eq!(profiles.len(), 6 + 2 + 3);
    checks::round_trip(&profiles);
    // And twice is the same as once.
    let once = serde_json::to_string(&profiles).unwrap();
    let again = serde_json::to_string(&read_profiles(&once, None).unwrap().records).unwrap();
    assert_eq!(once, again);
}

#[test]
fn the_same_data_and_challenge_give_the_same_ranking_and_scores() {
    let challenges = read_challenges(&fixtures("challenges.jsonl"), None)
        .unwrap()
        .records;
    let profiles = read_profiles(&fixtures("profiles.jsonl"), None)
        .unwrap()
        .records;
    let generated = generated_profiles(300);
    let build = |ps: Vec<Profile>| {
        let mut m = Matcher::new(Params::default()).unwrap();
        m.add_profiles(ps);
        m
    };
    let all_profiles: Vec<Profile> = profiles.iter().cloned().chain(generated).collect();
    let a = build(all_profiles.clone());
    let b = build(all_profiles.clone());
    let c = Matcher::from_index(&a.write_index()).unwrap();
    for ch in &challenges {
        let first = ranking(&a, ch, &all());
        assert_eq!(first.len(), all_profiles.len());
        assert_eq!(first, ranking(&a, ch, &all()), "second run, warm caches");
        assert_eq!(first, ranking(&b, ch, &all()), "another matcher");
        assert_eq!(first, ranking(&c, ch, &all()), "reloaded index");
        assert_scores_sane(&a, ch);
    }
    // Matching other challenges in between changes nothing.
    let before: Vec<_> = challenges
        .iter()
        .map(|ch| ranking(&a, ch, &all()))
        .collect();
    let after: Vec<_> = challenges
        .iter()
        .rev()
        .map(|ch| ranking(&a, ch, &all()))
        .collect();
    assert_eq!(before, after.into_iter().rev().collect::<Vec<_>>());
}

/// Deterministic synthetic profiles (a small linear congruential
/// generator over a fixed vocabulary), as the browser test generates them.
pub fn generated_profiles(n: usize) -> Vec<Profile> {
    const WORDS: [&str; 24] = [
        "钛合金",
        "疲劳",
        "增材制造",
        "焊接",
        "视觉",
        "电池",
        "热管理",
        "液冷",
        "轴承",
        "振动",
        "titanium",
        "fatigue",
        "welding",
        "vision",
        "battery",
        "thermal",
        "bearing",
        "vibration",
        "sludge",
        "5G",
        "散热",
        "GaN",
        "Ti-6Al-4V",
        "ISO 9001",
    ];
    let mut x: u32 = 12345;
    let mut next = move || {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (x >> 16) as usize
    };
    (0..n)
        .map(|i| {
            let mut words = |k: usize| {
                (0..k)
                    .map(|_| WORDS[next() % WORDS.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            Profile {
                id: format!("g{i:04}"),
                keywords: vec![words(1), words(1)],
                summary: words(6),
                works: (0..i % 4)
                    .map(|_| coopmatch::Work {
                        title: words(4),
                        abstract_text: words(12),
                        year: None,
                    })
                    .collect(),
                ..Profile::default()
            }
        })
        .collect()
}

#[test]
fn indexing_and_queries_make_the_same_terms() {
    // Indexing analyses without offsets; standards (`GB/T 19001`, `ISO 9001`)
    // were only joined when offsets were on, so a challenge's `gbt19001`
    // never met the profile's text.
    let texts = [
        "符合GB/T 19001要求的质量体系",
        "Ａudit to ISO 9001 and IEC 61508",
        "From 1990 on, iso 9001 in lower case is prose",
        "ＩＳＯ 14001 环境管理",
        "钛合金 Ti-6Al-4V, H100 and 5G; GB 50016",
    ];
    let terms = |a: &mut Analyzer, t: &str, offsets: bool| -> Vec<String> {
        let mode = Mode {
            offsets,
            ..Mode::default()
        };
        let an = a.analyze(t, mode);
        an.tokens().iter().map(|k| an.term(k).to_string()).collect()
    };
    let mut with = Analyzer::new();
    let mut without = Analyzer::new();
    for t in texts {
        assert_eq!(
            terms(&mut with, t, true),
            terms(&mut without, t, false),
            "{t}"
        );
    }
    assert!(terms(&mut without, texts[0], false).contains(&"gbt19001".to_string()));
    let mut m = Matcher::new(Params::default()).unwrap();
    m.add_profiles(vec![Profile {
        id: "std".into(),
        works: vec![coopmatch::Work {
            title: "质量管理".into(),
            abstract_text: texts[0].into(),
            year: None,
        }],
        ..Profile::default()
    }]);
    let c = Challenge::from_text("c", "GB/T 19001");
    let r = m
        .match_challenge(
            &c,
            &MatchOptions {
                explain: true,
                ..MatchOptions::default()
            },
        )
        .unwrap();
    assert_eq!(r.len(), 1);
    let words: Vec<_> = r[0]
        .explanation
        .as_ref()
        .unwrap()
        .terms
        .iter()
        .map(|t| t.text.clone())
        .collect();
    assert!(words.iter().any(|w| w.contains("19001")), "{words:?}");
}

#[test]
fn the_command_line_tool_reports_broken_files_without_panicking() {
    let dir = std::env::temp_dir().join(format!("coopmatch-adversarial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let good_p = write("p.jsonl", fixtures("profiles.jsonl").as_bytes());
    let good_c = write("c.jsonl", fixtures("challenges.jsonl").as_bytes());
    let event = write("e.json", br#"{"slots":[{"start":"a"}],"tables":1}"#);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let broken: Vec<(&str, Vec<u8>)> = vec![
        ("binary.csv", vec![0xff, 0xfe, 0x00, 0x9f, b'\n', 0x80]),
        ("deep.json", deep.clone().into_bytes()),
        ("deep.jsonl", deep.into_bytes()),
        ("surrogate.json", br#"[{"id":"\ud800"}]"#.to_vec()),
        ("noid.csv", b"name\nx\n".to_vec()),
        ("empty.json", Vec::new()),
        ("quote.csv", b"id,name\n1,\"open\n".to_vec()),
    ];
    let bin = env!("CARGO_BIN_EXE_coopmatch");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for (name, bytes) in &broken {
        let f = write(name, bytes);
        for args in [
            vec!["score", "--profiles", &f, "--challenges", &good_c],
            vec![
                "score",
                "--profiles",
                &good_p,
                "--challenges",
                &f,
                "--top",
                "all",
            ],
            vec![
                "schedule",
                "--profiles",
                &good_p,
                "--challenges",
                &good_c,
                "--event",
                &f,
            ],
            vec![
                "index",
                "--profiles",
                &f,
                "-o",
                &dir.join("out.cmx").to_string_lossy(),
            ],
            vec![
                "schedule",
                "--profiles",
                &f,
                "--challenges",
                &good_c,
                "--event",
                &event,
            ],
        ] {
            let (code, err) = run(&args);
            assert!(!err.contains("panicked"), "{name} {args:?}: {err}");
            assert!(
                matches!(code, Some(0..=2)),
                "{name} {args:?}: exit {code:?}: {err}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
