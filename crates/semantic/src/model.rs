//! A loaded model: text in, normalised sentence embedding out, as e5
//! expects it — the text after a `"query: "` or `"passage: "` prefix,
//! tokenized, cut into windows the model can see, each window's hidden
//! states averaged, the windows averaged weighted by their token counts,
//! and the result scaled to length 1 (as the reference engine does for
//! texts longer than one window).

use crate::encoder::Encoder;
use crate::error::{Error, Result};
use crate::file::{self, Config, ModelParts};
use crate::tokenizer::Tokenizer;

/// What a text is to the model: e5 was trained with a prefix saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A search: a challenge looking for profiles.
    Query,
    /// A document searched: a profile's work.
    Passage,
}

impl Role {
    pub fn prefix(self) -> &'static str {
        match self {
            Role::Query => "query: ",
            Role::Passage => "passage: ",
        }
    }
}

pub struct Model {
    about: String,
    tokenizer: Tokenizer,
    encoder: Encoder,
}

impl Model {
    /// Reads, checks and unpacks a model file.
    pub fn from_bytes(file: &[u8]) -> Result<Model> {
        Model::from_parts(file::read(file)?)
    }

    pub fn from_parts(parts: ModelParts) -> Result<Model> {
        let tokenizer = Tokenizer::new(parts.vocabulary, parts.normaliser)?;
        let encoder = Encoder::new(parts.config, parts.weights)?;
        if encoder.vocabulary_size() != tokenizer.vocabulary().pieces.len() {
            return Err(Error::invalid(format!(
                "{} word embeddings for {} pieces",
                encoder.vocabulary_size(),
                tokenizer.vocabulary().pieces.len()
            )));
        }
        Ok(Model {
            about: parts.about,
            tokenizer,
            encoder,
        })
    }

    /// Where the weights came from and how the vocabulary was pruned.
    pub fn about(&self) -> &str {
        &self.about
    }

    pub fn config(&self) -> &Config {
        self.encoder.config()
    }

    /// Length of an embedding.
    pub fn dimension(&self) -> usize {
        self.config().hidden
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Tokens the model runs for `text` in `role`: the prefix's and the
    /// text's, plus `<s>` and `</s>` for each window.
    pub fn token_count(&self, text: &str, role: Role) -> usize {
        let content = self.content_ids(text, role).len();
        content + 2 * self.windows(content).len()
    }

    fn content_ids(&self, text: &str, role: Role) -> Vec<u32> {
        let mut prefixed = String::with_capacity(role.prefix().len() + text.len());
        prefixed.push_str(role.prefix());
        prefixed.push_str(text);
        self.tokenizer.tokenize(&prefixed)
    }

    /// The `[start, end)` ranges of content tokens each window holds.
    fn windows(&self, content: usize) -> Vec<(usize, usize)> {
        let width = self.config().positions - 2;
        let count = content.div_ceil(width).max(1);
        (0..count)
            .map(|w| (w * width, ((w + 1) * width).min(content)))
            .collect()
    }

    /// The embedding of `text` in `role`: [`dimension`](Self::dimension)
    /// values of Euclidean length 1. Any text is accepted; a long one costs
    /// time in proportion to its tokens.
    pub fn embed(&self, text: &str, role: Role) -> Vec<f32> {
        let ids = self.content_ids(text, role);
        let vocab = self.tokenizer.vocabulary();
        let h = self.dimension();
        let mut total = vec![0f32; h];
        let mut weight_sum = 0f64;
        let mut window = Vec::with_capacity(self.config().positions);
        let mut mean = vec![0f32; h];
        for (start, end) in self.windows(ids.len()) {
            window.clear();
            window.push(vocab.bos);
            window.extend_from_slice(&ids[start..end]);
            window.push(vocab.eos);
            self.encoder.mean_hidden(&window, &mut mean);
            let weight = (end - start).max(1) as f32;
            for (t, m) in total.iter_mut().zip(&mean) {
                *t += weight * m;
            }
            weight_sum += f64::from(weight);
        }
        let inv = (1.0 / weight_sum) as f32;
        total.iter_mut().for_each(|t| *t *= inv);
        let norm = crate::math::dot(&total, &total).max(1e-12).sqrt();
        total.iter_mut().for_each(|t| *t /= norm);
        total
    }

    /// [`embed`](Self::embed) for many texts on up to `threads` threads
    /// (each text on one thread; results in input order).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn embed_batch(&self, texts: &[&str], role: Role, threads: usize) -> Vec<Vec<f32>> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;
        let threads = threads.clamp(1, texts.len().max(1));
        if threads == 1 {
            return texts.iter().map(|t| self.embed(t, role)).collect();
        }
        let next = AtomicUsize::new(0);
        let results = Mutex::new(vec![Vec::new(); texts.len()]);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(text) = texts.get(i) else { break };
                    let e = self.embed(text, role);
                    if let Ok(mut r) = results.lock() {
                        r[i] = e;
                    }
                });
            }
        });
        results.into_inner().unwrap_or_default()
    }
}
