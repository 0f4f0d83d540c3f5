//! The prebuilt index file (`.cmx`): a built [`Index`] written once by
//! `coopmatch index` and loaded in the browser without analysing any text
//! again.
//!
//! # Format, version 2
//!
//! All integers are little-endian. `varint` is unsigned LEB128 (at most 10
//! bytes, no overlong final zero byte); `str` is a varint byte length then
//! that many bytes of UTF-8; `weight` is a non-negative float stored
//! losslessly: the varint `2k` when the value is exactly `k / 4` for a whole
//! `k` in `1 ..= 2^24` (the usual case: field weights are small multiples of
//! 0.5), the varint `0` for 0.0, else the varint `1` followed by the 4 bytes
//! of the `f32`. Loading gives back the very same bits, so a loaded index
//! ranks and scores byte for byte like a freshly built one.
//!
//! ```text
//! header (28 bytes)
//!   magic     8 bytes   89 'C' 'M' 'X' 0D 0A 1A 0A   (PNG-style: catches text-mode mangling)
//!   version   u32       2 (version 1 files, without the posting total,
//!                       are still read)
//!   length    u64       byte length of the payload that follows
//!   checksum  u64       of the payload: FNV-1a 64 in four lanes of 8-byte
//!                       words (see [`checksum`])
//! payload
//!   params    varint n, then n × (str name, str value): every matching
//!             parameter as `Params::set` reads it (index-time weights and
//!             the query-time defaults the index was built with)
//!   profiles  varint n, then n × profile:
//!               str id, u8 kind (0 expert, 1 lab, 2 team, 3 patent),
//!               str name, str institution, str discipline, str region,
//!               varint k + k × str keywords, str summary,
//!               varint w + w × (str title, str abstract, varint year:
//!                               0 = none, else zigzag(year) + 1),
//!               u8 flags (1 = licence, 2 = number),
//!               [str fee, str terms] if licence, [str number] if number
//!   lengths   one weight per work, in work order: the works of profile 0
//!             (its works in order, then its card when it has one, exactly
//!             as `Index::add` numbers them), then of profile 1, ...;
//!             the count is implied by the profiles
//!   terms     varint n, then n × term, in term-id order:
//!               u8 tag 0 word, 1 code, 2 CJK, 3 CJK character: then str text
//!               u8 tag 4 pair: then varint a, varint b (ids of earlier
//!               single terms)
//!   total     varint: the number of postings that follow (so the loader
//!             allocates their array once, at its final size)
//!   postings  for each term, in id order: varint df, then df × (varint
//!             gap, weight tf); the first gap is the work id, later gaps
//!             are differences to the previous work id (so at least 1)
//! ```
//!
//! Everything is checked on load, before anything is trusted: magic,
//! version, length, checksum, and every count against the bytes left
//! (before allocating), UTF-8, kinds and tags, term ids of pairs (earlier
//! single terms only, so no cycles), work ids in range and strictly
//! increasing, weights finite, no bytes left over, no repeated profile id
//! or term. A truncated, corrupted or wrong-version file is an [`Error`]
//! with its own message, never a panic and never wrong results. The file
//! can be given whole or in pieces as it downloads ([`Loader`], in
//! `store/read.rs`): the checks are the same, and the errors too.
//!
//! The profiles, work ranges, per-profile lengths, term maps and
//! typo-tolerance lists are derived on load (see [`Index::from_parts`]),
//! so the file holds each fact once.

use crate::index::{Index, Term, TermId};
use crate::model::{Kind, Profile};
use crate::params::Params;
use crate::text::TermKind;

mod read;
pub(crate) use read::decode_profile;
pub use read::{read, Loader};

