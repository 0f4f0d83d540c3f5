//! The WebAssembly API of the matcher (`www/pkg/coopmatch.js`). Each export converts its input, calls the core
//! once, and converts the output; errors cross as JS `Error`s with the
//! core's message. Offsets in explanations are UTF-16 code units, usable
//! on JS strings directly.

use coopmatch::event;
use coopmatch::import::{self, Format, Imported};
use coopmatch::json::{self, Json};
use coopmatch::matcher::{MatchOptions, Matcher as CoreMatcher};
use coopmatch::model::{Challenge, Profile};
use coopmatch::params::Params;
use coopmatch::store::Loader;
use coopmatch::view::{ChallengeMatchView, FacetsView, MatchView, OffsetUnit};
use coopmatch_js::{js_error, js_string, json_text, to_js, to_json};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Matching parameters; every field optional (see the README for ranges). */
export interface Params {
  titleWeight?: number; abstractWeight?: number; keywordWeight?: number; summaryWeight?: number;
  profileIdf?: boolean; k1?: number; b?: number; challengeB?: number; topWorks?: number; growTopWorks?: boolean;
  mergedWeight?: number; phraseWeight?: number; fuzzy?: boolean; fuzzyWeight?: number;
  feedback?: boolean; feedbackWorks?: number; feedbackTerms?: number; feedbackWeight?: number;
  feedbackDocPower?: number; feedbackFadeTerms?: number;
  longQueryTerms?: number; longQueryIdf?: number; cjkCharWeight?: number;
}
export type Kind = 'expert' | 'lab' | 'team' | 'patent';
export interface Work { title: string; abstract: string; year?: number }
export interface Licence { fee: string; terms: string }
export interface Profile {
  id: string; kind: Kind; name: string; institution: string; discipline: string; region: string;
  keywords: string[]; summary: string; works: Work[]; licence?: Licence; number?: string;
}
export interface ProfileInput {
  id: string | number; kind?: Kind | string; name?: string; institution?: string; discipline?: string;
  region?: string; keywords?: string[] | string; summary?: string;
  works?: (Partial<Work> | string)[]; licence?: Partial<Licence>; number?: string;
}
export interface Challenge {
  id: string; title: string; description: string; keywords: string[];
  enterprise: string; industry: string; region: string;
}
export interface ChallengeInput {
  id?: string | number; title?: string; description?: string; keywords?: string[] | string;
  enterprise?: string; industry?: string; region?: string;
}
/** A row that was rejected (loaded: false) or loaded with a warning (loaded: true). */
export interface RowError { line: number; id?: string; field?: string; message: string; loaded: boolean }
export interface LoadReport { added: number; replaced: number; total: number; rows: number; errors: RowError[] }
export interface MatchOptions {
  /** How many results; 0 for all. Default 10. */
  top?: number;
  kinds?: Kind[]; disciplines?: string[]; regions?: string[]; institutions?: string[];
  /** 0..1, default 0. */
  minScore?: number;
  /** Default true. */
  explain?: boolean;
  /** Default true; false returns ids and scores only (faster for large result lists). */
  profile?: boolean;
}
export interface TermPart { term: string; score: number; share: number }
export interface WorkEvidence {
  /** Index into profile.works; -1 for the profile's own keywords/summary (see profileSpans). */
  index: number; score: number; titleSpans: [number, number][]; abstractSpans: [number, number][];
}
export interface Span {
  field: 'title' | 'description' | 'keywords' | 'summary' | 'name' | 'discipline';
  /** For field 'keywords': which keyword. */
  index?: number; start: number; end: number;
}
export interface Explanation { terms: TermPart[]; works: WorkEvidence[]; challengeSpans: Span[]; profileSpans: Span[] }
/** `profile` is absent when the options said `profile: false`. */
export interface MatchResult { id: string; profile?: Profile; score: number; explanation?: Explanation }
export interface ChallengeMatch { challenge: Challenge; score: number; explanation?: Explanation }
export interface Facets { kinds: Kind[]; disciplines: string[]; regions: string[]; institutions: string[] }
export interface ParsedChallenges { challenges: Challenge[]; errors: RowError[]; rows: number }
/** What the event scheduler module plans from (see `www/event-engine.js`). */
export interface EventInput {
  enterprises: { id: string; name: string; institution: string }[];
  participants: { id: string; name: string; institution: string }[];
  /** Candidate pairs as parallel arrays: enterprise index, participant index, score. */
  enterprise: Uint32Array; participant: Uint32Array; score: Float64Array;
}
"#;

