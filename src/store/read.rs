//! Reading a `.cmx` file, whole or as it arrives.
//!
//! [`Loader`] decodes the file item by item (a parameter list, a profile,
//! a work length, a term, a posting) from the bytes that have arrived so
//! far, and keeps only the undecoded rest of the last piece. The browser
//! hands it the download chunk by chunk, so decoding runs while the rest
//! is still on its way and the file is never held whole, in JavaScript or
//! in WebAssembly memory (for 100,000 profiles: 128 MB twice). Reading a
//! file already in memory ([`read`]) is the same decoder given one piece.
//!
//! Everything is checked, as the format docs in [`super`] say, but the
//! checksum can only be compared once the last byte is in. So nothing
//! decoded is handed out before [`Loader::finish`] has compared it, and a
//! structural error found on the way is kept and reported only if the
//! header's length and the checksum are right: a damaged file says
//! "checksum", its likely cause, whatever the damage looked like to the
//! decoder. Counts are checked against the bytes the header promises and
//! every allocation they size is fallible, so a header that lies cannot
//! make the loader abort before the checksum catches it.

use super::{Checksum, HEADER_LEN, MAGIC, OLDEST_READABLE, PAIR_TAG, VERSION};
use crate::error::{Error, Result, StoreErrorKind};
use crate::index::{has_card, Index, PrebuiltLists, Term, TermId, Vocabulary};
use crate::model::{Kind, Licence, Profile, Work};
use crate::params::Params;
use crate::text::TermKind;

pub(super) fn corrupt(what: impl std::fmt::Display) -> Error {
    Error::parse(format!("the index file is damaged: {what}"))
        .with_store_kind(StoreErrorKind::Damaged)
}

fn out_of_memory() -> Error {
    Error::limit("not enough memory to load this index")
        .with_store_kind(StoreErrorKind::OutOfMemory)
}

/// A vector with room for `n` items, or an error when memory is short.
fn reserved<T>(n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| out_of_memory())?;
    Ok(v)
}

/// A cursor over the payload bytes at hand.
pub(super) struct Reader<'a> {
    pub(super) data: &'a [u8],
    pub(super) pos: usize,
    /// Payload bytes the header promises after the end of `data`.
    pub(super) more: usize,
    /// Set when a read needed bytes that have not arrived yet (as opposed
    /// to bytes past the end of the payload, which is damage).
    pub(super) short: bool,
}

