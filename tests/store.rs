//! The prebuilt index file (`.cmx`): a loaded index ranks, scores and
//! explains byte for byte like one built from the same profiles, and a
//! truncated, corrupted or foreign file is a clear error, never a panic.
#![cfg(not(target_arch = "wasm32"))]

use coopmatch::import::{read_challenges, read_profiles};
use coopmatch::model::{Licence, Work};
use coopmatch::store::{self, HEADER_LEN, MAGIC};
use coopmatch::view::{ChallengeMatchView, MatchView, OffsetUnit};
use coopmatch::{Challenge, Kind, MatchOptions, Matcher, Params, Profile, StoreErrorKind};

fn built(profiles: Vec<Profile>, params: Params) -> Matcher {
    let mut m = Matcher::new(params).unwrap();
    m.add_profiles(profiles);
    m
}

fn fixture_profiles() -> Vec<Profile> {
    let got = read_profiles(include_str!("fixtures/profiles.jsonl"), None).unwrap();
    assert!(got.errors.is_empty());
    got.records
}

fn fixture_challenges() -> Vec<Challenge> {
    read_challenges(include_str!("fixtures/challenges.jsonl"), None)
        .unwrap()
        .records
}

fn demo_profiles() -> Vec<Profile> {
    read_profiles(include_str!("../www/demo/profiles.json"), None)
        .unwrap()
        .records
}