fn format(name: Option<String>) -> Result<Option<Format>, JsError> {
    name.filter(|n| !n.is_empty())
        .map(|n| Format::parse(&n).map_err(js_error))
        .transpose()
}

/// Records from text (JSON, JSONL or CSV) or from an array of objects.
fn records<T: import::Record>(
    data: JsValue,
    format_name: Option<String>,
) -> Result<Imported<T>, JsError> {
    if let Some(text) = js_string(&data) {
        return import::read(&text, format(format_name)?).map_err(js_error);
    }
    let not_records =
        || JsError::new("data must be text (JSON, JSONL or CSV) or an array of objects");
    if data.is_undefined() || data.is_null() {
        return Err(not_records());
    }
    let text = json_text(&data, "data")?;
    match parse_json(&text, "data")? {
        Json::Array(items) => Ok(import::from_values(&items)),
        _ => Err(not_records()),
    }
}

/// JSON text from a JS value ([`json_text`]) as a tree borrowing the text.
fn parse_json<'t>(text: &'t str, what: &str) -> Result<Json<'t>, JsError> {
    json::parse(text).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

fn challenge(value: JsValue) -> Result<Challenge, JsError> {
    if let Some(text) = value.as_string() {
        return Challenge::from_page(None, &text).map_err(js_error);
    }
    if value.is_undefined() || value.is_null() {
        return Challenge::from_json(&Json::Null).map_err(js_error);
    }
    Challenge::from_page(Some(&json_text(&value, "challenge")?), "").map_err(js_error)
}

/// Ranks research profiles for challenges and the reverse.
#[wasm_bindgen(js_name = Matcher)]
pub struct WasmMatcher {
    inner: CoreMatcher,
}

