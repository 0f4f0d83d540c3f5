//! The sharded index (`coopmatch index --shards`): ranking from fragments
//! fetched as a challenge needs them gives the whole index's results (same
//! profiles, same scores to the bit, same explanations), and a damaged,
//! missing or foreign fragment is a clear error.
#![cfg(not(target_arch = "wasm32"))]

use coopmatch::import::{read_challenges, read_profiles};
use coopmatch::model::Work;
use coopmatch::shard::{ShardedIndex, Step};
use coopmatch::{Challenge, Error, Kind, MatchOptions, Matcher, Params, Profile};
use std::collections::HashMap;

fn demo() -> (Vec<Profile>, Vec<Challenge>) {
    let profiles = read_profiles(include_str!("../www/demo/profiles.json"), None)
        .unwrap()
        .records;
    let challenges = read_challenges(include_str!("../www/demo/challenges.json"), None)
        .unwrap()
        .records;
    (profiles, challenges)
}

/// A deterministic corpus of `n` profiles over a vocabulary with a long
/// tail (word `i` drawn with weight ~ 1/(i+1)), English and Chinese mixed,
/// and challenges cut from works (short and long), with typos.
fn generated(n: usize) -> (Vec<Profile>, Vec<Challenge>) {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m.max(1) as u64) as usize
    };
    const SYLLABLES: &[&str] = &[
        "ther", "mal", "lase", "weld", "fati", "gue", "tita", "nium", "bat", "tery", "corr",
        "osion", "sens", "or", "vibr", "ation", "poly", "mer", "coat", "ing", "struct", "ure",
    ];
    const HAN: &[char] = &[
        '钛', '合', '金', '增', '材', '制', '造', '疲', '劳', '电', '池', '热', '管', '理', '焊',
        '缝', '缺', '陷', '检', '测', '轴', '承', '振', '动', '涂', '层', '腐', '蚀',
    ];
    let vocab: Vec<String> = (0..3000)
        .map(|i| {
            if i % 3 == 0 {
                (0..2 + i % 3)
                    .map(|k| HAN[(i * 7 + k * 13) % HAN.len()])
                    .collect()
            } else {
                let a = SYLLABLES[i % SYLLABLES.len()];
                let b = SYLLABLES[(i / SYLLABLES.len()) % SYLLABLES.len()];
                let c = SYLLABLES[(i / 484) % SYLLABLES.len()];
                format!("{a}{b}{c}")
            }
        })
        .collect();
    // Zipf-like draws: the i-th word about 1/(i+1) as often as the first.
    let harmonic: Vec<f64> = (0..vocab.len())
        .scan(0.0, |s, i| {
            *s += 1.0 / (i as f64 + 1.0);
            Some(*s)
        })
        .collect();
    let total = *harmonic.last().unwrap();
    let word = |next: &mut dyn FnMut(usize) -> usize| {
        let x = next(1 << 30) as f64 / (1u64 << 30) as f64 * total;
        let i = harmonic.partition_point(|&h| h < x).min(vocab.len() - 1);
        vocab[i].clone()
    };
    let text = |k: usize, next: &mut dyn FnMut(usize) -> usize| {
        (0..k).map(|_| word(next)).collect::<Vec<_>>().join(" ")
    };
    let mut profiles = Vec::new();
    for i in 0..n {
        let works = (0..next(6))
            .map(|_| {
                let t = next(8) + 2;
                let a = next(60);
                Work {
                    title: text(t, &mut next),
                    abstract_text: text(a, &mut next),
                    year: None,
                }
            })
            .collect();
        profiles.push(Profile {
            id: format!("p{:05}", (i * 7919) % n),
            kind: Kind::ALL[i % 4],
            name: format!("Profile {i}"),
            keywords: if i % 3 == 0 {
                vec![text(2, &mut next)]
            } else {
                vec![]
            },
            summary: if i % 4 == 0 {
                text(15, &mut next)
            } else {
                String::new()
            },
            works,
            ..Profile::default()
        });
    }
    let mut challenges = Vec::new();
    for c in 0..30 {
        let len = [3, 8, 25, 120][c % 4];
        let mut t = text(len, &mut next);
        if c % 5 == 0 {
            // A typo in a long word: the typo-tolerance path.
            t.push_str(" thermalweldin strukture");
        }
        challenges.push(Challenge {
            id: format!("c{c}"),
            title: t,
            ..Challenge::default()
        });
    }
    (profiles, challenges)
}

