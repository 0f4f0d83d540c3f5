//! coopmatch: match enterprises' technical challenges with universities'
//! research profiles (experts, labs, doctoral teams, open-licence patents),
//! in Chinese, English or both, entirely on the user's device.
//!
//! The engine indexes each profile's works (papers, patents, projects) and
//! its own card (keywords, summary), ranks profiles for a challenge by the
//! share of the challenge's information their best works match (BM25 per
//! work, the mean of the best few works per profile), and explains each
//! result: the words that carried the score, the evidence works, and
//! highlight spans in both texts. The same crate runs natively (the
//! `coopmatch` command-line tool) and in the browser through the thin
//! WebAssembly crates in `wasm/`.
//!
//! ```
//! use coopmatch::import::read_profiles;
//! use coopmatch::{Challenge, MatchOptions, Matcher, Params};
//!
//! let profiles = read_profiles(
//!     r#"{"id": "lab1", "name": "Light alloys lab", "keywords": ["钛合金", "fatigue"]}
//! {"id": "lab2", "name": "Power electronics", "keywords": ["GaN amplifier cooling"]}"#,
//!     None,
//! )?;
//! let mut matcher = Matcher::new(Params::default())?;
//! matcher.load(profiles);
//!
//! let challenge = Challenge::from_text("c1", "钛合金零件的疲劳寿命 (fatigue life)");
//! let options = MatchOptions {
//!     explain: true,
//!     ..MatchOptions::default()
//! };
//! let ranked = matcher.match_challenge(&challenge, &options)?;
//! assert_eq!(ranked[0].profile.id, "lab1");
//! let why = ranked[0].explanation.as_ref().expect("asked for");
//! assert!(why.terms.iter().any(|t| t.text == "fatigue"));
//! # Ok::<(), coopmatch::Error>(())
//! ```
//!
//! The public modules, by job: [`model`] (the records), [`import`]
//! (JSON, JSONL and CSV in), [`matcher`] (ranking and explaining),
//! [`params`] (the scoring parameters), [`explain`] and [`view`] (results
//! as the page and the JSON output show them), [`store`] (the `.cmx`
//! prebuilt index file), [`shard`] (the index split into fragments a
//! browser fetches as needed), [`event`] (meetings of an event, through
//! the `coopmatch-event` scheduler), [`text`] (the analysis pipeline),
//! [`json`] (the borrowed JSON tree records are read from) and [`error`].
//! The index, its postings and vocabulary, scoring and typo correction
//! are private: they change with the scoring, the API above does not.
#![warn(missing_docs)]

mod decimal;
pub mod error;
pub mod event;
pub mod explain;
mod fuzzy;
pub mod import;
mod index;
pub mod json;
pub mod matcher;
pub mod model;
pub mod params;
mod postings;
mod score;
pub mod shard;
mod sort;
pub mod store;
mod strmap;
pub mod text;
pub mod view;
mod vocab;

pub use error::{Error, ErrorKind, Result, StoreErrorKind};
pub use matcher::{Filter, Match, MatchOptions, Matcher};
pub use model::{Challenge, Kind, Profile, Work};
pub use params::Params;