/// The first 8 bytes of every index file.
pub const MAGIC: [u8; 8] = [0x89, b'C', b'M', b'X', 0x0D, 0x0A, 0x1A, 0x0A];
/// The format version this build writes and reads.
pub const VERSION: u32 = 2;
/// The oldest format version this build still reads.
pub const OLDEST_READABLE: u32 = 1;
/// Header size: magic, version, payload length, checksum.
pub const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// The payload checksum: FNV-1a 64 run over the payload's 8-byte
/// little-endian words in four interleaved lanes (word `i` goes to lane
/// `i % 4`), the remaining 0–7 bytes into lane 0 a byte at a time, then
/// the four lane values folded with FNV-1a into one. Each step
/// `h = (h ^ x) × prime` is a bijection of `h` for a given `x` and changes
/// with `x`, so any change confined to one word (every single flipped
/// byte or bit) always changes the sum; the lanes let the CPU overlap the
/// multiplications, ~10× faster than byte-wise FNV-1a on 100 MB (which
/// took 0.34 s natively). A checksum against accidents, not an
/// authenticator.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut sum = Checksum::new();
    sum.update(bytes);
    sum.finish()
}

const PRIME: u64 = 0x0100_0000_01b3;
const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// [`checksum`] summed piece by piece, as a file arrives: the same value
/// for the same bytes however they are split.
#[derive(Debug, Clone)]
pub struct Checksum {
    lanes: [u64; 4],
    /// The start of a 32-byte block whose end has not come yet.
    tail: [u8; 32],
    tail_len: usize,
    len: u64,
}

impl Default for Checksum {
    fn default() -> Self {
        Checksum::new()
    }
}

impl Checksum {
    /// A checksum of no bytes yet.
    pub fn new() -> Checksum {
        Checksum {
            lanes: [OFFSET, OFFSET ^ 1, OFFSET ^ 2, OFFSET ^ 3],
            tail: [0; 32],
            tail_len: 0,
            len: 0,
        }
    }

    /// Mixes up to four 8-byte words into the lanes, word `i` into lane `i`.
    #[inline]
    fn words(lanes: &mut [u64; 4], bytes: &[u8]) {
        for (lane, word) in lanes.iter_mut().zip(bytes.chunks_exact(8)) {
            // A fixed-size conversion (never fails on an 8-byte chunk) is one
            // load; `copy_from_slice` was a call per word in WebAssembly.
            let w = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
            *lane = (*lane ^ w).wrapping_mul(PRIME);
        }
    }

    /// Adds `bytes` after those seen so far.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if self.tail_len > 0 {
            let take = (32 - self.tail_len).min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            if let Some(dst) = self.tail.get_mut(self.tail_len..self.tail_len + take) {
                dst.copy_from_slice(head);
            }
            self.tail_len += take;
            bytes = rest;
            if self.tail_len < 32 {
                return;
            }
            let block = self.tail;
            Self::words(&mut self.lanes, &block);
            self.tail_len = 0;
        }
        let mut blocks = bytes.chunks_exact(32);
        for block in &mut blocks {
            Self::words(&mut self.lanes, block);
        }
        let rest = blocks.remainder();
        if let Some(dst) = self.tail.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.tail_len = rest.len();
    }

    /// The checksum of every byte added.
    pub fn finish(&self) -> u64 {
        let mut lanes = self.lanes;
        let rest = self.tail.get(..self.tail_len).unwrap_or_default();
        let whole = rest.len() / 8 * 8;
        Self::words(&mut lanes, rest.get(..whole).unwrap_or_default());
        for &b in rest.get(whole..).unwrap_or_default() {
            lanes[0] = (lanes[0] ^ u64::from(b)).wrapping_mul(PRIME);
        }
        let mut h = OFFSET ^ self.len;
        for lane in lanes {
            for b in lane.to_le_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(PRIME);
            }
        }
        h
    }
}

// ---------------------------------------------------------------- write ---

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    fn weight(&mut self, w: f32) {
        if w == 0.0 && w.is_sign_positive() {
            self.varint(0);
            return;
        }
        let k = w * 4.0;
        if k >= 1.0 && k <= (1u32 << 24) as f32 && k.fract() == 0.0 {
            let k = k as u32;
            if ((k as f32) / 4.0).to_bits() == w.to_bits() {
                self.varint(u64::from(k) << 1);
                return;
            }
        }
        self.varint(1);
        self.out.extend_from_slice(&w.to_le_bytes());
    }
}

fn kind_code(k: Kind) -> u8 {
    match k {
        Kind::Expert => 0,
        Kind::Lab => 1,
        Kind::Team => 2,
        Kind::Patent => 3,
    }
}