fn fragments(m: &Matcher) -> (String, HashMap<String, Vec<u8>>) {
    let s = m.write_sharded();
    (s.manifest, s.fragments.into_iter().collect())
}

fn from_map(files: &HashMap<String, Vec<u8>>) -> impl FnMut(&str) -> Result<Vec<u8>, Error> + '_ {
    move |name| {
        files
            .get(name)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("{name}: 404")))
    }
}

/// Every challenge ranks the same top 100, with the same scores (bits)
/// and explanations, from the whole index and from the sharded one.
fn assert_same(profiles: Vec<Profile>, challenges: &[Challenge], params: Params) -> usize {
    let mut whole = Matcher::new(params).unwrap();
    whole.add_profiles(profiles);
    let (manifest, files) = fragments(&whole);
    let mut sharded = ShardedIndex::open(&manifest).unwrap();
    let options = MatchOptions {
        top: Some(100),
        explain: true,
        ..MatchOptions::default()
    };
    let mut compared = 0;
    for c in challenges {
        let expected = whole.match_challenge(c, &options).unwrap();
        let got = sharded
            .match_with(c, &options, &mut from_map(&files))
            .unwrap();
        assert_eq!(expected.len(), got.len(), "challenge {}", c.id);
        for (e, g) in expected.iter().zip(&got) {
            assert_eq!(e.profile, &g.profile, "challenge {}", c.id);
            assert_eq!(
                e.score.to_bits(),
                g.score.to_bits(),
                "challenge {} {}",
                c.id,
                e.profile.id
            );
            assert_same_explanation(e.explanation.clone(), g.explanation.clone());
        }
        compared += got.len();
    }
    compared
}

/// The same explanation, with each word's share of the score equal to
/// within float rounding: the explainer adds the parts up in its hash
/// map's order, which follows term numbers, and the sharded index numbers
/// the terms of a challenge's part of the corpus apart from the whole's
/// (in the same order). Every part and every score is equal to the bit.
fn assert_same_explanation(
    e: Option<coopmatch::explain::Explanation>,
    g: Option<coopmatch::explain::Explanation>,
) {
    let (Some(mut e), Some(mut g)) = (e, g) else {
        panic!("an explanation is missing");
    };
    assert_eq!(e.terms.len(), g.terms.len());
    for (a, b) in e.terms.iter_mut().zip(g.terms.iter_mut()) {
        assert!(
            (a.share - b.share).abs() <= 1e-6 * a.share.max(1e-3),
            "{a:?} {b:?}"
        );
        assert_eq!(a.score.to_bits(), b.score.to_bits(), "{a:?} {b:?}");
        (a.share, b.share) = (0.0, 0.0);
    }
    assert_eq!(e, g);
}

#[test]
fn demo_ranks_the_same_from_shards() {
    let (profiles, challenges) = demo();
    assert!(assert_same(profiles, &challenges, Params::default()) > 100);
}

#[test]
fn generated_corpus_ranks_the_same_from_shards() {
    let (profiles, challenges) = generated(3000);
    assert!(assert_same(profiles.clone(), &challenges, Params::default()) > 1000);
    // Without feedback and phrases, and with works idf: other paths.
    let other = Params {
        feedback: false,
        phrase_weight: 0.0,
        profile_idf: false,
        ..Params::default()
    };
    assert!(assert_same(profiles, &challenges, other) > 1000);
}