/// A deterministic mixed-language set: English, Chinese, model numbers,
/// profiles with and without works, cards, licences, numbers and years.
fn generated(n: usize) -> Vec<Profile> {
    const EN: &[&str] = &[
        "laser",
        "welding",
        "fatigue",
        "titanium",
        "alloy",
        "battery",
        "thermal",
        "runaway",
        "vision",
        "defect",
        "detection",
        "bearing",
        "spindle",
        "vibration",
        "sludge",
        "digestion",
        "polymer",
        "coating",
        "corrosion",
        "sensor",
        "network",
        "control",
    ];
    const ZH: &[&str] = &[
        "钛合金",
        "增材制造",
        "疲劳",
        "电池",
        "热管理",
        "焊缝",
        "缺陷",
        "检测",
        "轴承",
        "振动",
        "污泥",
        "厌氧消化",
        "涂层",
        "腐蚀",
        "传感器",
    ];
    const CODES: &[&str] = &["Ti-6Al-4V", "GB/T 19001", "5G", "X70", "LiFePO4"];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    (0..n)
        .map(|i| {
            let mut words = |k: usize| {
                (0..k)
                    .map(|_| match next(4) {
                        0 => ZH[next(ZH.len())].to_string(),
                        1 => CODES[next(CODES.len())].to_string(),
                        _ => EN[next(EN.len())].to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let works = (0..i % 4)
                .map(|j| Work {
                    title: words(4),
                    abstract_text: words(20),
                    year: (j % 2 == 0).then_some(1990 + (i % 35) as i32),
                })
                .collect();
            Profile {
                id: format!("g{i}"),
                kind: Kind::ALL[i % 4],
                name: format!("Profile {i} {}", words(1)),
                institution: format!("Uni {}", i % 7),
                discipline: ["材料", "Mechanical", ""][i % 3].to_string(),
                region: ["江苏", "Zhejiang"][i % 2].to_string(),
                keywords: if i % 3 == 0 {
                    vec![words(2), words(1)]
                } else {
                    vec![]
                },
                summary: if i % 5 == 0 { words(10) } else { String::new() },
                works,
                licence: (i % 4 == 3).then(|| Licence {
                    fee: "1万元/年".into(),
                    terms: "非独占".into(),
                }),
                number: (i % 4 == 3).then(|| format!("ZL{i}")),
            }
        })
        .collect()
}

fn queries(profiles: &[Profile]) -> Vec<Challenge> {
    let mut out = fixture_challenges();
    for (i, text) in [
        "laser welding of titanium alloy with fatigue testing",
        "电池热管理 与 热失控",
        "Ti-6Al-4V 增材制造 零件",
        "weldng defect detectoin with vison", // typos: the fuzzy path
        "spindle bearing vibration sensor network control",
    ]
    .iter()
    .enumerate()
    {
        out.push(Challenge::from_text(&format!("q{i}"), text));
    }
    // A profile's own text as a challenge: long queries, feedback.
    for p in profiles.iter().step_by(37).take(5) {
        let text = p.works.first().map_or(p.name.clone(), |w| {
            format!("{} {}", w.title, w.abstract_text)
        });
        out.push(Challenge::from_text(&format!("self-{}", p.id), &text));
    }
    out
}

/// Everything the two matchers say about every query, as JSON text (with
/// the exact bits of each score), so equality is byte for byte.
fn everything(m: &Matcher, challenges: &[Challenge]) -> String {
    let options = MatchOptions {
        top: None,
        explain: true,
        keep_unmatched: true,
        ..MatchOptions::default()
    };
    let mut out = String::new();
    for c in challenges {
        for r in m.match_challenge(c, &options).unwrap() {
            let view = MatchView::new(&r, c, OffsetUnit::Bytes, true);
            out.push_str(&serde_json::to_string(&view).unwrap());
            out.push_str(&format!(" {:08x}\n", r.score.to_bits()));
        }
    }
    for row in m.score_matrix(challenges) {
        for s in row {
            out.push_str(&format!("{:08x} ", s.to_bits()));
        }
        out.push('\n');
    }
    for p in m.profiles().iter().step_by(11).take(6) {
        for r in m.match_profile(&p.id, challenges, &options).unwrap() {
            let view = ChallengeMatchView::new(&r, p, OffsetUnit::Utf16);
            out.push_str(&serde_json::to_string(&view).unwrap());
            out.push('\n');
        }
    }
    out.push_str(&format!("{:?}\n", m.facets()));
    out
}

fn assert_round_trip(profiles: Vec<Profile>, params: Params) {
    let fresh = built(profiles.clone(), params);
    let bytes = fresh.write_index();
    let loaded = Matcher::from_index(&bytes).unwrap();
    assert_eq!(loaded.params(), fresh.params());
    assert_eq!(loaded.profiles(), fresh.profiles());
    let challenges = queries(&profiles);
    let a = everything(&fresh, &challenges);
    let b = everything(&loaded, &challenges);
    assert!(a.len() > 1000);
    assert!(a == b, "loaded index differs from the built one");
    // Writing the loaded index again gives the same file.
    assert_eq!(loaded.write_index(), bytes);
}

#[test]
fn round_trip_fixtures() {
    assert_round_trip(fixture_profiles(), Params::default());
}

#[test]
fn round_trip_demo_data() {
    assert_round_trip(demo_profiles(), Params::default());
}

#[test]
fn round_trip_generated_set() {
    assert_round_trip(generated(600), Params::default());
}

#[test]
fn round_trip_with_unusual_weights_stores_raw_floats() {
    let params = Params {
        title_weight: 1.3,
        keyword_weight: 0.7,
        cjk_char_weight: 0.3,
        phrase_weight: 0.0,
        k1: 1.37,
        fuzzy: false,
        ..Params::default()
    };
    assert_round_trip(generated(200), params);
}

#[test]
fn round_trip_empty_matcher() {
    let m = Matcher::new(Params::default()).unwrap();
    let loaded = Matcher::from_index(&m.write_index()).unwrap();
    assert!(loaded.is_empty());
}

#[test]
fn a_loaded_matcher_can_take_more_profiles() {
    let all = generated(120);
    let fresh = built(all.clone(), Params::default());
    let mut loaded =
        Matcher::from_index(&built(all[..60].to_vec(), Params::default()).write_index()).unwrap();
    loaded.add_profiles(all[60..].to_vec());
    let challenges = queries(&all);
    assert!(everything(&fresh, &challenges) == everything(&loaded, &challenges));
}

/// Loading in batches (as the page does, a few thousand lines at a time)
/// leaves the postings in several segments, merged past a limit; results
/// and the written index must not depend on it.
#[test]
fn batches_of_any_size_give_the_same_matcher() {
    let all = generated(300);
    let whole = built(all.clone(), Params::default());
    let challenges = queries(&all);
    let expected = everything(&whole, &challenges);
    for batch in [1, 7, 64] {
        let mut m = Matcher::new(Params::default()).unwrap();
        for chunk in all.chunks(batch) {
            m.add_profiles(chunk.to_vec());
        }
        assert!(
            everything(&m, &challenges) == expected,
            "batches of {batch} differ"
        );
        assert_eq!(m.write_index(), whole.write_index(), "batches of {batch}");
    }
}

fn small_file() -> Vec<u8> {
    built(fixture_profiles()[..3].to_vec(), Params::default()).write_index()
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = small_file();
    for len in 0..bytes.len() {
        let e = match Matcher::from_index(&bytes[..len]) {
            Ok(_) => panic!("a file cut to {len} of {} bytes loaded", bytes.len()),
            Err(e) => e,
        };
        let kind = e.store_kind();
        assert!(
            kind == Some(StoreErrorKind::Truncated)
                || (len == 0 && kind == Some(StoreErrorKind::NotAnIndex)),
            "cut to {len}: {e}"
        );
    }
}

#[test]
fn every_flipped_byte_is_caught() {
    let bytes = small_file();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = bytes.clone();
            bad[i] ^= bit;
            let e = match Matcher::from_index(&bad) {
                Ok(_) => panic!("a flip at byte {i} went unnoticed"),
                Err(e) => e,
            };
            if i >= HEADER_LEN {
                assert_eq!(
                    e.store_kind(),
                    Some(StoreErrorKind::Checksum),
                    "byte {i}: {e}"
                );
            }
        }
    }
}

#[test]
fn wrong_magic_and_version_have_their_own_messages() {
    let bytes = small_file();
    let e = Matcher::from_index(b"{\"id\": \"p1\"}\n").err().unwrap();
    assert_eq!(e.store_kind(), Some(StoreErrorKind::NotAnIndex), "{e}");
    for version in [0, store::VERSION + 1] {
        let mut other = bytes.clone();
        other[8..12].copy_from_slice(&version.to_le_bytes());
        let e = Matcher::from_index(&other).err().unwrap();
        assert_eq!(e.store_kind(), Some(StoreErrorKind::Version), "{e}");
    }
    let mut extra = bytes.clone();
    extra.push(0);
    let e = Matcher::from_index(&extra).err().unwrap();
    assert_eq!(e.store_kind(), Some(StoreErrorKind::TrailingBytes), "{e}");
    assert_eq!(&bytes[..8], &MAGIC);
}

/// Rewrites the header's length and checksum for a changed payload, so the
/// structural checks behind the checksum are exercised too.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let len = (bytes.len() - HEADER_LEN) as u64;
    let sum = store::checksum(&bytes[HEADER_LEN..]);
    bytes[12..20].copy_from_slice(&len.to_le_bytes());
    bytes[20..28].copy_from_slice(&sum.to_le_bytes());
    bytes
}

