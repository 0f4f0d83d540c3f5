//! Invariants on arbitrary input: no panic, scores in [0, 1], idempotent
//! normalisation, deterministic results, offsets on character boundaries.
#![cfg(not(target_arch = "wasm32"))]

use coopmatch::import::{read_challenges, read_profiles, Format};
use coopmatch::text::{normalize, Analyzer, Mode};
use coopmatch::{Challenge, MatchOptions, Matcher, Params, Profile, Work};
use proptest::prelude::*;

/// Text drawn from the scripts and symbols real challenges mix, plus
/// anything at all.
fn mixed_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.;:()\\-/]{0,80}",
        "[\\u{4e00}-\\u{4e80}的了和与 ，。（）ＡＩ５Ｇ]{0,60}",
        "(Ti-6Al-4V|H100|5G|GB/T 19001|钛合金|增材制造|疲劳|machine|learning| |\\u{200b}|\\u{feff}|\\u{202e}|\\u{0301}|😀|İ|ＡＩ){0,20}",
        any::<String>(),
    ]
}

fn profile(id: usize, title: String, abstract_text: String, keywords: Vec<String>) -> Profile {
    Profile {
        id: format!("p{id}"),
        keywords,
        works: vec![Work {
            title,
            abstract_text,
            year: None,
        }],
        ..Profile::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn normalisation_is_idempotent(s in mixed_text()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn token_offsets_are_valid_char_ranges(s in mixed_text()) {
        let mut a = Analyzer::new();
        let analysis = a.analyze(&s, Mode::default());
        for t in analysis.tokens() {
            let (start, end) = (t.start as usize, t.end as usize);
            prop_assert!(start < end && end <= s.len());
            prop_assert!(s.is_char_boundary(start) && s.is_char_boundary(end));
            prop_assert!(!analysis.term(t).is_empty());
        }
    }

    #[test]
    fn matching_never_panics_and_scores_stay_in_range(
        docs in prop::collection::vec((mixed_text(), mixed_text(), prop::collection::vec(mixed_text(), 0..3)), 1..8),
        query in mixed_text(),
    ) {
        let profiles: Vec<Profile> = docs
            .into_iter()
            .enumerate()
            .map(|(i, (t, a, k))| profile(i, t, a, k))
            .collect();
        let mut m = Matcher::new(Params::default()).unwrap();
        m.add_profiles(profiles.clone());
        let c = Challenge::from_text("q", &query);
        let options = MatchOptions { top: None, explain: true, keep_unmatched: true, ..MatchOptions::default() };
        let first = m.match_challenge(&c, &options).unwrap();
        prop_assert_eq!(first.len(), profiles.len());
        for r in &first {
            prop_assert!((0.0..=1.0).contains(&r.score), "score {}", r.score);
            let e = r.explanation.as_ref().unwrap();
            let parts: f32 = e.terms.iter().map(|t| t.score).sum();
            prop_assert!((parts - r.score).abs() < 1e-3, "{} vs {}", parts, r.score);
            for s in &e.challenge_spans {
                prop_assert!(s.start < s.end && query.is_char_boundary(s.start) && query.is_char_boundary(s.end));
            }
        }
        // Determinism: a fresh matcher on the same data gives the same ranking.
        let mut again = Matcher::new(Params::default()).unwrap();
        again.add_profiles(profiles);
        let second = again.match_challenge(&c, &options).unwrap();
        let key = |r: &[coopmatch::Match]| r.iter().map(|x| (x.profile.id.clone(), x.score.to_bits())).collect::<Vec<_>>();
        prop_assert_eq!(key(&first), key(&second));
    }

    #[test]
    fn importers_never_panic(s in any::<String>()) {
        for f in [None, Some(Format::Json), Some(Format::Jsonl), Some(Format::Csv)] {
            if let Ok(got) = read_profiles(&s, f) {
                prop_assert_eq!(got.rows, got.records.len() + got.rejected() + got.duplicates());
            }
            let _ = read_challenges(&s, f);
        }
    }

    #[test]
    fn csv_shaped_input_accounts_for_every_row(rows in prop::collection::vec(("[a-z0-9\"]{0,6}", "[a-z,;\" \\n]{0,12}"), 0..12)) {
        let mut text = String::from("id,name\n");
        for (id, name) in &rows {
            text.push_str(&format!("{id},\"{}\"\n", name.replace('"', "\"\"")));
        }
        if let Ok(got) = read_profiles(&text, Some(Format::Csv)) {
            prop_assert_eq!(got.rows, got.records.len() + got.rejected() + got.duplicates());
        }
    }
}
