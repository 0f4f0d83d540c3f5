pub mod decimal;
pub mod error;
pub mod event;
pub mod explain;
pub mod fuzzy;
pub mod import;
pub mod index;
pub mod json;
pub mod matcher;
pub mod model;
pub mod params;
pub mod postings;
pub mod schedule;
pub mod score;
pub mod sort;
pub mod store;
pub mod strmap;
pub mod text;
pub mod view;
pub mod vocab;

pub use error::{Error, ErrorKind, Result};
pub use matcher::{Filter, Match, MatchOptions, Matcher};
pub use model::{Challenge, Kind, Profile, Work};
pub use params::Params;

#[cfg(all(target_arch = "wasm32", not(feature = "wasm-scheduler")))]
pub mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "wasm-scheduler"))]
pub mod wasm_scheduler;
#[cfg(target_arch = "wasm32")]
mod wasm_values;