fn term_tag(k: TermKind) -> u8 {
    match k {
        TermKind::Word => 0,
        TermKind::Code => 1,
        TermKind::Cjk => 2,
        TermKind::CjkChar => 3,
    }
}

const PAIR_TAG: u8 = 4;

/// Every parameter by name, as text `Params::set` reads back exactly
/// (see [`Params::named_values`]: the parameter table writes the list).
pub(crate) fn params_list(p: &Params) -> Vec<(&'static str, String)> {
    p.named_values()
}

fn write_profile(w: &mut Writer, p: &Profile) {
    w.str(&p.id);
    w.out.push(kind_code(p.kind));
    for s in [&p.name, &p.institution, &p.discipline, &p.region] {
        w.str(s);
    }
    w.len(p.keywords.len());
    for k in &p.keywords {
        w.str(k);
    }
    w.str(&p.summary);
    w.len(p.works.len());
    for work in &p.works {
        w.str(&work.title);
        w.str(&work.abstract_text);
        let year = work.year.map_or(0, |y| u64::from(zigzag(y)) + 1);
        w.varint(year);
    }
    let flags = u8::from(p.licence.is_some()) | (u8::from(p.number.is_some()) << 1);
    w.out.push(flags);
    if let Some(l) = &p.licence {
        w.str(&l.fee);
        w.str(&l.terms);
    }
    if let Some(n) = &p.number {
        w.str(n);
    }
}

