//! The properties the fuzz targets check, shared with `tests/adversarial.rs`
//! (which replays the committed corpus through these same functions in a
//! plain `cargo test`). Each function takes the fuzzer's raw bytes, must
//! never panic on its own, and asserts the property it names; a failed
//! assertion is a bug in `coopmatch`, not in the input.
//!
//! Byte layouts (chosen so the fuzzer finds the structure quickly and a
//! person can write a seed by hand):
//!
//! * `analyze`: the text itself (lossy UTF-8).
//! * `import`: byte 0 picks the record type (bit 0: profiles/challenges)
//!   and the format (bits 1–2: detect, JSON, JSONL, CSV); the rest is the
//!   text (lossy UTF-8).
//! * `event`: the event file, then a NUL byte, then the parties and
//!   candidates: byte 0 = enterprises (mod 6), byte 1 = participants
//!   (mod 6), then triples (enterprise, participant, score byte).
//! * `matching`: lossy UTF-8 text split on `\u{1e}` (record separator):
//!   the first record is the challenge, each later one a profile whose
//!   fields are split on `\u{1f}` (unit separator): id, kind, keywords
//!   (`;`-separated), summary, then title/abstract pairs of works.
//! * `index`: byte 0 even: the rest is a whole `.cmx` file; odd: the rest
//!   is a payload, wrapped in a valid header (right length and checksum)
//!   so the fuzzer reaches the payload parser.

#![allow(dead_code)]

use coopmatch::import::{self, Format, Imported};
use coopmatch::model::limits;
use coopmatch::text::{Analyzer, Mode};
use coopmatch::{Challenge, Kind, MatchOptions, Matcher, Params, Profile, Work};
use coopmatch_event::{self as schedule, Candidate, Event, Party};

/// Tokens have offsets on char boundaries inside the text, non-empty terms,
/// and the same text analysed again (after another one, with warm caches)
/// gives the same tokens.
pub fn analyze(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut a = Analyzer::new();
    let first = check_tokens(&mut a, &text, Mode::default());
    let _ = a.analyze(
        "warm the caches with something else: 钛合金 Ti-6Al-4V ISO 9001",
        Mode::default(),
    );
    let again = check_tokens(&mut a, &text, Mode::default());
    assert_eq!(first, again, "analysing twice differs");
    let mut b = Analyzer::new();
    let chars = Mode {
        cjk_chars: true,
        offsets: true,
    };
    check_tokens(&mut b, &text, chars);
    let terms: Vec<String> = {
        let an = b.analyze(
            &text,
            Mode {
                offsets: false,
                ..chars
            },
        );
        an.tokens().iter().map(|t| an.term(t).to_string()).collect()
    };
    let with_offsets: Vec<String> = {
        let an = b.analyze(&text, chars);
        an.tokens().iter().map(|t| an.term(t).to_string()).collect()
    };
    assert_eq!(terms, with_offsets, "offsets on/off change the terms");
    let _ = coopmatch::text::normalize(&text);
}

fn check_tokens(a: &mut Analyzer, text: &str, mode: Mode) -> Vec<(String, u32, u32)> {
    let an = a.analyze(text, mode);
    an.tokens()
        .iter()
        .map(|t| {
            let (s, e) = (t.start as usize, t.end as usize);
            assert!(s <= e && e <= text.len(), "token {s}..{e} outside the text");
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "token {s}..{e} not on char boundaries"
            );
            let term = an.term(t);
            assert!(!term.is_empty(), "empty term at {s}..{e}");
            (term.to_string(), t.start, t.end)
        })
        .collect()
}

const FORMATS: [Option<Format>; 4] = [
    None,
    Some(Format::Json),
    Some(Format::Jsonl),
    Some(Format::Csv),
];