impl<'a> Reader<'a> {
    #[cfg(test)]
    pub(super) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader {
            data,
            pos: 0,
            more: 0,
            short: false,
        }
    }

    /// Payload bytes left from here, arrived or not.
    pub(super) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos) + self.more
    }

    fn past_end(&mut self, n: usize, what: &str) -> Error {
        if n <= self.remaining() {
            self.short = true;
            corrupt(format!("{what} has not arrived yet"))
        } else {
            corrupt(format!("{what} runs past the end"))
        }
    }

    fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        match self
            .pos
            .checked_add(n)
            .and_then(|end| Some((end, self.data.get(self.pos..end)?)))
        {
            Some((end, s)) => {
                self.pos = end;
                Ok(s)
            }
            None => Err(self.past_end(n, what)),
        }
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.past_end(1, what)),
        }
    }

    #[inline]
    pub(super) fn varint(&mut self, what: &str) -> Result<u64> {
        // Most values (gaps, weights, lengths) fit in one byte.
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.varint_long(what)
    }

    #[inline(never)]
    fn varint_long(&mut self, what: &str) -> Result<u64> {
        let start = self.pos;
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = match self.u8(what) {
                Ok(b) => b,
                Err(e) => {
                    self.pos = start;
                    return Err(e);
                }
            };
            let bits = u64::from(b & 0x7f);
            if i == 9 && b > 1 {
                return Err(corrupt(format!("{what} is out of range")));
            }
            v |= bits << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    return Err(corrupt(format!("{what} is not in its shortest form")));
                }
                return Ok(v);
            }
        }
        Err(corrupt(format!("{what} is out of range")))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        u32::try_from(self.varint(what)?).map_err(|_| corrupt(format!("{what} is out of range")))
    }

    /// A count of items each taking at least `min_bytes`: checked against
    /// the bytes left before anything is allocated for it.
    fn count(&mut self, min_bytes: usize, what: &str) -> Result<usize> {
        let n = self.varint(what)?;
        let n = usize::try_from(n).map_err(|_| corrupt(format!("{what} is out of range")))?;
        if n.saturating_mul(min_bytes) > self.remaining() {
            return Err(corrupt(format!(
                "{what} says {n}, more than the {} bytes left can hold",
                self.remaining()
            )));
        }
        Ok(n)
    }

    fn str(&mut self, what: &str) -> Result<String> {
        let n = self.count(1, what)?;
        let bytes = self.bytes(n, what)?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| corrupt(format!("{what} is not valid UTF-8")))
    }

    #[inline]
    pub(super) fn weight(&mut self, what: &str) -> Result<f32> {
        let v = self.varint(what)?;
        let w = match v {
            0 => 0.0,
            1 => {
                let b = self.bytes(4, what)?;
                let mut a = [0u8; 4];
                a.copy_from_slice(b);
                f32::from_le_bytes(a)
            }
            v if v % 2 == 0 && v >> 1 <= 1 << 24 => ((v >> 1) as f32) / 4.0,
            _ => return Err(corrupt(format!("{what} has a bad encoding"))),
        };
        if !(w.is_finite() && w >= 0.0) {
            return Err(corrupt(format!(
                "{what} is not a finite non-negative number"
            )));
        }
        Ok(w)
    }

    /// One posting: the gap to the previous work and the weighted count.
    #[inline]
    fn posting(&mut self) -> Result<(u64, Count)> {
        // Nearly all postings are a gap of one or two bytes and a one-byte
        // weight `2k` (tf = k / 4, k ≥ 1): read those directly, without a
        // check per byte. The general decoders (with every check) take the
        // rest; both give the same values.
        if let Some(&[b0, b1, b2]) = self.data.get(self.pos..self.pos + 3) {
            let (gap, w, n) = if b0 < 0x80 {
                (u64::from(b0), b1, 2)
            } else {
                (u64::from(b0 & 0x7f) | u64::from(b1) << 7, b2, 3)
            };
            // A two-byte gap ends in its second byte, which is not 0
            // (the shortest form).
            let gap_ok = n == 2 || (1..0x80).contains(&b1);
            if gap_ok && (2..0x80).contains(&w) && w % 2 == 0 {
                self.pos += n;
                return Ok((gap, Count::Quarters(w >> 1)));
            }
        }
        self.posting_long()
    }

    #[inline(never)]
    fn posting_long(&mut self) -> Result<(u64, Count)> {
        let start = self.pos;
        let gap = self.varint("posting")?;
        match self.weight("term frequency") {
            Ok(tf) => Ok((gap, Count::Value(tf))),
            Err(e) => {
                // A posting is decoded whole or not at all.
                if self.short {
                    self.pos = start;
                }
                Err(e)
            }
        }
    }
}

/// A posting's weighted count as read.
enum Count {
    /// `k / 4` exactly, `k` in `1..64` (a one-byte weight).
    Quarters(u8),
    Value(f32),
}