#[wasm_bindgen(js_class = Matcher)]
impl WasmMatcher {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Params")] params: JsValue,
    ) -> Result<WasmMatcher, JsError> {
        let params = Params::from_json(&to_json(params, "params")?).map_err(js_error)?;
        Ok(WasmMatcher {
            inner: CoreMatcher::new(params).map_err(js_error)?,
        })
    }

    /// Adds profiles from text (JSON array, JSONL, CSV) or an array of
    /// objects; good rows are kept, bad rows reported.
    #[wasm_bindgen(js_name = loadProfiles, unchecked_return_type = "LoadReport")]
    pub fn load_profiles(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | ProfileInput[]")] data: JsValue,
        format: Option<String>,
    ) -> Result<JsValue, JsError> {
        let imported: Imported<Profile> = records(data, format)?;
        to_js(&self.inner.load(imported))
    }

    /// Like `loadProfiles`, for one piece of a larger file (the Web Worker
    /// loads 100,000 profiles a few thousand at a time, reporting progress
    /// between pieces): `lineOffset` is added to every line number in the
    /// report, so rows are reported by their line in the whole file.
    #[wasm_bindgen(js_name = loadProfilesChunk, unchecked_return_type = "LoadReport")]
    pub fn load_profiles_chunk(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | ProfileInput[]")] data: JsValue,
        format: Option<String>,
        line_offset: u32,
    ) -> Result<JsValue, JsError> {
        let mut imported: Imported<Profile> = records(data, format)?;
        let shift = line_offset as usize;
        for line in &mut imported.lines {
            *line = line.saturating_add(shift);
        }
        for e in &mut imported.errors {
            e.line = e.line.saturating_add(shift);
        }
        to_js(&self.inner.load(imported))
    }

    /// Replaces the loaded profiles and the parameters with a prebuilt
    /// index (a `.cmx` file from `coopmatch index`): nothing is analysed
    /// again. A truncated, corrupted or wrong-version file is an Error
    /// saying which. Returns the number of profiles.
    #[wasm_bindgen(js_name = loadIndex)]
    pub fn load_index(&mut self, bytes: &[u8]) -> Result<usize, JsError> {
        self.inner = CoreMatcher::from_index(bytes).map_err(js_error)?;
        Ok(self.inner.len())
    }

    /// Like `loadIndex`, from an `IndexLoader` that was given the whole
    /// file piece by piece; the loader is used up. Returns the number of
    /// profiles.
    #[wasm_bindgen(js_name = loadIndexFrom)]
    pub fn load_index_from(&mut self, loader: &mut IndexLoader) -> Result<usize, JsError> {
        let taken = loader
            .inner
            .take()
            .ok_or_else(|| JsError::new("this IndexLoader has already been used"))?;
        self.inner = CoreMatcher::from_loader(taken).map_err(js_error)?;
        Ok(self.inner.len())
    }

    /// The loaded profiles' index as a `.cmx` file, for `loadIndex`.
    #[wasm_bindgen(js_name = writeIndex)]
    pub fn write_index(&self) -> Vec<u8> {
        self.inner.write_index()
    }

    /// Removes every profile.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    #[wasm_bindgen(getter, js_name = profileCount)]
    pub fn profile_count(&self) -> usize {
        self.inner.len()
    }

    /// Every loaded profile, in load order.
    #[wasm_bindgen(unchecked_return_type = "Profile[]")]
    pub fn profiles(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.profiles())
    }

    /// Distinct kinds, disciplines, regions and institutions, sorted.
    #[wasm_bindgen(unchecked_return_type = "Facets")]
    pub fn facets(&self) -> Result<JsValue, JsError> {
        to_js(&FacetsView::from(&self.inner.facets()))
    }

    /// Ranks profiles for a challenge (free text or a challenge object).
    #[wasm_bindgen(js_name = "match", unchecked_return_type = "MatchResult[]")]
    pub fn match_challenge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | ChallengeInput")] challenge_value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MatchOptions")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let c = challenge(challenge_value)?;
        let options = MatchOptions::from_json(&to_json(options, "options")?).map_err(js_error)?;
        let results = self.inner.match_challenge(&c, &options).map_err(js_error)?;
        let views: Vec<MatchView> = results
            .iter()
            .map(|m| MatchView::new(m, &c, OffsetUnit::Utf16, options.with_profile))
            .collect();
        to_js(&views)
    }

    /// Ranks challenges for one loaded profile (the reverse view).
    #[wasm_bindgen(js_name = matchProfile, unchecked_return_type = "ChallengeMatch[]")]
    pub fn match_profile(
        &self,
        profile_id: &str,
        #[wasm_bindgen(unchecked_param_type = "string | ChallengeInput[]")] challenges: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MatchOptions")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let parsed: Imported<Challenge> = records(challenges, None)?;
        let options = MatchOptions::from_json(&to_json(options, "options")?).map_err(js_error)?;
        let results = self
            .inner
            .match_profile(profile_id, &parsed.records, &options)
            .map_err(js_error)?;
        let profile = self
            .inner
            .profile(profile_id)
            .ok_or_else(|| JsError::new("profile vanished"))?;
        let views: Vec<ChallengeMatchView> = results
            .iter()
            .map(|m| ChallengeMatchView::new(m, profile, OffsetUnit::Utf16))
            .collect();
        to_js(&views)
    }
}