#[test]
fn damage_behind_a_valid_checksum_never_panics() {
    let bytes = small_file();
    let mut seed: u64 = 12345;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let payload_len = bytes.len() - HEADER_LEN;
    let mut errors = 0;
    for round in 0..3000 {
        let mut bad = bytes.clone();
        match round % 3 {
            0 => {
                let i = HEADER_LEN + next() % payload_len;
                bad[i] = next() as u8;
            }
            1 => {
                let cut = HEADER_LEN + next() % payload_len;
                bad.truncate(cut);
            }
            _ => {
                let i = HEADER_LEN + next() % payload_len;
                bad.insert(i, next() as u8);
            }
        }
        if Matcher::from_index(&reseal(bad)).is_err() {
            errors += 1;
        }
    }
    // Most damage is structural and caught; the rest (a changed letter in
    // a name) loads as the text it now is.
    assert!(errors > 1500, "{errors}");
}

/// Loads `bytes` through a [`store::Loader`] in pieces of `size` bytes, as
/// the browser does while downloading; `known` says whether the loader is
/// told the file's size first.
fn load_in_pieces(bytes: &[u8], size: usize, known: bool) -> coopmatch::Result<Matcher> {
    let mut loader = store::Loader::new(known.then_some(bytes.len() as u64));
    for piece in bytes.chunks(size) {
        loader.push(piece)?;
    }
    Matcher::from_loader(loader)
}

