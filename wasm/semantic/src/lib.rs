//! The JavaScript boundary of coopmatch-semantic: the page's worker loads
//! the model file's bytes once, then embeds one text per call. Built into
//! `www/pkg-semantic/` by `cargo xtask build`, and loaded only when the
//! semantic tier is used, so the matcher's module stays small.
//!
//! Each method converts its input, calls the core once and converts the
//! output; errors reach JS as `Error` objects with the core's message.
#![cfg(target_arch = "wasm32")]

use coopmatch_semantic::{Model, Role};
use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct SemanticModel {
    model: Model,
}

fn role(is_query: bool) -> Role {
    if is_query {
        Role::Query
    } else {
        Role::Passage
    }
}

#[wasm_bindgen]
impl SemanticModel {
    /// Checks and unpacks a model file (`www/model/*.cme`); throws an
    /// `Error` saying why a file is damaged, truncated or of another version.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<SemanticModel, JsError> {
        Model::from_bytes(bytes)
            .map(|model| SemanticModel { model })
            .map_err(|e| JsError::new(e.message()))
    }

    /// Length of an embedding (384).
    #[wasm_bindgen(getter)]
    pub fn dimension(&self) -> usize {
        self.model.dimension()
    }

    /// Where the weights came from and how the vocabulary was pruned.
    #[wasm_bindgen(getter)]
    pub fn about(&self) -> String {
        self.model.about().to_string()
    }

    /// The unit-length embedding of `text`: with the `"query: "` prefix when
    /// `isQuery` (a challenge), else `"passage: "` (a profile's work).
    pub fn embed(
        &self,
        text: &str,
        #[wasm_bindgen(js_name = isQuery)] is_query: bool,
    ) -> Float32Array {
        Float32Array::from(self.model.embed(text, role(is_query)).as_slice())
    }

    /// Tokens the model runs for `text` (prefix and window markers included).
    #[wasm_bindgen(js_name = tokenCount)]
    pub fn token_count(
        &self,
        text: &str,
        #[wasm_bindgen(js_name = isQuery)] is_query: bool,
    ) -> usize {
        self.model.token_count(text, role(is_query))
    }

    /// The token ids of `text` as the tokenizer cuts it (no prefix, no
    /// `<s>`/`</s>`), for tests and diagnostics.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.model.tokenizer().tokenize(text)
    }

    /// The matrix kernel this module runs ("simd128").
    #[wasm_bindgen(getter)]
    pub fn kernel(&self) -> String {
        coopmatch_semantic::kernel_name().to_string()
    }
}