#[wasm_bindgen(js_class = Matcher)]
impl WasmMatcher {
    /// What the event scheduler module (`pkg-event/`) plans from: every
    /// challenge's enterprise, every loaded profile, and each pair's score
    /// as parallel typed arrays (compact across the boundary).
    #[wasm_bindgen(js_name = eventInput, unchecked_return_type = "EventInput")]
    pub fn event_input(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | ChallengeInput[]")] challenges: JsValue,
    ) -> Result<JsValue, JsError> {
        let parsed: Imported<Challenge> = records(challenges, None)?;
        let (enterprises, participants, candidates) =
            event::plan_inputs(&self.inner, &parsed.records);
        let out = js_sys::Object::new();
        let set =
            |key: &str, value: &JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(key), value);
        let index = |f: fn(&coopmatch_event::Candidate) -> usize| -> Vec<u32> {
            candidates.iter().map(|c| f(c) as u32).collect()
        };
        let scores: Vec<f64> = candidates.iter().map(|c| c.score).collect();
        set("enterprises", &to_js(&enterprises)?)
            .and_then(|_| set("participants", &to_js(&participants)?))
            .and_then(|_| {
                set(
                    "enterprise",
                    &js_sys::Uint32Array::from(&index(|c| c.enterprise)[..]),
                )
            })
            .and_then(|_| {
                set(
                    "participant",
                    &js_sys::Uint32Array::from(&index(|c| c.participant)[..]),
                )
            })
            .and_then(|_| set("score", &js_sys::Float64Array::from(&scores[..])))
            .map_err(|_| JsError::new("cannot build the event input"))?;
        Ok(out.into())
    }

    /// The words to talk about at the meetings of a challenge's enterprise
    /// with each of the given loaded profiles (one list per id; the
    /// challenge is scored once).
    #[wasm_bindgen(unchecked_return_type = "string[][]")]
    pub fn topics(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | ChallengeInput")] challenge_value: JsValue,
        profile_ids: Vec<String>,
    ) -> Result<JsValue, JsError> {
        let c = challenge(challenge_value)?;
        let ids: Vec<&str> = profile_ids.iter().map(String::as_str).collect();
        to_js(&event::topics(&self.inner, &c, &ids).map_err(js_error)?)
    }
}

#[derive(Serialize)]
struct ParsedChallenges {
    challenges: Vec<Challenge>,
    errors: Vec<import::RowError>,
    rows: usize,
}

/// Parses challenges from text (JSON array, JSONL, CSV) or an array of objects.
#[wasm_bindgen(js_name = parseChallenges, unchecked_return_type = "ParsedChallenges")]
pub fn parse_challenges(
    #[wasm_bindgen(unchecked_param_type = "string | ChallengeInput[]")] data: JsValue,
    format: Option<String>,
) -> Result<JsValue, JsError> {
    let Imported {
        records,
        errors,
        rows,
        ..
    } = records::<Challenge>(data, format)?;
    to_js(&ParsedChallenges {
        challenges: records,
        errors,
        rows,
    })
}

/// A prebuilt index (`.cmx`) taken piece by piece as it downloads, for
/// `Matcher.loadIndexFrom`: the pieces are decoded as they come, so
/// decoding overlaps the download and the file is never held whole (for
/// 100,000 profiles, 128 MB neither in JavaScript nor in WebAssembly).
#[wasm_bindgen]
pub struct IndexLoader {
    inner: Option<Loader>,
}

#[wasm_bindgen]
impl IndexLoader {
    /// `totalBytes`: the file's size when known exactly (the
    /// `Content-Length` of a response sent without compression), so a
    /// file whose header disagrees is refused at the first piece.
    #[wasm_bindgen(constructor)]
    pub fn new(total_bytes: Option<f64>) -> IndexLoader {
        let expected = total_bytes
            .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0)
            .map(|n| n as u64);
        IndexLoader {
            inner: Some(Loader::new(expected)),
        }
    }

    /// Takes the next piece of the file. An Error here (not an index file,
    /// an unsupported version, a size that disagrees) means the rest need
    /// not be fetched; damage inside is reported by `loadIndexFrom`.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        match &mut self.inner {
            Some(loader) => loader.push(bytes).map_err(js_error),
            None => Err(JsError::new("this IndexLoader has already been used")),
        }
    }

    /// Bytes taken so far.
    #[wasm_bindgen(getter)]
    pub fn received(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |l| l.received() as f64)
    }

    /// Profiles decoded so far, for progress reports.
    #[wasm_bindgen(getter, js_name = profilesDecoded)]
    pub fn profiles_decoded(&self) -> usize {
        self.inner.as_ref().map_or(0, Loader::profiles_decoded)
    }
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
