//! The WebAssembly API of the sharded index (`www/pkg-shards/`), a module
//! of its own so that pages loading a whole index or profile files do not
//! download it: `www/worker.js` imports it when it opens a sharded index.
//! Each export converts its input, calls the core once, and converts the
//! output; errors cross as JS `Error`s with the core's message.

use coopmatch::matcher::MatchOptions;
use coopmatch::model::Challenge;
use coopmatch::shard::{ShardMatch, ShardedIndex, Step};
use coopmatch::view::{MatchView, OffsetUnit};
use coopmatch_js::{js_error, json_text, to_js, to_json};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** See ../pkg/coopmatch.d.ts for MatchResult, MatchOptions and ChallengeInput. */
export type MatchResult = any;
export type MatchOptions = any;
export type ChallengeInput = any;
"#;

fn challenge(value: JsValue) -> Result<Challenge, JsError> {
    match value.as_string() {
        Some(text) => Challenge::from_page(None, &text),
        None => Challenge::from_page(Some(&json_text(&value, "challenge")?), ""),
    }
    .map_err(js_error)
}

/// A sharded index (`coopmatch index --shards`): ranks from the fragments
/// a challenge needs, which the caller fetches (`www/worker.js`).
#[wasm_bindgen(js_name = ShardedMatcher)]
pub struct WasmSharded {
    inner: ShardedIndex,
}

/// What [`WasmSharded::match_challenge`] returns: the fragments to fetch
/// next, or the results.
#[derive(Serialize)]
struct ShardStep<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    need: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<MatchView<'a>>>,
}

#[wasm_bindgen(js_class = ShardedMatcher)]
impl WasmSharded {
    /// Opens the index from its manifest's text (`manifest.json`).
    #[wasm_bindgen(constructor)]
    pub fn new(manifest: &str) -> Result<WasmSharded, JsError> {
        Ok(WasmSharded {
            inner: ShardedIndex::open(manifest).map_err(js_error)?,
        })
    }

    #[wasm_bindgen(getter, js_name = profileCount)]
    pub fn profile_count(&self) -> usize {
        self.inner.len()
    }

    /// Bytes of fragments held in memory.
    #[wasm_bindgen(getter, js_name = cachedBytes)]
    pub fn cached_bytes(&self) -> usize {
        self.inner.cached_bytes()
    }

    /// The bound the fragment cache is trimmed to between challenges.
    #[wasm_bindgen(setter, js_name = cacheLimit)]
    pub fn set_cache_limit(&mut self, bytes: usize) {
        self.inner.cache_limit = bytes;
    }

    /// Checks a fetched fragment against its name and keeps it; throws on
    /// a damaged or foreign one.
    #[wasm_bindgen(js_name = addFragment)]
    pub fn add_fragment(&mut self, name: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.add_fragment(name, bytes).map_err(js_error)
    }

    /// Ranks profiles for a challenge with the fragments at hand:
    /// `{ need: string[] }` (fetch them, add them, call again) or
    /// `{ results: MatchResult[] }`.
    #[wasm_bindgen(
        js_name = "match",
        unchecked_return_type = "{ need?: string[]; results?: MatchResult[] }"
    )]
    pub fn match_challenge(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | ChallengeInput")] challenge_value: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MatchOptions")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let c = challenge(challenge_value)?;
        let options = MatchOptions::from_json(&to_json(options, "options")?).map_err(js_error)?;
        match self.inner.match_challenge(&c, &options).map_err(js_error)? {
            Step::Need(names) => to_js(&ShardStep {
                need: Some(&names),
                results: None,
            }),
            Step::Done(results) => {
                let matches: Vec<_> = results.iter().map(ShardMatch::as_match).collect();
                to_js(&ShardStep {
                    need: None,
                    results: Some(
                        matches
                            .iter()
                            .map(|m| MatchView::new(m, &c, OffsetUnit::Utf16, options.with_profile))
                            .collect(),
                    ),
                })
            }
        }
    }
}
