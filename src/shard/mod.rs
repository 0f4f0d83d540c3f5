//! The sharded index: a corpus split into small content-addressed
//! fragments that a browser fetches as a challenge needs them, from any
//! static host (`coopmatch index --shards`).
//!
//! `DIR/manifest.json` holds the format version, the parameters, the
//! corpus statistics and the fragment table; the fragments
//! (`KIND-HASH.bin`, see [`format`]) are:
//! - `terms`: a bucket of the term dictionary (terms hashed into buckets
//!   of about [`write::TERMS_PER_BUCKET`]): each term's global id, works
//!   and profiles containing it, and its posting list inline when short,
//!   else where it is in a `postings` fragment;
//! - `postings`: posting lists (work number gaps and weighted counts) of
//!   one bucket's terms, cut at [`write::POSTINGS_BYTES`];
//! - `profiles`: a range of [`write::TABLE_PROFILES`] profiles as scoring
//!   needs them: the rank of the id (ties are broken by id), the kind,
//!   whether it has a card document, each work's weighted length, and the
//!   hashes of its `records` fragments;
//! - `records`: whole profiles, [`write::RECORD_PROFILES`] at a time, read
//!   for the results shown and for pseudo-relevance feedback;
//! - `words`: the alphabetic words of one length with their counts, for
//!   typo tolerance.
//!
//! Parent fragments name their children by hash, so the manifest lists only
//! the dictionary buckets, the profile tables and the word lists. Ranking
//! is done by the engine on the part of the corpus a challenge reaches
//! ([`read`]), so the results are the whole index's.

mod decode;
mod format;
mod read;
mod write;

pub use format::MANIFEST;
pub use read::{ShardMatch, ShardedIndex, Step};
pub use write::{write, Sharded};