#[test]
fn pieces_of_any_size_load_the_same_index() {
    let whole = built(generated(40), Params::default()).write_index();
    for size in (1..=97).chain([255, 4096, whole.len()]) {
        for known in [true, false] {
            let m = load_in_pieces(&whole, size, known)
                .unwrap_or_else(|e| panic!("pieces of {size}: {e}"));
            assert!(
                m.write_index() == whole,
                "pieces of {size} (size known: {known})"
            );
        }
    }
}

#[test]
fn damage_reads_the_same_in_pieces_as_whole() {
    let bytes = small_file();
    let message = |r: coopmatch::Result<Matcher>| r.err().map(|e| e.to_string());
    let kind = |r: coopmatch::Result<Matcher>| r.err().and_then(|e| e.store_kind());
    // Every 17th cut and flip (a piece of one byte re-reads the item it
    // ends in, so one load costs as many item reads as the file has bytes).
    for len in (0..bytes.len()).step_by(17) {
        let cut = &bytes[..len];
        let whole = message(Matcher::from_index(cut));
        assert!(whole.is_some(), "cut to {len}");
        // Told the size, the loader sees at once that a cut file is short;
        // not told, it finds out at the end. Both say "truncated".
        for size in [if len % 10 == 0 { 1 } else { 7 }, 64] {
            for known in [true, false] {
                let got = load_in_pieces(cut, size, known);
                let truncated = got.as_ref().err().and_then(|e| e.store_kind())
                    == Some(StoreErrorKind::Truncated);
                let got = message(got).unwrap_or_default();
                assert!(
                    got == *whole.as_ref().unwrap() || (!known && truncated),
                    "cut to {len}, pieces of {size}: {got} / {whole:?}"
                );
            }
        }
    }
    for i in (HEADER_LEN..bytes.len()).step_by(17) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x80;
        let whole = message(Matcher::from_index(&bad));
        for size in [3, 64] {
            assert_eq!(
                message(load_in_pieces(&bad, size, false)),
                whole,
                "byte {i}"
            );
        }
    }
    // Bytes after the end, with the size known or not.
    let mut extra = bytes.clone();
    extra.extend_from_slice(b"tail");
    for known in [true, false] {
        assert_eq!(
            kind(load_in_pieces(&extra, 5, known)),
            Some(StoreErrorKind::TrailingBytes)
        );
    }
}

#[test]
fn damage_behind_a_valid_checksum_reads_the_same_in_pieces() {
    // Structural damage is found while decoding but reported at the end,
    // and must be the same error whatever the pieces.
    let bytes = small_file();
    let payload_len = bytes.len() - HEADER_LEN;
    for step in 0..100 {
        let i = HEADER_LEN + step * 7919 % payload_len;
        let mut bad = bytes.clone();
        bad[i] = bad[i].wrapping_add(1 + step as u8 % 5);
        let bad = reseal(bad);
        let whole = Matcher::from_index(&bad).err().map(|e| e.to_string());
        for size in [if step % 10 == 0 { 1 } else { 5 }, 200] {
            let got = load_in_pieces(&bad, size, false)
                .err()
                .map(|e| e.to_string());
            assert_eq!(got, whole, "byte {i}, pieces of {size}");
        }
    }
}