/// Runs `read` as one item: when its bytes have not all arrived, the
/// cursor goes back to where the item starts and the answer is `None`.
fn item<'a, T>(
    r: &mut Reader<'a>,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T>,
) -> Result<Option<T>> {
    let start = r.pos;
    match read(r) {
        Ok(v) => Ok(Some(v)),
        Err(_) if r.short => {
            r.pos = start;
            r.short = false;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn read_params(r: &mut Reader) -> Result<Params> {
    let n = r.count(2, "parameter count")?;
    let mut params = Params::default();
    for _ in 0..n {
        let name = r.str("parameter name")?;
        let value = r.str("parameter value")?;
        params
            .set(&name, &value)
            .map_err(|e| corrupt(e.message()))?;
    }
    Ok(params)
}

/// One profile of [`super::encode_profile`]'s encoding at `*pos`, which
/// moves past it; damage is an error, as in a file.
pub(crate) fn decode_profile(data: &[u8], pos: &mut usize) -> Result<Profile> {
    let mut r = Reader {
        data,
        pos: *pos,
        more: 0,
        short: false,
    };
    let p = read_profile(&mut r)?;
    *pos = r.pos;
    Ok(p)
}

fn read_profile(r: &mut Reader) -> Result<Profile> {
    let id = r.str("profile id")?;
    if id.is_empty() {
        return Err(corrupt("a profile has an empty id"));
    }
    let kind = match r.u8("profile kind")? {
        0 => Kind::Expert,
        1 => Kind::Lab,
        2 => Kind::Team,
        3 => Kind::Patent,
        k => return Err(corrupt(format!("profile `{id}` has an unknown kind {k}"))),
    };
    let name = r.str("profile name")?;
    let institution = r.str("profile institution")?;
    let discipline = r.str("profile discipline")?;
    let region = r.str("profile region")?;
    let nk = r.count(1, "keyword count")?;
    let mut keywords = reserved(nk)?;
    for _ in 0..nk {
        keywords.push(r.str("keyword")?);
    }
    let summary = r.str("profile summary")?;
    let nw = r.count(3, "work count")?;
    let mut works = reserved(nw)?;
    for _ in 0..nw {
        let title = r.str("work title")?;
        let abstract_text = r.str("work abstract")?;
        let year = match r.u32("work year")? {
            0 => None,
            y => Some(super::unzigzag(y - 1)),
        };
        works.push(Work {
            title,
            abstract_text,
            year,
        });
    }
    let flags = r.u8("profile flags")?;
    if flags > 3 {
        return Err(corrupt(format!("profile `{id}` has unknown flags {flags}")));
    }
    let licence = if flags & 1 != 0 {
        Some(Licence {
            fee: r.str("licence fee")?,
            terms: r.str("licence terms")?,
        })
    } else {
        None
    };
    let number = if flags & 2 != 0 {
        Some(r.str("patent number")?)
    } else {
        None
    };
    Ok(Profile {
        id,
        kind,
        name,
        institution,
        discipline,
        region,
        keywords,
        summary,
        works,
        licence,
        number,
    })
}

/// Reads one term (tag and text, or tag and two ids) into the vocabulary.
fn read_term(r: &mut Reader, vocab: &mut Vocabulary, id: TermId) -> Result<()> {
    let tag = r.u8("term tag")?;
    let fresh = match tag {
        0..=3 => {
            let text = r.str("term text")?;
            if text.is_empty() {
                return Err(corrupt(format!("term {id} is empty")));
            }
            let kind = match tag {
                0 => TermKind::Word,
                1 => TermKind::Code,
                2 => TermKind::Cjk,
                _ => TermKind::CjkChar,
            };
            let fresh = vocab.single(&text).is_none();
            vocab.push_single(&text, kind);
            fresh
        }
        PAIR_TAG => {
            let a = r.u32("pair term id")?;
            let b = r.u32("pair term id")?;
            let single = |t: u32| matches!(vocab.get(t), Some(Term::Single { .. }));
            if !(single(a) && single(b)) {
                return Err(corrupt(format!(
                    "pair term {id} refers to terms {a} and {b}, which are not earlier single terms"
                )));
            }
            let fresh = vocab.pair(a, b).is_none();
            vocab.push_pair(a, b);
            fresh
        }
        t => return Err(corrupt(format!("term {id} has an unknown tag {t}"))),
    };
    if !fresh {
        return Err(corrupt(format!("term {id} repeats an earlier term")));
    }
    Ok(())
}

/// Where the decoder is in the payload: the next item it expects.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Params,
    ProfileCount,
    Profiles {
        left: usize,
    },
    Lengths {
        left: usize,
    },
    TermCount,
    Terms {
        next: TermId,
    },
    /// The posting total (version 2 and later).
    Total,
    /// The posting count of term `term`.
    ListHead {
        term: usize,
    },
    /// Inside the list of `term`: `left` postings to go, after work `prev`.
    List {
        term: usize,
        left: usize,
        prev: u64,
        first: bool,
    },
    Done,
}

/// What has been decoded so far.
#[derive(Default)]
struct Parts {
    params: Params,
    profiles: Vec<Profile>,
    /// Works the profiles have (one length each), known after the profiles.
    works: usize,
    lens: Vec<f32>,
    terms: usize,
    vocab: Vocabulary,
    /// The posting total, when the file states it.
    total: Option<usize>,
    lists: PrebuiltLists,
}

/// The fixed-size header, once complete.
#[derive(Debug, Clone, Copy)]
struct Header {
    version: u32,
    length: u64,
    checksum: u64,
}

/// Decodes a `.cmx` file given in pieces of any size (see the module docs).
pub struct Loader {
    /// The whole file's size, when the caller knows it (a file on disk, an
    /// HTTP `Content-Length`): a header that disagrees is refused at once.
    expected: Option<u64>,
    /// The header's bytes until it is complete.
    head: Vec<u8>,
    header: Option<Header>,
    /// Payload bytes received (at most the header's length) and their sum.
    received: u64,
    sum: Checksum,
    /// Bytes received after the payload's end.
    extra: u64,
    /// Payload bytes received but not decoded yet: the start of an item
    /// whose end has not arrived.
    pending: Vec<u8>,
    stage: Stage,
    parts: Parts,
    /// The first structural error, reported by [`Loader::finish`] unless the
    /// length or checksum is wrong.
    failed: Option<Error>,
}

impl Loader {
    /// A loader for a file of `expected` bytes, or of a size not known yet.
    pub fn new(expected: Option<u64>) -> Loader {
        Loader {
            expected,
            head: Vec::with_capacity(HEADER_LEN),
            header: None,
            received: 0,
            sum: Checksum::new(),
            extra: 0,
            pending: Vec::new(),
            stage: Stage::Params,
            parts: Parts::default(),
            failed: None,
        }
    }

    /// Bytes of the file taken so far.
    pub fn received(&self) -> u64 {
        self.head.len() as u64 + self.received + self.extra
    }

    /// Profiles decoded so far (for progress reports).
    pub fn profiles_decoded(&self) -> usize {
        self.parts.profiles.len()
    }

    /// Takes the next piece of the file. An error here (not an index file,
    /// an unsupported version, a size that disagrees with `expected`)
    /// means the rest need not be sent; damage inside the payload is only
    /// reported by [`Loader::finish`].
    pub fn push(&mut self, mut bytes: &[u8]) -> Result<()> {
        let header = match self.header {
            Some(h) => h,
            None => {
                let take = (HEADER_LEN - self.head.len()).min(bytes.len());
                let (head, rest) = bytes.split_at(take);
                self.head.extend_from_slice(head);
                bytes = rest;
                check_magic(&self.head)?;
                if self.head.len() < HEADER_LEN {
                    return Ok(());
                }
                let h = self.read_header()?;
                self.header = Some(h);
                h
            }
        };
        let room = header.length - self.received;
        let (payload, beyond) =
            bytes.split_at(usize::try_from(room).map_or(bytes.len(), |r| r.min(bytes.len())));
        self.extra += beyond.len() as u64;
        if payload.is_empty() {
            return Ok(());
        }
        self.sum.update(payload);
        self.received += payload.len() as u64;
        if self.failed.is_some() || self.stage == Stage::Done && self.pending.is_empty() {
            self.note_left_over(payload.len());
            return Ok(());
        }
        let more = usize::try_from(header.length - self.received).unwrap_or(usize::MAX);
        let outcome = if self.pending.is_empty() {
            let (used, outcome) = self.decode(payload, more);
            if outcome.is_ok() {
                self.pending
                    .extend_from_slice(payload.get(used..).unwrap_or_default());
            }
            outcome
        } else {
            let mut pending = std::mem::take(&mut self.pending);
            pending.extend_from_slice(payload);
            let (used, outcome) = self.decode(&pending, more);
            pending.drain(..used.min(pending.len()));
            self.pending = pending;
            outcome
        };
        if let Err(e) = outcome {
            self.fail(e);
        }
        Ok(())
    }

    /// Checks the whole file and gives the parameters it was built with
    /// and the index.
    pub fn finish(mut self) -> Result<(Params, Index)> {
        let Some(header) = self.header else {
            check_magic(&self.head)?;
            return Err(Error::parse(format!(
                "the index file is truncated: {} bytes, shorter than its {HEADER_LEN}-byte header",
                self.head.len()
            ))
            .with_store_kind(StoreErrorKind::Truncated));
        };
        if self.received < header.length {
            return Err(truncated(header.length, self.received));
        }
        if self.extra > 0 {
            return Err(trailing(self.extra));
        }
        if self.sum.finish() != header.checksum {
            return Err(Error::parse(
                "the index file is corrupted: its checksum does not match its contents",
            )
            .with_store_kind(StoreErrorKind::Checksum));
        }
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.stage != Stage::Done {
            // Every byte is in, so a short item would have been an error.
            return Err(corrupt("it ends in the middle of an item"));
        }
        let Parts {
            params,
            profiles,
            lens,
            vocab,
            lists,
            ..
        } = self.parts;
        let index = Index::from_parts(&params, profiles, lens, vocab, lists).map_err(corrupt)?;
        Ok((params, index))
    }

    fn read_header(&self) -> Result<Header> {
        let word = |at: usize, n: usize| -> u64 {
            self.head
                .get(at..at + n)
                .unwrap_or_default()
                .iter()
                .rev()
                .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
        };
        let version = word(8, 4);
        let length = word(12, 8);
        let checksum = word(20, 8);
        if !(u64::from(OLDEST_READABLE)..=u64::from(VERSION)).contains(&version) {
            return Err(Error::parse(format!(
                "index format version {version} is not supported: this build reads versions \
                 {OLDEST_READABLE} to {VERSION}; rebuild the index with this version of `coopmatch index`"
            ))
            .with_store_kind(StoreErrorKind::Version));
        }
        if let Some(expected) = self.expected {
            let have = expected.saturating_sub(HEADER_LEN as u64);
            if length > have {
                return Err(truncated(length, have));
            }
            if length < have {
                return Err(trailing(have - length));
            }
        }
        // The decoded index takes about twice the file: take that from the
        // system in one step (see `reserve_memory`). Only a hint: a length
        // that cannot be had is left to the checks that follow.
        // At most 1 GB: WebAssembly memory, once grown, stays grown, and
        // this length is not checked yet.
        reserve_memory(usize::try_from(length.saturating_mul(2).min(1 << 30)).unwrap_or(0));
        Ok(Header {
            version: version as u32,
            length,
            checksum,
        })
    }

    fn fail(&mut self, e: Error) {
        self.failed = Some(e);
        // Nothing decoded will be used: give the memory back now.
        self.parts = Parts::default();
        self.pending = Vec::new();
    }

    /// Payload bytes after the postings end are damage (reported after the
    /// checksum, like all damage).
    fn note_left_over(&mut self, n: usize) {
        if self.failed.is_none() {
            self.fail(left_over(n));
        }
    }

    /// Decodes as many whole items of `data` as it holds; `more` payload
    /// bytes are still to come. Returns the bytes used.
    fn decode(&mut self, data: &[u8], more: usize) -> (usize, Result<()>) {
        let mut r = Reader {
            data,
            pos: 0,
            more,
            short: false,
        };
        let outcome = self.decode_items(&mut r);
        if outcome.is_ok() && self.stage == Stage::Done && r.pos < data.len() {
            return (data.len(), Err(left_over(data.len() - r.pos)));
        }
        (r.pos, outcome)
    }

    fn decode_items(&mut self, r: &mut Reader) -> Result<()> {
        let version = self.header.map_or(VERSION, |h| h.version);
        let parts = &mut self.parts;
        loop {
            let next = match self.stage {
                Stage::Params => item(r, read_params)?.map(|params| {
                    parts.params = params;
                    Stage::ProfileCount
                }),
                // A profile takes at least 11 bytes (id, kind, four strings,
                // keyword count, summary, work count, flags).
                Stage::ProfileCount => item(r, |r| r.count(11, "profile count"))?
                    .map(|n| -> Result<Stage> {
                        parts.profiles = reserved(n)?;
                        Ok(Stage::Profiles { left: n })
                    })
                    .transpose()?,
                Stage::Profiles { left: 0 } => {
                    if parts.works > u32::MAX as usize || parts.works > r.remaining() {
                        return Err(corrupt(format!(
                            "{} work lengths do not fit in the {} bytes left",
                            parts.works,
                            r.remaining()
                        )));
                    }
                    parts.lens = reserved(parts.works)?;
                    Some(Stage::Lengths { left: parts.works })
                }
                Stage::Profiles { left } => item(r, read_profile)?.map(|p| {
                    parts.works = parts
                        .works
                        .saturating_add(p.works.len())
                        .saturating_add(usize::from(has_card(&p)));
                    parts.profiles.push(p);
                    Stage::Profiles { left: left - 1 }
                }),
                Stage::Lengths { left: 0 } => Some(Stage::TermCount),
                Stage::Lengths { mut left } => {
                    while left > 0 {
                        match item(r, |r| r.weight("work length"))? {
                            Some(w) => parts.lens.push(w),
                            None => break,
                        }
                        left -= 1;
                    }
                    let waiting = left > 0;
                    self.stage = Stage::Lengths { left };
                    if waiting {
                        return Ok(());
                    }
                    continue;
                }
                Stage::TermCount => item(r, |r| r.count(2, "term count"))?
                    .map(|n| -> Result<Stage> {
                        parts.terms = n;
                        parts.vocab.try_reserve(n).map_err(|_| out_of_memory())?;
                        Ok(Stage::Terms { next: 0 })
                    })
                    .transpose()?,
                Stage::Terms { next } if next as usize == parts.terms => Some(match version {
                    1 => Stage::ListHead { term: 0 },
                    _ => Stage::Total,
                }),
                Stage::Terms { next } => item(r, |r| read_term(r, &mut parts.vocab, next))?
                    .map(|()| Stage::Terms { next: next + 1 }),
                Stage::Total => item(r, |r| r.count(2, "posting total"))?
                    .map(|n| -> Result<Stage> {
                        parts.total = Some(n);
                        Ok(Stage::ListHead { term: 0 })
                    })
                    .transpose()?,
                Stage::ListHead { term } if term == parts.terms => {
                    if parts.total.is_some_and(|t| t != parts.lists.postings()) {
                        return Err(corrupt("the postings are fewer than the file's total"));
                    }
                    Some(Stage::Done)
                }
                Stage::ListHead { term } => {
                    if term == 0 {
                        // Version 1 has no total: its array grows (to twice
                        // its size at worst).
                        parts
                            .lists
                            .try_reserve(parts.terms, parts.total.unwrap_or(0))
                            .map_err(|_| out_of_memory())?;
                    }
                    // A posting takes at least 2 bytes (gap, tf).
                    item(r, |r| r.count(2, "posting count"))?
                        .map(|df| -> Result<Stage> {
                            if parts.total.is_some_and(|t| parts.lists.postings() + df > t) {
                                return Err(corrupt(format!(
                                    "term {term} has more postings than the file's total"
                                )));
                            }
                            Ok(Stage::List {
                                term,
                                left: df,
                                prev: 0,
                                first: true,
                            })
                        })
                        .transpose()?
                }
                Stage::List {
                    term,
                    left,
                    prev,
                    first,
                } => {
                    let at = read_list(
                        r,
                        &mut parts.lists,
                        parts.works as u64,
                        term,
                        left,
                        prev,
                        first,
                    )?;
                    match at {
                        Stage::List { .. } => {
                            self.stage = at;
                            return Ok(());
                        }
                        _ => Some(at),
                    }
                }
                Stage::Done => return Ok(()),
            };
            match next {
                Some(stage) => self.stage = stage,
                None => return Ok(()),
            }
        }
    }
}

/// Decodes the postings of `term` from `r` until the list ends (the next
/// stage) or the bytes at hand do (the list's state to resume from).
fn read_list(
    r: &mut Reader,
    lists: &mut PrebuiltLists,
    works: u64,
    term: usize,
    mut left: usize,
    mut prev: u64,
    mut first: bool,
) -> Result<Stage> {
    while left > 0 {
        let (gap, tf) = match r.posting() {
            Ok(p) => p,
            Err(_) if r.short => {
                r.short = false;
                return Ok(Stage::List {
                    term,
                    left,
                    prev,
                    first,
                });
            }
            Err(e) => return Err(e),
        };
        let work = if first {
            gap
        } else if gap == 0 {
            return Err(corrupt(format!(
                "the postings of term {term} are not strictly increasing"
            )));
        } else {
            prev.saturating_add(gap)
        };
        if work >= works {
            return Err(corrupt(format!(
                "term {term} lists work {work}, but there are only {works} works"
            )));
        }
        match tf {
            Count::Quarters(k) => lists.push_quarters(work as u32, k),
            Count::Value(tf) if tf > 0.0 => lists.push(work as u32, tf),
            Count::Value(_) => {
                return Err(corrupt(format!("term {term} has a zero frequency")));
            }
        }
        prev = work;
        first = false;
        left -= 1;
    }
    if !lists.end_list() {
        return Err(corrupt("more postings than an index can hold"));
    }
    Ok(Stage::ListHead { term: term + 1 })
}

fn check_magic(head: &[u8]) -> Result<()> {
    let n = head.len().min(MAGIC.len());
    if head.get(..n) != MAGIC.get(..n) {
        return Err(Error::parse(
            "not a coopmatch index file (it does not start with the .cmx magic bytes); \
             build one with `coopmatch index --profiles FILE -o data.cmx`",
        )
        .with_store_kind(StoreErrorKind::NotAnIndex));
    }
    Ok(())
}

fn left_over(bytes: usize) -> Error {
    corrupt(format!("{bytes} bytes left over after the postings"))
}

fn truncated(promised: u64, have: u64) -> Error {
    Error::parse(format!(
        "the index file is truncated: its header promises {promised} bytes of data, \
         the file has {have}"
    ))
    .with_store_kind(StoreErrorKind::Truncated)
}

fn trailing(bytes: impl std::fmt::Display) -> Error {
    Error::parse(format!(
        "the index file has {bytes} unexpected bytes after its end"
    ))
    .with_store_kind(StoreErrorKind::TrailingBytes)
}

/// Makes the allocator take `bytes` from the system in one step, before a
/// load that will allocate about that much in many small pieces. In
/// WebAssembly each growth of memory is a `memory.grow`, and in V8 each one
/// also replaces the memory's `ArrayBuffer` and can start a garbage
/// collection: loading the index of 100,000 profiles (a 128 MB file, about
/// twice that in memory) spent 1.5 s growing and 0.8 s collecting. The
/// block is freed at once and the allocator serves the load from it.
/// Natively it costs one `mmap` and `munmap` of untouched pages. Fallible:
/// when the memory cannot be had, the load goes on without the hint.
fn reserve_memory(bytes: usize) {
    let mut block = Vec::<u8>::new();
    let _ = block.try_reserve_exact(bytes);
}

/// Reads a `.cmx` file held whole in memory: the parameters it was built
/// with and the index.
pub fn read(bytes: &[u8]) -> Result<(Params, Index)> {
    let mut loader = Loader::new(Some(bytes.len() as u64));
    loader.push(bytes)?;
    loader.finish()
}