#[test]
fn kind_filter_and_min_score_apply() {
    let (profiles, challenges) = generated(1000);
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles);
    let (manifest, files) = fragments(&whole);
    let mut sharded = ShardedIndex::open(&manifest).unwrap();
    let options = MatchOptions {
        top: Some(20),
        min_score: 0.05,
        filter: coopmatch::Filter {
            kinds: vec![Kind::Lab, Kind::Patent],
            ..Default::default()
        },
        ..MatchOptions::default()
    };
    for c in &challenges[..8] {
        let e: Vec<_> = whole
            .match_challenge(c, &options)
            .unwrap()
            .iter()
            .map(|m| (m.profile.id.clone(), m.score))
            .collect();
        let g: Vec<_> = sharded
            .match_with(c, &options, &mut from_map(&files))
            .unwrap()
            .iter()
            .map(|m| (m.profile.id.clone(), m.score))
            .collect();
        assert_eq!(e, g);
    }
    let by_region = MatchOptions {
        filter: coopmatch::Filter {
            regions: vec!["江苏".into()],
            ..Default::default()
        },
        ..MatchOptions::default()
    };
    assert!(sharded
        .match_with(&challenges[0], &by_region, &mut from_map(&files))
        .is_err());
}

#[test]
fn a_challenge_fetches_a_small_part_of_the_index() {
    let (profiles, challenges) = generated(3000);
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles);
    let (manifest, files) = fragments(&whole);
    let total: usize = files.values().map(Vec::len).sum();
    let mut sharded = ShardedIndex::open(&manifest).unwrap();
    let mut fetched = 0usize;
    let mut fetch = |name: &str| {
        let f = files.get(name).cloned().unwrap();
        fetched += f.len();
        Ok(f)
    };
    // A short challenge (3 words).
    sharded
        .match_with(&challenges[0], &MatchOptions::default(), &mut fetch)
        .unwrap();
    assert!(fetched * 4 < total, "{fetched} of {total} bytes");
}

/// Serves `files`, with `name` replaced by `bytes` (or missing).
fn run_with(
    manifest: &str,
    files: &HashMap<String, Vec<u8>>,
    challenge: &Challenge,
    name: &str,
    bytes: Option<Vec<u8>>,
) -> Result<(), Error> {
    let mut sharded = ShardedIndex::open(manifest).unwrap();
    let mut fetch = |n: &str| -> Result<Vec<u8>, Error> {
        if n == name {
            return bytes
                .clone()
                .ok_or_else(|| Error::not_found(format!("{n}: 404 not found")));
        }
        from_map(files)(n)
    };
    let options = MatchOptions {
        explain: true,
        ..MatchOptions::default()
    };
    sharded
        .match_with(challenge, &options, &mut fetch)
        .map(|_| ())
}

#[test]
fn damaged_missing_or_foreign_fragments_are_errors() {
    let (profiles, challenges) = generated(600);
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles.clone());
    let (manifest, files) = fragments(&whole);
    // Another index: its fragments are not this one's.
    let mut other = Matcher::new(Params::default()).unwrap();
    other.add_profiles(profiles[..300].to_vec());
    let (_, foreign) = fragments(&other);
    let challenge = &challenges[2];
    // Which fragments this challenge reads.
    let mut used = Vec::new();
    {
        let mut sharded = ShardedIndex::open(&manifest).unwrap();
        let mut fetch = |n: &str| {
            used.push(n.to_string());
            from_map(&files)(n)
        };
        let options = MatchOptions {
            explain: true,
            ..MatchOptions::default()
        };
        sharded.match_with(challenge, &options, &mut fetch).unwrap();
    }
    for kind in ["terms-", "postings-", "profiles-", "records-"] {
        let name = used
            .iter()
            .find(|n| n.starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind} fragment read"));
        let file = &files[name];
        // A flipped byte anywhere, a cut file, an empty one.
        for at in [0, 12, 30, file.len() / 2, file.len() - 1] {
            let mut bad = file.clone();
            bad[at] ^= 0x21;
            let e = run_with(&manifest, &files, challenge, name, Some(bad)).unwrap_err();
            assert!(e.message().contains(name.as_str()), "{}", e.message());
            assert!(e.message().contains("damaged"), "{}", e.message());
        }
        let e = run_with(
            &manifest,
            &files,
            challenge,
            name,
            Some(file[..file.len() - 3].to_vec()),
        )
        .unwrap_err();
        assert!(e.message().contains(name.as_str()), "{}", e.message());
        assert!(run_with(&manifest, &files, challenge, name, Some(Vec::new())).is_err());
        // Missing.
        let e = run_with(&manifest, &files, challenge, name, None).unwrap_err();
        assert!(e.message().contains("404"), "{}", e.message());
        // Another index's fragment of the same kind under this name (one
        // this index does not have: the same content has the same name).
        let stranger = foreign
            .iter()
            .find(|(n, _)| n.starts_with(kind) && !files.contains_key(n.as_str()))
            .unwrap()
            .1;
        let e = run_with(&manifest, &files, challenge, name, Some(stranger.clone())).unwrap_err();
        assert!(e.message().contains(name.as_str()), "{}", e.message());
    }
}