/// Every importer: no panic; on success every row accounted for, every
/// record within the limits and ids unique; profiles survive a JSON round
/// trip unchanged.
pub fn import(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let format = FORMATS[usize::from(sel >> 1) % 4];
    if sel & 1 == 0 {
        if let Ok(got) = import::read_profiles(&text, format) {
            check_imported(&got, |p| &p.id);
            for p in &got.records {
                check_profile_limits(p);
            }
            round_trip(&got.records);
        }
    } else if let Ok(got) = import::read_challenges(&text, format) {
        check_imported(&got, |c| &c.id);
        for c in &got.records {
            assert!(!c.title.is_empty() || !c.description.is_empty() || !c.keywords.is_empty());
            for f in [
                &c.title,
                &c.description,
                &c.enterprise,
                &c.industry,
                &c.region,
            ] {
                assert!(f.len() <= limits::MAX_FIELD_BYTES);
            }
            assert!(c.keywords.len() <= limits::MAX_KEYWORDS);
        }
    }
}

pub fn check_imported<T>(got: &Imported<T>, id: impl Fn(&T) -> &String) {
    assert_eq!(
        got.rows,
        got.records.len() + got.rejected() + got.duplicates(),
        "rows are not accounted for"
    );
    assert_eq!(got.records.len(), got.lines.len());
    let mut ids = std::collections::HashSet::new();
    for r in &got.records {
        let id = id(r);
        assert!(
            !id.is_empty() && id.len() <= limits::MAX_ID_BYTES,
            "bad id {id:?}"
        );
        assert!(ids.insert(id.clone()), "id {id:?} loaded twice");
    }
    for e in &got.errors {
        assert!(e.line >= 1, "row error without a line: {e:?}");
        assert!(!e.message.is_empty());
    }
}

pub fn check_profile_limits(p: &Profile) {
    for f in [
        &p.name,
        &p.institution,
        &p.discipline,
        &p.region,
        &p.summary,
    ] {
        assert!(f.len() <= limits::MAX_FIELD_BYTES);
    }
    assert!(p.keywords.len() <= limits::MAX_KEYWORDS);
    assert!(p.works.len() <= limits::MAX_WORKS);
    assert!(p.works.iter().all(|w| !w.is_empty()));
}

/// Serialising imported profiles to JSON and importing that gives the
/// very same profiles.
pub fn round_trip(profiles: &[Profile]) {
    let json = serde_json::to_string(profiles).expect("profiles serialise");
    let again = import::read_profiles(&json, Some(Format::Json)).expect("own JSON re-imports");
    assert!(
        again.errors.is_empty(),
        "re-import rejected rows: {:?}",
        again.errors
    );
    assert_eq!(again.records, profiles, "round trip changed the profiles");
}

/// The event file parser and the scheduler on small problems: no panic,
/// and a schedule that respects its own limits.
pub fn event(data: &[u8]) {
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(event) = Event::from_json(&String::from_utf8_lossy(text)) else {
        return;
    };
    // Keep the problem small: the fuzzer is after panics, not slow plans.
    if event.slots.len() > 16 || event.tables > 16 {
        return;
    }
    let (ne, np) = match rest {
        [a, b, ..] => (usize::from(*a % 6), usize::from(*b % 6)),
        _ => (3, 3),
    };
    let party = |prefix: &str, i: usize| Party {
        id: format!("{prefix}{i}"),
        name: format!("{prefix} {i}"),
        institution: format!("inst{}", i % 2),
    };
    let enterprises: Vec<Party> = (0..ne).map(|i| party("e", i)).collect();
    let participants: Vec<Party> = (0..np).map(|i| party("p", i)).collect();
    let candidates: Vec<Candidate> = rest
        .get(2..)
        .unwrap_or_default()
        .chunks_exact(3)
        .take(64)
        .map(|c| Candidate {
            enterprise: usize::from(c[0] % 8),
            participant: usize::from(c[1] % 8),
            score: match c[2] {
                255 => f64::NAN,
                254 => 1.5,
                253 => -0.5,
                s => f64::from(s) / 252.0,
            },
            topics: Vec::new(),
        })
        .collect();
    let Ok(plan) = schedule::plan(&event, &enterprises, &participants, &candidates) else {
        return;
    };
    for m in &plan.meetings {
        assert!(
            (0.0..=1.0).contains(&m.score),
            "meeting score {} out of range",
            m.score
        );
    }
    assert!(plan.meetings.len() <= event.slots.len() * event.tables as usize);
    let _ = schedule::to_json(&plan);
    let _ = schedule::timetable_csv(&plan);
    for p in enterprises.iter().chain(&participants) {
        let _ = schedule::agenda_csv(&plan, &p.id);
    }
}