/// One profile in this format's encoding, appended to `out`: the sharded
/// index (`crate::shard`) keeps its profile records in it too.
pub(crate) fn encode_profile(p: &Profile, out: &mut Vec<u8>) {
    let mut w = Writer {
        out: std::mem::take(out),
    };
    write_profile(&mut w, p);
    *out = w.out;
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

/// Writes the index and the parameters it was built with as a `.cmx` file.
pub fn write(params: &Params, index: &Index) -> Vec<u8> {
    write_version(params, index, VERSION)
}

/// [`write`] in an older format version (for the test that it still loads).
fn write_version(params: &Params, index: &Index, version: u32) -> Vec<u8> {
    let mut w = Writer { out: Vec::new() };
    let list = params_list(params);
    w.len(list.len());
    for (name, value) in &list {
        w.str(name);
        w.str(value);
    }
    w.len(index.profiles.len());
    for p in &index.profiles {
        write_profile(&mut w, p);
    }
    for work in &index.works {
        w.weight(work.len);
    }
    let terms = index.vocab.len();
    w.len(terms);
    for id in 0..terms as TermId {
        match index.vocab.get(id) {
            Some(Term::Single { text, kind }) => {
                w.out.push(term_tag(kind));
                w.str(text);
            }
            Some(Term::Pair(a, b)) => {
                w.out.push(PAIR_TAG);
                w.varint(u64::from(a));
                w.varint(u64::from(b));
            }
            None => {}
        }
    }
    if version >= 2 {
        w.len(index.postings.len());
    }
    for term in 0..terms as TermId {
        w.len(index.postings.df(term));
        let list = index.postings.lists(term).flatten();
        let mut prev = 0;
        for (i, p) in list.enumerate() {
            let gap = if i == 0 {
                p.work
            } else {
                p.work.saturating_sub(prev)
            };
            w.varint(u64::from(gap));
            w.weight(p.tf);
            prev = p.work;
        }
    }
    let payload = w.out;
    let mut file = Vec::with_capacity(HEADER_LEN + payload.len());
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&version.to_le_bytes());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&checksum(&payload).to_le_bytes());
    file.extend_from_slice(&payload);
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_sees_every_single_byte_change() {
        let data: Vec<u8> = (0..101u32).map(|i| (i * 37 % 251) as u8).collect();
        let sum = checksum(&data);
        for len in 0..data.len() {
            assert_ne!(checksum(&data[..len]), sum, "prefix {len}");
        }
        for i in 0..data.len() {
            for bit in 0..8 {
                let mut bad = data.clone();
                bad[i] ^= 1 << bit;
                assert_ne!(checksum(&bad), sum, "byte {i} bit {bit}");
            }
        }
        // Zero-length input still mixes the four lanes.
        assert_ne!(checksum(b""), checksum(&[0]));
    }

    /// The checksum as first written: the whole input at once.
    fn checksum_at_once(bytes: &[u8]) -> u64 {
        let mut lanes = [OFFSET, OFFSET ^ 1, OFFSET ^ 2, OFFSET ^ 3];
        let mut blocks = bytes.chunks_exact(32);
        for block in &mut blocks {
            Checksum::words(&mut lanes, block);
        }
        let mut words = blocks.remainder().chunks_exact(8);
        for (lane, word) in lanes.iter_mut().zip(&mut words) {
            *lane = (*lane ^ u64::from_le_bytes(word.try_into().unwrap())).wrapping_mul(PRIME);
        }
        for &b in words.remainder() {
            lanes[0] = (lanes[0] ^ u64::from(b)).wrapping_mul(PRIME);
        }
        let mut h = OFFSET ^ bytes.len() as u64;
        for lane in lanes {
            for b in lane.to_le_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(PRIME);
            }
        }
        h
    }

    #[test]
    fn checksum_in_pieces_equals_checksum_at_once() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 91 % 256) as u8).collect();
        for len in 0..data.len() {
            let data = &data[..len];
            let want = checksum_at_once(data);
            assert_eq!(checksum(data), want, "len {len}");
            for size in [1, 3, 8, 31, 32, 33, 100] {
                let mut sum = Checksum::new();
                for piece in data.chunks(size) {
                    sum.update(piece);
                }
                assert_eq!(sum.finish(), want, "len {len}, pieces of {size}");
            }
        }
        // A file written before the checksum was summed in pieces.
        assert_eq!(checksum(b"coopmatch"), 0x6b94_8e56_f77b_b612);
    }

    #[test]
    fn version_1_files_still_load() {
        let mut m = crate::Matcher::new(Params::default()).unwrap();
        let profiles =
            crate::import::read_profiles(include_str!("../tests/fixtures/profiles.jsonl"), None)
                .unwrap()
                .records;
        m.add_profiles(profiles);
        let current = m.write_index();
        let (params, index) = read(&current).unwrap();
        let old = write_version(&params, &index, 1);
        assert_eq!(old[8], 1);
        assert!(old.len() < current.len());
        let from_old = crate::Matcher::from_index(&old).unwrap();
        assert_eq!(from_old.write_index(), current);
    }

    #[test]
    fn weights_round_trip_bit_for_bit() {
        for w in [
            0.0f32,
            0.25,
            0.5,
            1.0,
            2.0,
            3.5,
            1e-7,
            1.3,
            0.1,
            1e30,
            4_194_304.0,
            4_194_304.25,
        ] {
            let mut wr = Writer { out: Vec::new() };
            wr.weight(w);
            let mut r = read::Reader::new(&wr.out);
            assert_eq!(r.weight("w").unwrap().to_bits(), w.to_bits(), "{w}");
            assert_eq!(r.remaining(), 0);
        }
        let mut wr = Writer { out: Vec::new() };
        wr.weight(2.5);
        assert_eq!(wr.out, vec![20]);
    }

    #[test]
    fn varints_reject_overlong_and_oversized() {
        let mut r = read::Reader::new(&[0x80, 0x00]);
        assert!(r.varint("v").is_err());
        let big = [0xff; 11];
        let mut r = read::Reader::new(&big);
        assert!(r.varint("v").is_err());
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        let mut r = read::Reader::new(&max);
        assert_eq!(r.varint("v").unwrap(), u64::MAX);
    }

    #[test]
    fn zigzag_years() {
        for y in [0, 1, -1, 2024, -500, i32::MAX, i32::MIN] {
            assert_eq!(unzigzag(zigzag(y)), y);
        }
    }

    #[test]
    fn every_parameter_round_trips() {
        let p = Params {
            k1: 1.37,
            fuzzy: false,
            top_works: 7,
            grow_top_works: false,
            profile_idf: false,
            cjk_char_weight: 0.1,
            ..Params::default()
        };
        let mut q = Params::default();
        for (name, value) in params_list(&p) {
            q.set(name, &value).unwrap();
        }
        assert_eq!(p, q);
    }
}