#[test]
fn a_damaged_manifest_is_an_error() {
    let (profiles, _) = demo();
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles);
    let (manifest, _) = fragments(&whole);
    assert!(ShardedIndex::open(&manifest).is_ok());
    for bad in [
        String::new(),
        "{}".to_string(),
        manifest.replace("coopmatch-sharded-index", "other"),
        manifest.replace("\"version\":1", "\"version\":99"),
        manifest[..manifest.len() / 2].to_string(),
        manifest.replace("\"k1\":\"1.2\"", "\"k1\":\"-4\""),
    ] {
        assert!(ShardedIndex::open(&bad).is_err(), "{bad:.80}");
    }
}

#[test]
fn the_cache_stays_within_its_bound_between_challenges() {
    let (profiles, challenges) = generated(2000);
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles);
    let (manifest, files) = fragments(&whole);
    let mut sharded = ShardedIndex::open(&manifest).unwrap();
    sharded.cache_limit = 64 * 1024;
    for c in &challenges {
        let e: Vec<_> = whole
            .match_challenge(c, &MatchOptions::default())
            .unwrap()
            .iter()
            .map(|m| (m.profile.id.clone(), m.score))
            .collect();
        let g: Vec<_> = sharded
            .match_with(c, &MatchOptions::default(), &mut from_map(&files))
            .unwrap()
            .iter()
            .map(|m| (m.profile.id.clone(), m.score))
            .collect();
        assert_eq!(e, g);
        assert!(sharded.cached_bytes() <= 64 * 1024);
    }
}

#[test]
fn a_step_asks_only_for_fragments_it_lacks() {
    let (profiles, challenges) = demo();
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles);
    let (manifest, files) = fragments(&whole);
    let mut sharded = ShardedIndex::open(&manifest).unwrap();
    let mut asked = std::collections::HashSet::new();
    loop {
        match sharded
            .match_challenge(&challenges[0], &MatchOptions::default())
            .unwrap()
        {
            Step::Need(names) => {
                assert!(!names.is_empty());
                for n in names {
                    assert!(asked.insert(n.clone()), "{n} asked for twice");
                    sharded.add_fragment(&n, &files[&n]).unwrap();
                }
            }
            Step::Done(results) => {
                assert!(!results.is_empty());
                break;
            }
        }
    }
}

#[test]
fn the_command_line_writes_a_sharded_index_read_from_disk() {
    let dir = std::env::temp_dir().join(format!("coopmatch-shards-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_coopmatch"))
        .args([
            "index",
            "--profiles",
            "www/demo/profiles.json",
            "--shards",
            "-o",
        ])
        .arg(&dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    let manifest = std::fs::read_to_string(dir.join(coopmatch::shard::MANIFEST)).unwrap();
    let mut sharded = ShardedIndex::open(&manifest).unwrap();
    let (profiles, challenges) = demo();
    let mut whole = Matcher::new(Params::default()).unwrap();
    whole.add_profiles(profiles);
    let mut from_disk = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| Error::not_found(format!("{name}: {e}")))
    };
    for c in &challenges {
        let e: Vec<_> = whole
            .match_challenge(c, &MatchOptions::default())
            .unwrap()
            .iter()
            .map(|m| (m.profile.id.clone(), m.score.to_bits()))
            .collect();
        let g: Vec<_> = sharded
            .match_with(c, &MatchOptions::default(), &mut from_disk)
            .unwrap()
            .iter()
            .map(|m| (m.profile.id.clone(), m.score.to_bits()))
            .collect();
        assert_eq!(e, g);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