const RS: char = '\u{1e}';
const US: char = '\u{1f}';

/// Profiles and a challenge from the fuzzer's text (see the module docs).
pub fn matching_input(data: &[u8]) -> (Challenge, Vec<Profile>) {
    let text = String::from_utf8_lossy(data);
    let mut records = text.split(RS);
    let challenge = Challenge::from_text("c", records.next().unwrap_or(""));
    let profiles = records
        .enumerate()
        .map(|(i, r)| {
            let mut f = r.split(US);
            let mut next = || f.next().unwrap_or("").to_string();
            let id = next();
            let kind = next();
            let keywords = coopmatch::model::split_list(&next());
            let summary = next();
            let mut works = Vec::new();
            loop {
                let (title, abstract_text) = (next(), next());
                if title.is_empty() && abstract_text.is_empty() {
                    break;
                }
                works.push(Work {
                    title,
                    abstract_text,
                    year: None,
                });
            }
            Profile {
                id: if id.is_empty() { format!("p{i}") } else { id },
                kind: Kind::parse(&kind).unwrap_or_default(),
                keywords,
                summary,
                works,
                ..Profile::default()
            }
        })
        .collect();
    (challenge, profiles)
}

/// Matching fuzzed profiles: every score finite and in [0, 1], ranked best
/// first, the same on a second run, the same as the reverse view gives
/// the pair, the same after a round trip through the index file, and the
/// top-k a prefix of the full ranking; explanation spans on char
/// boundaries of their field.
pub fn matching(data: &[u8]) {
    let (challenge, profiles) = matching_input(data);
    let mut m = Matcher::new(Params::default()).expect("default params");
    m.add_profiles(profiles);
    let all = MatchOptions {
        top: None,
        keep_unmatched: true,
        explain: true,
        ..MatchOptions::default()
    };
    let Ok(ranked) = m.match_challenge(&challenge, &all) else {
        return;
    };
    assert_eq!(ranked.len(), m.len(), "--top all must list every profile");
    let scores: Vec<(String, u32)> = ranked
        .iter()
        .map(|r| (r.profile.id.clone(), r.score.to_bits()))
        .collect();
    for w in ranked.windows(2) {
        assert!(w[0].score >= w[1].score, "not ranked best first");
    }
    for r in &ranked {
        assert!(
            r.score.is_finite() && (0.0..=1.0).contains(&r.score),
            "score {} out of [0, 1] for {:?}",
            r.score,
            r.profile.id
        );
        let ex = r.explanation.as_ref().expect("explain was asked for");
        for s in &ex.challenge_spans {
            let field: &str = match s.field {
                coopmatch::model::ChallengeField::Title => &challenge.title,
                coopmatch::model::ChallengeField::Description => &challenge.description,
                coopmatch::model::ChallengeField::Keyword(i) => &challenge.keywords[i as usize],
            };
            assert!(s.start <= s.end && s.end <= field.len());
            assert!(field.is_char_boundary(s.start) && field.is_char_boundary(s.end));
        }
        for t in &ex.terms {
            assert!(t.score.is_finite() && t.share.is_finite());
        }
    }
    // Deterministic: the same ranking again, with the analyser's caches warm.
    let again: Vec<(String, u32)> = m
        .match_challenge(&challenge, &all)
        .expect("second run")
        .iter()
        .map(|r| (r.profile.id.clone(), r.score.to_bits()))
        .collect();
    assert_eq!(scores, again, "a second run ranks differently");
    // Top-k is a prefix of the full ranking.
    let top3: Vec<(String, u32)> = m
        .match_challenge(
            &challenge,
            &MatchOptions {
                top: Some(3),
                keep_unmatched: true,
                ..MatchOptions::default()
            },
        )
        .expect("top 3")
        .iter()
        .map(|r| (r.profile.id.clone(), r.score.to_bits()))
        .collect();
    assert_eq!(
        top3[..],
        scores[..scores.len().min(3)],
        "top 3 is not a prefix"
    );
    // The reverse view gives the same number for the pair.
    if let Some((id, bits)) = scores.first() {
        let rev = m
            .match_profile(id, std::slice::from_ref(&challenge), &all)
            .expect("reverse view");
        assert_eq!(rev.len(), 1);
        assert_eq!(rev[0].score.to_bits(), *bits, "reverse score differs");
    }
    // A written and reloaded index scores bit for bit the same.
    let loaded = Matcher::from_index(&m.write_index()).expect("own index reloads");
    assert_eq!(loaded.profiles(), m.profiles());
    let reloaded: Vec<(String, u32)> = loaded
        .match_challenge(&challenge, &all)
        .expect("reloaded")
        .iter()
        .map(|r| (r.profile.id.clone(), r.score.to_bits()))
        .collect();
    assert_eq!(scores, reloaded, "the reloaded index scores differently");
}