#[test]
fn crafted_files_give_errors() {
    // Payload: no params, 1 profile, absurd counts: refused before allocating.
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![0, 0xff, 0xff, 0xff, 0xff, 0x0f], "profile count"),
        (vec![0, 0, 0xff, 0xff, 0x03], "term count"),
        // A pair term that refers to itself.
        (vec![0, 0, 1, 4, 0, 0, 0], "pair term 0"),
        // A term with an unknown tag.
        (vec![0, 0, 1, 9, 1, b'a', 0], "unknown tag"),
        // Invalid UTF-8 in a term.
        (vec![0, 0, 1, 0, 1, 0xff, 0], "UTF-8"),
        // A posting for work 0 when there are no works.
        (vec![0, 0, 1, 0, 1, b'a', 1, 1, 0, 4], "only 0 works"),
        // A posting total that does not match the lists.
        // (One profile "a" with one empty work; one term.)
        (
            vec![
                0, 1, 1, b'a', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, b'a', 2, 1, 0, 4, 0,
            ],
            "fewer than the file's total",
        ),
        (
            vec![0, 0, 1, 0, 1, b'a', 0, 1, 0, 4],
            "more postings than the file's total",
        ),
        (vec![0, 0, 0, 0xff, 0xff, 0x03], "posting total"),
        // An unknown parameter.
        (vec![1, 1, b'x', 1, b'1', 0, 0], "unknown parameter"),
        // Bytes left over.
        (vec![0, 0, 0, 0, 7], "left over"),
    ];
    for (payload, want) in cases {
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&store::VERSION.to_le_bytes());
        file.extend_from_slice(&[0; 16]);
        file.extend_from_slice(&payload);
        let e = Matcher::from_index(&reseal(file)).err().unwrap();
        // The kind says the file is damaged; the message, which rule it broke.
        assert_eq!(e.store_kind(), Some(StoreErrorKind::Damaged), "{want}: {e}");
        assert!(e.to_string().contains(want), "{want}: {e}");
    }
}

#[test]
fn postings_out_of_order_are_refused() {
    // One profile with one work, two terms; the second's postings repeat work 0.
    let p = Profile {
        id: "a".into(),
        works: vec![Work {
            title: "laser weld".into(),
            abstract_text: String::new(),
            year: None,
        }],
        ..Profile::default()
    };
    let m = built(
        vec![
            p.clone(),
            Profile {
                id: "b".into(),
                ..p
            },
        ],
        Params::default(),
    );
    let bytes = m.write_index();
    // The last posting list is `df=2, gap 0, tf, gap 1, tf`: make the gap 0.
    let mut bad = bytes.clone();
    let n = bad.len();
    assert_eq!(bad[n - 2], 1, "layout assumption");
    bad[n - 2] = 0;
    let e = Matcher::from_index(&reseal(bad)).err().unwrap();
    assert_eq!(e.store_kind(), Some(StoreErrorKind::Damaged), "{e}");
    assert!(e.to_string().contains("strictly increasing"), "{e}");
}

#[test]
fn cli_writes_an_index_the_library_loads() {
    let dir = std::env::temp_dir().join(format!("coopmatch-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("fixtures.cmx");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_coopmatch"))
        .args(["index", "--profiles", "tests/fixtures/profiles.jsonl", "-o"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    let loaded = Matcher::from_index(&bytes).unwrap();
    let fresh = built(fixture_profiles(), Params::default());
    let c = fixture_challenges();
    assert!(everything(&fresh, &c) == everything(&loaded, &c));
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_coopmatch"))
        .args(["index", "--profiles", "tests/fixtures/profiles.jsonl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
