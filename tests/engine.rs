//! The engine through its public API, on small real fixtures in Chinese,
//! English and mixed text.
#![cfg(not(target_arch = "wasm32"))]

use coopmatch::import::{read_challenges, read_profiles};
use coopmatch::view::{ExplanationView, OffsetUnit};
use coopmatch::{Challenge, Filter, Kind, MatchOptions, Matcher, Params};

fn fixtures() -> (Matcher, Vec<Challenge>) {
    let profiles = read_profiles(include_str!("fixtures/profiles.jsonl"), None).unwrap();
    assert!(profiles.errors.is_empty(), "{:?}", profiles.errors);
    let challenges = read_challenges(include_str!("fixtures/challenges.jsonl"), None).unwrap();
    assert!(challenges.errors.is_empty(), "{:?}", challenges.errors);
    let mut m = Matcher::new(Params::default()).unwrap();
    m.add_profiles(profiles.records);
    (m, challenges.records)
}

fn explained() -> MatchOptions {
    MatchOptions {
        explain: true,
        ..MatchOptions::default()
    }
}

fn top_id(m: &Matcher, c: &Challenge) -> String {
    m.match_challenge(c, &MatchOptions::default()).unwrap()[0]
        .profile
        .id
        .clone()
}

#[test]
fn each_challenge_finds_its_profile_first() {
    let (m, challenges) = fixtures();
    let expected = [
        ("c-ti", "ti-am"),
        ("c-weld", "weld-vision"),
        ("c-battery", "battery-thermal"),
        ("c-5g", "5g-cooling"),
        ("c-spindle", "cnc-bearing"),
    ];
    for (c, p) in expected {
        let c = challenges.iter().find(|x| x.id == c).unwrap();
        assert_eq!(top_id(&m, c), p, "challenge {}", c.id);
    }
}

#[test]
fn free_text_in_either_language_matches() {
    let (m, _) = fixtures();
    let zh = Challenge::from_text("q", "市政污泥减量，提高厌氧消化产气量");
    assert_eq!(top_id(&m, &zh), "sludge");
    let en = Challenge::from_text("q", "stop thermal runaway spreading between battery cells");
    assert_eq!(top_id(&m, &en), "battery-thermal");
}

#[test]
fn typo_still_finds_machine_learning() {
    let (m, _) = fixtures();
    let c = Challenge::from_text("q", "machine lerning for weld inspection");
    let results = m.match_challenge(&c, &explained()).unwrap();
    assert_eq!(results[0].profile.id, "weld-vision");
    let terms: Vec<_> = results[0]
        .explanation
        .as_ref()
        .unwrap()
        .terms
        .iter()
        .map(|t| t.text.clone())
        .collect();
    assert!(terms.iter().any(|t| t.contains("lerning")), "{terms:?}");
}

#[test]
fn scores_are_in_unit_range_and_sorted_with_ties_by_id() {
    let (m, challenges) = fixtures();
    for c in &challenges {
        let options = MatchOptions {
            top: None,
            keep_unmatched: true,
            ..MatchOptions::default()
        };
        let r = m.match_challenge(c, &options).unwrap();
        assert_eq!(r.len(), m.len());
        for w in r.windows(2) {
            assert!(
                w[0].score > w[1].score
                    || (w[0].score == w[1].score && w[0].profile.id < w[1].profile.id)
            );
        }
        assert!(r.iter().all(|x| (0.0..=1.0).contains(&x.score)));
    }
}

#[test]
fn unmatched_profiles_are_left_out_unless_asked_for() {
    let (m, challenges) = fixtures();
    let r = m
        .match_challenge(
            &challenges[0],
            &MatchOptions {
                top: None,
                ..MatchOptions::default()
            },
        )
        .unwrap();
    assert!(r.len() < m.len() && r.iter().all(|x| x.score > 0.0));
}

#[test]
fn explanation_parts_add_up_to_the_score() {
    let (m, challenges) = fixtures();
    for c in &challenges {
        for r in m.match_challenge(c, &explained()).unwrap() {
            let e = r.explanation.as_ref().unwrap();
            let sum: f32 = e.terms.iter().map(|t| t.score).sum();
            assert!(
                (sum - r.score).abs() < 1e-4,
                "{}: {sum} vs {}",
                r.profile.id,
                r.score
            );
        }
    }
}

#[test]
fn highlights_point_at_the_matched_words() {
    let (m, challenges) = fixtures();
    let c = challenges.iter().find(|c| c.id == "c-ti").unwrap();
    let r = &m.match_challenge(c, &explained()).unwrap()[0];
    let e = r.explanation.as_ref().unwrap();
    let view = ExplanationView::new(e, c, r.profile, OffsetUnit::Bytes);
    let marked: Vec<&str> = view
        .challenge_spans
        .iter()
        .filter(|s| s.field == "title")
        .map(|s| &c.title[s.start..s.end])
        .collect();
    assert!(
        marked.contains(&"钛合金") && marked.contains(&"增材制造"),
        "{marked:?}"
    );
    // The evidence includes the work on laser-melted Ti-6Al-4V (the card,
    // whose keywords and summary name the topic, may come before it).
    let (best, work) = view
        .works
        .iter()
        .filter_map(|w| Some((w, r.profile.works.get(usize::try_from(w.index).ok()?)?)))
        .find(|(_, work)| work.title.contains("Ti-6Al-4V"))
        .unwrap();
    let in_title: Vec<&str> = best
        .title_spans
        .iter()
        .map(|[s, e]| &work.title[*s..*e])
        .collect();
    assert!(
        in_title.iter().any(|t| t.contains("Ti-6Al-4V")),
        "{in_title:?}"
    );
    // UTF-16 offsets index the same text in a JS string.
    let view16 = ExplanationView::new(e, c, r.profile, OffsetUnit::Utf16);
    let title16: Vec<u16> = c.title.encode_utf16().collect();
    let span = view16
        .challenge_spans
        .iter()
        .find(|s| s.field == "title")
        .unwrap();
    assert_eq!(
        String::from_utf16(&title16[span.start..span.end]).unwrap(),
        "钛合金"
    );
}