/// The index loader on arbitrary bytes: an error or a matcher whose
/// rankings are sane and which writes itself back identically.
pub fn index(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let file;
    let bytes = if sel & 1 == 0 {
        rest
    } else {
        file = wrap_payload(rest);
        &file[..]
    };
    let Ok(m) = Matcher::from_index(bytes) else {
        return;
    };
    let written = m.write_index();
    let again = Matcher::from_index(&written).expect("a loaded index writes a loadable file");
    assert_eq!(again.profiles(), m.profiles());
    assert_eq!(again.write_index(), written, "writing is not stable");
    let all = MatchOptions {
        top: None,
        keep_unmatched: true,
        explain: true,
        ..MatchOptions::default()
    };
    let mut queries: Vec<Challenge> = vec![Challenge::from_text(
        "q",
        "titanium alloy fatigue 钛合金 疲劳 Ti-6Al-4V ISO 9001 heat wing",
    )];
    // Query with the profiles' own words too, so postings are really read.
    if let Some(p) = m.profiles().first() {
        let mut text = p.keywords.join(" ");
        text.push(' ');
        text.push_str(&p.summary);
        for w in &p.works {
            text.push(' ');
            text.push_str(&w.title);
        }
        queries.push(Challenge::from_text("q2", &text));
    }
    for q in &queries {
        if let Ok(ranked) = m.match_challenge(q, &all) {
            assert_eq!(ranked.len(), m.len());
            for r in &ranked {
                assert!(
                    r.score.is_finite() && (0.0..=1.0).contains(&r.score),
                    "score {} out of [0, 1]",
                    r.score
                );
            }
        }
    }
}

/// `payload` behind a valid `.cmx` header.
pub fn wrap_payload(payload: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(coopmatch::store::HEADER_LEN + payload.len());
    file.extend_from_slice(&coopmatch::store::MAGIC);
    file.extend_from_slice(&coopmatch::store::VERSION.to_le_bytes());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&coopmatch::store::checksum(payload).to_le_bytes());
    file.extend_from_slice(payload);
    file
}

/// Runs the named check (the fuzz target's name) on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "analyze" => analyze(data),
        "import" => import(data),
        "event" => event(data),
        "matching" => matching(data),
        "index" => index(data),
        other => panic!("no fuzz target `{other}`"),
    }
}
