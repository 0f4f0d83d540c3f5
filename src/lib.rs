pub mod error;
pub mod event;
pub mod explain;
pub mod fuzzy;
pub mod import;
pub mod index;
pub mod matcher;
pub mod model;
pub mod params;
pub mod schedule;
pub mod score;
pub mod text;
pub mod view;

pub use error::{Error, ErrorKind, Result};
pub use matcher::{Filter, Match, MatchOptions, Matcher};
pub use model::{Challenge, Kind, Profile, Work};
pub use params::Params;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