#[test]
fn filters_restrict_kind_region_and_institution() {
    let (m, _) = fixtures();
    let c = Challenge::from_text("q", "defect detection vibration battery 5G sludge");
    let only = |filter: Filter| {
        let o = MatchOptions {
            top: None,
            filter,
            ..MatchOptions::default()
        };
        m.match_challenge(&c, &o)
            .unwrap()
            .iter()
            .map(|r| r.profile.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        only(Filter {
            kinds: vec![Kind::Patent],
            ..Filter::default()
        }),
        vec!["5g-cooling"]
    );
    let zj = only(Filter {
        regions: vec!["Zhejiang".into()],
        ..Filter::default()
    });
    assert!(!zj.is_empty() && zj.iter().all(|id| id == "sludge" || id == "weld-vision"));
    let min = MatchOptions {
        top: None,
        min_score: 0.99,
        ..MatchOptions::default()
    };
    assert!(m.match_challenge(&c, &min).unwrap().is_empty());
}

#[test]
fn reverse_view_gives_the_forward_score() {
    let (m, challenges) = fixtures();
    let ranked = m
        .match_profile("battery-thermal", &challenges, &MatchOptions::default())
        .unwrap();
    assert_eq!(ranked[0].challenge.id, "c-battery");
    let forward = m
        .match_challenge(ranked[0].challenge, &MatchOptions::default())
        .unwrap();
    let same = forward
        .iter()
        .find(|r| r.profile.id == "battery-thermal")
        .unwrap();
    assert_eq!(same.score, ranked[0].score);
    assert!(m
        .match_profile("nobody", &challenges, &MatchOptions::default())
        .is_err());
}

#[test]
fn replacing_a_profile_rebuilds_consistently() {
    let (mut m, challenges) = fixtures();
    let before = m
        .match_challenge(&challenges[1], &MatchOptions::default())
        .unwrap()[0]
        .score;
    let mut p = m.profile("sludge").unwrap().clone();
    // Region is not matched on, so scores must not move.
    p.region = "Jiangsu".into();
    let report = m.add_profiles(vec![p]);
    assert_eq!((report.added, report.replaced.len()), (0, 1));
    assert_eq!(m.profile("sludge").unwrap().region, "Jiangsu");
    let after = m
        .match_challenge(&challenges[1], &MatchOptions::default())
        .unwrap()[0]
        .score;
    assert_eq!(before, after);
}

#[test]
fn same_input_gives_byte_identical_output() {
    let run = || {
        let (m, challenges) = fixtures();
        let mut out = String::new();
        for c in &challenges {
            for r in m.match_challenge(c, &explained()).unwrap() {
                let v = ExplanationView::new(
                    r.explanation.as_ref().unwrap(),
                    c,
                    r.profile,
                    OffsetUnit::Bytes,
                );
                out += &format!(
                    "{} {} {} {}\n",
                    c.id,
                    r.profile.id,
                    r.score,
                    serde_json::to_string(&v).unwrap()
                );
            }
        }
        out
    };
    assert_eq!(run(), run());
}

#[test]
fn empty_matcher_and_empty_challenge_give_no_results() {
    let m = Matcher::new(Params::default()).unwrap();
    assert!(m
        .match_challenge(
            &Challenge::from_text("q", "钛合金"),
            &MatchOptions::default()
        )
        .unwrap()
        .is_empty());
    let (m, _) = fixtures();
    assert!(m
        .match_challenge(
            &Challenge::from_text("q", "的 了 the of"),
            &MatchOptions::default()
        )
        .unwrap()
        .is_empty());
}

#[test]
fn explanation_of_a_profile_with_many_works_adds_up() {
    // Twenty works (more than top_works² = 9): the profile averages its
    // best round(√20) = 4, and the explanation must split that same score.
    let words = [
        "钛合金",
        "激光",
        "增材制造",
        "titanium",
        "additive",
        "manufacturing",
        "孔隙",
    ];
    let works = (0..20)
        .map(|i| coopmatch::Work {
            // Work i matches the first i % 8 words: distinct scores, so the
            // mean of the best 4 differs from the mean of the best 3.
            title: format!("{} 土壤 水分", words[..i % 8].join(" ")),
            ..Default::default()
        })
        .collect();
    let lab = coopmatch::Profile {
        id: "lab".into(),
        name: "Lab".into(),
        works,
        ..Default::default()
    };
    let (mut m, _) = fixtures();
    m.add_profiles(vec![lab]);
    let c = Challenge {
        id: "c".into(),
        title: "钛合金 激光 增材制造 titanium additive manufacturing 孔隙".into(),
        ..Default::default()
    };
    let r = m.match_challenge(&c, &explained()).unwrap();
    let lab = r.iter().find(|x| x.profile.id == "lab").unwrap();
    let e = lab.explanation.as_ref().unwrap();
    let sum: f32 = e.terms.iter().map(|t| t.score).sum();
    assert!(lab.score > 0.0);
    assert!((sum - lab.score).abs() < 1e-5, "{sum} vs {}", lab.score);
}
